"""Memo figures: one ``fig_*`` function per chart a guild memo needs, and ``save_figure``.

Every helper takes the package's own tables (estimate tables from ``SurveyDesign.proportion`` or
``.mean``, tidy model tables, predicted margins), draws in the house theme at ``size="memo"``
(A4/Letter column) or ``size="slide"`` (16:9), and goes through disclosure control: a group whose
unweighted base is below ``min_base`` is withheld, *marked* on the figure and named in the note
under it, never dropped silently. ``suppress=False`` turns that off for internal drafts only; the
figure then carries a red "NOT DISCLOSURE-CHECKED" stamp and a note.

The charts are drawn with seaborn (``sns.pointplot`` over tidy frames) inside the house theme
(:func:`~survey_tools.report.theme.house_theme`, seaborn's theming with the house rcParams), so
an analyst can restyle or extend them with seaborn: pass ``ax=`` to draw a memo chart into one's
own figure, or add seaborn layers to ``fig.axes[0]``. Titles wrap to the figure's width above
the plot; reference lines are labelled above the plot with leaders, never across a label.

Each returns a :class:`matplotlib.figure.Figure` (not attached to pyplot, so a notebook shows it
once); :func:`save_figure` writes it as PNG, SVG and PDF plus an alt-text file, with SVG and PDF
byte-identical from run to run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from ..errors import ReportError
from ._kit import (
    answer_level,
    by_column,
    canvas,
    collapse,
    draw_rows,
    finish,
    ordered,
    pick_level,
    reference_line,
    require,
    row_keys,
    rows_height,
    screen,
    themed,
)
from .odds_figure import fig_odds_ratios, screen_by_answers
from .theme import PALETTE, SIZES, Size

__all__ = [
    "fig_odds_ratios",
    "fig_predicted",
    "fig_prevalence",
    "fig_weighting",
]

_CI = ["estimate", "ci_low", "ci_high"]


def _share_label(level: object) -> str:
    """'Share answering "Agree"', or 'Share answering yes' for a boolean measure's True."""
    if isinstance(level, (bool, np.bool_)):
        return f"Share answering {'yes' if level else 'no'}"
    return f"Share answering \u201c{level}\u201d"


def _is_share(table: pd.DataFrame) -> bool:
    cols = table[_CI].to_numpy(dtype=float)
    cols = cols[np.isfinite(cols)]
    return "level" in table.columns or bool(cols.size and cols.min() >= 0 and cols.max() <= 1)


def _dot_figure(
    table: pd.DataFrame,
    *,
    by: str | None,
    level: object,
    what: str,
    xlabel: str,
    title: str | None,
    source: str | None,
    base: str | None,
    overall: float | None,
    size: Size,
    suppress: bool,
    min_count: int,
    min_base: int,
    sort: bool,
    ax: Axes | None = None,
    fit=None,
) -> Figure:
    require(table, _CI, what)
    group = by_column(table, by, what)
    level = answer_level(table, level, what)
    params = {"min_count": min_count, "min_base": min_base}
    if fit is not None and suppress is True:  # the model's own rows: margins_table's rule
        screened = screen_by_answers(table, group, fit, **params)
    else:
        screened = screen(
            collapse(table, level, group, what), [group], suppress=suppress, what=what, **params
        )
    rows = part = pick_level(screened, level, what)
    rows = ordered(rows.assign(label=rows[group].astype(str)), sort)
    with themed(size):
        fig, ax = canvas(size, rows_height(size, rows["label"], 1.0), title=title, ax=ax)
        percent = _is_share(part)
        draw_rows(ax, rows, size=size, percent=percent, params=params)
        ax.set_xlabel(xlabel)
        finish(
            fig,
            size=size,
            suppress=suppress,
            params=params,
            withheld=rows[rows["hidden"]],
            source=source,
            base=base,
            caution=bool(rows["caution"].any()),
        )
        if overall is not None:  # after the notes: the plot's final width places the label
            shown = f"{overall:.0%}" if percent else f"{overall:,.3g}"
            reference_line(ax, overall, rows, f"All: {shown}", size=size)
        return fig


