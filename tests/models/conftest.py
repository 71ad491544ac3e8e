"""Designs the model tests share: R's api designs of r_models.R and the raked demo survey."""

import json

import pandas as pd
import pytest

from conftest import ROOT
from r_designs import r_design
from survey_tools import (
    Codebook,
    SurveyDesign,
    clean,
    read_clean,
    read_export,
    read_margins,
)

GOLDEN = json.loads((ROOT / "tests" / "golden" / "r_models.json").read_text())
GOLDEN_DEMO = json.loads((ROOT / "tests" / "golden" / "r_models_demo.json").read_text())
API_MARGINS = {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1072, "Yes": 5122}}


def _api_design(name: str) -> SurveyDesign:
    """An r_models.R design, with its integer-coded ``mealcat`` for svyolr."""
    if name == "clus1_rake":
        design = r_design("clus1").rake(API_MARGINS, tol=1e-12, max_iter=200)
    else:
        design = r_design(name)
    meals = design.data["meals"]
    design.data["mealcat"] = 1 + (meals > 25).astype(int) + (meals > 50) + (meals > 75)
    return design


@pytest.fixture(scope="session")
def api_design():
    """Build an r_models.R design by name (``"strat"``, ``"clus1_rake"``...)."""
    return _api_design


def demo_sav(demo_files) -> pd.DataFrame:
    """The demo respondents as r_models.R (and r_survey.R) build them from the .sav."""
    data = read_export(demo_files["spss"]).data
    data = data[data["disposition"].round(2).isin([1.1, 1.2])]
    data = data[~data["member_id"].str.strip().duplicated()]
    data = data.assign(member_id=data["member_id"].str.strip())
    roll = pd.read_csv(demo_files["roll"]).rename(columns={"member_class": "member_status"})
    linked = ["role_group", "region", "age_band", "member_status"]
    data = data.drop(columns=linked, errors="ignore").merge(
        roll[["member_id", *linked]], on="member_id"
    )
    data["lost"] = (data["ai_lost_work"] == 1).astype(float).where(data["ai_lost_work"].notna())
    data["paid"] = data["rlhf_status"].isin([1, 2]).astype(float).where(data["rlhf_status"].notna())
    months = data["months_no_craft_work"]
    data["months"] = months.where(months.between(0, 24))
    att = data["att_guild_policy"]
    data["att"] = att.where(att.between(1, 5))
    assert len(data) == GOLDEN_DEMO["respondents"]
    return data.reset_index(drop=True)


@pytest.fixture(scope="session")
def demo_sav_raked(demo_files):
    margins = read_margins(demo_files["margins"])
    return SurveyDesign(demo_sav(demo_files)).rake(margins, tol=1e-12, max_iter=200)


@pytest.fixture(scope="session")
def demo_clean(demo_files, tmp_path_factory) -> pd.DataFrame:
    """The cleaned demo survey, cleaned here (never a data/clean/demo left by an older run)."""
    book = Codebook.from_yaml(ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml")
    cleaned = clean(read_export(demo_files["spss"]), book, roll=demo_files["roll"])
    return read_clean(cleaned.write(tmp_path_factory.mktemp("clean"))["data"]).data


@pytest.fixture(scope="session")
def demo_raked(demo_clean, demo_files) -> SurveyDesign:
    """The cleaned demo survey raked to the roll's margins, as a user builds it."""
    paid = demo_clean["rlhf_status"].astype(str).str.startswith("Yes")
    data = demo_clean.assign(paid=paid.astype(float).where(demo_clean["rlhf_status"].notna()))
    return SurveyDesign(data).rake(read_margins(demo_files["margins"]))
