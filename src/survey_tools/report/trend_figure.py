"""``fig_trend``: an estimate over survey waves, with intervals, marked changes and breaks.

Enters: a trend table (``survey_tools.waves.trend(...).table``: ``wave``, ``estimate``,
``ci_low``, ``ci_high``, ``n``, optionally a group column), the wave-to-wave changes
(``compare_waves``) and the waves where the question changed (``Crosswalk.breaks``). Leaves: a
figure in the house theme: one line per group over the waves with 95% intervals; a wave whose
change from the wave before is significant (q-value, else p-value, under ``alpha``) gets a ring
and a note; the line is broken before a wave where the wording or answers changed, with a dashed
rule labelled "question changed"; points on an unweighted base under ``min_base`` are withheld
and named in the note (disclosure control).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..errors import ReportError
from ._kit import canvas, finish, percent_axis, themed
from .theme import Size

__all__ = ["fig_trend"]

_NEEDS = ("wave", "estimate", "ci_low", "ci_high", "n")


def fig_trend(
    table: pd.DataFrame,
    *,
    by: str | None = None,
    changes: pd.DataFrame | None = None,
    breaks: Sequence[str] = (),
    title: str | None = None,
    ylabel: str | None = None,
    source: str | None = None,
    base: str | None = None,
    alpha: float = 0.05,
    percent: bool | None = None,
    size: Size = "memo",
    suppress: bool = True,
    min_count: int = 10,
    min_base: int = 30,
    ax: Axes | None = None,
) -> Figure:
    """An estimate over waves, one line per group of ``by``, with 95% intervals.

    Parameters
    ----------
    table
        ``trend(...).table`` (one level: pick it before, e.g. ``t.table[t.table.level == "Yes"]``).
    by
        The group column (one line each); None for a single line.
    changes
        ``compare_waves(..., against="previous")`` for the same estimate: a wave whose change
        from the one before has a q-value (else p-value) under ``alpha`` is ringed.
    breaks
        Waves where the question changed (``Crosswalk.breaks(variable)``): the line does not
        join across them and a dashed rule marks the change.
    percent
        Percent axis; by default when every estimate lies in [0, 1].
    suppress, min_count, min_base
        Disclosure control: points on a base under ``min_base`` are withheld and named.
    """
    missing = [c for c in _NEEDS if c not in table.columns]
    if missing:
        raise ReportError(
            f"fig_trend needs the columns {', '.join(missing)}.",
            hint="pass survey_tools.waves.trend(designs, column).table",
        )
    if "level" in table.columns and table["level"].nunique() > 1:
        raise ReportError(
            "fig_trend draws one answer; the table has several levels.",
            hint="pick one, e.g. table[table['level'] == answer]",
        )
    if by is not None and by not in table.columns:
        raise ReportError(f"fig_trend: the table has no column {by!r}.")
    waves = list(dict.fromkeys(table["wave"].astype(str)))
    x_of = {w: i for i, w in enumerate(waves)}
    rows = table.assign(
        wave=table["wave"].astype(str),
        group=table[by].astype(str) if by else "All",
        x=table["wave"].astype(str).map(x_of),
    )
    if percent is None:
        percent = bool(rows["estimate"].between(0, 1).all())
    small_base = rows["n"] < min_base
    implied = rows["n"] * rows["estimate"].clip(0, 1)  # a share's answers and the rest, counted
    small_count = percent & ((implied < min_count) | (rows["n"] - implied < min_count))
    rows["reason"] = np.where(small_base, "small base", np.where(small_count, "small count", ""))
    rows["hidden"] = suppress & (rows["reason"] != "")
    marked = _significant(changes, by, alpha)
    breaks = [str(b) for b in breaks if str(b) in x_of]
    groups = list(dict.fromkeys(rows["group"]))
    height = 3.0 + 0.15 * max(0, len(groups) - 3)
    with themed(size):
        fig, ax = canvas(size, height, title=title, ax=ax)
        colors = [f"C{i % 10}" for i in range(len(groups))]
        offsets = (np.arange(len(groups)) - (len(groups) - 1) / 2) * min(0.06, 0.3 / len(groups))
        ringed = 0
        for g, color, dx in zip(groups, colors, offsets):
            part = rows[(rows["group"] == g) & ~rows["hidden"]].sort_values("x")
            if part.empty:
                continue
            for seg in _segments(part, breaks, x_of):
                ax.plot(seg["x"] + dx, seg["estimate"], "-", color=color, lw=1.6)
            ax.errorbar(
                part["x"] + dx,
                part["estimate"],
                yerr=[part["estimate"] - part["ci_low"], part["ci_high"] - part["estimate"]],
                fmt="o",
                color=color,
                ms=5,
                capsize=3,
                lw=1.1,
                label=g if by else None,
            )
            hits = part[[(g, w) in marked for w in part["wave"]]]
            ringed += len(hits)
            ax.plot(hits["x"] + dx, hits["estimate"], "o", ms=12, mfc="none", mec=color, mew=1.4)
        for b in breaks:
            xb = x_of[b] - 0.5
            ax.axvline(xb, color="0.35", ls="--", lw=1)
            ax.annotate(
                "question changed",
                (xb, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, -3),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize="small",
                color="0.25",
            )
        ax.set_xticks(range(len(waves)), waves)
        ax.set_xlim(-0.5, len(waves) - 0.5)
        if percent:
            percent_axis(ax.yaxis)
        ax.set_ylabel(ylabel or ("Share (95% CI)" if percent else "Estimate (95% CI)"))
        if by and len(groups) > 1:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")
        other = (
            f"A ring marks a significant change from the wave before (q < {alpha:g}, "
            "multiplicity-adjusted; members who answered both waves counted as linked)."
            if ringed
            else None
        )
        withheld = rows[rows["hidden"]].assign(label=lambda f: f["group"] + " " + f["wave"])
        finish(
            fig,
            size=size,
            suppress=suppress,
            params={"min_count": min_count, "min_base": min_base},
            withheld=withheld[["label", "reason"]],
            source=source,
            base=base,
            caution=False,
            other=other,
        )
    return fig


def _segments(part: pd.DataFrame, breaks: list[str], x_of: dict) -> list[pd.DataFrame]:
    """The group's points split before every break wave (the line never joins across one)."""
    cuts = sorted(x_of[b] for b in breaks)
    keys = np.searchsorted(cuts, part["x"].to_numpy(), side="right")
    return [seg for _, seg in part.groupby(keys) if len(seg) > 1]


def _significant(changes: pd.DataFrame | None, by: str | None, alpha: float) -> set:
    """(group, later wave) pairs whose change from the wave before is significant."""
    if changes is None or changes.empty:
        return set()
    test = changes["q_value"] if "q_value" in changes else changes["p_value"]
    hit = changes[test.to_numpy() < alpha]
    groups = hit[by].astype(str) if by else pd.Series("All", index=hit.index)
    return set(zip(groups, hit["wave_b"].astype(str)))
