"""svyglm against R's svyglm/regTermTest (tests/golden/r_models.R), and what users rely on."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from survey_tools import DesignError, SurveyDesign, svyglm
from survey_tools.models import SeparationWarning

GOLDEN = json.loads((ROOT / "tests" / "golden" / "r_models.json").read_text())
GOLDEN_DEMO = json.loads((ROOT / "tests" / "golden" / "r_models_demo.json").read_text())

# The formulas of r_models.R in statsmodels' language: (formula, domain, family, tested term).
API = {
    "gaussian": ("api00 ~ ell + meals + mobility", None, "gaussian", None),
    "gaussian_factor": ("api00 ~ ell + meals + stype", None, "gaussian", "stype"),
    "quasibinomial": ("I(Q('sch.wide') == 'Yes') ~ ell + meals + stype", None, "binomial", "stype"),
    "domain": ("api00 ~ ell + meals", ("stype", "==", "E"), "gaussian", None),
    "raked_na": ("api00 ~ ell + Q('acs.46') + stype", None, "gaussian", "stype"),
    "quasipoisson": ("enroll ~ ell + meals", None, "poisson", None),
    "gaussian_na": ("api00 ~ Q('acs.k3') + meals", None, "gaussian", None),
    "domain_raked": (
        "I(Q('sch.wide') == 'Yes') ~ ell + meals",
        ("stype", "!=", "H"),
        "binomial",
        None,
    ),
}
DEMO = {
    "lost_by_group": ("lost ~ role_group + age_band", None, "binomial", "role_group"),
    "rlhf": ("paid ~ role_group + months + age_band", None, "binomial", "age_band"),
    "rlhf_domain": (
        "paid ~ months + age_band",
        ("role_group", "==", "Screen & TV writers"),
        "binomial",
        None,
    ),
    "months_gaussian": ("months ~ role_group + lost", None, "gaussian", None),
}


def _mask(design, spec):
    if spec is None:
        return None
    col, op, value = spec
    return (design.data[col] == value) if op == "==" else (design.data[col] != value)


def _r_name(term: str) -> str:
    """statsmodels' term name in R's spelling, to check that both list the same terms."""
    for a, b in (("Intercept", "(Intercept)"), ("[T.", ""), ("]", ""), ("Q('", ""), ("')", "")):
        term = term.replace(a, b)
    return term.replace("I(sch.wide == 'Yes')", "")


def _check(fit, row):
    assert [_r_name(t) for t in fit.params.index] == row["terms"]  # R's term order
    np.testing.assert_allclose(fit.params, row["estimate"], rtol=1e-6)
    np.testing.assert_allclose(fit.bse, row["se"], rtol=1e-5)
    ci = fit.conf_int()
    np.testing.assert_allclose(ci.iloc[:, 0], row["ci_low"], rtol=1e-5)
    np.testing.assert_allclose(ci.iloc[:, 1], row["ci_high"], rtol=1e-5)
    assert fit.df_resid == row["df_residual"]
    assert fit.n_used == row["n_used"]


GLM_ROWS = [r for r in GOLDEN["results"] if r["kind"] == "svyglm"]


@pytest.mark.parametrize("row", GLM_ROWS, ids=[f"{r['case']}-{r['design']}" for r in GLM_ROWS])
def test_svyglm_agrees_with_r_on_the_api_designs(api_design, row):
    formula, domain, family, term = API[row["case"]]
    design = api_design(row["design"])
    fit = svyglm(formula, design, family=family, domain=_mask(design, domain))
    _check(fit, row)
    if term:
        test = fit.wald_test(term)
        assert test.df == row["wald"]["df"] and test.ddf == row["wald"]["ddf"]
        assert pytest.approx(row["wald"]["F"], rel=1e-6) == test.F
        assert test.p_value == pytest.approx(row["wald"]["p"], rel=1e-5)


DEMO_ROWS = [r for r in GOLDEN_DEMO["results"] if r["kind"] == "svyglm"]


@pytest.mark.parametrize("row", DEMO_ROWS, ids=[r["case"] for r in DEMO_ROWS])
def test_svyglm_agrees_with_r_on_the_raked_demo_survey(demo_sav_raked, row):
    formula, domain, family, term = DEMO[row["case"]]
    fit = svyglm(formula, demo_sav_raked, family=family, domain=_mask(demo_sav_raked, domain))
    _check(fit, row)
    if term:
        test = fit.wald_test(term)
        assert (test.df, test.ddf) == (row["wald"]["df"], row["wald"]["ddf"])
        assert pytest.approx(row["wald"]["F"], rel=1e-6) == test.F


def test_missing_values_are_left_out_and_counted(api_design):
    design = api_design("clus2")
    fit = svyglm("api00 ~ Q('acs.k3') + meals", design)
    assert fit.n_used + fit.n_missing == len(design.data)
    assert fit.n_missing == int(design.data["acs.k3"].isna().sum()) > 0
    assert "left out for missing values" in repr(fit)


def test_a_domain_fit_equals_the_fit_of_its_rows_but_keeps_the_design_variance(api_design):
    design = api_design("srs")
    mask = design.data["stype"] == "E"
    fit = svyglm("api00 ~ ell + meals", design, domain=mask)
    alone = svyglm("api00 ~ ell + meals", SurveyDesign(design.data[mask], fpc="fpc"))
    np.testing.assert_allclose(fit.params, alone.params, rtol=1e-10)
    # Subsetting the rows treats the domain's size as fixed: other (wrong) SEs. The golden
    # "domain" cases check the domain SEs against R's svyglm on subset(design, ...).
    assert not np.allclose(fit.bse, alone.bse, rtol=1e-3)
    assert fit.df_resid == alone.df_resid


def test_params_keep_statsmodels_names_and_the_fit_stays_reachable(api_design):
    design = api_design("strat")
    fit = svyglm("api00 ~ ell + C(stype, Treatment('M'))", design)
    assert list(fit.params.index) == [
        "Intercept",
        "ell",
        "C(stype, Treatment('M'))[T.E]",
        "C(stype, Treatment('M'))[T.H]",
    ]
    assert list(fit.fit.params.index) == list(fit.params.index)
    np.testing.assert_allclose(fit.fit.params, fit.params)
    assert fit.cov_params().shape == (4, 4)
    assert list(fit.conf_int(level=0.9).index) == list(fit.params.index)


def test_tidy_gives_odds_ratios_and_their_intervals_for_binomial(api_design):
    design = api_design("strat")
    fit = svyglm("I(Q('sch.wide') == 'Yes') ~ ell + stype", design, family="binomial")
    tidy = fit.tidy()
    assert {
        "term",
        "estimate",
        "se",
        "p_value",
        "ci_low",
        "ci_high",
        "odds_ratio",
        "or_ci_low",
        "or_ci_high",
    } <= set(tidy.columns)
    np.testing.assert_allclose(tidy["or_ci_low"], np.exp(fit.conf_int().iloc[:, 0]))
    ors = fit.tidy(exponentiate=True)
    np.testing.assert_allclose(ors["estimate"], np.exp(fit.params))
    assert (ors["ci_low"] < ors["estimate"]).all() and (ors["estimate"] < ors["ci_high"]).all()
    assert fit.to_frame().equals(tidy)
    html = fit._repr_html_()
    assert "svyglm" in html and "odds_ratio" in html and "ell" in html


def test_separation_warns_with_the_level_and_gives_no_interval(demo_raked):
    with pytest.warns(SeparationWarning, match=r"Music editor.*no events.*collapse"):
        fit = svyglm(
            "I(ai_lost_work == 'Yes') ~ C(role_primary, Treatment('TV writer'))",
            demo_raked,
            family="binomial",
        )
    term = "C(role_primary, Treatment('TV writer'))[T.Music editor]"
    assert term in fit.separated
    assert fit.conf_int().loc[term].isna().all()
    row = fit.tidy().set_index("term").loc[term]
    assert np.isnan(row["estimate"]) and "no events" in row["note"]
    assert "Music editor" in repr(fit)
    margins = fit.predict_margins("role_primary")
    margins = margins[margins["kind"] == "margin"].set_index("role_primary")
    assert margins.loc["Music editor", ["ci_low", "ci_high"]].isna().all()
    assert margins.drop("Music editor")["ci_low"].notna().all()


def test_a_fit_without_sparse_cells_does_not_warn(demo_raked):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = svyglm(
            "I(ai_lost_work == 'Yes') ~ role_group + age_band", demo_raked, family="binomial"
        )
    assert fit.separated == {}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"family": "gamma"}, "family='gamma'.*binomial"),
        ({"domain": [True, False]}, "domain= has 2 values"),
        ({"family": "binomial"}, "outside the range of family='binomial'"),
    ],
)
def test_errors_name_the_problem_and_the_fix(api_design, kwargs, match):
    design = api_design("strat")
    with pytest.raises(DesignError, match=match) as err:
        svyglm("api00 ~ ell", design, **kwargs)
    assert err.value.hint


def test_unknown_columns_and_terms_are_reported(api_design):
    design = api_design("strat")
    with pytest.raises(DesignError, match="Cannot build the model matrix"):
        svyglm("api00 ~ nonesuch", design)
    fit = svyglm("api00 ~ ell + stype", design)
    with pytest.raises(DesignError, match="no term 'role'"):
        fit.wald_test("role")
    assert fit.wald_test("C(stype)").df == 2
    assert "F =" in repr(fit.wald_test("stype"))
    assert list(fit.wald_test("stype").to_frame().columns) == ["term", "F", "df", "ddf", "p_value"]


def test_data_frames_with_any_index_are_handled(api_design):
    design = api_design("strat")
    shuffled = design.data.set_index(pd.Index(np.arange(len(design.data))[::-1] * 7))
    again = SurveyDesign(shuffled, weights="pw", strata="stype", fpc="fpc")
    mask = shuffled["stype"] == "E"
    a = svyglm("api00 ~ ell", design, domain=(design.data["stype"] == "E").to_numpy())
    b = svyglm("api00 ~ ell", again, domain=mask)
    np.testing.assert_allclose(a.bse, b.bse)


def test_nullable_boolean_and_integer_columns_fit_as_numbers():
    """Cleaned surveys hold pandas' nullable booleans (yes/no items) and integers."""
    import numpy as np
    import pandas as pd

    from survey_tools import SurveyDesign, svyglm

    rng = np.random.default_rng(5)
    x = rng.normal(size=200)
    paid = rng.random(200) < 1 / (1 + np.exp(-x))
    plain = pd.DataFrame({"paid": paid.astype(float), "x": x, "k": rng.integers(0, 5, 200)})
    nullable = plain.assign(
        paid=pd.array(paid, dtype="boolean"), k=pd.array(plain["k"], dtype="Int64")
    )
    want = svyglm("paid ~ x + k", SurveyDesign(plain), family="binomial")
    got = svyglm("paid ~ x + k", SurveyDesign(nullable), family="binomial")
    pd.testing.assert_series_equal(got.params, want.params)
    pd.testing.assert_series_equal(got.bse, want.bse)
