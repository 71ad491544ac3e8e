"""Predicted answer probabilities of a proportional-odds fit (svyolr), by group.

Marginal standardisation as for :func:`~survey_tools.models.predict_margins` on a GLM: every
fitted row is given level ``g`` of ``by``, the model predicts each row's probability of every
answer, ``P(Y = k) = F(zeta_k - eta) - F(zeta_{k-1} - eta)`` with ``F`` the logistic CDF, and
the weighted average over the fitted rows is the margin of ``(g, k)``. The design-based
variance linearises the coefficients (slopes and cutpoints, through their influence values)
and the averaging over the sample; the design's variance engine sums over every row. On a
replicate design each replicate's refit is averaged with that replicate's weights instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import patsy
from scipy import special, stats

from ..errors import DesignError

__all__ = ["olr_margins"]


def _predict(result, frame: pd.DataFrame, w: np.ndarray):
    """Each row's answer probabilities (rows x K) and the weighted mean of their gradient.

    The gradient is K x (slopes + cutpoints): d mean_k / d params, the weights ``w`` summing
    to one.
    """
    q = len(result.levels) - 1
    slopes = list(result.params.index[:-q])
    (x,) = patsy.build_design_matrices([result.design_info], frame, return_type="dataframe")
    x = x[slopes].to_numpy(float)
    theta = result.params.to_numpy(float)
    eta = x @ theta[: len(slopes)]
    cuts = np.concatenate([[-np.inf], theta[len(slopes) :], [np.inf]])
    cdf = special.expit(cuts[None, :] - eta[:, None])  # rows x (K + 1)
    dens = cdf * (1 - cdf)  # zero at the infinite cutpoints
    probs = np.diff(cdf, axis=1)
    wd = w @ dens  # weighted mean density at each cutpoint
    grad_beta = -((dens[:, 1:] - dens[:, :-1]) * w[:, None]).T @ x  # K x p
    grad_zeta = np.zeros((q + 1, q))
    for k in range(q + 1):
        if k < q:
            grad_zeta[k, k] = wd[k + 1]
        if k > 0:
            grad_zeta[k, k - 1] = -wd[k]
    return probs, np.hstack([grad_beta, grad_zeta]), x


def _probs(x: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Each row's answer probabilities (rows x K) under coefficients ``theta``."""
    p = x.shape[1]
    cuts = np.concatenate([[-np.inf], theta[p:], [np.inf]])
    return np.diff(special.expit(cuts[None, :] - (x @ theta[:p])[:, None]), axis=1)


def _replicate_margins(matrices, theta, w, cats, ref_index, step) -> np.ndarray:
    """One replicate's estimates in the table's order (margins, then differences from the
    reference; or the average marginal effects over the central difference ``step``)."""
    w = w / w.sum()
    if cats is None:
        x_hi, x_lo = matrices
        return w @ ((_probs(x_hi, theta) - _probs(x_lo, theta)) / step)
    means = np.array([w @ _probs(x, theta) for x in matrices])  # levels x K
    others = [k for k in range(len(cats)) if k != ref_index]
    return np.concatenate([means.ravel(), (means[others] - means[ref_index]).ravel()])


def _interval(est, se, df, level, kind):
    q = stats.t.ppf(0.5 + level / 2, df) if df > 0 else np.nan
    if kind == "margin":  # logit scale: a probability's interval stays inside [0, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            half = q * se / (est * (1 - est))
            return special.expit(special.logit(est) - half), special.expit(
                special.logit(est) + half
            )
    return est - q * se, est + q * se


