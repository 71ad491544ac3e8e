"""Shared drawing machinery of the figure helpers: titles, canvases, rows, reference lines.

The tables they draw are checked and screened in :mod:`._screening` (re-exported here).

Private: the public names are the ``fig_*`` functions in :mod:`survey_tools.report.figures`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..disclosure import UNRELIABLE
from ..disclosure.publish import base_text
from ..disclosure.thresholds import BELOW_STANDARD_NOTE, STANDARD
from ._screening import (  # noqa: F401 (the figure modules take them from here)
    CAUTION_NOTE,
    ESTIMATE_COLUMNS,
    NO_ESTIMATE,
    REASON_MARKS,
    UNRELIABLE_REASON,
    WHY,
    answer_level,
    by_column,
    collapse,
    mark_text,
    ordered,
    pick_level,
    require,
    screen,
    why,
)
from .theme import PALETTE, SIZES, add_notes, house_rc, house_theme, mark_unsuppressed, wrap_label


def wrap_to_width(text: str, width_pt: float, *, fontsize: float, weight: str = "normal") -> str:
    """Break ``text`` into lines no wider than ``width_pt`` points (measured, DejaVu Sans)."""
    renderer = RendererAgg(10, 10, 72)
    font = FontProperties(family=house_rc()["font.sans-serif"], size=fontsize, weight=weight)

    def wide(s: str) -> float:
        return renderer.get_text_width_height_descent(s, font, ismath=False)[0]

    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}" if line else word
            if line and wide(trial) > width_pt:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return "\n".join(lines)


def title_font(size: str) -> float:
    return float(house_rc(size)["figure.titlesize"])


def wrapped_title(title: str, size: str) -> str:
    """The title broken into lines that fit the figure's width at the title font."""
    width = SIZES[size]["width"] * 72 * 0.97  # the title starts at x = 0.01 of the width
    return wrap_to_width(title, width, fontsize=title_font(size), weight="bold")


def title_height(title: str | None, size: str) -> float:
    """Inches a (wrapped) title takes above the plot, so the plot keeps its own height."""
    if not title:
        return 0.0
    lines = wrapped_title(title, size).count("\n") + 1
    return (lines * 1.25 + 0.6) * title_font(size) / 72


def new_figure(size: str, height: float, *, title: str | None = None) -> Figure:
    """A constrained-layout figure of the house width for ``size``, with its title.

    ``height`` is the plot's; the figure grows by the wrapped title's lines. The title is a
    figure title (``suptitle``), wrapped to the figure's width, so constrained layout stacks
    it above the axes, their legend and the labels over them, and nothing overlaps.
    """
    spec = SIZES[size]
    fig = Figure(figsize=(spec["width"], height + title_height(title, size)), layout="constrained")
    FigureCanvasAgg(fig)
    if title:
        fig.suptitle(wrapped_title(title, size), x=0.01, ha="left", linespacing=1.25)
    return fig


def canvas(size: str, height: float, *, title: str | None, ax: Axes | None) -> tuple[Figure, Axes]:
    """The figure and axes a ``fig_*`` helper draws on: new ones, or the analyst's ``ax``.

    On an analyst's axes the title goes over the axes (wrapped to their figure's width) and
    the figure gets constrained layout if it has no layout engine, so the notes fit under it.
    """
    if ax is None:
        fig = new_figure(size, height, title=title)
        return fig, fig.add_subplot()
    fig = ax.get_figure(root=True)
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    if fig.get_layout_engine() is None:
        fig.set_layout_engine("constrained")
    if title:
        width = ax.get_position().width * fig.get_figwidth() * 72
        ax.set_title(wrap_to_width(title, width, fontsize=title_font(size), weight="bold"))
    return fig, ax


def percent_axis(axis, *, decimals: int | None = 0) -> None:
    axis.set_major_formatter(PercentFormatter(xmax=1, decimals=decimals))


def dollar_axis(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"${v:,.0f}"))


