"""Disclosure thresholds: the standard ones, impossible ones refused, lower ones stamped.

The standard (DESIGN.md, "Privacy and disclosure"): counts below 10 and percentages on an
unweighted base below 30 are withheld, magnitudes pass a (2, 85) dominance rule, and every
withheld cell keeps at least one unit of protection. Thresholds below the standard are allowed
(a guild may have agreed smaller cells with its members) but the result says so:
``Suppressed.below_standard`` is True and its notes carry :data:`BELOW_STANDARD_NOTE`, which
the report layer stamps on the table ("not disclosure-checked at the standard thresholds").
Thresholds that cannot be meant (negative, fractional, a base below the smallest count, a
dominance share above 100%) are refused with :class:`~survey_tools.errors.PrivacyError`.
"""

from __future__ import annotations

import math
import numbers

import pandas as pd

from ..errors import PrivacyError

__all__ = [
    "BELOW_STANDARD_NOTE",
    "DASH",
    "STANDARD",
    "check_thresholds",
    "hide_small_sizes",
    "small_size_note",
]

DASH = "—"
"""What a withheld cell shows."""
STANDARD = {"min_count": 10, "min_base": 30, "dominance": (2, 85), "protection": 1.0}
BELOW_STANDARD_NOTE = "Not disclosure-checked at the standard thresholds"


def _whole(value, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != int(value):
        raise PrivacyError(
            f"{name}={value!r} is not a whole number of respondents.",
            hint=f"give a whole number; the standard is {name}={STANDARD[name]}",
        )
    if value < low:
        raise PrivacyError(
            f"{name}={value!r} would switch disclosure control off.",
            hint=f"give at least {low}; the standard is {name}={STANDARD[name]}",
        )
    return int(value)


def check_thresholds(min_count, min_base, dominance, protection) -> tuple[dict, tuple[str, ...]]:
    """The checked thresholds, and which of them are below the standard.

    Raises :class:`PrivacyError` for thresholds that cannot be meant: ``min_count`` below 1 or
    fractional, ``min_base`` below ``min_count`` or fractional (``None``: a table without
    percentages, where no base rule applies and ``min_base`` is not checked), a ``dominance``
    that is not ``(n >= 1 contributors, 0 < k <= 100 percent)``, a ``protection`` below 0 or
    not finite.
    """
    count = _whole(min_count, "min_count", 1)
    base = STANDARD["min_base"] if min_base is None else _whole(min_base, "min_base", 1)
    if min_base is not None and base < count:
        raise PrivacyError(
            f"min_base={base} is below min_count={count}: a percentage would show a base whose "
            "count is withheld.",
            hint=f"give min_base >= min_count (the standard is {STANDARD['min_base']} and "
            f"{STANDARD['min_count']})",
        )
    try:
        n_top, share = dominance
    except (TypeError, ValueError):
        n_top, share = None, None
    if (
        isinstance(n_top, bool)
        or not isinstance(n_top, numbers.Integral)
        or n_top < 1
        or isinstance(share, bool)
        or not isinstance(share, numbers.Real)
        or not 0 < share <= 100
    ):
        raise PrivacyError(
            f"dominance={dominance!r} is no (n, k) rule.",
            hint="give (n contributors >= 1, k percent in (0, 100]); the standard is (2, 85)",
        )
    if (
        isinstance(protection, bool)
        or not isinstance(protection, numbers.Real)
        or not math.isfinite(protection)
        or protection < 0
    ):
        raise PrivacyError(
            f"protection={protection!r} is not a width of 0 or more units.",
            hint="give a number >= 0; the standard is 1",
        )
    std_n, std_k = STANDARD["dominance"]
    below = tuple(
        name
        for name, weaker in (
            ("min_count", count < STANDARD["min_count"]),
            ("min_base", base < STANDARD["min_base"]),
            ("dominance", int(n_top) < std_n or share > std_k),
            ("protection", protection < STANDARD["protection"]),
        )
        if weaker
    )
    checked = {
        "min_count": count,
        "min_base": min_base if min_base is None else base,
        "dominance": (int(n_top), share),
        "protection": protection,
    }
    return checked, below


def below_standard_note(p: dict, below: tuple[str, ...]) -> str:
    """The note a result below the standard carries (the report layer stamps it)."""
    given = ", ".join(f"{name}={p[name]}" for name in below)
    standard = ", ".join(f"{name}={STANDARD[name]}" for name in below)
    return f"{BELOW_STANDARD_NOTE} ({given}; the standard is {standard})."


def hide_small_sizes(
    shown: pd.DataFrame, min_count: int, *, columns=(), rows=()
) -> tuple[pd.DataFrame, bool]:
    """The display table with group sizes from 1 to ``min_count - 1`` replaced by the dash.

    ``columns`` and ``rows`` name the display table's size columns and rows (``n``,
    ``Total``). Returns the table and whether any size was hidden.
    """
    out, hidden = shown, False
    for col in columns:
        if col in out.columns:
            values = pd.to_numeric(out[col], errors="coerce")
            small = ((values > 0) & (values < min_count)).to_numpy()
            if small.any():
                out = out.astype(object) if not hidden else out
                out[col] = out[col].where(~small, DASH)
                hidden = True
    for row in rows:
        if row in out.index:
            values = pd.to_numeric(out.loc[row], errors="coerce")
            small = ((values > 0) & (values < min_count)).to_numpy()
            if small.any():
                out = out.astype(object) if not hidden else out
                out.loc[row] = out.loc[row].where(~small, DASH)
                hidden = True
    if hidden:
        out.attrs = dict(shown.attrs)
    return out, hidden


def small_size_note(min_count: int) -> str:
    """The note of a display table whose small group sizes are dashed."""
    return f"{DASH} small group: group sizes below {min_count} are not shown."
