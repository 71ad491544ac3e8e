"""Personal data: redact free text offline, and replace identifiers by a salted hash.

:func:`redact` replaces each piece of personal data in open answers by a bracketed tag of its
kind: ``[name]`` (roll members in every everyday form, and other people found with a name
gazetteer and context), ``[email]``, ``[phone]``, ``[address]``, ``[url]``, ``[handle]``,
``[ip]``, ``[ssn]``, ``[card]``, ``[dob]`` and ``[member_id]``. The detectors are in
``redact_names.py`` and ``redact_patterns.py``; nothing is downloaded or sent anywhere.

Identifiers kept for linking waves are replaced by ``HMAC-SHA256(salt, value)``. The salt is
read from ``salt=``, the environment variable ``SURVEY_TOOLS_SALT``, or the file named by
``SURVEY_TOOLS_SALT_FILE``; a salt shorter than 16 random bytes (32 hex characters) is refused,
and so is any salt while the salt file lies inside a git repository (see :func:`read_salt`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import MarginsError, PrivacyError
from . import redact_patterns as rp
from .redact_names import OtherNames, RollNames, tokens

__all__ = ["Redactor", "hash_roll", "hash_values", "read_salt", "redact"]

# When two detections overlap, the one of the earlier kind wins (a URL or an email may hold a
# name or digits), then the longer one.
ORDER = ("url", "email", "handle", "ip", "card", "ssn", "dob", "member_id", "phone", "address")
NAME_COLUMNS = (("first_name", "last_name"), ("given_name", "family_name"), ("first", "last"))


def _roll_pairs(roll: pd.DataFrame | None) -> list[tuple[str, str]]:
    """``(first, last)`` names of a roll: first/last name columns, or one ``name`` column."""
    if roll is None:
        return []
    cols = {str(c).casefold(): c for c in roll.columns}
    for first, last in NAME_COLUMNS:
        if first in cols and last in cols:
            frame = roll[[cols[first], cols[last]]].dropna().astype(str)
            return list(frame.itertuples(index=False, name=None))
    if "name" in cols:
        return [_split(n) for n in roll[cols["name"]].dropna().astype(str)]
    return []


def _split(name) -> tuple[str, str]:
    """A full name as ``(first, last)``: ``"Last, First"`` or ``"First [Middle] Last"``."""
    if isinstance(name, tuple | list):
        return str(name[0]), str(name[1])
    if "," in str(name):
        last, _, first = str(name).partition(",")
        return first.strip(), last.strip()
    words = str(name).split()
    return " ".join(words[:-1]), words[-1] if words else ""


def _prefixes(roll: pd.DataFrame | None) -> str:
    """The letters member IDs start with on the roll (``M`` when there is no ID column)."""
    cols = {str(c).casefold(): c for c in roll.columns} if roll is not None else {}
    ids = roll[cols["member_id"]].dropna().astype(str) if "member_id" in cols else []
    found = {m[1].upper() for v in ids if (m := re.match(r"([A-Za-z]{1,3})\W?\d", v))}
    return "|".join(sorted(found)) or "M"


def _numbers(roll: pd.DataFrame | None) -> frozenset:
    """The numbers of the roll's member IDs (``M0481236`` -> 481236), five digits or more."""
    cols = {str(c).casefold(): c for c in roll.columns} if roll is not None else {}
    ids = roll[cols["member_id"]].dropna().astype(str) if "member_id" in cols else []
    found = (re.sub(r"\D", "", v) for v in ids)
    return frozenset(int(d) for d in found if 5 <= len(d) <= 10 and int(d) >= 10000)


