"""Survey-weighted proportional-odds models for ordered answers (R's ``svyolr``).

``logit P(Y <= k) = zeta_k - x'beta``: the slopes ``beta`` and the cutpoints ``zeta`` on R's
(``MASS::polr``/``svyolr``) scale and sign. The weighted likelihood is maximised with scipy
(statsmodels' ``OrderedModel`` takes no weights); the covariance is the design-based sandwich
``H^-1 V(U) H^-1`` with ``V`` the design's covariance of the score contributions, as in R.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import patsy
from scipy import optimize, special

from ..errors import DesignError
from .inference import (
    DesignCoefficients,
    WaldTest,
    html_table,
    model_rows,
    r_order,
    t_pvalues,
    wald_test,
)

__all__ = ["SvyOLRResult", "svyolr"]


def _expit(x):
    return special.expit(x)


def _parts(theta: np.ndarray, x: np.ndarray, y: np.ndarray, q: int):
    """Per-row probability of the observed category and the densities at its two cutpoints."""
    p = x.shape[1]
    beta, zeta = theta[:p], theta[p:]
    eta = x @ beta
    cuts = np.concatenate([[-np.inf], zeta, [np.inf]])
    a, b = cuts[y + 1] - eta, cuts[y] - eta  # y in 0..q
    fa, fb = _expit(a), _expit(b)
    da = np.where(np.isfinite(a), fa * (1 - fa), 0.0)
    db = np.where(np.isfinite(b), fb * (1 - fb), 0.0)
    return np.maximum(fa - fb, 1e-300), da, db


def _scores(theta, x, y, q, w) -> np.ndarray:
    """Rows x (p + q): weighted derivatives of each row's log-likelihood."""
    pr, da, db = _parts(theta, x, y, q)
    g_beta = -x * ((da - db) / pr)[:, None]
    g_zeta = np.zeros((len(y), q))
    rows = np.arange(len(y))
    up, lo = y < q, y > 0
    g_zeta[rows[up], y[up]] += (da / pr)[up]
    g_zeta[rows[lo], y[lo] - 1] -= (db / pr)[lo]
    return np.column_stack([g_beta, g_zeta]) * w[:, None]


def _hessian(theta, x, y, q, w) -> np.ndarray:
    """Information matrix: central differences of the analytic total score."""
    k = len(theta)
    h = 1e-6 * np.maximum(1.0, np.abs(theta))
    out = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = h[j]
        out[:, j] = -(
            _scores(theta + e, x, y, q, w).sum(0) - _scores(theta - e, x, y, q, w).sum(0)
        ) / (2 * h[j])
    return (out + out.T) / 2


def _fit(x, y, q, w) -> tuple[np.ndarray, object]:
    """Maximise the weighted likelihood over (beta, first cutpoint, log gaps); Newton polish."""
    p = x.shape[1]
    share = np.cumsum(np.bincount(y, weights=w, minlength=q + 1))[:q] / w.sum()
    zeta0 = special.logit(np.clip(share, 1e-4, 1 - 1e-4))
    zeta0 = np.maximum.accumulate(zeta0 + np.arange(q) * 1e-3)
    start = np.concatenate([np.zeros(p), [zeta0[0]], np.log(np.diff(zeta0))])

    def unpack(t):
        return np.concatenate([t[:p], np.cumsum(np.concatenate([[t[p]], np.exp(t[p + 1 :])]))])

    def nll(t):
        pr, _, _ = _parts(unpack(t), x, y, q)
        return -np.sum(w * np.log(pr)) / w.sum()

    def grad(t):
        g = _scores(unpack(t), x, y, q, w).sum(0) / w.sum()
        jac = np.eye(p + q)
        ez = np.exp(t[p + 1 :])
        for i in range(1, q):
            jac[p + i :, p + i] = ez[i - 1]
        jac[p:, p] = 1.0
        return -(g @ jac)

    opt = optimize.minimize(nll, start, jac=grad, method="BFGS", options={"gtol": 1e-10})
    return _newton(unpack(opt.x), x, y, q, w), opt


def _newton(theta, x, y, q, w) -> np.ndarray:
    """Newton steps on the weighted likelihood from ``theta`` (a polish, or a replicate's refit
    from the full-sample estimate, as R's svyolr on replicates starts there)."""
    for _ in range(20):
        g = _scores(theta, x, y, q, w).sum(0)
        step = np.linalg.solve(_hessian(theta, x, y, q, w), g)
        theta = theta + step
        if np.max(np.abs(step)) < 1e-12 * max(1.0, np.max(np.abs(theta))):
            break
    return theta


