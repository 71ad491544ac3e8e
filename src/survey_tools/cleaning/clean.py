"""Clean an export against a codebook: canonical data, quality flags, a log, redaction.

``clean(export, codebook)`` returns a :class:`CleanSurvey`:

- ``data``: one row per kept respondent; single choices and Likert items as pandas categoricals
  of their labels, check-all options as nullable booleans, numbers as nullable floats, free text
  redacted, identifiers dropped or hashed, roll-linked weighting variables added;
- ``flags``: one row per response received, with the AAPOR status (complete, partial, break-off,
  declined), the share of applicable questions answered, and every quality flag (duplicate,
  speeder, straightliner, failed attention check, out-of-range and inconsistent values);
- ``log``: every rule applied, with a reason and a count (exclusions, missing codes, recodes,
  pay parsing, redactions);
- ``summary``: what a methodology note quotes (completes, partials, exclusions, RR1 and RR2).

Nothing is read from or written to the network; the export is not modified.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CodebookError, SurveyToolsError
from ..ingest.platforms import looks_like_identifier
from ..ingest.read import Export
from .codebook import QUESTION_TYPES, Codebook, Variable, _rule
from .pay import PAY_STATUSES, parse_pay
from .redact import Redactor, hash_values, read_salt

__all__ = ["FLAGS", "CleanSurvey", "clean", "read_clean"]

FLAGS = (
    "duplicate",
    "declined",
    "breakoff",
    "partial",
    "speeder",
    "straightliner",
    "failed_attention",
    "out_of_range",
    "inconsistent",
)
TRUE_WORDS = {"1", "checked", "yes", "selected", "true"}
FALSE_WORDS = {"0", "unchecked", "no", "not selected", "false"}
KINDS = ("code", "missing", "not_asked", "declared", "number", "unknown", "blank")
OPS = {
    "<=": np.less_equal,
    "<": np.less,
    ">=": np.greater_equal,
    ">": np.greater,
    "==": np.equal,
    "!=": np.not_equal,
}


@dataclass(frozen=True)
class CleanSurvey:
    """Cleaned survey data with its quality flags, log and summary (see the module docstring)."""

    name: str
    data: pd.DataFrame
    flags: pd.DataFrame
    log: pd.DataFrame
    summary: dict
    codebook: dict
    source: dict

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"CleanSurvey({self.name!r}: {s['kept']:,} respondents kept of {s['received']:,} "
            f"received; {s['completes']:,} complete, {s['partials']:,} partial)"
        )

    def to_frame(self) -> pd.DataFrame:
        """The summary as a two-column table (``item``, ``value``)."""
        rows = [(k, v) for k, v in self.summary.items() if not isinstance(v, dict)]
        rows += [
            (f"{k}: {sub}", v)
            for k, d in self.summary.items()
            if isinstance(d, dict)
            for sub, v in d.items()
        ]
        return pd.DataFrame(rows, columns=["item", "value"])

    def write(self, directory: str | os.PathLike) -> dict[str, Path]:
        """Write ``<name>.parquet``, ``.codebook.json``, ``.log.csv`` and ``.flags.csv``.

        The files are staged in a temporary folder and moved in only when all are written, so
        a failure leaves no partial files and any earlier set untouched.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        names = {
            "data": f"{self.name}.parquet",
            "codebook": f"{self.name}.codebook.json",
            "log": f"{self.name}.log.csv",
            "flags": f"{self.name}.flags.csv",
        }
        meta = {
            "name": self.name,
            "source": self.source,
            "summary": self.summary,
            "codebook": self.codebook,
        }
        with tempfile.TemporaryDirectory(dir=out, prefix=".clean-") as tmp:
            staged = {k: Path(tmp) / n for k, n in names.items()}
            self.data.to_parquet(staged["data"], index=False)
            staged["codebook"].write_text(
                json.dumps(meta, indent=1, ensure_ascii=False, default=_json) + "\n",
                encoding="utf-8",
            )
            self.log.to_csv(staged["log"], index=False, lineterminator="\n")
            self.flags.to_csv(staged["flags"], index=False, lineterminator="\n")
            for key, path in staged.items():
                shutil.move(path, out / names[key])
        return {key: out / name for key, name in names.items()}


def _json(value):
    if isinstance(value, np.integer | np.floating):
        return value.item()
    if isinstance(value, tuple | set):
        return list(value)
    return str(value)


