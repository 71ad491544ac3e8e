"""Safe quotes: coded comments and the respondents' data in, quotes that stand for a theme out.

:func:`pick_quotes` proposes ``k`` quotes for one theme that stand for it and cannot identify
their author. A quote is the sentence (or two) of a comment that carries the theme on its own,
never the rest of the comment. A candidate is dropped when

- its author sits in a small cell: fewer than ``min_cell`` respondents share the author's
  role-by-region cell (``cell=``), or the author's group or cell is unknown;
- it holds a redaction tag (``[name]``), a digit, a date or a month or weekday name;
- it names a person (the redaction's name detectors, run again), a platform, studio,
  production or other organisation (:data:`ORGANISATIONS`, plus ``sensitive_terms=``), or any
  capitalised word inside a sentence that is not on :data:`ALLOWED_CAPITALS` (show titles,
  places, brands);
- it holds a rare word: one written by fewer than ``min_authors`` commenters in all (an
  idiosyncratic word, a nickname, a typo, a lower-case title);
- it is shorter than ``min_words`` or longer than ``max_words`` words.

The rest are ranked by closeness to the theme (TF-IDF cosine to the centroid of every
candidate's excerpt) and chosen one group at a time so that the quotes come from different
groups (maximal marginal relevance: a quote like one already chosen counts less). Quotes are
attributed by group only. A quote is a proposal: a memo prints it only once an analyst has
approved its exact text in the analysis plan.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import numpy as np
import pandas as pd

from ..cleaning.redact import Redactor
from ..errors import DesignError
from .code import commented
from .themes import Themes, read_themes

__all__ = ["ALLOWED_CAPITALS", "ORGANISATIONS", "pick_quotes", "quote_candidates"]

_ORGANISATIONS = """
    mercor outlier turing dataannotation remotasks alignerr appen telus micro1 globallogic
    toloka prolific labelbox upwork fiverr clickworker snorkel openai anthropic google deepmind
    meta microsoft amazon nvidia elevenlabs respeecher netflix disney pixar dreamworks
    paramount warner sony lionsgate hbo hulu peacock nickelodeon marvel lucasfilm starz
    showtime bbc itv audible spotify youtube tiktok instagram twitter facebook reddit discord
    imdb
"""
ORGANISATIONS = frozenset(_ORGANISATIONS.split()) | {
    "scale ai", "surge ai", "data annotation", "invisible technologies", "apple tv",
    "universal pictures", "universal studios", "prime video", "amazon studios",
}  # fmt: skip
"""Platforms, studios, networks and companies a quote never names (case-blind)."""

ALLOWED_CAPITALS = frozenset({"I", "I'm", "I've", "I'd", "I'll", "AI", "NDA", "NDAs", "TV", "OK"})
"""Capitalised words a quote may hold inside a sentence."""

DATES = re.compile(
    r"\b(?:january|february|march|april|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|yesterday|tomorrow|christmas|easter|thanksgiving)\b",
    re.IGNORECASE,
)
TAG = re.compile(r"\[[a-z_]+\]")
SENTENCE = re.compile(r"(?<=[.!?])\s+")
WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


@cache
def _redactor() -> Redactor:
    """The redaction's detectors, built once (the name lists take a moment to load)."""
    return Redactor()


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


def _excerpt(text: str, theme: str, themes: Themes) -> str:
    """The sentences of ``text`` that carry ``theme`` on their own (at most two), or ""."""
    keep = [s for s in SENTENCE.split(text.strip()) if themes.match(s)[0].get(theme)]
    return " ".join(keep[:2])


