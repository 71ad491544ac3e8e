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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DesignError, LonelyPSUError, WeightingError
from .crosstab import Crosstab, crosstab
from .weighting import (
    WeightDiagnostics,
    diagnostics,
    margin_codes,
    rake_cells,
    rake_step,
    residualise,
)

__all__ = ["SurveyDesign"]

LONELY_RULES = ("fail", "certainty", "adjust", "average", "remove")
CI_METHODS = ("logit", "beta", "likelihood", "asin", "wilson", "mean")


@dataclass(frozen=True)
class _Stage:
    """One sampling stage: which cluster each row is in, and each stratum's sizes."""

    cluster: np.ndarray  # row -> cluster index, nested in stratum and earlier clusters
    stratum: np.ndarray  # cluster -> stratum index
    group: np.ndarray  # stratum -> earlier-stage cluster it lies in (0 at stage 1)
    n_psu: np.ndarray  # stratum -> clusters sampled
    f: np.ndarray  # stratum -> 1 - n/N (1 when sampled with replacement)
    mult: np.ndarray  # stratum -> product of the earlier stages' sampling fractions
    names: list  # stratum -> label for messages


def _as_list(cols: str | Sequence[str] | None) -> list[str]:
    if cols is None:
        return []
    return [cols] if isinstance(cols, str) else list(cols)


def _codes(values: np.ndarray | pd.Series) -> np.ndarray:
    return pd.factorize(pd.Series(values), sort=True)[0]


