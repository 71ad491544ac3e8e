"""Output-file safety: whole sets at once, one writer at a time, inert cells, names kept inside."""

import csv
import os
import socket
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest
from openpyxl import load_workbook

from survey_tools.errors import OutputError, SurveyToolsError
from survey_tools.files import (
    FORMULA_START,
    inside,
    read_set,
    restore_text,
    safe_name,
    staged_folder,
    write_csv,
    write_xlsx,
)

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "'=q"]


def _write(folder, files: dict, name="memo", **kw):
    with staged_folder(folder, name=name, **kw) as tmp:
        for rel, text in files.items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_text(text, encoding="utf-8")


def test_a_set_replaces_the_old_one_whole_and_leaves_nothing_behind(tmp_path):
    out = tmp_path / "wave"
    _write(out, {"memo.html": "old", "figures/a.png": "A", "figures/b.png": "B"})
    (out / "notes.txt").write_text("the analyst's own file")
    _write(out, {"memo.html": "new", "figures/a.png": "A2"})
    assert read_set(out, name="memo") == {"figures/a.png": b"A2", "memo.html": b"new"}
    left = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    assert left == ["figures", "figures/a.png", "memo.html", "memo.manifest.json", "notes.txt"]


def test_a_failed_run_leaves_the_old_set_and_no_staging(tmp_path):
    out = tmp_path / "wave"
    _write(out, {"memo.html": "old", "memo.pdf": "old pdf"})
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(OSError, match="No space"), staged_folder(out, name="memo") as tmp:
        (tmp / "memo.html").write_text("new")
        raise OSError(28, "No space left on device")
    with pytest.raises(KeyboardInterrupt), staged_folder(out, name="memo") as tmp:
        (tmp / "memo.html").write_text("new")
        raise KeyboardInterrupt
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_an_empty_output_is_refused_not_published(tmp_path):
    out = tmp_path / "wave"
    _write(out, {"memo.html": "old"})
    with pytest.raises(OutputError, match=r"memo.pdf is empty \(0 bytes\)"):
        _write(out, {"memo.html": "new", "memo.pdf": ""})
    assert read_set(out, name="memo") == {"memo.html": b"old"}


def test_files_that_do_not_belong_together_are_refused(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _write(a, {"s.parquet": "data A", "s.flags.csv": "flags A"}, name="s")
    _write(b, {"s.parquet": "data B", "s.flags.csv": "flags B"}, name="s")
    (a / "s.parquet").write_bytes((b / "s.parquet").read_bytes())  # a new parquet, old flags
    with pytest.raises(OutputError, match=r"do not belong together: s.parquet"):
        read_set(a, name="s")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "s.parquet").write_text("no manifest")
    with pytest.raises(OutputError, match=r"has no s.manifest.json"):
        read_set(tmp_path / "c", name="s")


