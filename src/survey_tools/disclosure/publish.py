"""The one rule deciding which estimates a report table or figure shows.

Estimate table in (``SurveyDesign.proportion / mean / quantile`` by group, or any table with
``estimate`` and ``n``), the same table out with ``hidden``, ``reason`` and ``caution``
columns. Every memo table (:mod:`survey_tools.report.tables`) and every figure
(:mod:`survey_tools.report.figures`) decides through :func:`screen_estimates`, so a table and a
figure of the same estimate show and withhold the same groups; :func:`base_text` is how both
print a group's unweighted base ("<10" below ``min_count``: a group that small is itself
disclosive).

The rule, in order:

1. Disclosure control, :func:`~survey_tools.disclosure.suppress` on the table: a share (one
   answer of a proportion table, reduced by :func:`two_way` to that answer and all others, the
   two counts a reader can work out) is withheld on a count below ``min_count`` or a base below
   ``min_base``, with the complementary cells protecting it; a mean or median on fewer than
   ``min_count`` contributors, and a mean whose ``contributions`` fail the ``dominance`` rule.
   A proportion table carrying ``count`` (the respondents' own counts) is judged on each
   cell's smaller count, theirs or the one a reader infers from the weighted share. A table
   that cannot be protected at all is withheld whole.
2. Reliability, :func:`~survey_tools.disclosure.flag_reliability` (when the table has ``se``):
   an estimate "too unreliable to publish" (base under ``min_base``, relative standard error
   above 50%) is withheld with reason ``"unreliable"``; one to "interpret with caution" gets
   ``caution``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import PrivacyError
from .reliability import CAUTION, UNRELIABLE, flag_reliability
from .suppress import suppress

__all__ = [
    "COUNT",
    "OTHER_ANSWERS",
    "UNRELIABLE_REASON",
    "base_text",
    "screen_estimates",
    "two_way",
]

#: ``reason`` of an estimate withheld as too unreliable to publish (not a privacy reason)
UNRELIABLE_REASON = "unreliable"
#: the ``level`` :func:`two_way` gives the pooled other answers
OTHER_ANSWERS = "(other answers)"
_STATS = ("level", "estimate", "se", "ci_low", "ci_high", "n", "deff")
#: optional column of a proportion table: the respondents (unweighted) giving that answer
COUNT = "count"


def base_text(n, min_count: int = 10) -> str:
    """An unweighted base as tables and figures print it: ``'1,234'``, or ``'<10'`` from 1 to
    ``min_count - 1``.

    Examples
    --------
    >>> base_text(3215), base_text(7), base_text(0)
    ('3,215', '<10', '0')
    """
    n = int(n)
    return f"<{min_count}" if 0 < n < min_count else f"{n:,}"


def two_way(table: pd.DataFrame, level: object, keys: Sequence[str] = ()) -> pd.DataFrame:
    """A proportion table reduced to what a one-answer table or figure publishes: the rows of
    ``level`` and, per group of ``keys``, one row pooling the other answers.

    A one-answer display shows that answer's share and each group's base, so the counts a
    reader can work out are that answer's and the other answers' together; disclosure control
    runs on those two cells per group (another answer's small count is not published).

    Examples
    --------
    >>> t = pd.DataFrame({"level": ["Yes", "No", "Unsure"], "estimate": [0.5, 0.3, 0.2],
    ...                   "n": [40, 40, 40]})
    >>> two_way(t, "Yes")[["level", "estimate"]].to_dict("list")
    {'level': ['Yes', '(other answers)'], 'estimate': [0.5, 0.5]}
    """
    if "level" not in table.columns:
        return table.reset_index(drop=True)
    part = table[table["level"].astype(str) == str(level)]
    if part.empty:
        raise PrivacyError(
            f"The table has no answer {level!r}; its answers are "
            f"{', '.join(map(str, pd.unique(table['level'])))}.",
            hint="pass one of those as level=",
        )
    rest = part.assign(
        level=OTHER_ANSWERS,
        estimate=1 - part["estimate"].to_numpy(float),
        ci_low=np.nan,
        ci_high=np.nan,
    )
    if COUNT in part.columns:
        rest[COUNT] = part["n"].to_numpy(float) - part[COUNT].to_numpy(float)
    both = pd.concat([part.assign(level=str(level)), rest], ignore_index=True)
    keys = list(keys)
    if keys:
        group = both[keys].astype(str).agg("\x1f".join, axis=1)
        first = {k: i for i, k in enumerate(pd.unique(group))}
        order = group.map(first).to_numpy() * 2 + (both["level"] != str(level)).to_numpy()
    else:
        order = (both["level"] != str(level)).to_numpy(int)
    return both.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


def _disclosure(table, min_count, min_base, dominance, contributions):
    """``(hidden, reason)`` per row of ``table`` from :func:`suppress`; a table that cannot be
    protected at all (one small group alone, say) is withheld whole."""
    try:
        safe = suppress(
            table,
            min_count=min_count,
            min_base=min_base,
            dominance=dominance,
            contributions=contributions,
        ).to_frame()
    except PrivacyError as exc:
        if "cannot be protected" not in str(exc):
            raise
        n = pd.to_numeric(table["n"], errors="coerce").fillna(0).to_numpy()
        small = (n > 0) & (n < min_count)
        return np.ones(len(table), dtype=bool), np.where(small, "small count", "complementary")
    reason = safe["reason"].fillna("").astype(str).to_numpy(dtype=object)
    return safe["hidden"].to_numpy(dtype=bool), reason


def _disclosure_counted(out: pd.DataFrame, keys: list, min_count: int, min_base: int):
    """``(hidden, reason)`` of a proportion table with the respondents' own counts: one
    :func:`suppress` run on each cell's smaller count, the respondents' own or the one a reader
    infers from the weighted share (a share can round to 10 on a count of 9), each group's
    cells still adding up to its base."""
    group = out[keys].astype(str).agg("\x1f".join, axis=1) if keys else pd.Series("All", out.index)
    level = out["level"].astype(str)
    n = pd.to_numeric(out["n"], errors="coerce").fillna(0).to_numpy(float)
    own = pd.to_numeric(out[COUNT], errors="coerce").fillna(0).to_numpy(float)
    inferred = np.round(pd.to_numeric(out["estimate"], errors="coerce").fillna(0) * n)
    cells = pd.DataFrame({"g": group, "l": level, "c": np.minimum(own, inferred), "n": n})
    counts = cells.pivot_table(index="g", columns="l", values="c", aggfunc="sum", sort=False)
    counts = counts.fillna(0.0)
    base = cells.groupby("g", sort=False)["n"].first().reindex(counts.index)
    deficit = (base - counts.sum(axis=1)).clip(lower=0).to_numpy()
    largest = counts.to_numpy().argmax(axis=1)
    values = counts.to_numpy().copy()
    values[np.arange(len(values)), largest] += deficit  # each group adds up to its base
    counts = pd.DataFrame(values.round().astype(int), index=counts.index, columns=counts.columns)
    try:
        result = suppress(counts, min_count=min_count, min_base=min_base, percent="row")
    except PrivacyError as exc:
        if "cannot be protected" not in str(exc):
            raise
        small = ((n > 0) & (n < min_count)) | ((cells["c"] > 0) & (cells["c"] < min_count))
        return np.ones(len(out), dtype=bool), np.where(small, "small count", "complementary")
    hidden = result.hidden.stack().reindex(list(zip(group, level, strict=True)))
    reason = result.reason.stack().reindex(list(zip(group, level, strict=True)))
    return (
        hidden.fillna(True).to_numpy(dtype=bool),
        reason.fillna("complementary").astype(str).to_numpy(dtype=object),
    )


def screen_estimates(
    table: pd.DataFrame,
    keys: Sequence[str] = (),
    *,
    level: object = None,
    min_count: int = 10,
    min_base: int = 30,
    dominance: tuple[int, float] = (2, 85),
    contributions: pd.DataFrame | None = None,
    reliability: bool = True,
) -> pd.DataFrame:
    """``table`` with ``hidden``, ``reason`` and ``caution``: whether each estimate may be shown.

    Parameters
    ----------
    table
        An estimate table with ``estimate`` and ``n`` (and ``se`` for the reliability flags),
        its group columns ``keys`` first. A proportion table may carry ``count``, the
        respondents giving each answer (:func:`survey_tools.report.tables.counted` adds it):
        the rules then run on each cell's smaller count, the respondents' own or the one a
        reader can infer (``estimate x n``), which differ in a weighted survey.
    keys
        The group columns.
    level
        For a proportion table: the one answer published. The table is reduced by
        :func:`two_way` and only that answer's rows are returned. Without it the whole table
        (every answer) goes through disclosure control.
    min_count, min_base, dominance
        The thresholds (see :func:`~survey_tools.disclosure.suppress`).
    contributions
        For a table of means: respondent contributions (the ``keys`` and one value column,
        weight x value), so the dominance rule can run.
    reliability
        Also withhold estimates too unreliable to publish (and flag those to read with caution).

    Examples
    --------
    >>> t = pd.DataFrame({"role": ["Editor", "Writer"], "estimate": [31.0, 28.0],
    ...                   "se": [2.0, 1.5], "n": [18, 240]})
    >>> screen_estimates(t, ["role"])[["role", "hidden", "reason"]].to_dict("list")
    {'role': ['Editor', 'Writer'], 'hidden': [True, False], 'reason': ['unreliable', '']}
    """
    keys = list(keys)
    if level is not None and "level" in table.columns:
        table = two_way(table, level, keys)
    out = table.reset_index(drop=True)
    stats = [c for c in _STATS if c in out.columns]
    if COUNT in out.columns and "level" in out.columns:
        hidden, reason = _disclosure_counted(out, keys, min_count, min_base)
    else:
        hidden, reason = _disclosure(
            out[keys + stats], min_count, min_base, dominance, contributions
        )
    out["hidden"], out["reason"] = hidden, reason
    out["caution"] = False
    if reliability and {"estimate", "se", "n"} <= set(out.columns):
        cols = [c for c in ("level", "estimate", "se", "n", "deff") if c in out.columns]
        flags = flag_reliability(out[cols], min_base=min_base)["reliability"].to_numpy()
        if "level" in out.columns:  # the pooled other answers are never shown
            flags = np.where(out["level"].astype(str) == OTHER_ANSWERS, "", flags)
        unreliable = (flags == UNRELIABLE) & ~out["hidden"].to_numpy(dtype=bool)
        out.loc[unreliable, "reason"] = UNRELIABLE_REASON
        out["hidden"] = out["hidden"].to_numpy(dtype=bool) | unreliable
        out["caution"] = flags == CAUTION
    out.loc[out["hidden"], "caution"] = False
    if level is not None and "level" in out.columns:
        out = out[out["level"].astype(str) == str(level)].reset_index(drop=True)
    return out
