"""Drafted codebooks on real exports: test and preview responses, checks that could not run,
the disposition fallback, labels and names, ordinal measures, garbled headers."""

import dataclasses
import warnings

import pandas as pd
import pytest

from conftest import ROOT
from external_fixtures import read_fixture as _read
from survey_tools import Codebook, clean, read_export

BESKAR = "qualtrics/qualtRics_api_beskar_armor_full.csv"
STARWARS = "surveymonkey/538_StarWars.csv"


def _keep_tests(book: Codebook) -> Codebook:
    return dataclasses.replace(
        book, quality=dataclasses.replace(book.quality, keep_test_responses=True)
    )


# --- 1. Qualtrics test and preview responses ---------------------------------------------------


def test_qualtrics_test_and_preview_responses_are_excluded_with_a_reason_and_a_count():
    export = _read(BESKAR)
    book = Codebook.draft(export)
    cleaned = clean(export, book)
    kind = export.data["Status"].map({"Survey Test": "test", "Survey Preview": "preview"})
    assert kind.value_counts().to_dict() == {"test": 15, "preview": 2}
    reason = cleaned.flags["exclusion_reason"]
    assert ((reason == "preview_or_test").to_numpy() == kind.notna().to_numpy()).all()
    assert cleaned.summary["excluded"]["preview_or_test"] == 17
    assert not set(cleaned.data["status"].dropna()) & {"Survey Test", "Survey Preview"}
    assert len(cleaned.data) == 44 - 17 - (reason.notna() & (reason != "preview_or_test")).sum()
    row = cleaned.log[cleaned.log["rule"] == "preview_or_test"].iloc[0]
    assert (
        row["count"] == 17
        and "15 Survey Test" in row["detail"]
        and "2 Survey Preview" in row["detail"]
    )
    # Tests and previews are no cases: not completes, partials or break-offs.
    s = cleaned.summary
    assert s["completes"] + s["partials"] + s["breakoffs"] + s["declined"] == 44 - 17
    # The codebook can keep them, and then says so.
    kept = clean(export, _keep_tests(book))
    assert len(kept.data) == len(cleaned.data) + 17
    assert "preview_or_test" not in kept.summary["excluded"]
    assert "kept" in kept.log[kept.log["rule"] == "preview_or_test"]["detail"].iloc[0]
    spec = _keep_tests(book).to_dict()
    assert spec["quality"]["keep_test_responses"] is True
    assert "keep_test_responses" not in (book.to_dict().get("quality") or {})


def test_numeric_qualtrics_status_2_is_a_test_response():
    export = _read("qualtrics/QT_Notes_Survey.csv")  # every row a Qualtrics-generated test
    assert set(export.data["Status"].astype(str)) == {"2"}
    cleaned = clean(export, Codebook.draft(export))
    assert cleaned.summary["excluded"]["preview_or_test"] == len(export.data)
    assert len(cleaned.data) == 0 and cleaned.summary["kept"] == 0
    real = _read("qualtrics/qualtRics_sample.csv")  # Status 0: a real response
    assert clean(real, Codebook.draft(real)).summary["excluded"]["preview_or_test"] == 0


# --- 2. quality checks drafted, and checks that never ran said so --------------------------------


def test_a_draft_sets_the_id_duration_duplicate_key_and_grids_the_export_shows():
    book = Codebook.draft(_read(BESKAR))
    assert book.variables[book.id].source == ("ResponseId",)
    assert book.variables[book.id].type == "id"
    assert book.quality.duplicate_key == book.id
    assert book.variables[book.quality.duration].source == ("Duration (in seconds)",)
    assert book.variables[book.quality.start].source == ("StartDate",)
    assert book.quality.grids == {}  # no five items on one scale
    stars = Codebook.draft(_read(STARWARS))
    assert stars.variables[stars.id].source == ("RespondentID",)
    (grid,) = stars.quality.grids.values()
    assert len(grid) == 14 and {"han_solo", "yoda", "jar_jar_binks"} <= set(grid)
    assert stars.quality.duration is None
    # The draft still runs as it is: flagged, not excluded.
    cleaned = clean(_read(STARWARS), stars)
    assert cleaned.summary["flagged"]["straightliner"] == cleaned.flags["straightliner"].sum() > 0
    assert len(cleaned.data) == 1186


def test_checks_that_could_not_run_say_not_checked_instead_of_zero():
    export = _read(STARWARS)
    cleaned = clean(export, Codebook.draft(export))
    s = cleaned.summary
    assert "speeder" not in s["flagged"]
    assert s["not_checked"]["speeder"] == "no duration in the codebook"
    assert s["median_duration_sec"] == "not checked (no duration in the codebook)"
    assert "breakoff" not in s["excluded"]  # SurveyMonkey records no completion status
    table = cleaned.to_frame().set_index("item")["value"]
    assert table["flagged: speeder"] == "not checked (no duration in the codebook)"
    assert table["excluded: breakoff"].startswith("not checked (no completion status")
    log = cleaned.log.set_index("rule")
    assert log.loc["speeder", "detail"] == "not checked: no duration in the codebook"
    # A check that ran reports its count, even when it is 0.
    beskar = clean(_read(BESKAR), Codebook.draft(_read(BESKAR)))
    assert beskar.summary["flagged"]["speeder"] == beskar.flags["speeder"].sum()
    assert isinstance(beskar.summary["median_duration_sec"], float)


