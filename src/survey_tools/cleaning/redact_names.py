"""Find people's names in free text, offline: roll names in every form, and other names.

Two detectors, both working on word tokens whose keys are folded (accents stripped, case folded,
curly apostrophes made straight, a possessive ``'s`` dropped):

- :class:`RollNames` matches the full names of the membership roll in every everyday form:
  either order, ``Last, First``, a middle initial, a possessive, hyphenated or double surnames
  written with or without the hyphen, any case. A first name alone is never a match.
- :func:`other_names` finds names of people who are not on the roll with a gazetteer: a
  capitalised given name followed by a capitalised surname, a title (``Ms. Patterson``), or a
  role word (``my agent Dana``, ``recruiter Wong``). The given and family names are the person
  lists of Faker (MIT licence: about 21,000 given names and 22,000 surnames from many locales);
  platform, studio, union, product and place names are never taken for people.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from functools import cache

TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+)*")
GAP = re.compile(r"\s*,?\s+|\s*,\s*")  # between the words of one name
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame"}
ROLE_WORDS = {
    "agent", "manager", "producer", "showrunner", "recruiter", "supervisor", "director",
    "editor", "coordinator", "coworker", "co-worker", "colleague", "named", "called", "boss",
    "ceo", "steward", "rep", "representative", "lawyer", "attorney", "assistant", "teammate",
}  # fmt: skip
PARTICLES = {"de", "del", "della", "der", "di", "da", "du", "la", "le", "van", "von", "bin", "al"}
# Capitalised words that are organisations, products, places or calendar words, not people.
_NOT_PEOPLE = """
    mercor outlier turing scale surge remotasks alignerr appen telus dataannotation upwork fiverr
    prolific toloka labelbox invisible claude chatgpt gpt gemini copilot sora midjourney runway
    cursor elevenlabs respeecher deepl alexa siri bard llama grok mistral perplexity suno udio
    openai anthropic deepmind google meta microsoft amazon apple netflix disney paramount warner
    bros sony universal lionsgate pixar dreamworks hbo max peacock hulu nickelodeon cartoon network
    marvel lucasfilm star wars spotify audible bbc itv channel variety deadline zoom discord slack
    linkedin instagram tiktok facebook twitter bluesky vimeo imdb youtube reddit character
    guild guilds union unions sag aftra sag-aftra wga iatse dga equity actors writers animation
    emmy oscar academy afi calarts ai rlhf tv studio studios pictures music records films
    los angeles new york santa monica san hollywood burbank atlanta london
    toronto vancouver canada brooklyn manhattan boulevard street avenue road texas california
    georgia america west east north south england ireland paris tokyo chicago austin
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday spring summer autumn fall winter
    christmas easter labor labour thanksgiving day god jesus
"""
NOT_PEOPLE = frozenset(_NOT_PEOPLE.split())


def fold(word: str) -> str:
    """The matching key of a word: no accents, case folded, straight apostrophes, no ``'s``.

    Examples
    --------
    >>> fold("Renée’s"), fold("O’CONNELL"), fold("Zoë")
    ('renee', "o'connell", 'zoe')
    """
    text = unicodedata.normalize("NFKD", word.replace("’", "'").replace("‘", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return text[:-2] if text.endswith("'s") else text.rstrip("'")


def tokens(text: str) -> list[tuple[int, int, str]]:
    """Word tokens of ``text`` as ``(start, end, key)``; a possessive ``'s`` is left outside."""
    out = []
    for m in TOKEN.finditer(text):
        end = m.end() - 2 if m[0][-2:] in ("'s", "’s") and len(m[0]) > 3 else m.end()
        out.append((m.start(), end, fold(m[0])))
    return out


def _joined(text: str, toks: list, i: int, n: int) -> bool:
    """Whether tokens ``i .. i+n-1`` are written as one name (spaces, one comma, no full stop)."""
    return all(GAP.fullmatch(text[toks[j][1] : toks[j + 1][0]]) for j in range(i, i + n - 1))


