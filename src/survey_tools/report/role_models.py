"""The AI-exposure notebook's and the memo's model findings: who is hit hardest, holding age fixed.

Each function wraps one step the notebook would otherwise spell out in code: a survey-weighted
logistic model of a yes/no answer by role group with covariates held fixed
(:func:`role_model`), its odds ratios and predicted margins as display tables after disclosure
control, the hardest- and least-hit groups with the gap between them, and the role-level
comparison with the occupational AI-exposure indices. The statistics themselves are
:func:`~survey_tools.svyglm`, :func:`~survey_tools.predict_margins` and ``exposure/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..design.survey_design import SurveyDesign
from ..errors import ReportError
from ..exposure import exposure_sensitivity
from ..models import WaldTest, predict_margins, svyglm
from .odds_figure import screen_by_answers, withheld_levels
from .tables import base as base_text
from .tables import pct, screened

__all__ = [
    "Gap",
    "RoleModel",
    "exposure_agreement",
    "exposure_table",
    "hardest_hit",
    "margins_figure",
    "margins_table",
    "odds_ratio_figure",
    "odds_ratio_table",
    "role_model",
]


def _modal(data: pd.DataFrame, col: str) -> str:
    """The level with the most respondents (a stable reference level)."""
    counts = data[col].dropna().astype(str).value_counts(sort=False)
    return str(counts.idxmax())


def _response(data: pd.DataFrame, col: str, level) -> str:
    """The formula's left-hand side: 1 where ``col == level``, 0 for other answers."""
    if pd.api.types.is_bool_dtype(data[col]) and level is True:
        return f"I({col}.astype(float))"  # patsy cannot read pandas' nullable booleans
    return f"I({col} == {level!r})"


@dataclass(frozen=True, repr=False)
class RoleModel:
    """A survey-weighted logistic model of one answer by group, other variables held fixed.

    Attributes
    ----------
    label
        What the outcome is, in words (``"knowingly lost work to AI"``).
    outcome, level, by
        The answer modelled (``outcome == level``) and the grouping variable.
    fit
        The :func:`~survey_tools.svyglm` result (``.tidy()``, ``.fit`` for statsmodels).
    wald
        The design-based Wald test that the groups do not differ (R's ``regTermTest``).
    margins
        :func:`~survey_tools.predict_margins` by ``by``: each group's predicted probability
        averaged over the sample's other variables, and its difference from ``reference``.
    reference
        ``{variable: reference level}`` of the categorical terms.
    """

    label: str
    outcome: str
    level: object
    by: str
    fit: object = field(repr=False)
    wald: WaldTest
    margins: pd.DataFrame = field(repr=False)
    reference: dict

    def __repr__(self) -> str:
        return (
            f"RoleModel({self.label} by {self.by}; {self.fit.n_used:,} respondents; {self.wald!r})"
        )

    def to_frame(self) -> pd.DataFrame:
        """The predicted margins (see :func:`~survey_tools.predict_margins`)."""
        return self.margins.copy()

    @property
    def test_text(self) -> str:
        """The Wald test as the memo prints it: ``'F = 13.3 on 8 and 3,200 df, p < 0.001'``."""
        w = self.wald
        p = "p < 0.001" if w.p_value < 0.001 else f"p = {w.p_value:.3f}"
        return f"F = {w.F:.1f} on {w.df} and {w.ddf:,.0f} df, {p}"


