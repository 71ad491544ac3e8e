"""Your own export in, nothing lost: every real third-party export, drafted and cleaned as is.

Each export under shared/fixtures/external is drafted with ``Codebook.draft`` and cleaned with
no hand edits; per variable, every raw value is either in the cleaned data or accounted for in
``CleanSurvey.made_missing()`` with a declared reason.
"""

from dataclasses import replace

import pandas as pd
import pytest

from external_fixtures import EXT, READABLE
from external_fixtures import read_fixture as _read
from survey_tools import Codebook, clean, read_export
from survey_tools.cli import main

STATUS_LESS = {"spss", "stata", "sas", "surveymonkey", "csv"}


def _present(values: pd.Series) -> pd.Series:
    """Cells that hold a value: not NaN/None and not blank text."""
    present = values.notna()
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        text = values.astype("string").str.strip()
        present &= text.ne("").fillna(False).astype(bool)
    return present.astype(bool)


def _accounting(export, book, cleaned) -> list[str]:
    """Variables whose cleaned values do not add up to the raw ones plus declared losses."""
    made = cleaned.made_missing().groupby("variable")["count"].sum()
    raw, data = export.data, cleaned.data
    wrong = []
    for var in book.variables.values():
        if var.type == "identifier":
            assert var.name not in data  # dropped, declared as such
            continue
        if var.type == "multi":
            pairs = [(src[0], name) for name, (src, _) in var.options.items()]
        else:
            pairs = [(var.source[0], var.name)]
        lost = 0
        for col, name in pairs:
            before, after = _present(raw[col]), data[name].notna().to_numpy()
            lost += int((before.to_numpy() & ~after).sum())
            gained = int((~before.to_numpy() & after).sum())
            if gained and var.type != "multi":  # multi: unticked boxes become False
                wrong.append(f"{name}: {gained} values appeared")
        if lost != made.get(var.name, 0):
            wrong.append(f"{var.name} ({var.type}): {lost} lost, {made.get(var.name, 0)} declared")
    return wrong


@pytest.mark.parametrize("rel", sorted(READABLE))
def test_every_value_of_every_export_is_kept_or_made_missing_with_a_reason(rel):
    export = _read(rel)
    book = Codebook.draft(export)
    # Nothing excluded, not even Qualtrics test responses (all rows of the QT_* samples).
    book = replace(book, quality=replace(book.quality, keep_test_responses=True))
    cleaned = clean(export, book, exclude=())
    assert len(cleaned.data) == len(export.data)
    assert not _accounting(export, book, cleaned)


@pytest.mark.parametrize("rel", sorted(READABLE))
def test_a_draft_runs_as_it_is_and_keeps_every_row_without_a_platform_status(rel):
    export = _read(rel)
    cleaned = clean(export, Codebook.draft(export))  # no salt, no roll, no options
    if export.meta.platform in STATUS_LESS:
        assert len(cleaned.data) == len(export.data)
        assert set(cleaned.flags["status"]) == {"unknown"}
    else:  # Qualtrics Finished/Progress, REDCap form status
        assert "unknown" not in set(cleaned.flags["status"]) or export.meta.platform == "redcap"
        reasons = cleaned.flags.loc[cleaned.flags["excluded"], "exclusion_reason"]
        assert set(reasons) <= {"breakoff", "declined", "duplicate", "preview_or_test"}
        assert len(cleaned.data) + len(reasons) == len(export.data)


def _sav(tmp_path, frame, **meta):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "made.sav"
    pyreadstat.write_sav(frame, str(path), **meta)
    return read_export(path)


