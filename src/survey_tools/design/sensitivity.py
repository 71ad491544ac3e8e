"""Sensitivity to the weights: several designs of the same respondents in, one table out.

:func:`sensitivity` puts the same indicators side by side under each weighting (unweighted,
raked, propensity-adjusted and raked, trimmed...), with each estimate's standard error, the
weights' spread and Kish design effect, and the shift from a reference weighting, so a memo
can say how much its answer depends on the weighting model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import DesignError
from .trimming import weight_summary

__all__ = ["sensitivity"]


def _estimate(design, col: str) -> pd.Series:
    values = design.data[col]
    if pd.api.types.is_bool_dtype(values) or str(values.dtype) == "boolean":
        table = design.proportion(col)
        hit = table[table["level"].astype(str) == "True"]
        if hit.empty:  # nobody True: a share of zero
            return pd.Series({"estimate": 0.0, "se": 0.0, "ci_low": 0.0, "ci_high": 0.0,
                              "n": int(values.notna().sum())})  # fmt: skip
        return hit.iloc[0][["estimate", "se", "ci_low", "ci_high", "n"]]
    if pd.api.types.is_numeric_dtype(values):
        return design.mean(col).iloc[0][["estimate", "se", "ci_low", "ci_high", "n"]]
    raise DesignError(
        f"Column {col!r} is neither boolean nor numeric.",
        hint="compare boolean indicators (shares) or numeric columns (means)",
    )


def sensitivity(
    designs: Mapping[str, object], columns: Sequence[str] | str, *, reference: str | None = None
) -> pd.DataFrame:
    """The indicators' estimates under each weighting, in one long table.

    Parameters
    ----------
    designs
        ``{label: SurveyDesign}`` of the same respondents under different weights, in the order
        to show (e.g. ``{"unweighted": d, "raked": d.rake(m), "adjusted and raked": ...}``).
    columns
        Boolean indicators (share True, logit interval) or numeric columns (mean).
    reference
        The label the ``shift`` column is measured from; default the second design when there
        are several (the first is usually "unweighted"), else the first.

    Returns
    -------
    DataFrame
        One row per indicator and weighting: ``indicator``, ``weighting``, ``estimate``, ``se``,
        ``ci_low``, ``ci_high``, ``n``, ``shift`` (estimate minus the reference's), ``se_ratio``
        (SE over the reference's), ``weight_ratio`` (largest over smallest weight),
        ``weight_cv`` and ``deff_kish``.

    Examples
    --------
    >>> import pandas as pd
    >>> from survey_tools import SurveyDesign
    >>> df = pd.DataFrame({"yes": [True, False, False, True, False, False], "g": list("aabbbb")})
    >>> d = SurveyDesign(df)
    >>> table = sensitivity({"unweighted": d, "raked": d.rake({"g": {"a": 50, "b": 50}})}, "yes")
    >>> table[["weighting", "estimate", "shift", "weight_ratio"]].round(3)
        weighting  estimate  shift  weight_ratio
    0  unweighted     0.333 -0.042           1.0
    1       raked     0.375  0.000           2.0
    """
    if not designs:
        raise DesignError("No designs to compare.", hint="pass {label: SurveyDesign}")
    columns = [columns] if isinstance(columns, str) else list(columns)
    labels = list(designs)
    sizes = {label: len(d.data) for label, d in designs.items()}
    if len(set(sizes.values())) > 1:
        raise DesignError(
            f"The designs hold different numbers of respondents ({sizes}); a sensitivity table "
            "compares weightings of the same respondents.",
            hint="build every design from the same rows",
        )
    reference = reference if reference is not None else labels[min(1, len(labels) - 1)]
    if reference not in designs:
        raise DesignError(f"reference={reference!r} is not one of {labels}.")
    spread = {label: weight_summary(d) for label, d in designs.items()}
    rows = []
    for col in columns:
        est = {label: _estimate(d, col) for label, d in designs.items()}
        ref = est[reference]
        for label in labels:
            e, s = est[label], spread[label]
            rows.append(
                {
                    "indicator": col,
                    "weighting": label,
                    "estimate": float(e["estimate"]),
                    "se": float(e["se"]),
                    "ci_low": float(e["ci_low"]),
                    "ci_high": float(e["ci_high"]),
                    "n": int(e["n"]),
                    "shift": float(e["estimate"] - ref["estimate"]),
                    "se_ratio": float(e["se"] / ref["se"]) if ref["se"] > 0 else np.nan,
                    "weight_ratio": s.ratio,
                    "weight_cv": s.cv,
                    "deff_kish": s.deff_kish,
                }
            )
    return pd.DataFrame(rows)
