"""Text and Excel exports of web survey platforms: decode, find the header rows, name the columns.

Recognised layouts (see the export-formats notes):

- Qualtrics: legacy (``V1..V10`` then question text, 2 header rows), Insights (3 rows, single-
  quoted ``{'ImportId': ...}``) and current (3 rows, JSON ImportIds with the time zone);
- SurveyMonkey: two header rows (question text above the first sub-column only, then
  ``Response`` / the choice text), or one flattened row (``question - choice``);
- REDCap: one row of field names, checkbox ``field___code`` columns, labels from the data
  dictionary when given;
- Google Forms: a ``Timestamp`` column then the full question texts;
- anything else: a generic CSV (or Excel sheet) with one header row.

Cells are read as text; a column whose every non-blank cell is a number becomes numeric (unless
a leading zero shows it is an identifier). Blank cells are missing.
"""

from __future__ import annotations

import ast
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ExportReadError
from .text import decode, text_grid
from .zipped import excel_grid

__all__ = ["PLATFORMS", "Layout", "iana_zone", "looks_like_identifier", "read_excel", "read_text"]

PLATFORMS = (
    "spss",
    "stata",
    "sas",
    "qualtrics",
    "surveymonkey",
    "redcap",
    "google_forms",
    "csv",
    "excel",
)
SM_PLAIN = {"", "Response", "Open-Ended Response"}
SM_OTHER = "Other (please specify)"
IDENTIFIER_NAMES = {
    "ip",
    "ipaddress",
    "email",
    "emailaddress",
    "name",
    "fullname",
    "firstname",
    "lastname",
    "namefirst",
    "namelast",
    "phone",
    "phonenumber",
    "telephone",
    "mobile",
    "address",
    "streetaddress",
    "latitude",
    "longitude",
    "locationlatitude",
    "locationlongitude",
    "dob",
    "dateofbirth",
    "memberid",
    "membernumber",
    "externalreference",
    "externaldatareference",
    "customdata1",
}
IDENTIFIER_PREFIXES = ("recipient", "email", "phone", "telephone", "ipaddress")
SEEN_UNANSWERED = -99
REDCAP_STATUS = {0: "Incomplete", 1: "Unverified", 2: "Complete"}
TAG = re.compile(r"^(?P<base>.+?)_(?P<choice>-?\d+)$")
HTML_TAG = re.compile(r"<[^>]+>")
TEXT = pd.api.types.pandas_dtype("str")  # looked up once: per column it costs as much as a read


@dataclass
class Layout:
    """An export's data and the ``ExportMeta`` fields its platform layout yields."""

    platform: str
    layout: str
    data: pd.DataFrame
    questions: dict = field(default_factory=dict)
    variable_labels: dict = field(default_factory=dict)
    value_labels: dict = field(default_factory=dict)
    missing_values: dict = field(default_factory=dict)
    multi_select: dict = field(default_factory=dict)
    other_text: dict = field(default_factory=dict)
    identifiers: list = field(default_factory=list)
    encoding: str | None = None
    encoding_fallback: bool = False
    timezone: str | None = None
    time_zones: dict = field(default_factory=dict)
    fallback_lines: tuple = ()
    possibly_truncated: bool = False
    warnings: list = field(default_factory=list)


def iana_zone(name) -> str | None:
    """The IANA time-zone name ``name`` stands for, or None when it names no zone.

    ``"Z"`` and ``"UTC"`` (as Qualtrics and ISO 8601 write it) are ``"UTC"``.

    Examples
    --------
    >>> iana_zone("America/Denver"), iana_zone("Z"), iana_zone("Mars/Olympus_Mons")
    ('America/Denver', 'UTC', None)
    """
    text = str(name or "").strip()
    if text.upper() in ("Z", "UTC", "ETC/UTC"):
        return "UTC"
    if not text or text.startswith(("/", ".")) or ".." in text:
        return None
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return text


def looks_like_identifier(column: str) -> bool:
    """Whether a column's name says it holds a direct identifier (email, IP, name, phone...)."""
    key = re.sub(r"[^a-z0-9]", "", str(column).lower())
    return key in IDENTIFIER_NAMES or key.startswith(IDENTIFIER_PREFIXES)


