"""AAPOR outcome rates from final disposition counts (Standard Definitions).

:func:`response_rates` is the one place RR1 and RR2 are computed: the demo's fieldwork step
calls it on the dispositions file, :func:`survey_tools.clean` on a table that
:func:`disposition_table` builds from the platform's per-response dispositions (or the cleaning
statuses) and the number invited.
"""

from __future__ import annotations

import pandas as pd

from ..errors import SurveyToolsError

__all__ = ["GROUPS", "disposition_table", "response_rates"]

GROUPS = ("I", "P", "R", "NC", "O", "UH", "UO")
STATUS_GROUP = {"complete": "I", "partial": "P", "breakoff": "R", "declined": "R"}
CODE_GROUP = {"1.1": "I", "1.2": "P", "2.1": "R", "2.2": "NC", "2.3": "O", "3.1": "UH", "3.2": "UO"}


def response_rates(dispositions: pd.DataFrame) -> dict[str, float]:
    """RR1 and RR2 from a table of dispositions with ``aapor_group`` and ``count`` columns.

    ``aapor_group`` is one of I (complete), P (partial), R (refusal and break-off), NC
    (non-contact), O (other), UH/UO (unknown eligibility). Every case of unknown eligibility is
    counted as eligible, which gives the most conservative rates (RR1, RR2)::

        RR1 = I / (I + P + R + NC + O + UH + UO)
        RR2 = (I + P) / (I + P + R + NC + O + UH + UO)

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"aapor_group": ["I", "P", "R", "UO"], "count": [30, 10, 20, 40]})
    >>> response_rates(table)["rr2"]
    0.4
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


def disposition_table(
    invited: int, *, statuses: pd.Series | None = None, codes: pd.Series | None = None
) -> pd.DataFrame | None:
    """The ``aapor_group``/``count`` table of ``invited`` cases, one entry per response returned.

    ``codes`` are the platform's AAPOR final disposition codes (``1.1`` complete, ``1.2``
    partial, ``2.1x`` refusal or break-off, ...); without them ``statuses`` (complete, partial,
    breakoff, declined) are used. Cases invited but not returned are of unknown eligibility
    (UO). None when a response has neither a code nor a known status.

    Examples
    --------
    >>> import pandas as pd
    >>> statuses = pd.Series(["complete", "complete", "partial", "breakoff"])
    >>> disposition_table(10, statuses=statuses).to_dict("list")
    {'aapor_group': ['I', 'P', 'R', 'UO'], 'count': [2, 1, 1, 6]}
    """
    if codes is not None:
        text = pd.Series(codes).astype(float).round(2).map("{:.2f}".format)
        groups = text.str[:3].map(CODE_GROUP)
        if text.str.startswith("4.").any():
            groups = groups[~text.str.startswith("4.").to_numpy()]  # not eligible
    else:
        groups = pd.Series(statuses).map(STATUS_GROUP)
    if groups.isna().any():
        return None
    returned = len(groups)
    if returned > invited:
        raise SurveyToolsError(
            f"More responses ({returned:,}) than members invited ({invited:,}).",
            hint="give the number of members invited in invited=",
        )
    counts = groups.value_counts().reindex(GROUPS, fill_value=0)
    counts["UO"] += invited - returned
    return counts[counts > 0].rename_axis("aapor_group").reset_index(name="count")