def _problems(quote: str, *, rare: set, sensitive: frozenset, redactor: Redactor,
              min_words: int, max_words: int) -> list[str]:  # fmt: skip
    out = []
    words = _words(quote)
    if not min_words <= len(words) <= max_words:
        out.append(f"{len(words)} words")
    if TAG.search(quote):
        out.append("a redaction tag")
    if re.search(r"\d", quote):
        out.append("a digit")
    if DATES.search(quote):
        out.append("a date")
    named = sorted({w for w in words if w in sensitive})
    if named:
        out.append(f"an organisation ({', '.join(named)})")
    if any(re.search(rf"(?<!\w){re.escape(t)}(?!\w)", quote, re.IGNORECASE)
           for t in sensitive if " " in t):  # fmt: skip
        out.append("a sensitive term")
    for sentence in SENTENCE.split(quote):
        inner = WORD.findall(sentence)[1:]
        caps = [w for w in inner if w[0].isupper() and w.replace("’", "'") not in ALLOWED_CAPITALS]
        if caps:
            out.append(f"a capitalised name ({', '.join(caps)})")
            break
    if redactor.spans(quote):
        out.append("personal data")
    unusual = sorted(set(words) & rare)
    if unusual:
        out.append(f"a rare word ({', '.join(unusual)})")
    return out


def _cells(data: pd.DataFrame, cell: list[str]) -> pd.Series:
    """How many respondents share each row's cell (NaN where a cell variable is missing)."""
    keys = data[cell].astype(object)
    known = keys.notna().all(axis=1)
    key = keys[known].apply(tuple, axis=1)
    return key.map(key.value_counts()).reindex(data.index)


def quote_candidates(
    texts: pd.Series,
    coded: pd.DataFrame,
    theme: str,
    *,
    data: pd.DataFrame,
    by: str,
    cell: tuple | list | None = None,
    themes: Themes | None = None,
    min_cell: int = 10,
    min_authors: int = 3,
    min_words: int = 5,
    max_words: int = 40,
    sensitive_terms=(),
) -> pd.DataFrame:
    """Every comment coded with ``theme``: its excerpt, group, cell size and the problems
    that rule it out (``problems``, empty when it may be proposed). See :func:`pick_quotes`."""
    themes = themes or read_themes()
    if theme not in coded.columns:
        raise DesignError(
            f"No theme {theme!r} in the coded comments.",
            hint=f"choose one of {', '.join(map(str, coded.columns))}",
        )
    cell = list(cell) if cell is not None else [by, *(["region"] if "region" in data else [])]
    missing = [c for c in {by, *cell} if c not in data.columns]
    if missing or len(data) != len(texts) or not data.index.equals(texts.index):
        raise DesignError(
            "pick_quotes needs the respondents' data aligned with the comments"
            + (f" and its column(s) {', '.join(missing)}" if missing else "")
            + ".",
            hint="pass design=the survey design whose column the comments came from",
        )
    wrote = commented(texts)
    authors = Counter(w for text in texts[wrote].astype(str) for w in set(_words(text)))
    rare = {w for w, n in authors.items() if n < min_authors}
    sensitive = ORGANISATIONS | {str(t).lower() for t in sensitive_terms}
    redactor = _redactor()
    sizes = _cells(data, cell)
    rows = []
    for label in texts.index[wrote.to_numpy() & coded[theme].to_numpy(dtype=bool)]:
        quote = _excerpt(str(texts[label]).replace("’", "'"), theme, themes)
        problems = [] if quote else ["no sentence carries the theme on its own"]
        size = sizes[label]
        if pd.isna(size) or pd.isna(data.at[label, by]):
            problems.append("author's group or cell unknown")
        elif size < min_cell:
            problems.append(f"author in a small cell ({int(size)} < {min_cell})")
        if quote:
            problems += _problems(quote, rare=rare, sensitive=sensitive, redactor=redactor,
                                  min_words=min_words, max_words=max_words)  # fmt: skip
        rows.append(
            {
                "row": label,
                "theme": theme,
                "quote": quote,
                by: data.at[label, by],
                "cell_n": size,
                "problems": "; ".join(problems),
            }
        )
    return pd.DataFrame(rows, columns=["row", "theme", "quote", by, "cell_n", "problems"])