def _plain(text: str) -> str:
    """Question text without HTML tags and with single spaces."""
    return " ".join(HTML_TAG.sub(" ", str(text)).split())


def read_text(path: Path, raw: bytes, *, platform: str, encoding: str | None, dictionary) -> Layout:
    """A delimited text export (CSV, TSV, TXT) of any recognised platform."""
    decoded = decode(path, raw, encoding)
    if "\x00" in decoded.text:
        raise ExportReadError(
            path,
            "it holds binary data, not text",
            hint="check that it is the survey export and that it is not corrupt",
        )
    grid = text_grid(path, decoded.text)
    layout = _layout(path, grid.cells, platform, dictionary, default="csv")
    layout.encoding, layout.encoding_fallback = decoded.encoding, decoded.fallback
    layout.fallback_lines = decoded.fallback_lines
    layout.possibly_truncated = grid.possibly_truncated
    layout.warnings = [*decoded.warnings, *grid.warnings]
    return layout


def read_excel(path: Path, raw: bytes, *, platform: str, dictionary) -> Layout:
    """The first sheet of an ``.xlsx`` workbook, with the same header layouts as text exports."""
    layout = _layout(path, excel_grid(path, raw), platform, dictionary, default="excel")
    layout.encoding = "xlsx"
    return layout


# --- Layouts ------------------------------------------------------------------------------------


def _layout(path: Path, grid: np.ndarray, platform: str, dictionary, default: str) -> Layout:
    rows = [list(grid[i]) for i in range(min(3, len(grid)))]
    if not rows or not grid.shape[1]:
        raise ExportReadError(path, "the file holds no rows", hint="export it again")
    head = [str(c).lstrip("\ufeff").strip() for c in rows[0]]
    if head and head[0] == "Variable / Field Name":
        raise ExportReadError(
            path,
            "it is a REDCap data dictionary, not a data export",
            hint="read the data export and pass this file as data_dictionary=",
        )
    kind, name = _detect(head, rows, dictionary)
    if platform in ("csv", "excel"):
        kind, name = "csv", "generic"
    elif platform not in ("auto", kind):
        raise ExportReadError(
            path,
            f"it does not look like a {platform} export (its header looks {name})",
            hint="call read_export with platform='auto', or 'csv' to read it as a plain table",
        )
    if name == "qualtrics-legacy" and len(rows) < 2:
        raise ExportReadError(
            path,
            "it starts like a legacy Qualtrics export (V1, V2, ...) but has no second header "
            "row of field names",
            hint="export the file again, or pass platform='csv' to read it as a plain table",
        )
    if kind == "qualtrics":
        layout = _qualtrics(grid, head, rows, name)
    elif kind == "surveymonkey":
        layout = _surveymonkey(grid, head, rows, name)
    else:
        layout = _one_row(grid, head, kind, name)
        if kind == "redcap":
            _redcap(layout, dictionary)
    if kind not in ("qualtrics", "surveymonkey", "redcap", "google_forms"):
        layout.platform = default
    return layout


IMPORT_ID_CHARS = 2000  # a Qualtrics ImportId cell is a short dict; a longer cell is not one


def _import_id(cell: str) -> dict | None:
    cell = cell.strip()
    if not cell.startswith("{") or len(cell) > IMPORT_ID_CHARS:
        return None
    try:
        value = json.loads(cell)
    except ValueError:
        try:
            value = ast.literal_eval(cell)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return None
    return value if isinstance(value, dict) and "ImportId" in value else None


