"""Weight diagnostics, trimming, level of effort and the sensitivity table.

Golden values: tests/golden/r_trimming.json, written by tests/golden/r_trimming.R (R's apipop as
the roll, the respondents and the interaction case of r_nonresponse.json, adjusted by propensity
classes and raked, then ``trimWeights(upper = 1.5 * median, strict = TRUE)``; the last level's
domain mean minus the first's from the saturated ``svyglm``).
"""

import json

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, SHARED
from survey_tools import SurveyDesign, WeightingError
from survey_tools.design.effort import level_of_effort, response_wave
from survey_tools.design.sensitivity import sensitivity
from survey_tools.design.trimming import Trimming, weight_summary

GOLDEN = json.loads((ROOT / "tests" / "golden" / "r_trimming.json").read_text())
NONRESP = json.loads((ROOT / "tests" / "golden" / "r_nonresponse.json").read_text())


@pytest.fixture(scope="module")
def api():
    pop = pd.read_csv(SHARED / "reference" / "r-survey-api" / "apipop.csv", dtype={"cds": str})
    roll = pop[["cds", "stype", "awards", "comp.imp", "meals", "api00", "sch.wide"]]
    resp = roll[roll["cds"].isin(NONRESP["respondents"])].reset_index(drop=True)
    resp = resp.assign(sch_wide_yes=resp["sch.wide"] == "Yes", wave=resp["stype"].map(
        {"E": 0, "H": 1, "M": 2}))  # fmt: skip
    case = NONRESP["cases"]["interaction"]
    raked = (
        SurveyDesign(resp)
        .adjust_for_nonresponse(roll, key="cds", model=case["model"], classes=case["classes"])
        .rake(NONRESP["margins"])
    )
    return {"raked": raked, "trimmed": raked.trim(upper=1.5, scale="median")}


@pytest.mark.parametrize(
    "row",
    GOLDEN["results"],
    ids=lambda r: f"{r['design']}-{r['stat']}-{r['level'] or ''}",
)
def test_trimmed_design_agrees_with_r_trimweights(api, row):
    d = api[row["design"]]
    stat = row["stat"]
    if stat == "weights_sum":
        assert d.weights.sum() == pytest.approx(row["estimate"], rel=1e-9)
        return
    if stat == "weights_max":
        assert d.weights.max() == pytest.approx(row["estimate"], rel=1e-9)
        return
    if stat == "contrast_last_minus_first":
        got = level_of_effort(d, "api00", wave="wave").iloc[0]
        assert got["difference"] == pytest.approx(row["estimate"], rel=1e-6)
        assert got["se"] == pytest.approx(row["se"], rel=1e-5)
        return
    if stat == "proportion":
        out = d.proportion("sch_wide_yes")
        got = out[out["level"].astype(str) == "True"].iloc[0]
    else:
        out = d.mean("api00", by=row["by"])
        got = out[out[row["by"]].astype(str) == row["level"]].iloc[0] if row["by"] else out.iloc[0]
    assert float(got["estimate"]) == pytest.approx(row["estimate"], rel=1e-6)
    assert float(got["se"]) == pytest.approx(row["se"], rel=1e-5)
    if row["ci_low"] is not None:
        assert float(got["ci_low"]) == pytest.approx(row["ci_low"], rel=1e-5)


def test_trim_caps_keeps_the_total_and_says_what_it_cut(api):
    raked, trimmed = api["raked"], api["trimmed"]
    step = trimmed.weighting[-1]
    # R's count is of weights above the cap at the start; later passes can push more up to it.
    at_cap = np.isclose(trimmed.weights, step.upper, rtol=1e-9).sum()
    assert isinstance(step, Trimming) and step.trimmed == at_cap >= GOLDEN["trimmed"]
    assert step.upper == pytest.approx(GOLDEN["upper"], rel=1e-9)
    assert trimmed.weights.max() <= step.upper * (1 + 1e-12)
    assert trimmed.weights.sum() == pytest.approx(raked.weights.sum(), rel=1e-12)
    # Weights below the cap share what was cut equally (R's trimWeights), so they all grow alike.
    inside = trimmed.weights < step.upper * (1 - 1e-9)
    grew = trimmed.weights[inside] - raked.weights[inside]
    assert np.ptp(grew) < 1e-9 and grew[0] > 0
    assert "trimmed to <=" in repr(trimmed)
    before, after = weight_summary(raked), weight_summary(trimmed)
    assert after.ratio < before.ratio and after.deff_kish < before.deff_kish