def test_an_output_folder_that_is_a_file_is_named(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("")
    with pytest.raises(OutputError, match="is a file"):
        _write(blocker, {"memo.html": "x"})


def test_a_second_run_waits_for_the_first(tmp_path):
    out = tmp_path / "wave"
    entered, order = threading.Event(), []

    def first():
        with staged_folder(out, name="memo") as tmp:
            entered.set()
            time.sleep(0.4)
            (tmp / "memo.html").write_text("first")
            order.append("first")

    thread = threading.Thread(target=first)
    thread.start()
    entered.wait(5)
    _write(out, {"memo.html": "second"}, wait=10)
    order.append("second")
    thread.join()
    assert order == ["first", "second"]
    assert read_set(out, name="memo") == {"memo.html": b"second"}


def test_a_busy_folder_fails_clearly_and_a_stale_lock_is_taken_over(tmp_path):
    out = tmp_path / "wave"
    out.mkdir()
    lock = out / ".memo.lock"
    lock.write_text(f"{os.getppid()} {socket.gethostname()}\n")  # a live process holds it
    with pytest.raises(OutputError, match=rf"process {os.getppid()} .* is writing to") as info:
        _write(out, {"memo.html": "x"}, wait=0.2)
    assert ".memo.lock" in str(info.value) and "Fix:" in str(info.value)
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    lock.write_text(f"{done.stdout.strip()} {socket.gethostname()}\n")  # its process is gone
    _write(out, {"memo.html": "x"}, wait=0.2)
    assert read_set(out, name="memo") == {"memo.html": b"x"} and not lock.exists()


KILL = """
import os, sys
from pathlib import Path
from survey_tools.files import staged_folder
calls, stop = [0], int(sys.argv[2])
for fn in ("replace", "rename"):
    real = getattr(os, fn)
    def dying(*a, _real=real, **k):
        calls[0] += 1
        if calls[0] == stop:
            os._exit(9)
        return _real(*a, **k)
    setattr(os, fn, dying)
with staged_folder(sys.argv[1], name="memo") as tmp:
    for rel in ("memo.html", "memo.pdf", "figures/a.png"):
        (tmp / rel).parent.mkdir(exist_ok=True)
        (tmp / rel).write_text(rel + " new")
print("completed")
"""


def test_a_run_killed_as_each_file_starts_to_change_loses_nothing(tmp_path):
    old = {"memo.html": b"memo.html old", "memo.pdf": b"memo.pdf old", "figures/a.png": b"a old"}
    new = {rel: f"{rel} new".encode() for rel in old}
    for stop in range(1, 6):  # the commit rename, then each file and the manifest moving in
        out = tmp_path / f"kill{stop}"
        _write(out, {k: v.decode() for k, v in old.items()})
        run = subprocess.run(
            [sys.executable, "-c", KILL, str(out), str(stop)], capture_output=True, text=True
        )
        assert run.returncode == 9, run.stderr
        got = read_set(out, name="memo")
        assert got == (old if stop == 1 else new), stop  # committed from the rename on
        assert all(p.stat().st_size > 0 for p in out.rglob("*") if p.is_file())
        _write(out, {"memo.html": "third"})  # the next run finishes or discards the leftovers
        assert read_set(out, name="memo") == {"memo.html": b"third"}
        assert sorted(p.name for p in out.iterdir()) == ["memo.html", "memo.manifest.json"]


def test_formula_cells_are_neutralised_in_csv_and_come_back_as_written(tmp_path):
    frame = pd.DataFrame(
        {"id": [*HOSTILE, "-3.5", "ok"], "n": range(9), "x": [-1.5] * 9},
    )
    frame["group"] = pd.Categorical(["=cat"] * 9)
    frame["=head"] = "a"
    path = write_csv(frame, tmp_path / "t.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    live = [c for c in cells if c and c[0] in FORMULA_START and c not in ("-3.5", "-1.5")]
    assert not live, live
    back = restore_text(pd.read_csv(path, dtype={"id": str, "group": str}))
    assert back["id"].tolist() == frame["id"].tolist()
    assert back.columns.tolist() == frame.columns.tolist()
    assert back["x"].dtype == float and back["n"].tolist() == list(range(9))


def test_xlsx_cells_are_typed_and_text_is_never_a_formula(tmp_path):
    frame = pd.DataFrame(
        {"group": HOSTILE, "share": [0.5, -0.25, 1, 2, 3, 4, 5], "n": range(7)},
    )
    frame.loc[1, "share"] = float("nan")
    frame["flag"] = [True, False] * 3 + [pd.NA]
    path = write_xlsx({"Lost work / role": frame}, tmp_path / "t.xlsx")
    sheet = load_workbook(path)["Lost work _ role"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("group", "share", "n", "flag")
    assert [r[0] for r in rows[1:]] == HOSTILE
    assert all(c.data_type == "s" for c in sheet["A"][1:])
    assert rows[1][1:] == (0.5, 0, True) and rows[2][1] is None and rows[7][3] is None


@pytest.mark.parametrize(
    "name", ["../../escaped", "/etc/cron.d/x", "a/b", "..", ".hidden", "a\\b", "", "x" * 200]
)
def test_names_from_inputs_never_become_paths_outside(name, tmp_path):
    with pytest.raises(OutputError, match=r"outside the output folder|no plain file name"):
        safe_name(name, what="survey name")
    with pytest.raises(SurveyToolsError, match="outside the output folder"):
        inside(tmp_path, "../x.html")
    assert inside(tmp_path, "figures/a.png") == (tmp_path / "figures" / "a.png").resolve()


def test_counts_in_a_mixed_column_are_written_as_integers(tmp_path):
    # A summary table (item, value) mixes counts and rates: "3823", never "3823.0".
    frame = pd.DataFrame([("received", 3823), ("rr1", 0.17155), ("note", "=1+1")], dtype=object)
    write_csv(frame.set_axis(["item", "value"], axis=1), tmp_path / "summary.csv")
    assert (tmp_path / "summary.csv").read_text().splitlines()[1:] == [
        "received,3823",
        "rr1,0.17155",
        "note,'=1+1",
    ]
