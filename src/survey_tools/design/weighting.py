"""Weighting to the membership roll: raking, post-stratification, linear calibration.

Each method returns the new weights and a frozen step object (:class:`Raking`,
:class:`PostStratification`, :class:`Calibration`) that keeps what the variance needs, as R
does: for post-stratification the cells and the weights before and after; for raking each
margin's levels and the final weights; for calibration the scaled model matrix. A step's
``residualise`` replaces influence values by their residuals from the calibration model, and its
``describe`` says in words how the design was weighted.

Raking works on the unique cells of the margin variables (a few hundred cells even for a
million rows), then maps each cell's adjustment back to its rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..errors import WeightingError

__all__ = [
    "Calibration",
    "PostStratification",
    "Raking",
    "WeightDiagnostics",
    "calibrate_weights",
    "diagnostics",
    "poststratify_weights",
    "rake_weights",
    "residualise",
]


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
        row_codes, uniques = pd.factorize(values)
        codes = labels.get_indexer(pd.Index([str(u) for u in uniques]))[row_codes]
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
    cell_of, first = dense_codes(key)
    cells = key[first]
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


def dense_codes(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..k-1 of the distinct values of a non-negative integer key, in sorted order, and
    each code's first row: what ``np.unique(key, return_index=True, return_inverse=True)`` gives,
    in linear time when the key's range is small (as for cells of margins)."""
    top = int(key.max(initial=-1)) + 1
    if top > 4 * len(key) + 1024:
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        return inverse, first
    present = np.zeros(top, dtype=bool)
    present[key] = True
    remap = np.cumsum(present) - 1
    first = np.full(top, len(key), dtype=np.int64)
    np.minimum.at(first, key, np.arange(len(key)))
    return remap[key], first[present]


def residualise(x: np.ndarray, steps: tuple) -> np.ndarray:
    """Influence values after the calibration steps, as R's ``svyrecvar`` does with postStrata."""
    for step in steps:
        x = step.residualise(x)
    return x


def _cell_sums(cell_of: np.ndarray, x: np.ndarray, n_cells: int) -> np.ndarray:
    return np.column_stack(
        [np.bincount(cell_of, weights=x[:, j], minlength=n_cells) for j in range(x.shape[1])]
    )


class _CellStep:
    """A calibration on cells (raking, post-stratification): the residual of influence values x
    is ``x - weights * shifts(sums)[cell_of]``, where ``sums`` are the cell sums of
    ``x * sum_weights``. The variance engine uses the same three parts on cell-level sums."""

    def residualise(self, x: np.ndarray) -> np.ndarray:
        sums = _cell_sums(self.cell_of, x * self.sum_weights[:, None], self.n_cells)
        return x - self.weights[:, None] * self.shifts(sums)[self.cell_of]


