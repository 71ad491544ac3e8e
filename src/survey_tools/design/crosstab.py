"""Weighted two-way tables with the Rao-Scott test of independence, as R's ``svychisq``.

The Pearson statistic of the weighted table (scaled to the number of rows) is corrected for the
design with the eigenvalues of the generalised design-effect matrix ``Delta`` (Rao and Scott,
1984): the second-order correction divides it by ``trace(Delta)`` and refers it to an F with
``d0 = trace(Delta)^2 / trace(Delta^2)`` and ``d0 * df`` degrees of freedom (R's default,
``statistic="F"``); the first-order correction divides it by the mean eigenvalue and refers it
to a chi-square with ``(r - 1)(c - 1)`` degrees of freedom (``statistic="Chisq"``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DesignError

__all__ = ["Crosstab", "crosstab"]


@dataclass(frozen=True)
class Crosstab:
    """A weighted two-way table and its Rao-Scott tests.

    Attributes
    ----------
    table
        Weighted counts (estimated population), rows by columns.
    row_pct, col_pct
        Row and column percentages of the weighted table (each row / column sums to 100).
    n
        Unweighted counts of respondents in each cell.
    test
        ``pearson`` (X^2 of the table scaled to the sample size), ``F``, ``ndf``, ``ddf``,
        ``p_value`` (second-order Rao-Scott), ``chisq``, ``df``, ``p_chisq`` (first-order).
    """

    row: str
    col: str
    table: pd.DataFrame
    row_pct: pd.DataFrame
    col_pct: pd.DataFrame
    n: pd.DataFrame
    test: dict

    def __repr__(self) -> str:
        t = self.test
        return (
            f"Crosstab({self.row} x {self.col}: Rao-Scott F = {t['F']:.3f} on "
            f"({t['ndf']:.2f}, {t['ddf']:.2f}) df, p = {t['p_value']:.4g})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per cell: weighted count, row and column percentages, unweighted n."""
        out = self.table.stack().rename("weighted_count").reset_index()
        out.columns = [self.row, self.col, "weighted_count"]
        out["row_pct"] = self.row_pct.stack().to_numpy()
        out["col_pct"] = self.col_pct.stack().to_numpy()
        out["n"] = self.n.stack().to_numpy()
        return out


def _observed(values: pd.Series, name: str) -> tuple[np.ndarray, pd.Index]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        levels = values.cat.categories[np.isin(values.cat.categories, values.dropna().unique())]
    else:
        levels = pd.Index(sorted(values.dropna().unique()))
    if len(levels) < 2:
        raise DesignError(
            f"Column {name!r} has {len(levels)} observed level(s); a table needs two or more.",
            hint="choose a variable that varies, or collapse none of its levels",
        )
    return pd.Categorical(values, categories=levels).codes.astype(np.int64), levels


def crosstab(design, row: str, col: str) -> Crosstab:
    """Weighted table of ``row`` by ``col`` with the Rao-Scott tests (see the module docstring)."""
    for name in (row, col):
        if name not in design.data.columns:
            raise DesignError(f"The data has no column {name!r}.", hint="check the spelling")
    r, rows = _observed(design.data[row], row)
    c, cols = _observed(design.data[col], col)
    nr, nc = len(rows), len(cols)
    ok = (r >= 0) & (c >= 0)
    cell = np.where(ok, r + nr * c, -1)  # cells in R's order: rows vary fastest
    w = np.where(ok, design.weights, 0.0)
    k = nr * nc
    y = (cell[:, None] == np.arange(k)).astype(float)
    wsum = w.sum()
    p = (w[:, None] * y).sum(axis=0) / wsum
    if design.engine.replicates:  # each replicate's cell shares, as R's svychisq
        V = design.engine.mean_cov(y, ok)
    else:
        V = design.engine.vcov(np.where(ok[:, None], w[:, None] * (y - p) / wsum, 0.0))

    N = len(design.data)  # R scales the table to the number of rows (svytable(Ntotal = N))
    counts = p.reshape(nc, nr).T * N
    expected = counts.sum(axis=1, keepdims=True) * counts.sum(axis=0, keepdims=True) / N
    pearson = float(np.sum((counts - expected) ** 2 / np.where(expected > 0, expected, np.inf)))

    grid_r, grid_c = np.tile(np.arange(nr), nc), np.repeat(np.arange(nc), nr)
    main = np.column_stack(
        [np.ones(k)]
        + [(grid_r == i).astype(float) for i in range(1, nr)]
        + [(grid_c == j).astype(float) for j in range(1, nc)]
    )
    inter = np.column_stack(
        [(grid_r == i) & (grid_c == j) for j in range(1, nc) for i in range(1, nr)]
    ).astype(float)
    C = inter - main @ np.linalg.lstsq(main, inter, rcond=None)[0]
    inv_p = np.where(p > 0, 1 / np.where(p > 0, p, 1), 0.0)
    denom = C.T @ (inv_p[:, None] * C) / N
    numer = C.T @ (inv_p[:, None] * V * inv_p[None, :]) @ C
    delta = np.linalg.solve(denom, numer)
    trace = float(np.trace(delta))
    d0 = trace**2 / float(np.trace(delta @ delta))
    nu = design.engine.degf()  # PSUs minus strata, as R's svychisq
    F = pearson / trace
    df = (nr - 1) * (nc - 1)
    chisq = pearson / (trace / df)
    test = {
        "pearson": pearson,
        "F": F,
        "ndf": d0,
        "ddf": d0 * nu,
        "p_value": float(stats.f.sf(F, d0, d0 * nu)),
        "chisq": chisq,
        "df": df,
        "p_chisq": float(stats.chi2.sf(chisq, df)),
    }
    weighted = pd.DataFrame(
        np.bincount(cell[ok], weights=w[ok], minlength=k).reshape(nc, nr).T,
        index=pd.Index(rows, name=row),
        columns=pd.Index(cols, name=col),
    )
    n = pd.DataFrame(
        np.bincount(cell[ok], minlength=k).reshape(nc, nr).T,
        index=weighted.index,
        columns=weighted.columns,
    )
    return Crosstab(
        row=row,
        col=col,
        table=weighted,
        row_pct=100 * weighted.div(weighted.sum(axis=1), axis=0),
        col_pct=100 * weighted.div(weighted.sum(axis=0), axis=1),
        n=n,
        test=test,
    )
