"""predict_margins: marginal standardisation with design-based delta-method intervals."""

import numpy as np
import pytest

from survey_tools import DesignError, predict_margins, svyglm


def test_margins_of_a_saturated_model_are_the_design_based_proportions(demo_raked):
    """With only the group in the model, each margin is the group's weighted share, and the
    linearised SE equals the domain proportion's SE from the design."""
    fit = svyglm("I(ai_lost_work == 'Yes') ~ role_group", demo_raked, family="binomial")
    margins = predict_margins(fit, "role_group")
    shares = demo_raked.proportion("ai_lost_work", by="role_group")
    shares = shares[shares["level"] == "Yes"].set_index("role_group")
    got = margins[margins["kind"] == "margin"].set_index("role_group")
    np.testing.assert_allclose(got["estimate"], shares.loc[got.index, "estimate"], rtol=1e-8)
    np.testing.assert_allclose(got["se"], shares.loc[got.index, "se"], rtol=1e-6)
    assert (got["n"] == shares.loc[got.index, "n"]).all()


def test_margins_average_the_predictions_over_the_sample(demo_raked):
    fit = svyglm("I(ai_lost_work == 'Yes') ~ role_group + age_band", demo_raked, family="binomial")
    margins = fit.predict_margins("age_band")
    rows = demo_raked.data.loc[fit.used].copy()
    w = demo_raked.weights[fit.used]
    rows["age_band"] = "18-24"
    by_hand = np.average(fit.fit.predict(_matrix(fit, rows)), weights=w)
    first = margins.iloc[0]
    assert first["age_band"] == "18-24" and first["kind"] == "margin"
    assert first["estimate"] == pytest.approx(by_hand, rel=1e-10)
    probs = margins[margins["kind"] == "margin"]
    assert (
        (probs["ci_low"] > 0)
        & (probs["ci_low"] < probs["estimate"])
        & (probs["estimate"] < probs["ci_high"])
        & (probs["ci_high"] < 1)
    ).all()
    diffs = margins[margins["kind"] == "difference"].set_index("age_band")
    est = probs.set_index("age_band")["estimate"]
    np.testing.assert_allclose(diffs["estimate"], est[diffs.index] - est["18-24"])
    assert list(diffs["contrast"])[:1] == ["25-34 - 18-24"]
    other = fit.predict_margins("age_band", reference="35-44")
    other = other[other["kind"] == "difference"].set_index("age_band")
    assert "35-44" not in other.index
    np.testing.assert_allclose(other["estimate"], est[other.index] - est["35-44"])
    with pytest.raises(DesignError, match=r"reference='90\+'"):
        fit.predict_margins("age_band", reference="90+")


def _matrix(fit, frame):
    import patsy

    (x,) = patsy.build_design_matrices([fit.design_info], frame, return_type="dataframe")
    return x[fit.params.index]


def test_the_average_marginal_effect_of_a_numeric_variable(demo_raked):
    fit = svyglm("paid ~ role_group + months_no_craft_work", demo_raked, family="binomial")
    (ame,) = predict_margins(fit, "months_no_craft_work").itertuples()
    rows = demo_raked.data.loc[fit.used]
    p = fit.fit.predict(_matrix(fit, rows)).to_numpy()
    slope = fit.params["months_no_craft_work"]
    by_hand = np.average(p * (1 - p) * slope, weights=demo_raked.weights[fit.used])
    assert ame.kind == "AME" and ame.estimate == pytest.approx(by_hand, rel=1e-6)
    assert ame.ci_low < ame.estimate < ame.ci_high and ame.se > 0


def test_a_gaussian_margin_difference_is_the_coefficient(api_design):
    """In a linear model without interactions a level's AME is its coefficient, same SE."""
    fit = svyglm("api00 ~ ell + stype", api_design("clus1"))
    diffs = predict_margins(fit, "stype").query("kind == 'difference'").set_index("stype")
    np.testing.assert_allclose(diffs["estimate"], fit.params[["stype[T.H]", "stype[T.M]"]])
    np.testing.assert_allclose(diffs["se"], fit.bse[["stype[T.H]", "stype[T.M]"]], rtol=1e-8)


def test_unknown_by_is_reported(api_design):
    fit = svyglm("api00 ~ ell", api_design("strat"))
    with pytest.raises(DesignError, match="by='role'"):
        predict_margins(fit, "role")
