"""read_export on real third-party exports (shared/fixtures/external) and on the demo exports."""

import hashlib
import shutil
import zipfile

import numpy as np
import pandas as pd
import pytest

from external_fixtures import EXT, MALFORMED, READABLE
from external_fixtures import read_fixture as _read
from survey_tools import ExportReadError, read_export


def test_every_external_fixture_is_covered():
    files = {
        p.relative_to(EXT).as_posix()
        for p in EXT.rglob("*")
        if p.is_file() and p.suffix not in (".md", ".qsf", "")
    }
    redcap_side = {f for f in files if f.startswith("redcap/") and not f.endswith("data.csv")}
    assert files - redcap_side == set(READABLE) | set(MALFORMED)


@pytest.mark.parametrize("rel", sorted(READABLE))
def test_readable_exports_read_with_their_platform_and_shape(rel):
    platform, layout, rows, cols = READABLE[rel]
    before = (EXT / rel).read_bytes()
    export = _read(rel)
    assert export.meta.platform == platform
    assert export.meta["platform"] == platform  # also readable as a mapping
    assert layout in export.meta.layout
    assert export.data.shape == (rows, cols)
    assert export.meta.sha256 == hashlib.sha256(before).hexdigest()
    assert (EXT / rel).read_bytes() == before  # the raw file is never modified
    assert not any(str(c).startswith("\ufeff") for c in export.data.columns)


@pytest.mark.parametrize("rel", sorted(MALFORMED))
def test_malformed_exports_raise_a_plain_error_naming_file_and_cause(rel):
    with pytest.raises(ExportReadError) as info:
        _read(rel)
    message = str(info.value)
    assert str(EXT / rel) in message and MALFORMED[rel] in message
    assert "Fix:" in message
    assert info.value.__cause__ is None or isinstance(info.value.__cause__, ExportReadError)


def test_latin1_stata_file_reads_when_the_encoding_is_given():
    export = _read("malformed/pandas_stata1_encoding_118.dta", encoding="latin1")
    assert "Düsseldorf" in set(export.data.iloc[:, 0])


def test_spss_user_missing_codes_and_ranges_are_kept_distinct_from_system_missing():
    export = _read("spss/pyreadstat_sample_missing.sav")
    assert export.meta.missing_values["mynum"] == [(2000.0, 3000.0), -1.0]
    assert export.meta.missing_values["myord"] == [-1.0, -2.0, -3.0]
    assert export.data["mynum"].tolist()[-2:] == [-1.0, 2500.0]  # raw codes kept
    assert export.data["mylabl"].isna().sum() == 1  # system missing stays NaN
    assert export.meta.value_labels["myord"][3.0] == "high"
    assert export.meta.variable_labels and export.meta.questions


def test_stata_and_sas_tagged_missing_keep_their_letters():
    stata = _read("stata/haven_tagged-na-double.dta")
    assert stata.meta.missing_values["x"] == ["a", "h", "z"]
    assert stata.data["x"].tolist()[-3:] == ["a", "h", "z"]
    assert stata.meta.value_labels["x"]["a"] == "apple"
    sas = _read("sas/pyreadstat_missing_test.sas7bdat")
    assert sas.meta.missing_values["var7"] == ["_"]


def test_spss_multiple_response_sets_become_multi_select_groups():
    export = _read("spss/pyreadstat_simple_alltypes.sav")
    assert export.meta.multi_select == {"mymrset": ["bool1", "bool2", "bool3"]}
    assert export.meta.missing_values["z"] == [(-999.0, 0.0), 999.0]


def test_out_of_range_dates_do_not_crash_the_read():
    export = _read("spss/haven_datetime.sav")
    assert pd.api.types.is_datetime64_any_dtype(export.data["date"])
    assert any("dates" in note.lower() for note in export.meta.notes)


