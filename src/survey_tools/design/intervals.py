"""Confidence intervals for proportions by R's ``svyciprop`` methods (plus Wilson).

Every method takes the estimate, its design-based standard error, the design's degrees of
freedom and the domain's row count, and stays within [0, 1].
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["CI_METHODS", "prop_ci"]

CI_METHODS = ("logit", "beta", "likelihood", "asin", "wilson", "mean")


def prop_ci(p, se, df, rows, method: str, level: float):
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
            exact = n_eff > 1e12  # a share fixed by calibration: the beta quantiles overflow
            low, high = np.where(exact, p, low), np.where(exact, p, high)
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