def role_model(
    design: SurveyDesign,
    outcome: str,
    level=True,
    *,
    by: str,
    covariates=(),
    numeric=(),
    reference: str | None = None,
    label: str | None = None,
) -> RoleModel:
    """Fit ``outcome == level`` on ``by`` and covariates; test ``by``; predict margins by ``by``.

    Every answer other than ``level`` counts as 0 ("Don't know" too, as the memo's shares
    count it); rows missing any model variable are left out (``fit.n_missing``).

    Parameters
    ----------
    design
        The raked survey design.
    outcome, level
        The answer modelled, e.g. ``"ai_lost_work", "Yes"`` or ``"rlhf_paid", True``.
    by
        The grouping variable whose effect is reported (the role group).
    covariates
        Categorical variables held fixed (``C(x, Treatment(modal level))``).
    numeric
        Numeric variables held fixed (one slope each), e.g. ``months_no_craft_work``.
    reference
        Reference level of ``by`` for odds ratios and differences (default: the group with
        the most respondents, whose estimate is the most stable).
    label
        The outcome in words, for the narrative.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"g": rng.choice(["a", "b"], 400), "age": rng.choice(["y", "o"], 400)})
    >>> df["lost"] = np.where(rng.random(400) < np.where(df["g"] == "b", 0.4, 0.1), "Yes", "No")
    >>> m = role_model(SurveyDesign(df), "lost", "Yes", by="g", covariates=["age"], reference="a")
    >>> m.fit.formula
    "I(lost == 'Yes') ~ C(g, Treatment('a')) + C(age, Treatment('y'))"
    >>> m.margins.loc[m.margins["kind"] == "margin", "g"].tolist()
    ['a', 'b']
    """
    data = design.data
    missing = [c for c in (outcome, by, *covariates, *numeric) if c not in data.columns]
    if missing:
        raise ReportError(
            f"role_model: column(s) {missing} are not in the survey data.",
            hint="name columns of the cleaned data (see run.design.data.columns)",
        )
    refs = {by: reference if reference is not None else _modal(data, by)}
    if refs[by] not in set(data[by].dropna().astype(str)):
        raise ReportError(
            f"role_model: reference={refs[by]!r} is not a level of {by!r}.",
            hint=f"use one of {sorted(data[by].dropna().astype(str).unique())}",
        )
    refs |= {c: _modal(data, c) for c in covariates}
    for col, ref in refs.items():  # the level itself (True/False stay booleans for patsy)
        refs[col] = {str(v): v for v in data[col].dropna().unique()}.get(str(ref), ref)
    terms = [f"C({c}, Treatment({r!r}))" for c, r in refs.items()] + list(numeric)
    formula = f"{_response(data, outcome, level)} ~ {' + '.join(terms)}"
    fit = svyglm(formula, design, family="binomial")
    return RoleModel(
        label=label or f"{outcome} = {level}",
        outcome=outcome,
        level=level,
        by=by,
        fit=fit,
        wald=fit.wald_test(by),
        margins=predict_margins(fit, by, reference=refs[by]),
        reference=refs,
    )


_LEVEL = re.compile(r"^C\((?P<var>[^,]+),.*\)\[T\.(?P<level>.+)\]$")


def _hidden_levels(model: RoleModel, var: str, *, min_count: int, min_base: int) -> set:
    """Levels of ``var`` whose events or non-events among the fitted rows fail disclosure
    (:func:`~.odds_figure.withheld_levels`, the rule the figures apply given ``fit=``)."""
    rows = model.fit.design.data[np.asarray(model.fit.used, dtype=bool)]
    hit = (rows[model.outcome] == model.level).fillna(False).astype(bool).to_numpy()
    return set(withheld_levels(rows, hit, var, min_count=min_count, min_base=min_base))


def _ci(lo: float, hi: float, fmt) -> str:
    return f"{fmt(lo)} to {fmt(hi)}" if np.isfinite(lo) and np.isfinite(hi) else "—"


def odds_ratio_table(model: RoleModel, *, min_count: int = 10, min_base: int = 30):
    """The model's odds ratios with 95% intervals, as the notebook prints them.

    One row per coefficient but the intercept: ``Variable`` (with its reference level),
    ``Level``, ``Odds ratio``, ``95% CI``, ``p`` and ``Base (n)`` (respondents at that level).
    A level whose respondents who gave the answer, or who did not, are too few to show
    (:func:`survey_tools.suppress` on the fitted rows, complementary cells included) is
    withheld ("—"), as is a level with no finite estimate. A numeric variable's odds ratio is
    per one unit more (``"each 1 more"``).
    """
    tidy = model.fit.tidy(exponentiate=True)
    tidy = tidy[tidy["term"] != "Intercept"]
    rows = model.fit.design.data[np.asarray(model.fit.used, dtype=bool)]
    hidden = {
        var: _hidden_levels(model, var, min_count=min_count, min_base=min_base)
        for var in model.reference
    }
    out = []
    for r in tidy.itertuples():
        found = _LEVEL.match(r.term)
        if found:
            var, lvl = found["var"].strip(), found["level"]
            name = f"{var.replace('_', ' ')} (vs {model.reference.get(var, '?')})"
            base = int((rows[var].astype(str) == lvl).sum())
            withheld = lvl in hidden.get(var, set())
        else:
            name, lvl, base, withheld = r.term.replace("_", " "), "each 1 more", len(rows), False
        show = not withheld and np.isfinite(r.estimate)
        out.append(
            {
                "Variable": name,
                "Level": lvl,
                "Odds ratio": f"{r.estimate:.2f}" if show else "—",
                "95% CI": _ci(r.ci_low, r.ci_high, lambda x: f"{x:.2f}") if show else "—",
                "p": (f"{r.p_value:.3f}" if r.p_value >= 0.001 else "<0.001") if show else "—",
                "Base (n)": base_text(base, min_count),
            }
        )
    table = pd.DataFrame(out)
    table.index = range(1, len(table) + 1)
    return table


