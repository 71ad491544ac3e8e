"""Level of effort: early against late respondents, a design and the response wave in, a table out.

Members who answer only after reminders took more effort to reach; under the "continuum of
resistance" those who never answered resemble them more than the eager first-day respondents.
:func:`response_wave` numbers each response by the reminders sent before it (0: after the
invitation, 1: after the first reminder...), from the response's date; :func:`level_of_effort`
gives, for each indicator, the design-based estimate in every wave and the difference between
the last wave and the first with its standard error, interval and test. The difference is a
contrast of two domain means of the same design, so its variance comes from the difference of
their influence values through the design's variance engine (calibration residuals included),
never from two independent standard errors.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DesignError

__all__ = ["level_of_effort", "response_wave"]


def response_wave(dates, reminders: Sequence) -> pd.Series:
    """The number of reminders sent at or before each response date (NaN where no date).

    Examples
    --------
    >>> import pandas as pd
    >>> dates = pd.Series(pd.to_datetime(["2026-09-08 10:00", "2026-09-16 08:00",
    ...                                   "2026-09-23 12:30"]))
    >>> response_wave(dates, ["2026-09-15", "2026-09-22"]).tolist()
    [0.0, 1.0, 2.0]
    """
    when = pd.to_datetime(pd.Series(dates))
    if getattr(when.dt, "tz", None) is not None:
        when = when.dt.tz_localize(None)
    sent = np.sort(pd.to_datetime(list(reminders)).to_numpy(dtype="datetime64[ns]"))
    wave = np.searchsorted(sent, when.to_numpy(dtype="datetime64[ns]"), side="right").astype(float)
    return pd.Series(np.where(when.isna(), np.nan, wave), index=when.index, name="wave")


def _column(design, col: str) -> np.ndarray:
    values = design.data[col]
    if pd.api.types.is_bool_dtype(values) or str(values.dtype) == "boolean":
        return values.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if not pd.api.types.is_numeric_dtype(values):
        raise DesignError(
            f"Column {col!r} is neither boolean nor numeric, so it has no mean by wave.",
            hint="compare a boolean indicator (e.g. the plan's measures) or a number",
        )
    return values.to_numpy(dtype=float, na_value=np.nan)


def level_of_effort(
    design, columns: Sequence[str] | str, *, wave: str = "wave", level: float = 0.95
) -> pd.DataFrame:
    """Each indicator by response wave, and the last wave against the first.

    Parameters
    ----------
    design
        A :class:`~survey_tools.design.SurveyDesign` (weighted or not) whose data holds the
        ``wave`` column (e.g. from :func:`response_wave`) and the ``columns``.
    columns
        Boolean indicators (the share True) or numeric columns (the mean).
    wave
        The column numbering each response's wave (0, 1, 2...); rows without one are left out.

    Returns
    -------
    DataFrame
        One row per column: ``indicator``, ``estimate_wave_<k>`` and ``n_wave_<k>`` for each
        wave, ``early`` and ``late`` (the first and last waves' estimates), ``difference``
        (late minus early), ``se``, ``ci_low``, ``ci_high``, ``p_value`` (t on the design's
        degrees of freedom) and ``direction`` ("higher", "lower" or "no clear difference" at
        the 5% level: how the late respondents stand against the early).

    Examples
    --------
    >>> import pandas as pd
    >>> from survey_tools import SurveyDesign
    >>> df = pd.DataFrame({"lost": [True, True, False, True] * 25 + [False, False, True, False]
    ...                    * 25, "wave": [0] * 100 + [2] * 100})
    >>> level_of_effort(SurveyDesign(df), "lost")[["early", "late", "direction"]]
       early  late direction
    0   0.75  0.25     lower
    """
    columns = [columns] if isinstance(columns, str) else list(columns)
    if wave not in design.data:
        raise DesignError(
            f"The design's data has no column {wave!r} numbering the response waves.",
            hint="add it with response_wave(dates, reminders)",
        )
    waves = pd.to_numeric(design.data[wave], errors="coerce")
    seen = np.sort(waves.dropna().unique())
    if len(seen) < 2:
        raise DesignError(
            f"Every dated response is in one wave ({seen.tolist()}), so early and late cannot "
            "be compared.",
            hint="check the reminder dates against the responses' dates",
        )
    first, last = seen[0], seen[-1]
    w_all = np.asarray(design.weights, dtype=float)
    df = design.engine.degf()
    crit = stats.t.ppf(0.5 + level / 2, df) if np.isfinite(df) and df > 0 else 1.96
    rows = []
    for col in columns:
        y = _column(design, col)
        ok = ~np.isnan(y) & waves.notna().to_numpy()
        row = {"indicator": col}
        parts = {}
        for k in seen:
            inside = ok & (waves.to_numpy() == k)
            w = np.where(inside, w_all, 0.0)
            est = float((w * np.where(inside, y, 0)).sum() / w.sum()) if w.sum() > 0 else np.nan
            parts[k] = np.where(inside, w * (np.where(inside, y, 0) - est), 0.0) / w.sum()
            row[f"estimate_wave_{int(k)}"] = est
            row[f"n_wave_{int(k)}"] = int(inside.sum())
        row["early"], row["late"] = (
            row[f"estimate_wave_{int(first)}"],
            row[f"estimate_wave_{int(last)}"],
        )
        diff = row["late"] - row["early"]
        infl = (parts[last] - parts[first])[:, None]
        se = float(np.sqrt(design.engine.variance(infl, np.zeros(len(y), dtype=np.int64), 1)[0, 0]))
        t = diff / se if se > 0 else np.nan
        p = 2 * (stats.t.sf(abs(t), df) if np.isfinite(df) else stats.norm.sf(abs(t)))
        row |= {
            "difference": diff,
            "se": se,
            "ci_low": diff - crit * se,
            "ci_high": diff + crit * se,
            "p_value": float(p),
            "direction": "no clear difference"
            if not p < 0.05
            else ("higher" if diff > 0 else "lower"),
        }
        rows.append(row)
    return pd.DataFrame(rows)