class Redactor:
    """Redacts free text; detectors are built once and reused for every answer.

    Parameters
    ----------
    roll : DataFrame, optional
        The membership roll: ``first_name`` and ``last_name`` columns (or ``given_name`` and
        ``family_name``, or one ``name`` column), and ``member_id`` for the ID format.
    names : iterable, optional
        More full names to remove, as ``"First Last"``, ``"Last, First"`` or ``(first, last)``.
    patterns : dict, optional
        More detectors, ``{kind: regular expression}``; matches become ``[kind]``.

    Examples
    --------
    >>> r = Redactor(names=["Ada Lovelace"])
    >>> text, counts = r.text("Ask lovelace, ada at ada@example.org or (213) 555-0100")
    >>> text, sorted(counts.items())
    ('Ask [name] at [email] or [phone]', [('email', 1), ('name', 1), ('phone', 1)])
    """

    def __init__(
        self,
        *,
        roll: pd.DataFrame | None = None,
        names: Iterable = (),
        patterns: dict | None = None,
    ) -> None:
        pairs = _roll_pairs(roll) + [_split(n) for n in names if str(n).strip()]
        self.roll_names = RollNames(pairs)
        self.other_names = OtherNames(pairs)  # loads the name lists now, once
        self.detectors = [
            *(rp.pattern(kind, rx) for kind, rx in (patterns or {}).items()),
            *rp.DETECTORS,
            rp.member_ids(_prefixes(roll), _numbers(roll)),
        ]
        self.order = {kind: i for i, kind in enumerate([*(patterns or {}), *ORDER])}

    def spans(self, value: str) -> list[tuple[int, int, str]]:
        """Non-overlapping ``(start, end, kind)`` of the personal data in ``value``, in order."""
        found = [s for detect in self.detectors for s in detect(value)]
        toks = tokens(value)
        found += [(a, b, "name") for a, b in self.roll_names.find(value, toks)]
        found += [(a, b, "name") for a, b in self.other_names.find(value, toks)]
        found.sort(key=lambda s: (self.order.get(s[2], len(self.order)), s[0] - s[1]))
        taken: list[tuple[int, int, str]] = []
        for a, b, kind in found:
            overlaps = [s for s in taken if not (b <= s[0] or a >= s[1])]
            if kind == "address" and all(a <= x and y <= b for x, y, _ in overlaps):
                overlaps = []  # its house number or ZIP read as an ID: the address holds them
                taken = [s for s in taken if not (a <= s[0] and s[1] <= b)]
            if not overlaps:
                taken.append((a, b, kind))
        return sorted(taken)

    def text(self, value: str) -> tuple[str, Counter]:
        """``value`` with each piece of personal data replaced by ``[kind]``, and the counts."""
        out, last, counts = [], 0, Counter()
        for a, b, kind in self.spans(value):
            out += [value[last:a], f"[{kind}]"]
            last = b
            counts[kind] += 1
        return "".join([*out, value[last:]]), counts

    def series(self, values: pd.Series) -> tuple[pd.Series, Counter]:
        """Redact every text in ``values`` (each distinct text once; missing stays missing)."""
        inverse, uniques = pd.factorize(values, use_na_sentinel=True)
        total: Counter = Counter()
        redacted = []
        counts = np.bincount(inverse[inverse >= 0], minlength=len(uniques))
        for value, n in zip(uniques, counts):
            text, found = self.text(str(value))
            redacted.append(text)
            total.update({kind: k * int(n) for kind, k in found.items()})
        out = pd.array([*redacted, pd.NA], dtype="string")[inverse]
        return pd.Series(out, index=values.index, name=values.name), total


def redact(
    texts,
    *,
    roll: pd.DataFrame | None = None,
    names: Iterable = (),
    patterns: dict | None = None,
) -> pd.Series:
    """Open answers with personal data replaced by bracketed tags of its kind, offline.

    Parameters
    ----------
    texts : Series or list of str
        The answers; missing values stay missing and the index is kept.
    roll : DataFrame, optional
        The membership roll, as ``clean(roll=...)`` takes: its members' full names are removed
        in every everyday form (either order, ``Last, First``, possessive, any case, accents
        or curly apostrophes, hyphenated or double surnames, an initial and the surname), and
        a first name alone where it names a person ("Renee said", "ask Renee"); its names
        also help find other people's names, and its member ID numbers are removed with or
        without their letters.
    names : iterable, optional
        More names to remove (``"First Last"`` or ``(first, last)``).
    patterns : dict, optional
        More detectors as ``{kind: regular expression}``, e.g. ``{"case": r"CASE-\\d+"}``.

    Returns
    -------
    Series
        The redacted answers (string dtype), same index and name as ``texts``.

    Examples
    --------
    >>> import pandas as pd
    >>> roll = pd.DataFrame({"first_name": ["Renée"], "last_name": ["O'Connell"]})
    >>> out = redact(
    ...     [
    ...         "Okay, O’Connell, Renee: my agent Dana Whitfield has it",
    ...         "Renee said Outlier paid $40/hr; invoice INV-88213; June was slow",
    ...         "I live at 27 Maple Street, Burbank, CA 91505, born 03/14/1988",
    ...     ],
    ...     roll=roll,
    ... )
    >>> for line in out:
    ...     print(line)
    Okay, [name]: my agent [name] has it
    [name] said Outlier paid $40/hr; invoice INV-88213; June was slow
    I live at [address], born [dob]
    """
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype="string")
    return Redactor(roll=roll, names=names, patterns=patterns).series(series.astype("string"))[0]