@dataclass(frozen=True)
class Raking(_CellStep):
    """A raking step: the margins, the cells they cross-classify and the raked weights."""

    margins: tuple[str, ...]
    cell_of: np.ndarray  # row -> cell of the margins' cross-classification
    levels: tuple  # per margin: (cell -> level code, number of levels)
    weights: np.ndarray
    iterations: int
    misfit: float

    def describe(self) -> str:
        return f"raked to {', '.join(self.margins)} ({self.iterations} passes)"

    @property
    def n_cells(self) -> int:
        return len(self.levels[0][0])

    @property
    def sum_weights(self) -> np.ndarray:
        return 1 / self.weights

    def shifts(self, sums: np.ndarray) -> np.ndarray:
        """R's raking residuals: sweep each margin's means of ``x / w`` out, ten times over.

        Every sweep subtracts one amount per level of a margin, so the sweeps run on the cells
        the margins cross-classify (sums and counts per cell); returns the amount per cell.
        """
        onehots, sizes = self._sweep_parts
        shifts = [np.zeros((k.shape[1], sums.shape[1])) for k in onehots]
        for _ in range(10):
            for m, (onehot, size) in enumerate(zip(onehots, sizes)):
                taken = sum(o @ s for o, s in zip(onehots, shifts))
                shifts[m] += onehot.T @ (sums - self._counts[:, None] * taken) / size[:, None]
        return sum(o @ s for o, s in zip(onehots, shifts))

    @cached_property
    def _counts(self) -> np.ndarray:
        return np.bincount(self.cell_of, minlength=self.n_cells).astype(float)

    @cached_property
    def _sweep_parts(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per margin: the cells' one-hot level matrix and the rows in each level."""
        onehots = [(level[:, None] == np.arange(k)).astype(float) for level, k in self.levels]
        return onehots, [o.T @ self._counts for o in onehots]


@dataclass(frozen=True)
class PostStratification(_CellStep):
    """A post-stratification step: each row's cell and the weights before and after."""

    cells: tuple[str, ...]
    cell_of: np.ndarray
    before: np.ndarray
    weights: np.ndarray

    iterations = 1
    misfit = 0.0

    def describe(self) -> str:
        return f"post-stratified on {' x '.join(self.cells)}"

    @property
    def n_cells(self) -> int:
        return int(self.cell_of.max()) + 1

    @property
    def sum_weights(self) -> np.ndarray:
        return self.before / self.weights

    def shifts(self, sums: np.ndarray) -> np.ndarray:
        """Each cell's mean of x / w (weighted by the weights before post-stratifying)."""
        return (
            sums / np.bincount(self.cell_of, weights=self.before, minlength=self.n_cells)[:, None]
        )


@dataclass(frozen=True)
class Calibration:
    """A linear (GREG) calibration step: the model matrix and g-weights, scaled by sqrt(w)."""

    totals: tuple[str, ...]
    scaled_x: np.ndarray
    scaled_g: np.ndarray
    weights: np.ndarray
    misfit: float

    iterations = 1

    def describe(self) -> str:
        return f"calibrated (linear) to totals of {', '.join(self.totals)}"

    def residualise(self, x: np.ndarray) -> np.ndarray:
        """R's greg_calibration: QR residuals of x / (g sqrt w), scaled back."""
        y = x / self.scaled_g[:, None]
        beta = np.linalg.lstsq(self.scaled_x, y, rcond=None)[0]
        return (y - self.scaled_x @ beta) * self.scaled_g[:, None]


def rake_weights(
    data: pd.DataFrame,
    w: np.ndarray,
    margins: dict,
    *,
    max_iter: int,
    tol: float,
    bounds: tuple[float, float] | None,
    zeros: bool = False,
    parts: list | None = None,
) -> Raking:
    """Rake ``w`` to ``margins`` ``{column: {level: total}}``; errors name margin and level.

    ``zeros=True`` lets rows of weight zero stay zero (a jackknife replicate's dropped PSU);
    ``parts`` are ``margin_codes(data, margins)`` when already known (raking replicates)."""
    if not margins:
        raise WeightingError("No margins to rake to.", hint="pass {column: {level: total}}")
    parts = margin_codes(data, margins) if parts is None else parts
    codes = [c for _, c, _ in parts]
    totals = [t for _, _, t in parts]
    if not ((w >= 0) if zeros else (w > 0)).all():
        raise WeightingError(
            "Raking needs every row to carry a positive weight.",
            hint="drop rows with zero weight before raking",
        )
    new, iterations, misfit = rake_cells(
        w, codes, totals, max_iter=max_iter, tol=tol, bounds=bounds
    )
    if not misfit < tol:
        col, idx, worst = max(
            (
                (col, int(rel.argmax()), float(rel.max()))
                for col, c, t in parts
                for rel in [
                    np.abs(np.bincount(c, weights=new, minlength=len(t)) - t)
                    / np.where(t > 0, t, 1)
                ]
            ),
            key=lambda item: item[2],
        )
        raise WeightingError(
            f"Raking did not converge in {iterations} passes: {col}="
            f"{list(margins[col])[idx]!r} is off its target by {worst:.2%}.",
            hint="raise max_iter, widen bounds, or collapse sparse levels",
        )
    key = np.zeros(len(new), dtype=np.int64)
    for index in codes:
        key = key * (int(index.max()) + 1) + index
    cell_of, first = dense_codes(key)
    levels = tuple((index[first], int(index.max()) + 1) for index in codes)
    return Raking(tuple(margins), cell_of, levels, new, iterations, misfit)


def poststratify_weights(
    data: pd.DataFrame, w: np.ndarray, cols: list[str], totals
) -> PostStratification:
    """Post-stratify ``w`` to population counts of the cells of ``cols``."""
    totals = pd.Series(totals, dtype=float)
    keys = [tuple(map(str, k)) if isinstance(k, tuple) else (str(k),) for k in totals.index]
    lookup = {k: i for i, k in enumerate(keys)}
    for col in cols:
        if col not in data.columns:
            raise WeightingError(f"The data has no column {col!r} to post-stratify on.")
        if data[col].isna().any():
            raise WeightingError(
                f"{int(data[col].isna().sum())} row(s) have no {col!r}.",
                hint="fill or drop them before post-stratifying",
            )
    row_keys = list(zip(*(data[c].astype(str) for c in cols)))
    index = np.array([lookup.get(k, -1) for k in row_keys])
    if (index < 0).any():
        raise WeightingError(
            f"Cell {row_keys[int(np.argmax(index < 0))]} of {cols} has respondents but no "
            "population count.",
            hint="add its count to totals",
        )
    have = np.bincount(index, weights=w, minlength=len(keys))
    empty = (have == 0) & (totals.to_numpy() > 0)
    if empty.any():
        raise WeightingError(
            f"Cell {keys[int(np.argmax(empty))]} of {cols} has a population count but no "
            "respondents.",
            hint="collapse it with a neighbouring cell",
        )
    new = w * (totals.to_numpy() / np.where(have > 0, have, 1))[index]
    return PostStratification(tuple(cols), index, w, new)


def calibrate_weights(
    data: pd.DataFrame,
    w: np.ndarray,
    totals: dict,
    numeric: Callable[[str], np.ndarray],
    *,
    tol: float,
) -> Calibration:
    """Linear (GREG) calibration of ``w``; the step carries the new weights."""
    if not totals:
        raise WeightingError("No totals to calibrate to.", hint="pass {column: totals}")
    columns, targets, names = [], [], []
    categorical = {k: v for k, v in totals.items() if isinstance(v, dict)}
    for col, codes, t in margin_codes(data, categorical):
        columns.append((codes[:, None] == np.arange(len(t))).astype(float))
        targets.extend(t)
        names.extend(f"{col}={level}" for level in categorical[col])
    for col, total in totals.items():
        if col in categorical:
            continue
        if col not in data.columns:
            raise WeightingError(
                f"The data has no column {col!r} to calibrate on.", hint="check the spelling"
            )
        x = numeric(col)
        if np.isnan(x).any():
            raise WeightingError(
                f"{int(np.isnan(x).sum())} respondent(s) have no {col!r} to calibrate on.",
                hint="impute it or drop those rows before weighting",
            )
        columns.append(x[:, None])
        targets.append(float(total))
        names.append(col)
    X, T = np.hstack(columns), np.asarray(targets, dtype=float)
    lam = np.linalg.pinv((X * w[:, None]).T @ X) @ (T - X.T @ w)
    g = 1 + X @ lam
    new = w * g
    off = np.abs(X.T @ new - T) / np.maximum(np.abs(T), 1)
    if off.max() > tol:
        k = int(off.argmax())
        raise WeightingError(
            f"The calibration totals cannot all be met: {names[k]} stays {off[k]:.2%} off "
            "its target.",
            hint="check that the totals agree with each other (every margin must sum to "
            "the same population size)",
        )
    half = np.sqrt(w)
    return Calibration(tuple(totals), X * half[:, None], g * half, new, float(off.max()))