def _detect(head: list[str], rows: list[list[str]], dictionary) -> tuple[str, str]:
    if head[:2] == ["V1", "V2"]:
        return "qualtrics", "qualtrics-legacy"
    if len(rows) > 2:
        ids = [_import_id(c) for c in rows[2] if str(c).strip()]
        if ids and sum(i is not None for i in ids) >= len(ids) / 2:
            style = "insights" if str(rows[2][0]).strip().startswith("{'") else "current"
            return "qualtrics", f"qualtrics-{style}"
    keys = {re.sub(r"\W", "", h.lower()) for h in head}
    second = [str(c).strip() for c in rows[1]] if len(rows) > 1 else []
    marks = sum(c in ("Response", "Open-Ended Response", SM_OTHER) for c in second)
    if marks and marks >= 0.2 * len(second):  # SurveyMonkey's sub-answer row, whatever row 1 is
        return "surveymonkey", "surveymonkey-2row"
    if "respondentid" in keys or {"collectorid", "startdate"} <= keys:
        return "surveymonkey", "surveymonkey-1row"
    if (
        dictionary is not None
        or any(h.startswith("redcap_") for h in head)
        or head[0] == "record_id"
        or (any("___" in h for h in head) and any(h.endswith("_complete") for h in head))
    ):
        return "redcap", "redcap"
    if head[0] == "Timestamp":
        return "google_forms", "google_forms"
    return "csv", "generic"


def _unique(names: list[str]) -> list[str]:
    """Column names made unique: a repeat gets `` (2)``, `` (3)``... unless a column has it."""
    names = [str(n) or "unnamed" for n in names]
    taken = set(names)
    seen: set[str] = set()
    following: dict[str, int] = {}  # the next number to try for each repeated name
    out = []
    for name in names:
        if name in seen:
            k = following.get(name, 2)
            while f"{name} ({k})" in taken:
                k += 1
            following[name] = k + 1
            name = f"{name} ({k})"
            taken.add(name)
        seen.add(name)
        out.append(name)
    return out


def _body(grid: np.ndarray, skip: int, names: list[str]) -> pd.DataFrame:
    """The data rows under ``skip`` header rows, blank trailing columns dropped, types inferred.

    Numbers where every non-blank cell of a column is one (no leading zeros: those are
    identifiers); whole numbers become ``Int64``. The whole grid is inferred at once, so the
    time grows with the number of cells, not with columns times a per-column cost.
    """
    cells = grid[skip:]
    n_rows = cells.shape[0]
    stripped = np.array([c.strip() for c in cells.reshape(-1).tolist()], dtype=object)
    blank = (stripped == "").reshape(cells.shape)
    # Only columns whose first cell is blank or a number can be numeric: the others are text,
    # and their cells are not parsed (most columns of a wide export are labelled answers).
    stripped = stripped.reshape(cells.shape)
    maybe = np.ones(cells.shape[1], dtype=bool)
    if n_rows:
        first = pd.to_numeric(pd.Series(stripped[0]).where(~blank[0]), errors="coerce")
        maybe = blank[0] | first.notna().to_numpy()
    numbers = np.full(cells.shape, np.nan)
    zero = np.zeros(cells.shape, dtype=bool)
    if n_rows and maybe.any():
        some = stripped[:, maybe].reshape(-1).tolist()
        zero[:, maybe] = np.array(
            [
                (s[:1] == "0" and s[1:2].isdigit()) or (s[:2] == "-0" and s[2:3].isdigit())
                for s in some
            ],
            dtype=bool,
        ).reshape(n_rows, -1)
        some = pd.Series(some, dtype=object)
        parsed = pd.to_numeric(some.where(some != ""), errors="coerce")
        numbers[:, maybe] = parsed.to_numpy(dtype=float).reshape(n_rows, -1)
    missing = np.isnan(numbers)
    numeric = maybe & ~blank.all(axis=0) & ~((~blank & missing) | zero).any(axis=0)
    with np.errstate(invalid="ignore"):
        whole = ((numbers % 1 == 0) | missing).all(axis=0)
        whole &= np.nanmax(np.where(missing, 0, np.abs(numbers)), axis=0, initial=0) < 2**53
    exact = np.where(missing, 0, numbers)
    exact[~(np.abs(exact) < 2**53)] = 0  # columns holding these are not "whole"
    ints = np.ascontiguousarray(exact.astype(np.int64).T)
    floats, masks = np.ascontiguousarray(numbers.T), np.ascontiguousarray(missing.T)
    texts = np.ascontiguousarray(np.where(blank, None, cells).T)
    columns = {}
    for j, name in enumerate(names):
        if name.startswith("unnamed") and blank[:, j].all():
            continue
        if numeric[j] and whole[j]:
            columns[name] = pd.arrays.IntegerArray(ints[j], masks[j])
        elif numeric[j]:
            columns[name] = floats[j]
        else:
            columns[name] = pd.array(texts[j], dtype=TEXT)
    return pd.DataFrame(columns, index=pd.RangeIndex(n_rows))


