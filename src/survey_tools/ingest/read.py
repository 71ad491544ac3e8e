"""Read a survey export as it arrives: ``read_export(path) -> Export``.

The file's format is decided by its first bytes, not its name alone: SPSS (``.sav``, ``.zsav``,
``.por``), Stata (``.dta``), SAS (``.sas7bdat``, ``.xpt``) go through pyreadstat with their
labels and user-defined missing values kept; text and Excel exports go through
:mod:`survey_tools.ingest.platforms`, which recognises Qualtrics, SurveyMonkey, REDCap and
Google Forms layouts. Raw codes are kept: an SPSS user-missing ``99`` stays ``99``, a Stata
``.a`` stays ``"a"``; :func:`survey_tools.clean` turns them into missing values with their
reasons.

Every failure a user can cause (wrong file, wrong name, encrypted, corrupt, undecodable) is an
:class:`~survey_tools.ExportReadError` naming the file, the cause and the fix. The raw file is
only ever opened for reading.
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import ExportReadError
from .binary import BINARY, read_binary
from .limits import check_regular_file
from .platforms import PLATFORMS, Layout, looks_like_identifier, read_excel, read_text
from .zipped import unzip

__all__ = ["Export", "ExportMeta", "read_export"]

TEXT_EXT = (".csv", ".tsv", ".txt", ".tab")
EXCEL_EXT = (".xlsx", ".xlsm")
HEAD = 4096  # bytes read to recognise a format
SAS_MAGIC = bytes.fromhex("000000000000000000000000c2ea8160b31411cfbd92080009c7318c181f1011")


@dataclass(frozen=True)
class ExportMeta:
    """What an export says about itself, beside the data.

    Attributes
    ----------
    platform
        ``"spss"``, ``"stata"``, ``"sas"``, ``"qualtrics"``, ``"surveymonkey"``, ``"redcap"``,
        ``"google_forms"``, ``"csv"`` or ``"excel"``.
    source_path, sha256
        The file read and the SHA-256 of its bytes, to cite in a methodology note.
    variable_labels, value_labels
        ``{column: label}`` and ``{column: {code: label}}``.
    missing_values
        ``{column: [code or (lo, hi), ...]}``: SPSS user-missing codes and ranges, Stata/SAS
        tagged missing letters (``"a"``), Qualtrics seen-but-unanswered recodes.
    questions
        ``{column: question text}`` (the variable label where the format has no other).
    multi_select
        ``{question: [columns]}`` for check-all-that-apply questions.
    other_text
        ``{text column: the column of its "Other (please specify)" choice}``.
    identifiers
        Columns that hold direct identifiers (names, emails, IPs, locations, ids).
    layout
        The platform layout recognised, e.g. ``"qualtrics-legacy"`` or ``"surveymonkey-2row"``.
    encoding, encoding_fallback
        The text encoding used, and whether it was a fallback after UTF-8 failed.
    fallback_lines
        Line numbers (1-based, as an editor counts them) of a text export that were not valid
        UTF-8 while the rest of the file is, and were decoded as Windows-1252 on their own;
        empty when the file decoded as a whole. A sentence in ``warnings`` says the same.
    possibly_truncated
        True when a text export does not end with a line break (survey platforms always end
        with one), so it may have been cut off; ``warnings`` says what was done about it.
    timezone, file_label, notes
        The declared time zone of timestamps (an IANA name such as ``"America/Denver"``; UTC as
        ``"UTC"``), the file label and notes, where the file has them.
    time_zones
        ``{column: IANA zone}`` for each timestamp column whose zone the export states (the
        ``timeZone`` of a Qualtrics ImportId header). The cells themselves stay as written (local
        times without an offset); :func:`survey_tools.clean` reads them in that zone.
    measures
        ``{column: "nominal" | "ordinal" | "scale"}`` where the file states a measurement level
        (SPSS).
    warnings
        What looked wrong while reading, one sentence each naming the column or line (a header
        that looks mis-decoded, such as ``"?Œæ"``; rows with fewer cells than the header; a
        file that looks cut off; lines decoded as Windows-1252; a ``.tsv`` separated by
        commas); each is also issued as a ``UserWarning`` and :func:`survey_tools.clean`
        writes it to its log.

    The fields can also be read as a mapping: ``meta["platform"]``.
    """

    platform: str
    source_path: Path
    sha256: str
    variable_labels: dict = field(default_factory=dict)
    value_labels: dict = field(default_factory=dict)
    missing_values: dict = field(default_factory=dict)
    questions: dict = field(default_factory=dict)
    multi_select: dict = field(default_factory=dict)
    other_text: dict = field(default_factory=dict)
    identifiers: tuple = ()
    layout: str = ""
    encoding: str | None = None
    encoding_fallback: bool = False
    timezone: str | None = None
    time_zones: dict = field(default_factory=dict)
    file_label: str | None = None
    notes: tuple = ()
    measures: dict = field(default_factory=dict)
    warnings: tuple = ()
    fallback_lines: tuple = ()
    possibly_truncated: bool = False

    def __getitem__(self, key: str):
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None


@dataclass(frozen=True)
class Export:
    """A survey export as read: one row per response (header rows removed), raw codes kept."""

    data: pd.DataFrame
    meta: ExportMeta

    def __repr__(self) -> str:
        rows, cols = self.data.shape
        return (
            f"Export({self.meta.platform}, {rows:,} rows x {cols:,} columns, "
            f"{self.meta.source_path.name})"
        )


def read_export(
    path: str | os.PathLike,
    *,
    platform: str = "auto",
    encoding: str | None = None,
    data_dictionary: str | os.PathLike | None = None,
) -> Export:
    """Read a survey export with its labels, missing codes and question texts.

    Parameters
    ----------
    path
        The export: ``.sav``, ``.zsav``, ``.por``, ``.dta``, ``.sas7bdat``, ``.xpt``, ``.csv``,
        ``.tsv``, ``.txt``, ``.xlsx``, or a ``.zip`` holding one of them (Qualtrics API).
    platform
        ``"auto"`` (recognise it) or one of ``ExportMeta.platform``'s values to insist on it.
    encoding
        Text encoding, when the file's own declaration (or UTF-8 for text) is wrong, e.g.
        ``"latin1"``. Without it, text falls back from UTF-8 to Windows-1252 and says so in
        ``meta.encoding_fallback``; a file that is UTF-8 but for a few lines has only those
        lines decoded as Windows-1252 (``meta.fallback_lines``).
    data_dictionary
        A REDCap data dictionary (CSV) giving labels, choices and identifier flags.

    Returns
    -------
    Export
        ``.data`` (one row per response) and ``.meta`` (:class:`ExportMeta`).

    Raises
    ------
    ExportReadError
        The file is missing, empty, encrypted, corrupt, truncated, misnamed, not an ordinary
        file (a pipe or a device), cannot be decoded, has rows with more cells than its
        header, or is beyond a size limit. The limits (file and unzipped bytes, cells,
        columns, cell length) are settings in :mod:`survey_tools.ingest.limits`; the error
        names the one passed and how to raise it, e.g.
        ``survey_tools.ingest.limits.LIMITS.max_cells = 200_000_000``.

    Warns
    -----
    UserWarning
        For what is read but looked wrong (also kept in ``meta.warnings``): rows with fewer
        cells than the header, a text file whose last line has no line break (possibly cut;
        a visibly incomplete last row is left out), lines decoded as Windows-1252 in an
        otherwise UTF-8 file, a ``.tsv`` whose cells are separated by commas, garbled headers.

    Examples
    --------
    >>> from survey_tools import read_export
    >>> export = read_export("data/raw/demo/guild_ai_survey_2026.sav")
    >>> export.meta.platform, export.meta.value_labels["ai_lost_work"][1.0]
    ('spss', 'Yes')
    """
    path = Path(path)
    if platform != "auto" and platform not in PLATFORMS:
        raise ExportReadError(
            path, f"unknown platform {platform!r}", hint=f"use 'auto' or one of {PLATFORMS}"
        )
    content, digest = _content(path)
    name, raw = unzip(path) if path.suffix.lower() == ".zip" else (path.name, content)
    kind = _sniff(path, name, raw[:HEAD])
    if kind in BINARY and raw is not content:
        raise ExportReadError(path, f"the zip holds {BINARY[kind][1]}", hint="unzip it first")
    if kind in BINARY:
        if platform not in ("auto", kind.split("_")[0]):
            raise ExportReadError(
                path,
                f"it is {BINARY[kind][1]}, not a {platform} export",
                hint="call read_export without platform= to read it as what it is",
            )
        if data_dictionary is not None:
            raise ExportReadError(
                path,
                "a data dictionary only applies to REDCap CSV exports",
                hint="leave out data_dictionary=",
            )
        data, fields = read_binary(path, kind, raw, encoding)
        return Export(data, ExportMeta(source_path=path, sha256=digest, **fields))
    dictionary = _read_dictionary(Path(data_dictionary)) if data_dictionary is not None else None
    if kind == "excel":
        layout = read_excel(path, raw, platform=platform, dictionary=dictionary)
    else:
        layout = read_text(path, raw, platform=platform, encoding=encoding, dictionary=dictionary)
    return _export(path, digest, layout)


def _content(path: Path) -> tuple[bytes, str]:
    """The bytes of the file (an ordinary file within the size limit) and their SHA-256."""
    size = check_regular_file(path)
    try:
        with open(path, "rb") as fh:
            content = fh.read(size + 1)
    except OSError as exc:
        raise ExportReadError(path, exc.strerror or str(exc)) from None
    if not content:
        raise ExportReadError(path, "the file is empty", hint="download the export again")
    return content, hashlib.sha256(content).hexdigest()


def check_export_format(path: str | os.PathLike) -> str:
    """The export's format from its first bytes, checked against its name, without reading it.

    What :func:`read_export` refuses first (a missing, empty or encrypted file, an ``.xls``
    workbook, a file whose name and content disagree) is refused here in a moment, so a long
    run (``survey-tools memo``) can fail before it starts. Zipped exports are checked when read.
    """
    path = Path(path)
    check_regular_file(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD)
    except OSError as exc:
        raise ExportReadError(path, exc.strerror or str(exc)) from None
    if not head:
        raise ExportReadError(path, "the file is empty", hint="download the export again")
    return "zip" if path.suffix.lower() == ".zip" else _sniff(path, path.name, head)


def _magic(raw: bytes) -> str | None:
    head = raw[:64]
    if head.startswith((b"$FL2", b"$FL3")):
        return "spss"
    if head[8:20] == b"ENCRYPTEDSAV":
        return "encrypted"
    if head.startswith(b"<stata_dta>") or (
        len(head) > 2 and 102 <= head[0] <= 115 and head[1] in (1, 2) and head[2] == 1
    ):
        return "stata"
    if raw[:32] == SAS_MAGIC:
        return "sas"
    if head.startswith(b"HEADER RECORD*******LIB"):
        return "sas_xpt"
    if b"SPSSPORT" in raw[:1024] or raw[:40].strip().startswith(b"ASCII SPSS PORT FILE"):
        return "spss_por"
    if head.startswith(b"PK\x03\x04"):
        return "excel"
    if head.startswith(bytes.fromhex("d0cf11e0a1b11ae1")):
        return "xls"
    return None


def _sniff(path: Path, name: str, raw: bytes) -> str:
    """The format of ``raw``, checked against the file's extension."""
    ext = Path(name).suffix.lower()
    magic = _magic(raw)
    if magic == "encrypted":
        raise ExportReadError(
            path,
            "the SPSS file is encrypted with a password",
            hint="open it in SPSS and save it again without encryption",
        )
    if magic == "xls":
        raise ExportReadError(
            path,
            "it is an old-style Excel .xls workbook, which is not supported",
            hint="open it in Excel and save it as .xlsx or CSV",
        )
    expected = next((kind for kind, (exts, _) in BINARY.items() if ext in exts), None)
    if ext in EXCEL_EXT:
        expected = "excel"
    if expected and magic != expected:
        what = BINARY.get(expected, ((), "an Excel .xlsx workbook"))[1]
        if magic is None:
            start = raw[:16].decode("latin-1").encode("unicode_escape").decode()
            is_text = _is_text(raw)
            raise ExportReadError(
                path,
                f"it is not {what}: it starts with {start!r}"
                + (" and holds plain text" if is_text else "; it may be corrupt or truncated"),
                hint="rename it .csv if it is a CSV export"
                if is_text
                else "download or export the file again",
            )
        actual = BINARY.get(magic, ((), "an Excel workbook"))[1]
        raise ExportReadError(
            path,
            f"the file is named {ext} but it is {actual}",
            hint="give it the right extension",
        )
    if magic and ext in TEXT_EXT:
        actual = BINARY.get(magic, ((), "an Excel workbook"))[1]
        raise ExportReadError(
            path, f"the file is named {ext} but it is {actual}", hint="give it the right extension"
        )
    if magic:
        return magic
    return "text"