def test_partly_labelled_numbers_stay_numbers_and_non_answer_labels_become_missing(tmp_path):
    stata = _read("stata/pandas_stata-dta-partially-labeled.dta")  # 1 "a", 2 "b", and a 3
    draft = Codebook.draft(stata)
    assert draft.variables["cats"].type == "numeric"
    assert draft.variables["cats"].codes == {1: "a", 2: "b"}  # documented, not a filter
    assert clean(stata, draft).data["cats"].tolist() == [1, 2, 1, 2, 3]
    # An age with 998/999 labelled and no user-missing declared (as in many national surveys).
    ages = pd.DataFrame({"age": [23.0, 41, 998, 67, 35, 999, 52, 29], "rating": [1.0, 2, 3, 9] * 2})
    labels = {
        "age": {998: "Don't know", 999: "Refused"},
        "rating": {1: "Poor", 2: "Good", 3: "Excellent", 9: "No basis for evaluation"},
    }
    export = _sav(tmp_path, ages, variable_value_labels=labels)
    book = Codebook.draft(export)
    assert book.variables["age"].type == "numeric"
    assert book.variables["age"].missing == {998: "Don't know", 999: "Refused"}
    assert book.variables["rating"].type == "single"
    assert book.variables["rating"].codes[9] == "No basis for evaluation"  # an answer
    cleaned = clean(export, book)
    assert cleaned.data["age"].dropna().tolist() == [23, 41, 67, 35, 52, 29]
    assert cleaned.data["rating"].notna().all()
    lost = cleaned.made_missing()
    assert (
        lost.to_dict("records")
        == [{"variable": "age", "reason": "missing code in the codebook", "count": 1}] * 2
    )


def test_dates_and_timestamps_clean_to_datetime64():
    for rel, cols in {
        "qualtrics/qualtRics_sample.csv": ["startdate", "enddate", "recordeddate"],
        "qualtrics/qualtRics_api_beskar_armor_full.csv": ["startdate", "enddate", "recordeddate"],
        "spss/haven_datetime.sav": ["date", "date_posix"],
        "spss/pyreadstat_sample.sav": ["mydate", "dtime"],
        "sas/pyreadstat_dates_xpt_v8.xpt": ["dt", "dates", "string_dates"],
        "stata/readstata13_datetime.dta": [],
        "redcap/longitudinal/data.csv": ["date_enrolled"],
    }.items():
        export = _read(rel)
        book = Codebook.draft(export)
        data = clean(export, book).data
        for col in cols:
            assert book.variables[col].type == "date", (rel, col)
            assert pd.api.types.is_datetime64_any_dtype(data[col]), (rel, col, data[col].dtype)
            zone = data[col].dt.tz  # the zone the export states (Qualtrics API: Denver), or none
            assert (str(zone) if zone else None) == book.variables[col].timezone, (rel, col)
        drafted = {v.source[0]: v.timezone for v in book.variables.values() if v.timezone}
        assert export.meta.time_zones.items() <= drafted.items(), rel
        assert not [
            v.name for v in book.variables.values() if v.type == "single" and "date" in v.name
        ]


def test_missing_codes_are_kept_as_the_file_declares_them():
    export = _read("spss/pyreadstat_sample_missing.sav")
    declared = export.meta.missing_values["mynum"]
    assert declared == [(2000.0, 3000.0), -1.0]
    assert all(
        type(x) in (int, float)
        for item in declared
        for x in (item if isinstance(item, tuple) else (item,))
    )
    book = Codebook.draft(export)
    assert book.variables["mynum"].missing == {
        "2000..3000": "Missing (declared range)",
        -1: "Missing (declared)",
    }
    # The range holds for codes the data did not show: 2,750 is missing in the next wave too.
    wave2 = type(export)(export.data.assign(mynum=[1.5, 2750, -1, 4, 5, 6, 7]), export.meta)
    cleaned = clean(wave2, book)
    assert cleaned.data["mynum"].isna().tolist() == [False, True, True, False, False, False, False]
    lost = cleaned.made_missing().query("variable == 'mynum'")
    assert lost["count"].sum() == 2


