"""The survey-tools command line, as an analyst runs it."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, SHARED
from survey_tools.cli import main
from survey_tools.synth import DEMO_FILES, WAVE_FILES


def _command() -> list[str]:
    exe = Path(sys.executable).parent / "survey-tools"
    return [str(exe)] if exe.exists() else [shutil.which("survey-tools") or "survey-tools"]


def test_help_explains_each_step():
    top = subprocess.run([*_command(), "--help"], capture_output=True, text=True, check=True)
    assert "demo" in top.stdout
    demo = subprocess.run(
        [*_command(), "demo", "--help"], capture_output=True, text=True, check=True
    )
    for step in (
        "1. demo data",
        "2. fieldwork",
        "3. cleaning",
        "4. representation",
        "5. weighting",
        "6. estimates",
        "7. notebooks",
        "8. memo",
        "9. next wave",
        "RR1",
        "--regenerate",
    ):
        assert step in demo.stdout


def test_demo_generates_when_absent_then_reuses(tmp_path, capsys, truth):
    data, reports = tmp_path / "demo", tmp_path / "reports"
    paths = ["--clean", str(tmp_path / "clean"), "--no-memo"]  # the memo: tests/report
    assert main(["demo", "--data", str(data), "--reports", str(reports), *paths]) == 0
    out = capsys.readouterr().out
    assert "generated (seed 2026)" in out and f"RR1 {truth['fieldwork']['rr1']:.1%}" in out
    assert sorted(p.name for p in data.iterdir()) == sorted((DEMO_FILES | WAVE_FILES).values())
    table = pd.read_csv(reports / "demo" / "representation.csv")
    assert set(table["margin"]) == {"role_group", "region", "age_band", "member_status"}
    assert table.groupby("margin")["respondent_share"].sum().sub(1).abs().max() < 1e-12
    rates = pd.read_csv(reports / "demo" / "response_rates.csv").iloc[0]
    assert rates["rr1"] == truth["fieldwork"]["rr1"]
    # Raking to the roll brings the weighted shares onto the roll's.
    assert (table["weighted_share"] - table["roll_share"]).abs().max() < 1e-9

    # The weighted estimate is closer to the population truth than the unweighted. Raking alone
    # leaves the bias of the role-group-by-age cross-class (truth.json "nonresponse"), so its
    # intervals need not cover the truth where that cross-class acts; the propensity-adjusted
    # estimate does (tests/design/test_nonresponse_demo.py).
    est = pd.read_csv(reports / "demo" / "ai_lost_work.csv").set_index("role_group")
    lost = truth["population"]["ai_lost_work_yes"]
    crossed = set(truth["nonresponse"]["response_model"]["interaction"])
    overall = est.loc["All members"]
    assert abs(overall["estimate"] - lost["overall"]) < abs(overall["unweighted"] - lost["overall"])
    shown = est["withheld"].isna()  # withheld rows have blank estimates
    assert set(est.index[~shown]) == {"Other crafts", "Animation & games writers"}
    assert est.loc[~shown, ["estimate", "ci_low", "ci_high"]].isna().all().all()
    covered = [
        est.loc[g, "ci_low"] < p < est.loc[g, "ci_high"]
        for g, p in lost["by_role_group"].items()
        if shown[g] and g not in crossed
    ]
    assert sum(covered) >= len(covered) - 1  # 95% intervals: one miss is allowed
    assert "6. estimates: knowingly lost work to AI:" in out
    assert "the Qualtrics CSV cleans to the same data" in out
    assert (tmp_path / "clean" / "guild_ai_survey_2026.parquet").exists()

    assert main(["demo", "--data", str(data), "--reports", str(reports), *paths]) == 0
    assert "found in" in capsys.readouterr().out


def test_demo_reports_unwritable_data_folder_plainly(tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    assert main(["demo", "--data", str(blocker), "--reports", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("survey-tools: error: Cannot write the demo survey") and "Fix:" in err


def test_codebook_draft_then_clean_from_the_shell(tmp_path, capsys, demo_files):
    book = tmp_path / "wave.yaml"
    assert main(["codebook", "draft", str(demo_files["spss"]), "-o", str(book)]) == 0
    assert "Wrote" in capsys.readouterr().out and book.exists()
    assert main(["codebook", "draft", str(demo_files["spss"]), "-o", str(book)]) == 1
    assert "--force" in capsys.readouterr().err
    args = ["clean", str(demo_files["spss"]), "--codebook", str(book), "--out", str(tmp_path)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "respondents kept" in out and "received" in out
    assert (tmp_path / "guild_ai_survey_2026.parquet").exists()


def test_clean_from_the_shell_reports_a_bad_export_plainly(tmp_path, capsys):
    bad = tmp_path / "wave.sav"
    bad.write_text("not spss")
    assert main(["clean", str(bad), "--codebook", str(tmp_path / "x.yaml")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("survey-tools: error: Cannot read") and "wave.sav" in err


def test_memo_for_ones_own_export_from_the_shell(tmp_path, capsys, demo_files):
    args = [
        "memo",
        str(demo_files["spss"]),
        "--codebook",
        "data/codebooks/guild_ai_survey_2026.yaml",
    ]
    args += ["--roll", str(demo_files["roll"]), "--margins", str(demo_files["margins"])]
    args += ["--dispositions", str(demo_files["dispositions"]), "--wave", "Wave X"]
    args += ["--out", str(tmp_path / "wave"), "--formats", "html", "--min-base", "50"]
    args += ["--notebook", str(ROOT / "notebooks" / "reports" / "05_memo.ipynb")]
    assert main(args) == 0
    out = capsys.readouterr().out
    html = (tmp_path / "wave" / "memo.html").read_text(encoding="utf-8")
    assert f"Memo: {tmp_path / 'wave' / 'memo.html'}" in out
    assert "Wave X" in html and re.search(r"below\s+50\s+are withheld", html)
    assert not (tmp_path / "wave" / "memo.pdf").exists()


def test_memo_rejects_an_unknown_format(tmp_path, capsys, demo_files):
    args = ["memo", str(demo_files["spss"]), "--codebook", "x.yaml", "--roll", "r.csv"]
    args += ["--margins", "m.csv", "--dispositions", "d.csv", "--out", str(tmp_path)]
    assert main([*args, "--formats", "html,pptx"]) == 1
    assert "Unknown memo format(s): pptx" in capsys.readouterr().err


def test_demo_prints_each_step_once_in_order(tmp_path, capsys, demo_files):
    paths = ["--clean", str(tmp_path / "clean"), "--no-memo", "--reports", str(tmp_path)]
    assert main(["demo", "--data", str(demo_files["spss"].parent), *paths]) == 0
    steps = [int(m) for m in re.findall(r"^(\d)\. ", capsys.readouterr().out, re.MULTILINE)]
    assert steps == [1, 2, 3, 4, 5, 6]


def test_memo_help_explains_the_plan():
    out = subprocess.run(
        [*_command(), "memo", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "--plan" in out and "standard guild questionnaire" in out and "plan draft" in out


def test_plan_draft_writes_a_plan_the_memo_accepts(tmp_path, capsys):
    from survey_tools.report.plan import read_plan

    book = ROOT / "data" / "codebooks" / "examples" / "538_starwars.yaml"
    out = tmp_path / "plans" / "starwars.plan.yaml"
    assert main(["plan", "draft", "--codebook", str(book), "-o", str(out)]) == 0
    from survey_tools import Codebook

    plan = read_plan(out).check(Codebook.from_yaml(book))
    assert plan.options and plan.indicators and plan.group in ("gender", "age")
    assert main(["plan", "draft", "--codebook", str(book), "-o", str(out)]) == 1
    assert "--force" in capsys.readouterr().err


def test_memo_checks_its_inputs_before_running(tmp_path, capsys, demo_files):
    book = tmp_path / "book.yaml"
    book.write_text("survey: s\nvariables:\n  ai_lost_work: {type: single, codes: {1: 'Yes'}}\n")
    args = ["memo", str(demo_files["spss"]), "--codebook", str(book), "--roll", "no-roll.csv"]
    args += ["--margins", str(demo_files["margins"]), "--dispositions", "no-disp.csv"]
    args += ["--out", str(tmp_path / "out")]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "no-roll.csv" in err and "no-disp.csv" in err and err.count("Fix:") == 1
    args[5], args[9] = str(demo_files["roll"]), str(demo_files["dispositions"])
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "role_group" in err and "main group" in err  # the plan's main group is not mapped
    assert err.count("Fix:") == 1
    assert not (tmp_path / "out").exists()  # nothing ran


def test_memo_refuses_an_encrypted_export_before_running(tmp_path, capsys):
    encrypted = SHARED / "fixtures" / "external" / "malformed" / "pspp_hotel-encrypted.sav"
    book = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"
    args = ["memo", str(encrypted), "--codebook", str(book), "--out", str(tmp_path / "out")]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "encrypted with a password" in err and "main group" not in err
    assert not (tmp_path / "out").exists()  # no notebook ran, no memo-failed.ipynb


def test_read_warnings_are_one_plain_line_each(tmp_path, capsys):
    export = SHARED / "fixtures" / "external" / "surveymonkey" / "538_StarWars.csv"
    assert main(["codebook", "draft", str(export), "-o", str(tmp_path / "book.yaml")]) == 0
    err = capsys.readouterr().err
    assert "survey-tools: warning: 538_StarWars.csv: the last line" in err
    assert "UserWarning" not in err and ".py:" not in err


def test_memo_takes_an_encoding_and_a_redcap_dictionary(tmp_path, capsys, demo_files):
    book = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"
    args = ["memo", str(demo_files["spss"]), "--codebook", str(book), "--encoding", "latin1"]
    args += ["--dictionary", "no-dictionary.csv", "--out", str(tmp_path / "out")]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "the REDCap data dictionary (--dictionary)" in err and "no-dictionary.csv" in err


def _one_error_line(err: str) -> str:
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("survey-tools: "), err
    return lines[0]


def test_an_out_that_is_a_file_is_named_before_any_work(tmp_path, capsys):
    blocker = tmp_path / "clean.txt"
    blocker.write_text("not a folder")
    for out in (blocker, blocker / "sub"):
        args = ["clean", "no-such.sav", "--codebook", "no.yaml", "--out", str(out)]
        assert main(args) == 1
        line = _one_error_line(capsys.readouterr().err)
        assert f"{blocker} is a file, not a folder" in line and "Fix: give a folder" in line


def test_a_full_disk_is_one_plain_line(tmp_path, capsys, monkeypatch, demo_files):
    import errno

    from survey_tools.cleaning.clean import CleanSurvey

    def full(self, directory):
        raise OSError(errno.ENOSPC, "No space left on device", str(directory))

    monkeypatch.setattr(CleanSurvey, "write", full)
    book = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"
    args = ["clean", str(demo_files["spss"]), "--codebook", str(book)]
    args += ["--roll", str(demo_files["roll"]), "--out", str(tmp_path / "out")]
    assert main(args) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert line == (
        f"survey-tools: error: No space left on device ({tmp_path / 'out'}). Fix: free disk "
        "space (or write to another disk with --out) and run again"
    )


def test_errors_with_several_lines_print_as_one(tmp_path, capsys, demo_files):
    book = tmp_path / "book.yaml"
    book.write_text("survey: s\nvariables:\n  q1: {type: numeric\n  q2: [\n")  # YAML error
    assert main(["clean", str(demo_files["spss"]), "--codebook", str(book)]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert "is not valid YAML" in line and "line" in line and "Fix:" in line


def test_an_unexpected_error_is_one_line_and_the_traceback_on_request(capsys, monkeypatch):
    import survey_tools.ingest.read as read

    def broken(*args, **kwargs):
        raise ValueError("boom\nsecond line")

    monkeypatch.setattr(read, "read_export", broken)
    assert main(["codebook", "draft", "x.sav"]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert "internal error: ValueError: boom second line" in line and "report" in line
    monkeypatch.setenv("SURVEY_TOOLS_TRACEBACK", "1")
    with pytest.raises(ValueError, match="boom"):
        main(["codebook", "draft", "x.sav"])


def test_thresholds_that_switch_disclosure_control_off_are_refused(tmp_path, capsys, demo_files):
    args = ["memo", str(demo_files["spss"]), "--codebook", "x.yaml", "--roll", "r.csv"]
    args += ["--margins", "m.csv", "--dispositions", "d.csv", "--out", str(tmp_path / "memo")]
    assert main([*args, "--min-count", "-5", "--min-base", "0"]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert "min_count=-5 would switch disclosure control off" in line
    assert main([*args, "--min-count", "10", "--min-base", "5"]) == 1
    assert "min_base=5 is below min_count=10" in _one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "memo").exists()


def test_ctrl_c_stops_promptly_with_one_line_and_code_130(tmp_path, monkeypatch, capsys):
    import survey_tools.ingest.read as read

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(read, "read_export", interrupted)
    assert main(["codebook", "draft", "x.sav"]) == 130
    assert _one_error_line(capsys.readouterr().err) == "survey-tools: interrupted (Ctrl-C)."

    import signal
    import time

    clean = tmp_path / "clean"
    demo = ["demo", "--data", str(tmp_path / "d"), "--reports", str(tmp_path / "r")]
    run = subprocess.Popen(
        [*_command(), *demo, "--clean", str(clean), "--no-memo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = run.stdout.readline()  # step 1 done: now in the middle of the pipeline
    assert first.startswith("1. demo data"), first
    run.send_signal(signal.SIGINT)
    start = time.monotonic()
    _, err = run.communicate(timeout=30)
    assert time.monotonic() - start < 10
    assert run.returncode == 130, err
    assert _one_error_line(err) == "survey-tools: interrupted (Ctrl-C)."
    left = [p.name for p in clean.glob(".*")] if clean.exists() else []
    assert not [name for name in left if "staging" in name or name.endswith("lock")], left