def finish(
    fig: Figure,
    *,
    size: str,
    suppress: bool,
    params: dict[str, int],
    withheld: pd.DataFrame,
    source: str | None,
    base: str | None,
    caution: bool,
    other: str | None = None,
    segments: Sequence[str] = (),
) -> Figure:
    """Notes under the plot (source, base, what was withheld and why) and the draft mark.

    ``withheld`` holds the rows withheld whole (``label``, ``reason``); ``segments`` are
    finished phrases for parts of rows withheld by disclosure control (see :func:`why`),
    listed after them in the same note.
    """
    notes = []
    noisy = withheld["reason"].astype(str) == UNRELIABLE_REASON if len(withheld) else []
    blank = withheld["reason"].astype(str) == NO_ESTIMATE if len(withheld) else []
    private = (
        withheld[~np.asarray(noisy, dtype=bool) & ~np.asarray(blank, dtype=bool)]
        if len(withheld)
        else withheld
    )
    parts = []
    for reason, group in private.groupby("reason", sort=True) if len(private) else ():
        parts.append(f"{', '.join(group['label'].astype(str))} ({why(reason, params)})")
    parts.extend(segments)
    if parts:
        notes.append(f"{'; '.join(parts)}: disclosure control.")
    if len(withheld) and np.any(noisy):
        names = ", ".join(withheld.loc[np.asarray(noisy, dtype=bool), "label"].astype(str))
        notes.append(
            f"{names}: {UNRELIABLE} (base under {params['min_base']} or relative standard "
            "error above 50%)."
        )
    if len(withheld) and np.any(blank):
        names = ", ".join(withheld.loc[np.asarray(blank, dtype=bool), "label"].astype(str))
        notes.append(f"{names}: no finite estimate (too few answers of one kind to fit).")
    below = [k for k in ("min_count", "min_base") if params.get(k, STANDARD[k]) < STANDARD[k]]
    if not suppress:
        draft = "Disclosure control was turned off (suppress=False): not for publication."
        other = f"{draft} {other}" if other else draft
    elif below:  # thresholds a guild may agree below the standard: the figure says so
        given = ", ".join(f"{k}={params[k]}" for k in below)
        standard = ", ".join(f"{k}={STANDARD[k]}" for k in below)
        low = f"{BELOW_STANDARD_NOTE} ({given}; the standard is {standard})."
        other = f"{low} {other}" if other else low
    if caution:
        other = ((other + " ") if other else "") + CAUTION_NOTE
    add_notes(
        fig,
        source=source,
        base=base,
        suppression=" ".join(notes) or None,
        other=other,
        size=size,
    )
    if not suppress:
        mark_unsuppressed(fig, size=size)
    elif below:
        mark_unsuppressed(fig, size=size, text=BELOW_STANDARD_NOTE.upper())
    return fig


def row_keys(k: int) -> list[str]:
    """The categories of the rows of a dot figure on seaborn's categorical axis, top first."""
    return [f"row {i}" for i in range(k)]


