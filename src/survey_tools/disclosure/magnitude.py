"""The (n, k) dominance rule for magnitude statistics (pay, earnings, hours).

A total or mean is sensitive when its ``n`` largest contributors make up more than ``k``
percent of the total: publishing it would tell the largest contributor (or the two largest,
together) roughly what the others earn. Contributions are taken in absolute value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import PrivacyError

__all__ = ["dominance_share", "dominated"]


def dominance_share(values, *, n: int = 2) -> float:
    """Percentage of the total held by the ``n`` largest contributions (NaN are ignored).

    >>> round(dominance_share([100, 5, 5, 5, 5, 5, 5, 5, 5, 5]), 2)
    72.41
    """
    x = np.abs(np.asarray(values, dtype=float))
    x = x[~np.isnan(x)]
    total = x.sum()
    if total <= 0:
        return 0.0
    top = np.sort(x)[::-1][:n].sum()
    return float(100.0 * top / total)


def dominated(values, *, n: int = 2, k: float = 85.0) -> bool:
    """Whether the ``n`` largest contributions exceed ``k`` percent of the total.

    Parameters
    ----------
    values
        One value per contributor (e.g. each respondent's hourly pay, or weight x pay when a
        weighted total is published).
    n, k
        The dominance rule: sensitive when the ``n`` largest hold more than ``k`` percent.

    Examples
    --------
    >>> dominated([900, 50, 10, 10, 10, 10, 10, 10, 10, 10])
    True
    >>> dominated([30, 25, 20, 20, 20, 20, 20, 20, 20, 20])
    False
    """
    return dominance_share(values, n=n) > k


def dominated_cells(
    contributions: pd.DataFrame, by: Sequence[str], *, n: int, k: float
) -> pd.Series:
    """Dominance flag per domain of ``by`` (index: the domain keys)."""
    value_cols = [c for c in contributions.columns if c not in by]
    missing = [c for c in by if c not in contributions.columns]
    if missing or len(value_cols) != 1:
        raise PrivacyError(
            f"contributions has columns {list(contributions.columns)}; the dominance rule needs "
            f"the table's by-columns {list(by)} and exactly one value column.",
            hint="pass contributions=design.data[[*by, value_column]]",
        )
    value = value_cols[0]
    if not by:
        return pd.Series([dominated(contributions[value], n=n, k=k)])
    grouped = contributions.groupby(list(by), observed=True, dropna=False)[value]
    return grouped.apply(lambda s: dominated(s, n=n, k=k))
