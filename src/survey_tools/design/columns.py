"""How a design reads the data's columns: category codes, the quantile rule, absent columns,
and the checks that refuse inputs no estimate can be right from (no rows, impossible weights,
a confidence level outside (0, 1))."""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from ..errors import DesignError

__all__ = [
    "MAX_WEIGHT",
    "category_codes",
    "check_level",
    "check_weights",
    "no_column",
    "qrule_math",
]

MAX_WEIGHT = 1e12
"""Largest weight accepted: a respondent standing for more people than this is a data error (and
sums of such weights lose all precision). Raise it here if a design truly needs more."""


def _rows(data: pd.DataFrame, bad: np.ndarray) -> str:
    shown = ", ".join(map(str, data.index[bad][:5].tolist()))
    return f"{int(bad.sum())} row(s), e.g. {shown}" + ("..." if bad.sum() > 5 else "")


def check_weights(data: pd.DataFrame, col: str | None) -> np.ndarray | None:
    """The weights in ``col`` as floats, or :class:`DesignError` naming the column and rows.

    Refused: an empty data frame; weights that are not numbers, NaN, infinite, negative or
    above :data:`MAX_WEIGHT`; weights that are all zero.
    """
    if len(data) == 0:
        raise DesignError(
            "The data has no rows: there is nothing to estimate from.",
            hint="check the filter or the file that produced the data",
        )
    if col is None:
        return None
    raw = data[col]
    w = pd.to_numeric(raw, errors="coerce").to_numpy(float, na_value=np.nan)
    for bad, what in (
        (np.isnan(w) & raw.notna().to_numpy(), "not numbers"),
        (np.isnan(w), "missing (NaN)"),
        (np.isinf(w), "infinite"),
        (w < 0, "negative"),
        (w > MAX_WEIGHT, f"above {MAX_WEIGHT:g}"),
    ):
        if bad.any():
            raise DesignError(
                f"Weights in {col!r} are {what} for {_rows(data, bad)}.",
                hint="weights must be finite numbers >= 0: fix or drop those rows, or check that "
                f"{col!r} is the weight column",
            )
    if not (w > 0).any():
        raise DesignError(
            f"Weights in {col!r} are all zero: no respondent counts.",
            hint=f"check that {col!r} is the weight column",
        )
    return w


def check_level(level) -> float:
    """A confidence level strictly between 0 and 1, or :class:`DesignError`."""
    if (
        isinstance(level, bool)
        or not isinstance(level, int | float | np.floating)
        or not (0 < level < 1)
    ):
        raise DesignError(
            f"The confidence level {level!r} is not between 0 and 1.",
            hint="give e.g. level=0.95 for 95% intervals",
        )
    return float(level)


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
