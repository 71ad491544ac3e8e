"""The analysis plan: read and checked as a whole, fitted to a codebook, quoted by name."""

import pandas as pd
import pytest
import yaml

from conftest import ROOT, SHARED
from survey_tools import Codebook, clean, read_export
from survey_tools.errors import PlanError
from survey_tools.report.plan import draft_plan, read_plan

BOOK = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"


@pytest.fixture(scope="module")
def book():
    return Codebook.from_yaml(BOOK)


def _plan(tmp_path, text: str):
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_standard_plan_fits_the_standard_codebook(book):
    plan = read_plan().check(book)
    assert plan.headline.variable == "ai_lost_work" and plan.group == "role_group"
    assert plan.options["rate_floor"].answers == ("Somewhat agree", "Strongly agree")
    assert plan.focus.measure.answers == (
        "Yes, in the past 3 months",
        "Yes, but not in the past 3 months",
    )
    assert not plan.dropped


def test_every_problem_is_reported_at_once_with_the_key(tmp_path):
    path = _plan(
        tmp_path,
        "extends: standard\nqualtiy: 1\nthresholds: {min_count: -5, min_base: 30}\n"
        "reminders: [2026-09-15, next tuesday]\n"
        "recommendation: 'Adopt it, as 77% agree with {rate_flor.all.pct}.'\n",
    )
    with pytest.raises(PlanError) as err:
        read_plan(path)
    text = str(err.value)
    assert "qualtiy: unknown key" in text
    assert "thresholds.min_count" in text
    assert "reminders[1]: 'next tuesday' is not a date" in text
    assert "{rate_flor.all.pct} is no computed value (did you mean {rate_floor.all.pct}?)" in text
    assert "types a percentage" in text and str(path) in text


def test_answers_are_checked_against_the_codebook(tmp_path, book):
    path = _plan(
        tmp_path,
        "extends: standard\nindicators:\n  lost_work: {variable: ai_lost_work, "
        "answers: ['Yes!'], headline: true, wording: lost work}\n",
    )
    with pytest.raises(PlanError, match=r"'Yes!' is not an answer of ai_lost_work \(its answers: "
                       r"1 Yes, 2 Suspect so"):  # fmt: skip
        read_plan(path).check(book)


def test_questions_the_survey_did_not_ask_drop_their_sections(book):
    variables = {k: v for k, v in book.variables.items() if k not in ("rlhf_nda", "rlhf_platforms")}
    from dataclasses import replace

    plan = read_plan().check(replace(book, variables=variables))
    assert "nda" not in plan.focus.conditions and plan.focus.platforms is None
    assert any("rlhf_nda" in d for d in plan.dropped)
    assert any("rlhf_platforms" in d for d in plan.dropped)


def test_a_recommendation_quoting_a_dropped_value_is_refused(tmp_path, book):
    from dataclasses import replace

    path = _plan(tmp_path, "extends: standard\nrecommendation: 'NDAs, {nda.pct}.'\n")
    variables = {k: v for k, v in book.variables.items() if k != "rlhf_nda"}
    with pytest.raises(PlanError, match=r"quotes \{nda.pct\}, which this survey cannot compute"):
        read_plan(path).check(replace(book, variables=variables))


def test_measures_become_boolean_columns(book):
    plan = read_plan().check(book)
    data = pd.DataFrame(
        {
            "ai_lost_work": pd.Categorical(["Yes", "No", None, "Suspect so but not sure"]),
            "rlhf_pay_usd_hr": [20.0, 80.0, None, 60.0],
        }
    )
    only = {"lost_work", "suspect_lost", "pay_below"}
    from dataclasses import replace

    plan = replace(
        plan,
        indicators={k: m for k, m in plan.indicators.items() if k in only},
        focus=replace(
            plan.focus, timing={}, conditions={"pay_below": plan.focus.conditions["pay_below"]}
        ),
        options={},
    )
    plan = replace(plan, focus=None) if False else plan
    out = plan.add_measures(data.assign(rlhf_status=pd.Categorical(["Never"] * 4)))
    assert out["lost_work"].tolist() == [True, False, pd.NA, False]
    assert out["pay_below"].tolist() == [True, False, pd.NA, False]


