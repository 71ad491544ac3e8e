"""survey_tools: member-survey exports to weighted, disclosure-safe evidence and memos.

The public surface is ``__all__``; the implementation lives in one folder per stage of the
flow, in this order: ``ingest``, ``cleaning``, ``design``, ``models``, ``exposure``,
``disclosure``, ``comments``, ``report``. Importing the package has no side effects: no
printing, logging configuration, warnings or file access.
The synthetic demo survey lives in :mod:`survey_tools.synth`.
"""

from .cleaning import CleanSurvey, Codebook, clean, read_clean, redact
from .design import SurveyDesign, nonresponse, read_margins
from .disclosure import (
    KAnonymity,
    Suppressed,
    flag_reliability,
    k_anonymity,
    require_k_anonymity,
    suppress,
    write_extract,
)
from .errors import (
    CodebookError,
    ComparabilityError,
    DemoDataError,
    DesignError,
    ExportReadError,
    ExposureError,
    LinkError,
    LonelyPSUError,
    MarginsError,
    PlanError,
    PrivacyError,
    ReportError,
    SurveyToolsError,
    WeightingError,
)
from .exposure import (
    exposure_model,
    exposure_sensitivity,
    join_exposure,
    read_exposure_index,
    read_exposure_indices,
    read_role_map,
    role_exposure_table,
)
from .ingest import Export, ExportMeta, read_export
from .waves import compare_waves

# Models and the report stage load statsmodels, matplotlib and the notebook machinery; they are
# imported on first use (PEP 562), so `import survey_tools` and the command line start fast.
_LAZY = {
    "code_comments": "comments",
    "pick_quotes": "comments",
    "read_themes": "comments",
    "predict_margins": "models",
    "svyglm": "models",
    "svyolr": "models",
    "fig_exposure": "report",
    "fig_likert": "report",
    "fig_odds_ratios": "report",
    "fig_pay": "report",
    "fig_predicted": "report",
    "fig_prevalence": "report",
    "fig_trend": "report",
    "fig_weighting": "report",
    "render_memo": "report",
    "save_figure": "report",
    "setup_notebook": "report",
    "use_theme": "report",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'survey_tools' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__version__ = "0.1.0"

__all__ = [
    "CleanSurvey",
    "Codebook",
    "CodebookError",
    "ComparabilityError",
    "DemoDataError",
    "DesignError",
    "Export",
    "ExportMeta",
    "ExportReadError",
    "ExposureError",
    "KAnonymity",
    "LinkError",
    "LonelyPSUError",
    "MarginsError",
    "PlanError",
    "PrivacyError",
    "ReportError",
    "Suppressed",
    "SurveyDesign",
    "SurveyToolsError",
    "WeightingError",
    "__version__",
    "clean",
    "code_comments",
    "compare_waves",
    "exposure_model",
    "exposure_sensitivity",
    "fig_exposure",
    "fig_likert",
    "fig_odds_ratios",
    "fig_pay",
    "fig_predicted",
    "fig_prevalence",
    "fig_trend",
    "fig_weighting",
    "flag_reliability",
    "join_exposure",
    "k_anonymity",
    "nonresponse",
    "pick_quotes",
    "predict_margins",
    "read_clean",
    "read_export",
    "read_exposure_index",
    "read_exposure_indices",
    "read_margins",
    "read_role_map",
    "read_themes",
    "redact",
    "render_memo",
    "require_k_anonymity",
    "role_exposure_table",
    "save_figure",
    "setup_notebook",
    "suppress",
    "svyglm",
    "svyolr",
    "use_theme",
    "write_extract",
]