def redact_own_names(texts: pd.Series, own: pd.DataFrame) -> tuple[pd.Series, int]:
    """Each answer with its own respondent's name words replaced by ``[name]``.

    ``own`` holds, row by row with ``texts``, the export's name columns (first, last or full
    name, dropped from the cleaned data): a respondent who writes "call up Trudy" in their own
    comment names themself. A name word that is also an ordinary word ("Will", "Rose") is
    removed only where capitalised. Returns the answers and how many were changed.

    Examples
    --------
    >>> texts = pd.Series(["So call up Trudy", "I will ask Will", None])
    >>> own = pd.DataFrame({"first": ["Trudy", "Will", "Ann"]})
    >>> out, n = redact_own_names(texts, own)
    >>> out.tolist(), n
    (['So call up [name]', 'I will ask [name]', <NA>], 2)
    """
    from .redact_names import TOKEN, fold, ordinary_words

    words = ordinary_words()
    out = texts.astype("string").copy()
    changed = 0
    names = [" ".join(str(v) for v in row if pd.notna(v)) for row in own.itertuples(index=False)]
    for i in np.flatnonzero(out.notna().to_numpy()):
        found = {m[0] for m in TOKEN.finditer(names[i]) if len(m[0]) > 1}
        if not found:
            continue
        loose = [re.escape(w) for w in found if fold(w) not in words]
        exact = [re.escape(w[0].upper() + w[1:]) for w in found if fold(w) in words]
        parts = ([f"(?i:{'|'.join(loose)})"] if loose else []) + exact
        rx = re.compile(rf"(?<![^\W\d_])(?:{'|'.join(parts)})(?![^\W\d_])")
        new, n = rx.subn("[name]", out.iloc[i])
        if n:
            out.iloc[i], changed = new, changed + 1
    return out, changed


MIN_SALT_BYTES = 16  # 128 bits: 32 hex characters
MIN_SALT_DISTINCT = 8  # "aaaa..." or "abab..." is no random salt, however long


