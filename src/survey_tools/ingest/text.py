"""Delimited text to a grid of cells: decode, pick the delimiter, split rows and check them.

Nothing is read as if whole when it is not: a row with more cells than the header is refused
(its cells would shift), a row with fewer is reported with its line number, and a file whose
last line has no line break (platform exports always end with one) is reported as possibly cut
off; its last row is left out when it is visibly incomplete. A file that is UTF-8 except for a
few lines has only those lines decoded as Windows-1252, and says which.

May import: ``survey_tools.errors`` and ``survey_tools.ingest.limits``.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ExportReadError
from .limits import LIMITS, refuse

__all__ = ["Decoded", "Grid", "decode", "text_grid"]

DELIMITERS = {",": "commas", "\t": "tabs", ";": "semicolons", "|": "bars"}
TAB_EXT = (".tsv", ".tab")
CUT_QUOTE_LINES = 20  # an unclosed quote spanning more lines than this is a stray quote


@dataclass
class Decoded:
    """The text of a file and how it was decoded."""

    text: str
    encoding: str
    fallback: bool = False
    fallback_lines: tuple = ()
    warnings: list = field(default_factory=list)


@dataclass
class Grid:
    """Every record of a delimited text as strings ("" for blank), header rows included."""

    cells: np.ndarray
    warnings: list = field(default_factory=list)
    possibly_truncated: bool = False


def _lines(numbers, most: int = 5) -> str:
    numbers = list(numbers)
    shown = ", ".join(str(n) for n in numbers[:most])
    return shown + (f" and {len(numbers) - most:,} more" if len(numbers) > most else "")


# --- Decoding -----------------------------------------------------------------------------------


def decode(path: Path, raw: bytes, encoding: str | None) -> Decoded:
    """The text of ``raw``, by ``encoding`` if given, else by its BOM, else UTF-8 line by line."""
    if encoding:
        try:
            return Decoded(raw.decode(encoding), encoding)
        except UnicodeDecodeError as exc:
            raise ExportReadError(
                path,
                f"the text is not valid {encoding}: byte 0x{raw[exc.start]:02x} at offset "
                f"{exc.start} cannot be decoded",
                hint="leave out encoding= to detect it, or name the encoding the file was saved in",
            ) from None
        except LookupError:
            raise ExportReadError(
                path, f"unknown encoding {encoding!r}", hint="use e.g. 'utf-8', 'cp1252', 'latin1'"
            ) from None
    for bom, name in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return Decoded(_strict(path, raw, name), name)
    if raw.startswith(b"\xef\xbb\xbf"):
        return _utf8_by_line(path, raw[3:], "utf-8-sig")
    if len(raw) > 3 and raw[1:2] == b"\x00" and raw[3:4] == b"\x00":
        return Decoded(_strict(path, raw, "utf-16-le"), "utf-16-le")
    if len(raw) > 3 and raw[0:1] == b"\x00" and raw[2:3] == b"\x00":
        return Decoded(_strict(path, raw, "utf-16-be"), "utf-16-be")
    return _utf8_by_line(path, raw, "utf-8")


def _cp1252(raw: bytes) -> str:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d are undefined in cp1252
        return raw.decode("latin-1")


def _utf8_by_line(path: Path, raw: bytes, name: str) -> Decoded:
    """UTF-8 where it is valid; lines that are not are decoded as Windows-1252 and named.

    A file none of whose non-ASCII lines is valid UTF-8 was saved in Windows-1252 as a whole
    (SurveyMonkey does that) and is decoded so. A file with valid UTF-8 text is UTF-8, and a
    stray byte only costs the line it is on.
    """
    try:
        return Decoded(raw.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    parts: list[str] = []
    bad: list[int] = []
    utf8_lines = 0
    for number, line in enumerate(raw.splitlines(keepends=True), 1):
        if line.isascii():
            parts.append(line.decode("ascii"))
            continue
        try:
            parts.append(line.decode("utf-8"))
            utf8_lines += 1
        except UnicodeDecodeError:
            parts.append(_cp1252(line))
            bad.append(number)
    if not utf8_lines:
        cp = "cp1252"
        try:
            raw.decode(cp)
        except UnicodeDecodeError:
            cp = "latin-1"
        return Decoded(_cp1252(raw), cp, fallback=True)
    message = (
        f"{path.name}: {len(bad):,} line(s) are not valid UTF-8 while the rest of the file is; "
        f"only those were decoded as Windows-1252 (line(s) {_lines(bad)}): check their text, "
        "or pass encoding= if the file was saved in one other encoding"
    )
    return Decoded("".join(parts), name, True, tuple(bad), [message])


def _strict(path: Path, raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ExportReadError(
            path,
            f"the text looks like {encoding} (by its first bytes) but byte offset {exc.start} "
            "is not valid in it",
            hint="pass encoding= with the encoding the file was saved in",
        ) from None


# --- Delimiter ----------------------------------------------------------------------------------


def _widths(sample: str, sep: str) -> list[int]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=sep)
    try:
        return [len(r) for r in itertools.islice(reader, 5) if r]
    except csv.Error:
        return []


def _sniff(sample: str) -> str:
    """The delimiter that splits the first records into the most fields, consistently."""
    best, score = ",", (0, 0)
    for sep in DELIMITERS:
        widths = _widths(sample, sep)
        if widths and widths[0] > 1:
            candidate = (sum(w == widths[0] for w in widths), widths[0])
            if candidate > score:
                best, score = sep, candidate
    return best


def _delimiter(path: Path, text: str, warnings: list) -> str:
    sample = text[:65536]
    sniffed = _sniff(sample)
    if path.suffix.lower() not in TAB_EXT or sniffed == "\t":
        return sniffed
    tabs = _widths(sample, "\t")
    if tabs and tabs[0] > 1:
        return "\t"
    if sniffed != "\t" and _widths(sample, sniffed)[:1] > [1]:
        warnings.append(
            f"{path.name}: the file is named {path.suffix} but its fields are separated by "
            f"{DELIMITERS[sniffed]}, not tabs; it was read as {DELIMITERS[sniffed]}-separated"
        )
        return sniffed
    return "\t"


# --- Rows ---------------------------------------------------------------------------------------


def _records(path: Path, text: str, sep: str):
    """(first line number, fields) per non-blank record, and the offset of the last record."""
    source = io.StringIO(text, newline="")
    reader = csv.reader(source, delimiter=sep)
    records: list[tuple[int, list[str]]] = []
    width = cells = 0
    last_offset = 0
    limit = csv.field_size_limit()
    csv.field_size_limit(LIMITS.max_cell_chars)
    try:
        while True:
            line, offset = reader.line_num + 1, source.tell()
            try:
                record = next(reader)
            except StopIteration:
                break
            if not record:
                continue
            if not records:
                width = len(record)
                if width > LIMITS.max_columns:
                    raise refuse(path, "the number of columns", width, "max_columns")
            cells += max(width, len(record))
            if cells > LIMITS.max_cells:
                raise refuse(path, "the number of cells", cells, "max_cells")
            records.append((line, record))
            last_offset = offset
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise refuse(
                path,
                f"a cell at line {reader.line_num} is longer than",
                LIMITS.max_cell_chars,
                "max_cell_chars",
            ) from None
        raise ExportReadError(
            path, f"line {reader.line_num} cannot be split into cells ({exc})"
        ) from None
    finally:
        csv.field_size_limit(limit)
    return records, last_offset


def _unclosed_quote(text: str, sep: str) -> bool:
    """Whether ``text`` (the last record onwards) ends inside a quoted cell."""
    try:
        list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def text_grid(path: Path, text: str) -> Grid:
    """The cells of a delimited text, every row checked against the header."""
    warnings: list[str] = []
    sep = _delimiter(path, text, warnings)
    records, last_offset = _records(path, text, sep)
    if not records:
        raise ExportReadError(path, "the file holds no rows", hint="export it again")
    header = records[0][1]
    width = len(header)
    named = [i for i, name in enumerate(header) if name.strip()]
    last_named = named[-1] + 1 if named else 0
    ended = text.endswith(("\n", "\r"))
    truncated = not ended
    cut = ""
    tail_line, tail = records[-1]
    if len(records) > 1 and _unclosed_quote(text[last_offset:], sep):
        spanned = text[last_offset:].count("\n") + 1
        if spanned > CUT_QUOTE_LINES:
            raise ExportReadError(
                path,
                f"a quoted cell opened in the row at line {tail_line} never closes, so the "
                f"remaining {spanned:,} lines would read as one cell",
                hint="look for a stray double quote in that row, or export the file again",
            )
        cut = f"a quoted cell in the row at line {tail_line} never closes"
    elif len(records) > 1 and not ended and len(tail) < last_named:
        cut = f"the row at line {tail_line} has {len(tail)} of the header's {width} cells"
    if cut:
        records.pop()
        truncated = True
        warnings.append(
            f"{path.name}: the file looks cut off: {cut} and the file ends without a line "
            "break; that row was left out. Download or export the file again"
        )
    elif truncated:
        warnings.append(
            f"{path.name}: the last line ({tail_line}) ends without a line break, which "
            "survey platforms always write: the file may be cut off, and its last row "
            "incomplete. Download or export the file again to be sure"
        )
    long_rows, short_rows = [], []
    cells = np.full((len(records), width), "", dtype=object)
    for i, (line, record) in enumerate(records):
        n = len(record)
        if n > width:
            if any(c.strip() for c in record[width:]):
                long_rows.append((line, n))
                continue
            record = record[:width]
        elif n < last_named:
            short_rows.append(line)
        cells[i, : len(record)] = record
    if long_rows:
        line, n = long_rows[0]
        raise ExportReadError(
            path,
            f"the rows do not line up with the header: the row at line {line} has {n} cells "
            f"where the header has {width} (rows at line(s) {_lines(r for r, _ in long_rows)})",
            hint="check for an unquoted delimiter in those rows or a cell added by hand; "
            "re-export the file",
        )
    if short_rows:
        warnings.append(
            f"{path.name}: {len(short_rows):,} row(s) have fewer cells than the header "
            f"(line(s) {_lines(short_rows)}); their missing cells read as blank. Check that "
            "the file was not edited by hand or cut"
        )
    return Grid(cells, warnings, truncated)
