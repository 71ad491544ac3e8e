"""clean(): canonical data, planted quality problems caught, personal data gone, files atomic."""

import pandas as pd
import pytest

from conftest import ROOT
from external_fixtures import read_fixture as _read
from survey_tools import (
    Codebook,
    CodebookError,
    PrivacyError,
    clean,
    read_clean,
    read_export,
)
from survey_tools.cleaning.aapor import response_rates


@pytest.fixture(scope="module")
def book():
    return Codebook.from_yaml(ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml")


@pytest.fixture(scope="module")
def sav(demo_files, book):
    rates = response_rates(pd.read_csv(demo_files["dispositions"]))
    export = read_export(demo_files["spss"])
    return clean(export, book, roll=demo_files["roll"], invited=rates["invited"])


def _ids(cleaned, flag) -> set:
    return set(cleaned.flags.loc[cleaned.flags[flag], "id"])


def test_sav_and_qualtrics_exports_clean_to_the_same_canonical_data(demo_files, book, sav):
    qualtrics = clean(read_export(demo_files["qualtrics"]), book, roll=demo_files["roll"])
    pd.testing.assert_frame_equal(sav.data, qualtrics.data)
    pd.testing.assert_frame_equal(
        sav.flags.drop(columns="answered_share"), qualtrics.flags.drop(columns="answered_share")
    )


def test_canonical_types_labels_and_routing(sav):
    data = sav.data
    assert list(data["ai_lost_work"].cat.categories) == [
        "Yes",
        "Suspect so but not sure",
        "No",
        "Don't know",
    ]
    assert data["att_guild_policy"].cat.ordered and str(data["years_exp"].dtype) == "Float64"
    assert str(data["plat_mercor"].dtype) == "boolean"
    # Not asked (routing) is missing, never a zero; asked and not ticked is False.
    paid = data["rlhf_status"].isin(
        ["Yes, in the past 3 months", "Yes, but not in the past 3 months"]
    )
    assert data.loc[~paid, "plat_mercor"].isna().all()
    assert data.loc[paid, "plat_mercor"].notna().mean() > 0.95
    assert data["years_exp"].max() <= 70 and data["rlhf_hours_wk"].max() <= 80
    assert set(data["role_group"].cat.categories) >= {"Voice & audio performers"}
    assert data["role_group"].notna().all()  # linked from the roll, partials included
    assert {"member_id", "email", "ip_address"}.isdisjoint(data.columns)


def test_aapor_status_matches_the_fieldwork_dispositions(demo_files, sav, truth):
    export = read_export(demo_files["spss"])
    disposition = export.data["disposition"].round(2).astype(str).to_numpy()
    status = sav.flags["status"].to_numpy()
    assert ((disposition == "1.1") == (status == "complete")).all()
    assert ((disposition == "2.11") == (status == "declined")).all()
    # A break-off's routing is unknown past the page it stopped on; the rest agree.
    assert ((disposition == "1.2") <= (status == "partial")).all()
    summary = sav.summary
    assert summary["rr1"] == truth["fieldwork"]["rr1"]
    # One set of response rates: the platform's final dispositions, as the fieldwork step has
    # them (12 break-offs that the codebook's rule keeps as partials stay break-offs in RR2).
    fieldwork = response_rates(pd.read_csv(demo_files["dispositions"]))
    assert (summary["rr1"], summary["rr2"]) == (fieldwork["rr1"], fieldwork["rr2"])
    assert summary["rr2"] == truth["fieldwork"]["rr2"]
    assert summary["kept"] == summary["completes"] + summary["partials"] == len(sav.data)
    assert summary["received"] == len(export.data)


def test_planted_quality_problems_are_flagged(sav, truth):
    planted = truth["planted"]
    assert _ids(sav, "duplicate") == set(planted["duplicates"])
    assert set(planted["speeders"]) <= _ids(sav, "speeder")
    straight = _ids(sav, "straightliner")
    assert (
        set(planted["straightliners"]) <= straight
        and len(straight) - len(planted["straightliners"]) <= 3
    )
    assert _ids(sav, "failed_attention") == set(planted["failed_attention_check"])
    assert _ids(sav, "out_of_range") == set().union(*planted["out_of_range"].values())
    assert _ids(sav, "inconsistent") == set(planted["inconsistent_cancellations"])
    kept = set(sav.data["resp_id"])
    assert not kept & set(planted["duplicates"]) and set(planted["duplicate_of"]) <= kept


def test_every_rule_is_logged_with_a_reason_and_a_count(sav, truth):
    log = sav.log.set_index(["step", "rule"])
    assert log.loc[("exclude", "duplicate"), "count"] == len(truth["planted"]["duplicates"])
    assert log.loc[("flag", "speeder"), "count"] == len(_ids(sav, "speeder"))
    pay = sav.log[sav.log["variable"] == "rlhf_pay_usd_hr"].set_index("rule")["count"]
    formats = truth["planted"]["pay_text_formats"]
    repeats = len(truth["planted"]["duplicates"])  # duplicate submissions repeat their text
    for status in ("unparseable", "range", "total"):
        assert formats[status] <= pay[f"pay: {status}"] <= formats[status] + repeats
    explained = sav.log[sav.log["step"] != "result"]
    assert (explained["detail"].str.len() > 0).all() and (sav.log["count"] >= 0).all()


def test_pay_text_becomes_dollars_per_hour_with_a_status(sav):
    data = sav.data
    parsed = data["rlhf_pay_usd_hr_status"].isin(["exact", "range", "total", "approximate"])
    assert data.loc[parsed, "rlhf_pay_usd_hr"].between(5, 500).all()
    assert data.loc[data["rlhf_pay_usd_hr_status"] == "unparseable", "rlhf_pay_usd_hr"].isna().all()
    assert 30 < data["rlhf_pay_usd_hr"].median() < 80


def test_no_planted_personal_data_reaches_data_clean(sav, truth, tmp_path):
    files = sav.write(tmp_path)
    written = b"".join(p.read_bytes() for p in files.values())
    text = written.decode("utf-8", errors="replace") + sav.data.to_csv()
    planted = truth["planted"]["personal_data"]
    assert {p["kind"] for p in planted} == {"email", "phone", "member_id", "name", "url", "ip"}
    leaked = [p for p in planted if p["value"] in text]
    assert not leaked, leaked[:3]
    comments = sav.data["open_comment"].dropna()
    assert (
        comments.str.contains(r"\[(?:email|phone|member_id|name|url|ip)\]").sum()
        >= len(planted) - 20
    )


def test_write_is_atomic_and_read_clean_gives_it_back(sav, demo_files, book, tmp_path, monkeypatch):
    files = sav.write(tmp_path)
    back = read_clean(files["data"])
    pd.testing.assert_frame_equal(back.data, sav.data)
    pd.testing.assert_frame_equal(back.log, sav.log)
    assert back.summary == sav.summary and back.codebook == sav.codebook
    pd.testing.assert_frame_equal(back.flags, sav.flags, check_dtype=False)
    again = clean(read_export(demo_files["spss"]), book, roll=demo_files["roll"], invited=20000)
    other = again.write(tmp_path / "again")
    for key, path in files.items():
        assert path.read_bytes() == other[key].read_bytes(), key  # same input, same files
    before = {p: p.read_bytes() for p in files.values()}

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError):
        sav.write(tmp_path)
    assert {p: p.read_bytes() for p in files.values()} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == sorted(
        p.name for p in files.values()
    )


