"""Personal data: redact free text offline, and replace identifiers by a salted hash.

Free text is redacted for URLs, email addresses, IP addresses, phone numbers, member-ID
patterns and the full names on the membership roll, each replaced by a bracketed tag
(``[email]``, ``[name]``...). Nothing is sent anywhere: the patterns are regular expressions
and the names come from the roll the analyst supplies.

Identifiers kept for linking waves are replaced by ``HMAC-SHA256(salt, value)``. The salt is
read from ``salt=``, the environment variable ``SURVEY_TOOLS_SALT``, or the file named by
``SURVEY_TOOLS_SALT_FILE``; a salt file inside a git repository is refused, so that it never
travels with the project.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import PrivacyError

__all__ = ["Redactor", "hash_values", "read_salt"]

PATTERNS = {  # applied in this order: a URL may hold an email or an ID, an email a name
    "url": r"\b(?:https?://|www\.)[^\s<>\"']+",
    "email": r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b",
    "ip": r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b"
    r"|\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b",
    "phone": r"(?<![\w.])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}\b",
    "member_id": r"\b[A-Z]{1,3}-?\d{5,8}\b",
}
WORD = re.compile(r"[^\W\d_][\w'’-]*")


class Redactor:
    """Redacts free text; ``names`` are full names (``"First Last"``) to remove.

    Examples
    --------
    >>> r = Redactor(names=["Ada Lovelace"])
    >>> text, counts = r.text("Ask Ada Lovelace at ada@example.org or (213) 555-0100")
    >>> text, sorted(counts.items())
    ('Ask [name] at [email] or [phone]', [('email', 1), ('name', 1), ('phone', 1)])
    """

    def __init__(self, *, names=(), patterns: dict | None = None) -> None:
        spec = {**PATTERNS, **(patterns or {})}
        self._patterns = [
            (kind, re.compile(rx, re.I if kind != "member_id" else 0)) for kind, rx in spec.items()
        ]
        self._names = {" ".join(str(n).casefold().split()) for n in names if str(n).strip()}

    def text(self, value: str) -> tuple[str, Counter]:
        counts: Counter = Counter()
        for kind, rx in self._patterns:
            value, n = rx.subn(f"[{kind}]", value)
            if n:
                counts[kind] += n
        if self._names:
            value, n = self._remove_names(value)
            if n:
                counts["name"] += n
        return value, counts

    def _remove_names(self, value: str) -> tuple[str, int]:
        """Replace each pair of adjacent words that is a full name on the roll."""
        words = list(WORD.finditer(value))
        out, last, n, i = [], 0, 0, 0
        while i < len(words) - 1:
            a, b = words[i], words[i + 1]
            gap = value[a.end() : b.start()]
            if gap.isspace() and f"{a[0]} {b[0]}".casefold() in self._names:
                out += [value[last : a.start()], "[name]"]
                last, n, i = b.end(), n + 1, i + 2
            else:
                i += 1
        return "".join([*out, value[last:]]), n

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


def read_salt(salt: str | bytes | None = None) -> bytes:
    """The salt for hashing identifiers (see the module docstring for where it is read)."""
    if salt:
        return salt.encode() if isinstance(salt, str) else salt
    if os.environ.get("SURVEY_TOOLS_SALT"):
        return os.environ["SURVEY_TOOLS_SALT"].encode()
    file = os.environ.get("SURVEY_TOOLS_SALT_FILE")
    if file:
        path = Path(file).expanduser().resolve()
        inside = next((p for p in path.parents if (p / ".git").exists()), None)
        if inside is not None:
            raise PrivacyError(
                f"The salt file {path} lies inside the git repository {inside}.",
                hint="keep the salt outside any project folder, e.g. ~/.config/survey_tools/salt",
            )
        try:
            value = path.read_bytes().strip()
        except OSError as exc:
            raise PrivacyError(f"Cannot read the salt file {path}: {exc.strerror}.") from None
        if value:
            return value
    raise PrivacyError(
        "The codebook asks to hash identifiers, but no salt is set.",
        hint="set SURVEY_TOOLS_SALT, or SURVEY_TOOLS_SALT_FILE to a file outside the project, "
        "or pass salt= to clean()",
    )


def hash_values(values: pd.Series, salt: bytes) -> pd.Series:
    """Replace each value by the first 16 hex digits of HMAC-SHA256(salt, value)."""

    def digest(v) -> str:
        return hmac.new(salt, str(v).encode(), hashlib.sha256).hexdigest()[:16]

    return values.map(digest, na_action="ignore").astype("string")
