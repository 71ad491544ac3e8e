"""Timestamps keep the platform's time zone: drafted from the export, cleaned to tz-aware times."""

import dataclasses

import pandas as pd
import pytest

from conftest import ROOT
from external_fixtures import read_fixture as _read
from survey_tools import Codebook, CodebookError, clean, read_clean, read_export

BOOK = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"
STAMPS = ["startdate", "enddate", "recordeddate"]


def test_a_qualtrics_export_that_states_its_zone_cleans_to_times_in_that_zone(tmp_path):
    export = _read("qualtrics/qualtRics_api_beskar_armor_full.csv")  # ImportId timeZone Denver
    book = Codebook.draft(export)
    book = dataclasses.replace(
        book, quality=dataclasses.replace(book.quality, keep_test_responses=True)
    )  # all 44 rows, tests and previews too
    assert {name: book.variables[name].timezone for name in STAMPS} == dict.fromkeys(
        STAMPS, "America/Denver"
    )
    cleaned = clean(export, book, exclude=())
    start = cleaned.data["startdate"]
    assert isinstance(start.dtype, pd.DatetimeTZDtype) and str(start.dt.tz) == "America/Denver"
    # The cells are Denver wall-clock times: 18:16:42 on 19 Feb 2020 (MST, UTC-7).
    assert export.data["StartDate"].iloc[0] == "2020-02-19 18:16:42"
    assert start.iloc[0] == pd.Timestamp("2020-02-20 01:16:42", tz="UTC")
    assert start.iloc[0].strftime("%Y-%m-%d %H:%M:%S %z") == "2020-02-19 18:16:42 -0700"
    assert cleaned.data[STAMPS].notna().all().all()  # every time kept
    assert "startdate" not in set(cleaned.made_missing()["variable"])
    # The zone survives the codebook file and the cleaned files.
    again = Codebook.from_yaml(book.to_yaml(tmp_path / "draft.yaml"))
    assert again.variables["startdate"].timezone == "America/Denver"
    files = cleaned.write(tmp_path / "clean")
    assert read_clean(files["data"]).data["startdate"].equals(start)


def test_timestamps_of_exports_that_state_no_zone_stay_naive():
    for rel, col in {
        "qualtrics/qualtRics_sample.csv": "startdate",  # ImportId without timeZone
        "qualtrics/QT_Notes_Survey.csv": "startdate",  # Insights layout
        "spss/pyreadstat_sample.sav": "dtime",  # DATETIME20
        "stata/pyreadstat_sample.dta": "dtime",  # %tc
    }.items():
        export = _read(rel)
        book = Codebook.draft(export)
        assert book.variables[col].type == "date" and book.variables[col].timezone is None, rel
        dtype = clean(export, book, exclude=()).data[col].dtype
        assert pd.api.types.is_datetime64_dtype(dtype), (rel, dtype)  # naive, not object


def test_a_zone_named_in_the_label_is_the_zone_the_export_states(demo_files):
    sav = Codebook.draft(read_export(demo_files["spss"]))  # "Start time (America/Los_Angeles)"
    qualtrics = Codebook.draft(read_export(demo_files["qualtrics"]))  # ImportId timeZone
    assert sav.variables["start_ts"].timezone == "America/Los_Angeles"
    assert qualtrics.variables["startdate"].timezone == "America/Los_Angeles"
    xpt = _read("sas/pyreadstat_dates_xpt_v8.xpt")  # "datetime (UTC) as character string"
    book = Codebook.draft(xpt)
    assert book.variables["string_dt"].timezone == "UTC"
    assert book.variables["dt"].timezone is None  # "a very long label for testing accuracy..."
    cleaned = clean(xpt, book).data["string_dt"]
    assert cleaned.iloc[0] == pd.Timestamp("1959-12-30 23:59:59", tz="UTC")


