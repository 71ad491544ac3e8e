"""The memo's numbers: a cleaned survey raked to the roll, and shares with intervals and bases.

Every number a report notebook prints or a memo's text quotes comes from these functions, so a
test can re-derive it from the cleaned data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd

from ..cleaning.aapor import response_rates
from ..cleaning.clean import CleanSurvey, clean
from ..cleaning.codebook import Codebook
from ..design.margins import read_margins
from ..design.survey_design import SurveyDesign
from ..errors import SurveyToolsError
from ..ingest.read import read_export
from .tables import (
    Captioned,
    _book,
    _level_row,
    cleaning_table,
    item_nonresponse,
    pay_hours_table,
    pct,
    question_wording,
    representation_table,
    screened,
    share_table,
)

__all__ = [
    "OPTIONS",
    "Captioned",
    "Share",
    "SurveyRun",
    "attitude_columns",
    "attitude_table",
    "cleaning_table",
    "derive_indicators",
    "field_dates",
    "grid_exclusions",
    "item_nonresponse",
    "listing",
    "options_support",
    "partials_note",
    "pay_hours_table",
    "pct",
    "platform_columns",
    "prepare_survey",
    "question_wording",
    "representation_table",
    "screened",
    "share",
    "share_table",
    "shares",
    "top_group",
    "withheld_representation",
    "withheld_shares",
]

AGREE = ("Somewhat agree", "Strongly agree")
RLHF_PAID = ("Yes, in the past 3 months", "Yes, but not in the past 3 months")


def _indicator(values: pd.Series, hits) -> pd.Series:
    """True where ``values`` is one of ``hits``, False for other answers, missing stays missing."""
    out = values.isin(hits).astype("boolean")
    return out.mask(values.isna())


def derive_indicators(data: pd.DataFrame, *, scale_rate: float | None = None) -> pd.DataFrame:
    """Add the memo's yes/no indicators to the cleaned data (a new frame; missing stays missing).

    For every column whose answers are agree/disagree levels, ``<column>_agree`` (somewhat or
    strongly agree). From the AI-training questions, where present: ``rlhf_paid`` (ever paid to
    train AI), ``rlhf_any_cancelled`` (at least one project ended abruptly),
    ``rlhf_nda_signed`` (NDAs for all or some projects), ``rlhf_disturbing_often`` (often or
    very often exposed to disturbing content) and, given ``scale_rate``,
    ``rlhf_pay_below_scale`` (hourly pay below that rate).

    Examples
    --------
    >>> df = pd.DataFrame({"att": pd.Categorical(["Strongly agree", "Somewhat disagree", None])})
    >>> derive_indicators(df)["att_agree"].tolist()
    [True, False, <NA>]
    """
    out = data.copy()
    for col in data.columns:
        values = data[col]
        cats = (
            set(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype) else set()
        )
        if cats & set(AGREE) and any("disagree" in str(c).lower() for c in cats):
            out[f"{col}_agree"] = _indicator(values, AGREE)
    if "rlhf_status" in data:
        out["rlhf_paid"] = _indicator(data["rlhf_status"], RLHF_PAID)
    if "rlhf_cancelled_n" in data:
        out["rlhf_any_cancelled"] = (data["rlhf_cancelled_n"] > 0).astype("boolean")
    if "rlhf_nda" in data:
        out["rlhf_nda_signed"] = _indicator(
            data["rlhf_nda"], ("Yes, for all projects", "For some projects")
        )
    if "rlhf_disturbing" in data:
        out["rlhf_disturbing_often"] = _indicator(data["rlhf_disturbing"], ("Often", "Very often"))
    if scale_rate is not None and "rlhf_pay_usd_hr" in data:
        out["rlhf_pay_below_scale"] = (data["rlhf_pay_usd_hr"] < scale_rate).astype("boolean")
    return out


def grid_exclusions(cleaned: CleanSurvey) -> pd.Series:
    """Kept respondents whose agree/disagree (grid) answers are noise, one boolean per row.

    True for respondents who failed an attention check (the codebook's ``quality: attention``)
    and for those flagged as straightliners who gave one answer to every item of a grid that
    holds agree/disagree items (``quality: grids``; the flag alone does not say which grid).
    Speeders and other flags are not counted: a fast answer is not an invalid one. Aligned
    with ``cleaned.data`` (its index).

    Examples
    --------
    >>> class Cleaned:
    ...     data = pd.DataFrame({"a": list("xyx"), "b": list("xyy"), "c": list("xyz")})
    ...     flags = pd.DataFrame({"excluded": [False] * 3, "straightliner": [True, True, False],
    ...                           "failed_attention": [False, False, True]})
    ...     codebook = {"quality": {"grids": {"g": ["a", "b", "c"]}}}
    >>> grid_exclusions(Cleaned()).tolist()
    [True, True, True]
    """
    flags = cleaned.flags
    kept = flags[~flags["excluded"].astype(bool)].reset_index(drop=True)
    data = cleaned.data
    if len(kept) != len(data):
        raise SurveyToolsError(
            f"The cleaned survey has {len(data):,} respondents but {len(kept):,} kept rows "
            "in its flags.",
            hint="clean the export again; flags and data must come from the same clean()",
        )
    quality = cleaned.codebook.get("quality", {}) or {}
    straight = pd.Series(False, index=data.index)
    for items in (quality.get("grids") or {}).values():
        present = [v for v in items if v in data]
        if len(present) < 3:
            continue
        grid = data[present].astype(object)
        straight |= (grid.notna().sum(axis=1) >= 3) & (grid.nunique(axis=1) == 1)
    flagged = kept["straightliner"].astype(bool).to_numpy() & straight.to_numpy()
    failed = kept["failed_attention"].astype(bool).to_numpy()
    return pd.Series(flagged | failed, index=data.index, name="grid_excluded")


@dataclass(frozen=True)
class SurveyRun:
    """A cleaned export with its response rates, the roll's margins and the raked design.

    ``attitudes`` is the design for agree/disagree (grid) items: the same respondents without
    those :func:`grid_exclusions` marks (straightliners on the grid, failed attention checks),
    raked again to the roll. ``grid_excluded`` is how many were left out.
    """

    cleaned: CleanSurvey
    rates: dict
    margins: dict
    design: SurveyDesign
    unweighted: SurveyDesign = field(repr=False)
    attitudes: SurveyDesign | None = field(default=None, repr=False)
    grid_excluded: int = 0

    def __repr__(self) -> str:
        d = self.design.diagnostics
        return (
            f"SurveyRun({len(self.design.data):,} respondents kept, RR1 {pct(self.rates['rr1'])},"
            f" raked to {', '.join(self.margins)}; weighting design effect "
            f"{d.deff_weighting:.2f})"
        )

    def to_frame(self) -> pd.DataFrame:
        """Fieldwork and weighting in one two-column table (``item``, ``value``)."""
        d = self.design.diagnostics
        items = {
            "invited": self.rates["invited"],
            "completes (dispositions)": self.rates["completes"],
            "partials (dispositions)": self.rates["partials"],
            "RR1": self.rates["rr1"],
            "RR2": self.rates["rr2"],
            "respondents kept": d.n,
            "effective sample size": d.effective_n,
            "weighting design effect": d.deff_weighting,
            "weight ratio (max/min)": d.weight_ratio,
            "left out of agree/disagree items": self.grid_excluded,
        }
        return pd.DataFrame({"item": list(items), "value": list(items.values())})


def prepare_survey(
    export: str | os.PathLike,
    codebook: str | os.PathLike,
    *,
    roll: str | os.PathLike,
    margins: str | os.PathLike,
    dispositions: str | os.PathLike,
    scale_rate: float | None = None,
) -> SurveyRun:
    """Read and clean an export, rake equal starting weights to every margin of the roll.

    The raking has no bounds and no trimming: the weights are exactly those that reproduce each
    published margin. The memo's indicators (:func:`derive_indicators`) are added before raking,
    so every estimate uses the same design. Agree/disagree items get their own design
    (``SurveyRun.attitudes``): without the respondents :func:`grid_exclusions` marks
    (straightliners on the grid, failed attention checks), raked to the same margins.

    Parameters
    ----------
    export, codebook
        The survey export and its YAML codebook.
    roll
        The membership roll (roll-linked variables, names to redact from open answers).
    margins
        The roll's published margins, ``margin,level,members``.
    dispositions
        AAPOR final dispositions, ``aapor_group,count`` (for RR1 and RR2).
    scale_rate
        The guild's scale rate in USD per hour, for ``rlhf_pay_below_scale``.
    """
    rates = response_rates(pd.read_csv(dispositions))
    cleaned = clean(
        read_export(export), Codebook.from_yaml(codebook), roll=roll, invited=rates["invited"]
    )
    roll_margins = read_margins(margins)
    data = derive_indicators(cleaned.data, scale_rate=scale_rate)
    # Two separate designs: one derived by rake() shares its parent's estimator cache.
    raked = SurveyDesign(data).rake(roll_margins)
    noise = grid_exclusions(cleaned).to_numpy()
    attitudes = SurveyDesign(data[~noise].reset_index(drop=True)).rake(roll_margins)
    return SurveyRun(
        cleaned, rates, roll_margins, raked, SurveyDesign(data), attitudes, int(noise.sum())
    )


@dataclass(frozen=True)
class Share:
    """A weighted share with its 95% interval (logit) and unweighted base."""

    label: str
    estimate: float
    ci_low: float
    ci_high: float
    n: int

    def __repr__(self) -> str:
        return f"Share({self.label!r}: {self.text})"

    @property
    def pct(self) -> str:
        """The estimate as the memo prints it, e.g. ``'11.7%'``."""
        return pct(self.estimate)

    @property
    def interval(self) -> str:
        """The interval as the memo prints it, e.g. ``'10.6% to 13.0%'``."""
        return f"{pct(self.ci_low)} to {pct(self.ci_high)}"

    @property
    def text(self) -> str:
        """``'11.7% (95% CI 10.6% to 13.0%; n = 3,215)'``."""
        return f"{self.pct} (95% CI {self.interval}; n = {self.n:,})"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.__dict__])


def share(design: SurveyDesign, col: str, level=True, *, label: str | None = None) -> Share:
    """Weighted share of ``col == level`` among everyone with an answer to ``col``.

    Every answer stays in the base ("Don't know" too), only missing values (not asked, prefer
    not to say) leave it. The interval is the design's logit interval.

    Examples
    --------
    >>> df = pd.DataFrame({"q": pd.Categorical(["Yes", "No", "Don't know", None])})
    >>> s = share(SurveyDesign(df), "q", "Yes")
    >>> s.pct, s.n
    ('33.3%', 3)
    """
    row = _level_row(design.proportion(col), col, level).iloc[0]
    return Share(
        label or col, *(float(row[k]) for k in ("estimate", "ci_low", "ci_high")), int(row["n"])
    )


def shares(design: SurveyDesign, cols, level=True, *, by: str | None = None) -> pd.DataFrame:
    """Weighted shares answering ``level`` for several columns (rows), optionally by group.

    ``cols`` is a list of columns or a ``{column: label}`` mapping. Returns ``item`` (the
    label), the ``by`` column when given, ``estimate``, ``ci_low``, ``ci_high``, ``n`` (the
    unweighted base: respondents with an answer) and ``count`` (unweighted respondents
    answering ``level``), ready for disclosure control.
    """
    labels = cols if isinstance(cols, dict) else {c: c for c in cols}
    parts = []
    for col, label in labels.items():
        table = _level_row(design.proportion(col, by=by), col, level)
        hits = (design.data[col] == level).fillna(False).astype(bool)
        if by:
            counts = hits.groupby(design.data[by].astype(object)).sum()
            table["count"] = table[by].astype(object).map(counts).fillna(0).astype(int)
        else:
            table["count"] = int(hits.sum())
        parts.append(table.assign(item=label))
    out = pd.concat(parts, ignore_index=True)
    keep = ["item", *([by] if by else []), "estimate", "ci_low", "ci_high", "n", "count"]
    return out[keep]


def weighted_and_unweighted(
    data: pd.DataFrame, margins: dict, col: str, level, *, by: str = "role_group"
) -> tuple[pd.DataFrame, SurveyDesign]:
    """Share answering ``level`` of ``col``, overall and by ``by``, unweighted and raked.

    Raking starts from equal weights and uses every margin, without bounds or trimming. Returns
    the table (``by``, ``unweighted``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``;
    the first row is "All members") and the raked design.
    """
    unweighted = SurveyDesign(data)
    raked = unweighted.rake(margins)
    parts = []
    for group in (None, by):
        est = raked.proportion(col, by=group)
        est.insert(0, "unweighted", unweighted.proportion(col, by=group)["estimate"])
        est = est[est["level"] == level].drop(columns="level")
        label = est[by].astype(str) if group else "All members"
        parts.append(est.assign(**{by: label}))
    table = pd.concat(parts, ignore_index=True)
    return table[[by, "unweighted", "estimate", "se", "ci_low", "ci_high", "n"]], raked


def withheld_shares(
    table: pd.DataFrame,
    design: SurveyDesign,
    col: str,
    level,
    *,
    by: str = "role_group",
    min_count: int = 10,
    min_base: int = 30,
) -> pd.DataFrame:
    """A :func:`weighted_and_unweighted` table after disclosure control, as a file may hold it.

    Each row (the "All members" row and one per ``by`` group) is screened as the memo screens
    it (:func:`screened`: :func:`survey_tools.suppress` on the unweighted counts answering
    ``level`` and answering otherwise); a withheld row keeps its group and base ``n`` but its
    shares, standard error and interval are blank (missing), and ``withheld`` gives the reason
    ("small count", "complementary"...; "" when shown).
    """
    overall = screened(design, col, level, min_count=min_count, min_base=min_base)
    groups = screened(design, col, level, by=by, min_count=min_count, min_base=min_base)
    reasons = dict(zip(groups[by].astype(str), groups["withheld"], strict=True))
    reasons[str(table[by].iloc[0])] = overall["withheld"].iloc[0]  # the "All members" row
    out = table.copy()
    out["withheld"] = out[by].astype(str).map(reasons).fillna("").astype(str)
    values = [c for c in ("unweighted", "estimate", "se", "ci_low", "ci_high") if c in out]
    out.loc[out["withheld"] != "", values] = float("nan")
    return out


def withheld_representation(table: pd.DataFrame, *, min_count: int = 10) -> pd.DataFrame:
    """A :func:`survey_tools.design.representation` table after disclosure control.

    Per margin, the respondent counts go through :func:`survey_tools.suppress` (counts below
    ``min_count`` and the complementary cells); withheld rows have blank ``respondents`` and
    ``respondent_share`` and the reason in ``withheld``. Roll figures and weighted shares are
    published totals and stay.
    """
    from ..disclosure import suppress

    out = table.copy()
    out["withheld"] = ""
    for _, rows in out.groupby("margin", sort=False):
        counts = pd.DataFrame(
            {"respondents": rows["respondents"].astype(int).to_numpy()},
            index=rows["level"].astype(str).to_numpy(),
        )
        result = suppress(counts, min_count=min_count, min_base=0)
        hidden = result.hidden["respondents"].to_numpy(dtype=bool)
        reason = result.reason["respondents"].astype(object).fillna("").astype(str).to_numpy()
        out.loc[rows.index, "withheld"] = [r if h else "" for r, h in zip(reason, hidden)]
    cols = [c for c in ("respondents", "respondent_share") if c in out]
    out[cols] = out[cols].astype(float)
    out.loc[out["withheld"] != "", cols] = float("nan")
    return out


def platform_columns(cleaned: CleanSurvey, variable: str = "rlhf_platforms") -> dict:
    """``{column: label}`` of a check-all question's options (the AI-training platforms)."""
    options = _book(cleaned).get(variable, {}).get("options", {})
    return {col: spec.get("label", col) for col, spec in options.items()}


def attitude_columns(cleaned: CleanSurvey, prefix: str = "att_") -> dict:
    """``{<item>_agree: statement}`` for the agree/disagree items named ``prefix*``, without
    the attention check (the quality rules' ``attention`` items)."""
    checks = set(cleaned.codebook.get("quality", {}).get("attention", {}))
    return {
        f"{name}_agree": spec.get("label", name)
        for name, spec in _book(cleaned).items()
        if name.startswith(prefix) and name not in checks and spec.get("type") == "likert"
    }


OPTIONS = {
    "att_consent_comp": "Require consent and pay when members' work trains AI",
    "att_rate_floor": "Publish minimum rates for AI-training work in our crafts",
    "att_guild_policy": "Adopt a guild policy on members doing AI-training work",
    "att_disclosure": "Invite members to report AI-training work confidentially",
}
"""The memo's policy options and the agree/disagree item that measures support for each."""


def options_support(design: SurveyDesign, cleaned: CleanSurvey, options=None) -> pd.DataFrame:
    """Weighted share agreeing with each policy option, most supported first.

    ``options`` maps an agree/disagree item to the option it measures (default
    :data:`OPTIONS`); items absent from the data are skipped. Columns: ``option``, ``item``,
    ``estimate``, ``ci_low``, ``ci_high``, ``n``.
    """
    options = OPTIONS if options is None else options
    rows = []
    for item, option in options.items():
        if f"{item}_agree" in design.data:
            s = share(design, f"{item}_agree", True)
            rows.append(
                {
                    "option": option,
                    "item": item,
                    "estimate": s.estimate,
                    "ci_low": s.ci_low,
                    "ci_high": s.ci_high,
                    "n": s.n,
                }
            )
    if not rows:
        raise SurveyToolsError(
            f"None of the option items {', '.join(options)} is in the cleaned data.",
            hint="pass options={item: option} naming your agree/disagree items",
        )
    return pd.DataFrame(rows).sort_values("estimate", ascending=False, ignore_index=True)


def top_group(
    design: SurveyDesign, col: str, level=True, *, by: str, min_count: int = 10, min_base: int = 30
) -> Share:
    """The group with the highest share of ``level`` among those disclosure control shows."""
    rows = screened(design, col, level, by=by, min_count=min_count, min_base=min_base)
    rows = rows[~rows["hidden"]]
    if rows.empty:
        raise SurveyToolsError(
            f"Every group's share of {col} = {level!r} is withheld by disclosure control.",
            hint="report the overall share only, or pool small groups",
        )
    best = rows.loc[rows["estimate"].idxmax()]
    return Share(
        str(best[by]),
        float(best["estimate"]),
        float(best["ci_low"]),
        float(best["ci_high"]),
        int(best["n"]),
    )


def field_dates(cleaned: CleanSurvey, column: str = "start_ts") -> str:
    """First and last response dates, e.g. ``'2026-09-08 to 2026-09-29'``."""
    if column not in cleaned.data:
        return "dates not in the export"
    ts = pd.to_datetime(cleaned.data[column], errors="coerce").dropna()
    return f"{ts.min():%Y-%m-%d} to {ts.max():%Y-%m-%d}" if len(ts) else "dates not in the export"


def listing(counts: dict) -> str:
    """``{'duplicate': 35, 'breakoff': 146}`` as ``'35 duplicate, 146 breakoff'``.

    Examples
    --------
    >>> listing({"duplicate": 35, "failed_attention": 181})
    '35 duplicate, 181 failed attention'
    """
    return ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in counts.items()) or "none"


