"""Complementary (secondary) suppression: hide a few more cells until the audit passes.

Two methods, both finished by the same linear-programming audit (:mod:`.audit`):

``"cycles"`` (the default)
    Think of the table as a bipartite graph: one node per row, one per column, one edge per
    cell. A hidden cell can move by one unit without changing any published total exactly when
    its edge lies on a cycle of hidden, nonzero cells (the values go +1, -1, +1... around it).
    Unpublished margins (the rows of a one-way table) join a free node, so a path through them
    closes a cycle too. Each exposed cell gets the cheapest cycle through it: Dijkstra's
    shortest path (``scipy.sparse.csgraph``) from its column to its row, where a cell already
    hidden costs almost nothing and a shown cell costs one cell plus its share of the grand
    total, so few cells are preferred first and small cells second. After the audit passes,
    complementary cells are tried for removal, largest first, and stay shown when the audit
    still passes without them.
``"baseline"``
    The textbook rule kept for comparison: hide the smallest shown cell of every row and
    column that holds an exposed cell, and repeat until the audit passes.

When a method cannot make progress it falls back to the baseline step, which ends at the
latest when every cell is hidden; a table that fails even then (a total that equals one
cell) cannot be protected and raises :class:`~survey_tools.PrivacyError`.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .audit import exposed, published_margins

__all__ = ["METHODS", "protect"]

METHODS = ("cycles", "baseline")
_EPS = 1e-6


def _graph(values: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Dense weighted adjacency of rows, columns and a free node (0 = no edge)."""
    n_rows, n_cols = values.shape
    size = n_rows + n_cols + 1
    free = size - 1
    adj = np.zeros((size, size))
    total = max(values.sum(), 1.0)
    cost = np.where(hidden, _EPS, np.where(values > 0, 1.0 + values / total, 0.0))
    adj[:n_rows, n_rows : n_rows + n_cols] = cost
    rows_pub, cols_pub = published_margins(values.shape)
    if not rows_pub:
        adj[:n_rows, free] = _EPS
    if not cols_pub:
        adj[n_rows : n_rows + n_cols, free] = _EPS
    return np.maximum(adj, adj.T)


def _cycle(values: np.ndarray, hidden: np.ndarray, i: int, j: int) -> list[tuple[int, int]]:
    """Cells of the cheapest cycle through cell (i, j); empty if there is none."""
    n_rows, n_cols = values.shape
    adj = _graph(values, hidden)
    a, b = i, n_rows + j
    adj[a, b] = adj[b, a] = 0.0
    dist, pred = dijkstra(csr_matrix(adj), directed=False, indices=b, return_predecessors=True)
    if not np.isfinite(dist[a]):
        return []
    cells, node = [], a
    while node != b:
        prev = pred[node]
        lo, hi = min(node, prev), max(node, prev)
        if lo < n_rows <= hi < n_rows + n_cols:
            cells.append((lo, hi - n_rows))
        node = prev
    return cells


def _baseline_step(values: np.ndarray, hidden: np.ndarray, bad: np.ndarray) -> np.ndarray:
    """Hide the smallest shown cell (nonzero first) of each row and column with an exposed cell."""
    out = hidden.copy()
    rows_pub, cols_pub = published_margins(values.shape)
    lines: list[tuple[np.ndarray, np.ndarray]] = []
    bad_rows, bad_cols = np.nonzero(bad)
    n_rows, n_cols = values.shape
    if rows_pub:
        lines += [(np.full(n_cols, i), np.arange(n_cols)) for i in np.unique(bad_rows)]
    if cols_pub:
        lines += [(np.arange(n_rows), np.full(n_rows, j)) for j in np.unique(bad_cols)]
    if not (rows_pub or cols_pub):  # a single cell: nothing else to hide
        return out
    if not (rows_pub and cols_pub) and bad.any():  # one-way: the grand total is the line
        ii, jj = np.indices(values.shape)
        lines.append((ii.ravel(), jj.ravel()))
    for ii, jj in lines:
        shown = ~hidden[ii, jj]
        if not shown.any():
            continue
        v = values[ii, jj]
        key = np.where(shown, np.where(v > 0, v, np.inf), np.nan)
        k = int(np.nanargmin(key)) if np.isfinite(np.nanmin(key)) else int(np.flatnonzero(shown)[0])
        out[ii[k], jj[k]] = True
    return out


def protect(
    values: np.ndarray,
    primary: np.ndarray,
    *,
    protection: float = 1.0,
    method: str = "cycles",
) -> np.ndarray | None:
    """Hidden-cell mask (primary plus complementary) that passes the audit.

    Returns ``None`` when no pattern can pass, even with every cell hidden.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([[3, 20, 30], [15, 40, 25], [22, 18, 60]])
    >>> mask = protect(t, t < 10)
    >>> int(mask.sum()), bool(exposed(t, mask, 1.0).any())
    (4, False)
    """
    values = np.asarray(values, dtype=float)
    hidden = np.asarray(primary, dtype=bool).copy()
    for _ in range(values.size + 1):  # every round hides at least one more cell
        bad = exposed(values, hidden, protection)
        if not bad.any():
            break
        before = hidden.copy()
        if method == "cycles":
            order = np.argwhere(bad)
            order = order[np.argsort(-values[bad], kind="stable")]
            for i, j in order:
                for cell in _cycle(values, hidden, int(i), int(j)):
                    hidden[cell] = True
        if method == "baseline" or (hidden == before).all():
            hidden = _baseline_step(values, hidden, bad)
        if (hidden == before).all():
            return None
    else:
        return None
    if method == "cycles":
        hidden = _prune(values, hidden, np.asarray(primary, dtype=bool), protection)
    return hidden


def _prune(values, hidden, primary, protection) -> np.ndarray:
    """Show again every complementary cell (largest first) the audit does not need."""
    extra = np.argwhere(hidden & ~primary)
    extra = extra[np.argsort(-values[hidden & ~primary], kind="stable")]
    for i, j in extra:
        trial = hidden.copy()
        trial[i, j] = False
        if not exposed(values, trial, protection).any():
            hidden = trial
    return hidden
