"""Response propensities on the membership roll: the model, the R-indicator, propensity classes.

The roll is the whole population invited, member by member, so the propensity model is a
logistic regression of "responded" on roll variables fitted over every member (statsmodels GLM,
binomial). Members sharing a covariate pattern share a propensity, so the fit runs on the distinct
patterns with binomial counts: the same estimates and standard errors as one row per member, in a
fraction of the time (a 200,000-member roll has a few thousand patterns). Aliased columns (a
variable nested in another, an empty interaction cell) are dropped in order, as R's ``glm`` does
when it reports ``NA`` for them.

Indicators (Schouten, Cobben & Bethlehem 2009; Schouten, Shlomo & Skinner 2011):

- R-indicator ``R = 1 - 2 S(p)``, with ``S`` the standard deviation of the fitted propensities
  over the roll (divisor N: the roll is the population, not a sample of it);
- coefficient of variation ``CV = S(p) / mean(p)``;
- partial R-indicators per variable and category, unconditional (the between-level spread of the
  propensities) and conditional (the spread left within the cells of the other variables).

Standard errors of R and CV are by the delta method over the estimated coefficients: with the roll
a census, the response model's estimation error is the only random part (Shlomo, Skinner &
Schouten 2012, with every design weight equal to 1). The delta method is degenerate where all
propensities are equal (R = 1); there it gives a standard error near zero, and
``PropensityFit.bootstrap`` (members resampled with replacement over the roll, the model
refitted on each resample, with a seed) is the better choice.

``propensity_step`` turns the fit into a weighting step for
:meth:`~survey_tools.design.SurveyDesign.adjust_for_nonresponse`: the roll is cut into quantile
classes of the propensity and the respondents are post-stratified to the roll's class counts, so
the design's variance treats the adjustment as post-stratification (R's ``postStratify``).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DesignError, MarginsError, WeightingError
from .weighting import PostStratification, poststratify_weights

__all__ = [
    "PropensityClasses",
    "PropensityFit",
    "categorical_columns",
    "fit_propensity",
    "main_effects",
    "partial_indicators",
    "propensity_step",
    "quantile_classes",
    "roll_keys",
]

MAX_LEVELS = 30
_PERSONAL = re.compile(
    r"(^|_)(first_?|last_?|full_?|given_?|family_?|sur)?name$|e[-_]?mail|phone|address|street|"
    r"post_?code|zip",
    re.IGNORECASE,
)
_STATEFUL = ("center(", "standardize(", "scale(", "bs(", "cr(", "cc(", "te(")


def categorical_columns(roll: pd.DataFrame, key: str | None) -> list[str]:
    """The roll's categorical columns: text, category or boolean, 2 to 30 levels, not the key,
    not an identifier (a column with a level for nearly every member) and not personal data by
    its name (names, email, phone, address, postcode), which never becomes a report row."""
    out = []
    for col in roll.columns:
        values = roll[col]
        if (
            col == key
            or _PERSONAL.search(str(col))
            or (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values))
        ):
            continue
        k = values.nunique(dropna=True)
        if 2 <= k <= MAX_LEVELS and k <= max(2, len(values) // 2):
            out.append(str(col))
    return out


def main_effects(variables: list[str]) -> str:
    """The patsy right-hand side with a main effect for each variable: ``C(Q('a')) + ...``."""
    return " + ".join(f"C(Q({v!r}))" for v in variables)


def roll_keys(roll: pd.DataFrame, key: str) -> pd.Index:
    """The roll's member keys as trimmed text, checked to be present and unique."""
    if key not in roll.columns:
        raise MarginsError(
            f"The roll has no column {key!r} to match members by.",
            hint="pass key= the name of the roll's member id column",
        )
    keys = roll[key]
    if keys.isna().any():
        raise MarginsError(
            f"{int(keys.isna().sum())} roll member(s) have no {key!r}.",
            hint="give every roll member an id, or drop those rows",
        )
    text = pd.Index(keys.astype(str).str.strip())
    if text.has_duplicates:
        dup = text[text.duplicated()][:3].tolist()
        raise MarginsError(
            f"The roll lists {int(text.duplicated().sum())} {key!r} value(s) twice, e.g. {dup}.",
            hint="keep one row per member in the roll",
        )
    return text