def _one_row(grid: pd.DataFrame, head: list[str], kind: str, name: str) -> Layout:
    names = _unique(head)
    data = _body(grid, 1, names)
    questions = {c: _plain(c) for c in data.columns}
    layout = Layout(kind, name, data, questions=questions)
    if kind == "redcap":
        return layout
    groups: dict[str, list[str]] = {}
    for col in data.columns:
        if " - " in col:
            groups.setdefault(col.rsplit(" - ", 1)[0], []).append(col)
        elif kind == "google_forms" and col.endswith("]") and " [" in col:
            groups.setdefault(col.rsplit(" [", 1)[0], []).append(col)
    _multi_and_other(layout, groups, lambda col: col.rsplit(" - ", 1)[-1])
    return layout


def _qualtrics(grid: pd.DataFrame, head: list[str], rows, name: str) -> Layout:
    if name == "qualtrics-legacy":
        texts = [str(c) for c in rows[1]]
        names = [t if re.fullmatch(r"V\d+", h) else h for h, t in zip(head, texts)]
        skip = 2
    else:
        texts, names, skip = [str(c) for c in rows[1]], head, 3
    names = _unique(names)
    data = _body(grid, skip, names)
    questions = {n: _plain(t) for n, t in zip(names, texts) if n in data.columns}
    layout = Layout("qualtrics", name, data, questions=questions, variable_labels=dict(questions))
    if skip == 3:  # the current layout states the zone of each timestamp column
        for col, cell in zip(names, rows[2]):
            zone = iana_zone((_import_id(str(cell)) or {}).get("timeZone"))
            if zone and col in data.columns:
                layout.time_zones[col] = zone
                layout.timezone = layout.timezone or zone
    numbers = data.select_dtypes("number")  # Qualtrics' recode for "seen but not answered"
    for col in numbers.columns[(numbers == SEEN_UNANSWERED).any().to_numpy()]:
        layout.missing_values[col] = [SEEN_UNANSWERED]
    groups: dict[str, list[str]] = {}
    for col in data.columns:
        match = TAG.match(col)
        if match and not col.endswith("_TEXT"):
            groups.setdefault(match["base"], []).append(col)

    def choice(col: str) -> str:
        text = questions.get(col, "")
        return text.rsplit(" - ", 1)[-1] if " - " in text else text.rsplit("-", 1)[-1]

    _multi_and_other(layout, groups, choice)
    for col in data.columns:
        if not col.endswith("_TEXT") or col in layout.other_text:
            continue
        parent = col[: -len("_TEXT")]
        match = TAG.match(parent)
        if parent not in data.columns and match and match["base"] in data.columns:
            parent = match["base"]  # Q4_97_TEXT: the "Other" text of single choice Q4
        if parent in data.columns:
            layout.other_text[col] = parent
    return layout


def _surveymonkey(grid: pd.DataFrame, head: list[str], rows, name: str) -> Layout:
    if name == "surveymonkey-1row":
        layout = _one_row(grid, head, "surveymonkey", name)
        for col in layout.data.columns:
            if col.endswith(f" - {SM_OTHER}") and col not in _flat(layout.multi_select):
                parent = col.rsplit(" - ", 1)[0]
                if parent in layout.data.columns:
                    layout.other_text[col] = parent
        return layout
    subs = [str(c).strip() for c in rows[1]]
    questions, names, current = [], [], ""
    for top, sub in zip(head, subs):
        current = _plain(top) if top else current
        questions.append(current)
        names.append(current if sub in SM_PLAIN else f"{current} - {_plain(sub)}")
    names = _unique(names)
    data = _body(grid, 2, names)
    kept = [i for i, n in enumerate(names) if n in data.columns]
    layout = Layout(
        "surveymonkey",
        name,
        data,
        questions={names[i]: questions[i] for i in kept},
        variable_labels={names[i]: names[i] for i in kept},
    )
    groups: dict[str, list[str]] = {}
    for i in kept:
        if subs[i] not in SM_PLAIN:
            groups.setdefault(questions[i], []).append(names[i])
    sub_of = {n: _plain(s) for n, s in zip(names, subs)}
    _multi_and_other(layout, groups, sub_of.__getitem__)
    for i in kept:  # "Other (please specify)" text of a single choice: under the same header
        col, parent = names[i], questions[i]
        if (
            subs[i].lower().startswith("other")
            and col not in _flat(layout.multi_select)
            and col not in layout.other_text
            and parent in data.columns
        ):
            layout.other_text[col] = parent
    return layout