def test_a_codebook_that_does_not_fit_says_which_variable(demo_files, book):
    export = read_export(demo_files["spss"])
    spec = book.to_dict()
    spec["variables"]["ai_lost_work"]["source"] = ["Q99", "ai_lost"]
    with pytest.raises(CodebookError, match=r"ai_lost_work \(tried Q99, ai_lost\).*Fix:"):
        clean(export, Codebook.from_dict(spec), roll=demo_files["roll"])
    spec = book.to_dict()
    spec["variables"]["email"] = {"type": "text", "source": "email"}
    with pytest.raises(CodebookError, match=r"'email' .* holds personal data"):
        clean(export, Codebook.from_dict(spec), roll=demo_files["roll"])
    with pytest.raises(CodebookError, match="no roll was given"):
        clean(export, book)
    spec = book.to_dict()
    spec["quality"]["disposition"] = "aapor_code"  # not in the export: rates from the statuses
    cleaned = clean(export, Codebook.from_dict(spec), roll=demo_files["roll"], invited=20000)
    assert "no column 'aapor_code'" in cleaned.summary["response_rates_from"]
    assert "quality: disposition" in cleaned.summary["response_rates_from"]
    assert cleaned.summary["rr1"] == cleaned.summary["completes"] / 20000


def test_hashing_identifiers_needs_a_salt(demo_files, book, monkeypatch):
    monkeypatch.delenv("SURVEY_TOOLS_SALT", raising=False)
    monkeypatch.delenv("SURVEY_TOOLS_SALT_FILE", raising=False)
    spec = book.to_dict()
    spec["variables"]["member_id"]["action"] = "hash"
    hashed = Codebook.from_dict(spec)
    export = read_export(demo_files["spss"])
    with pytest.raises(PrivacyError, match="no salt"):
        clean(export, hashed, roll=demo_files["roll"])
    with pytest.raises(PrivacyError, match=r"6 characters long.*at least 16 random bytes"):
        clean(export, hashed, roll=demo_files["roll"], salt="pepper")
    salt = "3c9e1a7f5b2d4086e1f3a5c7b9d0e2f4"
    out = clean(export, hashed, roll=demo_files["roll"], salt=salt).data["member_id"]
    assert out.str.fullmatch(r"[0-9a-f]{16}").all()
    assert not out.isin(export.data["member_id"]).any()


def test_user_missing_and_tagged_missing_become_missing_with_their_reason():
    export = _read("spss/pyreadstat_sample_missing.sav")
    cleaned = clean(export, Codebook.draft(export), exclude=())
    assert cleaned.data["mynum"].isna().tolist()[-2:] == [True, True]
    assert cleaned.data["myord"].isna().sum() == 2
    tagged = _read("stata/haven_tagged-na-double.dta")
    out = clean(tagged, Codebook.draft(tagged), exclude=())
    assert out.data["x"].tolist()[:5] == [1, 2, 3, 4, 5] and out.data["x"].isna().sum() == 3
    rules = set(out.log["rule"])
    assert {"missing code"} <= rules or {"missing code in export"} <= rules
