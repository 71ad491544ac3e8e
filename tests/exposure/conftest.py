"""The cleaned demo survey raked to the roll, for the exposure tests."""

import pytest

from conftest import ROOT
from survey_tools import Codebook, SurveyDesign, clean, read_clean, read_export, read_margins


@pytest.fixture(scope="session")
def demo_raked(demo_files, tmp_path_factory) -> SurveyDesign:
    """data/clean/demo/*.parquet (``make demo``), else cleaned here, raked to the roll."""
    found = sorted((ROOT / "data" / "clean" / "demo").glob("*.parquet"))
    if not found:
        book = Codebook.from_yaml(ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml")
        cleaned = clean(read_export(demo_files["spss"]), book, roll=demo_files["roll"])
        found = [cleaned.write(tmp_path_factory.mktemp("clean"))["data"]]
    return SurveyDesign(read_clean(found[0]).data).rake(read_margins(demo_files["margins"]))
