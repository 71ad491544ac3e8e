"""survey_tools: member-survey exports to weighted, disclosure-safe evidence and memos.

The public surface is ``__all__``; implementation lives in private ``_modules``. Importing the
package has no side effects: no printing, logging configuration, warnings or file access.
The synthetic demo survey lives in :mod:`survey_tools.synth`.
"""

from ._errors import DemoDataError, ExportReadError, SurveyToolsError

__version__ = "0.1.0"

__all__ = [
    "DemoDataError",
    "ExportReadError",
    "SurveyToolsError",
    "__version__",
]
