"""Nonresponse against the roll: the report, the R-indicator and the propensity-class adjustment.

Golden values: tests/golden/r_nonresponse.json, written by tests/golden/r_nonresponse.R (R's
apipop as the roll, response drawn in R, glm on the roll, quantile classes, postStratify to the
class counts, then rake). Independent checks: statsmodels fits on one row per member, pandas
cross-tabulations, scipy's chi-square, simulation of the response mechanism.
"""

import json

import numpy as np
import pandas as pd
import pyreadstat
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from conftest import ROOT, SHARED
from survey_tools import (
    DesignError,
    MarginsError,
    SurveyDesign,
    WeightingError,
    nonresponse,
    read_margins,
)

GOLDEN = json.loads((ROOT / "tests" / "golden" / "r_nonresponse.json").read_text())
ROLL_VARS = ["role_group", "region", "age_band", "member_class"]


# --- R's survey: propensity classes, post-stratification, raking ---------------------------------


@pytest.fixture(scope="module")
def api_roll():
    pop = pd.read_csv(SHARED / "reference" / "r-survey-api" / "apipop.csv", dtype={"cds": str})
    return pop[["cds", "stype", "awards", "comp.imp", "meals", "api00", "sch.wide"]]


@pytest.fixture(scope="module")
def api_designs(api_roll):
    resp = api_roll[api_roll["cds"].isin(GOLDEN["respondents"])].reset_index(drop=True)
    resp = resp.assign(sch_wide_yes=resp["sch.wide"] == "Yes")
    assert len(resp) == len(GOLDEN["respondents"])
    out = {}
    for case, info in GOLDEN["cases"].items():
        adjusted = SurveyDesign(resp).adjust_for_nonresponse(
            api_roll, key="cds", model=info["model"], classes=info["classes"]
        )
        out[case] = {"adjusted": adjusted, "adjusted_raked": adjusted.rake(GOLDEN["margins"])}
    return out


@pytest.mark.parametrize(
    "row",
    GOLDEN["results"],
    ids=lambda r: f"{r['case']}-{r['design']}-{r['stat']}-{r['by'] or ''}{r['level'] or ''}",
)
def test_adjusted_and_raked_estimates_agree_with_r(api_designs, row):
    d = api_designs[row["case"]][row["design"]]
    if row["stat"] == "weights":
        assert d.weights.sum() == pytest.approx(row["estimate"], rel=1e-9)
        return
    out = {
        "mean": lambda: d.mean("api00", by=row["by"]),
        "total": lambda: d.total("api00"),
        "proportion": lambda: d.proportion("sch_wide_yes", by=row["by"]),
    }[row["stat"]]()
    if row["by"]:
        out = out[out[row["by"]].astype(str) == row["level"]]
    if row["stat"] == "proportion":
        out = out[out["level"].astype(str) == "True"]
    got = out.iloc[0]
    assert float(got["estimate"]) == pytest.approx(row["estimate"], rel=1e-6)
    assert float(got["se"]) == pytest.approx(row["se"], rel=1e-5)
    for key in ("ci_low", "ci_high"):
        assert float(got[key]) == pytest.approx(row[key], rel=1e-5)


@pytest.mark.parametrize("case", list(GOLDEN["cases"]))
def test_propensity_classes_and_model_agree_with_r(api_designs, case):
    info = GOLDEN["cases"][case]
    step = api_designs[case]["adjusted"].weighting[-1]
    assert step.table["roll_members"].tolist() == info["class_members"]
    assert step.table["respondents"].tolist() == info["class_respondents"]
    np.testing.assert_allclose(step.breaks, info["breaks"], rtol=1e-8)
    np.testing.assert_allclose(np.asarray(step.fit.result.params), info["coef"], rtol=1e-7)
    np.testing.assert_allclose(np.asarray(step.fit.result.bse), info["coef_se"], rtol=1e-6)
    ind = step.fit.indicators()
    assert ind["r_indicator"] == pytest.approx(info["r_indicator"], rel=1e-9)
    assert ind["cv"] == pytest.approx(info["cv"], rel=1e-9)
    # Raking adds its own step after the adjustment; the repr says both.
    raked = api_designs[case]["adjusted_raked"]
    assert [type(s).__name__ for s in raked.weighting] == ["PropensityClasses", "Raking"]
    assert "adjusted for nonresponse" in repr(raked) and "raked to stype, awards" in repr(raked)


