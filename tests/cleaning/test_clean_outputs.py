"""What CleanSurvey.write leaves on disk: one whole set, inert cells, files only where asked."""

import csv

import pandas as pd
import pytest
import yaml

from survey_tools import Codebook, SurveyToolsError, read_clean
from survey_tools.cleaning.clean import CleanSurvey
from survey_tools.errors import OutputError
from survey_tools.files import FORMULA_START

HOSTILE_IDS = ['=HYPERLINK("http://evil","Click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
               "\tx", "\rx"]  # fmt: skip


def _survey(name="wave", tag="A", ids=None) -> CleanSurvey:
    ids = ids or [f"{tag}{i}" for i in range(6)]
    data = pd.DataFrame(
        {"role": pd.Categorical(["=Editor", "Writer"] * 3), "pay": [-3.5] * 5 + [ord(tag)]}
    )
    flags = pd.DataFrame({"id": ids, "status": ["complete"] * 6, "excluded": [False] * 6})
    log = pd.DataFrame(
        {
            "step": ["read", "recode"],
            "variable": ["", "q1"],
            "rule": ["responses received", "missing code"],
            "detail": [f"export {tag}", "-1: Not asked"],
            "count": [6, 2],
        }
    )
    summary = {"received": 6, "kept": 6, "completes": 6, "partials": 0}
    return CleanSurvey(name, data, flags, log, summary, {"survey": name}, {"file": f"{tag}.sav"})


def _cells(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def test_respondent_ids_and_details_stay_inert_in_every_csv_and_read_back(tmp_path):
    files = _survey(ids=HOSTILE_IDS).write(tmp_path)
    for kind in ("log", "flags"):
        live = [c for c in _cells(files[kind]) if c[:1] in FORMULA_START and c != "-3.5"]
        assert not live, (kind, live)
    back = read_clean(files["data"])
    assert back.flags["id"].tolist() == HOSTILE_IDS
    assert back.log["detail"].tolist() == ["export A", "-1: Not asked"]
    assert back.data["pay"].tolist() == [-3.5] * 5 + [65]


def test_a_new_parquet_beside_old_flags_is_refused(tmp_path):
    files = _survey(tag="A").write(tmp_path / "a")
    other = _survey(tag="B").write(tmp_path / "b")
    files["data"].write_bytes(other["data"].read_bytes())
    with pytest.raises(SurveyToolsError, match=r"do not belong together: wave.parquet.*Fix:"):
        read_clean(files["data"])


def test_a_write_that_fails_half_way_keeps_the_old_set(tmp_path, monkeypatch):
    files = _survey(tag="A").write(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)  # the parquet is written, then this
    with pytest.raises(OSError):
        _survey(tag="B").write(tmp_path)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert read_clean(files["data"]).log["detail"][0] == "export A"
    _survey(tag="C").write(tmp_path)
    assert read_clean(files["data"]).log["detail"][0] == "export C"


@pytest.mark.parametrize("name", ["../../escaped", "/tmp/abs_survey", "sub/dir", ".."])
def test_the_survey_name_never_puts_files_outside_the_output_folder(tmp_path, name):
    out = tmp_path / "deep" / "out"
    with pytest.raises(OutputError, match=r"survey name .* outside the output folder"):
        _survey(name=name).write(out)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    book = tmp_path / "book.yaml"
    book.write_text(yaml.safe_dump({"survey": name, "variables": {"q": {"type": "numeric"}}}))
    with pytest.raises(SurveyToolsError, match=r"line 1.*survey"):
        Codebook.from_yaml(book)


KILL = """
import os, sys
sys.path.insert(0, sys.argv[3])
from test_clean_outputs import _survey
calls, stop = [0], int(sys.argv[2])
for fn in ("replace", "rename"):
    real = getattr(os, fn)
    def dying(*a, _real=real, **k):
        calls[0] += 1
        if calls[0] == stop:
            os._exit(9)
        return _real(*a, **k)
    setattr(os, fn, dying)
_survey(tag="B").write(sys.argv[1])
"""


@pytest.mark.parametrize("stop", [1, 3])  # before the swap; two files of the new set moved in
def test_a_write_killed_mid_way_leaves_one_whole_set(tmp_path, stop):
    import subprocess
    import sys
    from pathlib import Path

    files = _survey(tag="A").write(tmp_path)
    here = str(Path(__file__).parent)
    run = subprocess.run(
        [sys.executable, "-c", KILL, str(tmp_path), str(stop), here],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 9, run.stderr
    back = read_clean(files["data"])
    tag = "A" if stop == 1 else "B"
    assert back.log["detail"][0] == f"export {tag}" and back.data["pay"].iloc[-1] == ord(tag)
    assert back.flags["id"][0] == f"{tag}0"
    _survey(tag="C").write(tmp_path)  # the next run tidies up
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in files.values())
