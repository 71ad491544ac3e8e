"""R's api data sets (shared/reference/r-survey-api) and the designs of r_survey.json."""

import json

import pandas as pd

from conftest import ROOT, SHARED
from survey_tools import SurveyDesign

GOLDEN = json.loads((ROOT / "tests" / "golden" / "r_survey.json").read_text())
API = SHARED / "reference" / "r-survey-api"
FACTORS = {"stype": ["E", "H", "M"], "sch.wide": ["No", "Yes"], "awards": ["No", "Yes"]}


def load_api(name: str) -> pd.DataFrame:
    data = pd.read_csv(API / f"{name}.csv")
    for col, levels in FACTORS.items():
        data[col] = pd.Categorical(data[col], categories=levels)
    return data


def r_design(name: str) -> SurveyDesign:
    if name.startswith("lonely_"):
        spec, rule = GOLDEN["designs"]["lonely"], name.removeprefix("lonely_")
        strat = load_api("apistrat")
        data = pd.concat([strat[strat["stype"] != "E"], strat[strat["stype"] == "E"].iloc[:1]])
        return SurveyDesign(data, weights="pw", strata="stype", lonely_psu=rule)
    spec = dict(GOLDEN["designs"][name])
    data = load_api(spec.pop("data"))
    return SurveyDesign(data, **spec)