def test_qualtrics_current_keeps_time_zone_labels_and_embedded_newlines():
    export = _read("qualtrics/qualtRics_api_beskar_armor_full.csv")
    assert export.meta.timezone == "America/Denver"
    # Each timestamp column with the zone its ImportId states; the answers state none.
    assert export.meta.time_zones == dict.fromkeys(
        ["StartDate", "EndDate", "RecordedDate"], "America/Denver"
    )
    assert export.data["StartDate"].iloc[0] == "2020-02-19 18:16:42"  # cells kept as written
    assert _read("qualtrics/qualtRics_sample.csv").meta.time_zones == {}  # none stated
    assert export.meta.questions["Q16"].startswith("Overall, how satisfied")
    assert export.data["Q18"].str.contains("\n").any()
    assert {"IPAddress", "LocationLatitude", "LocationLongitude"} <= set(export.meta.identifiers)


def test_qualtrics_legacy_takes_names_from_both_header_rows_and_drops_the_trailing_comma():
    export = _read("qualtrics/qualtRics_sample_legacy.csv")
    assert list(export.data.columns[:3]) == ["ResponseID", "ResponseSet", "Name"]
    assert export.data.columns[-1] == "LocationAccuracy"
    assert export.meta.encoding == "utf-8-sig"


def test_qualtrics_check_all_groups_other_text_and_seen_unanswered_code():
    insights = _read("qualtrics/QT_Multiple_Answer_MC_Questions_Insights.csv")
    assert insights.meta.multi_select["Q4"] == ["Q4_10", "Q4_11", "Q4_12"]
    text = _read("qualtrics/QT_Questions_with_Text_Entry_Components.csv")
    assert text.meta.other_text["MCMA_text_1_TEXT"] == "MCMA_text_1"
    assert text.meta.missing_values["MCMA_text_3"] == [-99]
    nba = _read("qualtrics/QT_No_Basis_for_Evaluation_Insights.csv")
    assert "Q2_-1" in nba.meta.multi_select["Q2"]


def test_surveymonkey_rebuilds_question_and_choice_from_two_header_rows():
    export = _read("surveymonkey/538_StarWars.csv")
    assert export.meta.encoding_fallback and export.meta.encoding == "cp1252"
    seen = "Which of the following Star Wars films have you seen? Please select all that apply."
    assert len(export.meta.multi_select[seen]) == 6
    assert f"{seen} - Star Wars: Episode IV A New Hope" in export.data.columns
    steak = _read("surveymonkey/538_steak-risk-survey.csv")
    assert not any("<br>" in c for c in steak.data.columns)
    flat = _read("surveymonkey/538_thanksgiving-2015-poll-data.csv")
    dish = "What is typically the main dish at your Thanksgiving dinner?"
    assert flat.meta.other_text[f"{dish} - Other (please specify)"] == dish


def test_redcap_labels_checkboxes_and_identifiers_come_from_the_dictionary():
    export = _read("redcap/blank-for-gray-status/data.csv")
    assert export.meta.multi_select["race"] == [f"race___{i}" for i in range(1, 7)]
    assert export.meta.value_labels["race___1"] == {0: "Unchecked", 1: "Checked"}
    assert export.meta.value_labels["health_complete"][2] == "Complete"
    assert {"name_first", "name_last", "telephone"} <= set(export.meta.identifiers)
    assert export.data["health_complete"].tolist() == [1, 0, 2, 2, 0, 0]
    checks = _read("redcap/checkboxes-1/data.csv")
    assert checks.meta.variable_labels["check_two___a"] == "check two - A"


def test_a_redcap_dictionary_read_as_data_says_what_it_is():
    with pytest.raises(ExportReadError, match="data dictionary, not a data export"):
        read_export(EXT / "redcap" / "checkboxes-1" / "dictionary.csv")


