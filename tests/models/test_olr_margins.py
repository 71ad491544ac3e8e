"""predict_margins on svyolr fits: predicted answer probabilities by group, design-based CIs."""

import numpy as np
import pandas as pd
import pytest
from scipy import special

from survey_tools import DesignError, SurveyDesign, predict_margins, svyolr

SCALE = ["Disagree", "Neutral", "Agree", "Strongly agree"]
GROUPS = {"Writer": 0.0, "Actor": 0.8, "Editor": -0.5}


@pytest.fixture(scope="module")
def likert():
    """Answers from a proportional-odds model by group and age, with unequal weights."""
    rng = np.random.default_rng(3)
    n = 6000
    group = rng.choice(list(GROUPS), size=n, p=[0.5, 0.3, 0.2])
    age = rng.normal(size=n)
    eta = np.array([GROUPS[g] for g in group]) + 0.6 * age
    code = np.searchsorted([-1.0, 0.3, 1.5], eta + rng.logistic(size=n))
    data = pd.DataFrame(
        {
            "answer": pd.Categorical.from_codes(code, categories=SCALE, ordered=True),
            "group": group,
            "age": age,
            "w": rng.uniform(0.5, 2.0, n),
            "psu": rng.integers(0, 300, n),
        }
    )
    return SurveyDesign(data, weights="w", psu="psu")


def _probs(params, eta):
    """P(Y = k) for each row of eta and category k, from R's cutpoints."""
    cuts = np.r_[-np.inf, params.iloc[-(len(SCALE) - 1) :].to_numpy(), np.inf]
    cum = special.expit(cuts[None, :] - np.asarray(eta)[:, None])
    return np.diff(cum, axis=1)


def test_with_only_the_group_the_margins_are_the_groups_answer_shares(likert):
    fit = svyolr("answer ~ group", likert)
    m = predict_margins(fit, "group")
    margins = m[m["kind"] == "margin"]
    assert list(margins.columns) == [
        "group",
        "level",
        "kind",
        "contrast",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "n",
    ]
    assert list(margins["level"].cat.categories) == SCALE and margins["level"].cat.ordered
    sums = margins.groupby("group")["estimate"].sum()
    np.testing.assert_allclose(sums, 1.0, rtol=1e-10)
    shares = likert.proportion("answer", by="group").set_index(["group", "level"])
    got = margins.set_index(["group", "level"])
    gap = (got["estimate"] - shares.loc[got.index, "estimate"]).abs()
    assert gap.max() < 0.02  # the data follow the model: model and raw shares agree
    assert (gap.to_numpy() < 3 * shares.loc[got.index, "se"].to_numpy()).all()
    counts = likert.data["group"].value_counts()
    assert (got["n"] == counts[got.index.get_level_values("group")].to_numpy()).all()
    assert ((got["ci_low"] > 0) & (got["ci_low"] < got["estimate"])).all()
    assert ((got["estimate"] < got["ci_high"]) & (got["ci_high"] < 1)).all()


def test_with_only_the_group_the_se_is_the_delta_method_on_the_coefficients(likert):
    """Every row gets the same prediction, so only the coefficients' error is left."""
    fit = svyolr("answer ~ group", likert)
    m = predict_margins(fit, "group").query("kind == 'margin'").set_index(["group", "level"])
    theta = fit.params
    for g in GROUPS:
        slope = theta.get(f"group[T.{g}]", 0.0)
        jac = []
        for j in range(len(theta)):
            h = np.zeros(len(theta))
            h[j] = 1e-6
            up, down = theta + h, theta - h
            eta_up = [up.get(f"group[T.{g}]", 0.0)]
            eta_down = [down.get(f"group[T.{g}]", 0.0)]
            jac.append((_probs(up, eta_up)[0] - _probs(down, eta_down)[0]) / 2e-6)
        jac = np.array(jac).T
        se = np.sqrt(np.diag(jac @ fit.cov_params().to_numpy() @ jac.T))
        rows = m.loc[g].loc[SCALE]
        np.testing.assert_allclose(rows["estimate"], _probs(theta, [slope])[0], rtol=1e-10)
        np.testing.assert_allclose(rows["se"], se, rtol=1e-4)