def fig_prevalence(
    table: pd.DataFrame,
    *,
    by: str | None = None,
    level: object = None,
    title: str | None = None,
    xlabel: str | None = None,
    source: str | None = None,
    base: str | None = None,
    overall: float | None = None,
    sort: bool = True,
    size: Size = "memo",
    suppress: bool = True,
    min_count: int = 10,
    min_base: int = 30,
    ax: Axes | None = None,
) -> Figure:
    """Prevalence by group with 95% intervals: dot and whisker, sorted, bases shown.

    Groups whose unweighted base is under ``min_base`` are withheld: they stay on the figure
    (greyed, at the bottom, marked "suppressed") and the note under the plot names them.
    Reliability follows :func:`survey_tools.disclosure.flag_reliability`, as the memo's tables
    do: an estimate to "interpret with caution" gets a hollow marker, one "too unreliable to
    publish" is withheld the same way and named in the note.

    Parameters
    ----------
    table
        ``SurveyDesign.proportion(col, by=...)`` or ``.mean(col, by=...)``: the by-column,
        ``level`` (proportions), ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``.
    by
        The group column; needed only when the table has more than one non-estimate column.
    level
        Which answer to plot from a proportion table (default: its only answer, or True for
        a yes/no measure; name it otherwise).
    title, xlabel, source, base
        Text; ``source`` and ``base`` go in the notes under the plot.
    overall
        Draw a dashed reference line at this value (e.g. the all-member estimate), labelled
        "All: 12%" above the plot with a leader; it stops above the withheld rows' marks.
    sort
        Sort the groups by their estimate (largest on top).
    size
        ``"memo"`` or ``"slide"``.
    suppress, min_count, min_base
        Disclosure control (on by default). ``suppress=False`` stamps the figure as a draft.
    ax
        Draw into this matplotlib/seaborn axes (its figure gets the notes) instead of a new
        figure.

    Returns
    -------
    Figure

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "role": ["Voice actor", "TV writer", "Music editor"], "level": "Yes",
    ...     "estimate": [0.2, 0.08, 0.3], "se": [0.02, 0.017, 0.09],
    ...     "ci_low": [0.16, 0.05, 0.15], "ci_high": [0.25, 0.12, 0.5], "n": [422, 314, 27]})
    >>> fig = fig_prevalence(table, source="Guild AI survey 2026")
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()][-1]
    'Music editor'
    >>> "Music editor (a count under 10)" in fig.texts[0].get_text().replace("\\n", " ")
    True
    """
    what = "fig_prevalence"
    if xlabel is None:
        xlabel = (
            f"{_share_label(level)} (95% CI)" if "level" in table.columns else "Estimate (95% CI)"
        )
    return _dot_figure(
        table,
        by=by,
        level=level,
        what=what,
        xlabel=xlabel,
        title=title,
        source=source,
        base=base,
        overall=overall,
        size=size,
        suppress=suppress,
        min_count=min_count,
        min_base=min_base,
        sort=sort,
        ax=ax,
    )