def _is_text(raw: bytes) -> bool:
    sample = raw[:4096]
    return sum(b < 9 or 13 < b < 32 for b in sample) < 0.01 * len(sample)


def _read_dictionary(path: Path) -> pd.DataFrame:
    _content(path)  # the same plain errors as for the export itself
    try:
        table = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", encoding_errors="replace"
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise ExportReadError(path, f"the data dictionary is not a readable CSV ({exc})") from None
    if "Variable / Field Name" not in table.columns:
        raise ExportReadError(
            path,
            "it is not a REDCap data dictionary (no 'Variable / Field Name' column)",
            hint="download the data dictionary from REDCap's Dictionary page",
        )
    return table


def _export(path: Path, digest: str, layout: Layout) -> Export:
    if layout.data.shape[1] == 0:
        raise ExportReadError(path, "the file holds no columns", hint="export it again")
    fields = {k: v for k, v in vars(layout).items() if k != "data"}
    named = (c for c in layout.data.columns if looks_like_identifier(c))
    fields["identifiers"] = tuple(dict.fromkeys([*layout.identifiers, *named]))
    fields["warnings"] = (*layout.warnings, *_garbled_headers(path, layout))
    for message in fields["warnings"]:
        warnings.warn(message, UserWarning, stacklevel=3)
    return Export(layout.data, ExportMeta(source_path=path, sha256=digest, **fields))


# Characters a header shows when its bytes were decoded with the wrong code page: the
# replacement character, cp1252's rarely typed punctuation and ligatures, UTF-8 read as cp1252.
GARBLED = re.compile(
    "[\ufffd\u0152\u0153\u0160\u0161\u017d\u017e\u0178\u0192\u02c6\u02dc"
    "\u2020\u2021\u2030\u2039\u203a]|\u00c3[\u0080-\u00bf]|\u00e2\u20ac"
)


def _garbled_headers(path: Path, layout: Layout) -> list[str]:
    """One sentence per column whose name or header text looks mis-decoded."""
    out = []
    for col in layout.data.columns:
        texts = [str(col), layout.variable_labels.get(col), layout.questions.get(col)]
        bad = next((t for t in texts if t and GARBLED.search(str(t))), None)
        if bad is not None:
            out.append(
                f"{path.name}: the header of column {str(col)!r} looks garbled "
                f"({GARBLED.search(str(bad))[0]!r}, read as {layout.encoding or 'UTF-8'}): "
                "check the file's encoding, or name the column in the codebook as it reads"
            )
    return out