def _shown_margins(model: RoleModel, *, min_count: int, min_base: int) -> pd.DataFrame:
    """The predicted margins with ``hidden``: the rule :func:`~survey_tools.fig_predicted`
    applies given ``fit=`` (:func:`~.odds_figure.screen_by_answers`)."""
    m = model.margins[model.margins["kind"] == "margin"]
    out = screen_by_answers(m, model.by, model.fit, min_count=min_count, min_base=min_base)
    return out.drop(columns=["reason", "caution"]).set_axis(m.index)


def margins_table(model: RoleModel, *, min_count: int = 10, min_base: int = 30):
    """Predicted probability by group (other variables at the sample's mix), highest first.

    Columns: the group, ``Predicted``, ``95% CI`` and ``Base (n)``; groups withheld by
    disclosure control (as in :func:`odds_ratio_table`) show "—".
    """
    m = _shown_margins(model, min_count=min_count, min_base=min_base)
    m = m.sort_values("estimate", ascending=False, kind="stable")
    table = pd.DataFrame(
        {
            model.by.replace("_", " ").capitalize(): m[model.by].astype(str).to_numpy(),
            "Predicted": [
                "—" if h else pct(e) for h, e in zip(m["hidden"], m["estimate"], strict=True)
            ],
            "95% CI": [
                "—" if h else _ci(lo, hi, pct)
                for h, lo, hi in zip(m["hidden"], m["ci_low"], m["ci_high"], strict=True)
            ],
            "Base (n)": [base_text(n, min_count) for n in m["n"]],
        }
    )
    table.index = range(1, len(table) + 1)
    return table


@dataclass(frozen=True)
class Gap:
    """The hardest- and least-hit groups' predicted probabilities and the gap between them.

    ``top`` and ``bottom`` are :class:`~survey_tools.report.findings.Share` objects (label,
    estimate, interval, base); ``gap``, ``gap_low`` and ``gap_high`` are the difference in
    predicted probability with its 95% design-based interval.
    """

    top: object
    bottom: object
    gap: float
    gap_low: float
    gap_high: float

    @property
    def text(self) -> str:
        """``'19.4 percentage points (95% CI 14.4 to 24.4)'``."""
        return (
            f"{100 * self.gap:.1f} percentage points (95% CI {100 * self.gap_low:.1f} to "
            f"{100 * self.gap_high:.1f})"
        )

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"item": "top", "group": self.top.label, "estimate": self.top.estimate},
                {"item": "bottom", "group": self.bottom.label, "estimate": self.bottom.estimate},
                {"item": "gap", "group": "", "estimate": self.gap},
            ]
        )


def hardest_hit(model: RoleModel, *, min_count: int = 10, min_base: int = 30) -> Gap:
    """The groups with the highest and lowest predicted probability that disclosure shows.

    The gap is the design-based difference between their predicted margins (from
    :func:`~survey_tools.predict_margins` with the least-hit group as reference).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"g": rng.choice(["a", "b"], 400), "age": rng.choice(["y", "o"], 400)})
    >>> df["lost"] = np.where(rng.random(400) < np.where(df["g"] == "b", 0.4, 0.1), "Yes", "No")
    >>> gap = hardest_hit(role_model(SurveyDesign(df), "lost", "Yes", by="g", covariates=["age"]))
    >>> gap.top.label, gap.bottom.label, bool(gap.gap_low > 0)
    ('b', 'a', True)
    """
    from .findings import Share

    m = _shown_margins(model, min_count=min_count, min_base=min_base)
    m = m[~m["hidden"]]
    if len(m) < 2:
        raise ReportError(
            f"Fewer than two groups of {model.by!r} can be shown after disclosure control.",
            hint="pool small groups, or report the overall share only",
        )
    top, bottom = m.loc[m["estimate"].idxmax()], m.loc[m["estimate"].idxmin()]

    def as_share(row):
        return Share(
            str(row[model.by]),
            *(float(row[k]) for k in ("estimate", "ci_low", "ci_high")),
            int(row["n"]),
        )

    diff = predict_margins(model.fit, model.by, reference=bottom[model.by])
    row = diff[(diff["kind"] == "difference") & (diff[model.by] == top[model.by])].iloc[0]
    return Gap(
        as_share(top),
        as_share(bottom),
        float(row["estimate"]),
        float(row["ci_low"]),
        float(row["ci_high"]),
    )


