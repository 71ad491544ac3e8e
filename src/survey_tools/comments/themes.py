"""Theme codebooks: which words and patterns say that an open comment is about a theme.

A theme codebook is a YAML file (the standard questionnaire's ships as
``templates/guild_ai_survey/themes.yaml``)::

    negation: {window: 3}              # optional: negators this many words before a match
    themes:
      rates:
        label: Rates and pay cuts
        parent: ai_training_work       # optional: another theme's id, or a group name
        any: ["rate*", "pay cut*", "underpa*", "re:\\$\\d+"]   # one is enough
        all: [["ai", "training"]]      # optional: each group must also match (co-occurrence)
        not: ["rate this survey"]      # optional: matches inside these phrases do not count
        negation: true                 # "I have never had a pay cut" is not coded (default)
        examples:
          match: ["The rates keep dropping."]
          no_match: ["I rate this survey highly."]

A phrase is words matched whole and case-blind; ``*`` inside a word matches any letters
(``cancel*`` finds cancelled, cancellation); words may be joined by spaces or hyphens
(``ai training`` finds AI-training). A phrase starting ``re:`` is a regular expression. A
match is negated when ``no``, ``not``, ``never``, ``without`` or a word ending in ``n't``
stands within ``window`` words before it in the same clause, or the clause opens with ``no``,
``none``, ``never`` or ``nobody`` ("No project of mine was cancelled"). When ``parent`` names
another theme, a comment coded with the child is coded with the parent too.

:func:`read_themes` checks every key and runs every example before any comment is coded; one
:class:`~survey_tools.CodebookError` lists every problem with the theme, the key and the fix.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from ..errors import CodebookError

__all__ = ["STANDARD_THEMES", "Theme", "Themes", "read_themes"]

STANDARD_THEMES = "guild_ai_survey/themes.yaml"
"""The standard questionnaire's theme codebook, inside ``survey_tools/templates``."""

_NEGATORS = """no not never without nor neither none nobody nothing cannot cant dont didnt
    havent hasnt hadnt wont wasnt werent isnt arent doesnt"""
NEGATORS = frozenset(_NEGATORS.split())
LONG_NEGATORS = ("never", "without", "nothing", "nobody", "neither")
CLAUSE_NEGATORS = frozenset({"no", "none", "never", "nobody", "nothing", "neither"})
CLAUSE = re.compile(r"[.;:!?\n]|,|\bbut\b|\bthough\b|\bhowever\b", re.IGNORECASE)
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_TOP = {"negation", "themes", "version"}
_THEME = {"label", "parent", "any", "all", "not", "negation", "examples", "description"}


@dataclass(frozen=True)
class Theme:
    """One theme: its id, label, parent and compiled rules (see the module docstring)."""

    id: str
    label: str
    parent: str | None = None
    any: tuple = ()  # (phrase, compiled regex)
    all: tuple = ()  # groups of (phrase, regex): each group must match
    exclude: tuple = ()  # (phrase, regex)
    negation: bool = True
    examples: dict = field(default_factory=dict, compare=False, repr=False)
    description: str = ""
    screen: re.Pattern | None = field(default=None, compare=False, repr=False)  # any phrase


