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
import csv
import io
import itertools
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import ExportReadError

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


# --- Decoding -----------------------------------------------------------------------------------


def decode(path: Path, raw: bytes, encoding: str | None) -> tuple[str, str, bool]:
    """Text of ``raw``: (text, encoding used, whether it was a fallback from UTF-8)."""
    if encoding:
        try:
            return raw.decode(encoding), encoding, False
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
    for bom, name in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if raw.startswith(bom):
            return _strict(path, raw, name), name, False
    if len(raw) > 3 and raw[1:2] == b"\x00" and raw[3:4] == b"\x00":
        return _strict(path, raw, "utf-16-le"), "utf-16-le", False
    if len(raw) > 3 and raw[0:1] == b"\x00" and raw[2:3] == b"\x00":
        return _strict(path, raw, "utf-16-be"), "utf-16-be", False
    try:
        return raw.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252", True
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1", True


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


# --- Reading the grid ---------------------------------------------------------------------------


def _delimiter(path: Path, text: str) -> str:
    """The delimiter that splits the first records into the most fields, consistently."""
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    sample = text[:65536]
    best, score = ",", (0, 0)
    for sep in (",", "\t", ";", "|"):
        widths = [
            len(r)
            for r in itertools.islice(csv.reader(io.StringIO(sample, newline=""), delimiter=sep), 5)
        ]
        if widths and widths[0] > 1:
            candidate = (sum(w == widths[0] for w in widths), widths[0])
            if candidate > score:
                best, score = sep, candidate
    return best


def _grid(path: Path, text: str) -> pd.DataFrame:
    """Every record of a delimited text as strings ("" for blank), header rows included."""
    sep = _delimiter(path, text)
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError:
        raise ExportReadError(path, "the file holds no rows", hint="export it again") from None
    except pd.errors.ParserError as exc:
        raise ExportReadError(
            path,
            f"the rows do not line up with the header ({exc})",
            hint="check that the file was not cut off or edited by hand; re-export it",
        ) from None


def read_text(path: Path, raw: bytes, *, platform: str, encoding: str | None, dictionary) -> Layout:
    """A delimited text export (CSV, TSV, TXT) of any recognised platform."""
    text, used, fallback = decode(path, raw, encoding)
    if "\x00" in text:
        raise ExportReadError(
            path,
            "it holds binary data, not text",
            hint="check that it is the survey export and that it is not corrupt",
        )
    layout = _layout(path, _grid(path, text), platform, dictionary, default="csv")
    layout.encoding, layout.encoding_fallback = used, fallback
    return layout


def read_excel(path: Path, raw: bytes, *, platform: str, dictionary) -> Layout:
    """The first sheet of an ``.xlsx`` workbook, with the same header layouts as text exports."""
    try:
        grid = pd.read_excel(
            io.BytesIO(raw), sheet_name=0, header=None, dtype=object, keep_default_na=False
        )
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ExportReadError(
            path, f"the workbook is corrupt or not an .xlsx file ({type(exc).__name__}: {exc})"
        ) from None
    grid = grid.map(_cell_text)
    layout = _layout(path, grid, platform, dictionary, default="excel")
    layout.encoding = "xlsx"
    return layout


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    return str(value)


# --- Layouts ------------------------------------------------------------------------------------


def _layout(path: Path, grid: pd.DataFrame, platform: str, dictionary, default: str) -> Layout:
    rows = [list(grid.iloc[i]) for i in range(min(3, len(grid)))]
    if not rows:
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


def _import_id(cell: str) -> dict | None:
    cell = cell.strip()
    if not cell.startswith("{"):
        return None
    try:
        value = json.loads(cell)
    except ValueError:
        try:
            value = ast.literal_eval(cell)
        except (ValueError, SyntaxError):
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
    seen: dict[str, int] = {}
    out = []
    for name in names:
        name = name or "unnamed"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _body(grid: pd.DataFrame, skip: int, names: list[str]) -> pd.DataFrame:
    """The data rows under ``skip`` header rows, blank trailing columns dropped, types inferred."""
    body = grid.iloc[skip:].reset_index(drop=True)
    body.columns = names
    drop = [
        c
        for c, n in zip(body.columns, names)
        if n.startswith("unnamed") and not (body[c] != "").any()
    ]
    body = body.drop(columns=drop)
    return pd.DataFrame({col: _infer(body[col]) for col in body.columns}, index=body.index)


def _infer(values: pd.Series) -> pd.Series:
    """Numbers where every non-blank cell is one (no leading zeros: those are identifiers)."""
    blank = values.isna() | (values.str.strip() == "")
    filled = values[~blank]
    if not filled.empty and not filled.str.match(r"^\s*-?0\d").any():
        numbers = pd.to_numeric(filled.str.strip(), errors="coerce")
        if numbers.notna().all():
            out = pd.to_numeric(values.where(~blank).str.strip(), errors="coerce")
            whole = (numbers % 1 == 0).all() and numbers.abs().max() < 2**53
            return out.astype("Int64") if whole else out.astype("float64")
    return values.where(~blank)


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
    for col in data.columns:  # Qualtrics' default recode for "seen but not answered"
        if pd.api.types.is_numeric_dtype(data[col]) and (data[col] == SEEN_UNANSWERED).any():
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
    _multi_and_other(layout, groups, lambda col: _plain(subs[names.index(col)]))
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
