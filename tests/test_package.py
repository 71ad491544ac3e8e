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
