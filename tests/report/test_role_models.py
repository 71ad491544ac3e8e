"""The AI-exposure notebook's model findings: disclosure-controlled tables, the gap, agreement."""

import numpy as np
import pandas as pd
import pytest

from survey_tools import SurveyDesign
from survey_tools.errors import ReportError
from survey_tools.report import role_models


@pytest.fixture(scope="module")
def design():
    rng = np.random.default_rng(7)
    n = 1200
    group = rng.choice(["high", "mid", "low", "tiny"], n, p=[0.3, 0.3, 0.37, 0.03])
    age = rng.choice(["young", "old"], n)
    p = pd.Series(group).map({"high": 0.35, "mid": 0.15, "low": 0.05, "tiny": 0.1}).to_numpy()
    p = np.where(age == "young", p * 1.3, p)
    lost = np.where(rng.random(n) < p, "Yes", "No")
    return SurveyDesign(pd.DataFrame({"g": group, "age": age, "lost": lost}))


def test_role_model_uses_the_modal_references_and_tests_the_groups(design):
    m = role_models.role_model(design, "lost", "Yes", by="g", covariates=["age"])
    assert m.reference == {"g": "low", "age": design.data["age"].value_counts().idxmax()}
    assert m.wald.p_value < 0.001 and "p < 0.001" in m.test_text
    margins = m.margins[m.margins["kind"] == "margin"].set_index("g")["estimate"]
    assert margins["high"] > margins["mid"] > margins["low"]


def test_small_groups_are_withheld_in_tables_and_not_named_hardest_hit(design):
    m = role_models.role_model(design, "lost", "Yes", by="g", covariates=["age"])
    odds = m.fit.tidy(exponentiate=True).set_index("term")["estimate"]
    table = role_models.odds_ratio_table(m)
    tiny = table[table["Level"] == "tiny"].iloc[0]
    assert tiny["Odds ratio"] == "—" and tiny["95% CI"] == "—"  # under 10 answered "Yes"
    high = table[table["Level"] == "high"].iloc[0]
    assert high["Odds ratio"] == f"{odds[next(t for t in odds.index if 'T.high' in t)]:.2f}"
    shown = role_models.margins_table(m)
    assert shown.iloc[0, 0] == "high"
    assert shown.set_index(shown.columns[0]).loc["tiny", "Predicted"] == "—"
    gap = role_models.hardest_hit(m)
    assert (gap.top.label, gap.bottom.label) == ("high", "low")
    assert gap.gap_low < gap.gap < gap.gap_high and gap.gap_low > 0
    assert gap.gap == pytest.approx(gap.top.estimate - gap.bottom.estimate)


def test_a_boolean_outcome_and_a_numeric_covariate_fit(design):
    data = design.data.assign(
        paid=pd.array(design.data["lost"] == "Yes", dtype="boolean"),
        months=np.arange(len(design.data)) % 12,
    )
    m = role_models.role_model(
        SurveyDesign(data), "paid", True, by="g", covariates=["age"], numeric=["months"]
    )
    assert "months" in m.fit.params.index
    assert role_models.odds_ratio_table(m).iloc[-1]["Level"] == "each 1 more"


def test_unknown_reference_and_columns_are_explained(design):
    with pytest.raises(ReportError, match="reference='nope'"):
        role_models.role_model(design, "lost", "Yes", by="g", covariates=[], reference="nope")
    with pytest.raises(ReportError, match="missing_col"):
        role_models.role_model(design, "lost", "Yes", by="g", covariates=["missing_col"])


def test_exposure_table_withholds_small_roles_and_agreement_skips_them():
    rng = np.random.default_rng(3)
    roles = ["TV writer", "Voice actor", "Picture editor", "Animator/2D-3D artist", "Music editor"]
    role = rng.choice(roles, 1500, p=[0.25, 0.25, 0.2, 0.28, 0.02])
    rate = (
        pd.Series(role)
        .map(
            {
                "TV writer": 0.08,
                "Voice actor": 0.2,
                "Picture editor": 0.1,
                "Animator/2D-3D artist": 0.3,
                "Music editor": 0.1,
            }
        )
        .to_numpy()
    )
    data = pd.DataFrame({"role": role, "lost": np.where(rng.random(1500) < rate, "Yes", "No")})
    design = SurveyDesign(data)
    from survey_tools import role_exposure_table

    table = role_exposure_table(design, "role", "lost")
    safe, shown = role_models.exposure_table(design, table, "lost", "Yes", role="role")
    small = shown[shown["Role"] == "Music editor"].iloc[0]
    assert small["Share"] == "—" and np.isnan(
        safe.set_index("role").loc["Music editor", "estimate"]
    )
    agreement = role_models.exposure_agreement(safe)
    assert (agreement["roles"] == (shown["Share"] != "—").sum()).all()
    assert (shown["Share"] != "—").sum() >= 3
    assert agreement["rho (primary map)"].between(-1, 1).all()