def test_the_codebook_zone_localises_naive_times_and_converts_times_with_offsets(tmp_path):
    path = tmp_path / "times.csv"
    path.write_text(
        "id,started\n"
        "1,2026-09-08 09:01:20\n"  # a Los Angeles wall-clock time (PDT)
        "2,2026-09-08T16:01:20Z\n"  # the same instant in UTC
        "3,2026-09-08 18:01:20+02:00\n"  # and with an offset
        "4,\n"
        "5,2026-11-01 01:30:00\n"  # happens twice in Los Angeles: read as daylight time
        "6,2026-03-08 02:30:00\n"  # never happens in Los Angeles: moved forward
        "7,2026-01-15 10:00:00\n",  # PST
        encoding="utf-8",
    )
    export = read_export(path)
    book = Codebook.from_dict(
        {
            "variables": {
                "id": {"type": "id"},
                "started": {"type": "date", "timezone": "America/Los_Angeles"},
            }
        }
    )
    cleaned = clean(export, book)
    got = cleaned.data["started"]
    assert str(got.dtype).endswith(", America/Los_Angeles]")
    la = "America/Los_Angeles"
    assert got.iloc[0] == got.iloc[1] == got.iloc[2] == pd.Timestamp("2026-09-08 09:01:20", tz=la)
    assert pd.isna(got.iloc[3])
    assert got.iloc[4] == pd.Timestamp("2026-11-01 08:30:00", tz="UTC")  # 01:30 PDT
    assert got.iloc[5] == pd.Timestamp("2026-03-08 03:00:00", tz=la)
    assert got.iloc[6] == pd.Timestamp("2026-01-15 18:00:00", tz="UTC")
    assert cleaned.made_missing().empty
    log = cleaned.log.set_index("rule")
    assert log.loc["daylight-saving change", "count"] == 2
    # Without a zone the same file stays as written: mixed offsets can only be UTC instants.
    plain = dataclasses.replace(book.variables["started"], timezone=None)
    naive = clean(export, dataclasses.replace(book, variables={**book.variables, "started": plain}))
    assert str(naive.data["started"].dt.tz) == "UTC"


def test_a_timezone_must_be_an_iana_zone_and_only_on_a_date_variable():
    with pytest.raises(CodebookError, match=r"when.timezone 'Pacific Time'.*America/Los_Angeles"):
        Codebook.from_dict({"variables": {"when": {"type": "date", "timezone": "Pacific Time"}}})
    with pytest.raises(CodebookError, match=r"age.timezone does not apply to a numeric"):
        Codebook.from_dict({"variables": {"age": {"type": "numeric", "timezone": "UTC"}}})
    book = Codebook.from_dict({"variables": {"when": {"type": "date", "timezone": "Z"}}})
    assert book.variables["when"].timezone == "UTC"


def test_the_demo_start_time_gains_its_zone_and_nothing_else_changes(demo_files):
    book = Codebook.from_yaml(BOOK)
    assert book.variables["start_ts"].timezone == "America/Los_Angeles"
    start = dataclasses.replace(book.variables["start_ts"], timezone=None)
    naive_book = dataclasses.replace(book, variables={**book.variables, "start_ts": start})
    export = read_export(demo_files["spss"])
    zoned = clean(export, book, roll=demo_files["roll"])
    naive = clean(export, naive_book, roll=demo_files["roll"])
    kept = zoned.summary["completes"] + zoned.summary["partials"]
    assert len(zoned.data) == len(naive.data) == kept > 0.15 * 20000
    assert str(zoned.data["start_ts"].dtype) == "datetime64[us, America/Los_Angeles]"
    assert zoned.data["start_ts"].equals(
        naive.data["start_ts"].dt.tz_localize("America/Los_Angeles")
    )
    pd.testing.assert_frame_equal(
        zoned.data.drop(columns="start_ts"), naive.data.drop(columns="start_ts")
    )
    pd.testing.assert_frame_equal(zoned.flags, naive.flags)
    assert zoned.summary == naive.summary
