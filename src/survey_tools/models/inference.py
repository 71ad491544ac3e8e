"""What every survey-weighted model shares: rows used, t intervals, tidy tables, Wald tests.

The models (:mod:`.glm`, :mod:`.olr`) reduce a fit to its coefficients, their design-based
covariance and the design's residual degrees of freedom; the helpers here turn those into R's
``confint``, ``summary`` and ``regTermTest`` figures and into the readable result tables.
"""

from __future__ import annotations

import ast
import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
from patsy import ModelDesc
from scipy import stats

from ..errors import DesignError

__all__ = [
    "WaldTest",
    "conf_int",
    "formula_columns",
    "model_rows",
    "r_order",
    "t_pvalues",
    "wald_test",
]


def formula_columns(formula: str, data: pd.DataFrame) -> list[str]:
    """The data columns a formula reads (plain names and ``Q("name")``), in formula order."""
    desc = ModelDesc.from_formula(formula)
    found: list[str] = []
    for term in [*desc.lhs_termlist, *desc.rhs_termlist]:
        for factor in term.factors:
            for node in ast.walk(ast.parse(factor.code.strip(), mode="eval")):
                name = None
                if isinstance(node, ast.Name):
                    name = node.id
                elif (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", None) == "Q"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    name = node.args[0].value
                if name in data.columns and name not in found:
                    found.append(name)
    return found


def model_rows(formula: str, design, domain) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Rows a model uses, as R's ``na.omit`` on ``subset(design, domain)`` chooses them.

    Returns the boolean ``inside`` (the domain, all rows without one), ``used`` (``inside`` with
    every formula variable present and a positive weight) and the formula's columns.
    """
    data = design.data
    n = len(data)
    if domain is None:
        inside = np.ones(n, dtype=bool)
    else:
        mask = pd.Series(np.asarray(domain))
        if len(mask) != n:
            raise DesignError(
                f"domain= has {len(mask)} values but the design has {n} rows.",
                hint="pass a boolean mask aligned with design.data, e.g. "
                "design.data['role_group'] == 'Screen & TV writers'.",
            )
        if mask.isna().any():
            raise DesignError(
                f"domain= has {int(mask.isna().sum())} missing values.",
                hint="decide whether those rows are in the domain, e.g. mask.fillna(False).",
            )
        inside = np.asarray(mask, dtype=bool)
    cols = formula_columns(formula, data)
    complete = data[cols].notna().all(axis=1).to_numpy() if cols else np.ones(n, bool)
    used = inside & complete & (np.asarray(design.weights, float) > 0)
    if not used.any():
        raise DesignError(
            f"No rows left to fit {formula!r}: every row in the domain misses one of {cols}.",
            hint="check the domain mask and the variables' missing values (data[cols].isna()).",
        )
    return inside, used, cols


def r_order(formula: str, design_info) -> list[str]:
    """Model-matrix columns in R's order: intercept, then terms by degree in formula order.

    patsy puts terms without numeric factors first; R keeps the formula's order.
    """
    rhs = ModelDesc.from_formula(formula).rhs_termlist
    pos = {term: i for i, term in enumerate(rhs)}
    terms = sorted(
        design_info.terms, key=lambda t: (len(t.factors) > 0, len(t.factors), pos.get(t, 0))
    )
    return [c for t in terms for c in design_info.column_names[design_info.slice(t)]]


def conf_int(params: pd.Series, bse: pd.Series, df: float, level: float) -> pd.DataFrame:
    """Wald intervals with t on ``df`` degrees of freedom (R's ``confint`` on ``svyglm``)."""
    if not 0 < level < 1:
        raise DesignError(f"level={level} is not a probability.", hint="use e.g. level=0.95.")
    q = stats.t.ppf(0.5 + level / 2, df) if df > 0 else np.nan
    lo = 100 * (1 - level) / 2
    return pd.DataFrame(
        {f"{lo:g} %": params - q * bse, f"{100 - lo:g} %": params + q * bse}, index=params.index
    )


class DesignCoefficients:
    """What every design-based fit offers from its ``params``, ``cov`` and ``df_resid``."""

    @property
    def bse(self) -> pd.Series:
        """Design-based standard errors, indexed as ``params``."""
        return pd.Series(np.sqrt(np.diag(self.cov.to_numpy())), index=self.params.index)

    def cov_params(self) -> pd.DataFrame:
        """Design-based covariance matrix of the coefficients (R's ``vcov``)."""
        return self.cov.copy()

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Wald intervals with t on the design's residual degrees of freedom (R's ``confint``)."""
        return conf_int(self.params, self.bse, self.df_resid, level)


def t_pvalues(params: pd.Series, bse: pd.Series, df: float) -> pd.Series:
    """Two-sided p-values of t = estimate / se on ``df`` degrees of freedom (R's summary)."""
    t = params / bse
    return pd.Series(2 * stats.t.sf(np.abs(t), df) if df > 0 else np.nan, index=params.index)


@dataclass(frozen=True)
class WaldTest:
    """A design-based Wald test that a group of coefficients is zero (R's ``regTermTest``).

    ``F`` is the Wald chi-square divided by ``df``, referred to F on (``df``, ``ddf``), with
    ``ddf`` the model's residual design degrees of freedom.
    """

    term: str
    coefficients: tuple[str, ...]
    F: float
    df: int
    ddf: float
    p_value: float

    def to_frame(self) -> pd.DataFrame:
        """One row: term, F, df, ddf, p_value."""
        return pd.DataFrame(
            [
                {
                    "term": self.term,
                    "F": self.F,
                    "df": self.df,
                    "ddf": self.ddf,
                    "p_value": self.p_value,
                }
            ]
        )

    def __repr__(self) -> str:
        return (
            f"Wald test for {self.term}: F = {self.F:.4g} on {self.df} and {self.ddf:g} df, "
            f"p = {self.p_value:.4g}"
        )


def _term_matches(term: str, name: str) -> bool:
    if name == term:
        return True
    inner = (
        name[2:-1].split(",")[0].strip() if name.startswith("C(") and name.endswith(")") else name
    )
    try:
        tree = ast.parse(term, mode="eval")
    except SyntaxError:
        return False
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {
        n.args[0].value
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "Q" and n.args
    }
    return inner in names and (":" not in term)


def wald_test(term: str, slices: dict, params: pd.Series, cov: pd.DataFrame, ddf: float):
    """Wald F test of the coefficients of one formula term; ``slices`` maps term -> columns."""
    hits = [t for t in slices if _term_matches(t, term)]
    if not hits:
        raise DesignError(
            f"The model has no term {term!r}; its terms are {list(slices)}.",
            hint="name a term as the formula writes it, e.g. wald_test('C(role)') or "
            "wald_test('age_band').",
        )
    cols = [c for t in hits for c in slices[t]]
    b = params[cols].to_numpy()
    v = cov.loc[cols, cols].to_numpy()
    chisq = float(b @ np.linalg.solve(v, b))
    k = len(cols)
    f = chisq / k
    p = float(stats.f.sf(f, k, ddf)) if ddf > 0 else float(stats.chi2.sf(chisq, k))
    return WaldTest(" + ".join(hits), tuple(cols), f, k, float(ddf), p)


def html_table(title: str, lines: list[str], table: pd.DataFrame) -> str:
    """A small HTML block: a bold title, a few lines of context, then the table."""
    head = "".join(f"<div>{html.escape(x)}</div>" for x in lines)
    body = table.to_html(float_format=lambda x: f"{x:.4g}", na_rep="—", index=False)
    return f"<div><strong>{html.escape(title)}</strong>{head}{body}</div>"