@dataclass(frozen=True, repr=False)
class PropensityFit:
    """A logistic response-propensity model fitted on the whole roll.

    ``result`` is the statsmodels GLM result (fitted on the distinct covariate patterns with
    binomial counts); ``propensity`` holds each roll member's fitted propensity, in roll order.
    """

    formula: str
    result: object
    propensity: np.ndarray
    pattern: np.ndarray  # roll row -> covariate pattern
    exog: pd.DataFrame  # pattern x kept model column
    members: np.ndarray  # pattern -> roll members
    responses: np.ndarray  # pattern -> respondents
    aliased: tuple[str, ...]

    def __repr__(self) -> str:
        return (
            f"PropensityFit(responded ~ {self.formula}: {self.exog.shape[1]} terms, "
            f"{len(self.members)} covariate patterns, {int(self.members.sum())} members)"
        )

    @property
    def fitted(self) -> np.ndarray:
        """Each pattern's propensity."""
        return np.asarray(self.result.mu, dtype=float)

    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """One row per term: estimate, se, z, p_value, the interval and the odds ratio; aliased
        terms last with missing estimates, as R prints them."""
        r = self.result
        ci = np.asarray(r.conf_int(alpha=1 - level))
        out = pd.DataFrame(
            {
                "term": list(self.exog.columns),
                "estimate": np.asarray(r.params, float),
                "se": np.asarray(r.bse, float),
                "z": np.asarray(r.tvalues, float),
                "p_value": np.asarray(r.pvalues, float),
                "ci_low": ci[:, 0],
                "ci_high": ci[:, 1],
            }
        )
        out["odds_ratio"] = np.exp(out["estimate"])
        if self.aliased:
            out = pd.concat([out, pd.DataFrame({"term": list(self.aliased)})], ignore_index=True)
        return out

    def indicators(self) -> dict[str, float]:
        """R-indicator and CV of the propensities over the roll, with delta-method SEs."""
        rho, n = self.fitted, self.members.astype(float)
        x = self.exog.to_numpy(float)
        vcov = np.asarray(self.result.cov_params(), float)
        total = n.sum()
        mean = n @ rho / total
        dev = rho - mean
        sd = float(np.sqrt(n @ dev**2 / total))
        slope = rho * (1 - rho)
        grad_s2 = 2 / total * x.T @ (n * dev * slope)  # d S^2 / d beta
        grad_mean = x.T @ (n * slope) / total
        with np.errstate(invalid="ignore", divide="ignore"):
            grad_cv = grad_s2 / (2 * sd * mean) - sd * grad_mean / mean**2
            r_se = np.sqrt(max(grad_s2 @ vcov @ grad_s2, 0.0)) / sd if sd > 0 else 0.0
        return {
            "r_indicator": 1 - 2 * sd,
            "r_indicator_se": float(r_se),
            "cv": sd / mean,
            "cv_se": float(np.sqrt(max(grad_cv @ vcov @ grad_cv, 0.0))) if sd > 0 else 0.0,
            "sd": sd,
            "mean": float(mean),
        }

    def bootstrap(self, replicates: int = 500, seed=None) -> dict[str, float]:
        """Bootstrap standard errors of R and CV: the roll's members (with their response) are
        resampled with replacement ``replicates`` times, the model refitted on each resample and
        R and CV recomputed over it; the SEs are the replicates' standard deviations.

        Resampling members is drawing multinomial counts of (covariate pattern, responded), so
        each replicate costs one fit on the patterns. Unlike the delta method, it stays
        informative where R is near 1. ``seed`` makes it repeatable.
        """
        rng = np.random.default_rng(seed)
        x = self.exog.to_numpy(float)
        counts = np.concatenate([self.responses, self.members - self.responses])
        r_values, cv_values = [], []
        for _ in range(int(replicates)):
            draw = rng.multinomial(int(self.members.sum()), counts / counts.sum()).astype(float)
            succ, n = draw[: len(x)], draw[: len(x)] + draw[len(x) :]
            rho = _irls(x, succ, n)
            mean = n @ rho / n.sum()
            sd = np.sqrt(n @ (rho - mean) ** 2 / n.sum())
            r_values.append(1 - 2 * sd)
            cv_values.append(sd / mean)
        return {
            "r_indicator_se": float(np.std(r_values, ddof=1)),
            "cv_se": float(np.std(cv_values, ddof=1)),
        }