def test_misnamed_missing_empty_and_folder_inputs(tmp_path):
    sav_as_csv = tmp_path / "wave.csv"
    shutil.copy(EXT / "spss" / "pyreadstat_sample.sav", sav_as_csv)
    with pytest.raises(ExportReadError, match=r"named \.csv but it is an SPSS"):
        read_export(sav_as_csv)
    dta_as_sav = tmp_path / "wave.sav"
    shutil.copy(EXT / "stata" / "pyreadstat_sample.dta", dta_as_sav)
    with pytest.raises(ExportReadError, match=r"named \.sav but it is a Stata"):
        read_export(dta_as_sav)
    with pytest.raises(ExportReadError, match="no such file"):
        read_export(tmp_path / "nope.sav")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(ExportReadError, match="empty"):
        read_export(tmp_path / "empty.csv")
    with pytest.raises(ExportReadError, match="folder"):
        read_export(tmp_path)
    truncated = tmp_path / "cut.sav"
    truncated.write_bytes((EXT / "spss" / "pspp_personnel.sav").read_bytes()[:900])
    with pytest.raises(ExportReadError, match=r"Cannot read .*cut\.sav"):
        read_export(truncated)


def test_a_wrong_encoding_names_the_byte_offset(tmp_path):
    with pytest.raises(ExportReadError, match=r"byte 0x8c at offset \d+"):
        read_export(EXT / "surveymonkey" / "538_StarWars.csv", encoding="utf-8")


def test_demo_exports_hold_the_same_responses(demo_files):
    sav = read_export(demo_files["spss"])
    qualtrics = read_export(demo_files["qualtrics"])
    monkey = read_export(demo_files["surveymonkey"])
    assert (qualtrics.meta.platform, monkey.meta.platform) == ("qualtrics", "surveymonkey")
    assert len(sav.data) == len(qualtrics.data) == len(monkey.data)
    assert qualtrics.data["ResponseId"].tolist() == sav.data["resp_id"].tolist()
    assert qualtrics.meta.timezone == "America/Los_Angeles"
    assert (monkey.meta.encoding, monkey.meta.encoding_fallback) == ("cp1252", True)
    assert sav.meta.missing_values["ai_lost_work"] == [(97.0, 99.0), -1.0]
    assert (sav.data["rlhf_hours_wk"] == -1).any()  # raw codes kept, not turned into NaN
    platforms = monkey.meta.multi_select["Through which platforms or companies?"]
    assert "Through which platforms or companies? - Mercor" in platforms and len(platforms) == 13


def test_utf16_tab_separated_and_old_mac_line_endings_read_like_the_csv(tmp_path, demo_files):
    csv = read_export(demo_files["qualtrics"])
    table = pd.read_csv(demo_files["qualtrics"], header=None, dtype=str, keep_default_na=False)
    tsv = tmp_path / "wave.tsv"
    tsv.write_bytes(table.to_csv(sep="\t", header=False, index=False).encode("utf-16"))
    mac = tmp_path / "wave_mac.csv"
    mac.write_bytes(table.to_csv(header=False, index=False, lineterminator="\r").encode("utf-8"))
    for path in (tsv, mac):
        other = read_export(path)
        assert other.meta.layout == "qualtrics-current"
        pd.testing.assert_frame_equal(other.data, csv.data)
    assert read_export(tsv).meta.encoding == "utf-16"


def test_excel_and_zipped_exports_read_like_their_csv(tmp_path, demo_files):
    grid = pd.read_csv(
        demo_files["surveymonkey"], header=None, dtype=str, keep_default_na=False, encoding="cp1252"
    ).head(300)
    csv, xlsx = tmp_path / "wave.csv", tmp_path / "wave.xlsx"
    grid.to_csv(csv, header=False, index=False)
    grid.to_excel(xlsx, header=False, index=False)
    excel = read_export(xlsx)
    assert excel.meta.platform == "surveymonkey"
    pd.testing.assert_frame_equal(excel.data, read_export(csv).data)
    zipped = tmp_path / "wave.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.write(demo_files["qualtrics"], "Guild survey.csv")
    pd.testing.assert_frame_equal(
        read_export(zipped).data, read_export(demo_files["qualtrics"]).data
    )


def test_forcing_the_wrong_platform_is_refused():
    with pytest.raises(ExportReadError, match="does not look like a redcap export"):
        read_export(EXT / "qualtrics" / "qualtRics_sample.csv", platform="redcap")
    with pytest.raises(ExportReadError, match="not a qualtrics export"):
        read_export(EXT / "spss" / "pyreadstat_sample.sav", platform="qualtrics")
    generic = read_export(EXT / "qualtrics" / "qualtRics_sample.csv", platform="csv")
    assert generic.meta.platform == "csv" and len(generic.data) == 3


