"""Survey-weighted generalised linear models (R's ``svyglm``).

statsmodels fits the point estimates (a GLM with the design weights); the covariance is the
design-based sandwich of R's ``svyglm``: the inverse information times the design's covariance
of the estimating-function contributions, taken by the design's variance engine over every row
(strata, clusters, finite population corrections and, after raking or calibration, the
calibration residuals). Rows outside a domain or with a missing model variable contribute zero.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import patsy

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

__all__ = ["SeparationWarning", "SvyGLMResult", "svyglm"]

FAMILIES = ("gaussian", "binomial", "poisson")


class SeparationWarning(UserWarning):
    """A level has no events (or only events): its coefficient has no finite estimate."""


def _family(name: str):
    import statsmodels.api as sm

    if name not in FAMILIES:
        raise DesignError(
            f"family={name!r} is not supported.",
            hint=f"use one of {FAMILIES} (binomial for yes/no outcomes, as R's quasibinomial).",
        )
    return {
        "gaussian": sm.families.Gaussian,
        "binomial": sm.families.Binomial,
        "poisson": sm.families.Poisson,
    }[name]()


def _variance_fn(family: str, mu: np.ndarray) -> np.ndarray:
    return {"gaussian": np.ones_like(mu), "binomial": mu * (1 - mu), "poisson": mu}[family]


def _irls(X, y, w, family: str, start: np.ndarray, *, tol=1e-12, max_iter=100) -> np.ndarray:
    """A GLM's coefficients by iteratively reweighted least squares from ``start`` (one
    replicate's refit; canonical links, as statsmodels' and R's defaults)."""
    beta = start
    for _ in range(max_iter):
        eta = X @ beta
        if family == "gaussian":
            mu, dmu = eta, np.ones_like(eta)
        elif family == "binomial":
            mu = 1 / (1 + np.exp(-eta))
            dmu = mu * (1 - mu)
        else:
            mu = np.exp(eta)
            dmu = mu
        ww = np.sqrt(w * dmu**2 / np.maximum(_variance_fn(family, mu), 1e-300))
        z = eta + (y - mu) / np.where(dmu > 0, dmu, 1e-300)
        new = np.linalg.lstsq(X * ww[:, None], z * ww, rcond=None)[0]
        if np.max(np.abs(new - beta)) <= tol * (1 + np.max(np.abs(beta))):
            return new
        beta = new
    return beta


def _outcome(y: pd.DataFrame, family: str, formula: str) -> pd.Series:
    """The response as one numeric column (a True/False response arrives as two columns)."""
    if y.shape[1] == 2 and str(y.columns[1]).endswith("[True]"):
        y = y.iloc[:, [1]]
    if y.shape[1] != 1:
        raise DesignError(
            f"The response of {formula!r} has {y.shape[1]} columns {list(y.columns)}.",
            hint="give a numeric or True/False response, e.g. I(ai_lost_work == 'Yes') ~ ...",
        )
    out = y.iloc[:, 0].astype(float)
    bad = (family == "binomial" and ((out < 0) | (out > 1)).any()) or (
        family == "poisson" and (out < 0).any()
    )
    if bad:
        raise DesignError(
            f"The response {y.columns[0]!r} has values outside the range of family={family!r}.",
            hint="binomial needs 0/1 (or True/False, or proportions); poisson needs counts >= 0.",
        )
    return out


def _separated(x: pd.DataFrame, y: np.ndarray, family: str, params: pd.Series) -> dict:
    """Indicator columns whose rows all have the same binary outcome (or diverging estimates)."""
    if family != "binomial":
        return {}
    found = {}
    for col in x.columns:
        v = x[col].to_numpy()
        if col == "Intercept" or not np.isin(v, (0.0, 1.0)).all():
            continue
        yy = y[v == 1]
        if len(yy) and (np.all(yy == 0) or np.all(yy == 1)):
            kind = "no events" if np.all(yy == 0) else "only events"
            found[col] = f"{kind} in {len(yy)} rows"
    for col, b in params.items():  # quasi-separation: an indicator's estimate runs away
        binary = np.isin(x[col].to_numpy(), (0.0, 1.0)).all()
        if col not in found and col != "Intercept" and abs(b) > 15 and binary:
            found[col] = f"estimate {b:.3g} diverges"
    return found


