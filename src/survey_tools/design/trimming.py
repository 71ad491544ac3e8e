"""Weight diagnostics in one place, and trimming: a design in, a summary or a new design out.

:func:`weight_summary` gathers what a reviewer asks of a set of weights: how many, their range,
the ratio of the largest to the smallest, the coefficient of variation and Kish's design effect
``1 + CV^2`` (``n sum w^2 / (sum w)^2``) with the effective sample size.

:func:`trim` caps (and optionally floors) the weights and shares what was cut equally among the
weights inside the limits, until no weight is outside (R's ``trimWeights(design, upper, lower,
strict = TRUE)``): the total weight is kept. Like R, the
variance then treats the trimmed weights as given: the calibration residuals of earlier raking
or post-stratification steps still apply, the trimming adds none of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import WeightingError

__all__ = ["Trimming", "WeightSummary", "trim", "trim_weights", "trimming_step", "weight_summary"]


@dataclass(frozen=True)
class WeightSummary:
    """Range, spread and Kish design effect of a set of weights (see :func:`weight_summary`)."""

    n: int
    total: float
    mean: float
    minimum: float
    maximum: float
    ratio: float
    cv: float
    deff_kish: float
    effective_n: float

    def to_frame(self) -> pd.DataFrame:
        """One row per measure: ``measure``, ``value``."""
        return pd.DataFrame({"measure": list(self.__dict__), "value": list(self.__dict__.values())})

    def __repr__(self) -> str:
        return (
            f"WeightSummary({self.n:,} weights from {self.minimum:.3g} to {self.maximum:.3g}, "
            f"ratio {self.ratio:.1f}; CV {self.cv:.3f}; Kish deff {self.deff_kish:.2f}, "
            f"effective n {self.effective_n:,.0f})"
        )


def weight_summary(weights) -> WeightSummary:
    """Diagnostics of a design's weights (or of an array of weights); zero weights left out.

    ``cv`` is the standard deviation over the mean (divisor n), so ``deff_kish = 1 + cv**2``.

    Examples
    --------
    >>> weight_summary([1.0, 1.0, 2.0, 4.0])
    WeightSummary(4 weights from 1 to 4, ratio 4.0; CV 0.612; Kish deff 1.38, effective n 3)
    """
    w = np.asarray(getattr(weights, "weights", weights), dtype=float)
    w = w[w > 0]
    if not len(w):
        raise WeightingError("There are no positive weights to summarise.")
    mean = float(w.mean())
    cv = float(w.std() / mean)
    return WeightSummary(
        n=len(w),
        total=float(w.sum()),
        mean=mean,
        minimum=float(w.min()),
        maximum=float(w.max()),
        ratio=float(w.max() / w.min()),
        cv=cv,
        deff_kish=1 + cv**2,
        effective_n=float(w.sum() ** 2 / (w**2).sum()),
    )


@dataclass(frozen=True)
class Trimming:
    """A trimming step: the limits, the weights before and after, and how many were cut."""

    upper: float
    lower: float
    before: np.ndarray
    weights: np.ndarray
    trimmed: int
    iterations: int
    misfit: float = 0.0

    def describe(self) -> str:
        limits = [f"<= {self.upper:.3g}" if np.isfinite(self.upper) else ""]
        limits += [f">= {self.lower:.3g}" if self.lower > 0 else ""]
        return f"trimmed to {' and '.join(x for x in limits if x)} ({self.trimmed} weights cut)"

    def residualise(self, x: np.ndarray) -> np.ndarray:
        """Trimmed weights count as given (R's ``trimWeights``): no residual of their own."""
        return x


def trim_weights(
    weights, *, upper: float = np.inf, lower: float = 0.0, max_iter: int = 100
) -> tuple[np.ndarray, int, int]:
    """Weights cut to ``[lower, upper]``, what was cut shared equally by the others (R's
    ``trimWeights(strict = TRUE)``: repeated until no weight is outside, so weights at a limit
    in one pass may take a share and be cut again in the next).

    Returns the new weights, the number of weights at a limit, and the passes used. Raises
    :class:`WeightingError` when the limits cannot hold the total (``upper * n`` below it or
    ``lower * n`` above it) or do not settle within ``max_iter`` passes.

    Examples
    --------
    >>> w, cut, _ = trim_weights([1.0, 1.0, 1.0, 5.0], upper=3.0)
    >>> w.round(3).tolist(), cut
    ([1.667, 1.667, 1.667, 3.0], 1)
    """
    w = np.asarray(weights, dtype=float).copy()
    total, n = w.sum(), len(w)
    if upper <= lower or upper * n < total * (1 - 1e-12) or lower * n > total * (1 + 1e-12):
        raise WeightingError(
            f"Weights cannot be trimmed to [{lower:.4g}, {upper:.4g}]: {n:,} weights must still "
            f"add to {total:,.4g} (mean {total / n:.4g}).",
            hint="set upper above the mean weight and lower below it",
        )
    for iteration in range(max_iter + 1):
        outside = (w > upper) | (w < lower)
        if not outside.any():
            return (
                w,
                int(np.sum(np.isclose(w, upper, rtol=1e-9) | np.isclose(w, lower, rtol=1e-9))),
                iteration,
            )
        if outside.all():
            break
        cut = np.clip(w, lower, upper)
        cut[~outside] += (w - cut).sum() / (~outside).sum()
        w = cut
    raise WeightingError(
        f"Trimming to [{lower:.4g}, {upper:.4g}] did not settle in {max_iter} passes.",
        hint="widen the limits",
    )


def trimming_step(
    weights, *, upper: float | None = None, lower: float | None = None, scale: str = "absolute"
) -> Trimming:
    """The :class:`Trimming` step of :meth:`SurveyDesign.trim` for these weights (see
    :func:`trim` for the arguments)."""
    if scale not in ("absolute", "mean", "median"):
        raise WeightingError(f"Unknown scale={scale!r}.", hint='use "absolute", "mean" or "median"')
    w = np.asarray(weights, dtype=float)
    unit = {"absolute": 1.0, "mean": w.mean(), "median": np.median(w)}[scale]
    hi = np.inf if upper is None else float(upper) * unit
    lo = 0.0 if lower is None else float(lower) * unit
    new, cut, passes = trim_weights(w, upper=hi, lower=lo)
    return Trimming(hi, lo, w, new, cut, passes)


def trimming_redo(weights, **limits):
    """The trimming step for these weights and a ``redo(weights, replicate)`` repeating it: on
    the full sample with the same arguments; on a replicate at the full sample's limits (as
    weights), among the members the replicate keeps (a jackknife's dropped PSU stays at 0)."""
    first = trimming_step(weights, **limits)

    def redo(w, replicate=False):
        if not replicate:
            return trimming_step(w, **limits)
        w = np.asarray(w, dtype=float)
        kept = w > 0
        new = w.copy()
        new[kept], cut, passes = trim_weights(w[kept], upper=first.upper, lower=first.lower)
        return Trimming(first.upper, first.lower, w, new, cut, passes)

    return first, redo


def trim(design, *, upper: float | None = None, lower: float | None = None, scale="absolute"):
    """A new design whose weights are cut to ``[lower, upper]``, the total kept.

    Parameters
    ----------
    design
        A :class:`~survey_tools.design.SurveyDesign` (usually already raked).
    upper, lower
        The limits; None: no limit on that side.
    scale
        ``"absolute"``: the limits are weights; ``"mean"`` or ``"median"``: multiples of the
        current weights' mean or median (``upper=3.5, scale="median"`` caps at 3.5 times the
        median weight, a common rule).

    Returns
    -------
    SurveyDesign
        ``weighting[-1]`` is the :class:`Trimming` step (limits, weights cut). Standard errors
        keep the earlier calibration residuals; the trimming itself counts as fixed, as in R's
        ``trimWeights``. The same as ``design.trim(upper=..., lower=..., scale=...)``.

    Examples
    --------
    >>> import pandas as pd
    >>> from survey_tools import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 0, 0, 1], "w": [1.0, 1, 1, 5]}), weights="w")
    >>> trim(d, upper=3).weights.round(3).tolist()
    [1.667, 1.667, 1.667, 3.0]
    """
    return design.trim(upper=upper, lower=lower, scale=scale)