def draw_rows(
    ax: Axes,
    rows: pd.DataFrame,
    *,
    size: str,
    percent: bool,
    color: str = PALETTE["blue"],
    log: bool = False,
    show_base: bool = True,
    params: dict[str, int] | None = None,
) -> None:
    """Dot-and-whisker rows drawn with ``sns.pointplot``, first row at the top.

    ``rows`` has ``label``, ``estimate``, ``ci_low``, ``ci_high``, ``hidden``, ``caution`` and,
    when ``show_base``, ``n``; rows with a true ``header`` are headings (bold label, no dot).
    Hidden rows keep their place and label and say why instead of a dot.

    Each shown row becomes three tidy rows (its interval's ends and its estimate) in a
    ``value`` column; ``sns.pointplot(estimator="median", errorbar=("pi", 100))`` then draws
    the estimate (the middle value) as the dot and the interval's ends as the whisker. Row
    ``i`` sits at ``y = i`` on seaborn's categorical axis (inverted, so row 0 is on top).
    """
    spec = SIZES[size]
    k = len(rows)
    y = np.arange(k, dtype=float)
    shown = ~rows["hidden"].to_numpy(dtype=bool)
    caution = rows["caution"].to_numpy(dtype=bool)
    est = rows["estimate"].to_numpy(dtype=float)
    lo = rows["ci_low"].to_numpy(dtype=float)
    hi = rows["ci_high"].to_numpy(dtype=float)
    keys = row_keys(k)
    tidy = pd.DataFrame(
        {
            "row": np.repeat(keys, 3),
            "value": np.column_stack([np.where(np.isnan(lo), est, lo), est,
                                      np.where(np.isnan(hi), est, hi)]).ravel(),
            "kind": np.repeat(np.where(caution, "caution", "solid"), 3),
            "shown": np.repeat(shown, 3),
        }
    )  # fmt: skip
    tidy = tidy[tidy["shown"] & np.isfinite(tidy["value"])]
    marker = spec["font"] * 0.7
    for kind, face in (("solid", color), ("caution", "white")):
        part = tidy[tidy["kind"] == kind]
        if part.empty:
            continue
        sns.pointplot(
            data=part,
            x="value",
            y="row",
            order=keys,
            orient="y",
            estimator="median",
            errorbar=("pi", 100),
            color=color,
            linestyle="none",
            marker="o",
            markersize=marker,
            markerfacecolor=face,
            markeredgecolor=color,
            markeredgewidth=1.2,
            err_kws={"linewidth": spec["font"] / 5},
            log_scale=log or None,
            ax=ax,
        )
    header = (
        rows["header"].fillna(False).to_numpy(dtype=bool)
        if "header" in rows.columns
        else np.zeros(k, dtype=bool)
    )
    ax.set_yticks(y, [wrap_label(v, int(spec["label_chars"])) for v in rows["label"]])
    for tick, hide, head in zip(ax.get_yticklabels(), ~shown, header, strict=True):
        if hide:
            tick.set_color(PALETTE["grey"])
        if head:
            tick.set_fontweight("bold")
    ax.set_ylim(k - 0.3, -0.7)
    ax.set_ylabel("")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_axisbelow(True)
    ax.spines["left"].set_visible(False)
    if log:
        ax.set_xscale("log")
    else:
        ends = np.concatenate([lo[shown], hi[shown], est[shown]])
        ends = ends[np.isfinite(ends)]
        top = float(max(ends.max(), 0)) if ends.size else 1.0
        bottom = float(min(ends.min(), 0)) if ends.size else 0.0
        if percent:
            bottom = 0.0
            top = min(1.0, top * 1.08 + 0.01)
        else:  # room so no interval ends on the frame; zero stays in view
            pad = 0.04 * (top - bottom)
            bottom, top = bottom - (pad if bottom < 0 else 0), top + (pad if top > 0 else 0)
        ax.set_xlim(bottom, top if top > bottom else bottom + 1)
    if percent:
        percent_axis(ax.xaxis)
    params = params or {"min_count": 10, "min_base": 30}
    for yy, reason in zip(y[~shown & ~header], rows["reason"].to_numpy()[~shown & ~header],
                          strict=True):  # fmt: skip
        ax.annotate(
            mark_text(reason, **params),
            xy=(0, yy),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=spec["font"] * 0.85,
            fontstyle="italic",
            color=PALETTE["grey"],
        )
    if show_base and "n" in rows.columns:
        font = spec["font"] * 0.85
        for yy, n in zip(y[~header], rows["n"].to_numpy()[~header], strict=True):
            ax.annotate(
                base_text(n, params["min_count"]),  # as the tables print it: "<10"
                xy=(1, yy),
                xycoords=("axes fraction", "data"),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize=font,
                color="#4D4D4D",
            )
        ax.annotate(
            "n",
            xy=(1, 1),
            xycoords=("axes fraction", "axes fraction"),
            xytext=(6, 2),
            textcoords="offset points",
            va="bottom",
            ha="left",
            fontsize=font,
            fontstyle="italic",
            color="#4D4D4D",
        )