def _frame(x, n: int, rows: np.ndarray) -> np.ndarray:
    out = np.zeros((n, x.shape[1]))
    out[rows] = x
    return out


@dataclass(frozen=True, repr=False, eq=False)
class SvyGLMResult(DesignCoefficients):
    """A survey-weighted GLM: the statsmodels fit plus design-based covariance (R's svyglm).

    Attributes
    ----------
    formula, family
        As passed to :func:`svyglm`.
    fit
        The statsmodels ``GLMResults`` of the weighted point-estimate fit (its own standard
        errors are model-based, not design-based: use this object's ``bse``).
    params
        Coefficients, indexed by statsmodels' term names, in R's order.
    df_resid
        The design's residual degrees of freedom (R: ``degf(design) + 1 - p``).
    n_used, n_missing
        Rows fitted, and rows of the domain left out for a missing model variable.
    separated
        ``{term: reason}`` for coefficients with no finite estimate (their intervals are NaN).
    design, used, influence, design_info
        The design, the rows used (boolean over ``design.data``), each row's influence on the
        coefficients (zeros outside the fit) and the patsy design of the right-hand side, kept
        for :func:`~survey_tools.models.predict_margins`.
    """

    formula: str
    family: str
    fit: object
    params: pd.Series
    cov: pd.DataFrame
    df_resid: float
    n_used: int
    n_missing: int
    separated: dict
    design: object = field(repr=False)
    used: np.ndarray = field(repr=False)
    influence: np.ndarray = field(repr=False)
    design_info: object = field(repr=False)
    replicates: np.ndarray | None = field(default=None, repr=False)  # each replicate's params

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Wald intervals with t on the design's residual df (R's ``confint`` on svyglm).

        Coefficients in ``separated`` get NaN: they have no finite estimate.
        """
        ci = super().conf_int(level)
        ci.loc[list(self.separated)] = np.nan
        return ci

    def tidy(self, level: float = 0.95, *, exponentiate: bool = False) -> pd.DataFrame:
        """One row per coefficient: term, estimate, se, t, p_value, ci_low, ci_high, note.

        Binomial models add ``odds_ratio``, ``or_ci_low``, ``or_ci_high``. With
        ``exponentiate=True`` (broom's convention) ``estimate``, ``ci_low`` and ``ci_high`` are
        themselves on the odds-ratio (binomial) or rate-ratio (poisson) scale, ready for
        :func:`~survey_tools.fig_odds_ratios`. Terms in ``separated`` are blank, with a note.
        """
        ci = self.conf_int(level)
        se = self.bse
        out = pd.DataFrame(
            {
                "term": self.params.index,
                "estimate": self.params.to_numpy(),
                "se": se.to_numpy(),
                "t": (self.params / se).to_numpy(),
                "p_value": t_pvalues(self.params, se, self.df_resid).to_numpy(),
                "ci_low": ci.iloc[:, 0].to_numpy(),
                "ci_high": ci.iloc[:, 1].to_numpy(),
            }
        )
        if self.family == "binomial":
            out["odds_ratio"] = np.exp(out["estimate"])
            out["or_ci_low"] = np.exp(out["ci_low"])
            out["or_ci_high"] = np.exp(out["ci_high"])
        if exponentiate:
            if self.family == "gaussian":
                raise DesignError(
                    "exponentiate=True needs a binomial or poisson model; this one is gaussian.",
                    hint="call tidy() without exponentiate for a linear model.",
                )
            for col in ("estimate", "ci_low", "ci_high"):
                out[col] = np.exp(out[col])
        bad = out["term"].isin(list(self.separated))
        out.loc[bad, [c for c in out.columns if c != "term"]] = np.nan
        out["note"] = [
            f"no finite estimate: {self.separated[t]}" if t in self.separated else ""
            for t in out["term"]
        ]
        return out

    def to_frame(self) -> pd.DataFrame:
        """The tidy coefficient table (see :meth:`tidy`)."""
        return self.tidy()

    def wald_test(self, term: str) -> WaldTest:
        """Design-based Wald F test that all coefficients of ``term`` are zero (``regTermTest``).

        ``term`` is a formula term (``"C(role, Treatment('TV writer'))"``) or its variable
        (``"C(role)"``, ``"role"``).
        """
        slices = {
            name: self.design_info.column_names[s]
            for name, s in self.design_info.term_name_slices.items()
        }
        return wald_test(term, slices, self.params, self.cov, self.df_resid)

    def predict_margins(
        self, by: str, *, level: float = 0.95, reference: object = None
    ) -> pd.DataFrame:
        """Predicted margins by ``by`` (see :func:`survey_tools.models.predict_margins`)."""
        from .margins import glm_margins

        return glm_margins(self, by, level=level, reference=reference)

    def _lines(self) -> list[str]:
        lines = [
            f"family {self.family}; {self.n_used} rows used"
            + (f", {self.n_missing} left out for missing values" if self.n_missing else ""),
            f"design-based SEs; residual design df {self.df_resid:g}",
        ]
        if self.separated:
            lines.append(f"no finite estimate (separation): {', '.join(self.separated)}")
        return lines

    def __repr__(self) -> str:
        table = self.tidy()[["term", "estimate", "se", "p_value", "ci_low", "ci_high"]]
        body = table.to_string(index=False, float_format=lambda x: f"{x:.4g}")
        return "\n".join([f"svyglm: {self.formula}", *self._lines(), body])

    def _repr_html_(self) -> str:
        return html_table(f"svyglm: {self.formula}", self._lines(), self.tidy())


def svyglm(formula: str, design, *, family: str = "gaussian", domain=None) -> SvyGLMResult:
    """Fit a survey-weighted GLM with design-based standard errors (R's ``svyglm``).

    Parameters
    ----------
    formula
        statsmodels/patsy formula, e.g. ``"I(ai_lost_work == 'Yes') ~ C(role_group) + age_band"``;
        categorical terms as ``C(x, Treatment('reference level'))``.
    design
        A :class:`~survey_tools.SurveyDesign` (possibly raked or calibrated).
    family
        ``"gaussian"``, ``"binomial"`` (R's ``quasibinomial``: a 0/1, True/False or proportion
        response) or ``"poisson"`` (R's ``quasipoisson``), each with its canonical link.
    domain
        Boolean mask over ``design.data``: fit the domain's rows with the whole design's
        variance (R's ``svyglm`` on ``subset(design, ...)``).

    Returns
    -------
    SvyGLMResult
        ``.params``, ``.bse``, ``.cov_params()``, ``.conf_int()``, ``.tidy()``,
        ``.wald_test(term)``, ``.predict_margins(by=...)`` and the statsmodels fit as ``.fit``.

    Warns
    -----
    SeparationWarning
        When a level has no events (or only events): collapse it with a neighbour or drop it.

    Notes
    -----
    Rows with a missing model variable are left out (R's ``na.omit``); ``n_missing`` says how
    many. Unused factor levels are dropped, as R's ``model.frame`` does.

    Examples
    --------
    >>> import pandas as pd
    >>> from survey_tools import SurveyDesign, svyglm
    >>> data = pd.DataFrame({"y": [1.0, 2.1, 2.9, 4.2, 5.1, 5.8], "x": [1, 2, 3, 4, 5, 6],
    ...                      "w": [1, 2, 1, 2, 1, 2]})
    >>> fit = svyglm("y ~ x", SurveyDesign(data, weights="w"))
    >>> fit.params.round(3).to_dict()
    {'Intercept': 0.154, 'x': 0.964}
    >>> fit.df_resid
    4.0
    """
    import statsmodels.api as sm

    fam = _family(family)
    inside, used, cols = model_rows(formula, design, domain)
    data = design.data.reset_index(drop=True)
    sub = data.loc[used, cols].copy()
    for col in cols:
        if isinstance(sub[col].dtype, pd.CategoricalDtype):
            sub[col] = sub[col].cat.remove_unused_categories()
        elif isinstance(sub[col].dtype, pd.api.extensions.ExtensionDtype) and (
            pd.api.types.is_bool_dtype(sub[col]) or pd.api.types.is_numeric_dtype(sub[col])
        ):  # nullable booleans and numbers (no gaps are left here): plain floats for patsy
            sub[col] = sub[col].to_numpy(dtype=float)
    try:
        y, x = patsy.dmatrices(formula, sub, NA_action="raise", return_type="dataframe")
    except patsy.PatsyError as err:
        raise DesignError(
            f"Cannot build the model matrix of {formula!r}: {err}",
            hint="check the column names (use Q('name') for names with dots) and reference "
            "levels (Treatment('level') must name a level present in the rows fitted).",
        ) from err
    y = _outcome(y, family, formula)
    info_x = x.design_info
    x = x[r_order(formula, info_x)]
    w = np.asarray(design.weights, float)[used]
    rank = np.linalg.matrix_rank(x.to_numpy())
    if rank < x.shape[1]:
        raise DesignError(
            f"The model matrix of {formula!r} is rank-deficient ({rank} of {x.shape[1]} "
            "columns are independent).",
            hint="drop or collapse terms that repeat others (e.g. a level present in one "
            "group only, or a variable that is constant in the domain).",
        )
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        fit = sm.GLM(y, x, family=fam, var_weights=w / w.mean()).fit(tol=1e-12, maxiter=100)
    params = pd.Series(np.asarray(fit.params), index=x.columns)
    X, yv = x.to_numpy(), y.to_numpy()
    mu = np.asarray(fit.fittedvalues)
    info = X.T @ (X * (w * _variance_fn(family, mu))[:, None])
    ainv = np.linalg.inv(info)
    influence = _frame((X * (w * (yv - mu))[:, None]) @ ainv, len(data), used)
    if design.engine.replicates:  # refitted on every replicate's weights, as R's svyglm
        reps = design.engine.repweights[used]
        betas = np.array(
            [_irls(X, yv, reps[:, r], family, params.to_numpy()) for r in range(reps.shape[1])]
        )
        cov = design.engine.spread_cov(params.to_numpy(), betas)
        df_resid = design.engine.degf(inside) + 1 - x.shape[1]
    else:
        betas = None
        cov = design.engine.vcov(influence)
        df_resid = design.engine.degf(used) + 1 - x.shape[1]
    cov = pd.DataFrame(cov, index=x.columns, columns=x.columns)
    separated = _separated(x, yv, family, params)
    if separated:
        names = "; ".join(f"{k} ({v})" for k, v in separated.items())
        warnings.warn(
            f"{formula}: no finite estimate for {names}. Their intervals are left blank; "
            "collapse these levels with a neighbouring level (or drop them) and refit.",
            SeparationWarning,
            stacklevel=2,
        )
    return SvyGLMResult(
        formula=formula,
        family=family,
        fit=fit,
        params=params,
        cov=cov,
        df_resid=float(df_resid),
        n_used=int(used.sum()),
        n_missing=int((inside & ~used).sum()),
        separated=separated,
        design=design,
        used=used,
        influence=influence,
        design_info=info_x,
        replicates=betas,
    )
