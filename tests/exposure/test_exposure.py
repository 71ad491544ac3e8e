"""Occupational AI-exposure indices: shipped data, role-to-SOC join, role table, user indices."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import ROOT, SHARED
from survey_tools import ExposureError, svyglm
from survey_tools.exposure import (
    REFERENCE_DIR,
    FewClustersWarning,
    exposure_model,
    exposure_sensitivity,
    join_exposure,
    read_exposure_index,
    read_exposure_indices,
    read_role_map,
    role_exposure_table,
)

SOURCE = SHARED / "reference" / "ai-exposure"


def test_the_reference_data_ship_unchanged_with_licences_and_citations():
    assert REFERENCE_DIR == ROOT / "data" / "reference" / "ai-exposure"
    for path in SOURCE.rglob("*"):
        if path.is_file():
            shipped = REFERENCE_DIR / path.relative_to(SOURCE)
            assert shipped.read_bytes() == path.read_bytes(), shipped
    licences = (REFERENCE_DIR / "LICENSES.md").read_text()
    for source, licence in [
        ("Eloundou", "MIT"),
        ("Tomlinson", "CC BY 4.0"),
        ("Massenkoff", "MIT"),
        ("Bureau of Labor Statistics", "public domain"),
    ]:
        line = next(x for x in licences.splitlines() if source in x)
        assert licence in line
    assert (REFERENCE_DIR / "original" / "openai_gpts-are-gpts" / "LICENSE").exists()
    assert (REFERENCE_DIR / "original" / "microsoft_working-with-ai" / "LICENSE.txt").exists()


def test_every_demo_role_is_mapped_and_uncertain_roles_carry_alternates(demo_raked):
    roles = read_role_map().set_index("role")
    asked = demo_raked.data["role_primary"].cat.categories
    assert set(asked) <= set(roles.index)
    known = set(read_exposure_indices()["soc_code"])
    demo = roles.loc[list(asked)]
    mapped = demo[demo["certainty"] != "none"]
    assert set(mapped["soc_code"]) <= known
    assert all(set(a) <= known for a in mapped["alt_soc_codes"])
    assert all(demo.loc[demo["certainty"] == "low", "alt_soc_codes"].map(len) > 0)
    assert demo.loc["Other", "certainty"] == "none" and pd.isna(demo.loc["Other", "soc_code"])
    # the general map is kept too, with its gig-work row left unmapped
    assert pd.isna(roles.loc["AI trainer / data annotator (RLHF gig)", "soc_code"])


def test_join_gives_each_index_value_and_percentile_for_every_row():
    long = read_exposure_indices()
    roles = pd.Series(
        ["Voice actor", "Picture editor", None, "Voice actor"], index=[10, 11, 12, 13]
    )
    j = join_exposure(roles)
    assert list(j.index) == [10, 11, 12, 13]
    assert j["soc_code"].tolist()[:2] == ["27-2011", "27-4032"]
    for name in long["index"].unique():
        row = long[(long["soc_code"] == "27-4032") & (long["index"] == name)]
        assert j.loc[11, name] == row["value"].iloc[0]
        assert j.loc[11, f"{name}_pct"] == row["percentile"].iloc[0]
    assert j.loc[12].drop("role").isna().all()
    moved = join_exposure(roles, soc={"Voice actor": "27-3011"})
    assert (moved.loc[[10, 13], "soc_code"] == "27-3011").all()


def test_unknown_roles_are_listed_with_the_fix():
    with pytest.raises(ExposureError, match=r"\['Gaffer', 'Showrunner \(TV\)'\]") as err:
        join_exposure(["Voice actor", "Showrunner (TV)", "Gaffer"])
    assert "role_map=" in err.value.hint


def test_the_role_table_sets_weighted_shares_beside_the_indices(demo_raked):
    table = role_exposure_table(demo_raked, "role_primary", "ai_lost_work", level="Yes")
    shares = demo_raked.proportion("ai_lost_work", by="role_primary")
    shares = shares[shares["level"] == "Yes"].set_index("role_primary")
    t = table.set_index("role")
    np.testing.assert_allclose(t["estimate"], shares.loc[t.index, "estimate"])
    np.testing.assert_allclose(t["ci_high"], shares.loc[t.index, "ci_high"])
    assert (t["n"] == shares.loc[t.index, "n"]).all()
    assert t.loc["Voice actor", "soc_code"] == "27-2011"
    assert t.loc["Music editor", "alt_soc_codes"] == ("27-2041",)
    assert {
        "eloundou_human_beta",
        "eloundou_human_beta_pct",
        "msft_ai_applicability",
        "anthropic_observed_exposure_pct",
    } <= set(t.columns)
    assert np.isnan(t.loc["Other", "eloundou_human_beta"])
    with pytest.raises(ExposureError, match="no answer 'Yess'"):
        role_exposure_table(demo_raked, "role_primary", "ai_lost_work", level="Yess")


def test_sensitivity_recomputes_the_agreement_under_each_alternate_code(demo_raked):
    table = role_exposure_table(demo_raked, "role_primary", "ai_lost_work")
    sens = exposure_sensitivity(table)
    beta = sens[sens["index"] == "eloundou_human_beta"].set_index("mapping")
    ok = table["eloundou_human_beta"].notna()
    direct = stats.spearmanr(table.loc[ok, "estimate"], table.loc[ok, "eloundou_human_beta"])
    assert beta.loc["primary", "rho"] == pytest.approx(direct.statistic)
    assert beta.loc["primary", "n_roles"] == ok.sum() == 21
    swaps = {f"{r} -> {c}" for r, cs in zip(table["role"], table["alt_soc_codes"]) for c in cs}
    assert swaps | {"primary", "all alternates"} == set(beta.index)
    assert beta.loc["Voice actor -> 27-3011", "rho"] != beta.loc["primary", "rho"]


def test_a_user_index_from_their_own_file_joins_like_the_shipped_ones(tmp_path):
    path = tmp_path / "aioe.csv"
    pd.DataFrame(
        {
            "O*NET-SOC Code": ["27-3043.00", "27-3043.05", "27-2011.00", "27-4032.00"],
            "score": [1.0, 2.0, -1.0, 0.5],
        }
    ).to_csv(path, index=False)
    mine = read_exposure_index(path, soc="O*NET-SOC Code", value="score", name="aioe")
    assert mine.set_index("soc_code")["value"].to_dict() == {
        "27-2011": -1.0,
        "27-3043": 1.5,
        "27-4032": 0.5,
    }
    assert mine.set_index("soc_code")["percentile"]["27-4032"] == pytest.approx(50.0)
    indices = pd.concat([read_exposure_indices(), mine])
    j = join_exposure(["TV writer", "Voice actor"], indices=indices)
    assert j["aioe"].tolist() == [1.5, -1.0]
    with pytest.raises(ExposureError, match="no column\\(s\\) \\['AIOE'\\]") as err:
        read_exposure_index(path, soc="O*NET-SOC Code", value="AIOE")
    assert "value=" in err.value.hint


def test_an_index_in_a_member_model_is_clustered_by_occupation(demo_raked, demo_files):
    formula = "I(ai_lost_work == 'Yes') ~ eloundou_human_beta"
    with pytest.warns(FewClustersWarning, match=r"only 8 occupations"):
        fit = exposure_model(formula, demo_raked, role="role_primary", index="eloundou_human_beta")
    assert fit.df_resid == 8 - len(fit.params)  # occupations - coefficients (R: degf + 1 - p)
    rows = demo_raked.data
    assert fit.n_used == int((rows["role_primary"] != "Other").sum())
    # Members as independent units would claim far more certainty about the index slope.
    data = rows.assign(
        w=demo_raked.weights,
        eloundou_human_beta=join_exposure(rows["role_primary"])["eloundou_human_beta"].to_numpy(),
    )
    from survey_tools import SurveyDesign

    naive = svyglm(formula, SurveyDesign(data, weights="w"), family="binomial")
    assert fit.bse["eloundou_human_beta"] > naive.bse["eloundou_human_beta"]
    from survey_tools import read_margins

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewClustersWarning)
        raked = exposure_model(
            formula,
            demo_raked,
            role="role_primary",
            index="eloundou_human_beta",
            margins=read_margins(demo_files["margins"]),
        )
    np.testing.assert_allclose(raked.params, fit.params, rtol=1e-6)
    with pytest.raises(ExposureError, match="No index 'aioe'"):
        exposure_model(formula, demo_raked, role="role_primary", index="aioe")
