"""Memo figure of agreement (Likert) items: diverging stacked bars."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..cleaning.scales import nonsubstantive
from ..errors import ReportError
from ._kit import (
    by_column,
    canvas,
    finish,
    mark_text,
    ordered,
    require,
    row_keys,
    rows_height,
    screen,
    themed,
    why,
)
from .theme import DIVERGING, PALETTE, SIZES, Size, wrap_label

__all__ = ["fig_likert"]


def fig_likert(
    table: pd.DataFrame,
    *,
    by: str | None = None,
    levels: list[str] | None = None,
    scale=None,
    exclude: tuple[str, ...] | None = None,
    separate: bool | None = None,
    title: str | None = None,
    source: str | None = None,
    base: str | None = None,
    sort: bool = True,
    size: Size = "memo",
    suppress: bool = True,
    min_count: int = 10,
    min_base: int = 30,
    ax: Axes | None = None,
) -> Figure:
    """Diverging stacked bars for agreement (Likert) items or one item by group.

    Disagreement extends left of the centre line, agreement right, the neutral answer straddles
    it; shares of 6% or more are printed on the bars where they fit. Rows are sorted by net
    agreement. Drawn with ``sns.barplot`` (one call per answer, each segment from its start)
    over a tidy frame of segments; the centre line runs only in the gaps between the bars,
    never through a printed share.

    Disclosure control (:func:`survey_tools.disclosure.suppress`) withholds only what it must:
    an answer with a small count, and the answer withheld with it so that it cannot be worked
    out from the row's total, are left out of their row (not drawn, their share not printed,
    the rest of the bar in place, a grey "withheld" beside it), and the note names them. A row
    is withheld whole when its base is under ``min_base`` (or none of its answers can be shown).
    Net agreement, for the order, counts only the answers shown.

    Parameters
    ----------
    table
        A proportion table with one row per group and answer: the group column, ``level``,
        ``estimate`` and ``n``. For several items, stack their tables with an ``item`` column:
        ``pd.concat({"Rate floor": d.proportion("att_rate_floor"), ...}, names=["item"])
        .reset_index(0)``.
    levels
        The answer order from most negative to most positive; by default the ``scale``'s, else
        the categories of ``level`` in their codebook order, minus ``exclude``.
    scale
        The item's oriented scale (:func:`survey_tools.cleaning.scales.orient_scale` of its
        codebook entry): which answers are negative, the midpoint and which are positive, so a
        scale whose favourable end comes first, or is worded in any language, is drawn the
        right way round. Without it the codebook order is taken as negative to positive.
    exclude
        Answers not drawn (their share is left out of the bars, and said so in a note);
        by default those outside the scale ("Don't know", "Prefer not to say"...).
    separate
        Run disclosure control on each row alone (right for separate questions, whose answers
        are never totalled across rows) rather than on the whole table (right for one question
        by group, whose all-member total is published). Default: separate when the group
        column is named ``item``.
    ax
        Draw into this axes (its figure gets the notes) instead of a new figure.

    Examples
    --------
    >>> import pandas as pd
    >>> scale = ["Strongly disagree", "Somewhat disagree", "Neither agree nor disagree",
    ...          "Somewhat agree", "Strongly agree"]
    >>> table = pd.DataFrame({"item": ["Rate floor"] * 5, "level": scale,
    ...     "estimate": [0.03, 0.09, 0.28, 0.37, 0.23], "n": 3100})
    >>> fig = fig_likert(table)
    >>> len(fig.axes[0].patches)
    5

    Five members strongly disagreeing among 900 are withheld, with the next smallest answer:

    >>> consent = table.assign(item="Consent", n=900,
    ...     estimate=[5 / 900, 0.08, 0.11, 0.2, 544 / 900])
    >>> fig = fig_likert(pd.concat([table, consent]))
    >>> len(fig.axes[0].patches)  # 5 + 3
    8
    >>> print(" ".join(fig.texts[-1].get_text().split()))  # doctest: +NORMALIZE_WHITESPACE
    Not shown: the Strongly disagree (a count under 10) and Somewhat disagree (withheld so
    another cell cannot be worked out) shares of Consent: disclosure control.
    """
    what = "fig_likert"
    require(table, ["level", "estimate"], what)
    group = by_column(table, by, what)
    present = set(table["level"].astype(str))
    if exclude is None:
        exclude = tuple(scale.other) if scale is not None else ()
    if levels is None and scale is not None:
        levels = [str(v) for v in scale.ladder if str(v) in present]
    if levels is None:
        lv = table["level"]
        order = list(lv.cat.categories) if isinstance(lv.dtype, pd.CategoricalDtype) else None
        order = [str(v) for v in (order or pd.unique(lv.astype(str)))]
        levels = [v for v in order if v in present and v not in exclude and not nonsubstantive(v)]
    if len(levels) < 2:
        raise ReportError(
            f"{what}: need at least two answer levels to draw, got {levels}.",
            hint="pass levels=[...] from most negative to most positive",
        )
    params = {"min_count": min_count, "min_base": min_base}
    if separate is None:
        separate = group == "item"
    if separate:  # separate questions: no total across them is published
        parts = [
            screen(part, [group], suppress=suppress, what=what, reliability=False, **params)
            for _, part in table.groupby(table[group].astype(str), sort=False)
        ]
        screened = pd.concat(parts, ignore_index=True)
    else:
        screened = screen(table, [group], suppress=suppress, what=what, reliability=False, **params)
    screened = screened.assign(level=screened["level"].astype(str), _g=screened[group].astype(str))
    wide = (
        screened.pivot_table(
            index="_g", columns="level", values="estimate", aggfunc="first", sort=False
        )
        .reindex(columns=levels)
        .fillna(0.0)
    )
    drawn = screened[screened["level"].isin(levels)]
    cut = (
        drawn.pivot_table(index="_g", columns="level", values="hidden", aggfunc="any", sort=False)
        .reindex(index=wide.index, columns=levels)
        .fillna(False)
        .astype(bool)
    )
    # a row is withheld whole when its base is too small (or nothing of it could be drawn);
    # otherwise only its withheld answers are left out, and the rest of the row is drawn
    per = drawn.groupby("_g", sort=False)
    small = per["reason"].agg(lambda r: (r == "small base").any()).reindex(wide.index)
    whole = small.to_numpy(bool) | cut.all(axis=1).to_numpy(bool)
    rows = pd.DataFrame(
        {
            group: wide.index,
            "hidden": whole,
            "reason": per["reason"].agg(_main_reason).reindex(wide.index),
        },
        index=wide.index,
    )
    cut[whole] = False
    wide = wide.mask(cut, 0.0)  # nothing of a withheld share reaches the figure, not even a gap
    reasons = (
        drawn.pivot_table(index="_g", columns="level", values="reason", aggfunc="first", sort=False)
        .reindex(index=wide.index, columns=levels)
        .fillna("")
    )
    k = len(levels)
    if scale is not None:  # the scale's own sides: a midpoint need not sit in the middle
        neg = [v for v in levels if v in set(map(str, scale.negative))]
        pos = [v for v in levels if v in set(map(str, scale.positive))]
        mid = str(scale.midpoint) if scale.midpoint is not None else None
        mid = mid if mid in levels else None
    else:
        neg, pos = levels[: k // 2], levels[(k + 1) // 2 :]
        mid = levels[k // 2] if k % 2 else None
    rows["net"] = wide[pos].sum(axis=1) - wide[neg].sum(axis=1)
    rows["estimate"] = rows["net"]
    rows = ordered(rows.assign(label=rows[group]), sort)
    colours = list(DIVERGING) if k == 5 else _diverging(k)
    # one tidy row per drawn segment: where it starts on the diverging axis and its share
    keys = row_keys(len(rows))
    segs = []
    for pos, (key, row) in enumerate(rows.iterrows()):
        if row["hidden"]:
            continue
        shares = wide.loc[key]
        left = -shares[neg].sum() - (shares[mid] / 2 if mid else 0.0)
        for lvl in levels:
            share = float(shares[lvl])
            if not cut.loc[key, lvl]:
                segs.append((pos, keys[pos], lvl, float(left), share))
            left += share
    segs = pd.DataFrame(segs, columns=["pos", "row", "level", "start", "share"])
    with themed(size):
        spec = SIZES[size]
        fig, ax = canvas(size, rows_height(size, rows["label"], 1.5), title=title, ax=ax)
        y = np.arange(len(rows), dtype=float)
        share_labels = []
        for lvl, colour in zip(levels, colours, strict=True):
            part = segs[segs["level"] == lvl].sort_values("pos")  # seaborn's bar order
            if part.empty:
                continue
            sns.barplot(
                data=part,
                x="share",
                y="row",
                order=keys,
                orient="y",
                errorbar=None,
                left=part["start"].to_numpy(),  # diverging: each segment from its start
                width=0.7,
                color=colour,
                edgecolor="white",
                linewidth=0.5,
                saturation=1,
                ax=ax,
            )
            dark = colour in (DIVERGING[0], DIVERGING[-1])
            for start, share, pos in part[["start", "share", "pos"]].itertuples(index=False):
                if share >= 0.06:
                    share_labels.append(
                        ax.text(
                            start + share / 2,
                            pos,
                            f"{share:.0%}",
                            ha="center",
                            va="center",
                            fontsize=spec["font"] * 0.8,
                            color="white" if dark else "#1A1A1A",
                        )
                    )
        for pos, (key, row) in enumerate(rows.iterrows()):
            if not row["hidden"] and cut.loc[key].any():
                _mark_cut(ax, pos, wide.loc[key], cut.loc[key], neg, mid, size=size)
        ax.set_ylabel("")
        # the centre line only in the gaps between bars, so it never runs through a label
        bars = y[~rows["hidden"].to_numpy(bool)]
        cuts = np.sort(np.r_[bars - 0.35, bars + 0.35])
        ends = np.r_[-0.7, cuts, len(rows) - 0.3].reshape(-1, 2)
        ends = ends[ends[:, 1] > ends[:, 0]]
        ax.vlines(np.zeros(len(ends)), ends[:, 0], ends[:, 1], color="#4D4D4D", lw=0.8, zorder=0.5)
        ax.set_yticks(y, [wrap_label(v, int(spec["label_chars"])) for v in rows["label"]])
        ax.set_ylim(len(rows) - 0.3, -0.7)  # seaborn's categorical axis: the first row on top
        ax.spines["left"].set_visible(False)
        ax.set_xlim(-1, 1)
        ax.set_xticks(np.linspace(-1, 1, 5))
        ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{abs(v):.0%}"))
        ax.set_xlabel(  # the scale's own end answers name the two sides
            f"\u2190 {levels[0].lower()}        share        {levels[-1].lower()} \u2192"
        )
        hidden = rows["hidden"].to_numpy(bool)
        marks = zip(
            y[hidden], np.array(ax.get_yticklabels())[hidden], rows["reason"][hidden], strict=True
        )
        for yy, tick, reason in marks:
            tick.set_color(PALETTE["grey"])
            ax.text(
                -0.98,
                yy,
                mark_text(reason, **params),
                va="center",
                fontsize=spec["font"] * 0.85,
                fontstyle="italic",
                color=PALETTE["grey"],
            )
        lines = 2
        handles = [
            mpl.patches.Patch(color=c, label=lvl) for lvl, c in zip(levels, colours, strict=True)
        ]
        # matplotlib fills a legend column by column: order the handles so that its rows read
        # from left to right in the scale's order, most negative first
        cols = int(np.ceil(k / lines))
        handles = [
            handles[r * cols + c] for c in range(cols) for r in range(lines) if r * cols + c < k
        ]
        # the legend belongs to the axes, just above it, so constrained layout stacks the
        # title, the legend and the bars (a figure legend "outside" ignores the suptitle);
        # centred on the figure, not the axes, so a wide legend stays on the page
        ax.legend(
            handles=handles,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            bbox_transform=mpl.transforms.blended_transform_factory(fig.transFigure, ax.transAxes),
            borderaxespad=0.4,
            ncols=cols,
            handlelength=1,
            columnspacing=1,
            frameon=False,
        )
        left_out = sorted(set(table["level"].astype(str)) - set(levels))
        other = f"Not shown: {', '.join(left_out)}." if left_out else None
        finish(
            fig,
            size=size,
            suppress=suppress,
            params=params,
            withheld=rows[rows["hidden"]],
            segments=[
                _segment_note(row["label"], cut.loc[key], reasons.loc[key], params)
                for key, row in rows.iterrows()
                if cut.loc[key].any()
            ],
            source=source,
            base=base,
            caution=False,
            other=other,
        )
        _fit_share_labels(fig, ax, share_labels)
        return fig


def _fit_share_labels(fig: Figure, ax, labels: list) -> None:
    """Remove the printed shares that would spill out of their bar at the final layout."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    for text in labels:
        x, y = text.get_position()
        box = text.get_window_extent(renderer)
        bars = [
            b
            for b in ax.patches
            if b.get_x() <= x <= b.get_x() + b.get_width()
            and b.get_y() <= y <= b.get_y() + b.get_height()
        ]
        room = bars[0].get_window_extent(renderer).width if bars else 0.0
        if box.width + 4 > room:
            text.remove()