def _combine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Codes of the pairs (a, b), in sorted order of a then b."""
    return np.unique(a.astype(np.int64) * (int(b.max(initial=0)) + 1) + b, return_inverse=True)[1]


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
        if lonely_psu not in LONELY_RULES:
            raise DesignError(
                f"Unknown lonely_psu rule {lonely_psu!r}.", hint=f"use one of {LONELY_RULES}"
            )
        psus, stratas, fpcs = _as_list(psu), _as_list(strata), _as_list(fpc)
        for col in [weights, *psus, *stratas, *fpcs]:
            if col is None:
                continue
            if col not in data.columns:
                raise DesignError(f"The data has no column {col!r}.", hint="check the spelling")
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
        n = len(data)
        self.data = data
        self.lonely_psu = lonely_psu
        self._spec = {"weights": weights, "strata": stratas, "psu": psus, "fpc": fpcs}
        ids = [_codes(data[c]) for c in psus] or [np.arange(n)]

        fractions: list[np.ndarray] = []  # per stage: row -> n/N of its stratum
        if fpcs:
            raw = np.column_stack([pd.to_numeric(data[c], errors="coerce") for c in fpcs])
            if np.isnan(raw).any() or (raw <= 0).any():
                raise DesignError(
                    "fpc columns must be positive numbers.",
                    hint="give population counts or sampling fractions",
                )
            as_counts = (raw > 1).any()
            if as_counts and (raw < 1).any():
                raise DesignError(
                    "fpc mixes population counts (> 1) and sampling fractions (< 1).",
                    hint="give all fpc columns as counts, or all as fractions",
                )

        self._stages: list[_Stage] = []
        parent = np.zeros(n, dtype=np.int64)
        parent_mult = np.ones(1)  # per parent cluster
        for k in range(n_stages):
            own = _codes(data[stratas[k]]) if k < len(stratas) else np.zeros(n, dtype=np.int64)
            row_stratum = _combine(parent, own)
            row_cluster = _combine(row_stratum, ids[k])
            first = np.unique(row_cluster, return_index=True)[1]
            cl_stratum = row_stratum[first]
            n_strata = row_stratum.max() + 1
            n_psu = np.bincount(cl_stratum, minlength=n_strata).astype(float)
            s_first = np.unique(row_stratum, return_index=True)[1]
            group = parent[s_first]
            if fpcs:
                col = raw[:, k]
                lo = np.full(n_strata, np.inf)
                hi = np.full(n_strata, -np.inf)
                np.minimum.at(lo, row_stratum, col)
                np.maximum.at(hi, row_stratum, col)
                if (lo != hi).any():
                    h = int(np.flatnonzero(lo != hi)[0])
                    raise DesignError(
                        f"fpc column {fpcs[k]!r} varies within a stratum at stage {k + 1} "
                        f"(row {int(np.flatnonzero(row_stratum == h)[0])}).",
                        hint="give each stratum one population size",
                    )
                pop = lo if as_counts else n_psu / lo
                if (pop < n_psu - 1e-9).any():
                    h = int(np.flatnonzero(pop < n_psu - 1e-9)[0])
                    raise DesignError(
                        f"fpc column {fpcs[k]!r} implies a population of {pop[h]:g} but "
                        f"{int(n_psu[h])} units were sampled at stage {k + 1}.",
                        hint="check the population counts",
                    )
                f = (pop - n_psu) / pop
                fractions.append((n_psu / pop)[row_stratum])
                mult = parent_mult[group]
                parent_mult = (mult * n_psu / pop)[cl_stratum]
            else:
                f = np.ones(n_strata)
                mult = np.ones(n_strata)
            names = [self._stratum_name(data, stratas, k, row_stratum, h) for h in range(n_strata)]
            self._stages.append(_Stage(row_cluster, cl_stratum, group, n_psu, f, mult, names))
            parent = row_cluster
            if not fpcs:  # without fpc: ultimate-cluster variance (R's svyrecvar)
                break

        if weights is not None:
            w = pd.to_numeric(data[weights], errors="coerce").to_numpy(float)
            if np.isnan(w).any() or (w < 0).any():
                raise DesignError(
                    f"Weights in {weights!r} must be non-negative numbers.",
                    hint="check the weight column",
                )
        elif fpcs:
            w = 1 / np.prod(np.column_stack(fractions), axis=1)
        else:
            w = np.ones(n)
        self.weights = w
        self._calibrations: tuple = ()
        self._fit: tuple = (None, None)
        self._check_lonely()

    @staticmethod
    def _stratum_name(data, stratas, k, row_stratum, h) -> str:
        if k < len(stratas):
            return f"{stratas[k]}={data[stratas[k]].iloc[int(np.argmax(row_stratum == h))]!r}"
        return "the whole sample" if k == 0 else f"stage-{k + 1} stratum {h}"

    def _check_lonely(self) -> None:
        if self.lonely_psu != "fail":
            return
        for k, st in enumerate(self._stages):
            lonely = (st.n_psu == 1) & (st.f >= 1e-7)
            if lonely.any():
                h = int(np.flatnonzero(lonely)[0])
                raise LonelyPSUError(
                    f"Stratum {st.names[h]} has only one PSU at stage {k + 1}"
                    + (f" ({int(lonely.sum())} such strata)" if lonely.sum() > 1 else "")
                    + ", so its variance cannot be estimated.",
                    hint='choose lonely_psu="certainty", "adjust" or "average", '
                    "or merge the stratum with a similar one",
                )

    def __repr__(self) -> str:
        spec = ", ".join(f"{k}={v!r}" for k, v in self._spec.items() if v)
        return f"SurveyDesign({len(self.data)} rows, {spec or 'simple random sample'})"

    # --- variance ------------------------------------------------------------------------------

    def _variance(self, values: np.ndarray, dom: np.ndarray, n_dom: int) -> np.ndarray:
        """Variance of totals of ``values`` (rows x q) within each domain: a (q, n_dom) array.

        ``dom`` holds each row's domain (``-1``: in none, zero influence). After calibration the
        residuals of a domain's influence values spread over every row, so each domain is
        then taken on its own.
        """
        values = np.asarray(values, dtype=float).reshape(len(dom), -1)
        if not self._calibrations:
            return self._stage_variance(values, dom, n_dom)
        # Residualise every domain's influence values together, as columns, in batches.
        n, q = values.shape
        pairs = [(k, j) for k in range(n_dom) for j in range(q)]
        out = np.empty((q, n_dom))
        everyone = np.zeros(n, dtype=np.int64)
        batch = max(1, 2**24 // max(n, 1))
        for start in range(0, len(pairs), batch):
            chunk = pairs[start : start + batch]
            ks, js = np.array(chunk).T
            x = np.where(dom[:, None] == ks[None, :], values[:, js], 0.0)
            var = self._stage_variance(residualise(x, self._calibrations), everyone, 1)[:, 0]
            for (k, j), v in zip(chunk, var):
                out[j, k] = v
        return out

    def _stage_variance(
        self, values: np.ndarray, dom: np.ndarray, n_dom: int, *, full: bool = False
    ) -> np.ndarray:
        """Per-domain variances (q, n_dom), or with ``full`` the (q, q) covariance of one domain.

        Each stage's cluster totals are centred within strata; a stratum's sum of squares (and,
        with ``full``, of cross-products) is scaled by ``f n / (n - 1)`` times the earlier
        stages' sampling fractions, with R's lonely-PSU rules.
        """
        q = values.shape[1]
        out = np.zeros((q, q) if full else (q, n_dom))
        keep = dom >= 0
        vals, dom = values[keep], dom[keep]
        for st in self._stages:
            if n_dom == 1 and keep.all() and len(st.stratum) == len(keep):  # a cluster per row
                cell, totals = np.arange(len(vals)), np.empty_like(vals)
                totals[st.cluster] = vals
            else:
                cell, inv = np.unique(st.cluster[keep] * n_dom + dom, return_inverse=True)
                totals = np.column_stack(
                    [np.bincount(inv, weights=vals[:, j], minlength=len(cell)) for j in range(q)]
                )
            c_dom = cell % n_dom
            c_str = st.stratum[cell // n_dom]
            sd, sd_inv = np.unique(c_str * n_dom + c_dom, return_inverse=True)
            s_str, s_dom = sd // n_dom, sd % n_dom
            n_h = st.n_psu[s_str]
            present = np.bincount(sd_inv, minlength=len(sd))
            sums = np.column_stack(
                [np.bincount(sd_inv, weights=totals[:, j], minlength=len(sd)) for j in range(q)]
            )
            mean = sums / n_h[:, None]
            lonely = n_h == 1
            if self.lonely_psu == "adjust":
                mean[lonely] = 0.0
            dev = totals - mean[sd_inv]
            f = st.f[s_str]
            scale = np.where(n_h > 1, f * n_h / np.maximum(n_h - 1, 1), f) * st.mult[s_str]
            scale = np.where(f < 1e-7, 0.0, scale)
            if self.lonely_psu == "average":
                bad = lonely & (f >= 1e-7)
                scale[bad] = 0.0
                g_key, g_inv = np.unique(st.group[s_str] * n_dom + s_dom, return_inverse=True)
                n_all = np.bincount(g_inv)
                n_ok = np.bincount(g_inv, weights=~bad)
                factor = np.divide(n_all, n_ok, out=np.zeros(len(g_key)), where=n_ok > 0)
                scale = scale * factor[g_inv]
            # Strata whose PSUs are not all in the domain count the absent ones as zeros.
            absent = (n_h - present) * scale
            if full:
                a = dev * np.sqrt(scale[sd_inv])[:, None]
                b = mean * np.sqrt(absent)[:, None]
                out += a.T @ a + b.T @ b
                continue
            ss = np.column_stack(
                [np.bincount(sd_inv, weights=dev[:, j] ** 2, minlength=len(sd)) for j in range(q)]
            )
            contrib = ss * scale[:, None] + mean**2 * absent[:, None]
            for j in range(q):
                out[j] += np.bincount(s_dom, weights=contrib[:, j], minlength=n_dom)
        return out

    def _vcov(self, values: np.ndarray) -> np.ndarray:
        """Covariance matrix of the totals of the columns of ``values`` over the whole sample."""
        values = np.asarray(values, dtype=float)
        if self._calibrations:
            values = residualise(values, self._calibrations)
        return self._stage_variance(values, np.zeros(len(values), dtype=np.int64), 1, full=True)

    def _degf(self, dom: np.ndarray, n_dom: int) -> np.ndarray:
        """Degrees of freedom per domain: PSUs minus strata among the domain's rows, as R's degf."""
        st = self._stages[0]
        keep = (dom >= 0) & (self.weights > 0)
        psus = np.unique(st.cluster[keep] * n_dom + dom[keep])
        strata = np.unique(st.stratum[psus // n_dom] * n_dom + psus % n_dom)
        return (
            np.bincount(psus % n_dom, minlength=n_dom)
            - np.bincount(strata % n_dom, minlength=n_dom)
        ).astype(float)

    # --- weighting -----------------------------------------------------------------------------

    def _reweighted(self, weights: np.ndarray, step: tuple, fit: tuple) -> SurveyDesign:
        new = object.__new__(SurveyDesign)
        new.__dict__.update(self.__dict__)
        new.weights = weights
        new._calibrations = (*self._calibrations, step)
        new._fit = fit
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
        if not margins:
            raise WeightingError("No margins to rake to.", hint="pass {column: {level: total}}")
        parts = margin_codes(self.data, margins)
        codes = [c for _, c, _ in parts]
        totals = [t for _, _, t in parts]
        active = self.weights > 0
        if not active.all():
            raise WeightingError(
                "Raking needs every row to carry a positive weight.",
                hint="drop rows with zero weight before raking",
            )
        w, iterations, misfit = rake_cells(
            self.weights, codes, totals, max_iter=max_iter, tol=tol, bounds=bounds
        )
        if not misfit < tol:
            col, idx, worst = max(
                (
                    (col, int(rel.argmax()), float(rel.max()))
                    for col, c, t in parts
                    for rel in [
                        np.abs(np.bincount(c, weights=w, minlength=len(t)) - t)
                        / np.where(t > 0, t, 1)
                    ]
                ),
                key=lambda item: item[2],
            )
            raise WeightingError(
                f"Raking did not converge in {iterations} passes: {col}="
                f"{list(margins[col])[idx]!r} is off its target by {worst:.2%}.",
                hint="raise max_iter, widen bounds, or collapse sparse levels",
            )
        return self._reweighted(w, rake_step(codes, w), (iterations, misfit))

    def poststratify(self, cols: str | Sequence[str], totals) -> SurveyDesign:
        """Post-stratify to population counts of the cells of ``cols``.

        ``totals`` maps each cell to its population count: ``{level: count}`` for one column,
        ``{(level1, level2): count}`` for several, or a Series indexed the same way. Every
        sample cell needs a count and every counted cell needs respondents.
        """
        cols = _as_list(cols)
        totals = pd.Series(totals, dtype=float)
        keys = [tuple(map(str, k)) if isinstance(k, tuple) else (str(k),) for k in totals.index]
        lookup = {k: i for i, k in enumerate(keys)}
        for col in cols:
            if col not in self.data.columns:
                raise WeightingError(f"The data has no column {col!r} to post-stratify on.")
            if self.data[col].isna().any():
                raise WeightingError(
                    f"{int(self.data[col].isna().sum())} row(s) have no {col!r}.",
                    hint="fill or drop them before post-stratifying",
                )
        row_keys = list(zip(*(self.data[c].astype(str) for c in cols)))
        index = np.array([lookup.get(k, -1) for k in row_keys])
        if (index < 0).any():
            raise WeightingError(
                f"Cell {row_keys[int(np.argmax(index < 0))]} of {cols} has respondents but no "
                "population count.",
                hint="add its count to totals",
            )
        have = np.bincount(index, weights=self.weights, minlength=len(keys))
        if ((have == 0) & (totals.to_numpy() > 0)).any():
            cell = keys[int(np.argmax((have == 0) & (totals.to_numpy() > 0)))]
            raise WeightingError(
                f"Cell {cell} of {cols} has a population count but no respondents.",
                hint="collapse it with a neighbouring cell",
            )
        w = self.weights * (totals.to_numpy() / np.where(have > 0, have, 1))[index]
        return self._reweighted(w, ("post", index, self.weights, w), (1, 0.0))

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
        if not totals:
            raise WeightingError("No totals to calibrate to.", hint="pass {column: totals}")
        columns, targets, names = [], [], []
        categorical = {k: v for k, v in totals.items() if isinstance(v, dict)}
        for col, codes, t in margin_codes(self.data, categorical):
            columns.append((codes[:, None] == np.arange(len(t))).astype(float))
            targets.extend(t)
            names.extend(f"{col}={level}" for level in categorical[col])
        for col, total in totals.items():
            if col in categorical:
                continue
            if col not in self.data.columns:
                raise WeightingError(
                    f"The data has no column {col!r} to calibrate on.", hint="check the spelling"
                )
            x = self._numeric(col)
            if np.isnan(x).any():
                raise WeightingError(
                    f"{int(np.isnan(x).sum())} respondent(s) have no {col!r} to calibrate on.",
                    hint="impute it or drop those rows before weighting",
                )
            columns.append(x[:, None])
            targets.append(float(total))
            names.append(col)
        X, T = np.hstack(columns), np.asarray(targets, dtype=float)
        w0 = self.weights
        misfit = T - X.T @ w0
        lam = np.linalg.pinv((X * w0[:, None]).T @ X) @ misfit
        g = 1 + X @ lam
        w = w0 * g
        off = np.abs(X.T @ w - T) / np.maximum(np.abs(T), 1)
        if off.max() > tol:
            k = int(off.argmax())
            raise WeightingError(
                f"The calibration totals cannot all be met: {names[k]} stays {off[k]:.2%} off "
                "its target.",
                hint="check that the totals agree with each other (every margin must sum to "
                "the same population size)",
            )
        whalf = np.sqrt(w0)
        return self._reweighted(w, ("greg", X * whalf[:, None], g * whalf), (1, float(off.max())))

    @property
    def diagnostics(self) -> WeightDiagnostics:
        """Kish effective sample size, weighting efficiency and design effect, weight range."""
        return diagnostics(self.weights, *self._fit)

    # --- domains -------------------------------------------------------------------------------

    def _domains(self, by: str | Sequence[str] | None) -> tuple[np.ndarray, pd.DataFrame]:
        """Each row's domain code (-1 when a by-variable is missing) and the domains' labels."""
        cols = _as_list(by)
        if not cols:
            return np.zeros(len(self.data), dtype=np.int64), pd.DataFrame(index=[0])
        frames, codes = [], []
        for col in cols:
            if col not in self.data.columns:
                raise DesignError(f"The data has no by-column {col!r}.", hint="check the spelling")
            values = self.data[col]
            cats = (
                values.cat.categories
                if isinstance(values.dtype, pd.CategoricalDtype)
                else pd.Index(sorted(values.dropna().unique()))
            )
            codes.append(pd.Categorical(values, categories=cats).codes.astype(np.int64))
            frames.append(cats)
        missing = np.any(np.column_stack(codes) < 0, axis=1)
        combo = np.zeros(len(self.data), dtype=np.int64)
        for c, cats in zip(codes, frames):
            combo = combo * len(cats) + np.maximum(c, 0)
        observed, dom = np.unique(combo[~missing], return_inverse=True)
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
            raise DesignError(f"The data has no column {col!r}.", hint="check the spelling")
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
            raise DesignError(f"The data has no column {col!r}.", hint="check the spelling")
        values = self.data[col]
        if isinstance(values.dtype, pd.CategoricalDtype):
            cats = values.cat.categories
        else:
            cats = pd.Index(sorted(values.dropna().unique()))
        return pd.Categorical(values, categories=cats).codes.astype(np.int64), cats

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

    def _mean_parts(self, y: np.ndarray, dom: np.ndarray, n_dom: int):
        """Domain means of the columns of y (rows x q), their variances and bases."""
        ok = ~np.isnan(y).any(axis=1) & (dom >= 0)
        d = np.where(ok, dom, -1)
        w = np.where(ok, self.weights, 0.0)
        wsum = np.array([_lsum(w[d == k]) for k in range(n_dom)])
        y0 = np.where(ok[:, None], y, 0.0)
        est = (
            np.column_stack(
                [
                    np.bincount(np.maximum(d, 0), weights=w * y0[:, j], minlength=n_dom)
                    for j in range(y.shape[1])
                ]
            )
            / wsum[:, None]
        )
        infl = np.where(
            ok[:, None],
            w[:, None] * (y0 - est[np.maximum(d, 0)]) / wsum[np.maximum(d, 0)][:, None],
            0.0,
        )
        var = self._variance(infl, d, n_dom).T
        n = np.bincount(d[d >= 0], minlength=n_dom)
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

    def mean(self, col: str, *, by=None, deff: bool = False, level: float = 0.95) -> pd.DataFrame:
        """Weighted mean of a numeric column, or the proportion of each level of a categorical one.

        Returns the ``by`` columns, ``level`` (categorical only), ``estimate``, ``se``,
        ``ci_low``, ``ci_high`` (normal; logit for categorical levels), ``n`` (unweighted base:
        rows in the domain with the variable present) and ``deff`` when asked. Rows with the
        variable missing are left out of the estimate but keep their place in the design.
        """
        if not pd.api.types.is_numeric_dtype(self.data[col]) or pd.api.types.is_bool_dtype(
            self.data[col]
        ):
            return self.proportion(col, by=by, level=level, deff=deff)
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
        var = self._variance(np.where(ok[:, None], infl, 0.0), d, n_dom).T
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
        self, col: str, *, by=None, ci: str = "logit", level: float = 0.95, deff: bool = False
    ) -> pd.DataFrame:
        """Proportion of each level of a categorical (or 0/1, or boolean) column, with intervals.

        ``ci`` chooses the interval: ``"logit"`` (default, R's ``svyciprop``), ``"beta"``
        (Korn-Graubard), ``"likelihood"``, ``"asin"``, ``"wilson"`` (score interval on the
        effective sample size) or ``"mean"`` (Wald, clipped to [0, 1]). Every interval uses
        the design's degrees of freedom in the domain (PSUs minus strata) and stays in [0, 1].
        ``deff=True`` adds each level's design effect, as R's ``svymean(deff=TRUE)``.
        """
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
        df = self._degf(dom, len(table))[:, None] * np.ones_like(est)
        rows = np.bincount(dom[dom >= 0], minlength=len(table))[:, None] * np.ones_like(est)
        low, high = _prop_ci(est, se, df, rows, ci, level)
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
        se = np.sqrt(self._variance(infl[:, None], d, n_dom)[0])
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
        qs = np.atleast_1d(np.asarray(q, dtype=float))
        if ((qs < 0) | (qs > 1)).any():
            raise DesignError(f"Quantiles must lie in [0, 1], not {q!r}.")
        dom, table = self._domains(by)
        n_dom = len(table)
        y = self._numeric(col)
        ok = ~np.isnan(y) & (dom >= 0)
        d = np.where(ok, dom, -1)
        df = self._degf(d, n_dom)
        rows = []
        for k in range(n_dom):
            inside = d == k
            yk, wk = y[inside], self.weights[inside]
            for p in qs:
                qhat = _qrule_math(yk, wk, p)
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
                lo = _qrule_math(yk, wk, lo_p) if lo_p >= 0 else np.nan
                hi = _qrule_math(yk, wk, hi_p) if hi_p <= 1 else np.nan
                rows.append((k, p, qhat, (hi - lo) / (2 * crit), lo, hi, int(inside.sum())))
        res = pd.DataFrame(
            rows, columns=["_dom", "quantile", "estimate", "se", "ci_low", "ci_high", "n"]
        )
        out = table.reset_index(drop=True).loc[res["_dom"]].reset_index(drop=True)
        return pd.concat([out, res.drop(columns="_dom")], axis=1)


def _qrule_math(x: np.ndarray, w: np.ndarray, p: float) -> float:
    """R's ``qrule_math``: the smallest x whose cumulative weight share reaches p."""
    keep = w != 0
    x, w = x[keep], w[keep]
    order = np.argsort(x, kind="stable")
    x = x[order]
    cumw = np.cumsum(w[order].astype(np.longdouble)).astype(float)  # R accumulates in long double
    total = _lsum(w)
    below = np.flatnonzero(cumw <= p * total)
    pos = below[-1] if len(below) else 0
    nxt = min(pos + 1, len(x) - 1)
    return float(x[pos] if p - cumw[pos] / total == 0 else x[nxt])


def _prop_ci(p, se, df, rows, method: str, level: float):
    """Confidence interval of a proportion by R's svyciprop methods (plus Wilson)."""
    alpha = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(
            np.isfinite(df) & (df > 0),
            stats.t.ppf(1 - alpha / 2, np.maximum(df, 1)),
            stats.norm.ppf(1 - alpha / 2),
        )
        if method == "logit":
            eta = np.log(p / (1 - p))
            half = t * se / (p * (1 - p))
            low, high = _expit(eta - half), _expit(eta + half)
        elif method == "asin":
            eta = np.arcsin(np.sqrt(p))
            half = t * se / (2 * np.sqrt(p * (1 - p)))
            low = np.sin(np.clip(eta - half, 0, np.pi / 2)) ** 2
            high = np.sin(np.clip(eta + half, 0, np.pi / 2)) ** 2
        elif method == "mean":
            low, high = p - t * se, p + t * se
        elif method == "beta":
            n_eff = p * (1 - p) / se**2
            n_eff = n_eff * (stats.t.ppf(alpha / 2, rows - 1) / stats.t.ppf(alpha / 2, df)) ** 2
            low = stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)
            high = stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))
        elif method == "wilson":
            n_eff = p * (1 - p) / se**2
            centre = (p + t**2 / (2 * n_eff)) / (1 + t**2 / n_eff)
            half = t / (1 + t**2 / n_eff) * np.sqrt(p * (1 - p) / n_eff + t**2 / (4 * n_eff**2))
            low, high = centre - half, centre + half
        else:  # likelihood: R profiles a quasi-binomial likelihood scaled by the design effect
            n_eff = p * (1 - p) / se**2
            low, high = _likelihood_ci(p, n_eff, t * np.sqrt(rows / (rows - 1)))
    low = np.where(se == 0, p, np.where(p == 0, 0.0, low))  # no variation: the point itself
    high = np.where(se == 0, p, np.where(p == 1, 1.0, high))
    return np.clip(low, 0, 1), np.clip(high, 0, 1)


