"""Reliability flags for survey estimates (NCHS-style presentation standards).

Reliability is not disclosure: a flagged estimate identifies nobody, it is only too noisy to
lean on. The rule, every threshold configurable:

- **too unreliable to publish**: unweighted base ``n`` below ``min_base`` (30), or relative
  standard error ``se / |estimate|`` above ``unreliable_rse`` (50%);
- **interpret with caution**: effective sample size below ``min_neff`` (30), or relative
  standard error above ``caution_rse`` (30%);
- otherwise the flag is empty.

The effective sample size is ``n / deff`` when the table has a finite, positive ``deff``;
for proportions (a ``level`` column) without one, the Korn-Graubard effective size
``p (1 - p) / se^2``; otherwise ``n``. Like NCHS (Parker et al. 2017) it is capped at ``n``:
a design effect below 1 earns no credit. An estimate of exactly zero has no relative standard
error and is judged on its sample sizes alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import PrivacyError

__all__ = ["CAUTION", "UNRELIABLE", "flag_reliability"]

CAUTION = "interpret with caution"
UNRELIABLE = "too unreliable to publish"


def flag_reliability(
    table: pd.DataFrame,
    *,
    min_base: int = 30,
    min_neff: float = 30,
    caution_rse: float = 0.30,
    unreliable_rse: float = 0.50,
    details: bool = False,
) -> pd.DataFrame:
    """Add a ``reliability`` column to an estimate table (see the module docstring).

    Parameters
    ----------
    table
        Output of ``SurveyDesign.proportion / mean / total / ratio`` (``estimate``, ``se``,
        ``n`` and, if present, ``deff`` and ``level``).
    min_base
        Unweighted base below which an estimate is not published.
    min_neff
        Effective sample size below which an estimate is marked for caution.
    caution_rse, unreliable_rse
        Relative standard errors (as fractions) above which an estimate is marked for
        caution, or not published.
    details
        Also add the ``n_eff`` and ``rse`` columns the flag was judged on.

    Returns
    -------
    DataFrame
        A copy of ``table`` with ``reliability``: ``""``, ``"interpret with caution"`` or
        ``"too unreliable to publish"``.

    Examples
    --------
    >>> import pandas as pd
    >>> est = pd.DataFrame({"role": ["A", "B", "C"], "estimate": [40.0, 40.0, 40.0],
    ...                     "se": [4.0, 14.0, 4.0], "n": [200, 200, 20]})
    >>> flag_reliability(est)["reliability"].tolist()
    ['', 'interpret with caution', 'too unreliable to publish']
    """
    missing = [c for c in ("estimate", "se", "n") if c not in table.columns]
    if missing:
        raise PrivacyError(
            f"flag_reliability() needs an estimate table; this one lacks {missing}.",
            hint="pass the output of design.proportion(), .mean(), .total() or .ratio()",
        )
    if not 0 < caution_rse <= unreliable_rse:
        raise PrivacyError(
            f"caution_rse={caution_rse} and unreliable_rse={unreliable_rse} are out of order.",
            hint="choose 0 < caution_rse <= unreliable_rse, e.g. 0.30 and 0.50",
        )
    est = table["estimate"].to_numpy(dtype=float)
    se = table["se"].to_numpy(dtype=float)
    n = table["n"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rse = np.where(est != 0, se / np.abs(est), np.nan)
        n_eff = n
        if "level" in table.columns:
            inside = (est > 0) & (est < 1) & (se > 0)
            n_eff = np.where(inside, est * (1 - est) / se**2, n)
        if "deff" in table.columns:
            deff = table["deff"].to_numpy(dtype=float)
            usable = np.isfinite(deff) & (deff > 0)
            n_eff = np.where(usable, n / np.where(usable, deff, 1.0), n_eff)
    n_eff = np.minimum(np.nan_to_num(n_eff, nan=0.0), n)
    unreliable = (n < min_base) | (rse > unreliable_rse) | np.isnan(est)
    caution = (n_eff < min_neff) | (rse > caution_rse)
    out = table.copy()
    out["reliability"] = np.where(unreliable, UNRELIABLE, np.where(caution, CAUTION, ""))
    if details:
        out["n_eff"] = n_eff
        out["rse"] = rse
    return out
