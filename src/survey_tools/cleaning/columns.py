"""Clean one variable's raw column(s) into its canonical column(s), and say what was lost.

:class:`ColumnCleaner` turns the raw export column(s) of one codebook variable into the
canonical column(s) and returns a :class:`CleanColumn`: the values, the numeric codes used by
routing and the quality checks, which rows were not asked or gave a non-answer, and the log rows
that account for every value made missing. It keeps no state between variables.

Each value made missing has one of these reasons (the ``rule`` of its log row):

- ``missing code in export``: declared missing in the file (SPSS user-missing codes and ranges,
  Stata/SAS tagged missing, a Qualtrics seen-but-unanswered recode);
- ``missing code``: declared missing in the codebook (``missing:``, codes or ``"lo..hi"`` ranges;
  a draft puts there the file's declared codes and the codes labelled as non-answers);
- ``not asked``: a code the codebook's ``not_asked`` says means routed past the question;
- ``out of range``: outside the variable's ``valid`` range;
- ``not a choice``: a check-all cell that is neither ticked nor unticked;
- ``not a number``: a value of a numeric variable that is neither a number nor a declared code;
- ``not completed`` / ``unreadable date``: a REDCap ``[not completed]`` or a text that is no date.

A code that the codebook does not know is never made missing: it is kept as a visible level and
logged as ``unknown code`` with the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..ingest.read import ExportMeta
from .codebook import Variable
from .drafting import in_range
from .pay import PAY_STATUSES, parse_pay

__all__ = ["MISSING_RULES", "CleanColumn", "ColumnCleaner"]

TRUE_WORDS = {"1", "checked", "yes", "selected", "true"}
FALSE_WORDS = {"0", "unchecked", "no", "not selected", "false"}
NOT_COMPLETED = {"[not completed]"}
KINDS = ("code", "missing", "not_asked", "declared", "number", "unknown", "blank")
MISSING_RULES = {  # log rule -> reason shown in the "made missing" report
    "missing code in export": "declared missing in the export",
    "missing code": "missing code in the codebook",
    "not asked": "not asked (routing)",
    "out of range": "out of the valid range",
    "not a choice": "neither ticked nor unticked",
    "not a number": "not a number in a numeric variable",
    "not completed": "REDCap [not completed]",
    "unreadable date": "not a date",
}
_PAY_DETAIL = {
    "exact": "a single amount per hour",
    "range": "a range: its midpoint",
    "total": "an amount for a number of hours: divided by the hours",
    "approximate": "an approximate amount ('about 40')",
    "blank": "no answer",
    "unparseable": "not an hourly rate (per task, 'varies'...): left missing, not guessed",
}

Row = tuple[str, str, str, str, int]


@dataclass(frozen=True)
class CleanColumn:
    """One variable cleaned: its canonical columns and what the quality checks need."""

    columns: dict[str, pd.Series]
    codes: pd.Series | None = None  # numeric codes / values (routing, checks); None for text
    not_asked: np.ndarray | None = None  # the "not asked" code was given
    special: np.ndarray | None = None  # a missing code the respondent chose (an answer)
    out_of_range: np.ndarray | None = None
    log: tuple[Row, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Classes:
    """A raw column as distinct values (``uniques``) and each row's index into them."""

    raw: pd.Series
    inverse: np.ndarray  # row -> distinct value, -1 where the cell is blank
    uniques: list
    codes: list  # distinct value -> its code (None if it has none)
    kinds: np.ndarray  # distinct value -> index in KINDS; one more entry, "blank", for -1 rows

    def take(self, per_unique: list, blank) -> np.ndarray:
        return np.asarray([*per_unique, blank])[self.inverse]

    def where(self, kind: str) -> np.ndarray:
        # per distinct value, then per row; blank rows (-1) take the last entry, "blank"
        return (self.kinds == KINDS.index(kind))[self.inverse] & (self.inverse >= 0)

    def kind(self, u: int) -> str:
        return KINDS[self.kinds[u]]

    def counts(self) -> np.ndarray:
        return np.bincount(self.inverse[self.inverse >= 0], minlength=len(self.uniques))


