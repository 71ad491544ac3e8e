"""The one error hierarchy of survey_tools.

Every error the toolkit raises on purpose derives from :class:`SurveyToolsError`, so an analyst
can catch all of them at once, or one family at a time::

    SurveyToolsError            root; raised itself only for inputs no family below covers:
                                the membership roll, the AAPOR dispositions table, a cleaned
                                survey on disk
    ├── ExportReadError         a survey export cannot be read (names the file and the cause)
    ├── CodebookError           a codebook is malformed or does not fit the export
    ├── PrivacyError            personal data cannot be protected as asked (e.g. no salt)
    ├── DemoDataError           the bundled demo survey is missing, stale or cannot be written
    ├── MarginsError            a margins file or table is malformed or does not fit the data
    ├── ExposureError           exposure-index data or a role-to-SOC map is missing or does not fit
    ├── DesignError             a survey design or estimate cannot be set up as asked
    │   └── LonelyPSUError      a stratum has a single PSU and no lonely_psu rule was chosen
    ├── ReportError             a figure or memo cannot be made from the table given
    │   └── PlanError           an analysis plan is malformed or does not fit the codebook
    ├── OutputError             an output set cannot be written or read back whole (a name
    │                           leaving the output folder, a busy folder, files that do not
    │                           belong together)
    ├── WeightingError          weights cannot be fitted to the population totals as asked
    ├── ComparabilityError      a variable is not comparable across survey waves (a ``break``)
    └── LinkError               members cannot be linked across waves (e.g. a changed salt)

Messages say what went wrong, where (file, column, level) and how to fix it. The structured
parts are also kept as attributes so that notebooks and the command line can show them.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CodebookError",
    "ComparabilityError",
    "DemoDataError",
    "DesignError",
    "ExportReadError",
    "ExposureError",
    "LinkError",
    "LonelyPSUError",
    "MarginsError",
    "OutputError",
    "PlanError",
    "PrivacyError",
    "ReportError",
    "SurveyToolsError",
    "WeightingError",
]


class SurveyToolsError(Exception):
    """Root of every error survey_tools raises on purpose.

    Parameters
    ----------
    message
        What went wrong, in plain words.
    hint
        How to fix it; appended to the message after "Fix:".
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.hint = hint
        super().__init__(f"{message} Fix: {hint}" if hint else message)


class ExportReadError(SurveyToolsError):
    """A survey export cannot be read; ``path`` names the file and ``cause`` the reason."""

    def __init__(self, path: str | Path, cause: str, *, hint: str | None = None) -> None:
        self.path = Path(path)
        self.cause = cause
        super().__init__(f"Cannot read {self.path}: {cause}.", hint=hint)


class CodebookError(SurveyToolsError):
    """A codebook is malformed, or does not fit the export it is applied to."""


class PrivacyError(SurveyToolsError):
    """Personal data cannot be protected as asked (a salt is missing or kept in the project)."""


class DemoDataError(SurveyToolsError):
    """The bundled synthetic demo survey is missing, stale or cannot be written."""


class MarginsError(SurveyToolsError):
    """A margins file or table is malformed, or does not match the data."""


class ExposureError(SurveyToolsError):
    """Exposure-index data or a role-to-SOC map is missing, malformed or does not fit the roles."""


class DesignError(SurveyToolsError):
    """A survey design or an estimate cannot be set up as asked (names the column or level)."""


class LonelyPSUError(DesignError):
    """A stratum has a single primary sampling unit, so its variance cannot be estimated."""


class ReportError(SurveyToolsError):
    """A figure or memo cannot be made from the table given (names the column or level)."""


class PlanError(ReportError):
    """An analysis plan is malformed, or does not fit the survey's codebook (names the key)."""


class OutputError(SurveyToolsError):
    """Output files cannot be written or read back as a whole set (names the folder or file)."""


class WeightingError(SurveyToolsError):
    """Weights cannot be fitted to the population totals (names the margin and level)."""


class ComparabilityError(SurveyToolsError):
    """A variable cannot be compared across waves: its crosswalk marks a ``break`` (names the
    variable, the waves and the crosswalk's note), or a wave has no crosswalk entry for it."""

    def __init__(self, message: str, *, variable: str, hint: str | None = None) -> None:
        self.variable = variable
        super().__init__(message, hint=hint)


class LinkError(SurveyToolsError):
    """Members cannot be linked across waves (no key column, or keys that never match because
    the waves were hashed with different salts)."""
