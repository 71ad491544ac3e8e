"""Memo figures of pay distributions and of loss against occupational AI exposure."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import seaborn as sns
from adjustText import adjust_text
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..disclosure.publish import base_text
from ..errors import ReportError
from ._kit import (
    ESTIMATE_COLUMNS,
    answer_level,
    by_column,
    canvas,
    collapse,
    dollar_axis,
    finish,
    line_labels,
    mark_text,
    new_figure,
    percent_axis,
    pick_level,
    require,
    screen,
    themed,
)
from .theme import PALETTE, SIZES, Size, wrap_label

__all__ = ["fig_exposure", "fig_pay"]

#: Band widths a reader takes in at a glance (US$): the pay histogram uses one of them.
ROUND_WIDTHS = (1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0)


def band_width(values: np.ndarray) -> float:
    """A round band width for a pay histogram: the Freedman-Diaconis width, rounded.

    Examples
    --------
    >>> band_width(np.linspace(15, 90, 300))
    10.0
    """
    values = values[np.isfinite(values)]
    q1, q3 = np.percentile(values, [25, 75]) if values.size else (0.0, 0.0)
    raw = 2 * (q3 - q1) / max(values.size, 1) ** (1 / 3)
    if not raw > 0:
        return 5.0
    return min(ROUND_WIDTHS, key=lambda w: abs(np.log(w / raw)))  # the nearest, on a log scale


def _bins(values: np.ndarray, binwidth: float, min_count: int) -> np.ndarray:
    """Bin edges on a ``binwidth`` grid, merged so that every bin holds ``min_count`` people.

    Every edge is a multiple of ``binwidth`` (round dollars). Merging keeps a lone extreme rate
    (a named member, in a small craft) from standing out: the tails are pooled into wide bins
    whose height is their average share per ``binwidth`` band, so the picture stays honest.
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
    column: str,
    *,
    by: str | None = None,
    reference: Mapping[str, float] | None = None,
    binwidth: float | None = None,
    title: str | None = None,
    xlabel: str = "Hourly pay for AI-training work (US$)",
    ylabel: str | None = None,
    source: str | None = None,
    base: str | None = None,
    size: Size = "memo",
    suppress: bool = True,
    min_count: int = 10,
    min_base: int = 30,
    ax: Axes | None = None,
) -> Figure:
    """Distribution of AI-training hourly pay, weighted to the membership, against reference rates.

    A weighted histogram (``sns.histplot`` with the survey weights): each bar's height is the
    weighted share of paid respondents in a band of ``binwidth`` dollars, and the y axis says
    so ("Share of paid members per $10 band (weighted)"). Bands start on round dollar values
    (multiples of ``binwidth``) and are pooled so each holds at least ``min_count``
    respondents, so no single member's rate shows; a pooled band's bar is its average share
    per ``binwidth`` band (the note says so). A solid line marks the weighted median and a
    dashed one each reference rate (a guild scale, a platform's advertised rate, a minimum
    wage); their labels sit above the plot, joined to their lines by leaders, clear of the bars
    and of each other. With ``by=``, one panel per group on a shared axis. A group's median
    and panel are withheld and marked by the rule of the memo's tables
    (:func:`survey_tools.disclosure.screen_estimates`, as ``stats_table`` withholds the
    median): fewer than ``min_count`` respondents reporting pay, or a median too unreliable
    to publish (fewer than ``min_base``); a withheld group's size is not printed.

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
    binwidth
        The band width in dollars; by default a round width (1, 2, 5, 10, 20, 25, 50, ...)
        from the Freedman-Diaconis rule.
    ylabel
        Default: "Share of paid members per $<binwidth> band (weighted)".
    ax
        Draw into this axes (without ``by=``) instead of a new figure.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from survey_tools import SurveyDesign
    >>> pay = pd.DataFrame({"pay": np.linspace(15, 90, 120)})
    >>> fig = fig_pay(SurveyDesign(pay), "pay", reference={"Guild floor": 50}, binwidth=10)
    >>> fig.axes[0].get_xlabel()
    'Hourly pay for AI-training work (US$)'
    >>> fig.axes[0].get_ylabel().replace("\\n", " ")
    'Share of paid members per $10 band (weighted)'
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
            hint="pass the cleaned pay column in US$ per hour",
        )
    groups = ["All respondents"] if by is None else [str(g) for g in pd.unique(data[by].dropna())]
    if by is not None and isinstance(data[by].dtype, pd.CategoricalDtype):
        present = set(data[by].dropna().astype(str))
        groups = [str(g) for g in data[by].cat.categories if str(g) in present]
    labels = data[by].astype(str).to_numpy() if by else np.full(len(data), groups[0])
    medians = design.quantile(column, 0.5, by=by)
    keys = medians[by].astype(str) if by is not None else pd.Series(groups)
    stats = medians.assign(label=keys.to_numpy()).drop_duplicates("label").set_index("label")
    stats = stats.reindex(groups)[["estimate", "se", "ci_low", "ci_high"]]
    counts = stats.reset_index(names="label").assign(
        n=[int((ok & (labels == g)).sum()) for g in groups]
    )
    params = {"min_count": min_count, "min_base": min_base}
    # the rule of the memo's tables (stats_table): the median as an estimate with its base
    counts = screen(counts, ["label"], suppress=suppress, what=what, **params)
    hidden = counts["hidden"].to_numpy(bool)
    if binwidth is None:
        binwidth = band_width(values[ok])
    if not (np.isfinite(binwidth) and binwidth > 0):
        raise ReportError(
            f"{what}: binwidth must be a positive number of dollars, got {binwidth!r}.",
            hint="leave binwidth=None for a round width, or pass e.g. binwidth=10",
        )
    edges = _bins(values[ok], binwidth, min_count)
    band = f"${binwidth:,g} band"
    ylabel = ylabel or f"Share of paid members per {band} (weighted)"
    reference = dict(reference or {})
    if by is not None and ax is not None:
        raise ReportError(
            f"{what}: ax= draws one panel, but by={by!r} asks for one panel per group.",
            hint="leave ax=None with by=, or draw one group's design into your ax",
        )
    pooled = False
    with themed(size):
        spec = SIZES[size]
        panel = spec["panel"] if by is None else spec["panel"] * 0.42
        ratios = np.where(hidden, 0.4, 1.0)
        if by is None:
            fig, one = canvas(size, panel + 0.2, title=title, ax=ax)
            axes = np.array([one])
        else:
            fig = new_figure(size, panel * ratios.sum() + 0.2, title=title)
            axes = fig.subplots(len(groups), 1, sharex=True, squeeze=False, height_ratios=ratios)[
                :, 0
            ]
        marks: list[list[tuple[float, str, str, str]]] = [[] for _ in groups]
        first = int(np.argmin(hidden))
        for i, (ax_i, g) in enumerate(zip(axes, groups, strict=True)):
            if by is not None or hidden[i]:
                ax_i.set_yticks([])
                ax_i.spines["left"].set_visible(False)
            n = int(counts["n"].iloc[i])
            if by is not None:  # beside the panel: the room above it holds the line labels
                # a withheld group's size is withheld too: with the total and the other
                # groups' sizes it would give away the small group's
                size_text = "" if hidden[i] else f"\n(n = {base_text(n, min_count)})"
                ax_i.set_ylabel(
                    f"{wrap_label(g, int(spec['label_chars']))}{size_text}",
                    rotation=0,
                    ha="right",
                    va="center",
                )
            if hidden[i]:
                ax_i.text(
                    0.5,
                    0.5,
                    mark_text(str(counts["reason"].iloc[i]), **params),
                    transform=ax_i.transAxes,
                    ha="center",
                    va="center",
                    fontstyle="italic",
                    color=PALETTE["grey"],
                )
                continue
            mask = ok & (labels == g)
            group_edges = edges if by is None else _bins(values[mask], binwidth, min_count)
            pooled = pooled or bool(np.any(np.diff(group_edges) > binwidth * 1.001))
            # each respondent's weight as a share of the group's, times the band width:
            # stat="frequency" divides a bin's total by its width, so a bar's height is the
            # weighted share per band (the average per band, for a pooled bin)
            w = weights[mask]
            tidy = pd.DataFrame({"pay": values[mask], "share": w / w.sum() * binwidth})
            sns.histplot(
                data=tidy,
                x="pay",
                weights="share",
                bins=group_edges.tolist(),  # a list: seaborn 0.13 compares bins to "auto"
                stat="frequency",
                color=PALETTE["sky_blue"],
                alpha=0.85,
                edgecolor=PALETTE["blue"],
                linewidth=0.6,
                ax=ax_i,
            )
            height = np.array([bar.get_height() for bar in ax_i.patches])
            ax_i.set_ylim(0, height.max() * 1.15)
            ax_i.set_xlabel("")
            if by is None:
                percent_axis(ax_i.yaxis, decimals=0 if height.max() >= 0.05 else None)
                ax_i.set_ylabel(wrap_label(ylabel, 34 if size == "memo" else 40))
                ax_i.spines["left"].set_visible(True)
                ax_i.grid(axis="y")
                ax_i.set_axisbelow(True)
            med = float(counts["estimate"].iloc[i])
            thick = spec["font"] / 8.5  # lines as heavy, to the eye, on a slide as on paper
            ax_i.axvline(med, color=PALETTE["black"], lw=1.4 * thick)
            median = f"Median ${med:,.2f}".replace(".00", "")
            marks[i].append((med, median, PALETTE["black"], "bold"))
            for name, rate in sorted(reference.items(), key=lambda kv: kv[1]):
                ax_i.axvline(rate, color=PALETTE["vermillion"], lw=1.1 * thick, ls=(0, (4, 2)))
                if i == first:  # the top panel shown
                    marks[i].append((rate, name, PALETTE["vermillion"], "normal"))
        dollar_axis(axes[-1].xaxis)
        axes[-1].set_xlabel(xlabel)
        n_all = int(ok.sum())
        pooling = (
            f"Bands pooled so each holds at least {min_count} respondents; a pooled band "
            f"shows its average share per {band}."
            if pooled
            else f"Every {band} shown holds at least {min_count} respondents."
        )
        if by is not None:  # the panels have no y axis: say what the bars' heights are
            pooling = f"Bar heights: each group's {ylabel[0].lower()}{ylabel[1:]}. {pooling}"
        finish(
            fig,
            size=size,
            suppress=suppress,
            params=params,
            withheld=counts[counts["hidden"]],
            source=source,
            base=base
            or f"{base_text(n_all, min_count)} respondents who reported an hourly rate; weighted.",
            caution=False,
            other=pooling,
        )
        for ax_i, items in zip(axes, marks, strict=True):
            if items:  # after the notes: the plot's final width places the labels
                line_labels(ax_i, items, fontsize=spec["font"] * 0.85)
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
    level: object = None,
    title: str | None = None,
    xlabel: str = "Occupational AI exposure index",
    ylabel: str | None = None,
    source: str | None = None,
    base: str | None = None,
    size: Size = "memo",
    suppress: bool = True,
    min_count: int = 10,
    min_base: int = 30,
    ax: Axes | None = None,
) -> Figure:
    """Self-reported loss by role against an occupational AI-exposure index (a labelled scatter).

    Each role is a dot (``sns.scatterplot``) at its occupation's index value and its weighted
    share with a 95% interval. Roles withheld by disclosure control are marked with a grey
    cross on the axis at their index value (no estimate shown) and named in the note; roles
    without an index value are named in the note too.

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
    if "level" not in table.columns and _is_share(table):  # one answer's share (whichever)
        table = table.assign(level=str(level) if level is not None else "the answer")
    level = answer_level(table, level, what)
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
        fig, ax = canvas(size, spec["panel"] * 1.25, title=title, ax=ax)
        colour = PALETTE["blue"]
        ax.vlines(shown["x"], shown["ci_low"], shown["ci_high"], color=colour, lw=1, alpha=0.6)
        ms = spec["font"] * 0.65
        for caution, face in ((False, colour), (True, "white")):
            dots = shown[shown["caution"] == caution]
            if len(dots):
                sns.scatterplot(
                    data=dots,
                    x="x",
                    y="estimate",
                    s=ms**2,
                    color=face,
                    edgecolor=colour,
                    linewidth=1.2 if caution else 0,
                    zorder=3,
                    legend=False,
                    ax=ax,
                )
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
            ylabel
            or (
                "Share (95% CI)"
                if percent and level == "the answer"
                else f"Share answering \u201c{level}\u201d (95% CI)"
                if percent
                else "Estimate"
            )
        )
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
            iter_lim=300,  # a fixed number of steps, never a time limit: the same figure every run
            arrowprops={"arrowstyle": "-", "color": PALETTE["grey"], "lw": 0.5},
        )
        return fig