# --- 3. the demo codebook on the demo's Qualtrics export, with --invited -----------------------


def test_a_disposition_column_the_export_lacks_falls_back_to_the_cleaning_statuses(demo_files):
    book = Codebook.from_yaml(ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml")
    export = read_export(demo_files["qualtrics"])
    assert "disposition" not in export.data.columns
    cleaned = clean(export, book, roll=demo_files["roll"], invited=20000)
    s = cleaned.summary
    assert "no column 'disposition'" in s["response_rates_from"]
    assert s["rr1"] == pytest.approx(s["completes"] / 20000)
    row = cleaned.log[cleaned.log["rule"] == "no disposition column"].iloc[0]
    assert export.meta.source_path.name in row["detail"] and "statuses" in row["detail"]
    assert len(cleaned.data) == s["completes"] + s["partials"] > 0.15 * 20000


# --- 4. drafting details ------------------------------------------------------------------------


def test_drafted_labels_and_category_names_have_no_stray_whitespace():
    book = Codebook.draft(_read(BESKAR))
    q18 = next(v for v in book.variables.values() if v.source == ("Q18",))
    assert "No, the problem was not resolved" in q18.codes.values()
    texts = [v.label for v in book.variables.values()]
    texts += [str(lab) for v in book.variables.values() for lab in v.codes.values()]
    assert texts and all(t == t.strip() for t in texts)
    cleaned = clean(_read(BESKAR), book)  # the stripped labels still match the data
    assert cleaned.data[q18.name].notna().sum() == _read(BESKAR).data["Q18"].notna().sum() - sum(
        cleaned.flags["exclusion_reason"].notna() & _read(BESKAR).data["Q18"].notna()
    )


def test_a_multi_select_group_is_labelled_with_its_question_stem():
    book = Codebook.draft(_read("qualtrics/QT_Multiple_Answer_MC_Questions_Insights.csv"))
    group = next(v for v in book.variables.values() if v.type == "multi")
    assert group.label == "Click to write the question text"
    assert [lab for _, lab in group.options.values()][:2] == [
        "Click to write Statement 1",
        "Click to write Statement 2",
    ]
    stars = Codebook.draft(_read(STARWARS))
    films = next(v for v in stars.variables.values() if v.type == "multi")
    assert films.label.startswith("Which of the following Star Wars films have you seen?")


def test_long_names_are_cut_at_a_word_boundary():
    names = list(Codebook.draft(_read(STARWARS)).variables)
    assert not [n for n in names if n.rstrip("_0123456789").endswith("_sit")]
    assert any(n.startswith("star_wars_episode_iii_revenge_of_the") for n in names)
    assert all(len(n) <= 42 for n in names)


def test_an_spss_ordinal_variable_is_drafted_ordered():
    export = _read("spss/pyreadstat_ordered_category.sav")
    assert export.meta.measures == {"Col1": "ordinal"}
    var = Codebook.draft(export).variables["col1"]
    assert var.type == "single" and var.ordered


def test_a_garbled_header_is_warned_about_by_name():
    with pytest.warns(UserWarning, match=r"Expanded Universe\?"):
        export = read_export(_read(STARWARS).meta.source_path)
    (warning,) = [w for w in export.meta.warnings if "Expanded Universe" in w]
    assert "Œ" in warning and "cp1252" in warning
    cleaned = clean(export, Codebook.draft(export))
    rows = cleaned.log[cleaned.log["rule"] == "read warning"]
    assert rows["detail"].str.contains("Expanded Universe").any()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clean_sav = read_export(ROOT / "data" / "raw" / "demo" / "guild_ai_survey_2026.sav")
    assert clean_sav.meta.warnings == ()


def test_the_demo_is_not_touched_by_any_of_this(demo_files):
    book = Codebook.from_yaml(ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml")
    cleaned = clean(read_export(demo_files["spss"]), book, roll=demo_files["roll"])
    assert "not_checked" not in cleaned.summary and "response_rates_from" not in cleaned.summary
    assert not cleaned.log["rule"].isin(["preview_or_test", "read warning"]).any()
    assert isinstance(cleaned.summary["median_duration_sec"], float)
    assert set(cleaned.summary["excluded"]) == {"duplicate", "declined", "breakoff"}
    assert pd.api.types.is_float_dtype(cleaned.data["duration_sec"])