def fig_predicted(
    margins: pd.DataFrame,
    *,
    by: str | None = None,
    level: object = None,
    title: str | None = None,
    xlabel: str | None = None,
    source: str | None = None,
    base: str | None = None,
    sort: bool = True,
    size: Size = "memo",
    suppress: bool = True,
    min_count: int = 10,
    min_base: int = 30,
    kind: str = "margin",
    fit=None,
    ax: Axes | None = None,
) -> Figure:
    """Predicted probabilities by group from a model's predicted margins, with intervals.

    The same dot-and-whisker layout as :func:`fig_prevalence`, for the table returned by
    ``predict_margins(result, by=...)``: the group column, ``kind``, ``contrast``,
    ``estimate``, ``se``, ``ci_low``, ``ci_high`` and ``n`` (used for disclosure control and
    the reliability flags). A margins table without ``n`` needs ``suppress=False`` (the figure
    is then stamped as a draft).

    Parameters
    ----------
    fit
        The model (``svyglm(..., family="binomial")``): a group is then withheld by the rule of
        :func:`~survey_tools.report.role_models.margins_table`, on the counts of its
        respondents who gave the modelled answer and who did not (then reliability), so the
        table and the figure show the same groups. Without it the predicted margins are
        screened as shares on their bases (``estimate x n`` the counts a reader can infer).
    kind
        Which rows of the margins table to draw: ``"margin"`` (the predicted probability of
        each group, default) or ``"difference"`` (each group's difference from the reference
        group, which the axis label names).
    xlabel
        Default: "Predicted probability (95% CI)", or "Difference in predicted probability
        (95% CI)" for ``kind="difference"``.

    Examples
    --------
    >>> import pandas as pd
    >>> margins = pd.DataFrame({"role": ["Voice actor", "TV writer", "TV writer"],
    ...     "kind": ["margin", "margin", "difference"],
    ...     "contrast": ["", "", "TV writer - Voice actor"], "estimate": [0.21, 0.09, -0.12],
    ...     "se": [0.02, 0.015, 0.025], "ci_low": [0.17, 0.06, -0.17],
    ...     "ci_high": [0.25, 0.12, -0.07], "n": [422, 314, 314]})
    >>> fig = fig_predicted(margins)
    >>> fig.axes[0].get_xlabel()
    'Predicted probability (95% CI)'
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['Voice actor', 'TV writer']
    """
    what = "fig_predicted"
    table = margins
    if isinstance(table, pd.DataFrame) and "kind" in table.columns:
        kinds = list(pd.unique(table["kind"].astype(str)))
        if kind not in kinds:
            raise ReportError(
                f"{what}: kind={kind!r} is not in the margins table's 'kind' column {kinds}.",
                hint=f"choose the rows to draw with kind=, e.g. kind={kinds[0]!r}",
            )
        table = table[table["kind"].astype(str) == kind]
        group = by_column(table.drop(columns=["kind", "contrast"], errors="ignore"), by, what)
        if kind == "difference" and "contrast" in table.columns and len(table):
            first = table.iloc[0]
            reference = str(first["contrast"])[len(str(first[group])) + 3 :]
            xlabel = xlabel or f"Difference in predicted probability from {reference} (95% CI)"
        table = table.drop(columns=[c for c in ("kind", "contrast") if c in table.columns])
    if xlabel is None:
        xlabel = (
            "Difference in predicted probability (95% CI)"
            if kind == "difference"
            else "Predicted probability (95% CI)"
        )
    if isinstance(table, pd.DataFrame) and "level" in table.columns and level is None:
        levels = list(pd.unique(table["level"].astype(str)))
        if len(levels) == 1:
            level = levels[0]
    if (
        fit is None
        and kind == "margin"
        and isinstance(table, pd.DataFrame)
        and "level" not in table.columns
        and {"estimate", "n"} <= set(table.columns)
        and _is_share(table)
    ):  # predicted probabilities: screened as the shares they are
        table, level = table.assign(level=True), True
    return _dot_figure(
        table,
        by=by,
        level=level,
        what=what,
        xlabel=xlabel,
        title=title,
        source=source,
        base=base,
        overall=None,
        size=size,
        suppress=suppress,
        min_count=min_count,
        min_base=min_base,
        sort=sort,
        ax=ax,
        fit=fit if kind == "margin" else None,
    )


