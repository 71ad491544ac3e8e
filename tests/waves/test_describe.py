"""The memo's sentences about change, and its "Since last year" on the demo's two waves."""

import subprocess
import sys

import pytest

from conftest import DEMO, ROOT
from survey_tools.synth import DEMO_FILES, WAVE_FILES
from survey_tools.waves import describe_change

BOOKS = ROOT / "data" / "codebooks"


@pytest.mark.parametrize(
    ("row", "text"),
    [
        (
            {
                "estimate_a": 0.18,
                "estimate_b": 0.241,
                "difference": 0.061,
                "ci_low": 0.02,
                "ci_high": 0.102,
            },
            "rose from 18.0% to 24.1%, +6.1 points, 95% CI +2.0 to +10.2",
        ),
        (
            {
                "estimate_a": 0.30,
                "estimate_b": 0.25,
                "difference": -0.05,
                "ci_low": -0.09,
                "ci_high": -0.01,
            },
            "fell from 30.0% to 25.0%, \u22125.0 points, 95% CI \u22129.0 to \u22121.0",
        ),
        (
            {
                "estimate_a": 0.18,
                "estimate_b": 0.19,
                "difference": 0.01,
                "ci_low": -0.02,
                "ci_high": 0.04,
            },
            "no clear change (18.0% to 19.0%, +1.0 points, 95% CI \u22122.0 to +4.0)",
        ),
    ],
)
def test_sentences_say_rose_fell_or_no_clear_change(row, text):
    assert describe_change(row) == text


def test_means_are_described_in_their_unit():
    row = {"estimate_a": 52.0, "estimate_b": 55.5, "difference": 3.5, "ci_low": 1.0, "ci_high": 6.0}
    assert describe_change(row, percent=False, unit="USD") == (
        "rose from 52.0 to 55.5, +3.5 USD, 95% CI +1.0 to +6.0"
    )


def test_since_last_year_on_the_demo_goes_through_disclosure_control(monkeypatch):
    monkeypatch.setenv("SURVEY_TOOLS_SALT", "synthetic-demo-salt-for-tests-0123456789")
    from survey_tools.report.run import prepare_survey
    from survey_tools.report.since import previous_run, since_last_year

    run = prepare_survey(
        DEMO / WAVE_FILES["spss_2027"],
        BOOKS / "guild_ai_survey_2027.yaml",
        plan=BOOKS / "guild_ai_survey_2027.plan.yaml",
        roll=DEMO / WAVE_FILES["roll_2027"],
        margins=DEMO / WAVE_FILES["margins_2027"],
    )
    before = previous_run(
        run,
        DEMO / DEMO_FILES["spss"],
        BOOKS / "guild_ai_survey_2026.yaml",
        roll=DEMO / "roll.csv",
        margins=DEMO / "roll_margins.csv",
    )
    since = since_last_year(
        run, before, crosswalk=BOOKS / "guild_ai_survey_2026_2027.crosswalk.yaml"
    )
    assert since.waves == ("2026", "2027")
    assert 0.3 < since.share_linked < 0.5
    head = since.changes[0]
    assert head.id == run.plan.headline.id
    assert head.sentence == describe_change(head.overall)
    assert head.sentence.startswith("rose from")  # the planted rise, found
    table = head.table.set_index(run.plan.group)
    for g in head.withheld:
        assert (table.loc[g, ["2026", "2027", "Change (points)", "95% CI"]] == "\u2014").all()
    # A group either wave's own tables withhold (complementary cells too) stays withheld here.
    from survey_tools.report.tables import screened

    for design in (before.design, run.design):
        rows = screened(design, head.id, True, by=run.plan.group)
        assert set(rows.loc[rows["hidden"], run.plan.group].astype(str)) <= set(head.withheld)
    shown = table[table["2026"] != "\u2014"]
    assert (
        (shown[["n 2026", "n 2027"]].apply(lambda c: c.str.replace(",", "").astype(int)) >= 30)
        .all()
        .all()
    )
    assert all(": rose from" in c or ": fell from" in c for c in head.clear)


def test_the_memo_command_takes_a_previous_wave():
    done = subprocess.run(
        [sys.executable, "-m", "survey_tools.cli", "memo", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert "--previous" in done.stdout and "--crosswalk" in done.stdout
