"""Coding open comments with a theme codebook: redacted texts in, a theme matrix and audit out.

:func:`code_comments` gives one boolean column per theme, aligned with the texts' index (a
blank or missing comment is coded with no theme). :func:`audit_comments` gives the evidence
behind it: every matched span (coded, negated or excluded) and every comment no theme
found, for staff to read. Both work on redacted text only: a comment still holding an email
address, phone number, URL, IP address or card number is refused (run
:func:`~survey_tools.redact` or :func:`~survey_tools.clean` first).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from ..cleaning import redact_patterns as rp
from ..errors import PrivacyError
from .themes import Themes, read_themes

__all__ = ["audit_comments", "code_comments", "commented"]

UNREDACTED = (rp.emails, rp.urls, rp.ips, rp.phones, rp.cards, rp.ssns)
AUDIT_COLUMNS = ["row", "theme", "status", "phrase", "start", "end", "span"]


def _texts(texts) -> pd.Series:
    if isinstance(texts, pd.Series):
        return texts
    return pd.Series(list(texts), dtype="object")


def commented(texts) -> pd.Series:
    """True where a member wrote a comment (not missing, not blank), aligned with ``texts``."""
    texts = _texts(texts)
    return texts.astype("string").str.strip().fillna("").ne("").astype(bool)


def _themes(themes) -> Themes:
    return themes if isinstance(themes, Themes) else read_themes(themes)


def _refuse_unredacted(texts: pd.Series) -> None:
    for label, text in texts.items():
        kinds = [d.__name__ for d in UNREDACTED if d(text)]
        if kinds:
            raise PrivacyError(
                f"The comment at index {label!r} still holds personal data ({', '.join(kinds)}); "
                "comments are coded on redacted text only.",
                hint="code the cleaned survey's comments (clean() redacts them), or pass them "
                "through survey_tools.redact(texts, roll=roll) first",
            )


def _code(texts, themes, check_redacted: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    texts = _texts(texts)
    themes = _themes(themes)
    has = commented(texts)
    clean = texts[has].astype(str).str.replace("’", "'", regex=False)
    if check_redacted:
        _refuse_unredacted(clean)
    hits = np.zeros((len(texts), len(themes.ids)), dtype=bool)
    position = dict(zip(texts.index[has.to_numpy()], np.flatnonzero(has.to_numpy())))
    audit = []
    cache: dict = {}
    for label, text in clean.items():
        if text not in cache:
            cache[text] = themes.match(text)
        found, rows = cache[text]
        hits[position[label]] = [found[k] for k in themes.ids]
        audit += [
            (label, theme, status, phrase, a, b, text[a:b]) for status, theme, phrase, a, b in rows
        ]
        if not any(found.values()):
            audit.append((label, "", "uncoded", "", 0, len(text), text))
    coded = pd.DataFrame(hits, index=texts.index, columns=themes.ids)
    return coded, pd.DataFrame(audit, columns=AUDIT_COLUMNS)


def code_comments(
    texts, themes: Themes | str | os.PathLike | None = None, *, check_redacted: bool = True
) -> pd.DataFrame:
    """Code open comments into themes: one boolean column per theme, the texts' index.

    Parameters
    ----------
    texts
        Redacted comments (a Series, e.g. ``cleaned.data["open_comment"]``, or a list).
        Missing and blank comments are coded False for every theme.
    themes
        A :class:`~survey_tools.comments.themes.Themes` from :func:`read_themes`, or a path
        to a theme codebook YAML; None for the standard questionnaire's.
    check_redacted
        Refuse comments still holding emails, phones, URLs, IP or card numbers (default).

    Examples
    --------
    >>> coded = code_comments(["The rates keep dropping.", "I never had a rate cut.", None])
    >>> coded["rates"].tolist()
    [True, False, False]
    """
    return _code(texts, themes, check_redacted)[0]


def audit_comments(
    texts, themes: Themes | str | os.PathLike | None = None, *, check_redacted: bool = True
) -> pd.DataFrame:
    """The evidence behind :func:`code_comments`: one row per matched span, and per comment
    no theme found.

    Columns: ``row`` (the texts' index label), ``theme``, ``status`` (``coded``; ``negated``:
    a negator stood before it; ``partial``: a co-occurrence group was missing; ``excluded``:
    a ``not:`` phrase matched; ``via child``: coded through a child theme; ``uncoded``: the
    comment has no theme), ``phrase``, ``start``, ``end`` and ``span`` (the matched text;
    for uncoded comments the whole comment).
    """
    return _code(texts, themes, check_redacted)[1]
