"""SurveyDesign estimates agree with R's survey package (tests/golden/r_survey.json)."""

import numpy as np
import pandas as pd
import pytest

from r_designs import GOLDEN
from r_designs import load_api as _load
from r_designs import r_design as _design
from survey_tools import DesignError, LonelyPSUError, SurveyDesign


def _ours(row: dict) -> pd.Series:
    d = _design(row["design"])
    by = row["by"]
    case = row["case"]
    if case in ("mean", "mean_by"):
        out = d.mean("api00", by=by, deff=True)
    elif case in ("total", "total_by"):
        out = d.total("enroll", by=by, deff=True)
    elif case == "mean_na":
        out = d.mean("acs.k3")
    elif case == "levels":
        out = d.proportion("stype", deff=True)
    elif case == "level_totals":
        out = d.total("stype")
    elif case == "ratio":
        out = d.ratio("api.stu", "enroll")
    elif case.startswith("ciprop_"):
        method = case.removeprefix("ciprop_").removesuffix("_by")
        out = d.proportion("sch.wide", by=by, ci=method)
        out = out[out["level"] == "Yes"]
    elif case == "quantile":
        out = d.quantile("api00", [0.25, 0.5, 0.9])
        return out[out["quantile"] == row["level"]].iloc[0]
    elif case == "chisq":
        return _chisq(d, row)
    elif case in ("lonely_mean", "lonely_total"):
        out = d.mean("api00") if case == "lonely_mean" else d.total("enroll")
    else:
        raise AssertionError(case)
    if by:
        out = out[out[by].astype(str) == row["level"]]
    elif row["level"] is not None and "level" in out:
        out = out[out["level"].astype(str) == row["level"]]
    assert len(out) == 1, (row, out)
    return out.iloc[0]


def _chisq(d: SurveyDesign, row: dict) -> pd.Series:
    """Our Rao-Scott test under R's names: estimate is the F statistic."""
    table_row, table_col = row["var"].replace(" ", "").split("x")
    test = d.crosstab(table_row, table_col).test
    return pd.Series({"estimate": test["F"], **{k: test[k] for k in CHISQ_KEYS[1:]}})


CHISQ_KEYS = ["estimate", "ndf", "ddf", "p_value", "pearson", "p_chisq"]


def _id(row):
    return f"{row['design']}-{row['case']}-{row['by'] or ''}-{row['level'] or ''}"


@pytest.mark.parametrize("row", GOLDEN["results"], ids=_id)
def test_agrees_with_r(row):
    ours = _ours(row)
    keys = ["estimate", "se", "ci_low", "ci_high"] + (["deff"] if row["deff"] is not None else [])
    if row["case"] == "levels":  # R's svymean gives Wald intervals; levels get logit ones here
        keys = ["estimate", "se", "deff"]
    if row["case"] == "chisq":
        keys = [k for k in CHISQ_KEYS if row.get(k) is not None]
    for key in keys:
        want = row[key]
        if want is None:
            continue
        got = float(ours[key])
        # R interpolates its likelihood profile with a spline; we solve the cut-off exactly.
        rel = 1e-3 if row["case"] == "ciprop_likelihood" and key.startswith("ci") else 1e-6
        assert got == pytest.approx(want, rel=rel, abs=1e-9), f"{key}: {got} vs R {want}"


def test_lonely_psu_fails_by_default_naming_the_stratum():
    strat = _load("apistrat")
    data = pd.concat([strat[strat["stype"] != "E"], strat[strat["stype"] == "E"].iloc[:1]])
    with pytest.raises(LonelyPSUError, match=r"Stratum stype='E' has only one PSU at stage 1"):
        SurveyDesign(data, weights="pw", strata="stype")


def test_domains_use_the_full_design_not_a_subset():
    d = _design("clus1")
    by_domain = d.mean("api00", by="stype")
    subset = SurveyDesign(
        _load("apiclus1").query("stype == 'H'"), psu="dnum", weights="pw", fpc="fpc"
    ).mean("api00")
    high = by_domain[by_domain["stype"] == "H"].iloc[0]
    assert high["estimate"] == pytest.approx(subset["estimate"].iloc[0])
    assert high["se"] != pytest.approx(subset["se"].iloc[0], rel=1e-3)


def test_design_errors_name_the_column_and_the_fix():
    data = _load("apiclus1")
    with pytest.raises(DesignError, match="no column 'dnumx'"):
        SurveyDesign(data, psu="dnumx")
    bad = data.assign(pw=data["pw"].where(data.index != 3))
    with pytest.raises(DesignError, match=r"'pw' is missing for 1 row\(s\).*Fix:"):
        SurveyDesign(bad, weights="pw")
    with pytest.raises(DesignError, match="mixes population counts"):
        SurveyDesign(data.assign(f=np.where(data.index == 0, 0.5, 757)), psu="dnum", fpc="f")
    with pytest.raises(DesignError, match="not numeric"):
        SurveyDesign(data, weights="pw").ratio("sname", "enroll")


def test_proportion_intervals_stay_inside_zero_one():
    data = pd.DataFrame({"x": ["a"] * 97 + ["b"] * 3, "w": np.linspace(1, 3, 100)})
    d = SurveyDesign(data, weights="w")
    for method in ("logit", "beta", "asin", "wilson", "mean", "likelihood"):
        out = d.proportion("x", ci=method)
        assert (out["ci_low"] >= 0).all() and (out["ci_high"] <= 1).all(), method
        assert (out["ci_low"] <= out["estimate"]).all() and (
            out["estimate"] <= out["ci_high"]
        ).all()


def test_level_design_effects_equal_those_of_the_level_as_a_numeric_indicator():
    d = _design("clus1")
    levels = d.proportion("stype", deff=True).set_index("level")
    for level in ("E", "H", "M"):
        flag = d.data["stype"].eq(level).astype(float)
        d_flag = SurveyDesign(d.data.assign(flag=flag), psu="dnum", weights="pw", fpc="fpc")
        want = d_flag.mean("flag", deff=True).iloc[0]
        assert levels.loc[level, "deff"] == pytest.approx(want["deff"], rel=1e-12)
        assert levels.loc[level, "se"] == pytest.approx(want["se"], rel=1e-12)
