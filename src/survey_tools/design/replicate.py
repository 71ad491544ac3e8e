"""Replicate-weight designs, as R's ``svrepdesign``, ``as.svrepdesign`` and ``withReplicates``.

What enters: the full-sample weights and one column of full (combined) weights per replicate,
with R's ``type``, ``scale``, ``rscales`` and ``mse``; or a linearisation design to convert
(jackknife, BRR, Fay or bootstrap factors on its first-stage strata and PSUs, BRR's with
the Hadamard matrix R would use, from ``hadamard.py``). What leaves: a
:class:`ReplicateEngine`, which a replicate :class:`~survey_tools.design.SurveyDesign` holds as
``design.engine`` in place of the linearisation engine (``variance.py``) and which offers the same
interface (``variance``, ``vcov``, ``degf``, ``domain_degf``, ``calibrated``, ``steps``).

An estimate on a replicate design is computed once with the full weights and once with each
replicate's weights; its variance is ``scale * sum(rscales * (theta_r - centre)^2)``, the centre
being the replicates' mean (or the full estimate with ``mse=True``), as R's ``svrVar``.
Replicates that give no estimate (a domain absent from a jackknife replicate) are left out, as R
does. Estimators that are ratios of weighted sums (means, proportions, ratios, quantiles' CDFs)
use :meth:`ReplicateEngine.ratio`; ``engine.variance`` and ``engine.vcov`` take influence values
as the linearisation engine does and give the replicate variance of their totals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import DesignError
from .hadamard import brr_factors

__all__ = [
    "CONVERSIONS",
    "REPLICATE_TYPES",
    "ReplicateEngine",
    "acs_spec",
    "recalibrated",
    "replicate_columns",
    "replicate_engine",
    "replicate_factors",
    "replicate_scales",
    "with_replicates",
]

REPLICATE_TYPES = ("bootstrap", "jk1", "jkn", "brr", "fay", "sdr", "acs")
CONVERSIONS = ("bootstrap", "jk1", "jkn", "brr", "fay")


def replicate_columns(data: pd.DataFrame, repweights, weights: str | None) -> list[str]:
    """The replicate-weight columns: a list of names, or a regular expression searched in the
    column names (R's ``grep``), e.g. ``"PWGTP[0-9]+"``; the full-sample weight never counts."""
    if isinstance(repweights, str):
        try:
            pattern = re.compile(repweights)
        except re.error as err:
            raise DesignError(
                f"repweights={repweights!r} is not a valid column pattern: {err}.",
                hint='give a list of columns or a regular expression such as "PWGTP[0-9]+"',
            ) from err
        cols = [c for c in data.columns if pattern.search(str(c)) and c != weights]
        if not cols:
            raise DesignError(
                f"No column matches repweights={repweights!r}.",
                hint="give the replicate columns as a list, or a pattern that matches them",
            )
        return cols
    cols = list(repweights)
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise DesignError(
            f"Replicate-weight column(s) {missing[:3]} not in the data.",
            hint="check the spelling, or give a pattern such as 'repw[0-9]+'",
        )
    if len(cols) < 2:
        raise DesignError("A replicate design needs at least two replicate-weight columns.")
    return cols


def replicate_scales(type: str, n_rep: int, scale, rscales, rho) -> tuple[float, np.ndarray]:
    """``scale`` and ``rscales`` by R's ``svrepdesign`` rules (its defaults when omitted)."""
    if type not in REPLICATE_TYPES:
        raise DesignError(f"Unknown replicate type {type!r}.", hint=f"use one of {REPLICATE_TYPES}")
    if rho is not None and type != "fay":
        raise DesignError(
            f"rho= applies to Fay's BRR only, not type={type!r}.", hint='use type="fay"'
        )
    if type in ("brr", "fay", "sdr", "acs") and (scale is not None or rscales is not None):
        raise DesignError(
            f"type={type!r} fixes scale and rscales; R ignores the ones given.",
            hint='leave scale= and rscales= out, or use type="bootstrap" or "jk1" with them',
        )
    if rscales is not None:
        rscales = np.broadcast_to(np.asarray(rscales, dtype=float), (n_rep,)).copy()
    if type == "brr":
        scale = 1 / n_rep
    elif type == "fay":
        if rho is None or not 0 <= rho < 1:
            raise DesignError(
                f"Fay's BRR needs rho in [0, 1), not {rho!r}.",
                hint="give the rho the data's documentation states (often 0.5)",
            )
        scale = 1 / (n_rep * (1 - rho) ** 2)
    elif type in ("sdr", "acs"):
        scale = 4 / n_rep
    elif type == "bootstrap" and scale is None:
        scale = 1 / (n_rep - 1)
    elif type == "jk1" and scale is None:
        scale = (n_rep - 1) / n_rep
    elif type == "jkn" and rscales is None:
        raise DesignError(
            "A JKn design from full replicate weights needs rscales (each replicate's "
            "(n_h - 1) / n_h), as R's svrepdesign does.",
            hint="give rscales=, or convert a stratified design with as_replicate('jkn')",
        )
    if rscales is None:
        rscales = np.ones(n_rep)
    if rscales.shape != (n_rep,):
        raise DesignError(f"rscales has {rscales.size} values for {n_rep} replicates.")
    return float(1.0 if scale is None else scale), rscales


def _rank(w: np.ndarray, rows: np.ndarray) -> int:
    """Rank of ``w[rows]`` (rows x replicates), tolerance 1e-5 on column-scaled singular values.

    A sample of the rows that already has full column rank settles it (adding rows cannot
    lower the rank), so a million rows cost no more than a few thousand."""
    if len(rows) > 100 * w.shape[1]:
        pick = np.random.default_rng(0).choice(len(rows), 20 * w.shape[1], replace=False)
        if _full_rank(w[rows[np.sort(pick)]]) == w.shape[1]:
            return w.shape[1]
    return _full_rank(w[rows])


def _full_rank(w: np.ndarray) -> int:
    norms = np.sqrt(np.einsum("ij,ij->j", w, w))
    w = w[:, norms > 0] / norms[norms > 0]
    if w.shape[1] == 0:
        return 0
    eig = np.linalg.eigvalsh(w.T @ w)
    return int((eig > 1e-10 * eig.max()).sum())


@dataclass(frozen=True, eq=False, repr=False)
class ReplicateEngine:
    """Replicate variances with the variance engine's interface (see the module docstring).

    ``all_weights`` holds the full-sample weights in its first column, then one column per
    replicate (full weights, R's ``combined.weights=TRUE``).
    """

    all_weights: np.ndarray
    type: str
    scale: float
    rscales: np.ndarray
    mse: bool = False
    rho: float | None = None
    steps: tuple = ()
    lonely_psu: str = "fail"
    _cache: dict = field(default_factory=dict, repr=False)
    replicates: ClassVar[bool] = True

    def __repr__(self) -> str:
        return (
            f"ReplicateEngine({self.type}, {self.n_replicates} replicates, "
            f"scale={self.scale:.6g}, mse={self.mse}, {len(self.steps)} weighting step(s))"
        )

    def describe(self) -> str:
        """In words, for the design's repr."""
        rho = f", rho={self.rho}" if self.rho is not None else ""
        return f"{self.n_replicates} {self.type} replicates{rho}" + (", mse" if self.mse else "")

    @property
    def weights(self) -> np.ndarray:
        """The full-sample weights."""
        if "weights" not in self._cache:
            self._cache["weights"] = np.ascontiguousarray(self.all_weights[:, 0])
        return self._cache["weights"]

    @property
    def repweights(self) -> np.ndarray:
        """The replicates' weights, rows x replicates."""
        return self.all_weights[:, 1:]

    @property
    def n_replicates(self) -> int:
        return self.all_weights.shape[1] - 1

    def check_lonely(self) -> None:
        """Replicate designs have no strata to check."""

    def calibrated(self, all_weights: np.ndarray, step) -> ReplicateEngine:
        """The engine after a calibration step applied to the full weights and each replicate."""
        return replace(self, all_weights=all_weights, steps=(*self.steps, step), _cache={})

    # --- replicate estimates ------------------------------------------------------------------

    def sums(self, x: np.ndarray, dom: np.ndarray, n_dom: int) -> np.ndarray:
        """Weighted sums of the columns of ``x`` in each domain: (n_dom, q, 1 + replicates)."""
        x = np.asarray(x, dtype=float).reshape(len(dom), -1)
        q = x.shape[1]
        rows = np.flatnonzero(dom >= 0)
        keys = (dom[rows][:, None] * q + np.arange(q)).ravel()
        vals, cols = x[rows].ravel(), np.repeat(rows, q)
        if q > 1:  # indicators of levels: mostly zeros, left out
            nz = vals != 0
            vals, keys, cols = vals[nz], keys[nz], cols[nz]
        m = sparse.csc_matrix(  # column-compressed: rows of the data in order, one pass
            (vals, (keys, cols)), shape=(n_dom * q, len(dom))
        )
        return np.asarray(m @ self.all_weights).reshape(n_dom, q, -1)

    def spread(self, full: np.ndarray, reps: np.ndarray) -> np.ndarray:
        """R's ``svrVar`` elementwise: ``full`` (...), ``reps`` (..., replicates) -> variances.

        Replicates without an estimate (NaN) are left out of that estimate's variance."""
        ok = np.isfinite(reps)
        rs = np.where(ok, self.rscales, 0.0)
        if self.mse:
            centre = full
        else:
            use = ok & (self.rscales > 0)
            with np.errstate(invalid="ignore", divide="ignore"):
                centre = np.where(use, reps, 0.0).sum(axis=-1) / use.sum(axis=-1)
        with np.errstate(invalid="ignore"):
            dev = np.where(ok, reps - centre[..., None], 0.0)
        return self.scale * (rs * dev**2).sum(axis=-1)

    def spread_cov(self, full: np.ndarray, reps: np.ndarray) -> np.ndarray:
        """R's ``svrVar`` for a vector: ``full`` (k,), ``reps`` (replicates, k) -> (k, k).

        Replicates with any NaN are left out, as R's ``na.omit``."""
        ok = np.isfinite(reps).all(axis=1)
        reps, rs = reps[ok], self.rscales[ok]
        centre = full if self.mse else reps[rs > 0].mean(axis=0)
        dev = (reps - centre) * np.sqrt(rs)[:, None]
        return self.scale * dev.T @ dev

    def ratio(
        self, num: np.ndarray, den: np.ndarray, dom: np.ndarray, n_dom: int, *, link=None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Domain ratios of weighted sums ``sum(w num) / sum(w den)`` (n_dom, q) and their
        replicate variances (``den=None``: the domain's weight, a mean); ``link="logit"``
        gives the variance of the ratio's logit."""
        top = self.sums(num, dom, n_dom)
        bottom = self.domain_sizes(dom, n_dom) if den is None else self.sums(den, dom, n_dom)
        with np.errstate(invalid="ignore", divide="ignore"):
            theta = top / bottom
            if link == "logit":
                theta = np.log(theta / (1 - theta))
        return theta[..., 0], self.spread(theta[..., 0], theta[..., 1:])

    def domain_sizes(self, dom: np.ndarray, n_dom: int) -> np.ndarray:
        """Each domain's weight total, full and per replicate: (n_dom, 1, 1 + R). Kept for the
        last domain arrays seen (estimators pass the same array for every column)."""
        sizes = self._cache.setdefault("sizes", [])
        for d, n, out in sizes:
            if d is dom and n == n_dom:
                return out
        out = self.sums(np.ones(len(dom)), dom, n_dom)
        sizes.insert(0, (dom, n_dom, out))
        del sizes[4:]
        return out

    def totals(self, x: np.ndarray, dom: np.ndarray, n_dom: int):
        """Domain totals (n_dom, q) and their replicate variances."""
        s = self.sums(x, dom, n_dom)
        return s[..., 0], self.spread(s[..., 0], s[..., 1:])

    def mean_cov(self, y: np.ndarray, ok: np.ndarray) -> np.ndarray:
        """Covariance (q, q) of the weighted means of the columns of ``y`` over rows ``ok``."""
        d = np.where(ok, 0, -1)
        top = self.sums(np.where(ok[:, None], y, 0.0), d, 1)[0]
        bottom = self.sums(ok.astype(float), d, 1)[0, 0]
        theta = top / bottom
        return self.spread_cov(theta[:, 0], theta[:, 1:].T)

    # --- the variance engine's interface --------------------------------------------------

    def _factors_times(self, values: np.ndarray) -> np.ndarray:
        """Totals of ``values`` under the full weights and each replicate's: (q, 1 + R).

        ``values`` are influence values (weights included), so replicate r weighs each row by
        its replicate weight over its full weight."""
        w = self.weights
        scaled = np.divide(values, w[:, None], out=np.zeros_like(values), where=w[:, None] > 0)
        return scaled.T @ self.all_weights

    def variance(self, values: np.ndarray, dom: np.ndarray, n_dom: int) -> np.ndarray:
        """Replicate variances of the domain totals of influence values: (q, n_dom)."""
        values = np.asarray(values, dtype=float).reshape(len(dom), -1)
        w = self.weights
        scaled = np.divide(values, w[:, None], out=np.zeros_like(values), where=w[:, None] > 0)
        s = self.sums(scaled, dom, n_dom)
        return self.spread(s[..., 0], s[..., 1:]).T

    def vcov(self, values: np.ndarray) -> np.ndarray:
        """Replicate covariance (q, q) of the totals of influence values (rows x q)."""
        values = np.asarray(values, dtype=float).reshape(len(self.weights), -1)
        t = self._factors_times(values)
        return self.spread_cov(t[:, 0], t[:, 1:].T)

    def domain_degf(self, dom: np.ndarray, n_dom: int) -> np.ndarray:
        """R's ``degf`` of each domain's subset: the rank of its replicate weights, minus 1."""
        key = (dom.tobytes() if len(dom) < 5000 else id(dom), n_dom)
        hit = self._cache.get(key)
        if hit is not None and (len(dom) < 5000 or hit[0] is dom):
            return hit[1]
        reps = self.repweights
        out = np.array(
            [_rank(reps, np.flatnonzero(dom == k)) - 1.0 for k in range(n_dom)], dtype=float
        )
        self._cache[key] = (dom, out)
        return out

    def degf(self, mask: np.ndarray | None = None) -> float:
        """R's ``degf``: the rank of the replicate weights (of the rows in ``mask``) minus 1."""
        inside = np.ones(len(self.weights), bool) if mask is None else np.asarray(mask, bool)
        if mask is None:
            return float(self.domain_degf(np.zeros(len(inside), dtype=np.int64), 1)[0])
        return float(_rank(self.repweights, np.flatnonzero(inside)) - 1)


_ALIASES = {"successive-difference": "sdr"}  # R's spelling; R's others differ only in case


def replicate_engine(
    data: pd.DataFrame, w, repweights, type, *, rho, scale, rscales, mse, linear, weights_col
) -> ReplicateEngine:
    """The engine of ``SurveyDesign(data, weights=, repweights=, type=, ...)``; ``w`` are the
    checked full-sample weights (None: all 1, as R with a warning)."""
    if any(linear):
        raise DesignError(
            "A replicate-weight design takes no strata=, psu= or fpc=: its replicates carry them.",
            hint="give either repweights= and type=, or strata/psu/fpc (then as_replicate())",
        )
    if repweights is None or type is None:
        raise DesignError(
            "A replicate design needs both repweights= and type=.",
            hint=f"type is one of {REPLICATE_TYPES}; to convert a design use as_replicate()",
        )
    kind = str(type).lower()
    kind = _ALIASES.get(kind, kind)
    cols = replicate_columns(data, repweights, weights_col)
    w = np.ones(len(data)) if w is None else w
    block = data[cols]
    if not all(pd.api.types.is_numeric_dtype(t) for t in block.dtypes):
        block = block.apply(pd.to_numeric, errors="coerce")
    both = np.empty((len(data), len(cols) + 1))
    both[:, 0] = w
    both[:, 1:] = block.to_numpy(dtype=float, na_value=np.nan)
    rep = both[:, 1:]
    bad = ~np.isfinite(rep)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise DesignError(
            f"Replicate weight {cols[col]!r} is missing or not a number in row "
            f"{data.index[row]!r} ({int(bad.sum())} cell(s) in all).",
            hint="replicate weights must be numbers in every row: fix or drop those rows",
        )
    scale, rscales = replicate_scales(kind, len(cols), scale, rscales, rho)
    return ReplicateEngine(both, kind, scale, rscales, bool(mse), rho)


def recalibrated(engine: ReplicateEngine, step, redo) -> ReplicateEngine:
    """The engine after a weighting ``step`` of the full sample, ``redo`` repeating it on each
    replicate's weights (as R's ``rake``, ``postStratify`` and ``calibrate`` on replicates)."""
    if redo is None:
        raise DesignError(
            "This weighting step cannot be repeated on each replicate.",
            hint="weight the linearisation design first, then call as_replicate()",
        )
    reps = [redo(engine.repweights[:, r], True).weights for r in range(engine.n_replicates)]
    return engine.calibrated(np.column_stack([step.weights, *reps]), step)


def acs_spec(data: pd.DataFrame, weights: str | None) -> dict:
    """``weights`` and ``repweights`` of an ACS-style extract: the person weight PWGTP or the
    housing weight WGTP (any case), with its 80 numbered replicates."""
    lower = {str(c).lower(): c for c in data.columns}
    candidates = [weights] if weights else ["PWGTP", "WGTP"]
    for name in candidates:
        col = lower.get(str(name).lower())
        if col is None:
            continue
        reps = [lower.get(f"{str(name).lower()}{k}") for k in range(1, 81)]
        missing = [f"{col}{k}" for k, c in zip(range(1, 81), reps) if c is None]
        if missing:
            raise DesignError(
                f"The extract has {col!r} but not its replicate weights {missing[:3]}"
                + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
                + ".",
                hint="download the extract with its 80 replicate weights (the Census Bureau's "
                "PUMS files have them; the API needs them asked for)",
            )
        return {"weights": col, "repweights": reps}
    raise DesignError(
        f"No ACS weight column ({' or '.join(map(str, candidates))}) in the extract.",
        hint="a PUMS person file has PWGTP and PWGTP1..80, a housing file WGTP and WGTP1..80",
    )


# --- converting a linearisation design ---------------------------------------------------------


def _collate(label: str) -> tuple[str, str]:
    """A sort key for stratum labels in R's order (ICU: case-insensitive, lower case first)."""
    return label.casefold(), label.swapcase()


def replicate_factors(
    stage,
    has_strata: bool,
    type: str,
    replicates: int,
    seed,
    rho: float | None = None,
    labels: list[str] | None = None,
) -> tuple[np.ndarray, float, np.ndarray]:
    """Per row and replicate, the factor multiplying the full weight; with scale and rscales.

    ``stage`` is the design's first sampling stage (``variance.Stage``): which PSU each row is
    in, each PSU's stratum, each stratum's PSU count and ``1 - n/N`` (1 without fpc). The rules
    are R's ``jk1weights``, ``jknweights``, ``brrweights`` and ``bootweights``; ``labels``
    (each stratum's value as text) put the strata in R's order for BRR's Hadamard rows.
    """
    psu, stratum = stage.cluster, stage.stratum  # row -> psu, psu -> stratum
    n_psu_h, f_h = stage.n_psu, stage.f
    n_psu = len(stratum)
    if type == "jk1":
        if has_strata:
            raise DesignError(
                "A stratified design cannot use the JK1 jackknife.",
                hint='use as_replicate("jkn") (or "bootstrap", "brr")',
            )
        n = n_psu
        per_psu = np.full((n, n), n / (n - 1))
        np.fill_diagonal(per_psu, 0.0)
        return per_psu[psu], float(f_h[0] * (n - 1) / n), np.ones(n)
    if type == "jkn":
        if not has_strata:
            raise DesignError(
                "An unstratified design uses the JK1 jackknife, not JKn.",
                hint='use as_replicate("jk1") or ("bootstrap")',
            )
        lonely = n_psu_h[stratum] < 2
        if lonely.any():
            h = int(stratum[np.flatnonzero(lonely)[0]])
            raise DesignError(
                f"Stratum {stage.names[h]} has one PSU, so it cannot be jackknifed.",
                hint="merge it with a similar stratum before converting",
            )
        # replicates in R's order: strata, then their PSUs, as they first appear in the rows
        first_row = np.full(n_psu, len(psu))
        np.minimum.at(first_row, psu, np.arange(len(psu)))
        stratum_first = np.full(len(n_psu_h), len(psu))
        np.minimum.at(stratum_first, stratum, first_row)
        order = np.lexsort((first_row, stratum_first[stratum]))
        per_psu = np.ones((n_psu, n_psu))
        for r, p in enumerate(order):
            same = stratum == stratum[p]
            n_h = n_psu_h[stratum[p]]
            per_psu[same, r] = n_h / (n_h - 1)
            per_psu[p, r] = 0.0
        h_of = stratum[order]
        rscales = f_h[h_of] * (n_psu_h[h_of] - 1) / n_psu_h[h_of]
        return per_psu[psu], 1.0, rscales
    if type in ("brr", "fay"):
        if (n_psu_h != 2).any():
            h = int(np.flatnonzero(n_psu_h != 2)[0])
            raise DesignError(
                f"BRR needs exactly two PSUs per stratum; {stage.names[h]} has {int(n_psu_h[h])}.",
                hint='pair the PSUs into strata of two, or use as_replicate("jkn")',
            )
        rho = 0.0 if rho is None else float(rho)
        if not 0 <= rho < 1 or (type == "fay") != (rho > 0):
            raise DesignError(
                f"type={type!r} with rho={rho!r}: Fay's BRR takes rho in (0, 1), BRR none.",
                hint='use as_replicate("fay", rho=0.5) or as_replicate("brr")',
            )
        labels = list(stage.names) if labels is None else [str(x) for x in labels]
        rank = np.empty(len(n_psu_h), dtype=np.int64)  # strata sorted by label, as R's order()
        rank[sorted(range(len(n_psu_h)), key=lambda h: _collate(labels[h]))] = np.arange(
            len(n_psu_h)
        )
        first_row = np.full(n_psu, len(psu))  # each PSU's first row; the first PSU of each
        np.minimum.at(first_row, psu, np.arange(len(psu)))  # stratum in the data comes first
        leader = np.full(len(n_psu_h), len(psu))
        np.minimum.at(leader, stratum, first_row)
        per_psu = brr_factors(rank[stratum], first_row == leader[stratum], rho)
        n_rep = per_psu.shape[1]
        return per_psu[psu], 1 / (n_rep * (1 - rho) ** 2), np.ones(n_rep)
    if type == "bootstrap":
        rng = np.random.default_rng(seed)
        per_psu = np.zeros((n_psu, replicates))
        for h in range(len(n_psu_h)):
            members = np.flatnonzero(stratum == h)
            n_h = len(members)
            pop = n_h / (1 - f_h[h]) if f_h[h] < 1 else None
            for r in range(replicates):
                if pop is None:  # n PSUs drawn with replacement
                    draw = rng.integers(0, n_h, n_h)
                else:  # n drawn without replacement from the PSUs repeated to the population
                    pool = np.resize(np.arange(n_h), int(np.rint(pop)))
                    draw = rng.choice(pool, n_h, replace=False)
                per_psu[members, r] = np.bincount(draw, minlength=n_h)
        per_stratum = 1 / np.mean(1 / n_psu_h)
        scale = per_stratum / ((per_stratum - 1) * (replicates - 1))
        return per_psu[psu], float(scale), np.ones(replicates)
    raise DesignError(f"Cannot convert to type {type!r}.", hint=f"use one of {CONVERSIONS}")


def with_replicates(design, func: Callable[[pd.DataFrame, np.ndarray], object]) -> pd.DataFrame:
    """Any statistic of the data and weights with its replicate variance (R's ``withReplicates``).

    ``func(data, weights)`` returns a number or a sequence of numbers (a Series keeps its index
    as the table's ``term`` column); it is called with the full weights, then each replicate's.
    """
    engine = design.engine
    if not getattr(engine, "replicates", False):
        raise DesignError(
            "with_replicates needs a replicate-weight design.",
            hint='convert the design first: design.as_replicate("jk1") (or "bootstrap", ...)',
        )
    full = func(design.data, engine.weights.copy())
    index = full.index if isinstance(full, pd.Series) else None
    full = np.atleast_1d(np.asarray(full, dtype=float))
    reps = np.empty((engine.n_replicates, full.size))
    for r in range(engine.n_replicates):
        reps[r] = np.asarray(func(design.data, engine.repweights[:, r].copy()), float).ravel()
    se = np.sqrt(np.diag(engine.spread_cov(full, reps)))
    out = pd.DataFrame({"estimate": full, "se": se})
    if index is not None:
        out.insert(0, "term", index)
    return out
