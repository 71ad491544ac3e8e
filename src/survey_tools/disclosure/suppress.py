"""suppress(): primary rules, complementary cells, the audit, and the display table.

Three kinds of input, one result (:class:`Suppressed`):

counts
    A DataFrame of unweighted counts (rows by columns, no margins), or a
    :class:`~survey_tools.design.Crosstab` (its unweighted ``n`` table is audited; its row or
    column percentages are displayed). Margins are always published.
proportions
    An estimate table with a ``level`` column (``design.proportion(col, by=...)``). The cells
    are domain x level; their counts are the counts a reader can infer, the share of the level
    in its domain times the domain's unweighted base ``n``, rounded. Bases ``n`` are the
    published row margins; each level's overall count is taken as published too (memos print
    the overall share), so the audit is the two-way one. Pass the whole table, every level of
    every domain: a filtered table is refused, since the missing levels follow by subtraction.
magnitudes
    An estimate table without ``level`` (``mean``, ``total``, ``ratio``, ``quantile`` of a
    numeric column): one cell per row, with ``n`` contributors. ``contributions=`` (the
    respondent values by domain) switches on the dominance rule.
stacked
    ``design.proportion([...])`` or ``design.mean([...])`` (a ``variable`` column first):
    each variable is suppressed and audited on its own; ``counts``, ``hidden`` and ``reason``
    have columns ``(variable, level)`` (``(variable, "n")`` for magnitudes), the display
    table and ``to_frame()`` keep the long form. ``contributions`` then needs one value
    column per variable.

Bool and 0/1 levels or domains (a yes/no question stored as bool) are labels like any other.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..design import Crosstab
from ..errors import PrivacyError
from .audit import audit, published_margins
from .complementary import METHODS, protect
from .magnitude import dominated_cells
from .thresholds import (
    DASH,
    below_standard_note,
    check_thresholds,
    hide_small_sizes,
    small_size_note,
)

__all__ = ["DASH", "REASONS", "Suppressed", "suppress"]

REASONS = ("small count", "small base", "dominance", "complementary")
_HIDDEN_STATS = ("estimate", "se", "ci_low", "ci_high", "deff")


@dataclass(frozen=True, repr=False)
class Suppressed:
    """A table made safe to publish: what is hidden, why, and the display table.

    Attributes
    ----------
    kind
        ``"counts"``, ``"proportions"`` or ``"magnitudes"`` (see the module docstring).
    counts
        The count cells the rules and the audit ran on (for estimate tables, the inferred
        counts or the contributors).
    hidden
        Boolean DataFrame aligned with ``counts``: True where the cell is withheld.
    reason
        Same shape: ``"small count"``, ``"small base"``, ``"dominance"``, ``"complementary"``
        or ``""``.
    table
        The display table: ``"—"`` in hidden cells, margins, and the footnotes in
        ``table.attrs["notes"]``.
    notes
        One footnote per reason that occurs.
    audit
        The intruder's bounds for every hidden cell (see :func:`~.audit.audit`).
    source
        The estimate table that was passed in, with each row's ``hidden`` and ``reason``
        (None for counts).
    """

    kind: str
    counts: pd.DataFrame
    hidden: pd.DataFrame
    reason: pd.DataFrame
    table: pd.DataFrame
    notes: tuple[str, ...]
    audit: pd.DataFrame
    source: pd.DataFrame | None = None
    params: dict = field(default_factory=dict)

    @property
    def below_standard(self) -> bool:
        """True when a threshold is below the standard (10, 30, (2, 85), 1): the table is then
        not disclosure-checked at the standard thresholds, and its notes say so."""
        return bool(self.params.get("below_standard"))

    @property
    def cells_hidden(self) -> int:
        """Number of withheld cells."""
        return int(self.hidden.to_numpy().sum())

    @property
    def cells_complementary(self) -> int:
        """Number of cells withheld only to protect others."""
        return int((self.reason.to_numpy() == "complementary").sum())

    @property
    def share_hidden(self) -> float:
        """Share of the table's total count that sits in withheld cells (0 to 1)."""
        total = float(self.counts.to_numpy().sum())
        return float(self.counts.to_numpy()[self.hidden.to_numpy()].sum()) / total if total else 0.0

    @property
    def loss(self) -> dict:
        """Information loss: ``cells`` and ``complementary`` cells hidden, of ``cells_total``,
        and ``share`` of the table's total count withheld."""
        return {
            "cells": self.cells_hidden,
            "complementary": self.cells_complementary,
            "cells_total": int(self.counts.size),
            "share": self.share_hidden,
        }

    def to_frame(self) -> pd.DataFrame:
        """Tidy result.

        For counts, one row per cell: ``row``, ``column``, ``count``, ``hidden``, ``reason``
        and the intruder's ``lower`` / ``upper`` bounds of hidden cells. For estimate tables,
        the input table with the withheld statistics set to NaN and ``hidden`` and ``reason``
        columns added.
        """
        if self.source is not None:
            out = self.source.copy()
            for col in _HIDDEN_STATS:
                if col in out:
                    out[col] = out[col].where(~out["hidden"].to_numpy(dtype=bool))
            return out
        n_rows, n_cols = self.counts.shape
        out = pd.DataFrame(
            {
                "row": np.repeat(np.asarray(self.counts.index, dtype=object), n_cols),
                "column": np.tile(np.asarray(self.counts.columns, dtype=object), n_rows),
                "count": self.counts.to_numpy().reshape(-1),
                "hidden": self.hidden.to_numpy().reshape(-1),
                "reason": self.reason.to_numpy().reshape(-1),
            }
        )
        bounds = self.audit.set_index(["row", "column"])[["lower", "upper"]]
        keys = pd.MultiIndex.from_arrays([out["row"], out["column"]])
        out[["lower", "upper"]] = bounds.reindex(keys).to_numpy() if len(bounds) else np.nan
        return out

    def __repr__(self) -> str:
        n = self.counts.size
        head = (
            f"Suppressed({self.kind}, {self.counts.shape[0]} x {self.counts.shape[1]}: "
            f"{self.cells_hidden} of {n} cells hidden ({self.cells_complementary} "
            f"complementary), {100 * self.share_hidden:.1f}% of the total withheld)"
        )
        return "\n".join([head, self.table.to_string(), *self.notes])

    def _repr_html_(self) -> str:
        notes = "".join(f"<br><small>{html.escape(note)}</small>" for note in self.notes)
        return self.table.to_html() + notes


