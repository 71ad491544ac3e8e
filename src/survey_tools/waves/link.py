"""Linking members across waves on the salted member key.

Enters: two waves' cleaned data (or designs) with the member key ``clean()`` wrote (an
``identifier`` variable with ``action: hash``: HMAC-SHA256 of the member ID under the
organisation's salt, so the same member gets the same key in every wave cleaned with the same
salt), and optionally the two waves' membership rolls. Leaves: a :class:`Links` report (members
linked, answering only one wave, duplicated keys; with the rolls, members who joined and who
lapsed) and, for codebooks of waves cleaned without a key, :func:`with_member_key`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from ..cleaning.codebook import Codebook, Variable
from ..errors import CodebookError, LinkError

__all__ = ["Links", "link_waves", "with_member_key"]


@dataclass(frozen=True)
class Links:
    """How two waves' respondents link: counts, and the linked keys (never shown in reports)."""

    wave_a: str
    wave_b: str
    n_a: int
    n_b: int
    linked: int
    only_a: int
    only_b: int
    duplicates_a: int
    duplicates_b: int
    joined: int | None = None
    lapsed: int | None = None
    continuing: int | None = None
    keys: frozenset = frozenset()

    @property
    def share_linked(self) -> float:
        """Share of wave a's respondents who answered wave b too."""
        return self.linked / self.n_a if self.n_a else float("nan")

    def to_frame(self) -> pd.DataFrame:
        rows = [
            ("respondents", self.wave_a, self.n_a),
            ("respondents", self.wave_b, self.n_b),
            ("answered both waves (linked)", f"{self.wave_a}+{self.wave_b}", self.linked),
            ("answered only", self.wave_a, self.only_a),
            ("answered only", self.wave_b, self.only_b),
            ("duplicate keys", self.wave_a, self.duplicates_a),
            ("duplicate keys", self.wave_b, self.duplicates_b),
        ]
        if self.joined is not None:
            rows += [
                ("members who joined the roll", self.wave_b, self.joined),
                ("members who lapsed from the roll", self.wave_a, self.lapsed),
                ("members on both rolls", f"{self.wave_a}+{self.wave_b}", self.continuing),
            ]
        return pd.DataFrame(rows, columns=["measure", "wave", "members"])

    def __repr__(self) -> str:
        return (
            f"Links({self.wave_a} -> {self.wave_b}: {self.linked:,} of {self.n_a:,} and "
            f"{self.n_b:,} respondents linked"
            + (
                f"; {self.joined:,} joined, {self.lapsed:,} lapsed"
                if self.joined is not None
                else ""
            )
            + ")"
        )


def _keys(obj, key: str, wave: str) -> pd.Series:
    data = obj if isinstance(obj, pd.DataFrame) else getattr(obj, "data", None)
    if not isinstance(data, pd.DataFrame):
        raise LinkError(f"Wave {wave!r} is a {type(obj).__name__}, not data with a member key.")
    if key not in data.columns:
        raise LinkError(
            f"Wave {wave!r} has no member key column {key!r}.",
            hint="clean the wave with an identifier variable of action: hash "
            "(waves.with_member_key(codebook) adds one) and the same salt as the other waves",
        )
    return data[key].dropna().astype(str)


def link_waves(
    a,
    b,
    *,
    key: str = "member_key",
    waves: tuple[str, str] = ("a", "b"),
    roll_a: pd.DataFrame | None = None,
    roll_b: pd.DataFrame | None = None,
    roll_key: str = "member_id",
) -> Links:
    """Link two waves' respondents on ``key``; with both rolls, count who joined and lapsed.

    Raises :class:`~survey_tools.LinkError` when a wave has no key column, or when both waves
    carry keys and not one matches: the mark of waves hashed with different salts.
    """
    wa, wb = (str(w) for w in waves)
    ka, kb = _keys(a, key, wa), _keys(b, key, wb)
    sa, sb = set(ka), set(kb)
    both = sa & sb
    if ka.size and kb.size and not both:
        raise LinkError(
            f"No member key of wave {wb!r} matches one of wave {wa!r} ({len(sa):,} and "
            f"{len(sb):,} members): the waves were most likely cleaned with different salts.",
            hint="clean both exports with the same salt (SURVEY_TOOLS_SALT or "
            "SURVEY_TOOLS_SALT_FILE); if the samples truly share no member, compare them with "
            "link=None",
        )
    extra = {}
    if roll_a is not None and roll_b is not None:
        for roll in (roll_a, roll_b):
            if roll_key not in roll.columns:
                raise LinkError(
                    f"A roll has no column {roll_key!r}.", hint="pass roll_key= (the roll's ID)"
                )
        ra, rb = set(roll_a[roll_key].astype(str)), set(roll_b[roll_key].astype(str))
        extra = {"joined": len(rb - ra), "lapsed": len(ra - rb), "continuing": len(ra & rb)}
    return Links(
        wa,
        wb,
        n_a=len(ka),
        n_b=len(kb),
        linked=len(both),
        only_a=len(sa - sb),
        only_b=len(sb - sa),
        duplicates_a=int(ka.duplicated().sum()),
        duplicates_b=int(kb.duplicated().sum()),
        keys=frozenset(both),
        **extra,
    )


def with_member_key(book: Codebook, *, name: str = "member_key", source=None) -> Codebook:
    """The codebook with a salted member key added (an identifier hashed at ``clean()``).

    ``source`` defaults to the sources of the codebook's roll key variable (the member ID), so
    a wave cleaned without a key can be cleaned again with one for linking; the ID itself
    stays dropped. ``clean()`` then needs the salt (``salt=`` or ``SURVEY_TOOLS_SALT``), the
    same for every wave.
    """
    if name in book.variables:
        return book
    if source is None:
        roll_key = (book.roll or {}).get("key") if isinstance(book.roll, dict) else None
        var = book.variables.get(roll_key) if roll_key else None
        ids = [v for v in book.variables.values() if v.type == "identifier"]
        var = var or (ids[0] if ids else None)
        if var is None:
            raise CodebookError(
                "The codebook has no identifier variable to hash into a member key.",
                hint="pass source= (the export column holding the member ID)",
            )
        source = var.source
    source = (source,) if isinstance(source, str) else tuple(source)
    key = Variable(
        name=name,
        type="identifier",
        source=source,
        label="Member key: salted hash of the member ID, links waves",
        action="hash",
    )
    return dataclasses.replace(book, variables={**book.variables, name: key})
