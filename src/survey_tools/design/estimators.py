"""Design-based estimates by Taylor linearisation: means, totals, proportions, ratios, quantiles.

What enters: a :class:`~survey_tools.design.SurveyDesign` (its rows, weights, domains and variance
engine). What leaves: DataFrames with the ``by`` columns, a ``level`` column for categories, then
``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n`` and ``deff`` where asked.

Every estimator turns its statistic into influence values (one per row; zero outside the domain or
where the variable is missing) and passes them to the design's variance engine
(``variance.py``). The methods live on :class:`Estimators`, which ``SurveyDesign`` inherits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DesignError
from .columns import check_level, qrule_math
from .intervals import CI_METHODS, prop_ci

__all__ = ["Estimators"]


def _lsum(x: np.ndarray) -> float:
    """Sum with an extended-precision accumulator, as R's sum()."""
    return float(np.sum(np.asarray(x, dtype=np.longdouble)))


class Estimators:
    """The estimators of :class:`~survey_tools.design.SurveyDesign` (see the module docstring)."""

    @staticmethod
    def _frame(table: pd.DataFrame, body: dict, level=None) -> pd.DataFrame:
        out = table.reset_index(drop=True).copy()
        if level is not None:
            out["level"] = level
        for key, value in body.items():
            out[key] = value
        return out

    def _mean_parts(self, y: np.ndarray, dom: np.ndarray, n_dom: int):
        """Domain means of the columns of y (rows x q), their variances and bases."""
        missing = np.isnan(y).any(axis=1)
        # Without gaps the domain array itself goes on, so its row groups are reused.
        d = np.where(missing, -1, dom) if missing.any() else dom
        ok, dk, w, wsum, share, n = self._domain_weights(d, n_dom)
        y0 = np.where(ok[:, None], y, 0.0)
        if self.engine.replicates:
            est, var = self.engine.ratio(y0, None, d, n_dom)
            return est, var, n, d, w, wsum, y0
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
        if self.engine.replicates:
            est, var = self.engine.totals(y0, d, n_dom)
        else:
            est, var = self._linear_totals(infl, ok, d, n_dom)
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

    def _linear_totals(self, infl, ok, d, n_dom):
        """Domain totals of influence values and their linearised variances, (n_dom, q) each."""
        est = np.column_stack(
            [
                np.bincount(
                    np.maximum(d, 0), weights=np.where(ok, infl[:, j], 0.0), minlength=n_dom
                )
                for j in range(infl.shape[1])
            ]
        )
        var = self.engine.variance(np.where(ok[:, None], infl, 0.0), d, n_dom).T
        return est, var

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
        se_ci = se
        if ci == "logit" and self.engine.replicates:  # R refits the logit on each replicate
            _, v_eta = self.engine.ratio(y0, None, d, len(table), link="logit")
            se_ci = np.sqrt(v_eta) * est * (1 - est)
        low, high = prop_ci(est, se_ci, df, rows, ci, level)
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
        if self.engine.replicates:
            se = np.sqrt(self.engine.ratio(y0[:, None], x0[:, None], d, n_dom)[1][:, 0])
        else:
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