@dataclass(frozen=True, repr=False, eq=False)
class SvyOLRResult(DesignCoefficients):
    """A survey-weighted proportional-odds fit (R's ``svyolr``): slopes, then cutpoints.

    ``params`` lists the slopes (statsmodels' term names) then the cutpoints named ``"a|b"``
    for consecutive levels, on R's scale: ``logit P(Y <= k) = zeta_k - eta``. ``fit`` is the
    scipy optimisation result; ``levels`` the outcome's ordered levels. ``design``, ``used``
    (boolean over ``design.data``), ``influence`` (each row's influence on ``params``, zeros
    outside the fit) and ``design_info`` (the right-hand side) are kept for
    :func:`~survey_tools.models.predict_margins`.
    """

    formula: str
    levels: tuple
    params: pd.Series
    cov: pd.DataFrame
    df_resid: float
    n_used: int
    n_missing: int
    fit: object = field(repr=False)
    design_info: object = field(repr=False)
    design: object = field(repr=False)
    used: np.ndarray = field(repr=False)
    influence: np.ndarray = field(repr=False)
    replicates: np.ndarray | None = field(default=None, repr=False)  # each replicate's params

    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """One row per slope and cutpoint: estimate, se, p, interval, odds ratio for slopes."""
        ci = self.conf_int(level)
        se = self.bse
        out = pd.DataFrame(
            {
                "term": self.params.index,
                "kind": ["slope"] * (len(self.params) - len(self.levels) + 1)
                + ["cutpoint"] * (len(self.levels) - 1),
                "estimate": self.params.to_numpy(),
                "se": se.to_numpy(),
                "p_value": t_pvalues(self.params, se, self.df_resid).to_numpy(),
                "ci_low": ci.iloc[:, 0].to_numpy(),
                "ci_high": ci.iloc[:, 1].to_numpy(),
            }
        )
        slope = out["kind"] == "slope"
        # exp(beta): odds of a HIGHER answer (P(Y > k)) per unit, the same for every k.
        for col, src in (
            ("odds_ratio", "estimate"),
            ("or_ci_low", "ci_low"),
            ("or_ci_high", "ci_high"),
        ):
            out[col] = np.where(slope, np.exp(out[src]), np.nan)
        return out

    def to_frame(self) -> pd.DataFrame:
        """The tidy table (see :meth:`tidy`)."""
        return self.tidy()

    def wald_test(self, term: str) -> WaldTest:
        """Design-based Wald F test that the slopes of ``term`` are zero (``regTermTest``)."""
        slices = {
            name: [c for c in self.design_info.column_names[s] if c != "Intercept"]
            for name, s in self.design_info.term_name_slices.items()
            if name != "Intercept"
        }
        return wald_test(term, slices, self.params, self.cov, self.df_resid)

    def predict_margins(
        self, by: str, *, level: float = 0.95, reference: object = None
    ) -> pd.DataFrame:
        """Predicted answer probabilities by ``by`` (see
        :func:`survey_tools.models.predict_margins`)."""
        from .olr_margins import olr_margins

        return olr_margins(self, by, level=level, reference=reference)

    def _lines(self) -> list[str]:
        return [
            f"levels {' < '.join(map(str, self.levels))}; {self.n_used} rows used"
            + (f", {self.n_missing} left out for missing values" if self.n_missing else ""),
            f"logit P(Y <= k) = zeta_k - eta; design-based SEs; residual design df "
            f"{self.df_resid:g}",
        ]

    def __repr__(self) -> str:
        table = self.tidy()[["term", "kind", "estimate", "se", "p_value", "ci_low", "ci_high"]]
        body = table.to_string(index=False, float_format=lambda x: f"{x:.4g}")
        return "\n".join([f"svyolr: {self.formula}", *self._lines(), body])

    def _repr_html_(self) -> str:
        return html_table(f"svyolr: {self.formula}", self._lines(), self.tidy())


def _ordered(y: pd.Series, name: str) -> tuple[np.ndarray, tuple]:
    if isinstance(y.dtype, pd.CategoricalDtype):
        y = y.cat.remove_unused_categories()
        levels = tuple(y.cat.categories)
        codes = y.cat.codes.to_numpy()
    elif pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y):
        levels = tuple(np.sort(pd.unique(y.astype(float))))
        codes = np.searchsorted(np.array(levels), y.astype(float).to_numpy())
        levels = tuple(int(v) if float(v).is_integer() else v for v in levels)
    else:
        raise DesignError(
            f"The outcome {name!r} is neither ordered categorical nor numeric.",
            hint="convert it with pd.Categorical(values, categories=[...], ordered=True) or "
            "code it 1-5.",
        )
    if len(levels) < 3:
        raise DesignError(
            f"The outcome {name!r} has {len(levels)} levels in the rows fitted; svyolr needs 3+.",
            hint="use svyglm(..., family='binomial') for a two-level outcome.",
        )
    return codes.astype(int), levels


