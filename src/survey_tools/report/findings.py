"""The memo's numbers: shares with their intervals and unweighted bases, screened by
disclosure control, and the groups a ranking can honestly single out.

Every number a report notebook prints or a memo's text quotes comes from these functions (and
:mod:`.evidence`, which applies them to a plan), so a test can re-derive it from the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..cleaning.clean import CleanSurvey
from ..design.survey_design import SurveyDesign
from ..errors import SurveyToolsError
from .tables import _book, _level_row, pct, screened

__all__ = [
    "Share",
    "field_dates",
    "grid_exclusions",
    "listing",
    "option_columns",
    "partials_note",
    "share",
    "weighted_and_unweighted",
    "withheld_representation",
    "withheld_shares",
]


def grid_exclusions(cleaned: CleanSurvey, grids=None) -> pd.Series:
    """Kept respondents whose agree/disagree (grid) answers are noise, one boolean per row.

    True for respondents who failed an attention check (the codebook's ``quality: attention``)
    and for those flagged as straightliners who gave one answer to every item of a grid that
    holds agree/disagree items (``quality: grids``; the flag alone does not say which grid);
    ``grids`` names the grids that count (default: every grid).
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
    for name, items in (quality.get("grids") or {}).items():
        if grids is not None and name not in grids:
            continue
        present = [v for v in items if v in data]
        if len(present) < 3:
            continue
        grid = data[present].astype(object)
        straight |= (grid.notna().sum(axis=1) >= 3) & (grid.nunique(axis=1) == 1)
    flagged = kept["straightliner"].astype(bool).to_numpy() & straight.to_numpy()
    failed = kept["failed_attention"].astype(bool).to_numpy()
    return pd.Series(flagged | failed, index=data.index, name="grid_excluded")


@dataclass(frozen=True)
class Share:
    """A weighted share with its 95% interval (logit) and unweighted base; ``withheld`` is the
    disclosure-control reason when it may not be shown ("" when it may)."""

    label: str
    estimate: float
    ci_low: float
    ci_high: float
    n: int
    withheld: str = ""

    def __repr__(self) -> str:
        return f"Share({self.label!r}: {self.text})"

    @property
    def pct(self) -> str:
        """The estimate as the memo prints it, e.g. ``'11.7%'`` (``'—'`` when withheld)."""
        return "—" if self.withheld else pct(self.estimate)

    @property
    def interval(self) -> str:
        """The interval as the memo prints it, e.g. ``'10.6% to 13.0%'``."""
        return "—" if self.withheld else f"{pct(self.ci_low)} to {pct(self.ci_high)}"

    @property
    def short(self) -> str:
        """``'11.7% (10.6–13.0%)'``: the share and its 95% interval, for lists."""
        if self.withheld:
            return f"— (withheld: {self.withheld})"
        return f"{self.pct} ({pct(self.ci_low)[:-1]}–{pct(self.ci_high)})"

    @property
    def basis(self) -> str:
        """``'95% CI 10.6% to 13.0%; n = 3,215'`` (the interval and base without the share)."""
        if self.withheld:
            return f"withheld: {self.withheld}"
        return f"95% CI {self.interval}; n = {self.n:,}"

    @property
    def text(self) -> str:
        """``'11.7% (95% CI 10.6% to 13.0%; n = 3,215)'``, or why it is withheld."""
        if self.withheld:
            return f"withheld ({self.withheld})"
        return f"{self.pct} (95% CI {self.interval}; n = {self.n:,})"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.__dict__])


def share(
    design: SurveyDesign,
    col: str,
    level=True,
    *,
    label: str | None = None,
    within: str | None = None,
    min_count: int | None = None,
    min_base: int = 30,
) -> Share:
    """Weighted share of ``col == level`` among everyone with an answer to ``col``.

    Every answer stays in the base ("Don't know" too), only missing values (not asked, prefer
    not to say) leave it. The interval is the design's logit interval. ``within`` names a
    boolean column: the share among its True rows, as a domain of the full design. With
    ``min_count`` the share goes through disclosure control (:func:`~.tables.screened`) and
    carries the reason when it is withheld.

    Examples
    --------
    >>> df = pd.DataFrame({"q": pd.Categorical(["Yes", "No", "Don't know", None])})
    >>> s = share(SurveyDesign(df), "q", "Yes")
    >>> s.pct, s.n
    ('33.3%', 3)
    """
    if min_count is None:
        rows = _level_row(design.proportion(col, by=within), col, level)
        rows = rows.assign(withheld="")
    else:
        rows = screened(design, col, level, by=within, min_count=min_count, min_base=min_base)
    if within is not None:
        rows = rows[rows[within].astype(object) == True]  # noqa: E712 (nullable booleans)
        if rows.empty:
            raise SurveyToolsError(
                f"No respondent with {within} = True answered {col}.",
                hint="check the plan's focus group and the question's routing",
            )
    row = rows.iloc[0]
    return Share(
        label or col,
        *(float(row[k]) for k in ("estimate", "ci_low", "ci_high")),
        int(row["n"]),
        str(row.get("withheld", "") or ""),
    )


def weighted_and_unweighted(
    data: pd.DataFrame, margins: dict, col: str, level, *, by: str
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
    by: str,
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


def option_columns(cleaned: CleanSurvey, variable: str) -> dict:
    """``{column: label}`` of a check-all question's options."""
    options = _book(cleaned).get(variable, {}).get("options", {})
    return {col: spec.get("label", col) for col, spec in options.items()}


def field_dates(cleaned: CleanSurvey, column: str | None = None) -> str:
    """First and last response dates, e.g. ``'2026-09-08 to 2026-09-29'`` (``column``, by
    default the codebook's ``quality: start`` variable)."""
    column = column or (cleaned.codebook.get("quality") or {}).get("start")
    if not column or column not in cleaned.data:
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