def reference_line(
    ax: Axes,
    x: float,
    rows: pd.DataFrame,
    label: str | None,
    *,
    size: str,
    color: str = "#4D4D4D",
    dashed: bool = True,
) -> None:
    """A vertical line at ``x`` past the rows with a dot, labelled above the plot.

    The line leaves a gap at every withheld row, so it never runs through their "suppressed"
    marks; its label (if any) sits above the plot with a leader (:func:`line_labels`), clear of
    the dots and the group labels. Call it once the rest of the figure (notes included) is
    drawn.
    """
    withheld = rows["hidden"].to_numpy(bool)
    if "header" in rows.columns:
        withheld = withheld & ~rows["header"].fillna(False).to_numpy(bool)
    bottom, top = ax.get_ylim()  # the inverted categorical axis: the top is the smaller value
    cuts = np.flatnonzero(withheld).astype(float)
    ends = np.r_[top, np.c_[cuts - 0.45, cuts + 0.45].ravel(), bottom].reshape(-1, 2)
    ends = ends[ends[:, 1] > ends[:, 0] + 1e-9]
    lw = SIZES[size]["font"] / 8.5
    ax.vlines(np.full(len(ends), x), ends[:, 0], ends[:, 1], color=color, lw=lw,
              ls=(0, (3, 2)) if dashed else "-", zorder=1)  # fmt: skip
    if label:
        line_labels(ax, [(x, label, color, "normal")], fontsize=SIZES[size]["font"] * 0.85)


def rows_height(size: str, rows: pd.Series | Sequence[str], extra: float) -> float:
    """Height for a figure of labelled rows (wrapped labels get more room)."""
    spec = SIZES[size]
    lines = [wrap_label(v, int(spec["label_chars"])).count("\n") + 1 for v in rows]
    units = sum(max(1.0, 0.75 * n) for n in lines)
    return units * spec["row"] + extra * spec["font"] / 8.5


def themed(size: str):
    """The house theme, applied through seaborn, as a context manager (checks ``size`` first)."""
    house_rc(size)
    return house_theme(size)


def line_labels(
    ax: Axes,
    items: Sequence[tuple[float, str, str, str]],
    *,
    fontsize: float,
) -> list:
    """Label vertical lines in rows above the plot area, each joined to its line by a leader.

    ``items`` are ``(x, text, colour, weight)``. Labels are horizontal and start at their line
    (they end at it when they would run past the plot's right edge); they are stacked like
    stairs, the rightmost line's label in the lowest row, each in the lowest row where it
    overlaps no other label and no leader crosses it. So labels of close lines never collide
    with each other or with a line. Call this once the rest of the figure is drawn (the plot's
    width is measured); the layout then makes room for the rows.
    """
    fig = ax.get_figure()
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    px = fig.dpi / 72  # pixels per point
    box = ax.get_window_extent(renderer)
    gap, lift, row_h, nudge = fontsize * 0.8 * px, fontsize * 0.45, fontsize * 1.45, 1.5
    placed: list[tuple[int, float, float, float]] = []  # row, left, right, leader x (pixels)
    texts = []
    for x, text, colour, weight in sorted(items, key=lambda it: -it[0]):
        anchor = float(ax.transData.transform((x, 0))[0])
        probe = ax.text(0, 0, text, fontsize=fontsize, fontweight=weight)
        width = probe.get_window_extent(renderer).width
        probe.remove()
        rightward = anchor + nudge * px + width <= box.x1  # clear of the bases' column
        left = anchor + nudge * px if rightward else anchor - nudge * px - width
        right = left + width

        def clash(row: int, left: float = left, right: float = right, anchor: float = anchor):
            return any(
                (r == row and left - gap < b and a - gap < right)  # overlaps a label there
                or (r < row and a - gap / 4 <= anchor <= b + gap / 4)  # our leader crosses it
                or (r > row and left - gap / 4 <= lead <= right + gap / 4)  # we cross its leader
                for r, a, b, lead in placed
            )

        top = max((r for r, *_ in placed), default=-1) + 1
        row = next((r for r in range(top) if not clash(r)), top)
        placed.append((row, left, right, anchor))
        texts.append(
            ax.annotate(
                text,
                xy=(x, 1),
                xycoords=("data", "axes fraction"),
                xytext=(nudge if rightward else -nudge, lift + row * row_h),
                textcoords="offset points",
                ha="left" if rightward else "right",
                va="bottom",
                fontsize=fontsize,
                fontweight=weight,
                color=colour,
                annotation_clip=False,
                arrowprops={
                    "arrowstyle": "-",
                    "color": colour,
                    "lw": 0.8,
                    "shrinkA": 0,
                    "shrinkB": 0,
                    # from the label's lower corner straight down to the line
                    "relpos": (-nudge * px / width, 0)
                    if rightward
                    else (1 + nudge * px / width, 0),
                },
            )
        )
    return texts
