"""Zip containers: a Qualtrics API download (a zip holding one export) and ``.xlsx`` workbooks.

Both are unpacked within :data:`~survey_tools.ingest.limits.LIMITS`: what a zip says it holds is
checked before anything is unpacked, and the unpacking stops at the limit whatever the zip
said. A workbook is read a row at a time, so a sheet whose one cell sits at ``XFD1048576`` is
refused for its size instead of being laid out in memory.

May import: ``survey_tools.errors`` and ``survey_tools.ingest.limits``.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np

from ..errors import ExportReadError
from .limits import LIMITS, refuse

__all__ = ["excel_grid", "unzip"]


def _open_zip(path: Path, source) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise ExportReadError(
            path, "the zip archive is corrupt", hint="download the export again"
        ) from None


def _read_member(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """The bytes of one member, refusing encrypted members and stopping at ``budget`` bytes."""
    if info.flag_bits & 0x1:
        raise ExportReadError(
            path,
            f"{info.filename!r} in the zip is protected by a password",
            hint="unzip it with its password and read the unzipped file",
        )
    if info.file_size > budget:
        raise refuse(path, "what the zip unpacks to, in bytes", info.file_size, "max_file_bytes")
    try:
        with zf.open(info) as fh:
            data = fh.read(budget + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ExportReadError(
            path,
            f"the zip archive is corrupt: {info.filename!r} cannot be unpacked ({exc})",
            hint="download the export again",
        ) from None
    except NotImplementedError as exc:
        raise ExportReadError(
            path,
            f"{info.filename!r} is compressed with a method that cannot be unpacked ({exc})",
            hint="unzip it with your system's tool and read the unzipped file",
        ) from None
    except RuntimeError as exc:  # zipfile's word for an encrypted member it found late
        raise ExportReadError(
            path,
            f"{info.filename!r} in the zip cannot be unpacked ({exc})",
            hint="unzip it with its password and read the unzipped file",
        ) from None
    if len(data) > budget:
        raise refuse(path, "what the zip unpacks to, in bytes", len(data), "max_file_bytes")
    return data


def unzip(path: Path) -> tuple[str, bytes]:
    """The name and bytes of the one export a (Qualtrics API) zip holds; nothing is written."""
    with _open_zip(path, path) as zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) != 1:
            raise ExportReadError(
                path,
                f"the zip holds {len(members)} files, not one export",
                hint="unzip it and read the export file itself",
            )
        return members[0].filename, _read_member(path, zf, members[0], LIMITS.max_file_bytes)


EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def _cell_text(value) -> str:
    """A cell as text: blank for empty and Excel error cells (``#N/A``), as pandas reads them."""
    if value is None or (isinstance(value, float) and value != value) or value in EXCEL_ERRORS:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _check_workbook(path: Path, raw: bytes) -> None:
    """Refuse a workbook that unpacks beyond ``max_file_bytes`` before openpyxl parses it."""
    with _open_zip(path, io.BytesIO(raw)) as zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > LIMITS.max_file_bytes:
            raise refuse(path, "what the workbook unpacks to, in bytes", total, "max_file_bytes")
        if any(i.flag_bits & 0x1 for i in infos):
            raise ExportReadError(
                path,
                "the workbook is protected by a password",
                hint="open it in Excel, remove the password and save it again",
            )


def excel_grid(path: Path, raw: bytes) -> np.ndarray:
    """The cells of the first sheet of an ``.xlsx`` workbook as strings ("" for blank)."""
    import openpyxl

    _check_workbook(path, raw)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on styles and extensions
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                rows = _sheet_rows(path, book.worksheets[0])
            finally:
                book.close()
    except ExportReadError:
        raise
    except MemoryError:
        raise ExportReadError(
            path,
            "there is not enough memory to read the workbook",
            hint="save its first sheet as CSV and read that, or free memory",
        ) from None
    except IndexError:
        raise ExportReadError(path, "the workbook has no sheet", hint="export it again") from None
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ExportReadError(
            path,
            f"the workbook is damaged or not an .xlsx file ({type(exc).__name__}: {exc})",
            hint="open it in Excel and save it again as .xlsx, or export the data as CSV",
        ) from None
    width = max((len(r) for r in rows), default=0)
    cells = np.full((len(rows), width), "", dtype=object)
    for i, row in enumerate(rows):
        cells[i, : len(row)] = row
    return cells


def _sheet_rows(path: Path, sheet) -> list[list[str]]:
    """The sheet's rows, trailing blanks cut, refused once rows x columns passes the limit."""
    sheet.reset_dimensions()  # the sheet's own claim of its size may be wrong; read the cells
    rows: list[list[str]] = []
    width = used = 0
    for values in sheet.iter_rows(values_only=True):
        row = [_cell_text(v) for v in values] if values else []
        while row and row[-1] == "":
            row.pop()
        if len(row) > LIMITS.max_columns:
            raise refuse(path, "the number of columns of the first sheet", len(row), "max_columns")
        width = max(width, len(row))
        if row:
            used = len(rows) + 1
            longest = max(map(len, row))
            if longest > LIMITS.max_cell_chars:
                raise refuse(path, "the length of a cell", longest, "max_cell_chars")
        if (len(rows) + 1) * width > LIMITS.max_cells:
            raise refuse(
                path, "the first sheet's grid of cells", (len(rows) + 1) * width, "max_cells"
            )
        rows.append(row)
    return rows[:used]