def test_minus_one_is_an_answer_unless_the_file_or_codebook_says_otherwise():
    for rel, col in [
        ("qualtrics/QT_No_Basis_for_Evaluation_Insights.csv", "q3_1"),
        ("qualtrics/QT_Notes_Survey.csv", "locationaccuracy"),
        ("stata/pandas_stata-compat-118.dta", "i8"),
    ]:
        export = _read(rel)
        book = Codebook.draft(export)
        assert book.not_asked == ()
        raw = pd.to_numeric(export.data[book.variables[col].source[0]], errors="coerce")
        assert (raw == -1).any()
        book = replace(book, quality=replace(book.quality, keep_test_responses=True))
        assert (clean(export, book).data[col] == -1).sum() == (raw == -1).sum()


def test_what_was_made_missing_shows_in_the_summary_and_on_the_command_line(tmp_path, capsys):
    rel = "spss/pyreadstat_sample_missing.sav"
    export = _read(rel)
    cleaned = clean(export, Codebook.draft(export))
    assert cleaned.summary["made_missing"] == {"mylabl": 1, "mynum": 2, "myord": 2}
    assert "3 variable(s) with values made missing" in repr(cleaned)
    book = Codebook.draft(export).to_yaml(tmp_path / "book.yaml")
    args = ["clean", str(EXT / rel), "--codebook", str(book), "--out", str(tmp_path)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "made_missing: mynum" in out and "completion status not in the export" in out


def test_an_unknown_code_is_kept_as_a_visible_level_and_logged():
    export = _read("spss/pyreadstat_sample.sav")
    book = Codebook.draft(export)
    spec = book.to_dict()
    var = next(n for n, v in book.variables.items() if v.type == "single")
    first = next(iter(spec["variables"][var]["codes"]))
    dropped = spec["variables"][var]["codes"].pop(first)
    cleaned = clean(export, Codebook.from_dict(spec))
    raw = export.data[book.variables[var].source[0]]
    assert cleaned.data[var].notna().sum() == raw.notna().sum()
    assert str(first) in cleaned.data[var].cat.categories and dropped not in set(cleaned.data[var])
    row = cleaned.log[(cleaned.log["variable"] == var) & (cleaned.log["rule"] == "unknown code")]
    assert "kept as a level" in row["detail"].iloc[0]
    assert row["count"].iloc[0] == (raw == first).sum()
    assert cleaned.summary["unknown_codes"] == {var: (raw == first).sum()}  # in the CLI summary


def test_label_only_scales_get_one_ordered_code_order_per_scale():
    export = _read("surveymonkey/538_StarWars.csv")
    book = Codebook.draft(export)
    fav = [v for v in book.variables.values() if "favorably" in " ".join(v.codes.values())]
    assert len(fav) == 14 and all(v.ordered for v in fav)
    assert {tuple(v.codes.items()) for v in fav} == {tuple(fav[0].codes.items())}  # one order
    assert fav[0].codes[1] == "Very unfavorably"
    assert list(fav[0].missing.values()) == ["Unfamiliar (N/A)"]  # a non-answer, out of bases
    assert list(book.variables["age"].codes.values()) == ["18-29", "30-44", "45-60", "> 60"]
    data = clean(export, book).data
    assert data["age"].cat.ordered and list(data["age"].cat.categories)[-1] == "> 60"
    assert data[fav[0].name].cat.ordered
    satisfaction = Codebook.draft(_read("qualtrics/qualtRics_api_beskar_armor_full.csv"))
    assert list(satisfaction.variables["q16"].codes.values())[:2] == [
        "Extremely dissatisfied",
        "Somewhat dissatisfied",
    ]


def test_redcap_comma_decimals_dates_and_not_completed_timestamps(tmp_path):
    dictionary = tmp_path / "dictionary.csv"
    pd.DataFrame(
        {
            "Variable / Field Name": ["record_id", "weight_kg", "visit_date"],
            "Form Name": ["intake"] * 3,
            "Field Type": ["text"] * 3,
            "Field Label": ["Record ID", "Weight (kg)", "Visit date"],
            "Text Validation Type OR Show Slider Number": ["", "number_comma_decimal", "date_ymd"],
        }
    ).to_csv(dictionary, index=False)
    data = tmp_path / "data.csv"
    data.write_text(
        "record_id,intake_timestamp,weight_kg,visit_date,intake_complete\n"
        '1,2024-03-01 10:15:00,"71,5",2024-03-01,2\n'
        '2,[not completed],"68,25",2024-03-04,0\n'
        "3,2024-03-05 09:00:00,,2024-03-05,2\n"
    )
    export = read_export(data, data_dictionary=dictionary)
    assert export.data["weight_kg"].tolist()[:2] == [71.5, 68.25]
    book = Codebook.draft(export)
    assert book.variables["weight_kg"].type == "numeric"
    assert book.variables["intake_timestamp"].type == "date"
    cleaned = clean(export, book)
    assert len(cleaned.data) == 3
    assert pd.api.types.is_datetime64_any_dtype(cleaned.data["intake_timestamp"])
    assert cleaned.data["intake_timestamp"].isna().tolist() == [False, True, False]
    assert cleaned.flags["status"].tolist() == ["complete", "partial", "complete"]
    lost = cleaned.made_missing()
    assert lost.to_dict("records") == [
        {"variable": "intake_timestamp", "reason": "REDCap [not completed]", "count": 1}
    ]


def test_other_text_is_linked_to_its_question_on_each_layout(demo_files):
    qualtrics = read_export(demo_files["qualtrics"]).meta.other_text
    assert qualtrics["Q4_97_TEXT"] == "Q4"  # single choice: parent has another base name
    assert qualtrics["Q22_13_TEXT"] == "Q22_13"  # check-all option
    monkey = read_export(demo_files["surveymonkey"]).meta
    assert monkey.layout == "surveymonkey-2row"
    assert monkey.other_text["What is your gender? - Other (please specify)"] == (
        "What is your gender?"
    )
    thanksgiving = _read("surveymonkey/538_thanksgiving-2015-poll-data.csv").meta.other_text
    assert (
        thanksgiving["How is the main dish typically cooked? - Other (please specify)"]
        == "How is the main dish typically cooked?"
    )


def test_the_version_and_the_codebook_keys_are_where_users_look(capsys):
    import survey_tools

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"survey-tools {survey_tools.__version__}"
    doc = survey_tools.Codebook.__doc__
    for key in (
        "not_asked",
        "missing",
        "ordered",
        "asked_if",
        "valid",
        "prefer not to say",
        "timezone",
    ):
        assert key in doc, key


@pytest.mark.parametrize("kind", ["spss", "qualtrics", "surveymonkey"])
def test_a_draft_of_each_demo_export_loses_nothing_either(kind, demo_files):
    export = read_export(demo_files[kind])
    book = Codebook.draft(export)
    cleaned = clean(export, book, exclude=())
    assert not _accounting(export, book, cleaned)
    for var in book.variables.values():
        if var.type == "single":  # a blank cell is no answer, never an empty level
            assert "" not in set(cleaned.data[var.name].cat.categories), var.name


def test_a_respondents_own_name_leaves_their_comment_too():
    # REDCap's demo project: record 4 gives First Name "Trudy" (an identifier, dropped) and
    # writes "So call up Trudy on the telephone" in the comment box.
    folder = EXT / "redcap" / "blank-for-gray-status"
    export = read_export(folder / "data.csv", data_dictionary=folder / "dictionary.csv")
    assert export.data["comments"].str.contains("Trudy").any()
    cleaned = clean(export, Codebook.draft(export))
    comments = cleaned.data["comments"].dropna()
    assert comments.str.contains(r"call up \[name\]").any()
    assert not comments.str.contains("Trudy").any() and "name_first" not in cleaned.data
    log = cleaned.log[cleaned.log["variable"] == "comments"]
    assert "own name replaced by [name]" in set(log["detail"])
    # REDCap's record_id is the record's id (a duplicate key), not a number to analyse.
    book = Codebook.draft(export)
    assert book.variables["record_id"].type == "id"
    assert book.quality.duplicate_key == "record_id"
