"""The figure helpers' tables: checked, reduced to the answer a figure plots, and screened by
disclosure control before anything is drawn.

Private: the public names are the ``fig_*`` functions in :mod:`survey_tools.report.figures`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..disclosure import CAUTION, UNRELIABLE, flag_reliability
from ..disclosure.publish import UNRELIABLE_REASON, screen_estimates, two_way
from ..errors import ReportError

#: an estimate table's columns (``count``: respondents giving the answer, ``tables.counted``)
ESTIMATE_COLUMNS = ("level", "estimate", "se", "ci_low", "ci_high", "n", "deff", "count")
CAUTION_NOTE = (
    "Hollow markers: interpret with caution (effective base under 30 or relative standard "
    "error above 30%)."
)


def require(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise a ReportError naming the missing columns of ``table`` and where they come from."""
    if not isinstance(table, pd.DataFrame):
        raise ReportError(
            f"{what} needs a DataFrame, got {type(table).__name__}.",
            hint="pass the table returned by SurveyDesign.proportion/mean or by .tidy()",
        )
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ReportError(
            f"{what}: the table has no column(s) {missing} (it has {list(table.columns)}).",
            hint="pass the table returned by SurveyDesign.proportion/mean (by-columns, level, "
            "estimate, se, ci_low, ci_high, n) or rename your columns to these names",
        )


def by_column(table: pd.DataFrame, by: str | None, what: str) -> str:
    """The one grouping column of an estimate table: ``by`` or the only non-estimate column."""
    if by is not None:
        require(table, [by], what)
        return by
    others = [c for c in table.columns if c not in ESTIMATE_COLUMNS]
    if len(others) != 1:
        raise ReportError(
            f"{what}: cannot tell which column holds the groups (candidates: {others}).",
            hint="name the grouping column with by=",
        )
    return others[0]


def answer_level(table: pd.DataFrame, level: object, what: str) -> object:
    """The answer a one-answer figure plots: ``level`` when given; otherwise the table's only
    answer, or True for a yes/no measure's table. A table of several answers needs the answer
    named: the report stage knows no questionnaire's answer labels.
    """
    if level is not None or "level" not in table.columns:
        return level
    levels = list(pd.unique(table["level"].astype(str)))
    if len(levels) == 1:
        return table["level"].iloc[0]
    if set(levels) <= {"True", "False"}:
        return True
    raise ReportError(
        f"{what}: the table has several answers {levels}: which one to plot?",
        hint=f"name it with level=, e.g. level={levels[0]!r}",
    )


def pick_level(table: pd.DataFrame, level: object, what: str) -> pd.DataFrame:
    """Keep the rows of one answer ``level`` of a proportion table (all rows if it has none)."""
    if "level" not in table.columns:
        return table
    levels = list(pd.unique(table["level"].astype(str)))
    if level is None or str(level) not in levels:
        raise ReportError(
            f"{what}: level {level!r} is not in the table's 'level' column {levels}.",
            hint=f"choose the answer to plot with level=, e.g. level={levels[0]!r}",
        )
    return table[table["level"].astype(str) == str(level)]


#: ``reason`` of a model row with no finite estimate or interval (not a privacy reason)
NO_ESTIMATE = "no estimate"

WHY = {
    "small base": "base under {min_base} respondents",
    "small count": "a count under {min_count}",
    "dominance": "a few values dominate",
    "complementary": "withheld so another cell cannot be worked out",
    UNRELIABLE_REASON: UNRELIABLE,
    NO_ESTIMATE: "no finite estimate",
    "": "withheld",
}


def why(reason: str, params: dict[str, int]) -> str:
    """Why a cell is withheld, in the words of the figure notes (``params``: the limits)."""
    return WHY.get(reason, "withheld").format(**params)


def collapse(table: pd.DataFrame, level: object, group: str, what: str) -> pd.DataFrame:
    """A proportion table reduced to what a one-answer figure publishes: that answer and the
    rest (:func:`survey_tools.disclosure.publish.two_way`, the reduction tables use too)."""
    if "level" not in table.columns:
        return table
    pick_level(table, level, what)  # names the answers when ``level`` is not one of them
    return two_way(table, level, [group])


REASON_MARKS = {
    "small base": "suppressed: base under {min_base}",
    "small count": "suppressed: count under {min_count}",
    "dominance": "suppressed: dominated by a few",
    "complementary": "suppressed: protects another cell",
    UNRELIABLE_REASON: "withheld: too unreliable",
    NO_ESTIMATE: "no finite estimate",
}


def ordered(rows: pd.DataFrame, sort: bool) -> pd.DataFrame:
    """Shown rows by descending estimate (if ``sort``), then withheld rows at the bottom."""
    shown = rows[~rows["hidden"]]
    if sort:
        shown = shown.sort_values("estimate", ascending=False, kind="stable")
    return pd.concat([shown, rows[rows["hidden"]]])


def screen(
    table: pd.DataFrame,
    keys: Sequence[str],
    *,
    suppress: bool,
    min_count: int,
    min_base: int,
    what: str,
    reliability: bool = True,
    contributions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Add ``hidden``, ``reason`` and ``caution`` columns by the rule every report table uses,
    :func:`survey_tools.disclosure.screen_estimates` (disclosure control on the whole table,
    then reliability); ``suppress=False`` (drafts only) withholds nothing for privacy.
    """
    if suppress not in (True, False):
        raise ReportError(
            f"{what}: suppress must be True or False, got {suppress!r}.",
            hint="leave suppress=True for anything published",
        )
    if suppress:
        if "n" not in table.columns:
            raise ReportError(
                f"{what}: the table has no 'n' column (unweighted base), so small groups "
                "cannot be withheld.",
                hint="pass the estimate table with its n column, or suppress=False for a "
                "draft (the figure is then marked as not disclosure-checked)",
            )
        return screen_estimates(
            table,
            list(keys),
            min_count=min_count,
            min_base=min_base,
            contributions=contributions,
            reliability=reliability,
        )
    out = table.reset_index(drop=True)
    out["hidden"], out["reason"], out["caution"] = False, "", False
    if reliability and {"estimate", "se", "n"} <= set(out.columns):
        stats = [c for c in ("level", "estimate", "se", "n", "deff") if c in out.columns]
        flags = flag_reliability(out[stats], min_base=min_base)["reliability"].to_numpy()
        out["hidden"] = flags == UNRELIABLE
        out.loc[out["hidden"], "reason"] = UNRELIABLE_REASON
        out["caution"] = flags == CAUTION
    return out


def mark_text(reason: str, *, min_count: int, min_base: int) -> str:
    """The short mark drawn in place of a withheld estimate."""
    text = REASON_MARKS.get(reason, "suppressed")
    return text.format(min_count=min_count, min_base=min_base)
