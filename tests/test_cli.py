"""The survey-tools command line, as an analyst runs it."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from conftest import ROOT
from survey_tools.cli import main
from survey_tools.synth import DEMO_FILES


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
        "RR1",
        "--regenerate",
    ):
        assert step in demo.stdout


def test_demo_generates_when_absent_then_reuses(tmp_path, capsys, truth):
    data, reports = tmp_path / "demo", tmp_path / "reports"
    paths = ["--clean", str(tmp_path / "clean"), "--no-memo"]  # the memo: tests/report
    assert main(["demo", "--data", str(data), "--reports", str(reports), *paths]) == 0
    out = capsys.readouterr().out
    assert "generated (seed 2026)" in out and "RR1 15.7%" in out
    assert sorted(p.name for p in data.iterdir()) == sorted(DEMO_FILES.values())
    table = pd.read_csv(reports / "demo" / "representation.csv")
    assert set(table["margin"]) == {"role_group", "region", "age_band", "member_status"}
    assert table.groupby("margin")["respondent_share"].sum().sub(1).abs().max() < 1e-12
    rates = pd.read_csv(reports / "demo" / "response_rates.csv").iloc[0]
    assert rates["rr1"] == truth["fieldwork"]["rr1"]
    # Raking to the roll brings the weighted shares onto the roll's.
    assert (table["weighted_share"] - table["roll_share"]).abs().max() < 1e-9

    # The weighted estimate covers the population truth and is closer to it than the unweighted.
    est = pd.read_csv(reports / "demo" / "ai_lost_work.csv").set_index("role_group")
    lost = truth["population"]["ai_lost_work_yes"]
    overall = est.loc["All members"]
    assert overall["ci_low"] < lost["overall"] < overall["ci_high"]
    assert abs(overall["estimate"] - lost["overall"]) < abs(overall["unweighted"] - lost["overall"])
    shown = est["withheld"].isna()  # withheld rows have blank estimates
    assert set(est.index[~shown]) == {"Other crafts", "Animation & games writers"}
    assert est.loc[~shown, ["estimate", "ci_low", "ci_high"]].isna().all().all()
    covered = [
        est.loc[g, "ci_low"] < p < est.loc[g, "ci_high"]
        for g, p in lost["by_role_group"].items()
        if shown[g]
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
