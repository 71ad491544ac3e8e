"""survey_tools: member-survey exports to weighted, disclosure-safe evidence and memos.

The public surface is ``__all__``; the implementation lives in one folder per stage of the
flow, in this order: ``ingest``, ``cleaning``, ``design``, ``models``, ``exposure``,
``disclosure``, ``report``. Importing the
package has no side effects: no printing, logging configuration, warnings or file access.
The synthetic demo survey lives in :mod:`survey_tools.synth`.
"""

from .cleaning import CleanSurvey, Codebook, clean, read_clean
from .design import SurveyDesign, read_margins
from .errors import (
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
from .ingest import Export, ExportMeta, read_export

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
