"""The variance engine: R's lonely-PSU "adjust" formula, its interface for models and crosstab."""

import numpy as np
import pandas as pd
import pytest

from r_designs import load_api
from survey_tools import DesignError, SurveyDesign


def _lonely() -> pd.DataFrame:
    strat = load_api("apistrat")
    return pd.concat([strat[strat["stype"] != "E"], strat[strat["stype"] == "E"].iloc[:1]])


@pytest.mark.parametrize(("stat", "col"), [("total", "enroll"), ("mean", "api00")])
def test_adjust_centres_a_lonely_psu_at_the_grand_mean(stat, col):
    """R's documented rule: the lonely stratum's PSU total is centred at the mean PSU total of
    the whole sample instead of its stratum's (here one row per PSU, no fpc)."""
    data = _lonely()
    d = SurveyDesign(data, weights="pw", strata="stype", lonely_psu="adjust")
    y, w = data[col].to_numpy(float), data["pw"].to_numpy(float)
    z = w * y if stat == "total" else w * (y - np.sum(w * y) / w.sum()) / w.sum()
    grand = z.sum() / len(z)
    var = 0.0
    for _, rows in data.groupby("stype", observed=True).indices.items():
        zh = z[rows]
        if len(zh) == 1:
            var += (zh[0] - grand) ** 2
        else:
            var += len(zh) / (len(zh) - 1) * np.sum((zh - zh.mean()) ** 2)
    got = getattr(d, stat)(col).iloc[0]
    assert got["se"] == pytest.approx(np.sqrt(var), rel=1e-12)


def test_adjust_differs_from_certainty_only_through_the_lonely_stratum():
    data = _lonely()
    adjust = SurveyDesign(data, weights="pw", strata="stype", lonely_psu="adjust")
    certain = SurveyDesign(data, weights="pw", strata="stype", lonely_psu="certainty")
    assert adjust.total("enroll")["se"].iloc[0] > certain.total("enroll")["se"].iloc[0]


def test_engine_vcov_diagonal_is_the_variance_of_each_total():
    d = SurveyDesign(load_api("apiclus1"), psu="dnum", weights="pw", fpc="fpc")
    data = d.data
    infl = d.weights[:, None] * data[["api00", "enroll"]].to_numpy(float)
    V = d.engine.vcov(infl)
    assert V.shape == (2, 2)
    assert np.sqrt(V[0, 0]) == pytest.approx(d.total("api00")["se"].iloc[0], rel=1e-12)
    assert np.sqrt(V[1, 1]) == pytest.approx(d.total("enroll")["se"].iloc[0], rel=1e-12)
    assert d.engine.degf() == data["dnum"].nunique() - 1
    assert (
        d.engine.degf(data["stype"].eq("H").to_numpy())
        == data.loc[data["stype"].eq("H"), "dnum"].nunique() - 1
    )


def test_a_weighted_design_says_how_it_was_weighted():
    data = load_api("apistrat")
    d = SurveyDesign(data, weights="pw", strata="stype")
    assert "simple random sample" not in repr(d) and "raked" not in repr(d)
    margins = {
        "stype": data.groupby("stype", observed=True)["pw"].sum().to_dict(),
        "sch.wide": data.groupby("sch.wide", observed=True)["pw"].sum().to_dict(),
    }
    raked = d.rake(margins)
    assert "raked to stype, sch.wide" in repr(raked)
    post = d.poststratify("stype", margins["stype"])
    assert "post-stratified on stype" in repr(post)
    assert "calibrated" in repr(d.calibrate({"stype": margins["stype"]}))
    assert repr(d) == repr(SurveyDesign(data, weights="pw", strata="stype"))  # input unchanged
    assert "simple random sample" in repr(SurveyDesign(data))


def test_mean_of_a_categorical_column_points_at_proportion():
    d = SurveyDesign(load_api("apisrs"))
    with pytest.raises(DesignError, match=r"categorical.*proportion\('stype'\)"):
        d.mean("stype")


def _raked_roles(n: int = 3000, seed: int = 3) -> SurveyDesign:
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(
        {
            "role": rng.choice(list("ABCDEF"), n, p=[0.3, 0.2, 0.2, 0.1, 0.1, 0.1]),
            "region": rng.choice(["N", "S", "W"], n),
            "y": rng.normal(50, 10, n),
            "flag": (rng.random(n) < 0.3).astype(float),
        }
    )
    data.loc[rng.random(n) < 0.05, "y"] = np.nan
    margins = {
        "role": dict(zip("ABCDEF", [2000.0, 2500, 1500, 1500, 1200, 1300])),
        "region": {"N": 4000.0, "S": 3000.0, "W": 3000.0},
    }
    return SurveyDesign(data, weights=None).rake(margins)


@pytest.mark.parametrize("col", ["y", "flag"])
def test_cell_sums_and_row_residuals_give_the_same_domain_variances(col):
    """Domain SEs after raking come from (stratum, cell, domain) sums; the full covariance
    (engine.vcov) residualises every row. Both must agree to 1e-10."""
    d = _raked_roles()
    got = d.mean(col, by="role")
    y, w = d.data[col].to_numpy(float), d.weights
    for _, row in got.iterrows():
        inside = (d.data["role"] == row["role"]).to_numpy() & ~np.isnan(y)
        wsum = w[inside].sum()
        infl = np.where(inside, w * (np.nan_to_num(y) - row["estimate"]) / wsum, 0.0)
        assert row["se"] == pytest.approx(np.sqrt(d.engine.vcov(infl)[0, 0]), rel=1e-10)


def test_several_columns_at_once_give_one_long_table():
    d = _raked_roles()
    both = d.mean(["y", "flag"], by="role")
    assert list(both.columns[:2]) == ["variable", "role"]
    pd.testing.assert_frame_equal(
        both[both["variable"] == "flag"].drop(columns="variable").reset_index(drop=True),
        d.mean("flag", by="role"),
    )
    props = d.proportion(["role", "region"])
    assert set(props["variable"]) == {"role", "region"}


def test_a_raked_design_and_its_parent_keep_their_own_weights_in_any_order():
    """Designs derived by weighting share cached domains, never cached weights."""
    d = _raked_roles()
    base = SurveyDesign(d.data)
    margins = {"role": dict(zip("ABCDEF", [2000.0, 2500, 1500, 1500, 1200, 1300]))}
    raked = base.rake(margins)
    first = base.mean("flag", by="region")
    second = raked.mean("flag", by="region")
    again = base.mean("flag", by="region")
    pd.testing.assert_frame_equal(first, again)
    fresh = SurveyDesign(d.data).rake(margins).mean("flag", by="region")
    pd.testing.assert_frame_equal(second, fresh)
    assert not np.allclose(first["estimate"], second["estimate"])


def test_plain_errors_for_a_cleaned_survey_a_check_all_question_and_a_typo():
    from survey_tools import CleanSurvey

    data = pd.DataFrame(
        {"role": ["A", "B"] * 10, "plat_mercor": [True, False] * 10, "plat_outlier": [False] * 20}
    )
    empty = pd.DataFrame()
    cleaned = CleanSurvey("s", data, empty, empty, summary={}, codebook={}, source={})
    with pytest.raises(DesignError, match=r"not a CleanSurvey.*pass its \.data"):
        SurveyDesign(cleaned)
    d = SurveyDesign(data)
    with pytest.raises(DesignError, match=r"'plat' is a check-all question.*plat_mercor"):
        d.proportion("plat")
    with pytest.raises(DesignError, match=r"did you mean 'role'"):
        d.proportion("rol", by="role")