def read_clean(path: str | os.PathLike) -> CleanSurvey:
    """Read what :meth:`CleanSurvey.write` wrote; ``path`` is the ``.parquet`` file.

    Examples
    --------
    >>> import tempfile
    >>> from survey_tools import Codebook, clean, read_clean, read_export
    >>> export = read_export("data/raw/demo/guild_ai_survey_2026.sav")
    >>> book = Codebook.from_yaml("data/codebooks/guild_ai_survey_2026.yaml")
    >>> cleaned = clean(export, book, roll="data/raw/demo/roll.csv")
    >>> files = cleaned.write(tempfile.mkdtemp())
    >>> read_clean(files["data"]).data.equals(cleaned.data)
    True
    """
    path = Path(path)
    stem = path.name.removesuffix(".parquet")
    folder = path.parent
    try:
        data = pd.read_parquet(path)
        meta = json.loads((folder / f"{stem}.codebook.json").read_text(encoding="utf-8"))
        log = pd.read_csv(folder / f"{stem}.log.csv", keep_default_na=False, dtype={"detail": str})
        flags = pd.read_csv(folder / f"{stem}.flags.csv", dtype={"id": str})
    except (OSError, ValueError) as exc:
        raise SurveyToolsError(
            f"Cannot read the cleaned survey {path}: {exc}.",
            hint="give the .parquet file that CleanSurvey.write() produced",
        ) from None
    return CleanSurvey(
        meta["name"], data, flags, log, meta["summary"], meta["codebook"], meta["source"]
    )


# --- the cleaning itself ------------------------------------------------------------------------


def _norm(text) -> str:
    return " ".join(str(text).split()).casefold()


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
        return np.isin(self.inverse, np.flatnonzero(self.kinds == KINDS.index(kind)))

    def kind(self, u: int) -> str:
        return KINDS[self.kinds[u]]

    def counts(self) -> np.ndarray:
        return np.bincount(self.inverse[self.inverse >= 0], minlength=len(self.uniques))


