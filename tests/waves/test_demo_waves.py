"""The demo's second wave: churn, returning members, the planted change and the export's edits,
all read back through the toolkit and checked against truth.json."""

import json

import numpy as np
import pandas as pd
import pytest

from conftest import DEMO, ROOT
from survey_tools import (
    Codebook,
    ComparabilityError,
    SurveyDesign,
    clean,
    compare_waves,
    read_export,
    read_margins,
)
from survey_tools.cleaning.redact import hash_values
from survey_tools.synth import DEMO_FILES, WAVE_FILES
from survey_tools.waves import Crosswalk, link_waves, with_member_key

BOOKS = ROOT / "data" / "codebooks"
SALT = "synthetic-demo-salt-for-tests-0123456789"
TRUTH = json.loads((DEMO / "truth.json").read_text())["waves"]


@pytest.fixture(scope="module")
def waves():
    b26 = with_member_key(Codebook.from_yaml(BOOKS / "guild_ai_survey_2026.yaml"))
    b27 = Codebook.from_yaml(BOOKS / "guild_ai_survey_2027.yaml")
    c26 = clean(read_export(DEMO / DEMO_FILES["spss"]), b26, roll=DEMO / "roll.csv", salt=SALT)
    c27 = clean(
        read_export(DEMO / WAVE_FILES["spss_2027"]),
        b27,
        roll=DEMO / WAVE_FILES["roll_2027"],
        salt=SALT,
    )
    return c26, c27


def test_the_first_wave_keeps_its_names_and_the_second_is_new():
    assert {"guild_ai_survey_2026.sav", "roll.csv", "roll_margins.csv"} <= set(DEMO_FILES.values())
    for name in WAVE_FILES.values():
        assert (DEMO / name).exists(), name
    assert TRUTH["waves"] == ["2026", "2027"]


def test_members_link_on_the_salted_key_as_truth_says(waves):
    c26, c27 = waves
    roll_a, roll_b = pd.read_csv(DEMO / "roll.csv"), pd.read_csv(DEMO / WAVE_FILES["roll_2027"])
    links = link_waves(c26, c27, waves=("2026", "2027"), roll_a=roll_a, roll_b=roll_b)
    truth_keys = set(hash_values(pd.Series(TRUTH["linked_member_ids"]), SALT.encode()))
    assert links.keys <= truth_keys  # cleaning drops some (duplicates, break-offs), adds none
    assert links.linked >= 0.8 * len(truth_keys)
    assert 0.3 <= links.share_linked <= 0.5  # about 40% of the first wave answer again
    assert (links.joined, links.lapsed) == (TRUTH["roll"]["joined"], TRUTH["roll"]["lapsed"])


def _designs(waves):
    out = {}
    for wave, c, margins in zip(
        ("2026", "2027"), waves, (DEMO / "roll_margins.csv", DEMO / WAVE_FILES["margins_2027"])
    ):
        m = read_margins(margins)
        data = c.data.dropna(subset=list(m)).reset_index(drop=True)
        out[wave] = SurveyDesign(data).rake(m)
    return out


def test_the_planted_change_by_role_is_found(waves):
    designs = _designs(waves)
    cw = Crosswalk.from_yaml(BOOKS / "guild_ai_survey_2026_2027.crosswalk.yaml")
    got = compare_waves(designs, "ai_lost_work", level="Yes", by="role_group", crosswalk=cw)
    truth = TRUTH["change"]["ai_lost_work_yes"]["by_role_group"]
    covered = [row.ci_low <= truth[row.role_group] <= row.ci_high for row in got.itertuples()]
    assert sum(covered) >= len(covered) - 2  # 95% intervals: nearly all cover the truth
    assert (got["se"] < got["se_independent"]).mean() > 0.7  # linked members sharpen the change
    assert (got["n_linked"] > 0).all() and "q_value" in got
    overall = compare_waves(designs, "rlhf_status", by=None, crosswalk=cw)
    paid = overall[overall["level"].astype(str).str.startswith("Yes")]
    assert len(paid) == 2
    whole = compare_waves(designs, "ai_lost_work", level="Yes").iloc[0]
    true = TRUTH["change"]["ai_lost_work_yes"]["overall"]
    assert whole["ci_low"] <= true <= whole["ci_high"]
    assert whole["ci_low"] > 0  # the rise is real and found


def test_the_changed_scale_is_a_break(waves):
    designs = _designs(waves)
    cw = Crosswalk.from_yaml(BOOKS / "guild_ai_survey_2026_2027.crosswalk.yaml")
    with pytest.raises(ComparabilityError, match="att_comfort_rlhf"):
        compare_waves(designs, "att_comfort_rlhf", crosswalk=cw)


def test_the_diff_of_drafted_codebooks_finds_the_rename_and_the_scale():
    a = Codebook.draft(read_export(DEMO / DEMO_FILES["spss"]))
    b = Codebook.draft(read_export(DEMO / WAVE_FILES["spss_2027"]))
    rows = a.diff(b, wave_a="2026", wave_b="2027").to_frame().set_index("variable")
    renamed = TRUTH["planted"]["renamed"]
    for old, new in renamed.items():
        assert rows.loc[old, "source_b"] == new
        assert rows.loc[old, "matched_by"].startswith("question text")
    scale = TRUTH["planted"]["scale_changed"]["variable"]
    assert rows.loc[scale, "comparability"] == "break"
    assert np.sum(rows["comparability"] == "break") == 1