def test_margins_average_each_members_predicted_answers(likert):
    fit = svyolr("answer ~ group + age", likert)
    m = fit.predict_margins("group", reference="Writer")
    data, w = likert.data, likert.weights
    beta = fit.params
    margins = m[m["kind"] == "margin"].set_index(["group", "level"])
    for g in GROUPS:
        eta = beta.get(f"group[T.{g}]", 0.0) + beta["age"] * data["age"].to_numpy()
        by_hand = np.average(_probs(beta, eta), axis=0, weights=w)
        np.testing.assert_allclose(margins.loc[g].loc[SCALE, "estimate"], by_hand, rtol=1e-10)
    diffs = m[m["kind"] == "difference"]
    assert set(diffs["group"]) == {"Actor", "Editor"}
    assert set(diffs["contrast"]) == {"Actor - Writer", "Editor - Writer"}
    d = diffs.set_index(["group", "level"])["estimate"]
    for g in ("Actor", "Editor"):
        np.testing.assert_allclose(
            d.loc[g].loc[SCALE],
            margins.loc[g].loc[SCALE, "estimate"] - margins.loc["Writer"].loc[SCALE, "estimate"],
            atol=1e-12,
        )
        assert abs(d.loc[g].sum()) < 1e-10  # shares moved between answers, none created
    # Actors answer higher: fewer disagree, more strongly agree, both clearly
    actor = diffs[diffs["group"] == "Actor"].set_index("level")
    assert actor.loc["Disagree", "ci_high"] < 0 < actor.loc["Strongly agree", "ci_low"]


def test_a_numeric_variable_gets_the_average_marginal_effect_per_answer(likert):
    fit = svyolr("answer ~ group + age", likert)
    ame = predict_margins(fit, "age")
    assert list(ame["kind"].unique()) == ["AME"] and list(ame["level"]) == SCALE
    assert abs(ame["estimate"].sum()) < 1e-8
    beta = fit.params
    eta = beta.reindex([f"group[T.{g}]" for g in likert.data["group"]]).fillna(0).to_numpy()
    eta = eta + beta["age"] * likert.data["age"].to_numpy()
    h = 1e-5
    slope = (_probs(beta, eta + beta["age"] * h) - _probs(beta, eta - beta["age"] * h)) / (2 * h)
    by_hand = np.average(slope, axis=0, weights=likert.weights)
    np.testing.assert_allclose(ame["estimate"], by_hand, rtol=1e-5, atol=1e-9)
    assert ame.loc[0, "ci_high"] < 0 < ame.loc[3, "ci_low"]  # older answers higher


def test_an_unknown_group_or_reference_is_reported(likert):
    fit = svyolr("answer ~ group", likert)
    with pytest.raises(DesignError, match="by='role'"):
        predict_margins(fit, "role")
    with pytest.raises(DesignError, match="reference='Nobody'"):
        predict_margins(fit, "group", reference="Nobody")


def test_a_likert_item_of_the_demo_by_role_group(demo_raked):
    fit = svyolr("att_guild_policy ~ role_group", demo_raked)
    m = predict_margins(fit, "role_group").query("kind == 'margin'")
    assert list(m["level"].cat.categories) == list(fit.levels)
    assert m["role_group"].nunique() == demo_raked.data["role_group"].nunique()
    np.testing.assert_allclose(m.groupby("role_group")["estimate"].sum(), 1.0, rtol=1e-10)
    assert (m["se"] > 0).all() and m[["ci_low", "ci_high"]].notna().all(axis=None)


def test_the_linearised_se_agrees_with_a_psu_jackknife():
    """The delta method must carry both the coefficients' error and the averaging over the
    sample's ages: a delete-one-PSU jackknife of the whole fit measures both."""
    rng = np.random.default_rng(8)
    n, n_psu = 1600, 30
    psu = rng.integers(0, n_psu, n)
    age = rng.normal(size=n) + rng.normal(scale=0.5, size=n_psu)[psu]  # clustered ages
    group = rng.choice(["a", "b"], n)
    eta = 0.7 * (group == "b") + 0.8 * age
    code = np.searchsorted([-0.8, 0.8], eta + rng.logistic(size=n))
    data = pd.DataFrame(
        {"y": code + 1, "g": group, "age": age, "psu": psu, "w": rng.uniform(0.5, 2, n)}
    )
    fit = svyolr("y ~ g + age", SurveyDesign(data, weights="w", psu="psu"))
    full = predict_margins(fit, "g")
    reps = []
    for j in range(n_psu):
        w = data["w"].where(data["psu"] != j, 0.0) * n_psu / (n_psu - 1)
        design = SurveyDesign(data.assign(w=w), weights="w", psu="psu")
        reps.append(predict_margins(svyolr("y ~ g + age", design), "g")["estimate"].to_numpy())
    reps = np.array(reps)
    jk_se = np.sqrt((n_psu - 1) / n_psu * ((reps - reps.mean(0)) ** 2).sum(0))
    np.testing.assert_allclose(full["se"], jk_se, rtol=0.05)  # coefficients only: -26%