class _Cleaner:
    """State of one clean() call: the raw export, the codebook, and what has been logged."""

    def __init__(self, export: Export, book: Codebook) -> None:
        self.raw, self.meta, self.book = export.data, export.meta, book
        self.rows: list[tuple] = []
        self.codes: dict[str, pd.Series] = {}  # numeric codes / values, for routing and checks
        self.not_asked: dict[str, np.ndarray] = {}  # the "not asked" code was given
        self.special: dict[str, np.ndarray] = {}  # a missing code the respondent chose
        self.out_of_range = pd.Series(False, index=self.raw.index)
        self.hidden: dict[str, pd.Series] = {}  # identifiers, kept only while cleaning

    def log(self, step: str, variable: str, rule: str, detail: str, count: int) -> None:
        self.rows.append((step, variable, rule, detail, int(count)))

    def source(self, sources: tuple[str, ...]) -> str | None:
        """The first of a variable's source columns that the export has."""
        return next((s for s in sources if s in self.raw.columns), None)

    # -- columns ----------------------------------------------------------------------------

    def _classify(self, var: Variable, col: str) -> _Classes:
        """Classify each distinct raw value once: its code, and what kind of value it is."""
        raw = self.raw[col]
        inverse, uniques = pd.factorize(raw, use_na_sentinel=True)
        labels = {_norm(v): k for k, v in var.codes.items()}
        labels.update({_norm(v): k for k, v in var.missing.items()})
        numeric_codes = {_num(k): k for k in [*var.codes, *var.missing] if _num(k) is not None}
        declared = self.meta.missing_values.get(col, [])
        codes, kinds = [], []
        for value in uniques:
            code = None
            if isinstance(value, str):
                key = _norm(value)
                if key in labels:
                    code = labels[key]
                elif value in var.codes or value in var.missing:
                    code = value
            if code is None and _num(value) is not None:
                code = numeric_codes.get(_num(value), _num(value))
            codes.append(code)
            kinds.append(self._kind(var, code, value, declared))
        kinds = np.array([KINDS.index(k) for k in [*kinds, "blank"]], dtype=np.int8)
        return _Classes(raw, inverse, list(uniques), codes, kinds)

    def _kind(self, var: Variable, code, value, declared: list) -> str:
        if code is not None and code in var.codes:
            return "code"
        if code is not None and any(_num(code) == _num(n) for n in self.book.not_asked):
            return "not_asked"
        if code is not None and code in var.missing:
            return "missing"
        for item in declared:
            if isinstance(item, tuple):
                lo, hi = item
                if _num(code) is not None and lo <= _num(code) <= hi:
                    return "declared"
            elif value == item or (code is not None and _num(code) == _num(item)):
                return "declared"
        if var.type == "numeric" and _num(code) is not None:
            return "number"
        return "unknown"

    def _missing_log(self, var: Variable, col: str, cls: _Classes) -> None:
        counts = cls.counts()
        for u, code in enumerate(cls.codes):
            if cls.kind(u) == "missing" and counts[u]:
                self.log(
                    "recode",
                    var.name,
                    "missing code",
                    f"{_show(code)} {var.missing[code]}",
                    counts[u],
                )
        for what, rule in (("not_asked", "not asked"), ("declared", "missing code in export")):
            n = int(counts[cls.kinds[:-1] == KINDS.index(what)].sum())
            if n:
                self.log("recode", var.name, rule, f"{col}: set missing", n)
        unknown = cls.kinds[:-1] == KINDS.index("unknown")
        if unknown.any():
            shown = ", ".join([_show(v) for v, bad in zip(cls.uniques, unknown) if bad][:5])
            self.log(
                "recode",
                var.name,
                "unknown code",
                f"{shown} not in the codebook",
                counts[unknown].sum(),
            )

    def single(self, var: Variable, col: str) -> pd.Series:
        cls = self._classify(var, col)
        self._missing_log(var, col, cls)
        self.not_asked[var.name] = cls.where("not_asked")
        self.special[var.name] = cls.where("missing")
        categories = list(dict.fromkeys(str(v) for v in var.codes.values()))
        position = {str(label): i for i, label in enumerate(categories)}
        kinds = [cls.kind(u) for u in range(len(cls.codes))]
        cat = [position[str(var.codes[c])] if k == "code" else -1 for c, k in zip(cls.codes, kinds)]
        num = [_num(c) if k == "code" else np.nan for c, k in zip(cls.codes, kinds)]
        self.codes[var.name] = pd.Series(cls.take(num, np.nan).astype(float), index=self.raw.index)
        return pd.Series(
            pd.Categorical.from_codes(
                cls.take(cat, -1).astype(np.int64), categories=categories, ordered=var.ordered
            ),
            index=self.raw.index,
            name=var.name,
        )

    def numeric(self, var: Variable, col: str) -> dict[str, pd.Series]:
        """The value column, then (for ``parse: pay``) its ``_status`` column."""
        status = None
        if var.parse == "pay":
            values, status = self._pay(var, col)
        else:
            cls = self._classify(var, col)
            self._missing_log(var, col, cls)
            self.not_asked[var.name] = cls.where("not_asked")
            self.special[var.name] = cls.where("missing")
            kinds = [cls.kind(u) for u in range(len(cls.codes))]
            num = [_num(c) if k == "number" else np.nan for c, k in zip(cls.codes, kinds)]
            values = pd.Series(cls.take(num, np.nan).astype(float), index=self.raw.index)
        if var.valid is not None:
            lo, hi = var.valid
            bad = values.notna() & ((values < lo) | (values > hi))
            self.log(
                "recode", var.name, "out of range", f"outside [{lo}, {hi}]: set missing", bad.sum()
            )
            self.out_of_range |= bad
            values = values.where(~bad)
        self.codes[var.name] = values
        out = {var.name: values.astype("Float64")}
        if status is not None:
            out[f"{var.name}_status"] = status
        return out

    def _pay(self, var: Variable, col: str) -> tuple[pd.Series, pd.Series]:
        raw = self.raw[col]
        inverse, uniques = pd.factorize(raw, use_na_sentinel=True)
        parsed = [parse_pay(v) for v in uniques] + [(np.nan, "blank")]
        values = np.array([p[0] for p in parsed], dtype=float)[inverse]
        status = pd.Categorical([p[1] for p in parsed], categories=PAY_STATUSES)
        status = pd.Series(status.take(inverse), index=raw.index)
        for st, n in status.value_counts().reindex(PAY_STATUSES, fill_value=0).items():
            self.log("parse", var.name, f"pay: {st}", _PAY_DETAIL[st], n)
        return pd.Series(values, index=raw.index), status

    def multi(self, var: Variable) -> dict[str, pd.Series]:
        cols = {}
        for name, (sources, label) in var.options.items():
            col = self.source(sources)
            raw = self.raw[col]
            inverse, uniques = pd.factorize(raw, use_na_sentinel=True)
            missing = set(self.meta.missing_values.get(col, [])) | set(self.book.not_asked)
            state = []  # per distinct value: 1 ticked, 0 not ticked, -1 missing
            for value in uniques:
                text = _show(value).casefold()
                if value in missing or _num(value) in {_num(m) for m in missing}:
                    state.append(-1)
                elif text in TRUE_WORDS or text == _norm(label):
                    state.append(1)
                else:
                    state.append(0 if text in FALSE_WORDS else -1)
            state = np.array([*state, -1])[inverse]
            cols[name] = pd.array(np.where(state < 0, None, state == 1), dtype="boolean")
        frame = pd.DataFrame(cols, index=self.raw.index)
        seen = frame.notna().any(axis=1)
        frame = frame.mask(seen.to_numpy()[:, None] & frame.isna().to_numpy(), False)
        self.codes[var.name] = pd.Series(1.0, index=self.raw.index).where(seen)  # answered
        self.log(
            "recode",
            var.name,
            "multi-select",
            "options not ticked by those who ticked one: False",
            seen.sum(),
        )
        return {k: frame[k] for k in frame}

    def text(self, var: Variable, col: str, redactor: Redactor) -> pd.Series:
        values = self.raw[col].astype("string").str.strip().replace("", pd.NA)
        if var.redact:
            values, counts = redactor.series(values)
            for kind, n in sorted(counts.items()):
                self.log("redact", var.name, kind, f"replaced by [{kind}]", n)
        return values

    def date(self, var: Variable, col: str) -> pd.Series:
        raw = self.raw[col]
        if pd.api.types.is_datetime64_any_dtype(raw):
            return raw
        values = pd.to_datetime(raw, errors="coerce", format="mixed")
        bad = raw.notna() & values.isna()
        if bad.any():
            self.log("recode", var.name, "unreadable date", "set missing", bad.sum())
        return values


