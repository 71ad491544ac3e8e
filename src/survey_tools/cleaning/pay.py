"""Hourly pay typed as free text: ``"$45/hr"``, ``"45-60"``, ``"$1,200 for 4 hours"``.

:func:`parse_pay` returns the hourly rate in dollars and how it was read. What cannot be read
as an hourly rate (per-task pay, "varies", day rates) is reported as ``"unparseable"``, never
guessed; an analyst can convert it by hand and say so.
"""

from __future__ import annotations

import math
import re

__all__ = ["PAY_STATUSES", "parse_pay"]

PAY_STATUSES = ("exact", "range", "total", "approximate", "blank", "unparseable")
NUMBER = r"\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(k\b)?"
HOURLY = r"(?:/\s*(?:hr|hour|h)\b|per\s+(?:hr|hour)\b|an?\s+(?:hr|hour)\b|hourly\b)?"
CURRENCY = r"(?:usd|dollars?|bucks)?"
APPROX = r"(?:about|around|approx(?:imately|\.)?|roughly|~|circa|c\.)\s*"
SINGLE = re.compile(rf"^(?P<approx>{APPROX})?{NUMBER}\s*{CURRENCY}\s*{HOURLY}\s*$", re.I)
RANGE = re.compile(
    rf"^(?P<approx>{APPROX})?{NUMBER}\s*(?:-|–|to)\s*{NUMBER}\s*{CURRENCY}\s*{HOURLY}\s*$", re.I
)
TOTAL = re.compile(
    rf"^{NUMBER}\s*{CURRENCY}\s*(?:for|over|in)\s+(\d+(?:\.\d+)?)\s*(?:hours?|hrs?)\s*$", re.I
)


def _amount(whole: str, frac: str | None, k: str | None) -> float:
    value = float(whole.replace(",", "") + (f".{frac}" if frac else ""))
    return value * 1000 if k else value


def parse_pay(text: object) -> tuple[float, str]:
    """Read an hourly pay answer typed as text.

    Returns ``(dollars_per_hour, status)``, status one of ``PAY_STATUSES``; the rate is NaN
    when the status is ``"blank"`` or ``"unparseable"``.

    Examples
    --------
    >>> parse_pay("$45/hr")
    (45.0, 'exact')
    >>> parse_pay("45-60")
    (52.5, 'range')
    >>> parse_pay("$1,200 for 4 hours")
    (300.0, 'total')
    >>> parse_pay("about 40 an hour")
    (40.0, 'approximate')
    >>> parse_pay("$0.50 per task")
    (nan, 'unparseable')
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return math.nan, "blank"
    if isinstance(text, int | float):
        return (float(text), "exact") if text >= 0 else (math.nan, "unparseable")
    s = " ".join(str(text).split())
    if not s:
        return math.nan, "blank"
    if m := SINGLE.match(s):
        value = _amount(m.group(2), m.group(3), m.group(4))
        return value, "approximate" if m.group("approx") else "exact"
    if m := RANGE.match(s):
        lo = _amount(m.group(2), m.group(3), m.group(4))
        hi = _amount(m.group(5), m.group(6), m.group(7))
        if lo <= hi:
            return (lo + hi) / 2, "range"
    if m := TOTAL.match(s):
        hours = float(m.group(4))
        if hours > 0:
            return _amount(m.group(1), m.group(2), m.group(3)) / hours, "total"
    return math.nan, "unparseable"
