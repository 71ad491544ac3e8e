"""Inputs are bounded: an export far beyond what a survey holds is refused, plainly and fast.

The reads that would exhaust memory or hang on a careless reader run in a memory-capped child
process (``isolated.py``), so a regression fails the test instead of the machine.
"""

import os
import time
import zipfile

import numpy as np
import openpyxl
import pytest

from ingest.isolated import read_isolated
from survey_tools import ExportReadError, read_export

QUALTRICS_HEAD = (
    "StartDate,Finished,ResponseId,Q1\n"
    "Start Date,Finished,Response ID,How are you?\n"
    '{""ImportId"":""startDate""},{""ImportId"":""finished""},'
    '{""ImportId"":""_recordId""},{""ImportId"":""QID1""}\n'
)


def test_a_workbook_whose_one_cell_is_at_XFD1048576_is_refused_without_laying_out_the_grid(
    tmp_path,
):
    book = openpyxl.Workbook()
    book.active["A1"] = "id"
    book.active["A2"] = 1
    book.active["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    book.save(path)
    assert path.stat().st_size < 20_000
    started = time.perf_counter()
    outcome = read_isolated(path, memory_gb=2.5, timeout=120)
    assert outcome.startswith("ExportReadError"), outcome
    assert "far.xlsx" in outcome and "LIMITS.max_cells" in outcome and "raise the limit" in outcome
    assert time.perf_counter() - started < 60


def test_a_small_workbook_still_reads_and_its_size_claim_is_not_trusted(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["id", "q1", "when"], [1, 2.5, "2026-01-02"], [2, "#N/A", "2026-01-03"]):
        sheet.append(row)
    path = tmp_path / "small.xlsx"
    book.save(path)
    export = read_export(path)
    assert export.data.shape == (2, 3) and export.meta.platform == "excel"
    assert export.data["q1"].tolist()[0] == 2.5 and np.isnan(export.data["q1"].iloc[1])


def test_a_zip_that_unpacks_beyond_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from survey_tools.ingest import limits

    monkeypatch.setattr(limits.LIMITS, "max_file_bytes", 5_000_000)
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("export.csv", b"id,q1\n" + b"1,2\n" * 5_000_000)  # 20 MB, zipped ~30 KB
    assert path.stat().st_size < 200_000
    with pytest.raises(ExportReadError, match=r"LIMITS\.max_file_bytes") as info:
        read_export(path)
    assert "bomb.zip" in str(info.value) and "20,000,006" in str(info.value)


def test_a_file_beyond_the_size_limit_is_refused_and_the_limit_can_be_raised(tmp_path, monkeypatch):
    from survey_tools.ingest import limits

    path = tmp_path / "big.csv"
    path.write_bytes(b"id,q1\n" + b"1,2\n" * 1000)
    monkeypatch.setattr(limits.LIMITS, "max_file_bytes", 1000)
    with pytest.raises(ExportReadError, match=r"4,006\) is beyond the limit of 1,000"):
        read_export(path)
    monkeypatch.setattr(limits.LIMITS, "max_file_bytes", 10_000)
    assert read_export(path).data.shape == (1000, 2)


def test_an_import_id_cell_holding_a_huge_literal_costs_neither_memory_nor_time(tmp_path):
    path = tmp_path / "literal.csv"
    literal = "{'ImportId': [" + "1," * 2_000_000 + "]}"  # 4 MB
    path.write_text(QUALTRICS_HEAD + f'2026-01-01,1,R_1,"{literal}"\n', encoding="utf-8")
    outcome = read_isolated(path, memory_gb=2.0, timeout=60)
    assert outcome.startswith("ExportReadError"), outcome
    assert "LIMITS.max_cell_chars" in outcome and "literal.csv" in outcome
    # Within the cell limit, a long "ImportId" cell is simply not taken for one.
    smaller = tmp_path / "smaller.csv"
    header = QUALTRICS_HEAD.replace('{""ImportId"":""QID1""}', f'"{literal[:400_000]}]}}"')
    smaller.write_text(header + "2026-01-01,1,R_1,fine\n", encoding="utf-8")
    started = time.perf_counter()
    outcome = read_isolated(smaller, memory_gb=2.0, timeout=60)
    assert outcome.startswith("read"), outcome
    assert time.perf_counter() - started < 30


def test_a_csv_with_20000_columns_reads_in_seconds(tmp_path):
    rng = np.random.default_rng(7)
    n = 20_000
    rows = [",".join(f"q{i}" for i in range(n))]
    rows += [",".join(map(str, rng.integers(1, 6, n))) for _ in range(40)]
    rows += [",".join(["", *(f"t{i}" for i in range(n - 1))])]
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    started = time.process_time()  # CPU time: other work on a shared machine does not count
    export = read_export(path)
    elapsed = time.process_time() - started
    assert export.data.shape == (41, n)
    assert export.data["q0"].dtype == "Int64" and export.data["q1"].iloc[-1] == "t0"
    assert elapsed < 5, f"{elapsed:.1f} s of CPU for {n:,} columns"


def test_too_many_columns_are_refused_with_the_setting_named(tmp_path, monkeypatch):
    from survey_tools.ingest import limits

    monkeypatch.setattr(limits.LIMITS, "max_columns", 100)
    path = tmp_path / "wider.csv"
    path.write_text(",".join(f"q{i}" for i in range(101)) + "\n" + "1," * 100 + "1\n")
    with pytest.raises(ExportReadError, match=r"columns \(101\).*LIMITS.max_columns"):
        read_export(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_or_a_device_is_refused_instead_of_read_forever(tmp_path):
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    outcome = read_isolated(fifo, memory_gb=2.0, timeout=30)
    assert outcome.startswith("ExportReadError") and "pipe" in outcome, outcome
    if os.path.exists("/dev/zero"):
        outcome = read_isolated("/dev/zero", memory_gb=2.0, timeout=30)
        assert outcome.startswith("ExportReadError") and "device" in outcome, outcome