def _irls(x: np.ndarray, succ: np.ndarray, n: np.ndarray, iterations: int = 50) -> np.ndarray:
    """Fitted probabilities of a binomial logit on patterns (zero-count patterns carry no
    weight), by iteratively reweighted least squares on the normal equations; a ridge of 1e-10
    keeps columns without members (or separated levels) solvable without moving the fit."""
    beta = np.zeros(x.shape[1])
    y = np.divide(succ, n, out=np.zeros_like(succ), where=n > 0)
    for _ in range(iterations):
        eta = np.clip(x @ beta, -30, 30)
        mu = 1 / (1 + np.exp(-eta))
        w = n * mu * (1 - mu)
        z = eta + np.divide(y - mu, mu * (1 - mu))
        xtw = x.T * w
        new = np.linalg.solve(xtw @ x + 1e-10 * np.eye(x.shape[1]), xtw @ z)
        done = np.max(np.abs(new - beta)) < 1e-10
        beta = new
        if done:
            break
    return 1 / (1 + np.exp(-np.clip(x @ beta, -30, 30)))


def _pattern_columns(roll: pd.DataFrame, rhs: str) -> list:
    """Roll columns the formula may use (over-inclusion only makes the patterns finer)."""
    if any(s in rhs for s in _STATEFUL):
        return []
    return [c for c in roll.columns if re.search(rf"(?<![\w.]){re.escape(str(c))}(?![\w.])", rhs)]


def _kept_columns(x: np.ndarray, tol: float = 1e-7) -> list[int]:
    """Columns not in the span of the earlier ones (R's pivoting QR keeps the same set)."""
    basis: list[np.ndarray] = []
    keep = []
    for j in range(x.shape[1]):
        col = x[:, j].astype(float)
        norm = np.linalg.norm(col)
        resid = col.copy()
        for _ in range(2):  # Gram-Schmidt, twice for stability
            for b in basis:
                resid -= (b @ resid) * b
        if norm > 0 and np.linalg.norm(resid) > tol * norm:
            basis.append(resid / np.linalg.norm(resid))
            keep.append(j)
    return keep


