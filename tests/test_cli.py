"""The survey-tools command line, as an analyst runs it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from survey_tools._cli import main
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
    for step in ("1. demo data", "2. fieldwork", "3. representation", "RR1", "--regenerate"):
        assert step in demo.stdout


def test_demo_generates_when_absent_then_reuses(tmp_path, capsys, truth):
    data, reports = tmp_path / "demo", tmp_path / "reports"
    assert main(["demo", "--data", str(data), "--reports", str(reports)]) == 0
    out = capsys.readouterr().out
    assert "generated (seed 2026)" in out and "RR1 15.7%" in out
    assert sorted(p.name for p in data.iterdir()) == sorted(DEMO_FILES.values())
    table = pd.read_csv(reports / "demo" / "representation.csv")
    assert set(table["margin"]) == {"role_group", "region", "age_band", "member_status"}
    assert table.groupby("margin")["respondent_share"].sum().sub(1).abs().max() < 1e-12
    rates = pd.read_csv(reports / "demo" / "response_rates.csv").iloc[0]
    assert rates["rr1"] == truth["fieldwork"]["rr1"]

    assert main(["demo", "--data", str(data), "--reports", str(reports)]) == 0
    assert "found in" in capsys.readouterr().out


def test_demo_reports_unwritable_data_folder_plainly(tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    assert main(["demo", "--data", str(blocker), "--reports", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("survey-tools: error: Cannot write the demo survey") and "Fix:" in err
