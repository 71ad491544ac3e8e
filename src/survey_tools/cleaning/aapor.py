"""AAPOR outcome rates from final disposition counts (Standard Definitions)."""

from __future__ import annotations

import pandas as pd

from ..errors import SurveyToolsError

__all__ = ["response_rates"]

GROUPS = ("I", "P", "R", "NC", "O", "UH", "UO")


def response_rates(dispositions: pd.DataFrame) -> dict[str, float]:
    """RR1 and RR2 from a table of dispositions with ``aapor_group`` and ``count`` columns.

    ``aapor_group`` is one of I (complete), P (partial), R (refusal and break-off), NC
    (non-contact), O (other), UH/UO (unknown eligibility). Every case of unknown eligibility is
    counted as eligible, which gives the most conservative rates (RR1, RR2)::

        RR1 = I / (I + P + R + NC + O + UH + UO)
        RR2 = (I + P) / (I + P + R + NC + O + UH + UO)
    """
    unknown = set(dispositions["aapor_group"]) - set(GROUPS)
    if unknown:
        raise SurveyToolsError(
            f"Unknown AAPOR disposition group(s): {', '.join(sorted(unknown))}.",
            hint=f"use one of {', '.join(GROUPS)}",
        )
    n = dispositions.groupby("aapor_group")["count"].sum().reindex(GROUPS, fill_value=0)
    total = n.sum()
    if total <= 0:
        raise SurveyToolsError(
            "The disposition table counts no cases.",
            hint="give the count of every invitation by final disposition",
        )
    return {
        "invited": int(total),
        "completes": int(n["I"]),
        "partials": int(n["P"]),
        "rr1": float(n["I"] / total),
        "rr2": float((n["I"] + n["P"]) / total),
    }