def _notes(reasons: set[str], p: dict, sizes: bool = False) -> tuple[str, ...]:
    text = {
        "small count": f"{DASH} small count: fewer than {p['min_count']} respondents (zero is "
        "shown).",
        "small base": f"{DASH} small base: percentages on an unweighted base below "
        f"{p['min_base']} are not shown.",
        "dominance": f"{DASH} dominance: the {p['dominance'][0]} largest contributors hold more "
        f"than {p['dominance'][1]}% of the total.",
        "complementary": f"{DASH} complementary: withheld so that other withheld cells cannot be "
        "worked out from the totals.",
    }
    notes = [text[r] for r in REASONS if r in reasons]
    notes += [small_size_note(p["min_count"])] if sizes else []
    notes += [below_standard_note(p, p["below_standard"])] if p.get("below_standard") else []
    return tuple(notes)


def _reasons(small_count, small_base, dom, hidden) -> np.ndarray:
    out = np.full(hidden.shape, "", dtype=object)
    out[hidden] = "complementary"
    out[small_base] = "small base"
    out[dom] = "dominance"
    out[small_count] = "small count"
    return out


def _check_counts(counts: pd.DataFrame) -> np.ndarray:
    try:
        values = counts.to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise PrivacyError(
            f"suppress() needs numbers in every cell; columns {list(counts.columns)} hold "
            f"other values ({exc}).",
            hint="pass unweighted counts, a Crosstab or an estimate table with an `n` column",
        ) from None
    if np.isnan(values).any() or (values < 0).any() or (values != np.round(values)).any():
        raise PrivacyError(
            "suppress() needs whole, nonnegative unweighted counts; this table has missing, "
            "negative or fractional cells.",
            hint="pass the unweighted counts (e.g. Crosstab.n), not weighted counts",
        )
    return values


def _protect_or_fail(values, primary, protection, method, where: str) -> np.ndarray:
    hidden = protect(values, primary, protection=protection, method=method)
    if hidden is None:
        raise PrivacyError(
            f"{where} cannot be protected: even with every cell withheld, a published total "
            "pins a withheld cell.",
            hint="collapse small rows or columns (e.g. merge small roles) and suppress again",
        )
    return hidden


