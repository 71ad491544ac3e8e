"""Crosswalks drafted by Codebook.diff, read back, applied; members linked on the salted key."""

import dataclasses

import pandas as pd
import pytest

from conftest import ROOT
from survey_tools import Codebook, ComparabilityError, LinkError, SurveyDesign, compare_waves
from survey_tools.waves.crosswalk import Crosswalk
from survey_tools.waves.link import link_waves, with_member_key

BOOK = Codebook.from_yaml(ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml")


def _later_wave() -> Codebook:
    """The 2026 codebook as a later wave would change it: a renamed question, a 4-point scale,
    reworded routing, relabelled answers."""
    v = dict(BOOK.variables)
    v["ai_training_status"] = dataclasses.replace(v.pop("rlhf_status"), name="ai_training_status")
    comfort = v["att_comfort_rlhf"]
    v["att_comfort_rlhf"] = dataclasses.replace(
        comfort,
        codes={
            1: "Strongly disagree",
            2: "Somewhat disagree",
            3: "Somewhat agree",
            4: "Strongly agree",
        },
    )
    lost = v["ai_lost_work"]
    v["ai_lost_work"] = dataclasses.replace(lost, codes={**lost.codes, 3: "No, not that I know of"})
    pay = v["rlhf_pay_change"]
    v["rlhf_pay_change"] = dataclasses.replace(pay, asked_if={"ai_training_status": [1]})
    return dataclasses.replace(BOOK, variables=v)


def test_diff_finds_the_rename_the_scale_change_and_relabelled_answers(tmp_path):
    diff = BOOK.diff(_later_wave(), wave_a="2026", wave_b="2027")
    rows = diff.to_frame().set_index("variable")
    assert rows.loc["rlhf_status", "source_b"] == "ai_training_status"
    assert rows.loc["rlhf_status", "matched_by"].startswith("question text")
    assert (
        rows.loc["rlhf_status", "comparability"] == "same"
        or "renamed" in rows.loc["rlhf_status", "note"]
    )
    assert rows.loc["att_comfort_rlhf", "comparability"] == "break"
    assert "Neither agree nor disagree" in rows.loc["att_comfort_rlhf", "note"]
    assert rows.loc["ai_lost_work", "comparability"] == "recoded"
    assert rows.loc["rlhf_pay_change", "comparability"] == "caveat"
    assert "routing" in rows.loc["rlhf_pay_change", "note"]
    assert rows.loc["role_primary", "comparability"] == "same"
    # The draft is a crosswalk that reads back and harmonises the later wave's data.
    cw = Crosswalk.from_yaml(diff.to_yaml(tmp_path / "crosswalk.yaml"))
    later = pd.DataFrame(
        {
            "ai_training_status": ["Never", "Yes, in the past 3 months"],
            "ai_lost_work": pd.Categorical(["No, not that I know of", "Yes"]),
        }
    )
    same = cw.harmonise(later, "2027")
    assert same["rlhf_status"].tolist() == ["Never", "Yes, in the past 3 months"]
    assert same["ai_lost_work"].tolist() == ["No", "Yes"]
    with pytest.raises(ComparabilityError, match=r"att_comfort_rlhf.*2026 and 2027"):
        cw.check("att_comfort_rlhf", ["2026", "2027"])
    assert cw.check("ai_lost_work", ["2026", "2027"])[("2026", "2027")].startswith("recoded")


def test_compare_waves_refuses_a_break_and_names_it():
    cw = Crosswalk.from_dict(
        {
            "waves": ["2026", "2027"],
            "variables": {
                "y": {
                    "2026": {"source": "y"},
                    "2027": {
                        "source": "y",
                        "comparability": "break",
                        "note": "answer scale changed",
                    },
                }
            },
        }
    )
    a = SurveyDesign(pd.DataFrame({"member_key": ["a", "b"], "y": [1.0, 2.0]}))
    b = SurveyDesign(pd.DataFrame({"member_key": ["a", "c"], "y": [1.0, 3.0]}))
    with pytest.raises(ComparabilityError, match=r"'y'.*answer scale changed") as err:
        compare_waves({"2026": a, "2027": b}, "y", crosswalk=cw)
    assert err.value.variable == "y"


def test_a_malformed_crosswalk_names_the_key():
    with pytest.raises(ComparabilityError, match=r"variables\.y\.2027"):
        Crosswalk.from_dict(
            {"waves": ["2026", "2027"], "variables": {"y": {"2027": {"comparability": "maybe"}}}}
        )


def test_linking_counts_linked_joined_lapsed_and_refuses_a_changed_salt():
    a = pd.DataFrame({"member_key": ["k1", "k2", "k3", "k4"]})
    b = pd.DataFrame({"member_key": ["k2", "k4", "k5"]})
    roll_a = pd.DataFrame({"member_id": ["M1", "M2", "M3", "M4", "M6"]})
    roll_b = pd.DataFrame({"member_id": ["M2", "M4", "M5", "M6", "M7"]})
    links = link_waves(a, b, waves=("2026", "2027"), roll_a=roll_a, roll_b=roll_b)
    assert (links.linked, links.only_a, links.only_b) == (2, 2, 1)
    assert (links.joined, links.lapsed, links.continuing) == (2, 2, 3)
    assert links.share_linked == 0.5
    assert "answered both waves (linked)" in links.to_frame()["measure"].tolist()
    with pytest.raises(LinkError, match="different salts"):
        link_waves(a, b.assign(member_key=["x1", "x2", "x3"]))
    with pytest.raises(LinkError, match="member_key"):
        link_waves(a, b.drop(columns="member_key"))


def test_a_first_wave_cleaned_without_a_key_gets_one():
    book = with_member_key(BOOK)
    assert book.variables["member_key"].action == "hash"
    assert book.variables["member_key"].source == BOOK.variables["member_id"].source
    assert book.variables["member_id"].action == "drop"