_PAY_DETAIL = {
    "exact": "a single amount per hour",
    "range": "a range: its midpoint",
    "total": "an amount for a number of hours: divided by the hours",
    "approximate": "an approximate amount ('about 40')",
    "blank": "no answer",
    "unparseable": "not an hourly rate (per task, 'varies'...): left missing, not guessed",
}


def _num(value):
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if out == out else None


def _show(value) -> str:
    """A code as people write it: 1 rather than 1.0; text with single spaces."""
    number = _num(value)
    if number is not None and number.is_integer():
        return str(int(number))
    return " ".join(str(value).split())


def clean(
    export: Export,
    codebook: Codebook,
    *,
    roll: pd.DataFrame | str | os.PathLike | None = None,
    salt: str | bytes | None = None,
    invited: int | None = None,
    exclude: tuple[str, ...] | None = None,
) -> CleanSurvey:
    """Clean an export against a codebook.

    Parameters
    ----------
    export
        What :func:`read_export` returned.
    codebook
        The :class:`Codebook` mapping the export's columns to canonical variables.
    roll
        The membership roll (a DataFrame or CSV path): source of the roll-linked variables the
        codebook names under ``roll:``, and of the full names removed from free text.
    salt
        Salt for hashing identifiers with ``action: hash`` (else read from the environment).
    invited
        Number of members invited: gives AAPOR RR1 and RR2 in the summary.
    exclude
        Flags that remove a respondent (default: the codebook's ``quality.exclude``, else
        duplicates, declined consent and break-offs). Other flags are reported, not applied.

    Returns
    -------
    CleanSurvey
    """
    book = codebook
    exclude = tuple(book.quality.exclude if exclude is None else exclude)
    unknown = set(exclude) - set(FLAGS)
    if unknown:
        raise CodebookError(
            f"Cannot exclude on unknown flag(s) {', '.join(sorted(unknown))}.",
            hint=f"use {', '.join(FLAGS)}",
        )
    c = _Cleaner(export, book)
    path = export.meta.source_path
    sources = _sources(c, book, path)
    roll_frame = _roll(roll)
    redactor = Redactor(names=_roll_names(roll_frame), patterns=book.redact_patterns)
    if any(v.type == "identifier" and v.action == "hash" for v in book.variables.values()):
        key = read_salt(salt)
    c.log("read", "", "responses received", f"{path.name} ({export.meta.platform})", len(c.raw))
    used = set(sources.values()) | {
        c.source(src) for v in book.variables.values() for src, _ in v.options.values()
    }
    unused = [str(col) for col in c.raw.columns if col not in used]
    shown = ", ".join(unused[:6]) + (", ..." if len(unused) > 6 else "")
    c.log("read", "", "columns not in the codebook", f"dropped: {shown}", len(unused))

    columns: dict[str, pd.Series] = {}
    for var in book.variables.values():
        col = sources.get(var.name)
        if var.derive:
            continue
        if var.type in ("single", "likert"):
            columns[var.name] = c.single(var, col)
        elif var.type == "numeric":
            columns.update(c.numeric(var, col))
        elif var.type == "multi":
            columns.update(c.multi(var))
        elif var.type == "text":
            columns[var.name] = c.text(var, col, redactor)
        elif var.type == "date":
            columns[var.name] = c.date(var, col)
        elif var.type == "id":
            columns[var.name] = c.raw[col].astype("string")
        elif var.type == "identifier":
            c.hidden[var.name] = c.raw[col]
            if var.action == "hash":
                columns[var.name] = hash_values(c.raw[col], key)
            c.log(
                "identifier",
                var.name,
                var.action,
                f"{col}: {var.action}ped" if var.action == "drop" else f"{col}: salted hash",
                c.raw[col].notna().sum(),
            )
    for var in book.variables.values():
        if var.derive:
            columns[var.name] = _derive(c, var)
    data = pd.DataFrame(columns, index=c.raw.index)
    data = data[[k for k in columns if k in data]]
    if book.roll:
        data = pd.concat([data, _link(c, book.roll, roll_frame, data)], axis=1)

    flags = _flags(c, book, data)
    excluded = flags[list(exclude)].any(axis=1) if exclude else pd.Series(False, index=flags.index)
    reason = pd.Series(pd.NA, index=flags.index, dtype="str")
    for flag in reversed(exclude):
        reason = reason.mask(flags[flag], flag)
    flags["excluded"] = excluded
    flags["exclusion_reason"] = reason
    for flag in exclude:
        c.log("exclude", "", flag, _FLAG_DETAIL[flag], (reason == flag).sum())
    for flag in FLAGS:
        if flag not in exclude:
            c.log("flag", "", flag, _FLAG_DETAIL[flag] + " (flagged, kept)", flags[flag].sum())
    kept = data.loc[~excluded.to_numpy()].reset_index(drop=True)
    summary = _summary(flags, exclude, invited, len(kept))
    c.log("result", "", "respondents kept", "", len(kept))
    return CleanSurvey(
        name=book.survey,
        data=kept,
        flags=flags.reset_index(drop=True),
        log=pd.DataFrame(c.rows, columns=["step", "variable", "rule", "detail", "count"]),
        summary=summary,
        codebook=json.loads(json.dumps(book.to_dict(), default=_json)),  # as written
        source={
            "file": path.name,
            "platform": export.meta.platform,
            "layout": export.meta.layout,
            "sha256": export.meta.sha256,
        },
    )