class RollNames:
    """The full names of a roll, matched in every everyday form.

    Examples
    --------
    >>> roll = RollNames([("Ana", "Vasquez"), ("María José", "García-López")])
    >>> text = "vasquez, ana and Maria Garcia Lopez’s cut; Ana alone stays"
    >>> [text[a:b] for a, b in roll.find(text)]
    ['vasquez, ana', 'Maria Garcia Lopez']
    """

    def __init__(self, names) -> None:
        self.forms: set[tuple[str, ...]] = set()
        for first, last in names:
            firsts = [fold(t[0]) for t in TOKEN.finditer(str(first))]
            lasts = [fold(t[0]) for t in TOKEN.finditer(str(last))]
            if not firsts or not lasts:
                continue
            for f in {tuple(firsts), tuple(firsts[:1])}:
                for s in self._surnames(lasts):
                    self.forms |= {f + s, s + f}
        self.longest = max(map(len, self.forms), default=0)

    @staticmethod
    def _surnames(lasts: list[str]) -> set[tuple[str, ...]]:
        out = {tuple(lasts)}
        split = [part for word in lasts for part in word.split("-")]
        out.add(tuple(split))  # "García-López" written "Garcia Lopez"
        if lasts[0] not in PARTICLES:
            out.add((split[0],))  # the first of a double surname alone
        return out

    def find(self, text: str) -> list[tuple[int, int]]:
        """Spans ``(start, end)`` of roll names in ``text``."""
        if not self.forms:
            return []
        toks = tokens(text)
        keys = [t[2] for t in toks]
        out, i = [], 0
        while i < len(toks):
            for n in range(min(self.longest, len(toks) - i), 1, -1):
                if tuple(keys[i : i + n]) in self.forms and _joined(text, toks, i, n):
                    out.append((toks[i][0], toks[i + n - 1][1]))
                    i += n
                    break
                # a middle initial: "Ana M. Vasquez"
                if (
                    n >= 2
                    and i + n < len(toks)
                    and len(keys[i + 1]) == 1
                    and tuple(keys[i : i + 1] + keys[i + 2 : i + n + 1]) in self.forms
                    and re.fullmatch(r"\s+\w\.\s+", text[toks[i][1] : toks[i + 2][0]])
                ):
                    out.append((toks[i][0], toks[i + n][1]))
                    i += n + 1
                    break
            else:
                i += 1
        return out


@cache
def gazetteer() -> tuple[frozenset, frozenset, frozenset]:
    """Given names, surnames and common English words, folded, from Faker's locale data."""
    import faker.providers.person as person
    from faker.providers.lorem.en_US import Provider as Lorem

    firsts, lasts = set(), set()
    for mod in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{mod.name}").Provider
        for attr in dir(provider):
            values = getattr(provider, attr)
            if not isinstance(values, dict | list | tuple | set | frozenset):
                continue
            target = firsts if attr.startswith("first_names") else None
            target = lasts if attr.startswith("last_names") else target
            if target is not None:
                target.update(fold(v) for v in values if isinstance(v, str) and TOKEN.fullmatch(v))
    common = {fold(w) for w in Lorem.word_list} | NOT_PEOPLE
    return frozenset(firsts - NOT_PEOPLE), frozenset(lasts - NOT_PEOPLE), frozenset(common)


def _capitalised(text: str, tok: tuple[int, int, str]) -> bool:
    word = text[tok[0] : tok[1]]
    return word[0].isupper() and not (len(word) > 1 and word.isupper())


def other_names(text: str) -> list[tuple[int, int]]:
    """Spans of names of people found with the gazetteer and context (see the module docstring).

    Examples
    --------
    >>> text = "My agent Dana Whitfield and Ms. Patterson; Grace said Outlier pays Will Turing"
    >>> [text[a:b] for a, b in other_names(text)]
    ['Dana Whitfield', 'Patterson']
    """
    firsts, lasts, common = gazetteer()
    toks = tokens(text)
    out, i = [], 0

    def surname(k: int) -> bool:
        return any(part in lasts for part in toks[k][2].split("-"))

    def given(k: int) -> bool:
        return toks[k][2] in firsts or toks[k][2].split("-")[0] in firsts

    def usable(k: int) -> bool:  # a capitalised word that could be part of a name
        return k < len(toks) and _capitalised(text, toks[k]) and toks[k][2] not in NOT_PEOPLE

    while i < len(toks):
        key = toks[i][2]
        start = None
        prev = toks[i - 1][2] if i else ""
        after_place = i and prev in NOT_PEOPLE and _capitalised(text, toks[i - 1])
        if after_place and text[toks[i - 1][1] : toks[i][0]] == " ":
            i += 1  # "San Diego", "New York"
            continue
        if (
            usable(i)
            and prev in TITLES
            and re.fullmatch(r"\.?\s+", text[toks[i - 1][1] : toks[i][0]])
        ):
            start, end = i, i + 1
            if usable(i + 1) and _joined(text, toks, i, 2) and toks[i + 1][2] not in common:
                end = i + 2
        elif usable(i) and given(i) and usable(i + 1) and _joined(text, toks, i, 2):
            nxt = toks[i + 1][2]
            if surname(i + 1) or (key not in common and nxt not in common):
                start, end = i, i + 2
        elif usable(i) and i > 0 and re.fullmatch(r",?\s+", text[toks[i - 1][1] : toks[i][0]]):
            pair = usable(i + 1) and _joined(text, toks, i, 2) and key not in common
            pair = pair and toks[i + 1][2] not in common
            after_name = out and i >= 2 and prev in {"and", "or"} and out[-1][1] == toks[i - 2][1]
            if prev in ROLE_WORDS and (given(i) or surname(i)):
                start, end = i, i + 1  # "my agent Dana", "recruiter Wong"
            elif pair and (prev in ROLE_WORDS or after_name):
                start, end = i, i + 2  # "my coworker Mei-Ling Chou", "Ann Lee and Mei-Ling Chou"
        if start is None:
            i += 1
            continue
        while end < len(toks) and usable(end) and surname(end) and _joined(text, toks, end - 1, 2):
            end += 1
        out.append((toks[start][0], toks[end - 1][1]))
        i = end
    return out