def olr_margins(result, by: str, *, level: float = 0.95, reference: object = None):
    """Predicted probability of each answer by group, for a :class:`SvyOLRResult`.

    See :func:`~survey_tools.models.predict_margins`, which dispatches here. Returns the
    columns ``by``, ``level`` (the answer, an ordered categorical in the outcome's order),
    ``kind``, ``contrast``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``.
    """
    design = result.design
    data = design.data.reset_index(drop=True)
    if by not in data.columns:
        raise DesignError(
            f"predict_margins: by={by!r} is not a column of the design's data.",
            hint="name a variable of the model's formula, e.g. by='role_group'.",
        )
    used = np.asarray(result.used, dtype=bool)
    rows = data.loc[used].copy()
    w_raw = np.asarray(design.weights, float)[used]
    total = w_raw.sum()
    w = w_raw / total
    answers = list(result.levels)
    out_rows, infl, matrices = [], [], []

    def add(label, kind, contrast, est, phis, count):
        for k, answer in enumerate(answers):
            out_rows.append(
                {
                    by: label,
                    "level": answer,
                    "kind": kind,
                    "contrast": contrast,
                    "estimate": float(est[k]),
                    "n": count,
                }
            )
            infl.append(phis[:, k])

    def influence(probs, est, grad):
        phi = result.influence @ grad.T  # all rows x K
        phi[used] += w[:, None] * (probs - est[None, :])
        return phi

    categorical = isinstance(rows[by].dtype, pd.CategoricalDtype)
    if categorical:
        rows[by] = rows[by].cat.remove_unused_categories()
        cats = list(rows[by].cat.categories)
    elif not pd.api.types.is_numeric_dtype(rows[by]) or pd.api.types.is_bool_dtype(rows[by]):
        cats = sorted(rows[by].dropna().unique().tolist())
    else:
        cats = None
    if cats is not None:
        per_level = {}
        for g in cats:
            frame = rows.copy()
            frame[by] = pd.Categorical([g] * len(frame), categories=cats) if categorical else g
            probs, grad, x_g = _predict(result, frame, w)
            matrices.append(x_g)
            est = w @ probs
            phi = influence(probs, est, grad)
            per_level[g] = (est, phi)
            add(g, "margin", "", est, phi, int((rows[by] == g).sum()))
        ref = cats[0] if reference is None else reference
        if ref not in per_level:
            raise DesignError(
                f"predict_margins: reference={ref!r} is not a level of {by!r} in the fit.",
                hint=f"use one of {cats}.",
            )
        ref_est, ref_phi = per_level[ref]
        for g in [c for c in cats if c != ref]:
            est, phi = per_level[g]
            count = int((rows[by] == g).sum())
            add(g, "difference", f"{g} - {ref}", est - ref_est, phi - ref_phi, count)
    else:
        x0 = rows[by].astype(float)
        h = 1e-4 * max(1.0, float(np.nanstd(x0)))
        hi, lo = rows.copy(), rows.copy()
        hi[by], lo[by] = x0 + h, x0 - h
        p_hi, g_hi, x_hi = _predict(result, hi, w)
        p_lo, g_lo, x_lo = _predict(result, lo, w)
        matrices += [x_hi, x_lo]
        slope = (p_hi - p_lo) / (2 * h)
        est = w @ slope
        phi = influence(slope, est, (g_hi - g_lo) / (2 * h))
        add(by, "AME", f"d/d {by}", est, phi, int(used.sum()))
    table = pd.DataFrame(out_rows)
    table["level"] = pd.Categorical(table["level"], categories=answers, ordered=True)
    if result.replicates is not None:  # every replicate's fit averaged with its own weights
        reps = design.engine.repweights[used]
        ref_index = None if cats is None else cats.index(ref)
        step = 2 * h if cats is None else None
        cov = design.engine.spread_cov(
            table["estimate"].to_numpy(),
            np.array(
                [
                    _replicate_margins(matrices, theta, reps[:, r], cats, ref_index, step)
                    for r, theta in enumerate(result.replicates)
                ]
            ),
        )
    else:
        cov = design.engine.vcov(np.column_stack(infl))
    table["se"] = np.sqrt(np.clip(np.diag(cov), 0, None))
    bounds = [
        _interval(e, s, result.df_resid, level, k)
        for e, s, k in zip(table["estimate"], table["se"], table["kind"], strict=True)
    ]
    table["ci_low"] = [a for a, _ in bounds]
    table["ci_high"] = [b for _, b in bounds]
    return table[[by, "level", "kind", "contrast", "estimate", "se", "ci_low", "ci_high", "n"]]
