"""Nonresponse against the roll: how far the respondents stand from the membership.

A union holds the whole frame, member by member, with role, class, region and age for everyone
invited, and knows who answered. :func:`nonresponse` compares the two on every roll variable and
every two-way cross-classification of them:

- the roll's share, the respondents' share (unweighted, and weighted when a design or weights are
  given) and their difference with an interval and a test;
- response rates by group, and a test of response by each variable on the whole roll;
- a main-effects logistic response-propensity model fitted on the whole roll, the R-indicator and
  the coefficient of variation of the propensities with standard errors, partial R-indicators,
  and for each pair a likelihood-ratio test of its interaction beyond its main effects (the
  cross-classifications that raking on one-way margins ignores).

Inference on the unweighted comparison treats response as independent Bernoulli trials over the
roll (each member responds with a group's own rate; the roll itself is fixed, not sampled):
the respondents' share ``p = r_g / r`` has delta-method variance
``(r_o^2 r_g (1 - rate_g) + r_g^2 r_o (1 - rate_o)) / r^4`` (``o``: the rest of the roll), which
is the binomial ``p (1 - p) / r`` at low response and zero for a census. The test is Pearson's
chi-square of response by in-group against the rest on the whole roll (1 df): the same null
hypothesis, equal response rates. Weighted shares take their standard errors from the design
(its calibration included), against the roll's share as a known constant.

The propensity model, the indicators and the classes used by
:meth:`~survey_tools.design.SurveyDesign.adjust_for_nonresponse` live in ``propensity.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DesignError, MarginsError
from .propensity import (
    PropensityFit,
    categorical_columns,
    fit_propensity,
    main_effects,
    partial_indicators,
    roll_keys,
)
from .weighting import PostStratification

__all__ = ["NonresponseReport", "nonresponse"]

MISSING = "(missing)"


@dataclass(frozen=True, repr=False)
class NonresponseReport:
    """The respondents against the roll (see :func:`nonresponse`).

    ``table`` (also :meth:`to_frame`) has one row per variable level and per two-way cell;
    ``tests`` one row per variable (Pearson chi-square of response by level on the roll) and per
    pair (likelihood-ratio test of the pair's interaction beyond the pair's main effects: where
    raking on the two one-way margins leaves response differences within the cross-classes);
    ``estimates`` the propensity model's tidy coefficients and ``fit`` the model itself (its
    statsmodels result as ``fit.result``); ``partial`` the partial R-indicators.
    """

    table: pd.DataFrame
    tests: pd.DataFrame
    estimates: pd.DataFrame
    partial: pd.DataFrame
    fit: PropensityFit
    variables: tuple[str, ...]
    n_roll: int
    n_respondents: int
    r_indicator: float
    r_indicator_se: float
    cv: float
    cv_se: float
    se_method: str = "delta"
    notes: tuple[str, ...] = ()

    @property
    def response_rate(self) -> float:
        """Respondents over roll members."""
        return self.n_respondents / self.n_roll

    @property
    def propensity(self) -> np.ndarray:
        """Each roll member's fitted response propensity, in roll order."""
        return self.fit.propensity

    def to_frame(self) -> pd.DataFrame:
        """The comparison table: one row per variable level, then per two-way cell."""
        return self.table.copy()

    def __repr__(self) -> str:
        main = self.table[self.table["kind"] == "variable"]
        top = main.reindex(main["difference"].abs().sort_values(ascending=False).index)[:5]
        lines = [
            f"NonresponseReport: {self.n_respondents:,} of {self.n_roll:,} roll members responded "
            f"({self.response_rate:.1%}); variables: {', '.join(self.variables)}",
            f"  R-indicator {self.r_indicator:.3f} (SE {self.r_indicator_se:.3f}); "
            f"CV of the response propensities {self.cv:.3f} (SE {self.cv_se:.3f}; "
            f"{self.se_method} SEs)",
            "  largest gaps, respondents' share minus the roll's (percentage points):",
        ]
        for _, row in top.iterrows():
            lines.append(
                f"    {row['variable']} = {row['level']}: {100 * row['difference']:+.1f} "
                f"[{100 * row['ci_low']:+.1f}, {100 * row['ci_high']:+.1f}]; response rate "
                f"{row['response_rate']:.1%}, p {_p(row['p_value'])}"
            )
        part = self.partial[self.partial["level"].isna()].sort_values(
            "unconditional", ascending=False
        )
        lines.append(
            "  partial R-indicators (unconditional): "
            + ", ".join(f"{v} {u:.3f}" for v, u in zip(part["variable"], part["unconditional"]))
        )
        pairs = self.tests[(self.tests["kind"] == "pair") & (self.tests["p_value"] < 0.05)]
        if len(pairs):
            lines.append(
                "  interactions beyond the main effects (LR test, p < 0.05): "
                + ", ".join(pairs["variable"])
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _responded(roll: pd.DataFrame, responded, key: str) -> tuple[np.ndarray, int]:
    """The roll's response flags, and how many keys were given more than once."""
    if isinstance(responded, pd.Series) and pd.api.types.is_bool_dtype(responded):
        if responded.isna().any():
            raise DesignError(
                f"{int(responded.isna().sum())} response flag(s) are missing.",
                hint="mark every roll member True (responded) or False",
            )
        same = responded.index.equals(roll.index) or (
            len(responded) == len(roll)
            and responded.index.is_unique
            and responded.index.isin(roll.index).all()
        )
        if not same:
            raise DesignError(
                "The response flags are not aligned with the roll (their index differs).",
                hint="pass a boolean Series with the roll's index, or the respondents' keys",
            )
        return responded.reindex(roll.index).to_numpy(bool), 0
    if isinstance(responded, np.ndarray) and responded.dtype == bool:
        if len(responded) != len(roll):
            raise DesignError(
                f"{len(responded)} response flags for a roll of {len(roll)} members.",
                hint="give one flag per roll member, or the respondents' keys",
            )
        return responded, 0
    if isinstance(responded, (str, bytes)) or not isinstance(responded, Iterable):
        raise DesignError(
            f"responded must be a boolean Series aligned with the roll or a collection of keys, "
            f"not {type(responded).__name__}.",
            hint=f"e.g. survey_data[{key!r}]",
        )
    given = pd.Series(list(responded), dtype=object)
    if given.isna().any():
        raise DesignError(
            f"{int(given.isna().sum())} respondent key(s) are missing.",
            hint="drop the respondents without a member id, or link them first",
        )
    text = pd.Index(given.astype(str).str.strip())
    unique = text.unique()
    where = roll_keys(roll, key).get_indexer(unique)
    if (where < 0).any():
        absent = unique[where < 0][:3].tolist()
        raise DesignError(
            f"{int((where < 0).sum())} respondent key(s) are not in the roll's {key!r} column, "
            f"e.g. {absent}.",
            hint="check that both hold the same member ids (hashed ids need the roll hashed "
            "with the same salt), or drop respondents who are not on the roll",
        )
    mask = np.zeros(len(roll), dtype=bool)
    mask[where] = True
    return mask, len(text) - len(unique)


def _coded(roll: pd.DataFrame, variables: list[str]) -> tuple[dict, dict]:
    """Level codes (0...) and level labels of each variable; missing values as a level."""
    codes, levels = {}, {}
    for var in variables:
        values = roll[var]
        if isinstance(values.dtype, pd.CategoricalDtype):
            present = set(values.dropna().unique())
            order = [str(c) for c in values.cat.categories if c in present]
        else:
            try:  # numbers in numeric order, text alphabetically
                order = [str(v) for v in sorted(values.dropna().unique())]
            except TypeError:
                order = sorted(map(str, values.dropna().unique()))
        text = values.astype(object).where(values.notna(), MISSING).map(str)
        if values.isna().any():
            order.append(MISSING)
        levels[var] = pd.Index(order)
        codes[var] = levels[var].get_indexer(text).astype(np.int64)
    return codes, levels


def _variables(roll: pd.DataFrame, key: str, variables) -> list[str]:
    if variables is None:
        found = categorical_columns(roll, key)
        if not found:
            raise MarginsError(
                "The roll has no categorical columns to compare the respondents on.",
                hint="pass variables=[...] naming roll columns, after cutting numeric ones into "
                "bands (e.g. pandas.cut) or converting them with .astype('category')",
            )
        return found
    variables = [variables] if isinstance(variables, str) else list(variables)
    for var in variables:
        if var not in roll.columns:
            raise MarginsError(
                f"The roll has no column {var!r}.",
                hint=f"choose among {list(map(str, roll.columns))[:12]}",
            )
        k = roll[var].nunique(dropna=False)
        numeric = pd.api.types.is_numeric_dtype(roll[var]) and not pd.api.types.is_bool_dtype(
            roll[var]
        )
        if k < 2 or (numeric and k > 30):
            raise MarginsError(
                f"Roll column {var!r} has {k} distinct value(s), so it cannot be compared by "
                "level.",
                hint="cut numeric columns into bands (pandas.cut); drop constant columns",
            )
    if not variables:
        raise MarginsError("variables= names no roll column.", hint="name at least one")
    return variables


def _weighted(weights, roll_pos_of: pd.Index, key: str, mask: np.ndarray):
    """Roll positions of the weighted rows, their weights, and the design (or None)."""
    from .survey_design import SurveyDesign

    if isinstance(weights, SurveyDesign):
        if key not in weights.data.columns:
            raise DesignError(
                f"The design's data has no column {key!r} to place its rows on the roll.",
                hint="keep the member key in the survey data, or pass key=",
            )
        keys, w, design = weights.data[key], np.asarray(weights.weights, float), weights
    elif isinstance(weights, pd.Series):
        keys, w, design = weights.index.to_series(), weights.to_numpy(float), None
    else:
        raise DesignError(
            f"weights must be a SurveyDesign or a Series of weights indexed by member key, not "
            f"{type(weights).__name__}.",
            hint="pass the weighted design, e.g. weights=design.rake(margins)",
        )
    text = pd.Index(keys.astype(str).str.strip())
    pos = roll_pos_of.get_indexer(text)
    if (pos < 0).any() or text.has_duplicates:
        raise DesignError(
            f"The weighted rows must be roll members, once each: {int((pos < 0).sum())} are not "
            f"in the roll's {key!r} and {int(text.duplicated().sum())} repeat.",
            hint="weight the same respondents that responded= names",
        )
    if not mask[pos].all():
        raise DesignError(
            f"{int((~mask[pos]).sum())} weighted row(s) are roll members not marked as responding.",
            hint="pass responded= the keys of the design's rows",
        )
    return pos, w, design


def _in_weighting(design) -> list[set]:
    """The column sets each weighting step of the design fixed jointly."""
    if design is None:
        return []
    out = []
    for step in design.weighting:
        if isinstance(step, PostStratification):
            out.append(set(step.cells))
        else:
            cols = getattr(step, "margins", None) or getattr(step, "totals", ())
            out += [{c} for c in cols]
    return out


def _cells(codes, levels, variables, pairs):
    """(kind, variable label, level labels, row codes) for each variable and pair."""
    for var in variables:
        yield "variable", var, list(levels[var]), codes[var], (var,)
    if not pairs:
        return
    for a, b in itertools.combinations(variables, 2):
        k = len(levels[b])
        combo = codes[a] * k + codes[b]
        seen = np.unique(combo)
        labels = [f"{levels[a][c // k]}:{levels[b][c % k]}" for c in seen]
        yield "pair", f"{a}:{b}", labels, np.searchsorted(seen, combo), (a, b)


def nonresponse(
    roll: pd.DataFrame,
    responded,
    *,
    key: str = "member_id",
    variables: Iterable[str] | str | None = None,
    weights=None,
    pairs: bool = True,
    level: float = 0.95,
    se: str = "delta",
    replicates: int = 500,
    seed=None,
) -> NonresponseReport:
    """Compare the respondents with the whole membership roll.

    Parameters
    ----------
    roll
        One row per member invited, with the key column and roll variables.
    responded
        A boolean Series aligned with the roll, or a collection of the respondents' keys
        (compared as trimmed text; keys given twice count once, keys not on the roll are an
        error).
    key
        The roll's member id column.
    variables
        Roll columns to compare on; by default every categorical column (text, category or
        boolean with 2 to 30 levels, not the key or an identifier). Missing values form a
        level "(missing)".
    weights
        Optional: the weighted design of the respondents (a :class:`SurveyDesign` whose data has
        the ``key`` column) for weighted shares with design-based standard errors, or a Series of
        weights indexed by member key (weighted shares only). Rows with ``in_weighting`` True
        were fixed by a weighting step (a raking margin or post-stratification cells of the
        same column name), so their weighted gap is zero by construction; the others are the
        holdout check: variables (or cross-classes) the weights did not use.
    pairs
        Also compare every two-way cross-classification of the variables.
    level
        Confidence level of the intervals.
    se, replicates, seed
        Standard errors of the R-indicator and CV: ``"delta"`` (default; the delta method over
        the model's coefficients, near zero when R is near 1) or ``"bootstrap"`` (members
        resampled with replacement over the roll ``replicates`` times, the model refitted on
        each; ``seed`` makes it repeatable).

    Returns
    -------
    NonresponseReport
        ``.to_frame()``: ``kind`` ("variable" or "pair"), ``variable``, ``level``,
        ``roll_members``, ``roll_share``, ``respondents``, ``respondent_share``,
        ``difference``, ``se``, ``ci_low``, ``ci_high``, ``p_value``, ``response_rate`` and,
        with weights, ``weighted_share``, ``weighted_difference``, ``weighted_se``,
        ``weighted_ci_low``, ``weighted_ci_high``, ``weighted_p_value``, ``in_weighting``.
        ``.r_indicator``, ``.r_indicator_se``, ``.cv``, ``.cv_se``, ``.tests``,
        ``.estimates``, ``.partial``, ``.fit``.

    Examples
    --------
    >>> import pandas as pd
    >>> roll = pd.DataFrame({"member_id": [f"M{i}" for i in range(400)],
    ...                      "craft": ["writer", "actor"] * 200,
    ...                      "region": ["LA"] * 200 + ["NY"] * 200})
    >>> answered = [f"M{i}" for i in range(0, 400, 4)] + [f"M{i}" for i in range(1, 200, 8)]
    >>> report = nonresponse(roll, answered)
    >>> report.to_frame().query("kind == 'variable'")[["variable", "level", "roll_share",
    ...     "respondent_share", "response_rate"]].round(3)
      variable   level  roll_share  respondent_share  response_rate
    0    craft   actor         0.5               0.2          0.125
    1    craft  writer         0.5               0.8          0.500
    2   region      LA         0.5               0.6          0.375
    3   region      NY         0.5               0.4          0.250
    >>> round(report.r_indicator, 3)
    0.602
    """
    if not isinstance(roll, pd.DataFrame):
        raise MarginsError(
            f"The roll must be a DataFrame with one row per member, not a {type(roll).__name__}.",
            hint="read it with pandas.read_csv",
        )
    mask, repeated = _responded(roll, responded, key)
    roll = roll.reset_index(drop=True)
    n, r = len(roll), int(mask.sum())
    if r == 0 or r == n:
        raise DesignError(
            f"{'No' if r == 0 else 'Every'} roll member responded, so response cannot be "
            "compared across groups.",
            hint="check that responded= holds the respondents' keys and key= the roll's id column",
        )
    if se not in ("delta", "bootstrap"):
        raise DesignError(f"Unknown se={se!r}.", hint='use "delta" or "bootstrap"')
    variables = _variables(roll, key, variables)
    codes, levels = _coded(roll, variables)
    frame = pd.DataFrame(
        {v: pd.Categorical.from_codes(codes[v], categories=levels[v]) for v in variables}
    )
    fit = fit_propensity(frame, mask, main_effects(variables))
    z = stats.norm.ppf(0.5 + level / 2)
    w_parts = None
    if weights is not None:
        pos, w, design = _weighted(weights, roll_keys(roll, key), key, mask)
        df = design.engine.degf() if design is not None else np.inf
        crit = stats.t.ppf(0.5 + level / 2, df) if np.isfinite(df) and df > 0 else z
        w_parts = (pos, w, design, crit, df, _in_weighting(design))
    rows, tests = [], []
    for kind, var, labels, c, cols in _cells(codes, levels, variables, pairs):
        k = len(labels)
        members = np.bincount(c, minlength=k).astype(float)
        resp = np.bincount(c[mask], minlength=k).astype(float)
        block = _compare(members, resp, n, r, z)
        block.insert(0, "level", labels)
        block.insert(0, "variable", var)
        block.insert(0, "kind", kind)
        if w_parts is not None:
            _add_weighted(block, c, members / n, w_parts, cols)
        rows.append(block)
        tests.append(_test(kind, var, members, resp, frame, mask, cols))
    ind = fit.indicators()
    if se == "bootstrap":
        ind.update(fit.bootstrap(replicates, seed))
    notes = []
    if repeated:
        notes.append(f"{repeated} respondent key(s) were given more than once and count once")
    if any(np.isclose(fit.fitted, 0, atol=1e-8) | np.isclose(fit.fitted, 1, atol=1e-8)):
        notes.append(
            "some groups have no respondents (or no nonrespondents): their model coefficients "
            "are not estimable (separation)"
        )
    if fit.aliased:
        notes.append(
            f"{len(fit.aliased)} aliased model term(s) dropped (a variable nested in another, or "
            f"a level without members), e.g. {', '.join(fit.aliased[:2])}"
        )
    return NonresponseReport(
        table=pd.concat(rows, ignore_index=True),
        tests=pd.DataFrame(tests),
        estimates=fit.tidy(level),
        partial=partial_indicators(fit, codes, levels),
        fit=fit,
        variables=tuple(variables),
        n_roll=n,
        n_respondents=r,
        r_indicator=ind["r_indicator"],
        r_indicator_se=ind["r_indicator_se"],
        cv=ind["cv"],
        cv_se=ind["cv_se"],
        se_method=se if se == "delta" else f"bootstrap, {replicates} replicates",
        notes=tuple(notes),
    )


def _compare(members, resp, n: int, r: int, z: float) -> pd.DataFrame:
    """Shares, difference, its delta-method SE and interval, 2x2 chi-square p, response rate."""
    rest_n, rest_r = n - members, r - resp
    rate = resp / members
    rest_rate = np.divide(rest_r, rest_n, out=np.zeros_like(rest_r), where=rest_n > 0)
    diff = resp / r - members / n
    var = (rest_r**2 * resp * (1 - rate) + resp**2 * rest_r * (1 - rest_rate)) / r**4
    se = np.sqrt(var)
    nonresp = n - r
    with np.errstate(invalid="ignore", divide="ignore"):
        chi2 = (
            n
            * (resp * (rest_n - rest_r) - rest_r * (members - resp)) ** 2
            / (members * rest_n * r * nonresp)
        )
    return pd.DataFrame(
        {
            "roll_members": members.astype(np.int64),
            "roll_share": members / n,
            "respondents": resp.astype(np.int64),
            "respondent_share": resp / r,
            "difference": diff,
            "se": se,
            "ci_low": diff - z * se,
            "ci_high": diff + z * se,
            "p_value": stats.chi2.sf(chi2, 1),
            "response_rate": rate,
        }
    )


def _add_weighted(block: pd.DataFrame, c: np.ndarray, roll_share, parts, cols) -> None:
    pos, w, design, crit, df, fixed = parts
    k = len(roll_share)
    cw = c[pos]
    total = w.sum()
    share = np.bincount(cw, weights=w, minlength=k) / total
    diff = share - roll_share
    if design is not None:
        y = (cw[:, None] == np.arange(k)).astype(float)
        infl = w[:, None] * (y - share) / total
        se = np.sqrt(design.engine.variance(infl, np.zeros(len(w), dtype=np.int64), 1)[:, 0])
    else:
        se = np.full(k, np.nan)
    tiny = se <= 1e-9 * np.maximum(np.abs(share), 1e-300)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(tiny, np.nan, diff / se)
    p = 2 * (stats.t.sf(np.abs(t), df) if np.isfinite(df) else stats.norm.sf(np.abs(t)))
    block["weighted_share"] = share
    block["weighted_difference"] = diff
    block["weighted_se"] = se
    block["weighted_ci_low"] = diff - crit * se
    block["weighted_ci_high"] = diff + crit * se
    block["weighted_p_value"] = p
    block["in_weighting"] = any(set(cols) <= s for s in fixed)


def _test(kind, var, members, resp, frame, mask, cols) -> dict:
    """Per variable: Pearson chi-square of response by level on the roll. Per pair: the
    likelihood-ratio test of the pair's interaction beyond the pair's own main effects."""
    if kind == "variable":
        table = np.column_stack([resp, members - resp])
        chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
        return {
            "kind": kind,
            "variable": var,
            "test": "Pearson chi-square, response by level",
            "statistic": float(chi2),
            "df": int(dof),
            "p_value": float(p),
            "cramers_v": float(np.sqrt(chi2 / members.sum())),
        }
    pair = fit_propensity(frame[list(cols)], mask, main_effects(list(cols)))
    # Its patterns are the pair's cells, so its deviance is the LR statistic against the
    # saturated model of the cells: the interaction, given the pair's main effects.
    lr = max(float(pair.result.deviance), 0.0)
    dof = len(pair.members) - pair.exog.shape[1]
    return {
        "kind": kind,
        "variable": var,
        "test": "likelihood ratio, interaction beyond the pair's main effects",
        "statistic": lr,
        "df": int(dof),
        "p_value": float(stats.chi2.sf(lr, dof)) if dof > 0 else np.nan,
        "cramers_v": np.nan,
    }
