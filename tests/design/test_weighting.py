"""Raking and post-stratification agree with R's survey (tests/golden/r_survey_weighting.json)."""

import json

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from r_designs import r_design as _design
from survey_tools import DesignError, SurveyDesign, WeightingError, read_export, read_margins

GOLDEN = json.loads((ROOT / "tests" / "golden" / "r_survey_weighting.json").read_text())
MARGINS = GOLDEN["margins"]


def _weighted(name: str) -> SurveyDesign:
    base = {"clus1": "clus1", "strat": "strat", "srs": "srs_nofpc"}[name.split("_")[0]]
    d = _design(base)
    if name.endswith("_ps"):
        return d.poststratify("stype", MARGINS["stype"])
    if name.endswith("_cal"):
        return d.calibrate(GOLDEN["calibration"])
    return d.rake(MARGINS)


@pytest.mark.parametrize(
    "row", GOLDEN["results"], ids=lambda r: f"{r['design']}-{r['case']}-{r['level'] or ''}"
)
def test_weighted_estimates_agree_with_r(row):
    d = _weighted(row["design"])
    case = row["case"]
    if case == "weights":
        assert d.weights.sum() == pytest.approx(row["estimate"], rel=1e-9)
        return
    out = {
        "mean": lambda: d.mean("api00"),
        "total": lambda: d.total("enroll"),
        "mean_na": lambda: d.mean("acs.k3"),
        "level_totals": lambda: d.total("stype"),
        "ciprop_awards": lambda: d.proportion("awards"),
        "mean_by": lambda: d.mean("api00", by="stype"),
        "chisq": lambda: pd.DataFrame([{**d.crosstab("sch.wide", "stype").test}]).assign(
            estimate=lambda t: t["F"], se=None, ci_low=None, ci_high=None
        ),
    }[case]()
    if row["by"]:
        out = out[out[row["by"]].astype(str) == row["level"]]
    elif row["level"] is not None:
        out = out[out["level"].astype(str) == row["level"]]
    got = out.iloc[0]
    scale = abs(row["estimate"])  # a calibrated total has SE 0; R prints rounding noise there
    for key in ("estimate", "se", "ci_low", "ci_high", "ndf", "ddf", "p_value"):
        if row.get(key) is not None:
            assert float(got[key]) == pytest.approx(row[key], rel=1e-6, abs=1e-9 * scale), key


def test_raking_hits_every_margin_and_reports_diagnostics():
    d = _design("clus1").rake(MARGINS)
    for col, targets in MARGINS.items():
        got = pd.Series(d.weights).groupby(d.data[col].astype(str).to_numpy()).sum()
        for level, total in targets.items():
            assert got[level] == pytest.approx(total, rel=1e-9)
    diag = d.diagnostics
    w = d.weights
    assert diag.effective_n == pytest.approx(w.sum() ** 2 / (w**2).sum())
    assert diag.deff_weighting == pytest.approx(1 + w.var() / w.mean() ** 2)
    assert diag.max_relative_misfit < 1e-10 and diag.iterations >= 1
    assert set(diag.to_frame()["measure"]) >= {"effective_n", "efficiency", "weight_ratio"}


def test_bounds_limit_the_adjustment():
    base = _design("srs_nofpc")
    free = base.rake(MARGINS)
    bounded = base.rake(MARGINS, bounds=(0.93, 1.0175), max_iter=500, tol=1e-6)
    g_free, g = free.weights / base.weights, bounded.weights / base.weights
    assert g_free.max() > 1.0175  # the bound binds...
    assert g.min() >= 0.93 - 1e-12 and g.max() <= 1.0175 + 1e-12  # ...and holds
    for col, targets in MARGINS.items():  # while the margins are still met
        got = pd.Series(bounded.weights).groupby(bounded.data[col].astype(str).to_numpy()).sum()
        assert np.allclose([got[k] for k in targets], list(targets.values()), rtol=1e-6)
    with pytest.raises(WeightingError, match=r"did not converge .* stype='M'"):
        base.rake(MARGINS, bounds=(0.935, 1.016), max_iter=300, tol=1e-6)


