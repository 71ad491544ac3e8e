"""The variance engine: influence values in; covariance, standard errors and degrees of freedom out.

It reproduces R's ``svyrecvar``: each stage's cluster totals are centred within strata, a
stratum's sum of squares (and cross-products) is scaled by ``(1 - n/N) n/(n-1)`` times the
earlier stages' sampling fractions, with R's lonely-PSU rules; after calibration the influence
values are first replaced by their residuals from the calibration model (``weighting.py``).

Every estimator of :class:`~survey_tools.design.SurveyDesign`, ``crosstab`` and the models
(``survey_tools.models``) go through :class:`VarianceEngine`, which a design exposes as
``design.engine``. Its interface, for code inside the package:

- ``engine.variance(values, dom, n_dom)``: variances of the domain totals of each column;
- ``engine.vcov(values)``: the full covariance of the column totals over the whole sample
  (zeros outside a domain give a domain's covariance on the full design);
- ``engine.degf(mask=None)`` and ``engine.domain_degf(dom, n_dom)``: R's ``degf``, PSUs minus
  strata among the rows with positive weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import ClassVar

import numpy as np
import pandas as pd

from ..errors import DesignError, LonelyPSUError
from .weighting import residualise

__all__ = ["LONELY_RULES", "Stage", "VarianceEngine", "build_stages"]

LONELY_RULES = ("fail", "certainty", "adjust", "average", "remove")


@dataclass(frozen=True)
class Stage:
    """One sampling stage: which cluster each row is in, and each stratum's sizes."""

    cluster: np.ndarray  # row -> cluster index, nested in stratum and earlier clusters
    stratum: np.ndarray  # cluster -> stratum index
    group: np.ndarray  # stratum -> earlier-stage cluster it lies in (0 at stage 1)
    n_psu: np.ndarray  # stratum -> clusters sampled
    f: np.ndarray  # stratum -> 1 - n/N (1 when sampled with replacement)
    mult: np.ndarray  # stratum -> product of the earlier stages' sampling fractions
    names: tuple  # stratum -> label for messages


def _codes(values: np.ndarray | pd.Series) -> np.ndarray:
    return pd.factorize(pd.Series(values), sort=True)[0]


