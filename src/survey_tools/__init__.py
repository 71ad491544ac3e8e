"""survey_tools: member-survey exports to weighted, disclosure-safe evidence and memos.

The public surface is ``__all__``; implementation lives in private ``_modules``. Importing the
package has no side effects: no printing, logging configuration, warnings or file access.
The synthetic demo survey lives in :mod:`survey_tools.synth`.
"""

from ._clean import CleanSurvey, clean, read_clean
from ._codebook import Codebook
from ._design import SurveyDesign
from ._errors import (
    CodebookError,
    DemoDataError,
    DesignError,
    ExportReadError,
    LonelyPSUError,
    MarginsError,
    PrivacyError,
    SurveyToolsError,
    WeightingError,
)
from ._ingest import Export, ExportMeta, read_export
from ._margins import read_margins

__version__ = "0.1.0"

__all__ = [
    "CleanSurvey",
    "Codebook",
    "CodebookError",
    "DemoDataError",
    "DesignError",
    "Export",
    "ExportMeta",
    "ExportReadError",
    "LonelyPSUError",
    "MarginsError",
    "PrivacyError",
    "SurveyDesign",
    "SurveyToolsError",
    "WeightingError",
    "__version__",
    "clean",
    "read_clean",
    "read_export",
    "read_margins",
]