def pick_quotes(
    texts: pd.Series,
    coded: pd.DataFrame,
    theme: str,
    *,
    design=None,
    data: pd.DataFrame | None = None,
    by: str = "role_group",
    k: int = 3,
    cell: tuple | list | None = None,
    themes: Themes | None = None,
    min_cell: int = 10,
    min_authors: int = 3,
    max_words: int = 40,
    sensitive_terms=(),
    diversity: float = 0.5,
    candidates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Up to ``k`` quotes that stand for ``theme`` and cannot identify their authors.

    Parameters
    ----------
    texts
        The redacted comments (e.g. ``design.data["open_comment"]``).
    coded
        :func:`~survey_tools.code_comments` of ``texts``.
    theme
        The theme to quote.
    design, data
        The survey design, or its data: the respondents' groups and cells, aligned with
        ``texts``.
    by
        The group quotes are attributed to (and varied across).
    cell
        The columns of the author's cell for the small-cell rule (default: ``by`` and
        ``region`` when the data has it).
    min_cell, min_authors, max_words, sensitive_terms
        A quote's author needs ``min_cell`` respondents in their cell; every word of a quote
        must be written by ``min_authors`` commenters; at most ``max_words`` words; words or
        phrases in ``sensitive_terms`` (productions, employers) are never quoted.
    diversity
        Weight of difference from quotes already chosen (0: closeness to the theme only).
    candidates
        :func:`quote_candidates` of the same call, when already computed.

    Returns
    -------
    DataFrame
        ``theme``, ``quote``, the ``by`` column (the attribution) and ``reasons`` (why it was
        chosen and what it passed). Approve a quote in the analysis plan before a memo
        prints it.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if (design is None) == (data is None):
        raise DesignError("Give pick_quotes either design= or data=.", hint="design=run.design")
    data = design.data if design is not None else data
    if candidates is None:
        candidates = quote_candidates(
            texts, coded, theme, data=data, by=by, cell=cell, themes=themes, min_cell=min_cell,
            min_authors=min_authors, max_words=max_words, sensitive_terms=sensitive_terms,
        )  # fmt: skip
    columns = ["theme", "quote", by, "reasons"]
    ok = candidates[candidates["problems"] == ""].drop_duplicates(["quote", by])
    ok = ok.sort_values(["quote", by], kind="stable").reset_index(drop=True)
    if ok.empty:
        return pd.DataFrame(columns=columns)
    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(ok["quote"])
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid) or 1.0
    central = matrix @ centroid / norm  # rows of TfidfVectorizer are unit length
    similar = (matrix @ matrix.T).toarray()
    chosen: list[int] = []
    while len(chosen) < min(k, ok["quote"].nunique()):
        used = {ok.at[i, by] for i in chosen}
        score = central - diversity * (similar[:, chosen].max(axis=1) if chosen else 0)
        fresh = ~ok[by].isin(used).to_numpy()
        pool = np.flatnonzero(fresh) if fresh.any() else np.arange(len(ok))
        said = {ok.at[i, "quote"] for i in chosen}
        pool = [i for i in pool if ok.at[i, "quote"] not in said]
        if not pool:  # every fresh group's quotes are said: any group's unsaid quote
            pool = [i for i in range(len(ok)) if ok.at[i, "quote"] not in said]
        if not pool:
            break
        chosen.append(max(pool, key=lambda i: (score[i], -i)))
    out = ok.loc[chosen].copy()
    reasons = []
    for n, i in enumerate(chosen):
        fresh = ok.at[i, by] not in set(ok.loc[chosen[:n], by])
        reasons.append(
            f"closeness to the theme {central[i]:.2f}; "
            + ("a group not yet quoted; " if fresh else "")
            + f"author's cell holds {int(ok.at[i, 'cell_n'])} respondents; no tags, digits, "
            "dates, names, organisations or rare words"
        )
    out["reasons"] = reasons
    return out[columns].reset_index(drop=True)
