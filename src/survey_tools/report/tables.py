"""The memo's tables: shares, pay and hours, representation and data quality, formatted for
display and passed through disclosure control.

Which estimates a table shows is decided by :func:`survey_tools.disclosure.screen_estimates`,
the rule the memo's figures use too, so a table and a figure of the same estimate show and
withhold the same groups; bases print as the figures print them (:func:`base`, "<10")."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..design.survey_design import SurveyDesign
from ..disclosure.publish import COUNT, UNRELIABLE_REASON, base_text, screen_estimates
from ..errors import SurveyToolsError

__all__ = [
    "Captioned",
    "base",
    "cleaning_table",
    "counted",
    "item_nonresponse",
    "pct",
    "question_wording",
    "representation_table",
    "screened",
    "share_table",
    "stats_table",
]


def pct(x: float, digits: int = 1) -> str:
    """A share as a percentage with ``digits`` decimals, as the memo prints it.

    Examples
    --------
    >>> pct(0.117215)
    '11.7%'
    >>> pct(float("nan"))
    '—'
    """
    return "—" if x is None or not np.isfinite(x) else f"{100 * x:.{digits}f}%"


def base(n, min_count: int = 10) -> str:
    """An unweighted base as a table prints it: ``'1,234'``, or ``'<10'`` below ``min_count``
    (a group that small is itself disclosive); figures print it the same way.

    Examples
    --------
    >>> base(3215), base(7)
    ('3,215', '<10')
    """
    return base_text(n, min_count)


#: what a table says of an estimate withheld as too unreliable (not a privacy reason)
TOO_UNRELIABLE = "too unreliable to publish"


def _level_row(table: pd.DataFrame, col: str, level) -> pd.DataFrame:
    if not (table["level"] == level).any():
        raise SurveyToolsError(
            f"Column {col!r} has no answer {level!r}; its answers are "
            f"{', '.join(map(str, table['level'].unique()))}.",
            hint="pass one of those as level=",
        )
    return table[table["level"] == level].drop(columns="level").reset_index(drop=True)


def share_table(
    design: SurveyDesign,
    cols,
    level=True,
    *,
    by: str | None = None,
    min_count: int = 10,
    min_base: int = 30,
) -> pd.DataFrame:
    """Weighted shares answering ``level`` as the memo prints them, after disclosure control.

    Each column's whole proportion table (every answer, by group) goes through
    :func:`survey_tools.suppress`, so small counts, small bases and the cells that would give
    them away are withheld ("—"); then the ``level`` rows are formatted: ``Share``, ``95% CI``
    and the unweighted ``Base (n)``, which is always shown. ``cols`` is a column, a list, or a
    ``{column: label}`` mapping.

    Examples
    --------
    >>> df = pd.DataFrame({"q": ["Yes"] * 40 + ["No"] * 60})
    >>> share_table(SurveyDesign(df), "q", "Yes")
       Share          95% CI Base (n)
    q  40.0%  30.7% to 50.0%      100
    """

    if isinstance(cols, str):
        cols = [cols]
    labels = cols if isinstance(cols, dict) else {c: c for c in cols}
    parts = []
    for col, label in labels.items():
        rows = screened(design, col, level, by=by, min_count=min_count, min_base=min_base)
        hide = rows["hidden"].to_numpy()
        part = pd.DataFrame(
            {
                "row": rows[by].astype(str).to_numpy() if by else [label] * len(rows),
                "Share": [pct(x) for x in rows["estimate"]],
                "95% CI": [
                    f"{pct(lo)} to {pct(hi)}" for lo, hi in zip(rows["ci_low"], rows["ci_high"])
                ],
                "Base (n)": [base(n, min_count) for n in rows["n"]],
            }
        )
        part.loc[hide, ["Share", "95% CI"]] = "—"
        parts.append(part)
    out = pd.concat(parts, ignore_index=True).set_index("row")
    out.index.name = None
    out.columns.name = by.replace("_", " ").capitalize() if by else None
    return out


def counted(design: SurveyDesign, table: pd.DataFrame, col: str) -> pd.DataFrame:
    """``design.proportion(col, by=...)`` with ``count``: the respondents (unweighted) giving
    each answer in each group, so disclosure control runs on their own counts as well as on
    those a reader can infer from a weighted share (``estimate x n``). Pass the result to a
    figure (``fig_prevalence(counted(design, table, col), ...)``) and it withholds exactly
    the groups :func:`share_table` withholds.

    Examples
    --------
    >>> df = pd.DataFrame({"q": ["Yes"] * 4 + ["No"] * 6, "w": [3.0] * 4 + [1.0] * 6})
    >>> d = SurveyDesign(df, weights="w")
    >>> counted(d, d.proportion("q"), "q")[["level", "estimate", "count"]].round(2)
      level  estimate  count
    0    No      0.33      6
    1   Yes      0.67      4
    """
    keys = list(table.columns[: list(table.columns).index("level")])
    answered = design.data[col].notna()
    frame = design.data.loc[answered, [*keys, col]].astype(object).astype(str)
    tally = frame.value_counts().to_dict() if len(frame) else {}
    rows = table[[*keys, "level"]].astype(object).astype(str).itertuples(index=False)
    return table.assign(**{COUNT: [int(tally.get(tuple(r), 0)) for r in rows]})


def screened(
    design: SurveyDesign,
    col: str,
    level=True,
    *,
    by: str | None = None,
    min_count: int = 10,
    min_base: int = 30,
) -> pd.DataFrame:
    """The weighted share of ``level`` (by group) with ``hidden``, ``caution`` and ``withheld``
    (the reason, "" when shown).

    The share goes through :func:`survey_tools.disclosure.screen_estimates`, the rule of the
    memo's figures: disclosure control on the counts of ``level`` and of the other answers
    (small counts, small bases, complementary cells; the respondents' own counts and those a
    reader can infer from the weighted share, see :func:`counted`), then reliability (an
    estimate too unreliable to publish is withheld).
    """
    table = counted(design, design.proportion(col, by=by), col)
    if level is True and not table["level"].eq(True).any() and table["level"].eq(False).any():
        none = table[table["level"].eq(False)]  # a plan's measure nobody answered yes to: 0%
        zero = none.assign(level=True, estimate=0.0, se=0.0, **{COUNT: 0})
        zero = zero.assign(ci_low=1 - none["ci_high"], ci_high=1 - none["ci_low"])
        table = pd.concat([zero, table], ignore_index=True)
    _level_row(table, col, level)  # names the answers when ``level`` is not one of them
    rows = screen_estimates(
        table, [by] if by else [], level=level, min_count=min_count, min_base=min_base
    )
    reason = rows["reason"].replace(UNRELIABLE_REASON, TOO_UNRELIABLE)
    return rows.drop(columns=["level", COUNT]).assign(
        withheld=reason.where(rows["hidden"].to_numpy(bool), "").fillna("").astype(str)
    )


def _book(cleaned) -> dict:
    return cleaned.codebook.get("variables", {})


def _labels(spec: dict, codes) -> list:
    table = spec.get("codes", {})
    return [table.get(c, table.get(str(c), c)) for c in codes]


def item_nonresponse(cleaned, columns) -> pd.DataFrame:
    """Per question: kept respondents asked it (routing), how many gave no usable answer, and
    the item nonresponse rate (no answer over asked). Aggregates only."""
    book, data = _book(cleaned), cleaned.data
    rows = []
    for col in columns:
        spec = book.get(col, {})
        asked = pd.Series(True, index=data.index)
        for parent, codes in spec.get("asked_if", {}).items():
            asked &= data[parent].isin(_labels(book.get(parent, {}), codes)).to_numpy()
        n_asked = int(asked.sum())
        missing = int(data.loc[asked, col].isna().sum())
        label = spec.get("label", col)
        rows.append(
            {
                "question": label if len(label) <= 70 else label[:67] + "...",
                "asked": n_asked,
                "no answer": missing,
                "item nonresponse": pct(missing / n_asked if n_asked else np.nan),
            }
        )
    return pd.DataFrame(rows, index=pd.Index(list(columns), name="variable"))


def domain_estimate(
    design: SurveyDesign, col: str, stat: str = "mean", within: str | None = None
) -> pd.Series:
    """The weighted mean or median of ``col`` among ``within``'s True rows (a domain of the
    full design; all rows without ``within``): ``estimate``, ``ci_low``, ``ci_high``, ``n``.

    Examples
    --------
    >>> df = pd.DataFrame({"pay": [10.0, 20.0, 30.0, 40.0], "paid": [True, True, False, True]})
    >>> float(domain_estimate(SurveyDesign(df), "pay", "median", "paid")["estimate"])
    20.0
    """
    table = (
        design.quantile(col, 0.5, by=within) if stat == "median" else design.mean(col, by=within)
    )
    if within is not None:
        table = table[table[within].astype(object) == True]  # noqa: E712 (nullable booleans)
    return table.iloc[0]


def magnitude_screen(
    design: SurveyDesign,
    col: str,
    within: str | None = None,
    *,
    min_count: int = 10,
    min_base: int = 30,
    stat: str = "mean",
    dominance: tuple = (2, 85.0),
) -> pd.Series:
    """The mean or median of ``col`` (among ``within``'s True rows) as
    :func:`domain_estimate` gives it, with ``hidden``, ``reason`` and ``caution`` from
    :func:`survey_tools.disclosure.screen_estimates`, the rule the figures use: at least
    ``min_count`` contributors, for a mean no ``(n, k)`` dominance (the ``n`` largest weighted
    contributions holding more than ``k`` percent of the total), then reliability (a base
    under ``min_base`` or a relative standard error above 50% is too unreliable to publish).
    """
    est = domain_estimate(design, col, stat, within)
    row = est.drop(labels=[c for c in (within, "quantile") if c in est.index]).to_frame().T
    contributions = None
    if stat == "mean":
        values = pd.to_numeric(design.data[col], errors="coerce").to_numpy(float)
        keep = ~np.isnan(values)
        if within is not None:
            keep &= design.data[within].astype("boolean").fillna(False).to_numpy(bool)
        contributions = pd.DataFrame({col: values[keep] * design.weights[keep]})
    screened = screen_estimates(
        row.infer_objects(),
        min_count=min_count,
        min_base=min_base,
        dominance=dominance,
        contributions=contributions,
    )
    return screened.iloc[0]


def magnitude_shown(
    design: SurveyDesign,
    col: str,
    within: str | None = None,
    *,
    min_count: int = 10,
    min_base: int = 30,
    stat: str = "mean",
    dominance: tuple = (2, 85.0),
) -> bool:
    """Whether a mean or median of ``col`` (among ``within``'s True rows) may be published, by
    the rule tables, figures and the memo's text share (:func:`magnitude_screen`).

    Examples
    --------
    >>> df = pd.DataFrame({"hours": [200.0] + [1.0] * 40})
    >>> magnitude_shown(SurveyDesign(df), "hours"), magnitude_shown(SurveyDesign(df), "hours",
    ...                                                            stat="median")
    (False, True)
    """
    return not bool(
        magnitude_screen(
            design,
            col,
            within,
            min_count=min_count,
            min_base=min_base,
            stat=stat,
            dominance=dominance,
        )["hidden"]
    )


def stats_table(
    design: SurveyDesign,
    specs: dict,
    *,
    within: str | None = None,
    min_count: int = 10,
    min_base: int = 30,
) -> pd.DataFrame:
    """Weighted medians and means with their intervals and bases, one row per ``specs`` entry.

    ``specs`` maps a row label to ``(column, "median" | "mean", format)``, e.g.
    ``{"Median hourly pay": ("pay", "median", "${:,.2f}")}``; ``within`` names a boolean
    column whose True rows form the domain (full-design variance). An estimate resting on
    fewer than ``min_count`` contributors, a mean failing the (2, 85) dominance rule, and an
    estimate too unreliable to publish (base under ``min_base``) are withheld ("—") by
    :func:`magnitude_screen`, the rule :func:`~survey_tools.report.fig_pay` and the other
    figures apply; bases under ``min_count`` print as "<10"; absent columns are skipped.

    Examples
    --------
    >>> df = pd.DataFrame({"hours": [float(h % 9) for h in range(40)]})
    >>> stats_table(SurveyDesign(df), {"Mean hours": ("hours", "mean", "{:.1f}")})
               Estimate      95% CI Base (n)
    Mean hours      3.8  2.9 to 4.6       40
    """
    rows = []
    for label, (col, stat, fmt) in specs.items():
        if col not in design.data:
            continue
        est = magnitude_screen(
            design, col, within, min_count=min_count, min_base=min_base, stat=stat
        )
        shown = not bool(est["hidden"])
        rows.append(
            {
                "": label,
                "Estimate": fmt.format(est["estimate"]) if shown else "—",
                "95% CI": f"{fmt.format(est['ci_low'])} to {fmt.format(est['ci_high'])}"
                if shown
                else "—",
                "Base (n)": base(est["n"], min_count),
            }
        )
    return (
        pd.DataFrame(rows, columns=["", "Estimate", "95% CI", "Base (n)"])
        .set_index("")
        .rename_axis(None)
    )


def representation_table(run, *, min_count: int = 10) -> pd.DataFrame:
    """Roll, respondent and weighted shares on every margin. Per margin, the respondent counts
    go through :func:`survey_tools.suppress` (the demo's ``representation.csv`` rule): counts
    below ``min_count`` and the complementary count that would give one away from the
    respondents' total are withheld ("—"), with their respondent shares."""
    from ..design.margins import representation
    from ..disclosure import suppress

    data = run.design.data.assign(_weight=run.design.weights)
    table = representation(data, run.margins, weights="_weight")
    shown = pd.Series(True, index=table.index)
    for _, rows in table.groupby("margin", sort=False):
        counts = pd.DataFrame(
            {"respondents": rows["respondents"].astype(int).to_numpy()},
            index=rows["level"].astype(str).to_numpy(),
        )
        hidden = suppress(counts, min_count=min_count).hidden["respondents"].to_numpy(bool)
        shown[rows.index] = ~hidden
    out = pd.DataFrame(
        {
            "Margin": table["margin"].str.replace("_", " "),
            "Level": table["level"],
            "Roll members": [f"{int(x):,}" for x in table["roll_members"]],
            "Roll share": [pct(x) for x in table["roll_share"]],
            "Respondents": [
                f"{int(x):,}" if ok else "—" for x, ok in zip(table["respondents"], shown)
            ],
            "Respondent share": [
                pct(x) if ok else "—" for x, ok in zip(table["respondent_share"], shown)
            ],
            "Weighted share": [pct(x) for x in table["weighted_share"]],
        }
    )
    return out.set_index(["Margin", "Level"])


def question_wording(cleaned, columns) -> pd.DataFrame:
    """Exact question wording and answer options from the codebook, for the appendix.

    ``answers`` lists a question's answer labels, a check-all question's options ("select all
    that apply: ..."), or is empty for a number or free text.

    Examples
    --------
    >>> class Cleaned:
    ...     codebook = {"variables": {
    ...         "q": {"label": "Lost work?", "codes": {1: "Yes", 2: "No"}},
    ...         "p": {"label": "Which?", "options": {"a": {"label": "A"}, "b": {"label": "B"}}},
    ...         "n": {"label": "Pay", "type": "numeric"}}}
    >>> question_wording(Cleaned(), ["q", "p", "n"])["answers"].tolist()
    ['Yes; No', 'select all that apply: A; B', '']
    """
    book = _book(cleaned)
    rows = []
    for col in columns:
        spec = book.get(col, {})
        answers = "; ".join(map(str, spec.get("codes", {}).values()))
        if spec.get("options"):
            labels = [o.get("label", name) for name, o in spec["options"].items()]
            answers = "select all that apply: " + "; ".join(map(str, labels))
        rows.append({"variable": col, "question": spec.get("label", ""), "answers": answers})
    return pd.DataFrame(rows, columns=["variable", "question", "answers"]).set_index("variable")


@dataclass(frozen=True)
class Captioned:
    """A display table with a caption: HTML ``<caption>`` (a Word table caption after pandoc).

    The table is shown as pandas shows it; the caption travels with it, so a page break cannot
    separate them.

    Examples
    --------
    >>> t = Captioned(pd.DataFrame({"Share": ["40.0%"]}, index=["Yes"]), "Table 1. Lost work")
    >>> t
    Table 1. Lost work
         Share
    Yes  40.0%
    >>> "<caption>Table 1. Lost work</caption>" in t._repr_html_()
    True
    """

    frame: pd.DataFrame
    caption: str

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.frame!r}"

    def _repr_html_(self) -> str:
        from html import escape

        frame = self.frame
        if not isinstance(frame.index, pd.RangeIndex):  # row labels as a plain first column
            names = [n or "" for n in frame.index.names]
            frame = frame.rename_axis(names).reset_index()
        html = frame.to_html(index=False, border=0)
        return html.replace(">", f">\n  <caption>{escape(self.caption)}</caption>", 1)

    def to_frame(self) -> pd.DataFrame:
        return self.frame


def cleaning_table(cleaned) -> pd.DataFrame:
    """The cleaning summary (responses, exclusions and flags by reason, response rates) as
    display strings: counts with thousands separators, rates as percentages.

    Examples
    --------
    >>> class Cleaned:
    ...     summary = {"received": 3454, "kept": 3215, "rr1": 0.15675,
    ...                "excluded": {"duplicate": 35}}
    >>> cleaning_table(Cleaned())["value"].tolist()
    ['3,454', '3,215', '15.7%', '35']
    """
    rows = []
    for key, value in cleaned.summary.items():
        items = value.items() if isinstance(value, dict) else [(None, value)]
        for sub, v in items:
            label = f"{key.replace('_', ' ')}: {sub.replace('_', ' ')}" if sub else key
            if key.startswith("rr"):
                text = (
                    pct(float(v)) if v is not None else "not computable (members invited unknown)"
                )
            elif isinstance(v, int | float | np.integer | np.floating) and float(v).is_integer():
                text = f"{int(v):,}"
            else:
                text = f"{v:,.1f}" if isinstance(v, int | float) else str(v)
            rows.append(
                {
                    "item": label.replace("_", " ").upper() if key.startswith("rr") else label,
                    "value": text,
                }
            )
    return pd.DataFrame(rows).set_index("item").rename_axis(None)