def _counts_result(counts, values, primary_parts, p, *, display=None, percent=None):
    small_count, small_base, dom = primary_parts
    primary = small_count | small_base | dom
    hidden = _protect_or_fail(values, primary, p["protection"], p["method"], "The table")
    reason = _reasons(small_count, small_base, dom, hidden)
    hidden_df = pd.DataFrame(hidden, index=counts.index, columns=counts.columns)
    shown = (display if display is not None else counts).astype(object).where(~hidden_df, DASH)
    rows_pub, cols_pub = published_margins(values.shape)
    if percent == "row":
        shown["n"] = counts.sum(axis=1).astype(int)
    elif percent == "column":
        shown.loc["n"] = counts.sum(axis=0).astype(int)
    else:
        if rows_pub:
            shown["Total"] = counts.sum(axis=1).astype(int)
        if cols_pub or not rows_pub:
            shown.loc["Total"] = [*counts.sum(axis=0).astype(int)] + (
                [int(values.sum())] if rows_pub else []
            )
    shown, sizes = hide_small_sizes(
        shown, p["min_count"], columns=("n", "Total"), rows=("n", "Total")
    )
    notes = _notes(set(reason[hidden]), p, sizes)
    shown.attrs["notes"] = notes
    return Suppressed(
        kind="counts",
        counts=counts,
        hidden=hidden_df,
        reason=pd.DataFrame(reason, index=counts.index, columns=counts.columns),
        table=shown,
        notes=notes,
        audit=audit(counts, hidden_df, protection=p["protection"]),
        params=p,
    )


def _from_counts(counts: pd.DataFrame, p: dict, percent=None, pct=None) -> Suppressed:
    values = _check_counts(counts)
    small_count = (values > 0) & (values < p["min_count"])
    small_base = np.zeros(values.shape, dtype=bool)
    display = None
    if percent is not None:
        if percent not in ("row", "column"):
            raise PrivacyError(
                f"percent={percent!r} is not a kind of percentage.",
                hint='use percent="row", percent="column" or percent=None (counts)',
            )
        axis = 1 if percent == "row" else 0
        bases = values.sum(axis=axis, keepdims=True)
        small_base = np.broadcast_to(bases < p["min_base"], values.shape).copy()
        if pct is None:
            pct = 100 * counts.div(counts.sum(axis=axis), axis=1 - axis)
        display = pct.round(1)
    dom = np.zeros(values.shape, dtype=bool)
    return _counts_result(
        counts, values, (small_count, small_base, dom), p, display=display, percent=percent
    )


def _by_columns(table: pd.DataFrame) -> list[str]:
    """The domain columns: those before ``level`` / ``quantile`` / ``estimate``."""
    cols = list(table.columns)
    first = min(cols.index(c) for c in ("level", "quantile", "estimate") if c in cols)
    return cols[:first]


def _domain_index(table: pd.DataFrame, by: list[str]) -> pd.Index:
    if not by:
        return pd.Index(["All"] * len(table), name="domain")
    if len(by) == 1:
        return pd.Index(table[by[0]], name=by[0])
    return pd.MultiIndex.from_frame(table[by])


def _from_proportions(table: pd.DataFrame, p: dict) -> Suppressed:
    by = _by_columns(table)
    domains = _domain_index(table, by)
    levels = pd.Index(table["level"].astype(object))
    dom_keys = domains.unique()
    lev_keys = levels.unique()
    grid = pd.MultiIndex.from_arrays([domains, levels])
    if not grid.is_unique:
        raise PrivacyError(
            "The estimate table repeats a domain and level: it holds more than one estimate table.",
            hint="suppress each variable's proportion() table on its own",
        )
    est = pd.Series(table["estimate"].to_numpy(float), index=grid).unstack(sort=False)
    base = pd.Series(table["n"].to_numpy(float), index=grid).unstack(sort=False)
    # reindex, not .loc: bool keys (a yes/no question, a bool domain) would be read as a mask
    est = est.reindex(index=dom_keys, columns=lev_keys)
    base = base.reindex(index=dom_keys, columns=lev_keys)
    sums = est.sum(axis=1)
    proportions = bool(((est >= 0) & (est <= 1) | est.isna()).all().all())
    if len(dom_keys) * len(lev_keys) != len(table) or (
        proportions and not np.all((np.abs(sums - 1) < 1e-6) | (sums == 0))
    ):
        raise PrivacyError(
            "The estimate table does not hold every level of every domain, so the counts it "
            "gives away cannot be worked out (the missing levels follow by subtraction).",
            hint="suppress the whole proportion() table, then keep the rows you need from "
            "Suppressed.to_frame()",
        )
    share = est.div(sums.replace(0, np.nan), axis=0).fillna(0.0)
    counts = (share * base).round().astype(int)
    counts.columns.name = "level"
    values = counts.to_numpy(dtype=float)
    small_count = (values > 0) & (values < p["min_count"])
    small_base = np.broadcast_to(base.to_numpy()[:, :1] < p["min_base"], values.shape).copy()
    cells = (dom_keys.get_indexer(domains), lev_keys.get_indexer(levels))
    return _estimate_result(
        table, counts, values, (small_count, small_base, np.zeros_like(small_count)), p, cells
    )