def _expit(x):
    return 1 / (1 + np.exp(-x))


def _likelihood_ci(p, n_eff, t):
    """Profile-likelihood interval of a binomial proportion on the effective sample size.

    Solves ``2 n_eff KL(p, x) = t^2`` for x on each side of p. R's ``svyciprop(method=
    "likelihood")`` targets the same cut-off (with the quasi-binomial dispersion n/(n-1) folded
    into ``t``) but interpolates a coarse profile with a spline, so the two agree to about 1e-4.
    """
    from scipy.optimize import brentq

    p, n_eff = np.broadcast_arrays(np.asarray(p, float), np.asarray(n_eff, float))
    t = np.broadcast_to(t, p.shape)
    low, high = np.full(p.shape, np.nan), np.full(p.shape, np.nan)
    for idx in np.ndindex(p.shape):
        pi, ni, ti = p[idx], n_eff[idx], t[idx]
        if not (0 < pi < 1) or not np.isfinite(ni):
            continue

        def dev(x, pi=pi, ni=ni, ti=ti):
            return 2 * ni * (pi * np.log(pi / x) + (1 - pi) * np.log((1 - pi) / (1 - x))) - ti**2

        low[idx] = brentq(dev, 1e-12, pi)
        high[idx] = brentq(dev, pi, 1 - 1e-12)
    return low, high