def test_nonresponse_r_indicator_on_the_api_roll_agrees_with_r(api_roll):
    info = GOLDEN["cases"]["main"]
    rep = nonresponse(
        api_roll, GOLDEN["respondents"], key="cds", variables=["stype", "awards", "comp.imp"]
    )
    assert rep.r_indicator == pytest.approx(info["r_indicator"], rel=1e-9)
    assert rep.cv == pytest.approx(info["cv"], rel=1e-9)
    np.testing.assert_allclose(rep.estimates["estimate"], info["coef"], rtol=1e-7)
    np.testing.assert_allclose(rep.estimates["se"], info["coef_se"], rtol=1e-6)


# --- The demo roll ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_files):
    roll = pd.read_csv(demo_files["roll"])
    sav, _ = pyreadstat.read_sav(str(demo_files["spss"]), usecols=["member_id", "ai_lost_work"])
    return roll, sav


@pytest.fixture(scope="module")
def demo_report(demo):
    roll, sav = demo
    return nonresponse(roll, sav["member_id"], variables=ROLL_VARS)


def test_r_indicator_equals_an_independent_logistic_fit_on_the_roll(demo, demo_report):
    roll, sav = demo
    data = roll.assign(responded=roll["member_id"].isin(sav["member_id"].str.strip()) * 1.0)
    fit = smf.glm(
        "responded ~ " + " + ".join(f"C({v})" for v in ROLL_VARS),
        data,
        family=sm.families.Binomial(),
    ).fit(tol=1e-12)
    p = np.asarray(fit.fittedvalues)
    assert demo_report.r_indicator == pytest.approx(1 - 2 * np.std(p), rel=1e-8)
    assert demo_report.cv == pytest.approx(np.std(p) / np.mean(p), rel=1e-8)
    np.testing.assert_allclose(demo_report.propensity, p, rtol=1e-7)
    est = demo_report.estimates.set_index("term")
    np.testing.assert_allclose(est["estimate"], fit.params, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(est["se"], fit.bse, rtol=1e-6)
    assert demo_report.n_respondents == int(data["responded"].sum())


def test_demo_report_shows_response_rates_by_role_group(demo, demo_report):
    roll, sav = demo
    answered = roll["member_id"].isin(sav["member_id"].str.strip())
    by_role = pd.crosstab(roll["role_group"], answered)
    table = demo_report.to_frame()
    rows = table[(table["kind"] == "variable") & (table["variable"] == "role_group")]
    rows = rows.set_index("level")
    assert sorted(rows.index) == sorted(by_role.index)
    rate = by_role[True] / by_role.sum(axis=1)
    np.testing.assert_allclose(rows["response_rate"], rate[rows.index], rtol=1e-12)
    share = by_role[True] / by_role[True].sum() - by_role.sum(axis=1) / len(roll)
    np.testing.assert_allclose(rows["difference"], share[rows.index], atol=1e-12)
    # Each level's test is the 2x2 chi-square of response, in the group against the rest.
    level = rows["difference"].abs().idxmax()
    in_group = roll["role_group"] == level
    _, p, *_ = stats.chi2_contingency(pd.crosstab(in_group, answered), correction=False)
    assert rows.loc[level, "p_value"] == pytest.approx(p, rel=1e-9)
    assert (rows["ci_low"] < rows["difference"]).all()
    assert (rows["difference"] < rows["ci_high"]).all()
    text = repr(demo_report)
    assert f"role_group = {level}" in text and "R-indicator" in text
    assert f"response rate {rate[level]:.1%}" in text
    test = demo_report.tests.set_index("variable").loc["role_group"]
    assert test["df"] == len(by_role) - 1
    assert test["statistic"] == pytest.approx(
        stats.chi2_contingency(by_role, correction=False)[0], rel=1e-9
    )


def test_partial_r_indicators_decompose_the_propensity_spread(demo, demo_report):
    roll, _ = demo
    p = pd.Series(demo_report.propensity)
    sd = (1 - demo_report.r_indicator) / 2
    part = demo_report.partial.set_index(["variable", "level"], drop=False)
    for var in ROLL_VARS:
        others = [v for v in ROLL_VARS if v != var]
        between = p.groupby([roll[o] for o in others]).transform("mean")
        p_c = part[(part["variable"] == var) & part["level"].isna()]["conditional"].iloc[0]
        # within the other variables' cells plus between them is the whole spread
        assert p_c**2 + np.mean((between - p.mean()) ** 2) == pytest.approx(sd**2, rel=1e-9)
        # unconditional: spread of the levels' response rates (a main effect fits them exactly)
        rates = p.groupby(roll[var]).mean()
        shares = roll[var].value_counts(normalize=True)[rates.index]
        p_u = part[(part["variable"] == var) & part["level"].isna()]["unconditional"].iloc[0]
        assert p_u == pytest.approx(np.sqrt((shares * (rates - p.mean()) ** 2).sum()), rel=1e-9)


def test_pair_test_is_the_interaction_likelihood_ratio(api_roll):
    rep = nonresponse(api_roll, GOLDEN["respondents"], key="cds", variables=["stype", "awards"])
    data = api_roll.assign(responded=api_roll["cds"].isin(GOLDEN["respondents"]) * 1.0)
    fam = sm.families.Binomial()
    main = smf.glm("responded ~ C(stype) + C(awards)", data, family=fam).fit(tol=1e-12)
    full = smf.glm("responded ~ C(stype) * C(awards)", data, family=fam).fit(tol=1e-12)
    got = rep.tests.set_index("variable").loc["stype:awards"]
    assert got["statistic"] == pytest.approx(2 * (full.llf - main.llf), rel=1e-6)
    assert got["df"] == full.df_model - main.df_model == 2
    assert got["p_value"] < 0.05  # R's draw has a type-by-awards interaction
    cells = rep.to_frame().query("kind == 'pair'")
    assert len(cells) == 6 and set(cells["level"]) >= {"H:No", "E:Yes"}


def test_weighted_shares_come_from_the_design(demo, demo_report):
    roll, sav = demo
    keys = sav["member_id"].str.strip().drop_duplicates()
    resp = roll[roll["member_id"].isin(keys)].reset_index(drop=True)
    margins = read_margins(ROOT / "data" / "raw" / "demo" / "roll_margins.csv")
    margins["member_class"] = margins.pop("member_status")  # the roll's name for it
    margins = {k: v for k, v in margins.items() if k != "region"}  # region: a holdout
    raked = SurveyDesign(resp).rake(margins)
    rep = nonresponse(roll, keys, variables=ROLL_VARS, weights=raked, pairs=False)
    table = rep.to_frame().set_index(["variable", "level"])
    for var in ROLL_VARS:
        est = raked.proportion(var).set_index("level")
        got = table.loc[var]
        np.testing.assert_allclose(got["weighted_share"], est.loc[got.index, "estimate"], rtol=1e-9)
        np.testing.assert_allclose(
            got["weighted_se"], est.loc[got.index, "se"], rtol=1e-6, atol=1e-12
        )
        assert got["in_weighting"].all() == (var != "region")
    assert table.loc["age_band", "weighted_difference"].abs().max() < 1e-9
    assert table.loc["region", "weighted_difference"].abs().max() > 1e-3  # the holdout's gap
    assert table.loc["region", "weighted_p_value"].notna().all()
    # Unweighted columns do not depend on the weights.
    np.testing.assert_allclose(
        table["difference"], demo_report.to_frame().query("kind == 'variable'")["difference"]
    )


def test_demo_adjusted_then_raked(demo):
    roll, sav = demo
    keys = sav["member_id"].str.strip().drop_duplicates()
    resp = roll[roll["member_id"].isin(keys)].reset_index(drop=True)
    resp = resp.assign(member_status=resp["member_class"])
    adjusted = SurveyDesign(resp).adjust_for_nonresponse(
        roll, model="C(role_group) + C(region) + C(age_band) * C(member_class)"
    )
    step = adjusted.weighting[-1]
    assert adjusted.weights.sum() == pytest.approx(len(roll))
    assert step.table["roll_members"].sum() == len(roll)
    assert len(step.table) == 5
    assert step.table["response_rate"].is_monotonic_increasing  # classes ordered by propensity
    np.testing.assert_allclose(
        adjusted.data.assign(w=adjusted.weights).groupby(step.cell_of)["w"].sum(),
        step.table["roll_members"],
    )
    raked = adjusted.rake(read_margins(ROOT / "data" / "raw" / "demo" / "roll_margins.csv"))
    got = raked.data.assign(w=raked.weights).groupby("role_group")["w"].sum()
    np.testing.assert_allclose(got, roll["role_group"].value_counts()[got.index], rtol=1e-9)
    est = raked.mean("years_exp")
    assert est["se"].iloc[0] > 0 and np.isfinite(est["estimate"].iloc[0])


# --- Properties of the indicators ------------------------------------------------------------


def _balanced_roll(n_per_cell: int = 40) -> pd.DataFrame:
    cells = pd.MultiIndex.from_product(
        [["writer", "actor", "editor"], ["LA", "NY"], ["<40", "40+"]],
        names=["craft", "city", "age"],
    ).to_frame(index=False)
    roll = cells.loc[cells.index.repeat(n_per_cell)].reset_index(drop=True)
    return roll.assign(member_id=[f"M{i:05d}" for i in range(len(roll))])


def test_r_is_one_when_every_level_responds_alike():
    roll = _balanced_roll()
    responded = pd.Series(roll.groupby(["craft", "city", "age"]).cumcount() % 4 == 0)
    rep = nonresponse(roll, responded)  # a boolean Series aligned with the roll
    assert rep.r_indicator == pytest.approx(1.0, abs=1e-9)
    assert rep.cv == pytest.approx(0.0, abs=1e-9)
    assert rep.partial["unconditional"].abs().max() < 1e-9
    table = rep.to_frame()
    assert table["difference"].abs().max() < 1e-12
    assert (table["response_rate"] == 0.25).all() and (table["p_value"] > 0.999).all()
    assert set(rep.variables) == {"craft", "city", "age"}  # the key is not a variable
    # At R = 1 the delta method collapses; the bootstrap still sees the sampling noise.
    assert rep.r_indicator_se < 1e-6
    boot = nonresponse(roll, responded, pairs=False, se="bootstrap", replicates=100, seed=1)
    assert boot.r_indicator_se > 0.01
    # the same respondents as keys give the same report
    keys = nonresponse(roll, roll.loc[responded, "member_id"].tolist())
    pd.testing.assert_frame_equal(keys.to_frame(), table)
    # The default adjustment model is the main effects of the same columns; with equal
    # propensities every class responds at the same rate and the weights stay equal.
    adjusted = SurveyDesign(roll[responded]).adjust_for_nonresponse(roll)
    assert adjusted.weighting[-1].fit.formula == "C(Q('craft')) + C(Q('city')) + C(Q('age'))"
    np.testing.assert_allclose(adjusted.weights, 4.0)


def test_standard_errors_match_the_spread_over_repeated_response():
    """Response drawn again and again from known propensities: the delta-method SEs of R and CV
    and the SE of a share's difference are close to the spread of the estimates."""
    roll = _balanced_roll(60)
    eta = -1.2 + 0.8 * (roll["craft"] == "writer") - 0.5 * (roll["age"] == "<40")
    truth = 1 / (1 + np.exp(-eta.to_numpy()))
    rng = np.random.default_rng(20261206)
    r_values, cv_values, diffs, r_se, cv_se, d_se = [], [], [], [], [], []
    for _ in range(120):
        rep = nonresponse(roll, pd.Series(rng.random(len(roll)) < truth), pairs=False)
        row = rep.to_frame().query("variable == 'craft' and level == 'writer'").iloc[0]
        r_values.append(rep.r_indicator)
        cv_values.append(rep.cv)
        diffs.append(row["difference"])
        r_se.append(rep.r_indicator_se)
        cv_se.append(rep.cv_se)
        d_se.append(row["se"])
    assert np.mean(r_se) == pytest.approx(np.std(r_values), rel=0.25)
    assert np.mean(cv_se) == pytest.approx(np.std(cv_values), rel=0.25)
    assert np.mean(d_se) == pytest.approx(np.std(diffs), rel=0.25)
    # The bootstrap over the roll agrees, and repeats with its seed.
    responded = pd.Series(rng.random(len(roll)) < truth)
    boot = nonresponse(roll, responded, pairs=False, se="bootstrap", replicates=300, seed=7)
    assert boot.r_indicator_se == pytest.approx(np.std(r_values), rel=0.3)
    assert boot.cv_se == pytest.approx(np.std(cv_values), rel=0.3)
    again = nonresponse(roll, responded, pairs=False, se="bootstrap", replicates=300, seed=7)
    assert again.r_indicator_se == boot.r_indicator_se and "bootstrap" in repr(boot)


# --- Errors ----------------------------------------------------------------------------------


def test_errors_name_the_column_and_the_fix():
    roll = _balanced_roll(5)
    with pytest.raises(DesignError, match=r"2 respondent key\(s\) are not in the roll's "):
        nonresponse(roll, ["M00001", "X1", "X2"])
    with pytest.raises(MarginsError, match=r"no categorical columns.*Fix: pass variables="):
        nonresponse(roll[["member_id"]].assign(age=range(len(roll))), ["M00001"])
    with pytest.raises(DesignError, match="Every roll member responded"):
        nonresponse(roll, roll["member_id"])
    with pytest.raises(DesignError, match="No roll member responded"):
        nonresponse(roll, pd.Series(False, index=roll.index))
    with pytest.raises(DesignError, match="not aligned with the roll"):
        nonresponse(roll, pd.Series(True, index=range(1000, 1010)))
    with pytest.raises(MarginsError, match=r"no column 'id'.*Fix: pass key="):
        nonresponse(roll, ["M00001"], key="id")
    with pytest.raises(MarginsError, match="no column 'gender'"):
        nonresponse(roll, ["M00001"], variables=["craft", "gender"])
    resp = roll[roll.index % 3 == 0]
    with pytest.raises(DesignError, match="not in the roll's 'member_id'"):
        SurveyDesign(resp.assign(member_id="Z" + resp["member_id"])).adjust_for_nonresponse(roll)
    with pytest.raises(DesignError, match="has no column 'member_id'"):
        SurveyDesign(resp.drop(columns="member_id")).adjust_for_nonresponse(roll)
    with pytest.raises(DesignError, match="cannot be built from the roll"):
        SurveyDesign(resp).adjust_for_nonresponse(roll, model="C(gender)")
    # Writers never respond: their propensity class is empty.
    none_write = roll[(roll["craft"] != "writer") & (roll.index % 2 == 0)]
    with pytest.raises(WeightingError, match=r"Propensity class 1 of \d .* no respondents"):
        SurveyDesign(none_write).adjust_for_nonresponse(roll, model="C(craft)", classes=3)


def test_weights_by_key_and_personal_columns():
    roll = _balanced_roll(10).assign(first_name=lambda d: np.where(d.index % 2, "Ann", "Bo"))
    answered = roll[roll["craft"] != "editor"].iloc[::3]
    w = pd.Series(np.where(answered["city"] == "LA", 3.0, 1.0), index=answered["member_id"])
    rep = nonresponse(roll, answered["member_id"], weights=w)
    assert "first_name" not in rep.variables  # personal data never becomes a report row
    city = rep.to_frame().query("variable == 'city'").set_index("level")
    la = (answered["city"] == "LA").to_numpy()
    assert city.loc["LA", "weighted_share"] == pytest.approx(
        3 * la.sum() / (3 * la.sum() + (~la).sum())
    )
    assert city["weighted_se"].isna().all() and not city["in_weighting"].any()
    with pytest.raises(DesignError, match="not marked as responding"):
        nonresponse(roll, answered["member_id"][1:], weights=w)
