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

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CodebookError, SurveyToolsError
from ..files import read_set, restore_text, safe_name, staged_folder, write_csv
from ..ingest.platforms import looks_like_identifier
from ..ingest.read import Export
from .codebook import Codebook, Variable
from .columns import MISSING_RULES, ColumnCleaner, show
from .quality import (
    FLAG_DETAIL,
    FLAGS,
    SCREENED,
    Checks,
    platform_status,
    quality_flags,
    summarise,
    test_responses,
)
from .redact import Redactor, hash_values, read_salt, redact_own_names
from .redact_columns import identifier_header, name_header

__all__ = ["FLAGS", "CleanSurvey", "clean", "read_clean"]


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
        status = f"{s['completes']:,} complete, {s['partials']:,} partial"
        if s.get("status_unknown"):
            status = "completion status not in the export" if not s["completes"] else status
        lost = s.get("made_missing") or {}
        return (
            f"CleanSurvey({self.name!r}: {s['kept']:,} respondents kept of {s['received']:,} "
            f"received; {status}; {len(lost)} variable(s) with values made missing)"
        )

    def made_missing(self) -> pd.DataFrame:
        """Per variable and reason, how many values ``clean`` turned into missing values.

        Reasons: declared missing in the export, a non-answer code in the codebook, not asked
        (routing), out of the valid range, a check-all cell neither ticked nor unticked, a
        REDCap ``[not completed]``, a text that is no date. Unknown codes are never made missing:
        they stay as levels (log rule ``unknown code``).
        """
        return _made_missing(self.log)

    def to_frame(self) -> pd.DataFrame:
        """The summary as a two-column table (``item``, ``value``).

        Counts stay integers; the values made missing show as ``made_missing: <variable>`` rows,
        unknown codes kept as levels as ``unknown_codes: <variable>``, exclusions as
        ``excluded: <flag>``. RR1 and RR2 are exact, as ``response_rates`` gives them. A check
        that could not run shows where its count would be, as ``not checked (<why>)``.
        """
        rows = [(k, v) for k, v in self.summary.items() if not isinstance(v, dict)]
        rows += [
            (f"{k}: {sub}", v)
            for k, d in self.summary.items()
            if isinstance(d, dict) and k != "not_checked"
            for sub, v in d.items()
        ]
        excluding = set(self.log.loc[self.log["step"] == "exclude", "rule"])
        rows += [
            (f"{'excluded' if flag in excluding else 'flagged'}: {flag}", f"not checked ({why})")
            for flag, why in (self.summary.get("not_checked") or {}).items()
        ]
        return pd.DataFrame(rows, columns=["item", "value"], dtype=object)

    def write(self, directory: str | os.PathLike) -> dict[str, Path]:
        """Write ``<name>.parquet``, ``.codebook.json``, ``.log.csv``, ``.flags.csv`` and
        ``.manifest.json`` into ``directory``, as one set.

        The files are staged beside the target and swapped in together, the manifest (each
        file's sha256) last (:func:`survey_tools.files.staged_folder`): an interrupted or
        failed write leaves the complete earlier set or the complete new one, and
        :func:`read_clean` refuses files that do not belong together. CSV cells that a
        spreadsheet would run as a formula are neutralised (a leading ``'``), and undone by
        :func:`read_clean`. A second write into the same folder at the same time waits for
        the first. The survey name must be a plain file name (no ``/`` or ``..``).
        """
        name = safe_name(self.name, what="survey name (the codebook's survey:)")
        out = Path(directory)
        names = {
            "data": f"{name}.parquet",
            "codebook": f"{name}.codebook.json",
            "log": f"{name}.log.csv",
            "flags": f"{name}.flags.csv",
        }
        meta = {
            "name": self.name,
            "source": self.source,
            "summary": self.summary,
            "codebook": self.codebook,
        }
        with staged_folder(out, name=name) as tmp:
            self.data.to_parquet(tmp / names["data"], index=False)
            (tmp / names["codebook"]).write_text(
                json.dumps(meta, indent=1, ensure_ascii=False, default=_json) + "\n",
                encoding="utf-8",
            )
            write_csv(self.log, tmp / names["log"])
            write_csv(self.flags, tmp / names["flags"])
        names["manifest"] = f"{name}.manifest.json"
        return {key: out / file for key, file in names.items()}


