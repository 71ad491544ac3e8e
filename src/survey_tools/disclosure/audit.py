"""The intruder's audit: how tightly can linear programming pin each hidden cell?

An intruder sees every published cell and every published total of a table of nonnegative
counts. For each hidden cell they can solve two linear programs (``scipy.optimize.linprog``):
the smallest and the largest value the cell can take while every published row, column and
grand total still adds up and no cell is negative. The interval between the two is all they
learn. A hidden cell is *protected* when that interval is at least ``protection`` units wide,
or when it is a zero in a row or column whose published total is zero: every reader knows
such a cell from the totals, nothing can hide it, and a zero discloses no one.

Which totals are published: row totals when the table has two or more columns, column totals
when it has two or more rows, and the grand total always (a one-way table, a single column,
publishes only its total). For two-way tables with both margins the constraint matrix is
totally unimodular, so the bounds are whole numbers and a width of 1 means that at least two
whole values remain possible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from ..errors import PrivacyError

__all__ = ["audit", "published_margins"]


def published_margins(shape: tuple[int, int]) -> tuple[bool, bool]:
    """Whether row totals and column totals are published for a table of this shape.

    >>> published_margins((5, 1)), published_margins((3, 4))
    ((False, True), (True, True))
    """
    n_rows, n_cols = shape
    return n_cols > 1, n_rows > 1 or n_cols == 1  # a single column publishes its total


def _constraints(counts: np.ndarray, hidden: np.ndarray):
    """Equality constraints on the hidden cells implied by the published totals."""
    rows_pub, cols_pub = published_margins(counts.shape)
    cells = np.argwhere(hidden)
    position = {(int(i), int(j)): k for k, (i, j) in enumerate(cells)}
    shown = np.where(hidden, 0, counts)
    A, b = [], []

    def add(members: list[tuple[int, int]], rhs: float) -> None:
        ks = [position[m] for m in members if m in position]
        if ks:
            row = np.zeros(len(cells))
            row[ks] = 1.0
            A.append(row)
            b.append(rhs)

    n_rows, n_cols = counts.shape
    if rows_pub:
        for i in range(n_rows):
            add([(i, j) for j in range(n_cols)], counts[i].sum() - shown[i].sum())
    if cols_pub:
        for j in range(n_cols):
            add([(i, j) for i in range(n_rows)], counts[:, j].sum() - shown[:, j].sum())
    if not (rows_pub and cols_pub):
        add([tuple(c) for c in position], counts.sum() - shown.sum())
    return cells, np.array(A), np.array(b)


def _bounds(counts: np.ndarray, hidden: np.ndarray, only: np.ndarray | None = None):
    """Cells (k x 2), lower and upper bounds an intruder can prove for each hidden cell.

    With ``only``, cells outside it are skipped (their bounds stay 0 and infinity).
    """
    cells, A, b = _constraints(counts, hidden)
    lower = np.zeros(len(cells))
    upper = np.full(len(cells), np.inf)
    for k in range(len(cells)):
        if only is not None and not only[tuple(cells[k])]:
            continue
        c = np.zeros(len(cells))
        c[k] = 1.0
        for sign, out in ((1.0, lower), (-1.0, upper)):
            res = linprog(
                sign * c,
                A_eq=A if len(A) else None,
                b_eq=b if len(b) else None,
                bounds=(0, None),
                method="highs",
            )
            if res.status == 0:
                out[k] = sign * res.fun
            elif res.status != 3:  # 3 = unbounded: the cell is free above
                raise PrivacyError(
                    f"The disclosure audit's linear program failed: {res.message}",
                    hint="check that the counts are whole and nonnegative, and report the table",
                )
    return cells, lower, upper


def audit(counts: pd.DataFrame, hidden: pd.DataFrame, *, protection: float = 1.0) -> pd.DataFrame:
    """Bounds an intruder can prove for every hidden cell, by linear programming.

    Parameters
    ----------
    counts
        Nonnegative counts, rows by columns, without margins.
    hidden
        Boolean DataFrame of the same shape: True where the cell is withheld.
    protection
        Width (in count units) the feasible interval of a hidden cell must reach.

    Returns
    -------
    DataFrame
        One row per hidden cell: ``row``, ``column``, ``value``, ``lower``, ``upper``,
        ``width`` and ``protected`` (``width >= protection``).

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"a": [3, 20], "b": [15, 40]}, index=["x", "y"])
    >>> hide = pd.DataFrame({"a": [True, False], "b": [False, False]}, index=["x", "y"])
    >>> audit(counts, hide)[["row", "column", "lower", "upper", "protected"]]
      row column  lower  upper  protected
    0   x      a    3.0    3.0      False
    """
    values = np.asarray(counts, dtype=float)
    mask = np.asarray(hidden, dtype=bool)
    cells, lower, upper = _bounds(values, mask)
    lower, upper = np.round(lower, 6), np.round(upper, 6)
    width = upper - lower
    return pd.DataFrame(
        {
            "row": [counts.index[i] for i, _ in cells],
            "column": [counts.columns[j] for _, j in cells],
            "value": values[mask] if len(cells) else np.zeros(0),
            "lower": lower,
            "upper": upper,
            "width": width,
            "protected": (width >= protection - 1e-9) | known_zeros(values)[mask],
        }
    )


def _on_cycles(values: np.ndarray, mask: np.ndarray, *, nonzero: bool = True) -> np.ndarray:
    """Hidden nonzero cells that lie on a cycle of hidden nonzero cells (not bridges).

    Moving such a cycle by +1, -1, +1... changes no published total and keeps every cell
    nonnegative, in both directions, so the cell's interval is at least 2 units wide: the
    linear programs can be skipped for it. With ``nonzero=False`` hidden zeros count too; a
    hidden cell on no cycle at all is pinned exactly (width 0).
    """
    n_rows, n_cols = values.shape
    size = n_rows + n_cols + 1
    free = size - 1
    rows_pub, cols_pub = published_margins(values.shape)
    adj = np.zeros((size, size), dtype=bool)
    usable = mask & (values > 0) if nonzero else mask
    adj[:n_rows, n_rows:free] = usable
    if not rows_pub:
        adj[:n_rows, free] = True
    if not cols_pub:
        adj[n_rows:free, free] = True
    adj = adj | adj.T
    out = np.zeros(mask.shape, dtype=bool)
    for i, j in np.argwhere(usable):
        a, b = i, n_rows + j
        adj[a, b] = adj[b, a] = False
        _, labels = connected_components(csr_matrix(adj), directed=False)
        adj[a, b] = adj[b, a] = True
        out[i, j] = labels[a] == labels[b]
    return out


def known_zeros(values: np.ndarray) -> np.ndarray:
    """Cells in a row or column whose published total is zero (known to be zero by all)."""
    rows_pub, cols_pub = published_margins(values.shape)
    zero_rows = (values.sum(axis=1, keepdims=True) == 0) & rows_pub
    zero_cols = (values.sum(axis=0, keepdims=True) == 0) & cols_pub
    return np.broadcast_to(zero_rows | zero_cols | (values.sum() == 0), values.shape)


def exposed(values: np.ndarray, mask: np.ndarray, protection: float) -> np.ndarray:
    """Boolean array: hidden cells whose feasible interval is narrower than ``protection``."""
    return _exposed(values, mask, protection) & ~known_zeros(values)


def _exposed(values: np.ndarray, mask: np.ndarray, protection: float) -> np.ndarray:
    out = np.zeros(mask.shape, dtype=bool)
    if not mask.any():
        return out
    values = values.astype(float)
    safe = _on_cycles(values, mask) if protection <= 2 else np.zeros(mask.shape, dtype=bool)
    if (mask <= safe).all():
        return out
    pinned = mask & ~_on_cycles(values, mask, nonzero=False)
    out |= pinned
    todo = mask & ~safe & ~pinned
    if todo.any():
        cells, lower, upper = _bounds(values, mask, only=todo)
        bad = (upper - lower) < protection - 1e-9
        for (i, j), flag in zip(cells, bad):
            if todo[i, j]:
                out[i, j] = flag
    return out