def _from_magnitudes(table: pd.DataFrame, p: dict, contributions) -> Suppressed:
    by = _by_columns(table)
    keys = by + (["quantile"] if "quantile" in table else [])
    index = _domain_index(table, keys) if keys else pd.Index(["All"], name="domain")
    counts = pd.DataFrame({"n": table["n"].to_numpy()}, index=index)
    values = _check_counts(counts)
    small_count = (values > 0) & (values < p["min_count"])
    dom = np.zeros(values.shape, dtype=bool)
    if contributions is not None:
        flags = dominated_cells(contributions, by, n=p["dominance"][0], k=p["dominance"][1])
        if by:
            key = pd.MultiIndex.from_frame(table[by]) if len(by) > 1 else pd.Index(table[by[0]])
            dom[:, 0] = flags.reindex(key).fillna(False).to_numpy(dtype=bool)
        else:
            dom[:, 0] = bool(flags.iloc[0])
    cells = (np.arange(len(table)), np.zeros(len(table), dtype=int))
    return _estimate_result(
        table, counts, values, (small_count, np.zeros_like(dom), dom), p, cells, magnitude=True
    )


def _estimate_result(table, counts, values, parts, p, cells, *, magnitude=False) -> Suppressed:
    """``cells`` gives, for each row of ``table``, its (row, column) position in ``counts``."""
    small_count, small_base, dom = parts
    primary = small_count | small_base | dom
    hidden = _protect_or_fail(values, primary, p["protection"], p["method"], "The estimate table")
    reason = _reasons(small_count, small_base, dom, hidden)
    flat = hidden[cells]
    shown = table.copy()
    stats = [c for c in (*_HIDDEN_STATS, *(["n"] if magnitude else [])) if c in shown]
    for col in stats:
        shown[col] = shown[col].astype(object).where(~flat, DASH)
    shown, sizes = hide_small_sizes(shown, p["min_count"], columns=("n",))
    notes = _notes(set(reason[hidden]), p, sizes)
    shown.attrs["notes"] = notes
    hidden_df = pd.DataFrame(hidden, index=counts.index, columns=counts.columns)
    return Suppressed(
        kind="magnitudes" if magnitude else "proportions",
        counts=counts,
        hidden=hidden_df,
        reason=pd.DataFrame(reason, index=counts.index, columns=counts.columns),
        table=shown,
        notes=notes,
        audit=audit(counts, hidden_df, protection=p["protection"]),
        source=table.assign(hidden=flat, reason=reason[cells]),
        params=p,
    )


def _stacked(table: pd.DataFrame, p: dict, contributions) -> Suppressed:
    """A long table of several variables (``design.proportion([...])``): each one on its own.

    Each variable's table is suppressed and audited alone (its counts share no total with the
    other variables'); the result puts them side by side, columns ``(variable, level)``.
    """
    names = list(pd.unique(table["variable"]))
    parts = {}
    for name in names:
        sub = table[table["variable"] == name].drop(columns="variable").reset_index(drop=True)
        if "level" in sub.columns:
            parts[name] = _from_proportions(sub, p)
            continue
        given = None
        if contributions is not None:
            by = _by_columns(sub)
            if name not in contributions.columns or not set(by) <= set(contributions.columns):
                raise PrivacyError(
                    f"The table stacks the variables {names}; contributions has columns "
                    f"{list(contributions.columns)}, not the by-columns {by} and {name!r}.",
                    hint=f"pass contributions=design.data[{[*by, *names]}] (one value column "
                    "per variable), or suppress one variable at a time",
                )
            given = contributions[[*by, name]]
        parts[name] = _from_magnitudes(sub, p, given)

    def side_by_side(attr, fill):
        frames = {name: getattr(part, attr) for name, part in parts.items()}
        out = pd.concat(frames, axis=1, names=["variable"], sort=False)
        return out.astype(object).fillna(fill).infer_objects() if out.isna().any(axis=None) else out

    def stacked(attr):
        return pd.concat(
            [
                frame.assign(variable=name)[["variable", *frame.columns]]
                for name, part in parts.items()
                for frame in [getattr(part, attr)]
            ],
            ignore_index=True,
        )

    reasons = side_by_side("reason", "")
    sizes = any(small_size_note(p["min_count"]) in part.notes for part in parts.values())
    notes = _notes(set(reasons.to_numpy().ravel()) - {""}, p, sizes)
    shown = stacked("table")
    shown.attrs["notes"] = notes
    first = next(iter(parts.values()))
    return Suppressed(
        kind=first.kind,
        counts=side_by_side("counts", 0),
        hidden=side_by_side("hidden", False).astype(bool),
        reason=reasons,
        table=shown,
        notes=notes,
        audit=stacked("audit"),
        source=stacked("source"),
        params=p,
    )