def exposure_table(
    design: SurveyDesign,
    table: pd.DataFrame,
    outcome: str,
    level,
    *,
    role: str,
    indices=("eloundou_human_beta", "anthropic_observed_exposure"),
    min_count: int = 10,
    min_base: int = 30,
):
    """A :func:`~survey_tools.role_exposure_table` after disclosure control, for display.

    Returns ``(safe, display)``: ``safe`` is ``table`` with the withheld roles' estimates and
    intervals set to NaN (pass it to :func:`~survey_tools.exposure_sensitivity`), ``display``
    the printed table: role, share, 95% CI, base, SOC code, mapping certainty and each of
    ``indices`` with its percentile among occupations. Roles are withheld by the rule of the
    memo's share tables (:func:`~survey_tools.report.tables.screened` on ``outcome``).
    """
    flags = screened(design, outcome, level, by=role, min_count=min_count, min_base=min_base)
    hidden = set(flags.loc[flags["hidden"], role].astype(str))
    safe = table.copy()
    withheld = safe["role"].astype(str).isin(hidden)
    safe.loc[withheld, ["estimate", "se", "ci_low", "ci_high"]] = np.nan
    display = pd.DataFrame(
        {
            "Role": safe["role"].astype(str),
            "Share": [pct(x) for x in safe["estimate"]],
            "95% CI": [_ci(lo, hi, pct) for lo, hi in zip(safe["ci_low"], safe["ci_high"])],
            "Base (n)": [base_text(n, min_count) for n in safe["n"]],
            "SOC": safe["soc_code"].fillna("none"),
            "Certainty": safe["certainty"],
        }
    )
    for name in indices:
        display[name] = [
            "—" if pd.isna(v) else f"{v:.2f} (percentile {p:.0f})"
            for v, p in zip(safe[name], safe[f"{name}_pct"], strict=True)
        ]
    display.index = range(1, len(display) + 1)
    return safe, display


def exposure_agreement(safe: pd.DataFrame, *, indices=None) -> pd.DataFrame:
    """Rank agreement of self-reported loss with each index, and how far alternate codes move it.

    :func:`~survey_tools.exposure_sensitivity` summarised per index: ``rho`` under the primary
    role-to-SOC map, the lowest and highest ``rho`` over the alternate mappings, and the roles
    that entered (withheld roles are left out) and the distinct occupations (SOC codes) they
    map to. Sorted by the primary ``rho``.
    """
    sens = exposure_sensitivity(safe, indices=indices)
    primary = sens[sens["mapping"] == "primary"].set_index("index")
    entered = safe[safe["estimate"].notna() & safe["soc_code"].notna()]
    spread = sens.groupby("index")["rho"].agg(["min", "max"])
    out = pd.DataFrame(
        {
            "rho (primary map)": primary["rho"],
            "lowest rho (alternates)": spread["min"],
            "highest rho (alternates)": spread["max"],
            "roles": primary["n_roles"],
            "occupations": entered["soc_code"].nunique(),
        }
    ).sort_values("rho (primary map)", ascending=False)
    out.index.name = "index"
    return out.round(2) + 0.0  # no "-0.00"


def _withheld_note(names, *, min_count: int) -> str:
    note = "respondents who answered every model variable."
    if names:
        note += (
            f" Withheld by disclosure control (fewer than {min_count} respondents gave, or did"
            f" not give, this answer): {', '.join(sorted(names))}."
        )
    return note


def odds_ratio_figure(model: RoleModel, *, title=None, min_count: int = 10, min_base: int = 30):
    """:func:`~survey_tools.fig_odds_ratios` of the model, without the withheld levels.

    The levels :func:`odds_ratio_table` withholds are left out of the figure and named in its
    note, so the table and the figure show the same terms.
    """
    from .figures import fig_odds_ratios

    tidy = model.fit.tidy(exponentiate=True)
    drop, names = [], []
    for var in model.reference:
        for lvl in _hidden_levels(model, var, min_count=min_count, min_base=min_base):
            for term in tidy["term"]:
                found = _LEVEL.match(term)
                if found and found["var"].strip() == var and found["level"] == lvl:
                    drop.append(term)
                    names.append(lvl)
    return fig_odds_ratios(
        tidy[~tidy["term"].isin(drop)],
        fit=model.fit,
        title=title,
        base=_withheld_note(names, min_count=min_count),
        min_count=min_count,
        min_base=min_base,
    )


def margins_figure(model: RoleModel, *, title=None, min_count: int = 10, min_base: int = 30):
    """:func:`~survey_tools.fig_predicted` of the predicted margins, as :func:`margins_table`.

    Groups the table withholds are left out and named in the figure's note.
    """
    from .figures import fig_predicted

    m = _shown_margins(model, min_count=min_count, min_base=min_base)
    names = m.loc[m["hidden"], model.by].astype(str).tolist()
    return fig_predicted(
        m[~m["hidden"]].drop(columns="hidden"),
        kind="margin",
        fit=model.fit,
        title=title,
        base=_withheld_note(names, min_count=min_count),
        min_count=min_count,
        min_base=min_base,
    )
