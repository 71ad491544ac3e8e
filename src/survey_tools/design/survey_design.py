"""Survey designs and design-based estimates by Taylor linearisation, as R's ``survey`` package.

A :class:`SurveyDesign` holds the sampling structure (strata, clusters at each stage, finite
population corrections and weights). Every estimator turns its statistic into influence values
(one per row; zero outside the domain or where the variable is missing) and passes them to one
variance routine that reproduces R's ``svyrecvar``: cluster totals, centred within strata,
scaled by ``(1 - n/N) n/(n-1)``, and, when finite population corrections are given for several
stages, the later stages' contributions weighted by the earlier sampling fractions.

Domains (``by=``) are always estimated on the full design: rows outside a domain keep their place
with zero influence, and a stratum's PSU count comes from the whole sample, as R does.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DesignError
from .columns import category_codes, check_level, check_weights, no_column, qrule_math
from .crosstab import Crosstab, crosstab
from .intervals import CI_METHODS, prop_ci
from .variance import LONELY_RULES, VarianceEngine, build_stages
from .weighting import (
    WeightDiagnostics,
    calibrate_weights,
    dense_codes,
    diagnostics,
    poststratify_weights,
    rake_weights,
)

__all__ = ["SurveyDesign"]


def _as_list(cols: str | Sequence[str] | None) -> list[str]:
    if cols is None:
        return []
    return [cols] if isinstance(cols, str) else list(cols)


def _lsum(x: np.ndarray) -> float:
    """Sum with an extended-precision accumulator, as R's sum()."""
    return float(np.sum(np.asarray(x, dtype=np.longdouble)))


