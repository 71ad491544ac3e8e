"""Predicted margins and average marginal effects of a survey-weighted GLM.

Marginal standardisation, as emmeans' ``counterfactuals`` and Stata's ``margins`` do: every
fitted row is given level ``g`` of ``by``, the model predicts each row's mean (a probability for
binomial), and the weighted average over the fitted rows is the margin of ``g``. Its
design-based variance linearises both sources of error: the coefficients (through their
influence values) and the averaging over the sample's covariate distribution; the design's
variance engine takes the sum over every row. On a replicate design each replicate's refit
(``SvyGLMResult.replicates``) is averaged with that replicate's weights instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import patsy
from scipy import special, stats

from ..errors import DesignError

__all__ = ["glm_margins", "predict_margins"]

_INVERSE = {
    "gaussian": (lambda e: e, lambda e: np.ones_like(e)),
    "binomial": (special.expit, lambda e: special.expit(e) * (1 - special.expit(e))),
    "poisson": (np.exp, np.exp),
}


def _predict(result, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, d mean / d eta, and the model matrix of ``frame`` in the order of ``params``."""
    (x,) = patsy.build_design_matrices([result.design_info], frame, return_type="dataframe")
    x = x[result.params.index].to_numpy()
    eta = x @ result.params.to_numpy()
    inv, deriv = _INVERSE[result.family]
    return inv(eta), deriv(eta), x


def _replicate_margins(result, matrices, params, w, cats, ref_index, step) -> np.ndarray:
    """One replicate's margins and differences from the reference (or its average marginal
    effect over the central difference ``step``), in the order of the table; ``matrices`` are
    the model matrices of the full sample's (one per level, or the two shifted ones)."""
    inv = _INVERSE[result.family][0]
    if cats is None:
        x_hi, x_lo = matrices
        slope = (inv(x_hi @ params) - inv(x_lo @ params)) / step
        return np.array([w @ slope / w.sum()])
    means = np.array([w @ inv(x @ params) / w.sum() for x in matrices])
    others = [k for k in range(len(cats)) if k != ref_index]
    return np.concatenate([means, means[others] - means[ref_index]])


def _interval(est, se, df, level, family, kind):
    q = stats.t.ppf(0.5 + level / 2, df) if df > 0 else np.nan
    if kind == "margin" and family == "binomial":  # logit scale: stays inside [0, 1]
        half = q * se / (est * (1 - est))
        lo, hi = special.expit(special.logit(est) - half), special.expit(special.logit(est) + half)
    elif kind == "margin" and family == "poisson":
        half = q * se / est
        lo, hi = est * np.exp(-half), est * np.exp(half)
    else:
        lo, hi = est - q * se, est + q * se
    return lo, hi


def predict_margins(
    result, by: str, *, level: float = 0.95, reference: object = None
) -> pd.DataFrame:
    """Predicted means or probabilities by group, averaged over the sample, with design CIs.

    Parameters
    ----------
    result
        A :class:`~survey_tools.models.SvyGLMResult` from :func:`svyglm`, or a
        :class:`~survey_tools.models.SvyOLRResult` from :func:`svyolr`: then every margin,
        difference and AME is given for each answer (a ``level`` column after ``by``, ordered
        as the outcome), margins of one group sum to 1 and its differences to 0.
    by
        A variable of the model. Categorical: one predicted margin per level (every fitted row
        set to that level, predictions averaged with the design weights) and each level's
        difference from the first (the average marginal effect of the level). Numeric: the
        average marginal effect of one unit more (the weighted mean of each row's derivative).
    level
        Confidence level of the intervals (t on the model's residual design df).
    reference
        The level the differences are taken from (default: the first level).

    Returns
    -------
    pandas.DataFrame
        Columns ``by``, ``kind`` (``"margin"``, ``"difference"`` or ``"AME"``), ``contrast``,
        ``estimate``, ``se``, ``ci_low``, ``ci_high`` and ``n`` (unweighted rows at that level).
        Margins of binomial models are probabilities with logit-scale intervals inside [0, 1];
        so are svyolr's answer probabilities.

    Examples
    --------
    >>> import pandas as pd
    >>> from survey_tools import SurveyDesign, predict_margins, svyglm
    >>> data = pd.DataFrame({"y": [0, 1, 0, 1, 1, 1, 0, 0, 1, 1], "g": list("aabbbaabab"),
    ...                      "x": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]})
    >>> fit = svyglm("y ~ g + x", SurveyDesign(data), family="binomial")
    >>> m = predict_margins(fit, "g")
    >>> m[["g", "kind", "contrast"]].values.tolist()
    [['a', 'margin', ''], ['b', 'margin', ''], ['b', 'difference', 'b - a']]
    >>> bool(((m["ci_low"] >= 0) & (m["ci_high"] <= 1)).iloc[:2].all())
    True

    For an ordered (Likert) outcome, the probability of each answer by group:

    >>> import numpy as np
    >>> from survey_tools import svyolr
    >>> rng = np.random.default_rng(2)
    >>> g = rng.choice(["a", "b"], 300)
    >>> y = 1 + np.searchsorted([-1.0, 1.0], (g == "b") + rng.logistic(size=300))
    >>> fit = svyolr("y ~ g", SurveyDesign(pd.DataFrame({"y": y, "g": g})))
    >>> p = predict_margins(fit, "g").query("kind == 'margin'")
    >>> p[["g", "level"]].values.tolist()
    [['a', 1], ['a', 2], ['a', 3], ['b', 1], ['b', 2], ['b', 3]]
    >>> p.groupby("g")["estimate"].sum().round(12).tolist()
    [1.0, 1.0]
    """
    return result.predict_margins(by, level=level, reference=reference)