def _flat(groups: dict) -> set:
    return {c for cols in groups.values() for c in cols}


def _multi_and_other(layout: Layout, groups: dict, choice) -> None:
    """Mark check-all groups (cells are blank, 1, or the choice text) and their "Other" text."""
    data = layout.data
    for question, cols in groups.items():
        ticks, texts = [], []
        for col in cols:
            values = data[col].dropna()
            values = values[~values.isin(layout.missing_values.get(col, []))]
            label = " ".join(choice(col).split())
            if (
                values.empty
                or (values.astype(str).str.split().str.join(" ") == label).all()
                or (pd.api.types.is_numeric_dtype(values) and values.isin([0, 1]).all())
            ):
                ticks.append(col)
            elif label.lower().startswith("other") and ticks:
                texts.append(col)
        if len(ticks) >= 2 and any(data[c].notna().any() for c in ticks):
            layout.multi_select[question] = ticks
            for col in texts:
                layout.other_text[col] = cols[cols.index(col) - 1]


# --- REDCap -------------------------------------------------------------------------------------


def _choices(spec: str) -> dict:
    out = {}
    for part in str(spec).split("|"):
        code, _, label = part.strip().partition(",")
        if code.strip():
            code = code.strip()
            out[int(code) if re.fullmatch(r"-?\d+", code) else code] = _plain(label)
    return out


VALIDATION = "Text Validation Type OR Show Slider Number"


def _comma_decimal(values: pd.Series) -> pd.Series:
    """REDCap ``number_comma_decimal`` answers ("1,54") as numbers, when every one reads so."""
    text = values.astype("string").str.strip().replace("", pd.NA)
    parsed = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    return parsed.astype(float) if (parsed.notna() | text.isna()).all() else values


def _redcap(layout: Layout, dictionary: pd.DataFrame | None) -> None:
    data = layout.data
    cols = list(data.columns)
    fields = {}
    if dictionary is not None:
        fields = {row["Variable / Field Name"]: row for _, row in dictionary.iterrows()}
    for col in cols:
        if col.endswith("_complete"):
            layout.value_labels[col] = dict(REDCAP_STATUS)
            layout.variable_labels[col] = f"Form status: {col.removesuffix('_complete')}"
    checkbox: dict[str, list[str]] = {}
    for col in cols:
        if "___" in col:
            checkbox.setdefault(col.split("___")[0], []).append(col)
    layout.multi_select.update(checkbox)
    for name, row in fields.items():
        label = _plain(row.get("Field Label", ""))
        kind = row.get("Field Type", "")
        choices = _choices(row.get("Choices, Calculations, OR Slider Labels", ""))
        members = checkbox.get(name, [name] if name in data.columns else [])
        for col in members:
            if kind == "checkbox":
                code = col.split("___", 1)[1]
                pick = {str(k).lower(): v for k, v in choices.items()}.get(code, code)
                layout.variable_labels[col] = f"{label} - {pick}"
                layout.value_labels[col] = {0: "Unchecked", 1: "Checked"}
            else:
                layout.variable_labels[col] = label
                if kind in ("radio", "dropdown") and choices:
                    layout.value_labels[col] = choices
                elif kind == "yesno":
                    layout.value_labels[col] = {0: "No", 1: "Yes"}
                elif kind == "truefalse":
                    layout.value_labels[col] = {0: "False", 1: "True"}
            layout.questions[col] = label
            if "comma_decimal" in str(row.get(VALIDATION, "")):
                data[col] = _comma_decimal(data[col])
            if str(row.get("Identifier?", "")).strip().lower() == "y":
                layout.identifiers.append(col)