def test_fill_quotes_values_by_name_and_refuses_unknown_names():
    plan = read_plan()
    assert plan.fill("{a.pct} of {{members}}", {"a.pct": "12.0%"}) == "12.0% of {members}"
    with pytest.raises(PlanError, match=r"quotes \{b\}"):
        plan.fill("{b}", {"a": "1"})


def test_thresholds_below_the_standard_are_flagged_and_impossible_ones_refused():
    plan = read_plan()
    assert plan.override(min_count=5).below_standard
    assert not plan.override(min_count=12).below_standard
    with pytest.raises(PlanError, match="at least 1"):
        plan.override(min_count=0)
    with pytest.raises(PlanError, match="no benchmark hourly"):
        plan.override(benchmarks={"hourly": 50})


def test_a_drafted_plan_reads_and_fits_its_codebook(tmp_path, book):
    path = _plan(tmp_path, draft_plan(book))
    plan = read_plan(path).check(book)
    assert plan.indicators and plan.options
    assert all(m.positive for m in plan.options.values())


def test_a_plan_drafted_for_a_platform_export_counts_the_questions_not_the_platform(tmp_path):
    # Qualtrics' own columns (Status, Finished, DistributionChannel, UserLanguage) are no
    # survey questions; a yes/no question counts "Yes"; a grid's items are worded by item.
    external = SHARED / "fixtures" / "external"
    export = external / "qualtrics" / "qualtRics_api_beskar_armor_full.csv"
    body = yaml.safe_load(draft_plan(Codebook.draft(read_export(export))))
    counted = {m["variable"]: m["answers"] for m in body["indicators"].values()}
    assert not set(counted) & {"status", "finished", "distributionchannel", "userlanguage"}
    assert "userlanguage" not in body["groups"]
    assert counted["q17"] == ["Yes"]
    wars = Codebook.from_yaml(ROOT / "data" / "codebooks" / "examples" / "538_starwars.yaml")
    text = draft_plan(wars)
    body = yaml.safe_load(text)
    assert body["options"]["han_solo_support"]["wording"] == "Han Solo"
    counted = {m["variable"]: m["answers"] for m in body["indicators"].values()}
    assert counted["have_you_seen_any_of_the_6_films_in_the"] == ["Yes"]
    assert read_plan(_plan(tmp_path, text)).check(wars).options
    # REDCap: no form status as an indicator, sex as the group, a checkbox counts "True".
    redcap = external / "redcap" / "blank-for-gray-status"
    export = read_export(redcap / "data.csv", data_dictionary=redcap / "dictionary.csv")
    body = yaml.safe_load(draft_plan(Codebook.draft(export)))
    counted = {m["variable"]: m["answers"] for m in body["indicators"].values()}
    assert "sex" in body["groups"] and not any(v.endswith("_complete") for v in counted)
    assert counted["interpreter_needed"] == ["True"]


def test_each_checklist_option_is_drafted_as_the_share_who_chose_it(tmp_path):
    # A REDCap export of checkboxes only: every option becomes an indicator counting True
    # (chosen) among those asked, worded by option and question.
    redcap = SHARED / "fixtures" / "external" / "redcap" / "checkboxes-1"
    export = read_export(redcap / "data.csv", data_dictionary=redcap / "dictionary.csv")
    book = Codebook.draft(export)
    text = draft_plan(book)
    indicators = yaml.safe_load(text)["indicators"]
    assert indicators["check_two_b_share"] == {
        "variable": "check_two_b",
        "answers": [True],
        "wording": "chose \u201cB\u201d at \u201ccheck two\u201d",
    }
    assert len(indicators) == 9 and indicators["check_one_1_share"]["headline"]
    text = text.replace("EDIT_ME: group", "form_1_complete: form status")  # the analyst's edit
    plan = read_plan(_plan(tmp_path, text)).check(book)
    data = clean(export, book).data
    counted = plan.add_measures(data)
    for option in ("check_one_1", "check_two_b"):
        assert counted[f"{option}_share"].tolist() == data[option].tolist()