def svyolr(formula: str, design, *, domain=None) -> SvyOLRResult:
    """Fit a survey-weighted proportional-odds model (R's ``svyolr``) for ordered answers.

    Parameters
    ----------
    formula
        ``"outcome ~ terms"`` in statsmodels' formula language; the outcome an ordered
        categorical (a Likert item as cleaned) or integer codes such as 1-5. The intercept is
        absorbed into the cutpoints.
    design
        A :class:`~survey_tools.SurveyDesign`, possibly raked or calibrated.
    domain
        Boolean mask over ``design.data``: fit the domain with the whole design's variance.

    Returns
    -------
    SvyOLRResult
        ``.params`` (slopes, then cutpoints ``"1|2"``, ``"2|3"``...), ``.bse``,
        ``.cov_params()``, ``.conf_int()``, ``.tidy()``, ``.wald_test(term)``,
        ``.predict_margins(by=...)`` (predicted answer probabilities by group).

    Notes
    -----
    R's convention: ``logit P(Y <= k) = zeta_k - x'beta``, so a positive slope means higher
    answers. Rows with a missing variable are left out; ``df_resid`` is ``degf - p`` as in R.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from survey_tools import SurveyDesign, svyolr
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=400)
    >>> y = 1 + np.searchsorted([-1.0, 0.0, 1.0], x + rng.logistic(size=400))
    >>> fit = svyolr("y ~ x", SurveyDesign(pd.DataFrame({"y": y, "x": x})))
    >>> list(fit.params.index)
    ['x', '1|2', '2|3', '3|4']
    >>> bool(0.6 < fit.params["x"] < 1.4)
    True
    """
    inside, used, cols = model_rows(formula, design, domain)
    data = design.data.reset_index(drop=True)
    sub = data.loc[used, cols].copy()
    for col in cols:
        if isinstance(sub[col].dtype, pd.CategoricalDtype):
            sub[col] = sub[col].cat.remove_unused_categories()
    lhs, rhs = formula.split("~", 1)
    outcome = patsy.dmatrix(f"0 + {lhs.strip()}", sub, return_type="dataframe")
    if outcome.shape[1] != 1:  # a categorical outcome expands: read the column itself
        y, levels = _ordered(sub[lhs.strip()], lhs.strip())
    else:
        y, levels = _ordered(outcome.iloc[:, 0], lhs.strip())
    try:
        x = patsy.dmatrix(rhs, sub, NA_action="raise", return_type="dataframe")
    except patsy.PatsyError as err:
        raise DesignError(
            f"Cannot build the model matrix of {formula!r}: {err}",
            hint="check the column names (Q('name') for names with dots) and reference levels.",
        ) from err
    info = x.design_info
    x = x[[c for c in r_order(formula, info) if c != "Intercept"]]
    w = np.asarray(design.weights, float)[used]
    q = len(levels) - 1
    theta, opt = _fit(x.to_numpy(), y, q, w)
    scores = _scores(theta, x.to_numpy(), y, q, w)
    hinv = np.linalg.inv(_hessian(theta, x.to_numpy(), y, q, w))
    influence = np.zeros((len(data), len(theta)))
    influence[used] = scores @ hinv
    names = [*x.columns, *[f"{a}|{b}" for a, b in itertools.pairwise(levels)]]
    if design.engine.replicates:  # refitted on every replicate's weights, as R's svyolr
        reps = design.engine.repweights[used]
        xs = x.to_numpy()
        betas = np.array([_newton(theta, xs, y, q, reps[:, r]) for r in range(reps.shape[1])])
        cov = pd.DataFrame(design.engine.spread_cov(theta, betas), index=names, columns=names)
        df_resid = design.engine.degf(inside) - x.shape[1]
    else:
        betas = None
        cov = pd.DataFrame(design.engine.vcov(influence), index=names, columns=names)
        df_resid = design.engine.degf(used) - x.shape[1]
    return SvyOLRResult(
        formula=formula,
        levels=levels,
        params=pd.Series(theta, index=names),
        cov=cov,
        df_resid=float(df_resid),
        n_used=int(used.sum()),
        n_missing=int((inside & ~used).sum()),
        fit=opt,
        design_info=info,
        design=design,
        used=used,
        influence=influence,
        replicates=betas,
    )