def _json(value):
    if isinstance(value, np.integer | np.floating):
        return value.item()
    if isinstance(value, tuple | set):
        return list(value)
    return str(value)


def read_clean(path: str | os.PathLike) -> CleanSurvey:
    """Read what :meth:`CleanSurvey.write` wrote; ``path`` is the ``.parquet`` file.

    Every file is checked against the set's manifest first: files of different runs (a new
    parquet beside old flags), edited or missing files raise
    :class:`~survey_tools.errors.OutputError` naming them.

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
    files = read_set(path.parent, name=stem)  # OutputError: a mixed or incomplete set
    try:
        data = pd.read_parquet(io.BytesIO(files[f"{stem}.parquet"]))
        meta = json.loads(files[f"{stem}.codebook.json"].decode("utf-8"))
        log = pd.read_csv(
            io.BytesIO(files[f"{stem}.log.csv"]), keep_default_na=False, dtype={"detail": str}
        )
        flags = pd.read_csv(io.BytesIO(files[f"{stem}.flags.csv"]), dtype={"id": str})
    except (KeyError, OSError, ValueError) as exc:
        raise SurveyToolsError(
            f"Cannot read the cleaned survey {path}: {exc}.",
            hint="give the .parquet file that CleanSurvey.write() produced",
        ) from None
    log, flags = restore_text(log), restore_text(flags)
    return CleanSurvey(
        meta["name"], data, flags, log, meta["summary"], meta["codebook"], meta["source"]
    )


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
        The :class:`Codebook` mapping the export's columns to canonical variables; a draft
        (:meth:`Codebook.draft`) runs as it is.
    roll
        The membership roll (a DataFrame or CSV path): source of the roll-linked variables the
        codebook names under ``roll:``, and of the full names removed from free text.
    salt
        Salt for hashing identifiers with ``action: hash`` (else read from the environment).
    invited
        Number of members invited: gives AAPOR RR1 and RR2 in the summary (from the platform's
        dispositions when the codebook names them under ``quality: disposition:``).
    exclude
        Flags that remove a respondent (default: the codebook's ``quality.exclude``, else
        duplicates, declined consent and break-offs). Other flags are reported, not applied.
        Rows of an export with no completion status are never break-offs. Qualtrics test and
        preview responses are removed whatever ``exclude`` says (log and summary reason
        ``preview_or_test``), unless the codebook sets ``quality: keep_test_responses: true``.

    Returns
    -------
    CleanSurvey
        Its ``summary["made_missing"]`` and :meth:`CleanSurvey.made_missing` say, per
        variable, how many values became missing and why.

    Examples
    --------
    >>> from survey_tools import Codebook, clean, read_export
    >>> export = read_export("../shared/fixtures/external/spss/pspp_physiology.sav")
    >>> cleaned = clean(export, Codebook.draft(export))
    >>> len(cleaned.data) == len(export.data)
    True
    """
    book = codebook
    exclude = tuple(book.quality.exclude if exclude is None else exclude)
    unknown = set(exclude) - set(FLAGS)
    if unknown:
        raise CodebookError(
            f"Cannot exclude on unknown flag(s) {', '.join(sorted(unknown))}.",
            hint=f"use {', '.join(FLAGS)}",
        )
    raw = export.data
    path = export.meta.source_path
    roll_frame = _roll(roll)
    redactor = Redactor(roll=roll_frame, patterns=book.redact_patterns)
    c = ColumnCleaner(raw, export.meta, book.not_asked, redactor=redactor)
    sources = _sources(c, book, path, export.meta.identifiers)
    if any(v.type == "identifier" and v.action == "hash" for v in book.variables.values()):
        key = read_salt(salt)
    rows: list[tuple] = [
        ("read", "", "responses received", f"{path.name} ({export.meta.platform})", len(raw))
    ]
    used = set(sources.values()) | {
        c.source(src) for v in book.variables.values() for src, _ in v.options.values()
    }
    unused = [str(col) for col in raw.columns if col not in used]
    shown = ", ".join(unused[:6]) + (", ..." if len(unused) > 6 else "")
    rows.append(("read", "", "columns not in the codebook", f"dropped: {shown}", len(unused)))
    rows += [("read", "", "read warning", text, 1) for text in export.meta.warnings]

    columns: dict[str, pd.Series] = {}
    codes, not_asked, special, keys = {}, {}, {}, {}
    out_of_range = np.zeros(len(raw), dtype=bool)
    for var in book.variables.values():
        col = sources.get(var.name)
        if var.derive:
            continue
        done = None
        if var.type in ("single", "likert"):
            done = c.single(var, col)
        elif var.type == "numeric":
            done = c.numeric(var, col)
        elif var.type == "multi":
            done = c.multi(var)
        elif var.type == "text":
            done = c.text(var, col, redactor)
        elif var.type == "date":
            done = c.date(var, col)
        elif var.type == "id":
            columns[var.name] = raw[col].astype("string")
        elif var.type == "identifier":
            keys[var.name] = raw[col]
            if var.action == "hash":
                columns[var.name] = hash_values(raw[col], key)
            rows.append(
                (
                    "identifier",
                    var.name,
                    var.action,
                    f"{col}: {var.action}ped" if var.action == "drop" else f"{col}: salted hash",
                    int(raw[col].notna().sum()),
                )
            )
        if done is not None:
            columns.update(done.columns)
            rows += [(*r[:4], int(r[4])) for r in done.log]
            if done.codes is not None:
                codes[var.name] = done.codes
            if done.not_asked is not None:
                not_asked[var.name] = done.not_asked
            if done.special is not None:
                special[var.name] = done.special
            if done.out_of_range is not None:
                out_of_range |= done.out_of_range
    own = [  # the respondent's own name columns: their name leaves their own answers too
        keys[v.name]
        for v in book.variables.values()
        if v.type == "identifier" and v.name in keys and name_header(v.name, v.label, *v.source)
    ]
    for var in book.variables.values():
        if own and var.type == "text" and var.redact and var.name in columns:
            columns[var.name], n = redact_own_names(columns[var.name], pd.concat(own, axis=1))
            if n:
                rows.append(("redact", var.name, "name", "own name replaced by [name]", n))
    for var in book.variables.values():
        if var.derive:
            columns[var.name], derive_rows = _derive(codes[var.derive], var)
            rows += derive_rows
    data = pd.DataFrame(columns, index=raw.index)
    data = data[[k for k in columns if k in data]]
    if book.roll:
        linked, link_rows = _link(book.roll, roll_frame, keys, data)
        data = pd.concat([data, linked], axis=1)
        rows += link_rows

    checks = Checks(raw.index, codes, not_asked, special, out_of_range, keys)
    screen = test_responses(raw, export.meta.platform)
    keep_tests = book.quality.keep_test_responses
    platform = platform_status(raw, export.meta.platform)
    flags = quality_flags(book, checks, data, platform, None if keep_tests else screen)
    not_checked = flags.attrs["not_checked"]
    screened = flags["status"].isin(SCREENED)
    excluded = flags[list(exclude)].any(axis=1) if exclude else pd.Series(False, index=flags.index)
    excluded |= screened
    reason = pd.Series(pd.NA, index=flags.index, dtype="str")
    for flag in reversed(exclude):
        reason = reason.mask(flags[flag], flag)
    reason = reason.mask(screened, "preview_or_test")
    flags["excluded"] = excluded
    flags["exclusion_reason"] = reason
    if screen is not None:
        found = screen.value_counts()
        what = (
            f"Qualtrics test and preview responses, no member's answers ({found.get('test', 0)} "
            f"Survey Test, {found.get('preview', 0)} Survey Preview)"
        )
        if keep_tests:
            what += ": kept (quality: keep_test_responses)"
        rows.append(("exclude", "", "preview_or_test", what, int(screened.sum())))
    for flag in exclude:
        if flag in not_checked:
            rows.append(("exclude", "", flag, f"not checked: {not_checked[flag]}", 0))
        else:
            rows.append(("exclude", "", flag, FLAG_DETAIL[flag], int((reason == flag).sum())))
    for flag in FLAGS:
        if flag in exclude:
            continue
        if flag in not_checked:
            rows.append(("flag", "", flag, f"not checked: {not_checked[flag]}", 0))
        else:
            detail = FLAG_DETAIL[flag] + " (flagged, kept)"
            rows.append(("flag", "", flag, detail, int(flags[flag].sum())))
    disposition, rates_from = book.quality.disposition, None
    if disposition and disposition not in raw.columns:
        rates_from = (
            f"cleaning statuses (no column {disposition!r} in {path.name}, "
            "named under quality: disposition:)"
        )
        rows.append(("read", "", "no disposition column", f"response rates from {rates_from}", 0))
    kept = data.loc[~excluded.to_numpy()].reset_index(drop=True)
    rows.append(("result", "", "respondents kept", "", len(kept)))
    log = pd.DataFrame(rows, columns=["step", "variable", "rule", "detail", "count"])
    summary = summarise(
        flags,
        exclude,
        len(kept),
        invited=invited,
        dispositions=raw[disposition] if disposition in raw.columns else None,
        made_missing=_made_missing(log).groupby("variable", sort=False)["count"].sum().to_dict(),
        unknown_codes=log[log["rule"] == "unknown code"].set_index("variable")["count"].to_dict(),
        screened=screen is not None and not keep_tests,
        rates_from=rates_from if invited else None,
    )
    return CleanSurvey(
        name=book.survey,
        data=kept,
        flags=flags.reset_index(drop=True),
        log=log,
        summary=summary,
        codebook=json.loads(json.dumps(book.to_dict(), default=_json)),  # as written
        source={
            "file": path.name,
            "platform": export.meta.platform,
            "layout": export.meta.layout,
            "sha256": export.meta.sha256,
        },
    )


