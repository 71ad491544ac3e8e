"""How a design reads the data's columns: category codes, the quantile rule, absent columns."""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from ..errors import DesignError

__all__ = ["category_codes", "no_column", "qrule_math"]


def no_column(data: pd.DataFrame, col: str) -> DesignError:
    """The error for a column the data lacks, pointing at a check-all group or a near name."""
    options = [c for c in map(str, data.columns) if c.startswith(f"{col}_")]
    if options:
        shown = ", ".join(options[:4]) + (", ..." if len(options) > 4 else "")
        return DesignError(
            f"{col!r} is a check-all question: the data holds one column per option ({shown}).",
            hint=f"take proportion() of one option, or proportion({options[:2]!r}...) of several",
        )
    near = difflib.get_close_matches(str(col), list(map(str, data.columns)), n=3)
    return DesignError(
        f"The data has no column {col!r}.",
        hint=f"did you mean {' or '.join(map(repr, near))}?" if near else "check the spelling",
    )


def category_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes (-1 where missing) and the levels of a column: a categorical's own categories,
    otherwise the sorted distinct values."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(np.int64), values.cat.categories
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), pd.Index(uniques)


def qrule_math(x: np.ndarray, w: np.ndarray, p: float) -> float:
    """R's ``qrule_math``: the smallest x whose cumulative weight share reaches p."""
    keep = w != 0
    x, w = x[keep], w[keep]
    order = np.argsort(x, kind="stable")
    x = x[order]
    cumw = np.cumsum(w[order].astype(np.longdouble)).astype(float)  # R accumulates in long double
    total = float(np.sum(np.asarray(w, dtype=np.longdouble)))
    below = np.flatnonzero(cumw <= p * total)
    pos = below[-1] if len(below) else 0
    nxt = min(pos + 1, len(x) - 1)
    return float(x[pos] if p - cumw[pos] / total == 0 else x[nxt])