def test_raking_errors_name_the_margin_and_level():
    d = _design("clus1")
    with pytest.raises(WeightingError, match=r"Level 'M' of 'stype' .* no population total"):
        d.rake({"stype": {"E": 4421, "H": 755}})
    with pytest.raises(WeightingError, match=r"Level 'X' of 'stype' has a population total but no"):
        d.rake({"stype": {**MARGINS["stype"], "X": 10}})
    with pytest.raises(WeightingError, match="no column 'region'"):
        d.rake({"region": {"LA": 1}})
    with pytest.raises(WeightingError, match=r"did not converge in 2 passes: .* off its target"):
        d.rake(MARGINS, max_iter=2, bounds=(0.99, 1.01))


def test_poststratify_checks_cells():
    d = _design("strat")
    with pytest.raises(WeightingError, match=r"\('M',\) .* no population count"):
        d.poststratify("stype", {"E": 4421, "H": 755})
    ps = d.poststratify("stype", MARGINS["stype"])
    assert np.isclose(ps.weights.sum(), 6194)


DEMO = json.loads((ROOT / "tests" / "golden" / "r_survey_demo.json").read_text())


@pytest.fixture(scope="module")
def demo_raked(demo_files):
    """The demo survey as r_survey.R builds it: completes and partials, first submission per
    member, weighting variables from the roll, raked to the roll's margins."""
    data = read_export(demo_files["spss"]).data
    data = data[data["disposition"].round(2).isin([1.1, 1.2])]
    data = data[~data["member_id"].str.strip().duplicated()]
    roll = pd.read_csv(demo_files["roll"]).rename(columns={"member_class": "member_status"})
    linked = ["role_group", "region", "age_band", "member_status"]
    data = data.drop(columns=linked, errors="ignore").merge(
        roll[["member_id", *linked]], on="member_id"
    )
    lost = data["ai_lost_work"]
    data["lost"] = (lost == 1).astype(object).where(lost.notna())
    assert len(data) == DEMO["respondents"]
    return SurveyDesign(data).rake(read_margins(demo_files["margins"]))


@pytest.mark.parametrize("row", DEMO["results"], ids=lambda r: f"{r['case']}-{r['level'] or ''}")
def test_the_raked_demo_survey_agrees_with_r(demo_raked, row):
    if row["case"] == "chisq":
        test = demo_raked.crosstab("lost", "role_group").test
        got = {"estimate": test["F"], **test}
        keys = ["estimate", "ndf", "ddf", "p_value"]
    else:
        out = demo_raked.proportion("lost", by=row["by"])
        out = out[out["level"].astype(str) == "True"]
        if row["by"]:
            out = out[out[row["by"]].astype(str) == row["level"]]
        got = out.iloc[0]
        keys = ["estimate", "se", "ci_low", "ci_high"]
    for key in keys:
        assert float(got[key]) == pytest.approx(row[key], rel=1e-6), key


def test_calibration_hits_every_total_and_errors_name_the_column():
    cal = GOLDEN["calibration"]
    d = _design("clus1").calibrate(cal)
    assert d.weights.sum() == pytest.approx(sum(cal["stype"].values()), rel=1e-9)
    assert (d.weights * d.data["api99"]).sum() == pytest.approx(cal["api99"], rel=1e-9)
    with pytest.raises(WeightingError, match="'api98'"):
        _design("clus1").calibrate({"api98": 1.0})
    with pytest.raises(WeightingError, match="cannot all be met"):
        _design("clus1").calibrate({"stype": cal["stype"], "sch.wide": {"No": 1, "Yes": 2}})
    with pytest.raises(WeightingError, match=r"no respondents|has no population total"):
        _design("clus1").calibrate({"stype": {"E": 4421, "H": 755}})


def test_crosstab_gives_the_table_percentages_and_tests(demo_raked):
    tab = demo_raked.crosstab("role_group", "lost")
    assert tab.table.to_numpy().sum() == pytest.approx(demo_raked.weights.sum())
    assert np.allclose(tab.row_pct.sum(axis=1), 100) and np.allclose(tab.col_pct.sum(axis=0), 100)
    assert tab.n.to_numpy().sum() == DEMO["respondents"]
    long = tab.to_frame()
    assert list(long.columns) == ["role_group", "lost", "weighted_count", "row_pct", "col_pct", "n"]
    assert len(long) == 9 * 2 and "Rao-Scott F" in repr(tab)
    assert 0 <= tab.test["p_chisq"] <= 1 and tab.test["df"] == 8
    with pytest.raises(DesignError, match=r"'consent' has 1 observed level"):
        demo_raked.crosstab("consent", "lost")