_FLAG_DETAIL = {
    "duplicate": "a later or less complete submission by the same member",
    "declined": "did not give consent",
    "breakoff": "answered less than the partial threshold of applicable questions",
    "partial": "answered between the partial and complete thresholds",
    "speeder": "completed faster than the speeder ratio times the median time",
    "straightliner": "gave the same answer to every item of a grid",
    "failed_attention": "failed an attention check",
    "out_of_range": "a numeric answer outside its valid range",
    "inconsistent": "answers that break a consistency rule",
}


def _sources(c: _Cleaner, book: Codebook, path: Path) -> dict[str, str]:
    found, lacking = {}, []
    ids = set(c.meta.identifiers)
    for var in book.variables.values():
        if var.derive:
            continue
        if var.type == "multi":
            for name, (sources, _) in var.options.items():
                if c.source(sources) is None:
                    lacking.append(f"{var.name}.{name} (tried {', '.join(sources)})")
            continue
        col = c.source(var.source)
        if col is None:
            lacking.append(f"{var.name} (tried {', '.join(var.source)})")
            continue
        if var.type != "identifier" and (col in ids or looks_like_identifier(col)):
            raise CodebookError(
                f"Column {col!r} of {path.name} holds personal data but the codebook maps it to "
                f"{var.name!r} as {var.type}.",
                hint=f"declare {var.name!r} as type: identifier with action: drop or hash",
            )
        found[var.name] = col
    if lacking:
        raise CodebookError(
            f"{path.name} has no column for {len(lacking)} codebook variable(s): "
            + "; ".join(lacking[:8])
            + ("..." if len(lacking) > 8 else "")
            + ".",
            hint="add the export's column name to the variable's source list, or remove the "
            "variable from the codebook",
        )
    return found


