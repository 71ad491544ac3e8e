"""Memo figures of pay distributions and of loss against occupational AI exposure."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from adjustText import adjust_text
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import ReportError
from ._kit import (
    ESTIMATE_COLUMNS,
    by_column,
    collapse,
    dollar_axis,
    finish,
    line_labels,
    new_figure,
    percent_axis,
    pick_level,
    require,
    screen,
    themed,
)
from .theme import PALETTE, SIZES, Size, wrap_label

__all__ = ["fig_exposure", "fig_pay"]


def _bins(values: np.ndarray, binwidth: float, min_count: int) -> np.ndarray:
    """Bin edges on a ``binwidth`` grid, merged so that every bin holds ``min_count`` people.

    Merging keeps a lone extreme rate (a named member, in a small craft) from standing out:
    the tails are pooled into wide bins whose height is a density, so the picture stays honest.
    """
    lo = np.floor(values.min() / binwidth) * binwidth
    hi = np.ceil(values.max() / binwidth) * binwidth + binwidth
    grid = np.arange(lo, hi + binwidth / 2, binwidth)
    counts, _ = np.histogram(values, grid)
    edges, run = [grid[0]], 0
    for i, c in enumerate(counts):
        run += c
        if run >= min_count:
            edges.append(grid[i + 1])
            run = 0
    if run:  # the rest joins the last full bin
        if len(edges) > 1:
            edges[-1] = grid[-1]
        else:
            edges.append(grid[-1])
    return np.asarray(edges, dtype=float)


def _median(medians: pd.DataFrame, by: str | None, group: str) -> float:
    row = medians if by is None else medians[medians[by].astype(str) == group]
    return float(row["estimate"].iloc[0]) if len(row) else float("nan")


def fig_pay(
    design,
    column: str = "rlhf_pay_usd_hr",
    *,
    by: str | None = None,
    reference: Mapping[str, float] | None = None,
    binwidth: float = 5.0,
    title: str | None = None,
    xlabel: str = "Hourly pay for AI-training work (US$)",
    source: str | None = None,
    base: str | None = None,
    size: Size = "memo",
    suppress: bool = True,
    min_count: int = 10,
    min_base: int = 30,
) -> Figure:
    """Distribution of AI-training hourly pay, weighted to the membership, against reference rates.

    A weighted histogram (share of paid respondents per ``binwidth`` dollars) with the weighted
    median, and a dashed line for each reference rate (a guild scale, a platform's advertised
    rate, a minimum wage). Bins are pooled so each holds at least ``min_count`` respondents,
    so no single member's rate shows. With ``by=``, one panel per group on a shared axis;
    groups with fewer than ``min_base`` respondents reporting pay are withheld and marked.

    Parameters
    ----------
    design
        A :class:`~survey_tools.SurveyDesign` (its ``.data`` and ``.weights`` are used).
    column
        The numeric pay column (US$ per hour).
    by
        Optional group column: one panel per group.
    reference
        ``{label: rate}`` reference lines, e.g. ``{"Platform ad, low end": 25}``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from survey_tools import SurveyDesign
    >>> pay = pd.DataFrame({"pay": np.linspace(15, 90, 120)})
    >>> fig = fig_pay(SurveyDesign(pay), "pay", reference={"Guild floor": 50})
    >>> fig.axes[0].get_xlabel()
    'Hourly pay for AI-training work (US$)'
    """
    what = "fig_pay"
    data = design.data
    require(data, [column] + ([by] if by else []), what)
    values = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=float)
    weights = np.asarray(design.weights, dtype=float)
    ok = np.isfinite(values)
    if not ok.any():
        raise ReportError(
            f"{what}: column {column!r} has no numeric values.",
            hint="pass the cleaned pay column in US$ per hour (e.g. 'rlhf_pay_usd_hr')",
        )
    groups = ["All respondents"] if by is None else [str(g) for g in pd.unique(data[by].dropna())]
    if by is not None and isinstance(data[by].dtype, pd.CategoricalDtype):
        present = set(data[by].dropna().astype(str))
        groups = [str(g) for g in data[by].cat.categories if str(g) in present]
    labels = data[by].astype(str).to_numpy() if by else np.full(len(data), groups[0])
    medians = design.quantile(column, 0.5, by=by)
    counts = pd.DataFrame(
        {
            "label": groups,
            "estimate": [_median(medians, by, g) for g in groups],
            "n": [int((ok & (labels == g)).sum()) for g in groups],
        }
    )
    params = {"min_count": min_count, "min_base": min_base}
    counts = screen(counts, ["label"], suppress=suppress, what=what, min_base_always=True, **params)
    hidden = counts["hidden"].to_numpy(bool)
    edges = _bins(values[ok], binwidth, min_count)
    reference = dict(reference or {})
    with themed(size):
        spec = SIZES[size]
        panel = spec["panel"] if by is None else spec["panel"] * 0.42
        ratios = np.where(hidden, 0.4, 1.0)
        fig = new_figure(size, panel * ratios.sum() + (0.3 if title else 0) + 0.2)
        axes = fig.subplots(len(groups), 1, sharex=True, squeeze=False, height_ratios=ratios)[:, 0]
        marks: list[list[tuple[float, str, str, str]]] = [[] for _ in groups]
        first = int(np.argmin(hidden))
        for i, (ax, g) in enumerate(zip(axes, groups, strict=True)):
            if by is not None or hidden[i]:
                ax.set_yticks([])
                ax.spines["left"].set_visible(False)
            n = int(counts["n"].iloc[i])
            if by is not None:  # beside the panel: the room above it holds the line labels
                ax.set_ylabel(
                    wrap_label(f"{g} (n = {n:,})", int(spec["label_chars"])),
                    rotation=0,
                    ha="right",
                    va="center",
                )
            if hidden[i]:
                ax.text(
                    0.5,
                    0.5,
                    f"suppressed: fewer than {min_base} respondents",
                    transform=ax.transAxes,
                    ha="center",
                    va="center",
                    fontstyle="italic",
                    color=PALETTE["grey"],
                )
                continue
            mask = ok & (labels == g)
            group_edges = edges if by is None else _bins(values[mask], binwidth, min_count)
            share, _ = np.histogram(values[mask], group_edges, weights=weights[mask])
            height = share / share.sum() / np.diff(group_edges) * binwidth
            ax.stairs(height, group_edges, fill=True, color=PALETTE["sky_blue"], alpha=0.85)
            ax.stairs(height, group_edges, color=PALETTE["blue"], lw=0.8)
            ax.set_ylim(0, height.max() * 1.25)
            if by is None:
                ax.set_yticks(ax.get_yticks()[:-1])
                percent_axis(ax.yaxis, decimals=None)
                ax.set_ylabel(f"Share of respondents per ${binwidth:g}")
                ax.spines["left"].set_visible(True)
                ax.grid(axis="y")
                ax.set_axisbelow(True)
            med = float(counts["estimate"].iloc[i])
            ax.axvline(med, color=PALETTE["black"], lw=1.4)
            median = f"Median ${med:,.2f}".replace(".00", "")
            marks[i].append((med, median, PALETTE["black"], "bold"))
            for name, rate in sorted(reference.items(), key=lambda kv: kv[1]):
                ax.axvline(rate, color=PALETTE["vermillion"], lw=1.1, ls=(0, (4, 2)))
                if i == first:  # the top panel shown
                    marks[i].append((rate, name, PALETTE["vermillion"], "normal"))
        dollar_axis(axes[-1].xaxis)
        axes[-1].set_xlabel(xlabel)
        if title:
            fig.suptitle(title, x=0.01, ha="left")
        n_all = int(ok.sum())
        finish(
            fig,
            size=size,
            suppress=suppress,
            params=params,
            withheld=counts[counts["hidden"]],
            source=source,
            base=base or f"{n_all:,} respondents who reported an hourly rate; weighted.",
            caution=False,
            other=f"Bins pooled so each holds at least {min_count} respondents.",
        )
        for ax, items in zip(axes, marks, strict=True):
            if items:  # after the notes: the plot's final width places the labels
                line_labels(ax, items, fontsize=spec["font"] * 0.85)
        return fig


def _is_share(table: pd.DataFrame) -> bool:
    values = table[["estimate", "ci_low", "ci_high"]].to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    return bool(values.size and values.min() >= 0 and values.max() <= 1)


def _spread(x: pd.Series, y: pd.Series) -> np.ndarray:
    """Roles sharing an index value, spread sideways (ordered by estimate) so none hides."""
    x = x.to_numpy(dtype=float)
    out = x.copy()
    span = (np.nanmax(x) - np.nanmin(x)) or 1.0
    step = span * 0.028  # about two markers' width at either size
    for value in np.unique(x):
        same = np.flatnonzero(x == value)
        if len(same) > 1:
            order = same[np.argsort(y.to_numpy(dtype=float)[same], kind="stable")]
            out[order] = value + (np.arange(len(same)) - (len(same) - 1) / 2) * step
    return out


def fig_exposure(
    table: pd.DataFrame,
    exposure: pd.Series | Mapping[str, float] | str,
    *,
    by: str | None = None,
    level: object = "Yes",
    title: str | None = None,
    xlabel: str = "Occupational AI exposure index",
    ylabel: str | None = None,
    source: str | None = None,
    base: str | None = None,
    size: Size = "memo",
    suppress: bool = True,
    min_count: int = 10,
    min_base: int = 30,
) -> Figure:
    """Self-reported loss by role against an occupational AI-exposure index (a labelled scatter).

    Each role is a dot at its occupation's index value and its weighted share with a 95%
    interval. Roles withheld by disclosure control are marked with a grey cross on the axis at
    their index value (no estimate shown) and named in the note; roles without an index value are
    named in the note too.

    Parameters
    ----------
    table
        ``role_exposure_table(design, role, outcome, level=...)`` (one row per role, the
        ``role`` column and every index beside the share) or
        ``SurveyDesign.proportion(col, by=role)``.
    exposure
        Index value by role label (a Series indexed by role, or a dict), or the name of a
        column of ``table`` holding it, e.g. ``"eloundou_human_beta"``. Roles that share an
        index value (one SOC occupation) are spread a little sideways so each stays visible;
        the note says so.
    by
        The role column; default ``"role"`` for a ``role_exposure_table``, otherwise the
        table's only non-estimate column.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"role": ["Voice actor", "TV writer"], "estimate": [0.2, 0.08],
    ...     "se": [0.02, 0.017], "ci_low": [0.16, 0.05], "ci_high": [0.25, 0.12], "n": [422, 314]})
    >>> fig = fig_exposure(table, {"Voice actor": 0.3, "TV writer": 0.8}, suppress=False)
    >>> sorted(t.get_text() for t in fig.axes[0].texts)
    ['TV writer', 'Voice actor']
    """
    what = "fig_exposure"
    require(table, ["estimate", "ci_low", "ci_high"], what)
    if by is None and {"role", "soc_code"} <= set(table.columns):
        by = "role"  # a role_exposure_table
    group = by_column(table, by, what)
    if isinstance(exposure, str):
        require(table, [exposure], what)
        index = pd.Series(
            table[exposure].to_numpy(float), index=table[group].astype(str).to_numpy()
        )
        index = index[~index.index.duplicated()]
    else:
        index = pd.Series(exposure, dtype=float)
        index.index = index.index.astype(str)
    extra = [c for c in table.columns if c not in (group, *ESTIMATE_COLUMNS)]
    table = table.drop(columns=extra)
    if "level" not in table.columns and _is_share(table):
        table = table.assign(level=str(level))  # one answer's share: disclose it with the rest
    params = {"min_count": min_count, "min_base": min_base}
    rows = part = pick_level(
        screen(
            collapse(table, level, group, what), [group], suppress=suppress, what=what, **params
        ),
        level,
        what,
    )
    rows = rows.assign(label=rows[group].astype(str))
    rows["x"] = rows["label"].map(index).to_numpy(float)
    missing = list(rows.loc[rows["x"].isna(), "label"])
    if len(missing) == len(rows):
        raise ReportError(
            f"{what}: no group of {group!r} has an exposure value (groups: {missing[:5]}...).",
            hint="pass exposure indexed by the same labels as the table's group column",
        )
    rows = rows[rows["x"].notna()]
    shown, withheld = rows[~rows["hidden"]], rows[rows["hidden"]]
    if len(shown):
        shown = shown.assign(x=_spread(shown["x"], shown["estimate"]))
    with themed(size):
        spec = SIZES[size]
        fig = new_figure(size, spec["panel"] * 1.25 + (0.3 if title else 0))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        colour = PALETTE["blue"]
        ax.vlines(shown["x"], shown["ci_low"], shown["ci_high"], color=colour, lw=1, alpha=0.6)
        solid, hollow = shown[~shown["caution"]], shown[shown["caution"]]
        ms = spec["font"] * 0.65
        ax.plot(solid["x"], solid["estimate"], "o", ms=ms, color=colour, zorder=3)
        ax.plot(hollow["x"], hollow["estimate"], "o", ms=ms, mfc="white", mec=colour, zorder=3)
        ax.plot(
            withheld["x"],
            np.zeros(len(withheld)),
            "x",
            color=PALETTE["grey"],
            ms=ms,
            clip_on=False,
            zorder=3,
        )
        percent = "level" in part.columns
        if percent:
            percent_axis(ax.yaxis)
            top = float(np.nanmax(shown["ci_high"])) if len(shown) else 1.0
            ax.set_ylim(0, min(1.0, top * 1.1 + 0.01))
        span = rows["x"].max() - rows["x"].min() or 1.0
        ax.set_xlim(rows["x"].min() - 0.08 * span, rows["x"].max() + 0.08 * span)
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(
            ylabel or (f"Share answering \u201c{level}\u201d (95% CI)" if percent else "Estimate")
        )
        if title:
            fig.suptitle(title, x=0.01, ha="left")
        other = f"No index value: {', '.join(missing)}." if missing else None
        if len(withheld):
            other = ((other + " ") if other else "") + "Grey crosses: roles withheld."
        if shown["x"].duplicated().any() or rows["x"].duplicated().any():
            other = ((other + " ") if other else "") + (
                "Roles that share an occupation (one index value) are spread slightly "
                "sideways so that each stays visible."
            )
        finish(
            fig,
            size=size,
            suppress=suppress,
            params=params,
            withheld=withheld,
            source=source,
            base=base,
            caution=bool(shown["caution"].any()),
            other=other,
        )
        labels = [
            ax.text(x, y, wrap_label(t, 18), fontsize=spec["font"] * 0.8, color="#1A1A1A")
            for x, y, t in zip(shown["x"], shown["estimate"], shown["label"], strict=True)
        ]
        fig.draw_without_rendering()
        adjust_text(
            labels,
            x=shown["x"].to_numpy(float),
            y=shown["estimate"].to_numpy(float),
            ax=ax,
            expand=(1.1, 1.3),
            arrowprops={"arrowstyle": "-", "color": PALETTE["grey"], "lw": 0.5},
        )
        return fig
