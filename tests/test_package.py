"""The public surface, the error hierarchy, and import hygiene."""

import subprocess
import sys
from pathlib import Path

import pytest

import survey_tools
from survey_tools import DemoDataError, ExportReadError, SurveyToolsError

PUBLIC = {
    "CleanSurvey",
    "Codebook",
    "CodebookError",
    "ComparabilityError",
    "LinkError",
    "compare_waves",
    "DemoDataError",
    "DesignError",
    "Export",
    "ExportMeta",
    "ExportReadError",
    "ExposureError",
    "KAnonymity",
    "LonelyPSUError",
    "MarginsError",
    "PrivacyError",
    "PlanError",
    "ReportError",
    "Suppressed",
    "SurveyDesign",
    "SurveyToolsError",
    "WeightingError",
    "__version__",
    "clean",
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
    "predict_margins",
    "read_clean",
    "code_comments",
    "pick_quotes",
    "read_themes",
    "read_export",
    "read_exposure_index",
    "read_exposure_indices",
    "read_margins",
    "read_role_map",
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
}


def test_public_surface_is_curated():
    assert set(survey_tools.__all__) == PUBLIC
    for name in survey_tools.__all__:
        assert hasattr(survey_tools, name), name
    assert (Path(survey_tools.__file__).parent / "py.typed").exists()


def test_import_has_no_side_effects():
    code = (
        "import logging, warnings\n"
        "warnings.simplefilter('error')\n"
        "before = list(logging.getLogger().handlers)\n"
        "import survey_tools, survey_tools.synth\n"
        "assert logging.getLogger().handlers == before\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""


def test_errors_share_one_root_and_name_the_file_cause_and_fix():
    err = ExportReadError(
        "data/raw/wave2.sav",
        "the file is encrypted",
        hint="export it again from SPSS without a password",
    )
    assert isinstance(err, SurveyToolsError) and issubclass(DemoDataError, SurveyToolsError)
    assert str(err) == (
        "Cannot read data/raw/wave2.sav: the file is encrypted. "
        "Fix: export it again from SPSS without a password"
    )
    assert err.path == Path("data/raw/wave2.sav") and err.cause == "the file is encrypted"
    with pytest.raises(SurveyToolsError):
        raise err


def test_the_error_tree_documents_every_error():
    import survey_tools.errors as errors

    doc = errors.__doc__
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.SurveyToolsError)
        assert f"── {name}" in doc or name == "SurveyToolsError", f"{name} missing from the tree"