def fit_propensity(roll: pd.DataFrame, responded: np.ndarray, rhs: str) -> PropensityFit:
    """Fit ``responded ~ rhs`` (a patsy right-hand side over roll columns) on the whole roll."""
    import patsy
    import statsmodels.api as sm

    cols = _pattern_columns(roll, rhs)
    if cols:
        pattern = roll.groupby(cols, sort=False, dropna=False, observed=True).ngroup().to_numpy()
        first = np.unique(pattern, return_index=True)[1]
        rows = roll[cols].iloc[first]
    else:
        pattern, rows = np.arange(len(roll)), roll
    try:
        x = patsy.dmatrix(rhs, rows, NA_action="raise", return_type="dataframe")
    except patsy.PatsyError as err:
        used = [c for c in cols if roll[c].isna().any()]
        raise DesignError(
            f"The propensity model {rhs!r} cannot be built from the roll: "
            f"{str(err).splitlines()[0]}",
            hint=f"fill the missing values of {used} in the roll (e.g. a '(missing)' level)"
            if used
            else "write a patsy right-hand side over the roll's columns, e.g. 'C(region) + "
            "C(age_band)'",
        ) from None
    if not cols:  # one pattern per distinct row of the model matrix
        pattern = np.unique(x.to_numpy(), axis=0, return_inverse=True)[1].reshape(-1)
        x = x.iloc[np.unique(pattern, return_index=True)[1]]
    x = x.reset_index(drop=True)
    keep = _kept_columns(x.to_numpy())
    aliased = tuple(c for j, c in enumerate(x.columns) if j not in keep)
    x = x.iloc[:, keep]
    n_pat = len(x)
    members = np.bincount(pattern, minlength=n_pat)
    responses = np.bincount(pattern, weights=responded.astype(float), minlength=n_pat)
    endog = pd.DataFrame(
        {"responded": responses, "not_responded": members - responses}, index=x.index
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # separation: fitted 0 or 1 is reported, not warned
        result = sm.GLM(endog, x, family=sm.families.Binomial()).fit(tol=1e-12, maxiter=100)
    rho = np.asarray(result.mu, float)
    return PropensityFit(rhs, result, rho[pattern], pattern, x, members, responses, aliased)


def partial_indicators(
    fit: PropensityFit, codes: dict[str, np.ndarray], levels: dict[str, pd.Index]
) -> pd.DataFrame:
    """Unconditional and conditional partial R-indicators by variable and by category.

    ``codes`` maps each variable to its roll rows' level codes. Unconditional: the standard
    deviation of the level means of the propensities (variable), ``sqrt(N_k/N) (mean_k - mean)``
    (category, signed: below zero where the level responds less). Conditional: the spread of the
    propensities within the cells of the other variables (variable), its part in level k
    (category). Both on the propensity scale, divisor N.
    """
    rho = fit.propensity
    n = len(rho)
    mean = rho.mean()
    rows = []
    names = list(codes)
    for var in names:
        c = codes[var]
        k = len(levels[var])
        size = np.bincount(c, minlength=k)
        lmean = np.bincount(c, weights=rho, minlength=k) / np.maximum(size, 1)
        others = [codes[o] for o in names if o != var]
        cell = np.zeros(n, dtype=np.int64)
        for o in others:
            cell = cell * (int(o.max()) + 1) + o
        cell = np.unique(cell, return_inverse=True)[1]
        cmean = np.bincount(cell, weights=rho) / np.bincount(cell)
        within = (rho - cmean[cell]) ** 2
        cond = np.bincount(c, weights=within, minlength=k) / n
        unc = np.sqrt(size / n) * (lmean - mean)
        rows.append(
            {
                "variable": var,
                "level": None,
                "members": n,
                "unconditional": float(np.sqrt(np.sum(unc**2))),
                "conditional": float(np.sqrt(cond.sum())),
            }
        )
        for j, lev in enumerate(levels[var]):
            rows.append(
                {
                    "variable": var,
                    "level": str(lev),
                    "members": int(size[j]),
                    "unconditional": float(unc[j]),
                    "conditional": float(np.sqrt(cond[j])),
                }
            )
    return pd.DataFrame(rows)


def quantile_classes(p: np.ndarray, classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Classes of ``p`` cut at its quantiles, as R's ``cut(p, unique(quantile(p, (0:k)/k)),
    include.lowest = TRUE)``: right-closed, the lowest value in the first class. Tied
    quantiles merge classes. Returns each value's class (0...) and the breaks."""
    breaks = np.unique(np.quantile(p, np.linspace(0, 1, classes + 1)))
    if len(breaks) == 1:
        return np.zeros(len(p), dtype=np.int64), breaks
    return np.searchsorted(breaks[1:-1], p, side="left").astype(np.int64), breaks


@dataclass(frozen=True, repr=False)
class PropensityClasses(PostStratification):
    """Post-stratification of the respondents to the roll's counts in response-propensity
    classes. ``table`` describes the classes, ``fit`` is the roll's propensity model,
    ``propensity`` each respondent's fitted propensity (in the design's row order) and
    ``breaks`` the class limits."""

    fit: PropensityFit
    table: pd.DataFrame
    propensity: np.ndarray
    breaks: np.ndarray  # the classes' limits on the propensity scale (R's cut breaks)

    def describe(self) -> str:
        return (
            f"adjusted for nonresponse in {len(self.table)} propensity classes of the roll "
            f"(responded ~ {self.fit.formula})"
        )

    def __repr__(self) -> str:
        return f"PropensityClasses({self.describe()})"


def propensity_step(
    data: pd.DataFrame,
    weights: np.ndarray,
    roll: pd.DataFrame,
    *,
    key: str,
    model: str | None,
    classes: int,
) -> PropensityClasses:
    """The weighting step of :meth:`SurveyDesign.adjust_for_nonresponse`.

    A logistic model of response (``model``: a patsy right-hand side over roll columns, e.g.
    ``"C(role_group) * C(age_band) + C(region)"``; by default the main effects of the roll's
    categorical columns) is fitted on the whole roll; the roll is cut into ``classes`` quantile
    classes of the fitted propensity (R's ``cut(p, unique(quantile(p, 0:k / k)),
    include.lowest = TRUE)``: tied propensities at a limit merge classes); the respondents,
    found in the roll by ``key`` (compared as trimmed text), are post-stratified to the roll's
    class counts. The design's variance then treats the adjustment as post-stratification, as
    R's ``postStratify`` does, and a later raking adds its own step.

    Raises :class:`DesignError` when the survey data lacks ``key``, a respondent is not on the
    roll or appears twice, or everyone on the roll responded; :class:`MarginsError` for a roll
    without the key, with repeated keys or without categorical columns (and no ``model``);
    :class:`WeightingError` when a class has no respondents.

    Examples
    --------
    >>> import pandas as pd
    >>> from survey_tools import SurveyDesign
    >>> roll = pd.DataFrame({"member_id": [f"M{i}" for i in range(400)],
    ...                      "craft": ["writer", "actor"] * 200})
    >>> answered = roll[(roll.index % 4 == 0) | (roll.index % 8 == 1)]  # writers answer more
    >>> d = SurveyDesign(answered).adjust_for_nonresponse(roll, classes=2)
    >>> d.weighting[-1].table[["roll_members", "respondents", "adjustment"]]
       roll_members  respondents  adjustment
    0           200           50         4.0
    1           200          100         2.0
    """
    if not isinstance(roll, pd.DataFrame):
        raise MarginsError(
            f"The roll must be a DataFrame with one row per member, not a {type(roll).__name__}.",
            hint="read it with pandas.read_csv",
        )
    if isinstance(classes, bool) or not isinstance(classes, (int, np.integer)) or classes < 1:
        raise DesignError(f"classes must be a whole number of at least 1, not {classes!r}.")
    keys = roll_keys(roll, key)
    if key not in data.columns:
        raise DesignError(
            f"The survey data has no column {key!r} to find respondents in the roll.",
            hint="link the respondents to the roll first (the same member ids, or the roll's ids "
            "hashed with the cleaning salt), then pass key= that column",
        )
    mine = pd.Index(data[key].astype(str).str.strip())
    if data[key].isna().any() or mine.has_duplicates:
        raise DesignError(
            f"The survey's {key!r} must name each respondent once; "
            f"{int(data[key].isna().sum())} are missing and {int(mine.duplicated().sum())} "
            "repeat.",
            hint="keep one row per member (e.g. the first complete submission)",
        )
    where = keys.get_indexer(mine)
    if (where < 0).any():
        absent = mine[where < 0][:3].tolist()
        raise DesignError(
            f"{int((where < 0).sum())} respondent(s) are not in the roll's {key!r}, e.g. {absent}.",
            hint="check that both hold the same ids, or drop respondents who are not members",
        )
    responded = np.zeros(len(roll), dtype=bool)
    responded[where] = True
    if responded.all():
        raise DesignError(
            "Every roll member responded, so there is no nonresponse to adjust for.",
            hint="rake to the roll's margins directly",
        )
    if model is None:
        variables = categorical_columns(roll, key)
        if not variables:
            raise MarginsError(
                "The roll has no categorical columns for the default propensity model.",
                hint="pass model= a patsy right-hand side over roll columns, e.g. 'C(region)'",
            )
        model = main_effects(variables)
    fit = fit_propensity(roll.reset_index(drop=True), responded, model)
    cls, breaks = quantile_classes(fit.propensity, classes)
    n_cls = int(cls.max()) + 1
    roll_n = np.bincount(cls, minlength=n_cls)
    resp = np.bincount(cls[where], minlength=n_cls)
    if (resp == 0).any():
        j = int(np.flatnonzero(resp == 0)[0])
        raise WeightingError(
            f"Propensity class {j + 1} of {n_cls} ({roll_n[j]} roll members) has no respondents.",
            hint=f"use fewer classes (classes={max(1, n_cls - 1)}) or a coarser model",
        )
    cells = pd.DataFrame({"propensity class": cls[where] + 1})
    step = poststratify_weights(
        cells, weights, ["propensity class"], dict(zip(range(1, n_cls + 1), roll_n))
    )
    w_in = np.bincount(cls[where], weights=weights, minlength=n_cls)
    table = pd.DataFrame(
        {
            "class": np.arange(1, n_cls + 1),
            "propensity_low": [fit.propensity[cls == j].min() for j in range(n_cls)],
            "propensity_high": [fit.propensity[cls == j].max() for j in range(n_cls)],
            "mean_propensity": np.bincount(cls, weights=fit.propensity) / roll_n,
            "roll_members": roll_n,
            "respondents": resp,
            "response_rate": resp / roll_n,
            "adjustment": roll_n / w_in,
        }
    )
    return PropensityClasses(
        step.cells,
        step.cell_of,
        step.before,
        step.weights,
        fit,
        table,
        fit.propensity[where],
        breaks,
    )