def read_salt(salt: str | bytes | None = None) -> bytes:
    """The salt for hashing identifiers, checked to protect them.

    Read from ``salt=``, else ``SURVEY_TOOLS_SALT``, else the file named by
    ``SURVEY_TOOLS_SALT_FILE``. Refused (:class:`PrivacyError`):

    - a salt shorter than 16 bytes (a text salt: 32 characters, e.g. 32 hex digits) or with
      fewer than 8 distinct characters: anyone holding the roll can try every short salt
      against every member ID and re-identify the hashes (with a one-character salt, all
      3,215 IDs of a roll were recovered in under two seconds);
    - any salt while ``SURVEY_TOOLS_SALT_FILE`` names a file inside a git repository, even
      when the salt itself comes from ``salt=`` or the environment: that file would travel
      with the project.

    Examples
    --------
    >>> import secrets
    >>> len(read_salt(secrets.token_hex(16)))
    32
    >>> read_salt("pepper")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    survey_tools.errors.PrivacyError: The salt (salt=) is 6 characters long ...
    """
    file = os.environ.get("SURVEY_TOOLS_SALT_FILE")
    path = Path(file).expanduser().resolve() if file else None
    inside = path and next((p for p in path.parents if (p / ".git").exists()), None)
    if inside:
        raise PrivacyError(
            f"The salt file {path} (SURVEY_TOOLS_SALT_FILE) lies inside the git repository "
            f"{inside}; no salt is used while it is configured there, whatever its source.",
            hint="move the salt outside any project folder, e.g. ~/.config/survey_tools/salt, "
            "and point SURVEY_TOOLS_SALT_FILE there",
        )
    where = "salt="
    if salt:
        value = salt.encode() if isinstance(salt, str) else bytes(salt)
    elif os.environ.get("SURVEY_TOOLS_SALT"):
        value, where = os.environ["SURVEY_TOOLS_SALT"].strip().encode(), "SURVEY_TOOLS_SALT"
    elif path:
        try:
            value, where = path.read_bytes().strip(), str(path)
        except OSError as exc:
            raise PrivacyError(f"Cannot read the salt file {path}: {exc.strerror}.") from None
    else:
        value = b""
    if not value:
        raise PrivacyError(
            "The codebook asks to hash identifiers, but no salt is set.",
            hint="set SURVEY_TOOLS_SALT, or SURVEY_TOOLS_SALT_FILE to a file outside the project, "
            "or pass salt= to clean(); make one with "
            "python -c 'import secrets; print(secrets.token_hex(16))'",
        )
    raw = isinstance(salt, bytes)  # random bytes as given; else text such as hex digits
    needed, unit = (MIN_SALT_BYTES, "bytes") if raw else (2 * MIN_SALT_BYTES, "characters")
    if len(value) < needed or len(set(value)) < MIN_SALT_DISTINCT:
        raise PrivacyError(
            f"The salt ({where}) is {len(value)} {unit} long with {len(set(value))} distinct; "
            f"at least {MIN_SALT_BYTES} random bytes are needed (as text: {2 * MIN_SALT_BYTES} "
            f"hex characters, {MIN_SALT_DISTINCT} or more distinct). Hashed member IDs are only "
            "as safe as the salt: anyone holding the roll can try every short or patterned "
            "salt against every member ID and re-identify them all in seconds.",
            hint="make one with python -c 'import secrets; print(secrets.token_hex(16))' and keep "
            "it outside the project (SURVEY_TOOLS_SALT_FILE)",
        )
    return value


def hash_values(values: pd.Series, salt: bytes) -> pd.Series:
    """Replace each value by the first 16 hex digits of HMAC-SHA256(salt, value)."""

    def digest(v) -> str:
        return hmac.new(salt, str(v).encode(), hashlib.sha256).hexdigest()[:16]

    return values.map(digest, na_action="ignore").astype("string")


def hash_roll(
    roll: pd.DataFrame, *, key: str = "member_id", salt: str | bytes | None = None
) -> pd.DataFrame:
    """The roll with its ``key`` column replaced by the salted hash :func:`clean` writes.

    A codebook that keeps the member id as ``type: identifier, action: hash`` leaves the cleaned
    data with ``HMAC-SHA256(salt, id)`` instead of the id. Hashing the roll's ids with the same
    salt (``salt=``, else ``SURVEY_TOOLS_SALT`` or ``SURVEY_TOOLS_SALT_FILE``, checked by
    :func:`read_salt`) lets the roll and the cleaned data be joined, e.g. for
    :func:`survey_tools.design.nonresponse` or ``SurveyDesign.adjust_for_nonresponse``, without
    the ids in clear. Returns a copy; raises :class:`MarginsError` when the roll lacks ``key``.

    Examples
    --------
    >>> import secrets
    >>> salt = secrets.token_hex(16)
    >>> roll = pd.DataFrame({"member_id": ["M-1", "M-2"], "region": ["LA", "NY"]})
    >>> hashed = hash_roll(roll, salt=salt)
    >>> bool((hashed["member_id"] == hash_values(pd.Series(["M-1", "M-2"]), read_salt(salt))).all())
    True
    """
    if key not in roll.columns:
        raise MarginsError(
            f"The roll has no column {key!r} to hash.",
            hint=f"pass key= one of {list(map(str, roll.columns))[:12]}",
        )
    return roll.assign(**{key: hash_values(roll[key], read_salt(salt))})