def _roll(roll) -> pd.DataFrame | None:
    if roll is None or isinstance(roll, pd.DataFrame):
        return roll
    try:
        return pd.read_csv(roll, dtype=str, keep_default_na=False).replace("", pd.NA)
    except (OSError, ValueError) as exc:
        raise SurveyToolsError(f"Cannot read the roll {roll}: {exc}.") from None


def _roll_names(roll: pd.DataFrame | None) -> list[str]:
    if roll is None:
        return []
    if {"first_name", "last_name"} <= set(roll.columns):
        return (roll["first_name"].astype(str) + " " + roll["last_name"].astype(str)).tolist()
    return roll["name"].astype(str).tolist() if "name" in roll.columns else []


def _link(c: _Cleaner, spec: dict, roll: pd.DataFrame | None, data: pd.DataFrame) -> pd.DataFrame:
    if roll is None:
        raise CodebookError(
            "The codebook takes variables from the membership roll, but no roll was given.",
            hint="pass roll= (the roll CSV or DataFrame) to clean()",
        )
    key, roll_key = spec["key"], spec.get("roll_key", spec["key"])
    if roll_key not in roll.columns:
        raise CodebookError(
            f"The roll has no column {roll_key!r} to link on.",
            hint="set roll: roll_key: in the codebook",
        )
    members = roll.drop_duplicates(roll_key).set_index(roll_key)
    keys = c.hidden.get(key, data.get(key)).astype(str)
    found = keys.isin(members.index)
    c.log("link", "", "roll", f"responses matched to the roll on {key}", found.sum())
    if (~found).any():
        c.log(
            "link",
            "",
            "not on the roll",
            f"{key} not found in the roll: linked variables missing",
            (~found).sum(),
        )
    out = {}
    for name, col in spec.get("columns", {}).items():
        if col not in members.columns:
            raise CodebookError(
                f"The roll has no column {col!r} for {name!r}.",
                hint="fix roll: columns: in the codebook",
            )
        levels = list(dict.fromkeys(members[col].dropna()))
        out[name] = pd.Categorical(keys.map(members[col]), categories=sorted(levels))
    return pd.DataFrame(out, index=data.index)


def _derive(c: _Cleaner, var: Variable) -> pd.Series:
    codes = c.codes[var.derive]
    mapping = {float(code): label for label, values in var.recode.items() for code in values}
    labels = codes.map(mapping)
    unmapped = codes.notna() & labels.isna()
    if unmapped.any():
        shown = ", ".join(map(_show, pd.unique(codes[unmapped])[:5]))
        c.log(
            "derive",
            var.name,
            "not recoded",
            f"codes {shown} of {var.derive} have no group",
            unmapped.sum(),
        )
    c.log("derive", var.name, "recode", f"from {var.derive}", labels.notna().sum())
    return pd.Series(pd.Categorical(labels, categories=list(var.recode)), index=codes.index)


def _asked(c: _Cleaner, var: Variable) -> np.ndarray:
    """Whether each respondent was routed to the question (unknown counts as not routed)."""
    asked = ~c.not_asked.get(var.name, np.zeros(len(c.raw), dtype=bool))
    for parent, values in var.asked_if.items():
        asked &= np.isin(c.codes[parent].to_numpy(float), [float(v) for v in values])
    return asked