def test_numbers_are_inferred_but_leading_zero_ids_stay_text(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("id,score,zip,comment\n001,1.5,02139,hi\n002,,10001,\n", encoding="utf-8")
    data = read_export(path).data
    assert data["id"].tolist() == ["001", "002"] and data["zip"].tolist() == ["02139", "10001"]
    assert data["score"].dtype == np.float64 and np.isnan(data["score"].iloc[1])
    assert data["comment"].isna().iloc[1]


def test_ragged_rows_are_reported_plainly(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_bytes(b"a,b\n1,2\n3,4,5\n")
    with pytest.raises(ExportReadError, match="do not line up with the header"):
        read_export(path)


def test_google_forms_and_a_surveymonkey_export_without_respondent_ids(tmp_path):
    forms = tmp_path / "responses.csv"
    forms.write_text(
        "Timestamp,Which crafts? ,Rate the guild [Communication],Rate the guild [Support]\n"
        '8/28/2026 15:07:04,"Voice actor, Writer",Good,Poor\n'
        "8/28/2026 15:09:44,Writer,Poor,Poor\n",
        encoding="utf-8",
    )
    export = read_export(forms)
    assert export.meta.platform == "google_forms" and export.data.shape == (2, 4)
    monkey = tmp_path / "sleep.csv"
    monkey.write_bytes(
        b"StartDate,EndDate,How often do you sleep apart?,Why?,\r\n"
        b",,Response,Snores,Other (please specify)\r\n"
        b"7/10/14 18:37,7/10/14 18:38,Never,Snores,\r\n"
        b"7/10/14 18:40,7/10/14 18:41,Often,,night shifts\r\n"
    )
    export = read_export(monkey)
    assert export.meta.layout == "surveymonkey-2row" and export.data.shape == (2, 5)
    assert "Why? - Snores" in export.data.columns


def test_short_rows_are_blank_not_text(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n", encoding="utf-8")
    data = read_export(path).data
    assert data["c"].dtype.kind in "if" and data["c"].isna().iloc[1]


def test_a_zip_must_hold_one_text_export(tmp_path):
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("a.csv", "x\n1\n")
        zf.writestr("b.csv", "x\n2\n")
    with pytest.raises(ExportReadError, match="holds 2 files"):
        read_export(two)
    binary = tmp_path / "sav.zip"
    with zipfile.ZipFile(binary, "w") as zf:
        zf.write(EXT / "spss" / "pyreadstat_sample.sav", "sample.sav")
    with pytest.raises(ExportReadError, match="unzip it first"):
        read_export(binary)
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ExportReadError, match="corrupt"):
        read_export(tmp_path / "bad.zip")


def test_spss_measurement_levels_are_kept():
    assert _read("spss/pyreadstat_ordered_category.sav").meta.measures == {"Col1": "ordinal"}
    levels = _read("spss/pyreadstat_sample.sav").meta.measures
    assert levels and set(levels.values()) <= {"nominal", "ordinal", "scale"}
    assert _read("qualtrics/qualtRics_sample.csv").meta.measures == {}


def test_a_garbled_header_is_warned_about_and_kept_in_the_metadata():
    path = EXT / "surveymonkey/538_StarWars.csv"
    with pytest.warns(UserWarning, match=r"538_StarWars\.csv: the header of column .*garbled"):
        export = read_export(path)
    assert export.meta.encoding_fallback
    garbled = [w for w in export.meta.warnings if "garbled" in w]
    assert len(garbled) == 1 and "Expanded Universe?Œæ" in garbled[0]
    # FiveThirtyEight's copy lost the final line break platforms write: reported, not hidden.
    assert export.meta.possibly_truncated and len(export.meta.warnings) == 2
    steak = _read("surveymonkey/538_steak-risk-survey.csv")  # clean UTF-8 headers
    assert steak.meta.warnings == ()