def test_weight_summary_is_kish():
    w = np.array([1.0, 2.0, 2.0, 5.0, 0.0])
    s = weight_summary(SurveyDesign(pd.DataFrame({"w": w}), weights="w"))
    kept = w[w > 0]
    assert s.n == 4 and s.ratio == 5.0
    assert s.deff_kish == pytest.approx(len(kept) * (kept**2).sum() / kept.sum() ** 2)
    assert s.effective_n == pytest.approx(len(kept) / s.deff_kish)
    assert set(s.to_frame()["measure"]) >= {"ratio", "cv", "deff_kish", "effective_n"}


def test_impossible_trims_are_refused_with_the_limits():
    d = SurveyDesign(pd.DataFrame({"w": [1.0, 2.0, 3.0]}), weights="w")
    with pytest.raises(WeightingError, match=r"cannot be trimmed.*mean 2"):
        d.trim(upper=1.5)
    with pytest.raises(WeightingError, match="scale"):
        d.trim(upper=2, scale="mode")
    floor = d.trim(lower=1.5)
    assert floor.weights.min() == pytest.approx(1.5) and floor.weights.sum() == pytest.approx(6)


def test_response_waves_follow_the_reminders():
    dates = pd.Series(
        pd.to_datetime(["2026-09-08 09:00", "2026-09-14 23:59", "2026-09-15 00:00", None])
    ).dt.tz_localize("America/Los_Angeles")
    got = response_wave(dates, ["2026-09-22", "2026-09-15"])
    assert got.iloc[:3].tolist() == [0, 0, 1] and np.isnan(got.iloc[3])


def test_level_of_effort_by_simulation_of_repeated_response():
    """The late-minus-early SE matches the spread of the difference over repeated samples."""
    rng = np.random.default_rng(4)
    diffs, ses = [], []
    for _ in range(300):
        wave = rng.integers(0, 3, 600)
        y = rng.random(600) < np.where(wave == 2, 0.2, 0.35)
        t = level_of_effort(SurveyDesign(pd.DataFrame({"y": y, "wave": wave})), "y").iloc[0]
        diffs.append(t["difference"])
        ses.append(t["se"])
    assert np.mean(diffs) == pytest.approx(-0.15, abs=0.01)
    assert np.mean(ses) == pytest.approx(np.std(diffs), rel=0.12)


def test_sensitivity_puts_weightings_side_by_side(api):
    table = sensitivity(api, ["sch_wide_yes", "api00"], reference="raked")
    assert table["weighting"].tolist() == ["raked", "trimmed"] * 2
    row = table[(table["indicator"] == "api00") & (table["weighting"] == "trimmed")].iloc[0]
    mean = api["trimmed"].mean("api00").iloc[0]
    assert row["estimate"] == mean["estimate"] and row["se"] == mean["se"]
    assert row["shift"] == pytest.approx(mean["estimate"] - api["raked"].mean("api00").iloc[0, 0])
    assert row["weight_ratio"] == pytest.approx(weight_summary(api["trimmed"]).ratio)


def test_replicate_designs_trim_every_replicate_at_the_full_samples_limits():
    # An analyst converting a trimmed design to replicates (or trimming a replicate design) gets
    # replicates trimmed at the full sample's cap, a dropped PSU staying out of its replicate.
    apistrat = pd.read_csv(SHARED / "reference" / "r-survey-api" / "apistrat.csv")
    design = SurveyDesign(apistrat, weights="pw", strata="stype")
    cap = 1.5 * np.median(design.weights)
    for trimmed in (
        design.as_replicate("jkn").trim(upper=1.5, scale="median"),
        design.trim(upper=1.5, scale="median").as_replicate("jkn"),
    ):
        reps = trimmed.engine.repweights
        assert trimmed.weights.max() <= cap + 1e-9 and reps.max() <= cap + 1e-9
        assert ((reps == 0).sum(axis=0) > 0).all()  # every jackknife replicate still drops a PSU
        est = trimmed.mean("api00")
        assert est["se"].iloc[0] > 0
        assert est["estimate"].iloc[0] == pytest.approx(
            design.trim(upper=1.5, scale="median").mean("api00")["estimate"].iloc[0]
        )