def _flags(c: _Cleaner, book: Codebook, data: pd.DataFrame) -> pd.DataFrame:
    q = book.quality
    index = c.raw.index
    questions = [
        v
        for v in book.variables.values()
        if v.type in QUESTION_TYPES and not v.derive and v.name not in q.consent
    ]
    none = np.zeros(len(index), dtype=bool)
    applicable = np.column_stack([none, *(_asked(c, v) for v in questions)])
    answered = np.column_stack(
        [
            none,
            *(c.codes[v.name].notna().to_numpy() | c.special.get(v.name, none) for v in questions),
        ]
    )
    n_applicable = applicable.sum(axis=1)
    share = pd.Series(
        (answered & applicable).sum(axis=1) / np.where(n_applicable > 0, n_applicable, np.nan),
        index=index,
    )
    declined = pd.Series(False, index=index)
    for var, agree in q.consent.items():
        declined |= ~c.codes[var].isin([float(a) for a in agree])
    status = np.select(
        [declined, share >= q.complete_share, share >= q.partial_share],
        ["declined", "complete", "partial"],
        "breakoff",
    )
    flags = pd.DataFrame(
        {
            "id": data[book.id].astype(str)
            if book.id
            else pd.Series(index.astype(str), index=index),
            "status": status,
            "answered_share": share.round(4),
        },
        index=index,
    )
    flags["declined"] = status == "declined"
    flags["breakoff"] = status == "breakoff"
    flags["partial"] = status == "partial"
    rank = pd.Series(status).map({"complete": 0, "partial": 1, "breakoff": 2, "declined": 3})
    flags["duplicate"] = False
    if q.duplicate_key:
        key = c.hidden.get(q.duplicate_key, data.get(q.duplicate_key))
        order = pd.DataFrame({"key": key.to_numpy(), "rank": rank.to_numpy()}, index=index)
        if q.start:
            order["start"] = data[q.start].to_numpy()
        order = order.sort_values([col for col in ("rank", "start") if col in order], kind="stable")
        dup = order["key"].notna() & order.duplicated("key")
        flags["duplicate"] = dup.reindex(index)
    complete = flags["status"].eq("complete") & ~flags["duplicate"]
    flags["speeder"] = False
    if q.duration:
        duration = c.codes.get(q.duration, pd.to_numeric(data[q.duration], errors="coerce"))
        median = duration[complete].median()
        flags["speeder"] = complete & (duration < q.speeder_ratio * median)
        flags.attrs["median_duration"] = float(median) if median == median else None
    straight = pd.Series(False, index=index)
    for items in q.grids.values():
        grid = pd.DataFrame({v: c.codes[v] for v in items}, index=index)
        straight |= (grid.notna().sum(axis=1) >= 3) & (grid.nunique(axis=1) == 1)
    flags["straightliner"] = straight
    failed = pd.Series(False, index=index)
    for var, passing in q.attention.items():
        code = c.codes[var]
        failed |= code.notna() & ~code.isin([float(p) for p in passing])
    flags["failed_attention"] = failed
    flags["out_of_range"] = c.out_of_range
    bad = pd.Series(False, index=index)
    for rule in q.rules:
        a, op, b = _rule(rule, book.path or "the codebook")
        x, y = c.codes[a], c.codes[b]
        bad |= x.notna() & y.notna() & ~OPS[op](x, y)
    flags["inconsistent"] = bad
    flags[list(FLAGS)] = flags[list(FLAGS)].fillna(False).astype(bool)
    return flags[["id", "status", "answered_share", *FLAGS]]


def _summary(flags: pd.DataFrame, exclude: tuple, invited: int | None, kept: int) -> dict:
    unique = flags[~flags["duplicate"]]
    counts = unique["status"].value_counts()
    completes, partials = int(counts.get("complete", 0)), int(counts.get("partial", 0))
    out = {
        "received": len(flags),
        "duplicates": int(flags["duplicate"].sum()),
        "completes": completes,
        "partials": partials,
        "breakoffs": int(counts.get("breakoff", 0)),
        "declined": int(counts.get("declined", 0)),
        "kept": kept,
        "excluded": {flag: int((flags["exclusion_reason"] == flag).sum()) for flag in exclude},
        "flagged": {flag: int(flags[flag].sum()) for flag in FLAGS if flag not in exclude},
        "median_duration_sec": flags.attrs.get("median_duration"),
        "invited": invited,
        "rr1": completes / invited if invited else None,
        "rr2": (completes + partials) / invited if invited else None,
    }
    return out