def suppress(
    table,
    *,
    min_count: int = 10,
    min_base: int = 30,
    dominance: tuple[int, float] = (2, 85),
    contributions: pd.DataFrame | None = None,
    percent: str | None = None,
    protection: float = 1.0,
    method: str = "cycles",
) -> Suppressed:
    """Withhold the cells of a table that would disclose respondents, and audit the rest.

    Primary suppression hides counts from 1 to ``min_count - 1`` (zero is shown), every
    percentage on an unweighted base below ``min_base``, and magnitude statistics with fewer
    than ``min_count`` contributors or failing the ``dominance`` rule. Complementary
    suppression then hides as few and as small other cells as it can until no hidden cell can
    be pinned, by linear programming on every shown cell and every published total, to an
    interval narrower than ``protection`` units (see :mod:`survey_tools.disclosure.audit`).

    Parameters
    ----------
    table
        Unweighted counts (DataFrame, rows by columns, no margins; a one-way table is a
        single column), a :class:`~survey_tools.design.Crosstab`, or an estimate table from
        ``SurveyDesign.proportion / mean / total / ratio / quantile`` (with its ``n``), also
        the stacked table of several variables (suppressed per variable).
    min_count
        Smallest count (or number of contributors) that may be shown.
    min_base
        Smallest unweighted base a percentage may rest on.
    dominance
        ``(n, k)``: a magnitude is withheld when its ``n`` largest contributors hold more than
        ``k`` percent of its total. Used only with ``contributions``.
    contributions
        For magnitude tables (mean pay, total earnings): the respondent-level values, a
        DataFrame with the table's by-columns and one value column, e.g.
        ``design.data[["role", "rlhf_pay_usd_hr"]]``. Pass weight x value to test a weighted
        total. Without it only the contributor count is checked.
    percent
        For counts and crosstabs: ``"row"`` or ``"column"`` displays percentages (a Crosstab's
        weighted ones) with their bases, and applies ``min_base`` to those bases; ``None``
        (counts' default) displays counts. A Crosstab defaults to ``"row"``.
    protection
        Width, in count units, that every hidden cell's feasible interval must reach.
    method
        ``"cycles"`` (default: cheapest cycles, then pruning) or ``"baseline"`` (hide the
        smallest other cell of each exposed row and column until the audit passes).

    Returns
    -------
    Suppressed

    Raises
    ------
    PrivacyError
        The table is malformed, or cannot be protected even with every cell withheld.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame(
    ...     {"Yes": [4, 30, 25], "No": [40, 52, 61]},
    ...     index=pd.Index(["Voice actor", "TV writer", "Editor"], name="role"),
    ... )
    >>> safe = suppress(counts)
    >>> safe.table  # doctest: +NORMALIZE_WHITESPACE
                Yes   No  Total
    role
    Voice actor   —    —     44
    TV writer     —    —     82
    Editor       25   61     86
    Total        59  153    212
    >>> safe.reason.loc["Voice actor", "Yes"], safe.cells_hidden
    ('small count', 4)
    """
    if method not in METHODS:
        raise PrivacyError(f"Unknown suppression method {method!r}.", hint=f"use one of {METHODS}")

    def params(percentages: bool) -> dict:
        """The checked thresholds; ``min_base`` only where the table shows percentages."""
        base = min_base if percentages else None
        checked, below = check_thresholds(min_count, base, dominance, protection)
        return {**checked, "method": method, "below_standard": below}

    if isinstance(table, Crosstab):
        percent = "row" if percent is None else percent
        pct = {"row": table.row_pct, "column": table.col_pct}.get(percent)
        return _from_counts(table.n, params(True), percent=percent, pct=pct)
    if not isinstance(table, pd.DataFrame):
        raise PrivacyError(
            f"suppress() got a {type(table).__name__}.",
            hint="pass a DataFrame of counts, a Crosstab or an estimate table",
        )
    if {"estimate", "n"} <= set(table.columns):
        named = any(name is not None for name in table.index.names)
        flat = table.reset_index(drop=not named)  # by-columns moved to the index come back
        p = params("level" in flat.columns)
        if "variable" in flat.columns:
            return _stacked(flat, p, contributions)
        if "level" in flat.columns:
            return _from_proportions(flat, p)
        return _from_magnitudes(flat, p, contributions)
    return _from_counts(table, params(percent is not None), percent=percent)
