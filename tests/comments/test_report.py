"""What members wrote, as the report prints it: theme tables and only approved quotes."""

from dataclasses import replace

import pytest

from conftest import ROOT
from survey_tools.report.comment_tables import gather_comments, theme_group_table, theme_table
from survey_tools.report.plan import ApprovedQuote, read_plan
from survey_tools.report.run import prepare_survey

DEMO = ROOT / "data" / "raw" / "demo"
PLAN = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.plan.yaml"


@pytest.fixture(scope="module")
def run():
    return prepare_survey(
        DEMO / "guild_ai_survey_2026.sav",
        ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml",
        plan=PLAN,
        roll=DEMO / "roll.csv",
        margins=DEMO / "roll_margins.csv",
        dispositions=DEMO / "dispositions.csv",
    )


def test_only_quotes_approved_in_the_plan_are_printed(run):
    found = gather_comments(run)
    approved = {q.quote for q in run.plan.comments.quotes}
    assert 2 <= len(found.quotes) <= 3
    assert set(found.quotes["quote"]) <= approved
    assert set(found.proposed["quote"]) - approved  # pick_quotes proposed more than that
    unapproved = replace(run, plan=replace(run.plan, comments=replace(run.plan.comments,
                                                                      quotes=())))  # fmt: skip
    assert gather_comments(unapproved).quotes.empty
    # An approved text no comment holds any more (the data changed) is not printed either.
    gone = ApprovedQuote("rates", "The rates went up every month, honestly.", "A. Analyst")
    stale = replace(run, plan=replace(run.plan, comments=replace(run.plan.comments,
                                                                 quotes=(gone,))))  # fmt: skip
    assert gather_comments(stale).quotes.empty


def test_theme_tables_show_shares_with_intervals_and_withhold_small_cells(run, truth):
    found = gather_comments(run)
    table = theme_table(found)
    assert list(table.columns) == [
        "Among commenters", "Among all members", "Commenters raising it (n)"
    ]  # fmt: skip
    assert len(table) == len(found.themes.ids)
    replacement = found.share("replacement", "commenters")
    true = truth["comments"]["among_commenters"]["replacement"]["overall"]
    assert replacement["ci_low"] <= true <= replacement["ci_high"]
    by_group = theme_group_table(found)
    assert by_group.index[-1] == "Base (n)"
    assert (by_group == "—").any().any()  # rare themes in small groups are withheld


def test_a_plan_quoting_a_digit_or_an_unknown_theme_is_refused(tmp_path):
    from survey_tools import PlanError

    path = tmp_path / "plan.yaml"
    path.write_text(
        "extends: standard\ncomments:\n  variable: open_comment\n  approved_quotes:\n"
        "    - {theme: rates, quote: 'We got 12 dollars an hour', approved_by: AB}\n"
        "    - {theme: pay, quote: 'Pay is low', approved_by: AB}\n"
        "    - {theme: rates, quote: 'Rates fell'}\n",
        encoding="utf-8",
    )
    with pytest.raises(PlanError) as err:
        read_plan(path)
    message = str(err.value)
    assert "comments.approved_quotes[0].quote: holds a digit" in message
    assert "comments.approved_quotes[1].theme: 'pay' is no theme" in message
    assert "comments.approved_quotes[2].approved_by: missing" in message
