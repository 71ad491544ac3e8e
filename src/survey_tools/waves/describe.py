"""Sentences about change for the memo: a row of ``compare_waves`` in, plain words out.

"rose from 18.0% to 24.1%, +6.1 points, 95% CI +2.0 to +10.2" when the interval of the change
excludes zero; "no clear change (18.0% to 19.1%, +1.1 points, 95% CI -2.0 to +4.2)" when it
covers zero. Every number comes from the row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = ["describe_change"]

MINUS = "\u2212"


def _signed(value: float, decimals: int) -> str:
    text = f"{abs(value):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        return text
    return ("+" if value > 0 else MINUS) + text


def describe_change(
    row: Mapping, *, percent: bool = True, decimals: int = 1, unit: str | None = None
) -> str:
    """The change in one row of :func:`~survey_tools.compare_waves`, in words.

    ``percent`` reads estimates as shares (shown as %, the change in percentage points);
    otherwise as numbers with ``unit`` after the change (e.g. ``"USD"``).

    Examples
    --------
    >>> row = {"estimate_a": 0.180, "estimate_b": 0.241, "difference": 0.061,
    ...        "ci_low": 0.020, "ci_high": 0.102}
    >>> describe_change(row)
    'rose from 18.0% to 24.1%, +6.1 points, 95% CI +2.0 to +10.2'
    >>> describe_change({**row, "estimate_b": 0.19, "difference": 0.01, "ci_low": -0.02,
    ...                  "ci_high": 0.04})
    'no clear change (18.0% to 19.0%, +1.0 points, 95% CI \u22122.0 to +4.0)'
    """
    a, b = float(row["estimate_a"]), float(row["estimate_b"])
    d, lo, hi = float(row["difference"]), float(row["ci_low"]), float(row["ci_high"])
    if any(math.isnan(v) for v in (a, b, d, lo, hi)):
        return "not comparable (no estimate in one of the waves)"
    scale = 100.0 if percent else 1.0

    def level(v: float) -> str:
        return f"{v * scale:,.{decimals}f}%" if percent else f"{v:,.{decimals}f}"

    what = " points" if percent else (f" {unit}" if unit else "")
    change = f"{_signed(d * scale, decimals)}{what}"
    interval = f"95% CI {_signed(lo * scale, decimals)} to {_signed(hi * scale, decimals)}"
    if lo <= 0 <= hi:
        return f"no clear change ({level(a)} to {level(b)}, {change}, {interval})"
    verb = "rose" if d > 0 else "fell"
    return f"{verb} from {level(a)} to {level(b)}, {change}, {interval}"