@dataclass(frozen=True)
class Themes:
    """A checked theme codebook: ``themes`` by id in file order, the negation window."""

    themes: dict
    window: int = 3
    path: str | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        return f"Themes({len(self.themes)} themes: {', '.join(self.themes)})"

    @property
    def ids(self) -> list[str]:
        return list(self.themes)

    def labels(self) -> dict:
        """``{theme id: label}`` in file order."""
        return {k: t.label for k, t in self.themes.items()}

    def children(self, ident: str) -> list[str]:
        """The themes whose ``parent`` is ``ident``."""
        return [k for k, t in self.themes.items() if t.parent == ident]

    def match(self, text: str) -> tuple[dict, list]:
        """``({theme: coded}, audit rows)`` of one comment; rows are ``(status, theme,
        phrase, start, end)`` (see :func:`~survey_tools.comments.code.audit_comments`)."""
        themes = self
        found, rows = {}, []
        for t in themes.themes.values():
            if t.screen is not None and not t.screen.search(text):
                found[t.id] = False  # no phrase of the theme anywhere: nothing to weigh
                continue

            def hits(rules, t=t):
                out = []
                for phrase, rx in rules:
                    for m in rx.finditer(text):
                        neg = t.negation and negated(text, m.start(), themes.window)
                        out.append((phrase, m.start(), m.end(), neg))
                return out

            excluded = hits(t.exclude)
            rows += [("excluded", t.id, p, a, b) for p, a, b, _ in excluded]

            def kept(found, excluded=excluded):  # matches inside an excluded phrase do not count
                return [h for h in found
                        if not any(x < h[2] and h[1] < y for _, x, y, _ in excluded)]  # fmt: skip

            main = kept(hits(t.any))
            groups = [kept(hits(g)) for g in t.all]
            live = [h for h in main if not h[3]]
            ok = (bool(live) or not t.any) and all(any(not h[3] for h in g) for g in groups)
            ok = ok and bool(t.any or t.all)  # a parent without rules: coded via children
            for p, a, b, neg in main + [h for g in groups for h in g]:
                rows.append(("negated" if neg else ("coded" if ok else "partial"), t.id, p, a, b))
            found[t.id] = ok
        for ident in themes.themes:  # a child's coding carries up to every ancestor theme
            if found[ident]:
                node = themes.themes[ident].parent
                while node in themes.themes and not found[node]:
                    found[node] = True
                    rows.append(("via child", node, ident, 0, 0))
                    node = themes.themes[node].parent
        return found, rows

    def to_frame(self):
        """One row per theme: ``theme``, ``label``, ``parent``, ``phrases``, ``excluded``."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "theme": t.id,
                    "label": t.label,
                    "parent": t.parent or "",
                    "phrases": "; ".join(
                        [p for p, _ in t.any] + [" + ".join(p for p, _ in g) for g in t.all]
                    ),
                    "excluded": "; ".join(p for p, _ in t.exclude),
                }
                for t in self.themes.values()
            ]
        )


def compile_phrase(phrase: str) -> re.Pattern:
    """A phrase (words with ``*`` wildcards, or ``re:`` and a regex) as a case-blind regex."""
    if phrase.startswith("re:"):
        return re.compile(phrase[3:], re.IGNORECASE)
    words = phrase.replace("’", "'").split()
    parts = [re.escape(w).replace(r"\*", r"[\w']*") for w in words]
    return re.compile(r"(?<![\w'])" + r"[\s\-]+".join(parts) + r"(?![\w'])", re.IGNORECASE)


def negated(text: str, start: int, window: int) -> bool:
    """True when a negator stands within ``window`` words before ``start``, same clause."""
    before = text[:start]
    cut = [m.end() for m in CLAUSE.finditer(before)]
    clause = before[cut[-1] :] if cut else before
    words = [w.lower().replace("’", "'") for w in WORD.findall(clause)]
    if not window:
        return False
    first = words[0] if words else ""
    if first in CLAUSE_NEGATORS or (len(first) > 3 and _negator(first)):  # "No project ..."
        return True
    return any(_negator(w) for w in words[-window:])


def _negator(word: str) -> bool:
    """A negator, also typed with two letters swapped or one dropped (``nevr``, ``nver``)."""
    if word in NEGATORS or word.endswith("n't"):
        return True
    if len(word) < 4:
        return False
    for neg in LONG_NEGATORS:
        if len(word) == len(neg) and sorted(word) == sorted(neg):
            diff = [i for i, (a, b) in enumerate(zip(word, neg)) if a != b]
            if len(diff) == 2 and diff[1] == diff[0] + 1:
                return True
        dropped = {neg[:i] + neg[i + 1 :] for i in range(1, len(neg))}
        if word in dropped:
            return True
    return False


def _phrases(value, where: str, problems: list) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(f"{where}: expected a list of phrases, got {type(value).__name__}")
        return ()
    out = []
    for phrase in value:
        if not isinstance(phrase, str) or not phrase.strip():
            problems.append(f"{where}: {phrase!r} is no phrase (write words, or re: and a regex)")
            continue
        try:
            out.append((phrase.strip(), compile_phrase(phrase.strip())))
        except re.error as exc:
            problems.append(f"{where}: {phrase!r} is no valid regular expression ({exc})")
    return tuple(out)


def _theme(ident: str, body, problems: list) -> Theme | None:
    where = f"themes.{ident}"
    if not isinstance(body, dict):
        problems.append(f"{where}: expected a mapping with label: and any:")
        return None
    for key in body:
        if key not in _THEME:
            near = difflib.get_close_matches(str(key), _THEME, n=1)
            problems.append(
                f"{where}.{key}: unknown key" + (f" (did you mean {near[0]}?)" if near else "")
            )
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", ident):
        problems.append(f"{where}: the id must be a name (letters, digits, _)")
    label = body.get("label")
    if not isinstance(label, str) or not label.strip():
        problems.append(f"{where}.label: missing (a short label for tables)")
        label = ident
    groups = body.get("all") or []
    if not isinstance(groups, list):
        problems.append(f"{where}.all: expected a list of phrase groups")
        groups = []
    groups = [g if isinstance(g, list) else [g] for g in groups]
    all_ = tuple(_phrases(g, f"{where}.all[{i}]", problems) for i, g in enumerate(groups))
    any_ = _phrases(body.get("any"), f"{where}.any", problems)
    examples = body.get("examples") or {}
    if not isinstance(examples, dict) or set(examples) - {"match", "no_match"}:
        problems.append(f"{where}.examples: expected match: [...] and no_match: [...]")
        examples = {}
    if not isinstance(body.get("negation", True), bool):
        problems.append(f"{where}.negation: write true or false")
    parent = body.get("parent")
    rules = [rx.pattern for _, rx in any_ + tuple(p for g in all_ for p in g)]
    return Theme(
        id=ident,
        label=str(label).strip(),
        parent=str(parent) if parent not in (None, "") else None,
        any=any_,
        all=all_,
        exclude=_phrases(body.get("not"), f"{where}.not", problems),
        negation=bool(body.get("negation", True)),
        examples={k: [str(x) for x in (v or [])] for k, v in examples.items()},
        description=str(body.get("description") or "").strip(),
        screen=re.compile("|".join(f"(?:{r})" for r in rules), re.IGNORECASE) if rules else None,
    )


def _locate(path) -> Path:
    if path is None:
        return Path(str(resources.files("survey_tools") / "templates" / STANDARD_THEMES))
    return Path(path)


def read_themes(path: str | os.PathLike | None = None) -> Themes:
    """Read, check and test a theme codebook (default: the standard questionnaire's).

    Every key is checked and every ``examples:`` comment is coded: a ``match`` example the
    theme misses, or a ``no_match`` example it codes, is a problem. All problems are raised
    together in one :class:`~survey_tools.CodebookError` naming the file, the theme, the key
    and the fix.

    Examples
    --------
    >>> themes = read_themes()
    >>> "rates" in themes.ids
    True
    """
    source = _locate(path)
    if not source.is_file():
        raise CodebookError(
            f"Theme codebook {source} not found.",
            hint="give the path of a themes YAML, or leave it out for the standard one",
        )
    try:
        body = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CodebookError(
            f"Cannot read the theme codebook {source}: {exc}".rstrip(".") + ".",
            hint="fix the YAML (UTF-8, two-space indents, quote phrases holding a colon)",
        ) from exc
    problems: list[str] = []
    if not isinstance(body, dict) or not isinstance(body.get("themes"), dict):
        raise CodebookError(
            f"{source} holds no themes: mapping.", hint="start with themes: and one theme id"
        )
    for key in set(body) - _TOP:
        problems.append(f"{key}: unknown key (the file holds negation: and themes:)")
    negation = body.get("negation") or {}
    window = negation.get("window", 3) if isinstance(negation, dict) else None
    if not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 10:
        problems.append("negation.window: expected a whole number of words from 0 to 10")
        window = 3
    themes = {}
    for ident, spec in body["themes"].items():
        theme = _theme(str(ident), spec, problems)
        if theme:
            themes[theme.id] = theme
    out = Themes(themes, window, str(source))
    _check_parents(out, problems)
    if not problems:
        problems += failing_examples(out)
    if problems:
        raise CodebookError(
            f"The theme codebook {source} has {len(problems)} problem(s): " + "; ".join(problems),
            hint="correct those themes (see help(survey_tools.comments.themes))",
        )
    return out


def _check_parents(themes: Themes, problems: list) -> None:
    for t in themes.themes.values():
        if not t.any and not any(t.all) and not themes.children(t.id):
            problems.append(
                f"themes.{t.id}: give phrases under any: (or all:) that say the theme, or make "
                "it the parent: of other themes"
            )
        seen, node = {t.id}, t.parent
        while node in themes.themes:
            if node in seen:
                problems.append(f"themes.{t.id}.parent: the parents loop back to {node}")
                break
            seen.add(node)
            node = themes.themes[node].parent


def failing_examples(themes: Themes) -> list[str]:
    """Every example its theme gets wrong, as ``themes.<id>.examples.match: '...' not coded``."""
    problems = []
    for t in themes.themes.values():
        for kind in ("match", "no_match"):
            texts = t.examples.get(kind) or []
            if not texts:
                continue
            coded = [themes.match(x.replace("’", "'"))[0][t.id] for x in texts]
            for text, hit in zip(texts, coded):
                if hit != (kind == "match"):
                    problems.append(
                        f"themes.{t.id}.examples.{kind}: {text!r} is "
                        + ("not coded (add a phrase that finds it)" if not hit
                           else "coded (add a not: phrase or narrow the phrase that finds it)")
                    )  # fmt: skip
    return problems
