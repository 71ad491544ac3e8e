"""Bad input gets a clear ExportReadError naming the file and the fix, never a raw traceback,
a crashed kernel or silently re-decoded text."""

import csv
import io
import struct
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest

from external_fixtures import EXT
from ingest.isolated import read_isolated
from survey_tools import Codebook, ExportReadError, clean, read_export


def test_repeated_and_blank_headers_get_unique_names(tmp_path):
    repeated = tmp_path / "repeated.csv"
    repeated.write_text("id,q1,q1,q1 (2)\n1,2,3,4\n5,6,7,8\n", encoding="utf-8")
    data = read_export(repeated).data
    assert list(data.columns) == ["id", "q1", "q1 (3)", "q1 (2)"]
    assert data.loc[0].tolist() == [1, 2, 3, 4]
    blank = tmp_path / "blank.csv"
    blank.write_text("id,,unnamed (2),unnamed\n1,2,3,4\n", encoding="utf-8")
    data = read_export(blank).data
    assert data.columns.is_unique and data.shape == (1, 4)
    assert data.loc[0].tolist() == [1, 2, 3, 4]


def test_a_legacy_qualtrics_header_without_its_second_row_is_a_plain_error(tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_text("V1,V2,V3\n", encoding="utf-8")
    with pytest.raises(ExportReadError, match=r"legacy\.csv.*no second header row") as info:
        read_export(path)
    assert "platform='csv'" in str(info.value)
    assert read_export(path, platform="csv").data.shape == (0, 3)


def _encrypt_flag(raw: bytes) -> bytes:
    """The zip with every member marked as password-protected (zipfile cannot write one)."""
    out = bytearray(raw)
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = out.find(sig)
        while start >= 0:
            flags = struct.unpack("<H", out[start + offset : start + offset + 2])[0]
            out[start + offset : start + offset + 2] = struct.pack("<H", flags | 1)
            start = out.find(sig, start + 4)
    return bytes(out)


def test_a_password_protected_zip_says_so(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("Guild survey.csv", "id,q1\n1,2\n")
    path = tmp_path / "locked.zip"
    path.write_bytes(_encrypt_flag(buffer.getvalue()))
    with pytest.raises(ExportReadError, match=r"locked\.zip.*protected by a password") as info:
        read_export(path)
    assert "Fix: unzip it with its password" in str(info.value)


def test_a_damaged_workbook_and_an_out_of_memory_one_are_told_apart(tmp_path, monkeypatch):
    frame = pd.DataFrame({"id": [1, 2], "q1": ["a", "b"]})
    good = tmp_path / "wave.xlsx"
    frame.to_excel(good, index=False)
    raw = good.read_bytes()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ExportReadError, match=r"broken\.xlsx.*(corrupt|damaged)"):
        read_export(broken)
    import openpyxl

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(openpyxl, "load_workbook", no_memory)
    with pytest.raises(ExportReadError, match="not enough memory") as info:
        read_export(good)
    assert "corrupt" not in info.value.cause and "damaged" not in info.value.cause


def test_a_sav_whose_labels_crash_the_c_reader_is_an_error_not_a_dead_kernel(tmp_path):
    raw = bytearray((EXT / "spss" / "ReadStatTables_string_labeled_value.sav").read_bytes())
    at = raw.index(b"SI024")
    raw[at + 1 : at + 5] = bytes([229, 15, 149, 80])  # four bytes of a labelled string value
    path = tmp_path / "flipped.sav"
    path.write_bytes(bytes(raw))
    outcome = read_isolated(path, memory_gb=3.0, timeout=120)
    assert outcome.startswith("ExportReadError"), outcome
    assert "flipped.sav" in outcome and "crashed" in outcome and "UTF-8" in outcome


def test_the_common_binary_path_does_not_start_a_process(monkeypatch):
    import subprocess

    def refuse(*args, **kwargs):
        raise AssertionError("a well-formed file was read in a separate process")

    monkeypatch.setattr(subprocess, "run", refuse)
    for rel in ("spss/pyreadstat_sample.sav", "spss/pyreadstat_hebrews.sav", "spss/pspp_v13.sav"):
        assert read_export(EXT / rel).data.shape[0] > 0
    for rel in ("stata/pyreadstat_sample.dta", "sas/pyreadstat_sample.sas7bdat"):
        assert read_export(EXT / rel).data.shape[0] > 0


def _qualtrics_rows(path):
    text = path.read_bytes().decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_one_stray_byte_costs_only_its_line_not_the_whole_file(tmp_path, demo_files):
    raw = demo_files["qualtrics"].read_bytes()
    lines = raw.splitlines(keepends=True)
    target = next(i for i, line in enumerate(lines) if i > 100 and b"," in line)
    lines[target] = lines[target].replace(b",", b",caf\xe9 ", 1)  # one cp1252 byte
    path = tmp_path / "stray.csv"
    path.write_bytes(b"".join(lines))
    with pytest.warns(
        UserWarning, match=rf"1 line\(s\) are not valid UTF-8.*line\(s\) {target + 1}"
    ):
        export = read_export(path)
    whole = read_export(demo_files["qualtrics"])
    assert export.meta.encoding == "utf-8" and export.meta.fallback_lines == (target + 1,)
    assert export.meta.encoding_fallback
    assert any(f"line(s) {target + 1}" in w for w in export.meta.warnings)
    as_text = [frame.astype("string").fillna("<blank>") for frame in (export.data, whole.data)]
    changed = (as_text[0] != as_text[1]).to_numpy()
    assert changed.sum() == 1  # one cell differs: the one holding "café"
    row, col = np.argwhere(changed)[0]
    assert "café" in str(export.data.iat[row, col])
    names = whole.data.stack().astype(str)
    accented = names[names.str.contains("ñ|é|ö|ü")]
    assert len(accented) > 20
    assert export.data.stack().astype(str).loc[accented.index].equals(accented)


def test_a_file_saved_as_windows_1252_throughout_is_still_decoded_whole(demo_files):
    export = read_export(demo_files["surveymonkey"])
    assert (export.meta.encoding, export.meta.encoding_fallback) == ("cp1252", True)
    assert export.meta.fallback_lines == ()


def test_a_qualtrics_export_with_a_blank_progress_cell_reads(tmp_path, demo_files):
    rows = _qualtrics_rows(demo_files["qualtrics"])
    at = rows[0].index("Progress")
    rows[5][at] = rows[9][at] = ""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "blank_progress.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing about it looks wrong to the reader
        export = read_export(path)
    progress = export.data["Progress"]
    assert pd.api.types.is_numeric_dtype(progress) and progress.isna().sum() == 2


def test_a_blank_progress_cell_also_cleans(tmp_path, demo_files):
    rows = _qualtrics_rows(demo_files["qualtrics"])
    at = rows[0].index("Progress")
    finished = rows[0].index("Finished")
    rows[5][at], rows[5][finished] = "", "False"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "blank_progress.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    export = read_export(path)
    assert len(clean(export, Codebook.draft(export)).data) > 0
