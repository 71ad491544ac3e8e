"""The odds-ratio figure of a survey-weighted model: one row per term, on a log scale.

Part of the memo figures (see :mod:`.figures`): drawn with seaborn in the house theme, through
disclosure control (a term whose level has a base below ``min_base`` is withheld, marked and
named in the note), with the line of no difference broken around withheld rows.

Also the rule for model results (:func:`screen_by_answers`): a level of a model variable is
withheld when its respondents who gave the modelled answer, or did not, are too few, by
:func:`survey_tools.disclosure.screen_estimates` on those counts. The odds-ratio and margins
tables of :mod:`.role_models` and these figures, given ``fit=``, decide by it alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..disclosure import CAUTION, UNRELIABLE, flag_reliability
from ..disclosure.publish import UNRELIABLE_REASON, screen_estimates
from ..errors import ReportError
from ._kit import (
    canvas,
    draw_rows,
    finish,
    reference_line,
    require,
    rows_height,
    screen,
    themed,
)
from .theme import Size

__all__ = ["fig_odds_ratios"]

_CI = ["estimate", "ci_low", "ci_high"]


_TERM = re.compile(
    r"^C\((?P<var>[^,)]+)(?:,[^\[]*?['\"](?P<ref>[^'\"]+)['\"]\)?)?\)\[T\.(?P<lvl>.+)\]$"
)


_PLAIN = re.compile(r"^(?P<var>[A-Za-z_][\w.]*)\[T\.(?P<lvl>.+)\]$")


def _term_label(term: str) -> tuple[str, str, str | None]:
    """(variable, label, reference level) of a statsmodels term name."""
    found = _TERM.match(term)
    if found:
        return found["var"].strip(), found["lvl"], found["ref"]
    found = _PLAIN.match(term)
    if found:
        return found["var"], found["lvl"], None
    return term, term, None


def _model_rows(fit, what: str) -> pd.DataFrame:
    """The respondent rows a fitted model used (``fit.design.data`` where ``fit.used``)."""
    try:
        data, used = fit.design.data, np.asarray(fit.used, dtype=bool)
    except AttributeError:
        raise ReportError(
            f"{what}: fit= needs the result of svyglm(...) (with .design and .used), "
            f"got {type(fit).__name__}.",
            hint="pass the fitted model itself, e.g. fit=svyglm(formula, design, ...)",
        ) from None
    return data[used]


def model_answers(fit) -> np.ndarray | None:
    """Whether each row a binomial model used gave the modelled answer (None for other
    families, whose outcome is no answer)."""
    if getattr(fit, "family", None) != "binomial":
        return None
    return np.asarray(fit.fit.model.endog, dtype=float) > 0.5


def withheld_levels(
    rows: pd.DataFrame, hit: np.ndarray, var: str, *, min_count: int, min_base: int
) -> dict[str, str]:
    """``{level: reason}`` for the levels of ``var`` whose respondents who gave the answer
    (``hit``), or did not, are too few to show: :func:`survey_tools.disclosure.screen_estimates`
    on each level's unweighted share, complementary levels included."""
    groups = rows[var].astype(str).to_numpy()
    counts = pd.crosstab(groups, np.asarray(hit, dtype=bool)).reindex(
        columns=[True, False], fill_value=0
    )
    n = counts.sum(axis=1).to_numpy()
    table = pd.DataFrame(
        {
            var: counts.index.astype(str),
            "level": "answer",
            "estimate": counts[True].to_numpy() / np.maximum(n, 1),
            "n": n,
        }
    )
    out = screen_estimates(
        table, [var], level="answer", min_count=min_count, min_base=min_base, reliability=False
    )
    return dict(zip(out.loc[out["hidden"], var], out.loc[out["hidden"], "reason"], strict=True))