def fig_weighting(
    unweighted: pd.DataFrame,
    weighted: pd.DataFrame,
    *,
    by: str | None = None,
    level: object = None,
    title: str | None = None,
    xlabel: str | None = None,
    source: str | None = None,
    base: str | None = None,
    size: Size = "memo",
    suppress: bool = True,
    min_count: int = 10,
    min_base: int = 30,
    ax: Axes | None = None,
) -> Figure:
    """What weighting changed: unweighted against weighted estimates by group (a dumbbell).

    An open circle marks the respondents' raw (unweighted) share, a filled dot the estimate
    weighted to the membership roll with its 95% interval, a grey line joins them; groups are
    sorted by the weighted estimate. The legend above the plot names both.

    Parameters
    ----------
    unweighted, weighted
        The same estimate from ``SurveyDesign(df)`` and from the raked design, by the same
        groups (e.g. ``.proportion("ai_lost_work", by="role_group")`` on each).

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"group": ["Writers", "Actors"], "estimate": [0.10, 0.25],
    ...     "se": [0.01, 0.02], "ci_low": [0.08, 0.21], "ci_high": [0.12, 0.29], "n": [500, 600]})
    >>> new = raw.assign(estimate=[0.08, 0.2], ci_low=[0.06, 0.16], ci_high=[0.1, 0.24])
    >>> fig = fig_weighting(raw, new)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['Actors', 'Writers']
    """
    what = "fig_weighting"
    for table in (unweighted, weighted):
        require(table, _CI, what)
    group = by_column(weighted, by, what)
    by_column(unweighted, group, what)
    level = answer_level(weighted, level, what)
    raw = pick_level(unweighted, level, what).set_index(group)["estimate"]
    params = {"min_count": min_count, "min_base": min_base}
    screened = screen(
        collapse(weighted, level, group, what), [group], suppress=suppress, what=what, **params
    )
    rows = part = pick_level(screened, level, what)
    rows = rows.assign(label=rows[group].astype(str), raw=rows[group].map(raw).to_numpy(float))
    rows = ordered(rows, True)
    with themed(size):
        spec = SIZES[size]
        fig, ax = canvas(size, rows_height(size, rows["label"], 1.4), title=title, ax=ax)
        percent = _is_share(part)
        draw_rows(ax, rows, size=size, percent=percent, params=params)
        shown = ~rows["hidden"].to_numpy(bool)
        y = np.arange(len(rows), dtype=float)
        est, old = rows["estimate"].to_numpy(float), rows["raw"].to_numpy(float)
        ax.hlines(y[shown], old[shown], est[shown], color=PALETTE["grey"], lw=0.8, zorder=1)
        unweighted_rows = pd.DataFrame({"row": row_keys(len(rows)), "value": old})[shown]
        if len(unweighted_rows):
            sns.pointplot(
                data=unweighted_rows,
                x="value",
                y="row",
                order=row_keys(len(rows)),
                orient="y",
                errorbar=None,
                linestyle="none",
                marker="o",
                markersize=spec["font"] * 0.7,
                color=PALETTE["vermillion"],
                markerfacecolor="white",
                markeredgewidth=1.3,
                zorder=4,
                ax=ax,
            )
            ax.set_ylabel("")
        if percent:
            ends = np.r_[rows.loc[shown, "ci_high"].to_numpy(float), old[shown]]
            ax.set_xlim(0, min(1.0, float(np.nanmax(ends)) * 1.08 + 0.01))
        ax.set_xlabel(xlabel or (_share_label(level) if percent else "Estimate"))
        handles = [
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                ms=spec["font"] * 0.7,
                mfc="white",
                mec=PALETTE["vermillion"],
                mew=1.3,
                label="Unweighted: respondents as they answered",
            ),
            Line2D(
                [],
                [],
                ls="-",
                lw=spec["font"] / 5,
                marker="o",
                ms=spec["font"] * 0.7,
                color=PALETTE["blue"],
                label="Weighted to the membership roll (95% CI)",
            ),
        ]
        # the legend belongs to the axes, just above it, so constrained layout stacks the
        # title, the legend and the plot (a figure legend "outside" ignores the title)
        ax.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.01, 1.0),
            bbox_transform=blended_transform_factory(fig.transFigure, ax.transAxes),
            borderaxespad=0.4,
            ncols=1 if size == "memo" else 2,
            frameon=False,
        )
        return finish(
            fig,
            size=size,
            suppress=suppress,
            params=params,
            withheld=rows[rows["hidden"]],
            source=source,
            base=base,
            caution=bool(rows["caution"].any()),
        )