class ColumnCleaner:
    """Cleans the columns of one export against one codebook, a variable at a time.

    Parameters
    ----------
    raw
        The export's data.
    meta
        The export's metadata (declared missing codes).
    not_asked
        The codebook's "not asked" codes.
    redactor
        A :class:`~survey_tools.cleaning.redact.Redactor`: text that is no code (free text typed
        into a choice or number column) is redacted before it becomes a level or a log entry.
    """

    def __init__(
        self, raw: pd.DataFrame, meta: ExportMeta, not_asked: tuple = (), *, redactor=None
    ) -> None:
        self.raw, self.meta, self.not_asked = raw, meta, tuple(not_asked)
        self.redactor = redactor

    def shown(self, value) -> str:
        """A value as it may be written out: :func:`show`, with personal data redacted."""
        text = show(value)
        if self.redactor is None or not isinstance(value, str):
            return text
        return self.redactor.text(text)[0]

    def source(self, sources: tuple[str, ...]) -> str | None:
        """The first of a variable's source columns that the export has."""
        return next((s for s in sources if s in self.raw.columns), None)

    # -- classification ---------------------------------------------------------------------

    def _classify(self, var: Variable, col: str) -> _Classes:
        """Classify each distinct raw value once: its code, and what kind of value it is."""
        raw = self.raw[col]
        inverse, uniques = pd.factorize(raw, use_na_sentinel=True)
        blank = [i for i, v in enumerate(uniques) if isinstance(v, str) and not v.strip()]
        if blank:  # an empty text cell is no answer, like a blank numeric one
            inverse = np.where(np.isin(inverse, blank), -1, inverse)
        labels = {norm(v): k for k, v in var.codes.items()}
        labels.update({norm(v): k for k, v in var.missing.items()})
        numeric_codes = {num(k): k for k in [*var.codes, *var.missing] if num(k) is not None}
        declared = self.meta.missing_values.get(col, [])
        codes, kinds = [], []
        for value in uniques:
            code = None
            if isinstance(value, str) and not value.strip():
                codes.append(None)
                kinds.append("blank")
                continue
            if isinstance(value, str):
                key = norm(value)
                if key in labels:
                    code = labels[key]
                elif value in var.codes or value in var.missing:
                    code = value
            if code is None and num(value) is not None:
                code = numeric_codes.get(num(value), num(value))
            codes.append(code)
            kinds.append(self._kind(var, code, value, declared))
        kinds = np.array([KINDS.index(k) for k in [*kinds, "blank"]], dtype=np.int8)
        return _Classes(raw, inverse, list(uniques), codes, kinds)

    def _kind(self, var: Variable, code, value, declared: list) -> str:
        if code is not None and code in var.codes:
            return "code"
        if code is not None and any(num(code) == num(n) for n in self.not_asked):
            return "not_asked"
        if code is not None and (code in var.missing or in_range(code, var.missing)):
            return "missing"
        for item in declared:
            if isinstance(item, tuple):
                lo, hi = item
                if num(code) is not None and lo <= num(code) <= hi:
                    return "declared"
            elif value == item or (code is not None and num(code) == num(item)):
                return "declared"
        if var.type == "numeric" and num(code) is not None:
            return "number"
        return "unknown"

    def _missing_log(self, var: Variable, col: str, cls: _Classes, kept_unknown: bool) -> list:
        rows: list[Row] = []
        counts = cls.counts()
        for u, code in enumerate(cls.codes):
            if cls.kind(u) == "missing" and counts[u]:
                label = var.missing.get(code, "in a missing range")
                rows.append(
                    ("recode", var.name, "missing code", f"{show(code)} {label}", counts[u])
                )
        for what, rule in (("not_asked", "not asked"), ("declared", "missing code in export")):
            n = int(counts[cls.kinds[:-1] == KINDS.index(what)].sum())
            if n:
                rows.append(("recode", var.name, rule, f"{col}: set missing", n))
        unknown = cls.kinds[:-1] == KINDS.index("unknown")
        if unknown.any():
            shown = ", ".join([self.shown(v) for v, bad in zip(cls.uniques, unknown) if bad][:5])
            if kept_unknown:
                rule, detail = "unknown code", "kept as a level; add it to codes or missing"
            else:
                rule, detail = "not a number", "set missing; declare it under missing or fix type"
            rows.append(
                (
                    "recode",
                    var.name,
                    rule,
                    f"{shown} not in the codebook: {detail}",
                    counts[unknown].sum(),
                )
            )
        return rows

    # -- one method per variable type ---------------------------------------------------------

    def single(self, var: Variable, col: str) -> CleanColumn:
        """A single choice or Likert item: a categorical of its labels (unknown codes kept)."""
        cls = self._classify(var, col)
        categories = list(dict.fromkeys(str(v) for v in var.codes.values()))
        kinds = [cls.kind(u) for u in range(len(cls.codes))]
        extra = [self.shown(v) for v, k in zip(cls.uniques, kinds) if k == "unknown"]
        categories += [e for e in dict.fromkeys(extra) if e not in categories]
        position = {label: i for i, label in enumerate(categories)}
        cat, number = [], []
        for value, code, kind in zip(cls.uniques, cls.codes, kinds):
            if kind == "code":
                cat.append(position[str(var.codes[code])])
                number.append(num(code))
            elif kind == "unknown":
                cat.append(position[self.shown(value)])
                number.append(num(code) if code is not None else np.nan)
            else:
                cat.append(-1)
                number.append(np.nan)
        values = pd.Series(
            pd.Categorical.from_codes(
                cls.take(cat, -1).astype(np.int64), categories=categories, ordered=var.ordered
            ),
            index=self.raw.index,
            name=var.name,
        )
        return CleanColumn(
            columns={var.name: values},
            codes=pd.Series(cls.take(number, np.nan).astype(float), index=self.raw.index),
            not_asked=cls.where("not_asked"),
            special=cls.where("missing"),
            log=tuple(self._missing_log(var, col, cls, kept_unknown=True)),
        )

    def numeric(self, var: Variable, col: str) -> CleanColumn:
        """Numbers as nullable floats; labelled values that are answers are kept as numbers.

        With ``parse: pay`` the text is parsed to dollars per hour and a ``<name>_status``
        column says how.
        """
        rows: list[Row] = []
        not_asked = special = None
        status = None
        if var.parse == "pay":
            values, status, rows = self._pay(var, col)
        else:
            cls = self._classify(var, col)
            rows = self._missing_log(var, col, cls, kept_unknown=False)
            not_asked, special = cls.where("not_asked"), cls.where("missing")
            kinds = [cls.kind(u) for u in range(len(cls.codes))]
            number = [
                num(c) if k in ("number", "code") else np.nan for c, k in zip(cls.codes, kinds)
            ]
            values = pd.Series(cls.take(number, np.nan).astype(float), index=self.raw.index)
        bad = np.zeros(len(values), dtype=bool)
        if var.valid is not None:
            lo, hi = var.valid
            bad = (values.notna() & ((values < lo) | (values > hi))).to_numpy()
            rows.append(
                (
                    "recode",
                    var.name,
                    "out of range",
                    f"outside [{lo}, {hi}]: set missing",
                    bad.sum(),
                )
            )
            values = values.where(~bad)
        out = {var.name: values.astype("Float64")}
        if status is not None:
            out[f"{var.name}_status"] = status
        return CleanColumn(out, values, not_asked, special, bad, tuple(rows))

    def _pay(self, var: Variable, col: str) -> tuple[pd.Series, pd.Series, list]:
        raw = self.raw[col]
        inverse, uniques = pd.factorize(raw, use_na_sentinel=True)
        parsed = [parse_pay(v) for v in uniques] + [(np.nan, "blank")]
        values = np.array([p[0] for p in parsed], dtype=float)[inverse]
        status = pd.Categorical([p[1] for p in parsed], categories=PAY_STATUSES)
        status = pd.Series(status.take(inverse), index=raw.index)
        rows = [
            ("parse", var.name, f"pay: {st}", _PAY_DETAIL[st], n)
            for st, n in status.value_counts().reindex(PAY_STATUSES, fill_value=0).items()
        ]
        return pd.Series(values, index=raw.index), status, rows

    def multi(self, var: Variable) -> CleanColumn:
        """Check-all options as nullable booleans; not ticked by one who ticked any: False."""
        cols, rows, states = {}, [], {}
        for name, (sources, label) in var.options.items():
            col = self.source(sources)
            raw = self.raw[col]
            inverse, uniques = pd.factorize(raw, use_na_sentinel=True)
            declared = [*self.meta.missing_values.get(col, []), *self.not_asked]
            missing = {num(m) for m in declared if not isinstance(m, tuple)} - {None}
            state = []  # per distinct value: 1 ticked, 0 not ticked, -1 missing, -2 not a choice
            for value in uniques:
                text = show(value).casefold()
                if value in declared or num(value) in missing or in_ranges(value, declared):
                    state.append(-1)
                elif text in TRUE_WORDS or text == norm(label):
                    state.append(1)
                else:
                    state.append(0 if text in FALSE_WORDS else -2)
            full = np.array([*state, -1])[inverse]
            cols[name] = pd.array(np.where(full < 0, None, full == 1), dtype="boolean")
            states[name] = np.where(inverse < 0, 0, full)  # a blank cell loses no value
        frame = pd.DataFrame(cols, index=self.raw.index)
        seen = frame.notna().any(axis=1)
        frame = frame.mask(seen.to_numpy()[:, None] & frame.isna().to_numpy(), False)
        for name, (sources, _) in var.options.items():
            col, lost = self.source(sources), frame[name].isna().to_numpy()
            for code, rule, detail in (
                (-1, "missing code in export", f"{col}: set missing"),
                (-2, "not a choice", f"{col}: neither ticked nor unticked: set missing"),
            ):
                n = int((lost & (states[name] == code)).sum())
                if n:
                    rows.append(("recode", var.name, rule, detail, n))
        rows.append(
            (
                "recode",
                var.name,
                "multi-select",
                "options not ticked by those who ticked one: False",
                seen.sum(),
            )
        )
        answered = pd.Series(1.0, index=self.raw.index).where(seen)
        return CleanColumn({k: frame[k] for k in frame}, codes=answered, log=tuple(rows))

    def text(self, var: Variable, col: str, redactor) -> CleanColumn:
        """Free text, stripped; redacted with ``redactor`` unless ``redact: false``."""
        values = self.raw[col].astype("string").str.strip().replace("", pd.NA)
        rows = []
        if var.redact:
            values, counts = redactor.series(values)
            for kind, n in sorted(counts.items()):
                rows.append(("redact", var.name, kind, f"replaced by [{kind}]", n))
        return CleanColumn({var.name: values}, log=tuple(rows))

    def date(self, var: Variable, col: str) -> CleanColumn:
        """Dates and times as ``datetime64``; in the codebook's ``timezone`` where it gives one.

        With a ``timezone``, times written without an offset are local times of that zone and
        times with an offset are converted to it, so the column is ``datetime64[..., zone]``.
        A local time that a daylight-saving change makes ambiguous is read as daylight time,
        one it skips is moved forward; both are logged. Without one, times stay as written
        (time-zone aware only where the texts give offsets).
        """
        raw = self.raw[col]
        rows: list[Row] = []
        if pd.api.types.is_datetime64_any_dtype(raw):
            values = raw
            if var.timezone:
                values, zone_rows = _in_zone(values, var, col)
                rows += zone_rows
            return CleanColumn({var.name: values.rename(var.name)}, log=tuple(rows))
        text = raw.astype("string").str.strip()
        blank = text.isna() | (text == "") | text.str.casefold().isin(NOT_COMPLETED)
        flagged = int((text.str.casefold().isin(NOT_COMPLETED)).sum())
        if flagged:
            rows.append(("recode", var.name, "not completed", f"{col}: set missing", flagged))
        keep = raw.where(~blank.fillna(True).to_numpy())
        if pd.api.types.is_object_dtype(keep) or pd.api.types.is_string_dtype(keep):
            keep = keep.astype(object)
        if var.timezone:
            offset = text.str.contains(OFFSET, regex=True).fillna(False).to_numpy(dtype=bool)
            values, zone_rows = _in_zone(_to_datetime(keep.where(~offset)), var, col)
            rows += zone_rows
            if offset.any():
                instants = pd.to_datetime(
                    keep.where(offset), errors="coerce", format="mixed", utc=True
                )
                converted, zone_rows = _in_zone(instants, var, col)
                rows += zone_rows
                unit = max(values.dt.unit, converted.dt.unit, key=UNITS.index)  # the finer
                values = values.dt.as_unit(unit).where(~offset, converted.dt.as_unit(unit))
        else:
            values = _to_datetime(keep)
        bad = keep.notna() & values.isna()
        if bad.any():
            rows.append(("recode", var.name, "unreadable date", "set missing", bad.sum()))
        return CleanColumn({var.name: values.rename(var.name)}, log=tuple(rows))


