"""Weighting to the membership roll: raking, post-stratification, weighting diagnostics.

Raking works on the unique cells of the margin variables (a few hundred cells even for a
million rows), then maps each cell's adjustment back to its rows. The calibrated design keeps
what its variance needs, as R does: for post-stratification the cells and the weights before
and after; for raking each margin's levels and the final weights. The variance then uses the
residuals of the influence values after removing each margin's (weighted) mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import WeightingError

__all__ = ["WeightDiagnostics", "diagnostics", "rake_cells", "residualise"]


@dataclass(frozen=True)
class WeightDiagnostics:
    """How much weighting costs in precision (Kish), and how far the weights spread."""

    n: int
    effective_n: float
    efficiency: float
    deff_weighting: float
    weight_min: float
    weight_max: float
    weight_ratio: float
    iterations: int | None = None
    max_relative_misfit: float | None = None

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"measure": list(self.__dict__), "value": list(self.__dict__.values())})


def diagnostics(w: np.ndarray, iterations=None, misfit=None) -> WeightDiagnostics:
    """Kish effective sample size (sum w)^2 / sum w^2, efficiency n_eff / n, deff = n / n_eff."""
    w = w[w > 0]
    n_eff = w.sum() ** 2 / (w**2).sum()
    return WeightDiagnostics(
        n=len(w),
        effective_n=float(n_eff),
        efficiency=float(n_eff / len(w)),
        deff_weighting=float(len(w) / n_eff),
        weight_min=float(w.min()),
        weight_max=float(w.max()),
        weight_ratio=float(w.max() / w.min()),
        iterations=iterations,
        max_relative_misfit=misfit,
    )


def margin_codes(data: pd.DataFrame, margins: dict) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Each margin's row codes and targets, with errors that name the margin and the level."""
    out = []
    for col, targets in margins.items():
        if col not in data.columns:
            raise WeightingError(
                f"The data has no column {col!r} for the margin of that name.",
                hint="derive it in the codebook, or drop the margin",
            )
        values = data[col]
        if values.isna().any():
            raise WeightingError(
                f"{int(values.isna().sum())} respondent(s) have no {col!r}, so they cannot be "
                "raked on it.",
                hint="impute it (e.g. from the roll) or drop those rows before weighting",
            )
        labels = pd.Index([str(k) for k in targets])
        codes = labels.get_indexer(values.astype(str))
        if (codes < 0).any():
            level = values.astype(str)[codes < 0].iloc[0]
            raise WeightingError(
                f"Level {level!r} of {col!r} appears in the data but has no population total "
                "in the margins.",
                hint=f"add {col}={level!r} to the margins, or recode it to a level that has one",
            )
        totals = np.array([float(v) for v in targets.values()])
        present = np.bincount(codes, minlength=len(labels))
        empty = (present == 0) & (totals > 0)
        if empty.any():
            raise WeightingError(
                f"Level {labels[int(np.flatnonzero(empty)[0])]!r} of {col!r} has a population "
                "total but no respondents.",
                hint="collapse it with a neighbouring level in the data and the margins",
            )
        out.append((col, codes, totals))
    return out


def rake_cells(
    w: np.ndarray,
    codes: list[np.ndarray],
    totals: list[np.ndarray],
    *,
    max_iter: int,
    tol: float,
    bounds: tuple[float, float] | None,
):
    """Iterative proportional fitting of the weights to every margin; returns new weights.

    Works on the unique cells of the margin variables. Convergence: every margin's weighted
    totals within ``tol`` (relative) of its targets, and adjustments within ``bounds``.
    """
    key = np.zeros(len(w), dtype=np.int64)
    for c, t in zip(codes, totals):
        key = key * len(t) + c
    cells, cell_of = np.unique(key, return_inverse=True)
    base = np.bincount(cell_of, weights=w)
    cell_codes = []
    rest = cells.copy()
    for t in reversed(totals):
        cell_codes.append(rest % len(t))
        rest //= len(t)
    cell_codes.reverse()
    g = np.ones(len(cells))
    misfit, passes = np.inf, 0
    while passes < max_iter:
        passes += 1
        for cc, t in zip(cell_codes, totals):
            have = np.bincount(cc, weights=base * g, minlength=len(t))
            g *= np.divide(t, have, out=np.zeros_like(t), where=have > 0)[cc]
        if bounds is not None:
            g = np.clip(g, *bounds)
        misfit = max(
            float(
                np.max(
                    np.abs(np.bincount(cc, weights=base * g, minlength=len(t)) - t)
                    / np.where(t > 0, t, 1)
                )
            )
            for cc, t in zip(cell_codes, totals)
        )
        if misfit < tol:
            break
    return w * g[cell_of], passes, misfit


def residualise(x: np.ndarray, calibrations: tuple) -> np.ndarray:
    """Influence values after the calibration steps, as R's ``svyrecvar`` does with postStrata."""
    for step in calibrations:
        if step[0] == "post":
            _, index, oldw, psw = step
            k = index.max() + 1
            means = np.column_stack(
                [
                    np.bincount(index, weights=x[:, j] * oldw / psw, minlength=k)
                    for j in range(x.shape[1])
                ]
            )
            means /= np.bincount(index, weights=oldw, minlength=k)[:, None]
            x = x - means[index] * psw[:, None]
        elif step[0] == "greg":  # R's greg_calibration: QR residuals of x/(g sqrt w)
            _, scaled_x, wg = step
            y = x / wg[:, None]
            beta = np.linalg.lstsq(scaled_x, y, rcond=None)[0]
            x = (y - scaled_x @ beta) * wg[:, None]
        else:
            x = _rake_residuals(x, *step[1:])
    return x


def rake_step(margins: list, psw: np.ndarray) -> tuple:
    """What residualise needs to undo a raking: the cells the margins cross-classify, each
    cell's level of every margin, each row's cell, and the raked weights."""
    key = np.zeros(len(psw), dtype=np.int64)
    for index in margins:
        key = key * (int(index.max()) + 1) + index
    _, first, cell_of = np.unique(key, return_index=True, return_inverse=True)
    levels = [(index[first], int(index.max()) + 1) for index in margins]
    return ("rake", cell_of, levels, psw)


def _rake_residuals(x: np.ndarray, cell_of: np.ndarray, levels: list, psw: np.ndarray):
    """R's raking residuals: sweep each margin's means of ``x / w`` out, ten times over.

    Every sweep subtracts one amount per level of a margin, so the sweeps run on the cells the
    margins cross-classify (sums and counts per cell) and the amounts reach the rows once.
    """
    q = x.shape[1]
    counts = np.bincount(cell_of).astype(float)
    ratio = x / psw[:, None]
    sums = np.column_stack(
        [np.bincount(cell_of, weights=ratio[:, j], minlength=len(counts)) for j in range(q)]
    )
    shifts = [np.zeros((k, q)) for _, k in levels]
    for _ in range(10):
        for (level, k), shift in zip(levels, shifts):
            taken = sum(s[lv] for s, (lv, _) in zip(shifts, levels))
            resid = sums - counts[:, None] * taken
            level_sums = np.column_stack(
                [np.bincount(level, weights=resid[:, j], minlength=k) for j in range(q)]
            )
            shift += level_sums / np.bincount(level, weights=counts, minlength=k)[:, None]
    taken = sum(s[lv] for s, (lv, _) in zip(shifts, levels))  # per cell
    return psw[:, None] * (ratio - taken[cell_of])