def screen_by_answers(
    table: pd.DataFrame,
    group: str,
    fit,
    *,
    min_count: int,
    min_base: int,
    reliability: bool = True,
) -> pd.DataFrame:
    """A model table by the levels of ``group`` (predicted margins) with ``hidden``, ``reason``
    and ``caution``: a level :func:`withheld_levels` names among the model's rows, then one
    with no finite interval, then (``reliability``) one too unreliable to publish."""
    rows = _model_rows(fit, "screen_by_answers")
    out = table.reset_index(drop=True).copy()
    hit = model_answers(fit)
    why = (
        withheld_levels(rows, hit, group, min_count=min_count, min_base=min_base)
        if hit is not None
        else {}
    )
    out["reason"] = [why.get(key, "") for key in out[group].astype(str)]
    blank = ~np.isfinite(pd.to_numeric(out["ci_low"], errors="coerce").to_numpy(float))
    out.loc[blank & (out["reason"] == ""), "reason"] = "no estimate"
    out["caution"] = False
    if reliability and {"estimate", "se", "n"} <= set(out.columns):
        flags = flag_reliability(out[["estimate", "se", "n"]], min_base=min_base)["reliability"]
        noisy = (flags.to_numpy() == UNRELIABLE) & (out["reason"] == "").to_numpy()
        out.loc[noisy, "reason"] = UNRELIABLE_REASON
        out["caution"] = flags.to_numpy() == CAUTION
    out["hidden"] = out["reason"] != ""
    out.loc[out["hidden"], "caution"] = False
    return out


def _reference(rows: pd.DataFrame, var: str) -> str | None:
    """The reference level patsy chose for ``var``: its first category or first sorted value."""
    if var not in rows.columns:
        return None
    col = rows[var].dropna()
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = col.cat.remove_unused_categories().cat.categories
        return str(present[0]) if len(present) else None
    values = sorted(col.unique().tolist())
    return str(values[0]) if values else None


def _term_bases(rows: pd.DataFrame, parsed: list[tuple[str, str, str | None]]) -> list[int]:
    """Respondents behind each term: those at its level (all used rows for other terms)."""
    bases = []
    for var, lvl, _ref in parsed:
        if var in rows.columns and lvl != var:
            bases.append(int((rows[var].astype(str) == lvl).sum()))
        else:
            bases.append(len(rows))
    return bases