UNITS = ["s", "ms", "us", "ns"]
OFFSET = r"(?:Z|[+-]\d{2}:?\d{2}|\b(?:UTC|GMT))\s*$"


def _in_zone(values: pd.Series, var: Variable, col: str) -> tuple[pd.Series, list]:
    """Times in ``var.timezone``: naive ones localised there, ones with an offset converted."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        n = int(values.notna().sum())
        detail = f"{col}: times with an offset converted to {var.timezone}"
        rows = [("parse", var.name, "time zone", detail, n)] if n else []
        return values.dt.tz_convert(var.timezone), rows
    return _localise(values, var, col)


def _localise(values: pd.Series, var: Variable, col: str):
    """Naive local times as times of ``var.timezone``; daylight-saving edge cases logged."""
    zone = var.timezone
    out = values.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
    odd = values.notna() & out.isna()
    n = int((values.notna() & ~odd).sum())
    rows = [("parse", var.name, "time zone", f"{col}: local times of {zone}", n)] if n else []
    if odd.any():
        fixed = values[odd].dt.tz_localize(
            zone, ambiguous=np.ones(int(odd.sum()), dtype=bool), nonexistent="shift_forward"
        )
        out = out.where(~odd, fixed)
        rows.append(
            (
                "parse",
                var.name,
                "daylight-saving change",
                f"{col}: ambiguous local times read as daylight time, skipped ones moved forward",
                int(odd.sum()),
            )
        )
    return out, rows


def _to_datetime(values: pd.Series) -> pd.Series:
    try:
        out = pd.to_datetime(values, errors="coerce", format="mixed")
    except (TypeError, ValueError):
        out = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    if not pd.api.types.is_datetime64_any_dtype(out):  # mixed offsets
        out = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    return out


def in_ranges(value, declared: list) -> bool:
    """Whether ``value`` falls in one of the ``(lo, hi)`` ranges of ``declared``."""
    number = num(value)
    return number is not None and any(
        isinstance(item, tuple) and item[0] <= number <= item[1] for item in declared
    )


def norm(text) -> str:
    """Text compared as people read it: single spaces, no case."""
    return " ".join(str(text).split()).casefold()


def num(value):
    """A value as a float, or None when it is no number (or NaN)."""
    if isinstance(value, bool):
        return float(value)
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if out == out else None


def show(value) -> str:
    """A code as people write it: 1 rather than 1.0; text with single spaces."""
    number = num(value)
    if number is not None and number.is_integer() and not isinstance(value, str):
        return str(int(number))
    return " ".join(str(value).split())