def _combine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Codes of the pairs (a, b), in sorted order of a then b."""
    return np.unique(a.astype(np.int64) * (int(b.max(initial=0)) + 1) + b, return_inverse=True)[1]


def _stratum_name(data, stratas, k, row_stratum, h) -> str:
    if k < len(stratas):
        return f"{stratas[k]}={data[stratas[k]].iloc[int(np.argmax(row_stratum == h))]!r}"
    return "the whole sample" if k == 0 else f"stage-{k + 1} stratum {h}"


def _fpc_table(data: pd.DataFrame, fpcs: Sequence[str]) -> tuple[np.ndarray, bool]:
    raw = np.column_stack([pd.to_numeric(data[c], errors="coerce") for c in fpcs])
    if np.isnan(raw).any() or (raw <= 0).any():
        raise DesignError(
            "fpc columns must be positive numbers.",
            hint="give population counts or sampling fractions",
        )
    as_counts = bool((raw > 1).any())
    if as_counts and (raw < 1).any():
        raise DesignError(
            "fpc mixes population counts (> 1) and sampling fractions (< 1).",
            hint="give all fpc columns as counts, or all as fractions",
        )
    return raw, as_counts


def build_stages(
    data: pd.DataFrame, strata: list[str], psu: list[str], fpc: list[str]
) -> tuple[tuple[Stage, ...], np.ndarray | None]:
    """The sampling stages of a design, and the weights its fpc implies (None without fpc).

    Without ``fpc`` only the first stage is kept: the ultimate-cluster (with replacement)
    variance, as R's ``svyrecvar``.
    """
    n = len(data)
    n_stages = max(1, len(psu))
    ids = [_codes(data[c]) for c in psu] or [np.arange(n)]
    if fpc:
        raw, as_counts = _fpc_table(data, fpc)
    fractions: list[np.ndarray] = []  # per stage: row -> n/N of its stratum
    stages: list[Stage] = []
    parent = np.zeros(n, dtype=np.int64)
    parent_mult = np.ones(1)  # per parent cluster
    for k in range(n_stages):
        own = _codes(data[strata[k]]) if k < len(strata) else np.zeros(n, dtype=np.int64)
        row_stratum = _combine(parent, own)
        row_cluster = _combine(row_stratum, ids[k])
        first = np.unique(row_cluster, return_index=True)[1]
        cl_stratum = row_stratum[first]
        n_strata = row_stratum.max() + 1
        n_psu = np.bincount(cl_stratum, minlength=n_strata).astype(float)
        group = parent[np.unique(row_stratum, return_index=True)[1]]
        if fpc:
            col = raw[:, k]
            lo = np.full(n_strata, np.inf)
            hi = np.full(n_strata, -np.inf)
            np.minimum.at(lo, row_stratum, col)
            np.maximum.at(hi, row_stratum, col)
            if (lo != hi).any():
                h = int(np.flatnonzero(lo != hi)[0])
                raise DesignError(
                    f"fpc column {fpc[k]!r} varies within a stratum at stage {k + 1} "
                    f"(row {int(np.flatnonzero(row_stratum == h)[0])}).",
                    hint="give each stratum one population size",
                )
            pop = lo if as_counts else n_psu / lo
            if (pop < n_psu - 1e-9).any():
                h = int(np.flatnonzero(pop < n_psu - 1e-9)[0])
                raise DesignError(
                    f"fpc column {fpc[k]!r} implies a population of {pop[h]:g} but "
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
        names = tuple(_stratum_name(data, strata, k, row_stratum, h) for h in range(n_strata))
        stages.append(Stage(row_cluster, cl_stratum, group, n_psu, f, mult, names))
        parent = row_cluster
        if not fpc:
            break
    weights = 1 / np.prod(np.column_stack(fractions), axis=1) if fpc else None
    return tuple(stages), weights


@dataclass(frozen=True)
class VarianceEngine:
    """Design-based variances from influence values (see the module docstring).

    ``steps`` are the calibration steps applied so far (``weighting.Raking``,
    ``PostStratification``, ``Calibration``); ``weights`` are the current weights.
    """

    stages: tuple[Stage, ...]
    lonely_psu: str
    weights: np.ndarray
    steps: tuple = ()
    replicates: ClassVar[bool] = False  # replicate.ReplicateEngine says True

    def __post_init__(self) -> None:
        if self.lonely_psu not in LONELY_RULES:
            raise DesignError(
                f"Unknown lonely_psu rule {self.lonely_psu!r}.", hint=f"use one of {LONELY_RULES}"
            )

    def check_lonely(self) -> None:
        """Raise :class:`LonelyPSUError` for a stratum with one PSU under the "fail" rule."""
        if self.lonely_psu != "fail":
            return
        for k, st in enumerate(self.stages):
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

    def calibrated(self, weights: np.ndarray, step) -> VarianceEngine:
        """The engine after one more calibration step that produced ``weights``."""
        return replace(self, weights=weights, steps=(*self.steps, step))

    def variance(self, values: np.ndarray, dom: np.ndarray, n_dom: int) -> np.ndarray:
        """Variance of totals of ``values`` (rows x q) within each domain: a (q, n_dom) array.

        ``dom`` holds each row's domain (``-1``: in none, zero influence). After calibration the
        residuals of a domain's influence values spread over every row, so each domain is
        then taken on its own, in batches of columns.
        """
        values = np.asarray(values, dtype=float).reshape(len(dom), -1)
        if not self.steps:
            return self._stage_variance(values, dom, n_dom)
        if self._cells is not None:
            return self._cell_variance(values, dom, n_dom)
        n, q = values.shape
        pairs = [(k, j) for k in range(n_dom) for j in range(q)]
        out = np.empty((q, n_dom))
        everyone = np.zeros(n, dtype=np.int64)
        batch = max(1, 2**24 // max(n, 1))
        for start in range(0, len(pairs), batch):
            chunk = pairs[start : start + batch]
            ks, js = np.array(chunk).T
            x = np.where(dom[:, None] == ks[None, :], values[:, js], 0.0)
            var = self._stage_variance(residualise(x, self.steps), everyone, 1)[:, 0]
            for (k, j), v in zip(chunk, var):
                out[j, k] = v
        return out

    @cached_property
    def _cells(self) -> dict | None:
        """Row groups for variances from cell sums, or None when the design needs rows.

        After one raking or post-stratification of a design whose PSUs are its rows (any
        strata, no lonely PSU), a calibrated variance is a function of sums over the groups
        that the strata, the calibration cells and the domain define; see ``_cell_variance``.
        """
        if len(self.steps) != 1 or not hasattr(self.steps[0], "shifts") or len(self.stages) != 1:
            return None
        st, step = self.stages[0], self.steps[0]
        if len(st.stratum) != len(self.weights) or (st.n_psu < 2).any():
            return None
        n_cells = step.n_cells
        group = st.stratum[st.cluster] * n_cells + step.cell_of  # row -> (stratum, cell)
        size = len(st.n_psu) * n_cells
        w = step.weights
        return {
            "step": step,
            "group": group,
            "shape": (len(st.n_psu), n_cells),
            "w": np.bincount(group, weights=w, minlength=size),
            "w2": np.bincount(group, weights=w * w, minlength=size),
            "a": step.sum_weights,
            "scale": np.where(st.f < 1e-7, 0.0, st.f * st.n_psu / (st.n_psu - 1)),
            "n_h": st.n_psu,
        }

    def _cell_variance(self, values: np.ndarray, dom: np.ndarray, n_dom: int) -> np.ndarray:
        """Calibrated variances of domain totals from group sums, in one pass per column.

        The residual of domain k's influence values is ``e = x 1[dom = k] - w T[cell, k]``,
        with ``T`` from the cells' sums of ``x a``. Rows in domain k contribute their own
        residual; every other row of a cell contributes ``w T``, whose squares and sums come
        from the sums of ``w`` and ``w^2`` per (stratum, cell) less the domain's own. The
        numbers are those of residualising every domain's column, without building them.
        """
        c = self._cells
        n_h, n_c = c["shape"]
        p = self._domain_groups(dom, n_dom)
        w_rows, step = c["step"].weights, c["step"]
        size = n_h * n_c * n_dom

        def group_sums(x: np.ndarray) -> np.ndarray:
            return np.bincount(p["key"], weights=x, minlength=size + 1)[:size].reshape(n_h, n_c, -1)

        def strat_sums(x: np.ndarray) -> np.ndarray:
            return np.bincount(p["strat_dom"], weights=x, minlength=n_h * n_dom + 1)[:-1].reshape(
                n_h, n_dom
            )

        out = np.empty((values.shape[1], n_dom))
        for j in range(values.shape[1]):
            v = values[:, j] * p["inside_f"]
            T = step.shifts(group_sums(v * c["a"]).sum(axis=0))  # (cells, domains)
            e = v - w_rows * T.reshape(-1)[p["cell_dom"]]
            e *= p["inside_f"]
            s2 = strat_sums(e * e) + (T * T * p["w2_out"]).sum(axis=1)
            s1 = strat_sums(e) - (T * p["w_out"]).sum(axis=1)
            var = c["scale"][:, None] * (s2 - s1 * s1 / c["n_h"][:, None])
            out[j] = np.maximum(var.sum(axis=0), 0.0)
        return out

    def _domain_groups(self, dom: np.ndarray, n_dom: int) -> dict:
        """Row keys and weight sums of ``_cell_variance`` for one domain array, kept for the
        last few domain arrays seen (estimators pass the same array for every column)."""
        cache = self._group_cache
        for entry in cache:
            if entry["dom"] is dom and entry["n_dom"] == n_dom:
                return entry
        c = self._cells
        n_h, n_c = c["shape"]
        size = n_h * n_c * n_dom
        inside = dom >= 0
        key = np.where(inside, c["group"] * n_dom + dom, size)
        w = c["step"].weights

        def group_sums(x: np.ndarray) -> np.ndarray:
            return np.bincount(key, weights=x, minlength=size + 1)[:size].reshape(n_h, n_c, -1)

        entry = {
            "dom": dom,
            "n_dom": n_dom,
            "inside": inside,
            "inside_f": inside.astype(float),
            "key": key,
            "cell_dom": np.where(inside, (c["group"] % n_c) * n_dom + dom, 0),
            "strat_dom": np.where(inside, (c["group"] // n_c) * n_dom + dom, n_h * n_dom),
            "w_out": c["w"].reshape(n_h, n_c, 1) - group_sums(w),  # outside each domain
            "w2_out": c["w2"].reshape(n_h, n_c, 1) - group_sums(w * w),
        }
        cache.insert(0, entry)
        del cache[4:]
        return entry

    @cached_property
    def _group_cache(self) -> list:
        return []

    def vcov(self, values: np.ndarray) -> np.ndarray:
        """Covariance matrix (q, q) of the totals of the columns of ``values`` (rows x q)."""
        values = np.asarray(values, dtype=float).reshape(len(self.weights), -1)
        if self.steps:
            values = residualise(values, self.steps)
        return self._stage_variance(values, np.zeros(len(values), dtype=np.int64), 1, full=True)

    def domain_degf(self, dom: np.ndarray, n_dom: int) -> np.ndarray:
        """Degrees of freedom per domain: PSUs minus strata among the domain's rows (R's degf)."""
        st = self.stages[0]
        keep = (dom >= 0) & (self.weights > 0)
        psus = np.unique(st.cluster[keep] * n_dom + dom[keep])
        strata = np.unique(st.stratum[psus // n_dom] * n_dom + psus % n_dom)
        return (
            np.bincount(psus % n_dom, minlength=n_dom)
            - np.bincount(strata % n_dom, minlength=n_dom)
        ).astype(float)

    def degf(self, mask: np.ndarray | None = None) -> float:
        """R's ``degf``: PSUs minus strata among rows with positive weight (and in ``mask``)."""
        inside = np.ones(len(self.weights), bool) if mask is None else np.asarray(mask, bool)
        return float(self.domain_degf(np.where(inside, 0, -1), 1)[0])

    def _stage_variance(
        self, values: np.ndarray, dom: np.ndarray, n_dom: int, *, full: bool = False
    ) -> np.ndarray:
        """Per-domain variances (q, n_dom), or with ``full`` the (q, q) covariance of one domain.

        With ``lonely_psu="adjust"`` a stratum's single PSU is centred at the grand mean of the
        stage's PSU totals (the domain's total over every PSU of the stage), as R documents and
        current releases of R's survey do.
        """
        q = values.shape[1]
        out = np.zeros((q, q) if full else (q, n_dom))
        keep = dom >= 0
        vals, dom = values[keep], dom[keep]
        for st in self.stages:
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
            if self.lonely_psu == "adjust" and lonely.any():
                grand = (
                    np.column_stack(
                        [np.bincount(s_dom, weights=sums[:, j], minlength=n_dom) for j in range(q)]
                    )
                    / st.n_psu.sum()
                )
                mean[lonely] = grand[s_dom[lonely]]
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
