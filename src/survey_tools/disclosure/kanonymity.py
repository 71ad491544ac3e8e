"""k-anonymity over quasi-identifiers, and the guard run before a respondent-level extract.

A respondent-level file is k-anonymous on a set of quasi-identifiers (role, region, age band,
gender, years of experience...) when every combination of their values that occurs is shared
by at least ``k`` records. In a guild's file small crafts in small regions are often unique:
one colorist in New Mexico aged 55-64 is a named person. Missing values form a group of their
own. Numeric quasi-identifiers should be banded first (``bins=``): raw years of experience
make almost every record unique.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import PrivacyError
from ..files import atomic_file, write_csv

__all__ = [
    "GUILD_QUASI_IDENTIFIERS",
    "KAnonymity",
    "k_anonymity",
    "require_k_anonymity",
    "write_extract",
]

GUILD_QUASI_IDENTIFIERS = ("role_primary", "region", "age_band", "gender", "years_exp")
"""Cleaned-survey columns that identify a member in combination (edit per survey)."""


@dataclass(frozen=True, repr=False)
class KAnonymity:
    """How anonymous a respondent-level file is on its quasi-identifiers.

    Attributes
    ----------
    quasi_identifiers
        The columns checked.
    k
        The required smallest group size.
    groups
        One row per combination that occurs, with ``records``, smallest first.
    smallest
        Size of the smallest group (the file is ``smallest``-anonymous).
    at_risk
        Records in groups smaller than ``k``.
    n_records
        Records checked.
    """

    quasi_identifiers: tuple[str, ...]
    k: int
    groups: pd.DataFrame
    smallest: int
    at_risk: int
    n_records: int

    @property
    def passes(self) -> bool:
        """True when every group has at least ``k`` records."""
        return self.smallest >= self.k

    @property
    def groups_at_risk(self) -> int:
        """Number of combinations shared by fewer than ``k`` records."""
        return int((self.groups["records"] < self.k).sum())

    def to_frame(self) -> pd.DataFrame:
        """The groups, smallest first, with ``records`` and ``at_risk``."""
        out = self.groups.copy()
        out["at_risk"] = out["records"] < self.k
        return out

    def __repr__(self) -> str:
        verdict = "passes" if self.passes else "FAILS"
        return (
            f"KAnonymity({verdict} k={self.k} on {', '.join(self.quasi_identifiers)}: smallest "
            f"group {self.smallest}, {self.at_risk} of {self.n_records} records at risk in "
            f"{self.groups_at_risk} groups)"
        )


def k_anonymity(
    data: pd.DataFrame,
    quasi_identifiers: Sequence[str] = GUILD_QUASI_IDENTIFIERS,
    *,
    k: int = 5,
    bins: Mapping[str, Sequence[float]] | None = None,
) -> KAnonymity:
    """Smallest group and records at risk on the chosen quasi-identifiers.

    Parameters
    ----------
    data
        One row per respondent.
    quasi_identifiers
        Columns that identify a member in combination; defaults to
        :data:`GUILD_QUASI_IDENTIFIERS`.
    k
        Smallest group size allowed (5 by default, the usual microdata-release rule).
    bins
        Band numeric columns before checking, ``{column: edges}`` as for ``pandas.cut``
        (right-closed bands, the lowest edge included).

    Returns
    -------
    KAnonymity

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"role": ["Editor"] * 6 + ["Colorist"],
    ...                      "region": ["West"] * 6 + ["South"]})
    >>> check = k_anonymity(data, ["role", "region"], k=5)
    >>> check.passes, check.smallest, check.at_risk
    (False, 1, 1)
    """
    cols = list(quasi_identifiers)
    missing = [c for c in cols if c not in data.columns]
    if not cols or missing:
        raise PrivacyError(
            f"k-anonymity needs quasi-identifier columns present in the data; missing: "
            f"{missing or 'none given'}.",
            hint="pass quasi_identifiers= with the data's own column names",
        )
    if k < 1:
        raise PrivacyError(f"k={k} is not a group size.", hint="use k >= 2, e.g. k=5")
    frame = _banded(data[cols], cols, bins)
    groups = (
        frame.groupby(cols, dropna=False, observed=True)
        .size()
        .rename("records")
        .reset_index()
        .sort_values("records", kind="stable")
        .reset_index(drop=True)
    )
    smallest = int(groups["records"].min()) if len(groups) else 0
    return KAnonymity(
        quasi_identifiers=tuple(cols),
        k=int(k),
        groups=groups,
        smallest=smallest,
        at_risk=int(groups.loc[groups["records"] < k, "records"].sum()),
        n_records=len(data),
    )


def _banded(data: pd.DataFrame, cols: list[str], bins) -> pd.DataFrame:
    out = data.copy()
    for col, edges in (bins or {}).items():
        if col not in cols:
            raise PrivacyError(
                f"bins names {col!r}, which is not among the quasi-identifiers {cols}.",
                hint="add it to quasi_identifiers or drop it from bins",
            )
        out[col] = pd.cut(out[col], edges, include_lowest=True)
    return out


def require_k_anonymity(
    data: pd.DataFrame,
    quasi_identifiers: Sequence[str] = GUILD_QUASI_IDENTIFIERS,
    *,
    k: int = 5,
    bins: Mapping[str, Sequence[float]] | None = None,
) -> pd.DataFrame:
    """Guard to call before writing any respondent-level extract: return what may be written.

    Returns ``data`` itself, or with ``bins`` a copy whose banded columns replace the raw ones
    (the check ran on the bands, so only the bands may be written).

    Raises
    ------
    PrivacyError
        When a combination of the quasi-identifiers is shared by fewer than ``k`` records;
        the message gives the smallest group size and the records at risk (never their
        values) and how to coarsen.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"role": ["Editor"] * 6, "region": ["West"] * 6})
    >>> require_k_anonymity(data, ["role", "region"], k=5) is data
    True
    """
    check = k_anonymity(data, quasi_identifiers, k=k, bins=bins)
    if not check.passes:
        raise PrivacyError(
            f"The extract is not {k}-anonymous on {', '.join(check.quasi_identifiers)}: the "
            f"smallest group has {check.smallest} record(s) and {check.at_risk} of "
            f"{check.n_records} records sit in {check.groups_at_risk} groups smaller than {k}.",
            hint="coarsen the quasi-identifiers (band years with bins=, merge small roles or "
            "regions), drop one, or remove the records at risk; inspect "
            "k_anonymity(...).to_frame() privately",
        )
    return _banded(data, list(quasi_identifiers), bins) if bins else data


def write_extract(
    data: pd.DataFrame,
    path: str | Path,
    *,
    quasi_identifiers: Sequence[str] = GUILD_QUASI_IDENTIFIERS,
    k: int = 5,
    bins: Mapping[str, Sequence[float]] | None = None,
) -> Path:
    """Write a respondent-level extract (``.csv`` or ``.parquet``) only if it is k-anonymous.

    Runs :func:`require_k_anonymity` first and writes what it returns (banded columns when
    ``bins`` is given), atomically. In a CSV, text cells that a spreadsheet would run as a
    formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) get a leading ``'``
    (:func:`survey_tools.files.write_csv`). Drop direct identifiers (names, emails, member
    IDs) before calling: ``clean()`` already replaces them with salted hashes.

    Raises
    ------
    PrivacyError
        When the extract is not k-anonymous, or the file type is not CSV or Parquet.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> data = pd.DataFrame({"role": ["Editor"] * 6, "region": ["West"] * 6, "q1": range(6)})
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "extract.csv"
    >>> write_extract(data, out, quasi_identifiers=["role", "region"]).name
    'extract.csv'
    """
    path = Path(path)
    if path.suffix not in (".csv", ".parquet"):
        raise PrivacyError(
            f"Cannot write an extract to {path}: unknown file type {path.suffix!r}.",
            hint="name the file .csv or .parquet",
        )
    safe = require_k_anonymity(data, quasi_identifiers, k=k, bins=bins)
    with atomic_file(path) as tmp:
        if path.suffix == ".csv":
            write_csv(safe, tmp)  # cells that would start a spreadsheet formula are neutralised
        else:
            safe.to_parquet(tmp, index=False)
    return path
