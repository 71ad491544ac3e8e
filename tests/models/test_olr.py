"""svyolr against R's svyolr (tests/golden/r_models.R): slopes then cutpoints on R's scale."""

import json

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from survey_tools import DesignError, SurveyDesign, read_margins, svyolr

GOLDEN = json.loads((ROOT / "tests" / "golden" / "r_models.json").read_text())
GOLDEN_DEMO = json.loads((ROOT / "tests" / "golden" / "r_models_demo.json").read_text())
ROWS = [r for r in GOLDEN["results"] if r["kind"] == "svyolr"]
FORMULA = {"clus1": "mealcat ~ ell + stype", "strat": "mealcat ~ ell + mobility"}


def _check(fit, row):
    names = [t.replace("[T.", "").replace("]", "") for t in fit.params.index]
    assert names == row["terms"]
    np.testing.assert_allclose(fit.params, row["estimate"], rtol=1e-6)
    np.testing.assert_allclose(fit.bse, row["se"], rtol=1e-5)
    assert fit.df_resid == row["df_residual"]


@pytest.mark.parametrize("row", ROWS, ids=[r["design"] for r in ROWS])
def test_svyolr_agrees_with_r_on_the_api_designs(api_design, row):
    _check(svyolr(FORMULA[row["design"]], api_design(row["design"])), row)


def test_svyolr_agrees_with_r_on_a_raked_demo_survey(demo_files, demo_sav_raked):
    (row,) = [r for r in GOLDEN_DEMO["results"] if r["kind"] == "svyolr"]
    answered = demo_sav_raked.data[demo_sav_raked.data["att"].notna()]
    design = SurveyDesign(answered).rake(
        read_margins(demo_files["margins"]), tol=1e-12, max_iter=200
    )
    fit = svyolr("att ~ lost + age_band", design)
    _check(fit, row)
    assert fit.levels == (1, 2, 3, 4, 5)


def test_an_ordered_likert_item_keeps_its_order_and_drops_missing(demo_raked):
    fit = svyolr("att_guild_policy ~ role_group", demo_raked)
    assert fit.levels[0] == "Strongly disagree" and fit.levels[-1] == "Strongly agree"
    assert list(fit.params.index[-4:]) == [
        "Strongly disagree|Somewhat disagree",
        "Somewhat disagree|Neither agree nor disagree",
        "Neither agree nor disagree|Somewhat agree",
        "Somewhat agree|Strongly agree",
    ]
    assert np.all(np.diff(fit.params.iloc[-4:]) > 0)  # cutpoints increase
    missing = int(demo_raked.data["att_guild_policy"].isna().sum())
    assert fit.n_missing == missing > 0
    tidy = fit.tidy()
    assert set(tidy["kind"]) == {"slope", "cutpoint"}
    assert tidy.loc[tidy["kind"] == "cutpoint", "odds_ratio"].isna().all()
    assert fit.wald_test("role_group").df == 8
    assert "svyolr" in repr(fit) and "<strong>" in fit._repr_html_()


def test_higher_answers_give_positive_slopes():
    """R's sign: logit P(Y <= k) = zeta_k - eta, so an x that raises answers has beta > 0."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=3000)
    y = 1 + np.searchsorted([-1.0, 0.5, 2.0], 0.8 * x + rng.logistic(size=3000))
    fit = svyolr("y ~ x", SurveyDesign(pd.DataFrame({"y": y, "x": x})))
    lo, hi = fit.conf_int().loc["x"]
    assert lo < 0.8 < hi
    for cut, true in zip(["1|2", "2|3", "3|4"], [-1.0, 0.5, 2.0], strict=True):
        assert abs(fit.params[cut] - true) < 4 * fit.bse[cut]


def test_two_level_outcomes_are_sent_to_svyglm(api_design):
    design = api_design("strat")
    with pytest.raises(DesignError, match="needs 3\\+") as err:
        svyolr("awards ~ ell", design)
    assert "svyglm" in err.value.hint