def fig_odds_ratios(
    tidy: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    xlabel: str = "Odds ratio (95% CI, log scale)",
    source: str | None = None,
    base: str | None = None,
    size: Size = "memo",
    suppress: bool = True,
    min_count: int = 10,
    min_base: int = 30,
    fit=None,
    ax: Axes | None = None,
) -> Figure:
    """Odds ratios with 95% intervals on a log scale, with a line at 1 (no difference).

    Parameters
    ----------
    tidy
        A tidy model table with ``term``, ``estimate``, ``ci_low``, ``ci_high`` on the odds-ratio
        scale (``svyglm(..., family="binomial").tidy(exponentiate=True)``); the intercept is
        left out. Statsmodels term names such as ``C(role, Treatment('TV writer'))[T.Voice
        actor]`` or ``age_band[T.25-34]`` are shown as their level ("Voice actor"); with
        several variables, each variable's terms sit under a heading naming it and its
        reference level. Terms resting on fewer than ``min_count`` respondents (the ``n``
        column, or counted from ``fit``) are withheld and marked.
    labels
        Display labels by term name (or by variable name, for the headings), overriding the
        automatic ones.
    fit
        The :func:`~survey_tools.svyglm` result the table came from: each term's respondents
        are counted on the rows it used and reference levels are read from its data. Needed
        for disclosure control when ``tidy`` has no ``n`` column (as ``.tidy()`` has none);
        otherwise pass ``suppress=False`` deliberately (the figure is stamped as a draft).

    Examples
    --------
    >>> import pandas as pd
    >>> tidy = pd.DataFrame({"term": ["Intercept", "C(role, Treatment('TV writer'))[T.Voice actor]",
    ...     "C(role, Treatment('TV writer'))[T.Animator]"], "estimate": [0.1, 2.9, 1.4],
    ...     "ci_low": [0.07, 1.9, 0.8], "ci_high": [0.14, 4.4, 2.3], "n": [3215, 422, 242]})
    >>> fig = fig_odds_ratios(tidy)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['Voice actor', 'Animator']
    >>> "Reference: TV writer" in fig.texts[0].get_text()
    True
    """
    what = "fig_odds_ratios"
    require(tidy, ["term", *_CI], what)
    table = tidy[~tidy["term"].astype(str).str.lower().isin(["intercept", "(intercept)"])]
    if table.empty:
        raise ReportError(
            f"{what}: the table has no terms besides the intercept.",
            hint="fit a model with at least one predictor",
        )
    labels = dict(labels or {})
    parsed = [_term_label(str(t)) for t in table["term"]]
    rows_used = _model_rows(fit, what) if fit is not None else None
    if rows_used is not None:
        parsed = [(v, lvl, ref or _reference(rows_used, v)) for v, lvl, ref in parsed]
        if "n" not in table.columns:
            table = table.assign(n=_term_bases(rows_used, parsed))
    elif suppress is True and "n" not in table.columns:
        raise ReportError(
            f"{what}: the table has no 'n' column, so terms resting on few respondents "
            "cannot be withheld.",
            hint="pass the model as fit=fit (its rows are counted), or suppress=False for a "
            "draft (the figure is then marked as not disclosure-checked)",
        )
    variables = list(dict.fromkeys(p[0] for p in parsed))
    names = [labels.get(str(t), p[1]) for t, p in zip(table["term"], parsed, strict=True)]
    refs = sorted({f"{p[0]} = {p[2]}" if len(variables) > 1 else p[2] for p in parsed if p[2]})
    params = {"min_count": min_count, "min_base": min_base}
    rows = screen(
        table.assign(label=names, _var=[p[0] for p in parsed]),
        ["term"],
        suppress=suppress,
        what=what,
        reliability=False,
        **params,
    )
    hit = model_answers(fit) if fit is not None and suppress is True else None
    if hit is not None:  # the rule of odds_ratio_table: answers given and not, per level
        why = {
            var: withheld_levels(rows_used, hit, var, min_count=min_count, min_base=min_base)
            for var in variables
            if var in rows_used.columns
        }
        reasons = [why.get(v, {}).get(lvl, "") if v in why else "" for v, lvl, _r in parsed]
        finite = np.isfinite(pd.to_numeric(rows["estimate"], errors="coerce").to_numpy(float))
        rows["reason"] = [r or ("" if ok else "no estimate") for r, ok in zip(reasons, finite)]
        rows["hidden"] = rows["reason"] != ""
    rows["caution"] = False
    rows["header"] = False
    if len(variables) > 1:  # group each variable's terms under a heading
        ref_of = {p[0]: p[2] for p in parsed}
        blocks = []
        for var in variables:
            name = labels.get(var, var.replace("_", " ").strip().capitalize())
            head = f"{name} (vs {ref_of[var]})" if ref_of[var] else name
            blocks.append(pd.DataFrame({"label": [head], "header": [True], "hidden": [False]}))
            blocks.append(rows[rows["_var"] == var])
        rows = pd.concat(blocks, ignore_index=True)
        rows["caution"] = rows["caution"].fillna(False).astype(bool)
        rows["reason"] = rows["reason"].fillna("")
        rows["hidden"] = rows["hidden"].astype(bool)
        refs = []
    with themed(size):
        fig, ax = canvas(size, rows_height(size, rows["label"], 1.0), title=title, ax=ax)
        draw_rows(ax, rows, size=size, percent=False, log=True, params=params)
        shown = rows[~rows["hidden"]]
        lo = float(np.nanmin(np.r_[shown["ci_low"].to_numpy(float), 1.0]))
        hi = float(np.nanmax(np.r_[shown["ci_high"].to_numpy(float), 1.0]))
        ax.set_xlim(lo / 1.25, hi * 1.25)
        ticks = [t for t in (0.1, 0.25, 0.5, 1, 2, 4, 10, 25) if lo / 1.25 <= t <= hi * 1.25]
        ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax.minorticks_off()
        # the line of no difference, with a gap at each withheld term's mark
        reference_line(ax, 1.0, rows, None, size=size, dashed=False)
        ax.set_xlabel(xlabel)
        reference = f"Reference: {', '.join(refs)}." if refs else None
        return finish(
            fig,
            size=size,
            suppress=suppress,
            params=params,
            withheld=rows[rows["hidden"]],
            source=source,
            base=base,
            caution=False,
            other=reference,
        )
