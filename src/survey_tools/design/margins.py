"""Membership-roll margins: read the published counts, compare a sample with them."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import MarginsError

__all__ = ["read_margins", "representation"]

Margins = dict[str, dict[str, float]]


def read_margins(path: str | os.PathLike) -> Margins:
    """Read a roll's published one-way margins into ``{column: {level: population_total}}``.

    The file is a CSV with columns ``margin``, ``level`` and ``members`` (one row per level),
    as the guild office publishes them and as ``survey_tools.synth`` writes them.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "margins.csv"
    >>> _ = path.write_text("margin,level,members\\nregion,LA,60\\nregion,NY,40\\n")
    >>> read_margins(path)
    {'region': {'LA': 60.0, 'NY': 40.0}}
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype={"margin": str, "level": str})
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise MarginsError(f"Cannot read the margins file {path}: {exc}.") from exc
    missing = {"margin", "level", "members"} - set(table.columns)
    if missing:
        raise MarginsError(
            f"The margins file {path} lacks the column(s) {', '.join(sorted(missing))}.",
            hint="write one row per level with the columns margin,level,members",
        )
    members = pd.to_numeric(table["members"], errors="coerce")
    bad = table.loc[members.isna() | (members < 0), ["margin", "level"]]
    if len(bad):
        first = bad.iloc[0]
        raise MarginsError(
            f"The margins file {path} has a missing or negative count for "
            f"{first['margin']}={first['level']!r} (and {len(bad) - 1} more).",
            hint="give every level a non-negative member count",
        )
    dup = table.duplicated(["margin", "level"])
    if dup.any():
        first = table.loc[dup].iloc[0]
        raise MarginsError(
            f"The margins file {path} lists {first['margin']}={first['level']!r} twice.",
            hint="keep one row per margin and level",
        )
    out: Margins = {}
    for margin, level, count in zip(table["margin"], table["level"], members):
        out.setdefault(margin, {})[level] = float(count)
    return out


def representation(
    data: pd.DataFrame, margins: Margins, *, weights: str | None = None
) -> pd.DataFrame:
    """Compare the sample's distribution over each margin with the roll's.

    Returns one row per margin and level with the roll's count and share, the unweighted number
    of respondents and their share, and (when ``weights`` names a column) the weighted share.
    ``ratio`` is the respondents' share over the roll's: above 1 means over-represented.
    """
    rows = []
    for margin, levels in margins.items():
        if margin not in data:
            raise MarginsError(
                f"The data has no column {margin!r} for the margin of that name.",
                hint="derive the column in the codebook or drop the margin",
            )
        values = data[margin].astype("string")
        total = sum(levels.values())
        counts = values.value_counts()
        w = data[weights].to_numpy(float) if weights else None
        for level, members in levels.items():
            row = {
                "margin": margin,
                "level": level,
                "roll_members": members,
                "roll_share": members / total,
                "respondents": int(counts.get(level, 0)),
            }
            row["respondent_share"] = row["respondents"] / values.notna().sum()
            if w is not None:
                row["weighted_share"] = float(
                    np.sum(w[(values == level).fillna(False).to_numpy()])
                    / np.sum(w[values.notna().to_numpy()])
                )
            row["ratio"] = row["respondent_share"] / row["roll_share"] if members else np.nan
            rows.append(row)
    return pd.DataFrame(rows)