class SurveyDesign:
    """A survey design: weights, strata, clusters at each stage, finite population corrections.

    Parameters
    ----------
    data
        One row per respondent. It is not copied or modified.
    weights
        Column of sampling (or calibrated) weights. Without it, weights come from ``fpc``
        (the inverse of the product of the stages' sampling fractions), else all weights are 1.
    strata
        Column of first-stage strata, or a list with one column per stage.
    psu
        Column of primary sampling units, or a list with one column per stage (PSU, then
        secondary units...). Without it every row is its own PSU.
    fpc
        Finite population corrections, a column or a list with one column per stage: either
        population counts (all values >= 1) or sampling fractions (all values <= 1), as R's
        ``svydesign`` accepts. With ``fpc`` for several stages, the variance includes every
        stage; without it, the ultimate-cluster (with replacement) variance is used.
    lonely_psu
        What to do with a stratum holding a single PSU: ``"fail"`` (default; raise
        :class:`LonelyPSUError`), ``"certainty"`` or ``"remove"`` (it adds no variance),
        ``"adjust"`` (centre it at zero instead of its own mean), ``"average"`` (give it the
        average variance of the other strata). These are R's ``survey.lonely.psu`` options.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [10.0, 10.0, 20.0, 20.0],
    ...                    "s": ["a", "a", "b", "b"]})
    >>> d = SurveyDesign(df, weights="w", strata="s")
    >>> d.mean("y")[["estimate", "se", "n"]].round(4)
       estimate      se  n
    0    2.8333  0.3727  4
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        weights: str | None = None,
        strata: str | Sequence[str] | None = None,
        psu: str | Sequence[str] | None = None,
        fpc: str | Sequence[str] | None = None,
        lonely_psu: str = "fail",
    ) -> None:
        if not isinstance(data, pd.DataFrame):
            inner = getattr(data, "data", None)
            raise DesignError(
                f"SurveyDesign needs a DataFrame of respondents, not a {type(data).__name__}.",
                hint="pass its .data (e.g. SurveyDesign(read_clean(path).data))"
                if isinstance(inner, pd.DataFrame)
                else "build a pandas DataFrame with one row per respondent",
            )
        if lonely_psu not in LONELY_RULES:
            raise DesignError(
                f"Unknown lonely_psu rule {lonely_psu!r}.", hint=f"use one of {LONELY_RULES}"
            )
        psus, stratas, fpcs = _as_list(psu), _as_list(strata), _as_list(fpc)
        for col in [weights, *psus, *stratas, *fpcs]:
            if col is None:
                continue
            if col not in data.columns:
                raise no_column(data, col)
            if data[col].isna().any():
                rows = data.index[data[col].isna()][:3].tolist()
                raise DesignError(
                    f"The design column {col!r} is missing for {data[col].isna().sum()} row(s), "
                    f"e.g. {rows}.",
                    hint="fill it in or drop those rows before building the design",
                )
        n_stages = max(1, len(psus))
        if len(stratas) > n_stages:
            raise DesignError(
                "More strata columns than sampling stages.",
                hint="give one strata column per psu column",
            )
        if fpcs and len(fpcs) != n_stages:
            raise DesignError(
                f"fpc has {len(fpcs)} column(s) for {n_stages} sampling stage(s).",
                hint="give one fpc column per stage, or none",
            )
        self.data = data
        self.lonely_psu = lonely_psu
        self._spec = {"weights": weights, "strata": stratas, "psu": psus, "fpc": fpcs}
        w = check_weights(data, weights)  # also refuses a frame without rows
        stages, fpc_weights = build_stages(data, stratas, psus, fpcs)
        if w is None:
            w = fpc_weights if fpc_weights is not None else np.ones(len(data))
        self.weights = w
        self.engine = VarianceEngine(stages, lonely_psu, w)
        self._domain_cache: dict = {}
        self.engine.check_lonely()

    def __repr__(self) -> str:
        spec = ", ".join(f"{k}={v!r}" for k, v in self._spec.items() if v)
        steps = "; ".join(step.describe() for step in self.engine.steps)
        return (
            f"SurveyDesign({len(self.data)} rows, {spec or 'simple random sample'}"
            + (f"; {steps}" if steps else "")
            + ")"
        )

    @property
    def weighting(self) -> tuple:
        """The calibration steps applied so far (raking, post-stratification, calibration)."""
        return self.engine.steps

    def _reweighted(self, step) -> SurveyDesign:
        new = copy.copy(self)
        new.weights = step.weights
        new.engine = self.engine.calibrated(step.weights, step)
        return new

    def rake(
        self,
        margins: dict,
        *,
        max_iter: int = 100,
        tol: float = 1e-10,
        bounds: tuple[float, float] | None = None,
    ) -> SurveyDesign:
        """Rake the weights to population margins ``{column: {level: population_total}}``.

        Iterative proportional fitting, on the unique cells of the margin variables. Every
        margin is checked at each pass; the largest relative misfit is kept in
        :attr:`diagnostics`. ``bounds=(lo, hi)`` limits each respondent's adjustment factor
        (new weight over old) and re-rakes within those limits. The returned design's standard
        errors account for the raking, as R's ``rake()`` does.

        Raises :class:`WeightingError` naming the margin and level when a level has no
        respondents, a respondent's level has no population total, or the fit does not
        converge.
        """
        step = rake_weights(
            self.data, self.weights, margins, max_iter=max_iter, tol=tol, bounds=bounds
        )
        return self._reweighted(step)

    def poststratify(self, cols: str | Sequence[str], totals) -> SurveyDesign:
        """Post-stratify to population counts of the cells of ``cols``.

        ``totals`` maps each cell to its population count: ``{level: count}`` for one column,
        ``{(level1, level2): count}`` for several, or a Series indexed the same way. Every
        sample cell needs a count and every counted cell needs respondents.
        """
        return self._reweighted(
            poststratify_weights(self.data, self.weights, _as_list(cols), totals)
        )

    def crosstab(self, row: str, col: str) -> Crosstab:
        """Weighted table of ``row`` by ``col`` with row and column percentages and the
        Rao-Scott tests of independence (second-order F, as R's ``svychisq`` default, and the
        first-order chi-square). Rows missing either variable are left out of the table but
        keep their place in the design.
        """
        return crosstab(self, row, col)

    def calibrate(self, totals: dict, *, tol: float = 1e-7) -> SurveyDesign:
        """Linear (GREG) calibration to population totals, as R's ``calibrate()``.

        ``totals`` maps a categorical column to ``{level: population_total}`` (every level that
        occurs needs one) and a numeric column to its population total, e.g.
        ``{"region": {"LA": 6100, "NY": 3900}, "years_exp": 182_000}``. The new weights are
        ``w (1 + x'lambda)``, the closest to the old ones in chi-square distance that hit every
        total; they can be negative when the totals are far from the sample's. Standard errors
        use the residuals of the calibration model, as R does.

        Raises :class:`WeightingError` naming the column when a column is missing or has gaps,
        or when the totals cannot all be met.
        """
        return self._reweighted(
            calibrate_weights(self.data, self.weights, totals, self._numeric, tol=tol)
        )

    @property
    def diagnostics(self) -> WeightDiagnostics:
        """Kish effective sample size, weighting efficiency and design effect, weight range."""
        last = self.engine.steps[-1] if self.engine.steps else None
        return diagnostics(self.weights, last and last.iterations, last and float(last.misfit))

    # --- domains -------------------------------------------------------------------------------

    def _domains(self, by: str | Sequence[str] | None) -> tuple[np.ndarray, pd.DataFrame]:
        """Each row's domain code (-1 when a by-variable is missing) and the domains' labels.

        Computed once per ``by`` and design lineage: a design never changes its rows.
        """
        cols = tuple(_as_list(by))
        if cols not in self._domain_cache:
            self._domain_cache[cols] = self._find_domains(list(cols))
        return self._domain_cache[cols]

    def _find_domains(self, cols: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
        if not cols:
            return np.zeros(len(self.data), dtype=np.int64), pd.DataFrame(index=[0])
        frames, codes = [], []
        for col in cols:
            if col not in self.data.columns:
                raise no_column(self.data, col)
            c, cats = category_codes(self.data[col])
            codes.append(c)
            frames.append(cats)
        missing = np.any(np.column_stack(codes) < 0, axis=1)
        combo = np.zeros(len(self.data), dtype=np.int64)
        for c, cats in zip(codes, frames):
            combo = combo * len(cats) + np.maximum(c, 0)
        dom, first = dense_codes(combo[~missing])
        observed = combo[~missing][first]
        out = np.full(len(self.data), -1, dtype=np.int64)
        out[~missing] = dom
        labels = {}
        rest = observed.copy()
        for col, cats in reversed(list(zip(cols, frames))):
            labels[col] = np.asarray(cats)[rest % len(cats)]
            rest //= len(cats)
        table = pd.DataFrame({col: labels[col] for col in cols})
        for col in cols:
            if isinstance(self.data[col].dtype, pd.CategoricalDtype):
                table[col] = pd.Categorical(table[col], categories=self.data[col].cat.categories)
        return out, table

    def _numeric(self, col: str) -> np.ndarray:
        if col not in self.data.columns:
            raise no_column(self.data, col)
        values = self.data[col]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise DesignError(
                f"Column {col!r} is not numeric.",
                hint="use proportion() for categories, or convert the column to numbers",
            )
        return values.to_numpy(dtype=float, na_value=np.nan)

    def _levels(self, col: str) -> tuple[np.ndarray, pd.Index]:
        """Codes (-1 missing) and levels of a categorical column (bool and 0/1 allowed)."""
        if col not in self.data.columns:
            raise no_column(self.data, col)
        return category_codes(self.data[col])

    def _indicators(self, col: str) -> tuple[np.ndarray, pd.Index]:
        """One 0/1 column per level of a categorical column (NaN where it is missing)."""
        codes, cats = self._levels(col)
        hits = (codes[:, None] == np.arange(len(cats))) * 1.0
        return np.where(codes[:, None] < 0, np.nan, hits), cats

    @staticmethod
    def _frame(table: pd.DataFrame, body: dict, level=None) -> pd.DataFrame:
        out = table.reset_index(drop=True).copy()
        if level is not None:
            out["level"] = level
        for key, value in body.items():
            out[key] = value
        return out

    # --- estimators ----------------------------------------------------------------------------

    def _domain_weights(self, d: np.ndarray, n_dom: int) -> tuple:
        """Per row: its domain (0 outside), weight (0 outside) and share of its domain's
        weight; per domain: the weight sum and the row count. Kept for the design's domains."""
        # The cache is shared with the designs reweighted from this one (the rows are the same),
        # so weights are keyed by the engine, which every reweighting replaces.
        key = ("weights", id(d), n_dom, id(self.engine))
        hit = self._domain_cache.get(key)
        if hit is not None and hit[0] is d and hit[2] is self.engine:
            return hit[1]
        ok = d >= 0
        dk = np.maximum(d, 0)
        w = np.where(ok, self.weights, 0.0)
        wsum = np.bincount(dk, weights=w, minlength=n_dom)
        share = np.divide(w, wsum[dk], out=np.zeros_like(w), where=w > 0)
        parts = (ok, dk, w, wsum, share, np.bincount(d[ok], minlength=n_dom))
        if any(d is entry[0] for entry in self._domain_cache.values()):
            self._domain_cache[key] = (d, parts, self.engine)
        return parts

    def _mean_parts(self, y: np.ndarray, dom: np.ndarray, n_dom: int):
        """Domain means of the columns of y (rows x q), their variances and bases."""
        missing = np.isnan(y).any(axis=1)
        # Without gaps the domain array itself goes on, so its row groups are reused.
        d = np.where(missing, -1, dom) if missing.any() else dom
        ok, dk, w, wsum, share, n = self._domain_weights(d, n_dom)
        y0 = np.where(ok[:, None], y, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):  # a domain with no answers: NaN
            est = (
                np.column_stack(
                    [
                        np.bincount(dk, weights=w * y0[:, j], minlength=n_dom)
                        for j in range(y.shape[1])
                    ]
                )
                / wsum[:, None]
            )
        infl = share[:, None] * (y0 - est[dk])
        var = self.engine.variance(infl, d, n_dom).T
        return est, var, n, d, w, wsum, y0

    def _deff(self, y0, est, var, d, w, wsum, n, total: bool):
        """R's deff: design variance over SRS-without-replacement variance of the same size."""
        out = np.empty_like(var)
        for k in range(len(wsum)):
            rows = d == k
            nk = n[k]
            dev = y0[rows] - est[k]
            s2 = (w[rows][:, None] * dev**2).sum(axis=0) / wsum[k] * nk / (nk - 1)
            srs = s2 * (wsum[k] - nk) / (wsum[k] * nk)
            out[k] = var[k] / (srs * wsum[k] ** 2 if total else srs)
        return out

    def _stacked(self, method, cols: Sequence[str], **options) -> pd.DataFrame:
        """One long table for several columns: a ``variable`` column, then each one's rows."""
        parts = [method(col, **options) for col in cols]
        return pd.concat(
            [p.assign(variable=c)[["variable", *p.columns]] for c, p in zip(cols, parts)],
            ignore_index=True,
        )

    def mean(
        self, col: str | Sequence[str], *, by=None, deff: bool = False, level: float = 0.95
    ) -> pd.DataFrame:
        """Weighted mean of a numeric column (for categories use :meth:`proportion`).

        ``col`` may be a list of columns: one long table with a ``variable`` column first.

        Returns the ``by`` columns, ``estimate``, ``se``, ``ci_low``, ``ci_high`` (normal),
        ``n`` (unweighted base:
        rows in the domain with the variable present) and ``deff`` when asked. Rows with the
        variable missing are left out of the estimate but keep their place in the design.
        """
        check_level(level)
        if not isinstance(col, str):
            return self._stacked(self.mean, col, by=by, deff=deff, level=level)
        if col in self.data.columns and (
            not pd.api.types.is_numeric_dtype(self.data[col])
            or pd.api.types.is_bool_dtype(self.data[col])
        ):
            raise DesignError(
                f"Column {col!r} is categorical, so it has no mean.",
                hint=f"use proportion({col!r}) for the share in each level",
            )
        dom, table = self._domains(by)
        y = self._numeric(col)[:, None]
        est, var, n, d, w, wsum, y0 = self._mean_parts(y, dom, len(table))
        se = np.sqrt(var[:, 0])
        z = stats.norm.ppf(0.5 + level / 2)
        body = {
            "estimate": est[:, 0],
            "se": se,
            "ci_low": est[:, 0] - z * se,
            "ci_high": est[:, 0] + z * se,
            "n": n,
        }
        if deff:
            body["deff"] = self._deff(y0, est, var, d, w, wsum, n, total=False)[:, 0]
        return self._frame(table, body)

    def total(self, col: str, *, by=None, deff: bool = False, level: float = 0.95) -> pd.DataFrame:
        """Weighted total of a numeric column, or the estimated count in each level of a category.

        Returns the same columns as :meth:`mean`; for categories one row per domain and level.
        """
        check_level(level)
        dom, table = self._domains(by)
        n_dom = len(table)
        categorical = not pd.api.types.is_numeric_dtype(
            self.data[col]
        ) or pd.api.types.is_bool_dtype(self.data[col])
        if categorical:
            y, cats = self._indicators(col)
        else:
            y = self._numeric(col)[:, None]
        ok = ~np.isnan(y).any(axis=1) & (dom >= 0)
        d = np.where(ok, dom, -1)
        y0 = np.where(ok[:, None], y, 0.0)
        infl = self.weights[:, None] * y0
        est = np.column_stack(
            [
                np.bincount(
                    np.maximum(d, 0), weights=np.where(ok, infl[:, j], 0.0), minlength=n_dom
                )
                for j in range(y.shape[1])
            ]
        )
        var = self.engine.variance(np.where(ok[:, None], infl, 0.0), d, n_dom).T
        se = np.sqrt(var)
        z = stats.norm.ppf(0.5 + level / 2)
        n = np.bincount(d[d >= 0], minlength=n_dom)
        body = {
            "estimate": est,
            "se": se,
            "ci_low": est - z * se,
            "ci_high": est + z * se,
            "n": np.repeat(n[:, None], y.shape[1], axis=1),
        }
        if deff:
            w = np.where(ok, self.weights, 0.0)
            wsum = np.array([_lsum(w[d == k]) for k in range(n_dom)])
            mean = est / wsum[:, None]
            body["deff"] = self._deff(y0, mean, var, d, w, wsum, n, total=True)
        if categorical:
            return self._long(table, cats, body)
        return self._frame(table, {k: v[:, 0] for k, v in body.items()})

    @staticmethod
    def _long(table: pd.DataFrame, cats: pd.Index, body: dict) -> pd.DataFrame:
        """Domain x level results in long form: one row per domain and level."""
        n_dom, n_lev = len(table), len(cats)
        out = (
            table.reset_index(drop=True)
            .loc[np.repeat(np.arange(n_dom), n_lev)]
            .reset_index(drop=True)
        )
        out["level"] = pd.Categorical(
            np.tile(np.asarray(cats, dtype=object), n_dom), categories=cats
        )
        for key, value in body.items():
            out[key] = np.asarray(value).reshape(-1)
        return out

    def proportion(
        self,
        col: str | Sequence[str],
        *,
        by=None,
        ci: str = "logit",
        level: float = 0.95,
        deff: bool = False,
    ) -> pd.DataFrame:
        """Proportion of each level of a categorical (or 0/1, or boolean) column, with intervals.

        ``col`` may be a list of columns: one long table with a ``variable`` column first.

        ``ci`` chooses the interval: ``"logit"`` (default, R's ``svyciprop``), ``"beta"``
        (Korn-Graubard), ``"likelihood"``, ``"asin"``, ``"wilson"`` (score interval on the
        effective sample size) or ``"mean"`` (Wald, clipped to [0, 1]). Every interval uses
        the design's degrees of freedom in the domain (PSUs minus strata) and stays in [0, 1].
        ``deff=True`` adds each level's design effect, as R's ``svymean(deff=TRUE)``.
        """
        check_level(level)
        if not isinstance(col, str):
            return self._stacked(self.proportion, col, by=by, ci=ci, level=level, deff=deff)
        if ci not in CI_METHODS:
            raise DesignError(
                f"Unknown interval method ci={ci!r}.", hint=f"use one of {CI_METHODS}"
            )
        dom, table = self._domains(by)
        y, cats = self._indicators(col)
        if len(cats) == 0:
            raise DesignError(f"Column {col!r} has no values to take proportions of.")
        est, var, n, d, w, wsum, y0 = self._mean_parts(y, dom, len(table))
        se = np.sqrt(var)
        df = self.engine.domain_degf(dom, len(table))[:, None] * np.ones_like(est)
        rows = np.bincount(dom[dom >= 0], minlength=len(table))[:, None] * np.ones_like(est)
        low, high = prop_ci(est, se, df, rows, ci, level)
        body = {
            "estimate": est,
            "se": se,
            "ci_low": low,
            "ci_high": high,
            "n": np.repeat(n[:, None], len(cats), axis=1),
        }
        if deff:
            body["deff"] = self._deff(y0, est, var, d, w, wsum, n, total=False)
        return self._long(table, cats, body)

    def ratio(self, num: str, den: str, *, by=None, level: float = 0.95) -> pd.DataFrame:
        """Ratio of two weighted totals, ``sum(w num) / sum(w den)``, with its linearised SE."""
        check_level(level)
        dom, table = self._domains(by)
        n_dom = len(table)
        y, x = self._numeric(num), self._numeric(den)
        ok = ~np.isnan(y) & ~np.isnan(x) & (dom >= 0)
        d = np.where(ok, dom, -1)
        w = np.where(ok, self.weights, 0.0)
        y0, x0 = np.where(ok, y, 0.0), np.where(ok, x, 0.0)
        ty = np.bincount(np.maximum(d, 0), weights=w * y0, minlength=n_dom)
        tx = np.bincount(np.maximum(d, 0), weights=w * x0, minlength=n_dom)
        r = ty / tx
        k = np.maximum(d, 0)
        infl = np.where(ok, w * (y0 - r[k] * x0) / tx[k], 0.0)
        se = np.sqrt(self.engine.variance(infl[:, None], d, n_dom)[0])
        z = stats.norm.ppf(0.5 + level / 2)
        n = np.bincount(d[d >= 0], minlength=n_dom)
        return self._frame(
            table, {"estimate": r, "se": se, "ci_low": r - z * se, "ci_high": r + z * se, "n": n}
        )

    def quantile(self, col: str, q, *, by=None, level: float = 0.95) -> pd.DataFrame:
        """Quantiles with Woodruff intervals, as R's ``svyquantile`` (``qrule="math"``).

        The estimate is the smallest value whose weighted CDF reaches ``q``. The interval
        inverts the confidence interval of the CDF at the estimate (t with the design's
        degrees of freedom); ``se`` is the interval's width over twice the critical value.
        """
        check_level(level)
        qs = np.atleast_1d(np.asarray(q, dtype=float))
        if not np.isfinite(qs).all() or ((qs < 0) | (qs > 1)).any():
            raise DesignError(f"Quantiles must lie in [0, 1], not {q!r}.")
        dom, table = self._domains(by)
        n_dom = len(table)
        y = self._numeric(col)
        ok = ~np.isnan(y) & (dom >= 0)
        d = np.where(ok, dom, -1)
        df = self.engine.domain_degf(d, n_dom)
        rows = []
        for k in range(n_dom):
            inside = d == k
            yk, wk = y[inside], self.weights[inside]
            if not inside.any():  # a domain with no values: no quantile
                rows += [(k, p, np.nan, np.nan, np.nan, np.nan, 0) for p in qs]
                continue
            for p in qs:
                qhat = qrule_math(yk, wk, p)
                below = np.where(ok, (y <= qhat) * 1.0, np.nan)[:, None]
                dk = np.where(inside, 0, -1)
                est, var, *_ = self._mean_parts(below, dk, 1)
                crit = (
                    stats.t.ppf(0.5 + level / 2, df[k])
                    if np.isfinite(df[k])
                    else stats.norm.ppf(0.5 + level / 2)
                )
                lo_p, hi_p = (
                    est[0, 0] - crit * np.sqrt(var[0, 0]),
                    est[0, 0] + crit * np.sqrt(var[0, 0]),
                )
                lo = qrule_math(yk, wk, lo_p) if lo_p >= 0 else np.nan
                hi = qrule_math(yk, wk, hi_p) if hi_p <= 1 else np.nan
                rows.append((k, p, qhat, (hi - lo) / (2 * crit), lo, hi, int(inside.sum())))
        res = pd.DataFrame(
            rows, columns=["_dom", "quantile", "estimate", "se", "ci_low", "ci_high", "n"]
        )
        out = table.reset_index(drop=True).loc[res["_dom"]].reset_index(drop=True)
        return pd.concat([out, res.drop(columns="_dom")], axis=1)

    def adjust_for_nonresponse(self, roll, *, key="member_id", model=None, classes=5):
        """Nonresponse adjustment: post-stratify to the roll's counts in ``classes`` quantile
        classes of a logistic response-propensity model fitted on the whole roll (``model``: a
        patsy right-hand side over roll columns; default: main effects of its categorical
        columns). Returns a new design, ready to :meth:`rake`; the step is ``weighting[-1]``.
        Details and errors: :func:`survey_tools.design.propensity.propensity_step`."""
        from .propensity import propensity_step

        step = propensity_step(self.data, self.weights, roll, key=key, model=model, classes=classes)
        return self._reweighted(step)

    def trim(self, **limits) -> SurveyDesign:
        """Cap (or floor) the weights, sharing the excess: ``design.trimming.trim``."""
        from .trimming import trimming_step

        return self._reweighted(trimming_step(self.weights, **limits))
