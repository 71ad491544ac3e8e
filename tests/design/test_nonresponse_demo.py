"""On the demo, the respondents against the whole roll: linking by salted hash, the cross-class
the margins miss, and propensity adjustment bringing the headline nearer the truth.

Truth comes from truth.json (the generator's population values and response model); nothing
here types a demo number.
"""

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import ROOT
from survey_tools.cleaning import hash_roll
from survey_tools.errors import MarginsError, PrivacyError
from survey_tools.report import nonresponse_check as nr
from survey_tools.report.run import prepare_survey

CODEBOOK = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"
PLAN = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.plan.yaml"
SALT = "9f2c4e1a7b3d5c8e0f6a2b4d8c1e3f5a"


@pytest.fixture(scope="module")
def demo_run(demo_files):
    return prepare_survey(
        demo_files["spss"],
        CODEBOOK,
        plan=PLAN,
        roll=demo_files["roll"],
        margins=demo_files["margins"],
        dispositions=demo_files["dispositions"],
    )


@pytest.fixture(scope="module")
def check(demo_run, demo_files):
    # The reminders' dates come from the plan (reminders:), as in the report notebooks.
    return nr.check_nonresponse(demo_run, export=demo_files["spss"], roll=demo_files["roll"])


def test_every_kept_respondent_is_found_on_the_roll_without_ids_in_clear(check, demo_run):
    link = check.link
    assert len(link.data) == len(demo_run.design.data) and link.unlinked == 0
    roll = pd.read_csv(ROOT / "data" / "raw" / "demo" / "roll.csv")
    keys = link.data[nr.KEY]
    assert keys.str.fullmatch(r"[0-9a-f]{16}").all()
    assert not keys.isin(roll["member_id"]).any() and "member_id" not in link.roll
    # The roll's columns carry the cleaned data's names (the codebook's roll: columns:).
    assert {"member_status", "role_group", "age_band", "region"} <= set(link.roll.columns)


def test_hash_roll_joins_a_roll_to_data_hashed_at_cleaning():
    roll = pd.DataFrame({"member_id": ["M-000001", "M-000002", "M-000003"], "x": list("abc")})
    hashed = hash_roll(roll, salt=SALT)
    again = hash_roll(roll[["member_id"]].iloc[[2, 0]], salt=SALT)
    assert hashed.set_index("member_id").loc[again["member_id"], "x"].tolist() == ["c", "a"]
    assert roll["member_id"].iloc[0] == "M-000001"  # the input is not modified
    with pytest.raises(PrivacyError, match="characters long"):
        hash_roll(roll, salt="short")
    with pytest.raises(MarginsError, match="no column 'id'"):
        hash_roll(roll, key="id", salt=SALT)


def test_the_roll_shows_the_cross_class_the_margins_miss(check, truth):
    tests = check.report.tests.set_index("variable")
    assert tests.loc["role_group:age_band", "p_value"] < 1e-6
    assert check.interactions == (("role_group", "age_band"),)
    # The fitted propensity of the generator's boosted cells exceeds the rest of their groups'.
    true = truth["nonresponse"]["propensity"]["by_role_group_age_band"]
    boosted = truth["nonresponse"]["response_model"]["interaction"]
    fitted = check.designs["propensity-adjusted and raked"].weighting[0].fit.propensity
    roll = check.link.roll
    for group, bands in boosted.items():
        inside = (roll["role_group"] == group).to_numpy()
        young = inside & roll["age_band"].isin(list(bands)).to_numpy()
        assert fitted[young].mean() > 1.5 * fitted[inside & ~young].mean()
        older = [v for k, v in true.items() if k.startswith(f"{group}:") and k[len(group) + 1 :]
                 not in bands]  # fmt: skip
        assert np.mean([true[f"{group}:{b}"] for b in bands]) > 1.5 * np.mean(older)


def test_propensity_adjustment_brings_the_headline_nearer_the_truth(check, truth):
    target = truth["nonresponse"]["population"]["ai_lost_work_yes"]
    rows = check.sensitivity.set_index(["indicator", "weighting"])["estimate"]
    raked = rows[("lost_work", "raked")]
    adjusted = rows[("lost_work", "propensity-adjusted and raked")]
    assert abs(adjusted - target) < abs(raked - target)
    assert raked > target  # young performers answer more and lost more: raking overstates
    text = nr.bias_direction(check, "lost_work")
    assert "overstates" in text and f"{100 * adjusted:.1f}%" in text


def test_weights_trimming_and_waves_are_reported(check, truth, demo_run):
    w = check.weights_table()
    trimmed = check.designs["adjusted, raked and trimmed"]
    assert w.loc["adjusted, raked and trimmed", "maximum"] == pytest.approx(trimmed.weights.max())
    assert w.loc["adjusted, raked and trimmed", "ratio"] < w.loc["raked", "ratio"]
    assert trimmed.weighting[-1].trimmed > 0
    effort = check.effort.set_index("indicator")
    waves = truth["nonresponse"]["respondents_by_wave"]
    assert {f"n_wave_{k}" for k in waves} <= set(effort.columns)
    assert check.wave_basis.startswith("waves after the invitation and 2 reminder")
    planned = [pd.Timestamp(t) for t in truth["nonresponse"]["reminders"]]
    assert [pd.Timestamp(t) for t in demo_run.plan.reminders] == planned
    # The eager first wave holds more of the (high-propensity, high-loss) young performers.
    assert effort.loc["lost_work", "late"] < effort.loc["lost_work", "early"]
    table = nr.roll_table(check, min_count=10)
    holdout = table[table["weighted on"] == "no (holdout)"]
    assert set(holdout["variable"]) == {"gender"} and np.isfinite(holdout["raked %"]).all()


def test_truth_keeps_earlier_keys_and_states_the_response_model(truth):
    assert {"margins", "population", "models", "fieldwork", "planted", "nonresponse"} <= set(truth)
    nrt = truth["nonresponse"]
    assert nrt["propensity"]["r_indicator"] == pytest.approx(1 - 2 * nrt["propensity"]["sd"])
    waves = nrt["respondents_by_wave"]
    assert (
        sum(waves.values())
        + truth["fieldwork"]["dispositions"]["3.19"]
        + truth["fieldwork"]["dispositions"]["3.30"]
        == truth["population_size"]
    )


def test_a_member_id_hashed_at_cleaning_links_with_the_same_salt(
    demo_files, tmp_path, monkeypatch, check
):
    book = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    book["variables"]["member_id"]["action"] = "hash"
    path = tmp_path / "hashed.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SURVEY_TOOLS_SALT", SALT)
    run = prepare_survey(
        demo_files["spss"], path, roll=demo_files["roll"], margins=demo_files["margins"]
    )
    assert run.design.data["member_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    link = nr.link_roll(run, export=demo_files["spss"], roll=demo_files["roll"])
    assert len(link.data) == len(check.link.data) and link.unlinked == 0
    # The same members as the session-salted link, whatever the salt.
    assert set(link.data["resp_id"]) == set(check.link.data["resp_id"])