def glm_margins(result, by: str, *, level: float = 0.95, reference: object = None) -> pd.DataFrame:
    """:func:`predict_margins` of an :func:`svyglm` fit (svyolr fits have ``olr_margins``)."""
    design = result.design
    data = design.data.reset_index(drop=True)
    if by not in data.columns:
        raise DesignError(
            f"predict_margins: by={by!r} is not a column of the design's data.",
            hint="name a variable of the model's formula, e.g. by='role_group'.",
        )
    used = result.used
    rows = data.loc[used].copy()
    w = np.asarray(design.weights, float)[used]
    total = w.sum()
    n = len(data)
    infl_beta = result.influence
    cats = None
    if isinstance(rows[by].dtype, pd.CategoricalDtype):
        rows[by] = rows[by].cat.remove_unused_categories()
        cats = list(rows[by].cat.categories)
    elif not pd.api.types.is_numeric_dtype(rows[by]) or pd.api.types.is_bool_dtype(rows[by]):
        cats = sorted(rows[by].dropna().unique().tolist())
    out_rows, infl, matrices = [], [], []

    def add(label, kind, contrast, est, phi, count):
        out_rows.append(
            {by: label, "kind": kind, "contrast": contrast, "estimate": est, "n": count}
        )
        infl.append(phi)

    if cats is not None:
        per_level = {}
        for g in cats:
            frame = rows.copy()
            frame[by] = (
                pd.Categorical([g] * len(frame), categories=cats)
                if isinstance(rows[by].dtype, pd.CategoricalDtype)
                else g
            )
            mu, dmu, x = _predict(result, frame)
            matrices.append(x)
            est = float(w @ mu / total)
            grad = (w * dmu) @ x / total
            phi = infl_beta @ grad
            phi[used] += w * (mu - est) / total
            per_level[g] = (est, phi)
            add(g, "margin", "", est, phi, int((rows[by] == g).sum()))
        ref = cats[0] if reference is None else reference
        if ref not in per_level:
            raise DesignError(
                f"predict_margins: reference={ref!r} is not a level of {by!r} in the fit.",
                hint=f"use one of {cats}.",
            )
        ref_est, ref_phi = per_level[ref]
        ref_index, step = cats.index(ref), None
        for g in [c for c in cats if c != ref]:
            est, phi = per_level[g]
            add(
                g,
                "difference",
                f"{g} - {ref}",
                est - ref_est,
                phi - ref_phi,
                int((rows[by] == g).sum()),
            )
    else:
        x0 = rows[by].astype(float)
        h = 1e-4 * max(1.0, float(np.nanstd(x0)))
        hi, lo = rows.copy(), rows.copy()
        hi[by], lo[by] = x0 + h, x0 - h
        mu_hi, d_hi, x_hi = _predict(result, hi)
        mu_lo, d_lo, x_lo = _predict(result, lo)
        matrices += [x_hi, x_lo]
        ref_index, step = None, 2 * h
        slope = (mu_hi - mu_lo) / (2 * h)
        est = float(w @ slope / total)
        grad = ((w * d_hi) @ x_hi - (w * d_lo) @ x_lo) / (2 * h * total)
        phi = infl_beta @ grad
        phi[used] += w * (slope - est) / total
        add(by, "AME", f"d/d {by}", est, phi, int(used.sum()))
    table = pd.DataFrame(out_rows)
    if result.replicates is not None:  # every replicate's fit averaged with its own weights
        reps = design.engine.repweights[used]
        cov = design.engine.spread_cov(
            table["estimate"].to_numpy(),
            np.array(
                [
                    _replicate_margins(result, matrices, b, reps[:, r], cats, ref_index, step)
                    for r, b in enumerate(result.replicates)
                ]
            ),
        )
    else:
        cov = design.engine.vcov(np.column_stack(infl).reshape(n, -1))
    table["se"] = np.sqrt(np.diag(cov))
    lo_hi = [
        _interval(e, s, result.df_resid, level, result.family, k)
        for e, s, k in zip(table["estimate"], table["se"], table["kind"])
    ]
    table["ci_low"] = [a for a, _ in lo_hi]
    table["ci_high"] = [b for _, b in lo_hi]
    if cats is not None:  # a level with no finite coefficient has no honest interval either
        bad = [g for g in cats if any(by in t and t.endswith(f"[T.{g}]") for t in result.separated)]
        table.loc[table[by].isin(bad), ["se", "ci_low", "ci_high"]] = np.nan
    return table[[by, "kind", "contrast", "estimate", "se", "ci_low", "ci_high", "n"]]