def partials_note(summary: dict, rates: dict) -> str:
    """How the response rates' partials relate to the partial responses the cleaning keeps.

    RR2 counts the platform's partials (the dispositions); the cleaning classifies each
    response again from the share of questions answered, so it can keep responses the
    platform recorded as break-offs (or drop some it called partial).

    Examples
    --------
    >>> partials_note({"partials": 80}, {"partials": 68})
    "RR2 counts the platform's 68 partials; cleaning keeps 80 partial responses, 12 of them recorded by the platform as break-offs"
    >>> partials_note({"partials": 68}, {"partials": 68})
    "RR2 counts the platform's 68 partials, the 68 partial responses cleaning keeps"
    """  # noqa: E501
    platform, kept = int(rates["partials"]), int(summary["partials"])
    head = f"RR2 counts the platform's {platform:,} partials"
    if kept == platform:
        return f"{head}, the {kept:,} partial responses cleaning keeps"
    if kept > platform:
        return (
            f"{head}; cleaning keeps {kept:,} partial responses, {kept - platform:,} of them "
            "recorded by the platform as break-offs"
        )
    return (
        f"{head}; cleaning keeps {kept:,} of them as partial responses, the other "
        f"{platform - kept:,} answered too few questions"
    )


def attitude_table(design: SurveyDesign, cleaned: CleanSurvey, prefix: str = "att_"):
    """Proportion tables of the agree/disagree items, stacked with an ``item`` column."""
    items = {k.removesuffix("_agree"): v for k, v in attitude_columns(cleaned, prefix).items()}
    parts = {label: design.proportion(col) for col, label in items.items()}
    return pd.concat(parts, names=["item"]).reset_index(0)