def _made_missing(log: pd.DataFrame) -> pd.DataFrame:
    lost = log[
        (log["step"] == "recode") & log["rule"].isin(list(MISSING_RULES)) & (log["count"] > 0)
    ]
    out = lost.assign(reason=lost["rule"].map(MISSING_RULES))
    return out[["variable", "reason", "count"]].reset_index(drop=True)


def _sources(c: ColumnCleaner, book: Codebook, path: Path, identifiers) -> dict[str, str]:
    found, lacking = {}, []
    ids = set(identifiers)
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
        named = col in ids or looks_like_identifier(col) or identifier_header(col)
        if var.type != "identifier" and named:
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


def _link(
    spec: dict, roll: pd.DataFrame | None, keys: dict, data: pd.DataFrame
) -> tuple[pd.DataFrame, list]:
    if roll is None:
        raise CodebookError(
            "The codebook takes variables from the membership roll, but no roll was given.",
            hint="pass roll= (the roll CSV or DataFrame) to clean(), or --roll on the command line",
        )
    key, roll_key = spec["key"], spec.get("roll_key", spec["key"])
    if roll_key not in roll.columns:
        raise CodebookError(
            f"The roll has no column {roll_key!r} to link on.",
            hint="set roll: roll_key: in the codebook",
        )
    members = roll.drop_duplicates(roll_key).set_index(roll_key)
    keys = keys.get(key, data.get(key)).astype(str)
    found = keys.isin(members.index)
    rows = [("link", "", "roll", f"responses matched to the roll on {key}", int(found.sum()))]
    if (~found).any():
        rows.append(
            (
                "link",
                "",
                "not on the roll",
                f"{key} not found in the roll: linked variables missing",
                int((~found).sum()),
            )
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
    return pd.DataFrame(out, index=data.index), rows


def _derive(codes: pd.Series, var: Variable) -> tuple[pd.Series, list]:
    mapping = {float(code): label for label, values in var.recode.items() for code in values}
    labels = codes.map(mapping)
    unmapped = codes.notna() & labels.isna()
    rows = []
    if unmapped.any():
        shown = ", ".join(map(show, pd.unique(codes[unmapped])[:5]))
        rows.append(
            (
                "derive",
                var.name,
                "not recoded",
                f"codes {shown} of {var.derive} have no group",
                int(unmapped.sum()),
            )
        )
    rows.append(("derive", var.name, "recode", f"from {var.derive}", int(labels.notna().sum())))
    return pd.Series(pd.Categorical(labels, categories=list(var.recode)), index=codes.index), rows