def _segment_note(label: str, cut: pd.Series, reasons: pd.Series, params: dict) -> str:
    """'the Strongly disagree and Somewhat disagree shares of <label> (a count under 10)'."""
    hidden = [str(lvl) for lvl in cut.index[cut.to_numpy(bool)]]
    whys = [why(str(reasons[lvl]), params) for lvl in hidden]
    noun = "share" if len(hidden) == 1 else "shares"
    if len(set(whys)) == 1:
        return f"the {_and(hidden)} {noun} of {label} ({whys[0]})"
    named = [f"{lvl} ({text})" for lvl, text in zip(hidden, whys, strict=True)]
    return f"the {_and(named)} {noun} of {label}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _mark_cut(ax, y: float, shares: pd.Series, cut: pd.Series, neg, mid, *, size: Size) -> None:
    """A grey "withheld" beside the bar, on the side of its withheld answers, where it fits."""
    lower = -float(shares[neg].sum()) - (float(shares[mid]) / 2 if mid else 0.0)
    upper = lower + float(shares.sum())
    room = 0.3  # axis units the mark needs beside the bar (the axis runs from -1 to 1)
    sides = [(lower, -1), (upper, 1)]
    if not cut[[*neg, *([mid] if mid else [])]].any():
        sides.reverse()  # only agreement withheld: the mark goes right
    for end, sign in sides:
        if abs(sign - end) >= room:
            ax.annotate(
                "withheld",
                xy=(end, y),
                xytext=(3 * sign, 0),
                textcoords="offset points",
                ha="left" if sign > 0 else "right",
                va="center",
                fontsize=SIZES[size]["font"] * 0.75,
                fontstyle="italic",
                color=PALETTE["grey"],
            )
            return


def _main_reason(reasons: pd.Series) -> str:
    """The primary reason a row is withheld (a rule it breaks before a complementary choice)."""
    for reason in ("small base", "small count", "dominance", "complementary"):
        if (reasons == reason).any():
            return reason
    return ""


def _diverging(k: int) -> list[str]:
    cmap = mpl.colormaps["RdBu"]
    colours = [mpl.colors.to_hex(cmap(x)) for x in np.linspace(0.1, 0.9, k)]
    if k % 2:
        colours[k // 2] = PALETTE["light_grey"]
    return colours
