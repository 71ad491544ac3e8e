"""Find people's names in free text, offline: roll names in every form, and other names.

Two detectors, both working on word tokens whose keys are folded (accents stripped, case folded,
curly apostrophes made straight, a possessive ``'s`` dropped):

- :class:`RollNames` matches the full names of the membership roll in every everyday form:
  either order, ``Last, First``, a middle initial, a possessive, hyphenated or double surnames
  written with or without the hyphen, any case.
- :class:`OtherNames` finds every other name with a gazetteer and context: a given name and a
  surname (``Dana Whitfield``; in an all-lower-case comment ``maria lopez``), ``Last, First``
  (``Nguyen, Sam``), a middle initial (``Ana R. Silva``), an initial and a surname
  (``P. Costa``), a title (``Ms. Patterson``, ``dr okafor``), a role word (``my agent Dana``,
  ``recruiter Wong``), and a first name alone in a personal frame (``ask Adaeze, she knows``,
  ``I told Kwame``, ``Priya and I``; roll members' first names also in weaker frames such as
  ``Bethany's reel``). The given and family names are the person lists of Faker (MIT licence:
  about 25,000 given names and 25,000 surnames from many locales) and the roll's own names;
  platform, studio, union, product, software and place names are never taken for people, and
  ordinary words (``Will``, ``Grace``, ``Mark``) need a surname beside them.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from functools import cache, lru_cache

TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # "Boateng-O'Neill" is one word
GAP = re.compile(r"\s*,?\s+|\s*,\s*")  # between the words of one name
DOT_GAP = re.compile(r"\.\s*")
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame"}
ROLE_WORDS = {
    "agent", "manager", "producer", "showrunner", "recruiter", "supervisor", "director",
    "editor", "coordinator", "coworker", "co-worker", "colleague", "named", "called", "boss",
    "ceo", "steward", "rep", "representative", "lawyer", "attorney", "assistant", "teammate",
}  # fmt: skip
PARTICLES = {
    "de", "del", "della", "der", "di", "da", "du", "la", "le", "van", "von", "bin", "al", "ni",
    "o", "mac", "nic", "ua", "ibn", "bint", "ap", "dos", "das", "ter", "ten", "y",
}  # fmt: skip
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
    maya houdini nuke avid harmony blender premiere resolve davinci photoshop illustrator
    procreate toonboom unreal unity figma zbrush descript murf wellsaid resemble speechify
    synthesia heygen kaiber krea firefly adobe autodesk pika kling veo luma ideogram dalle
    stable diffusion flux canva notion jira wise paypal venmo zelle stripe payoneer deel
    handshake snorkel clickworker cloudfactory sama welocalize lionbridge transperfect iyuno
    acx findaway backstage actra wggb tag wgae wgaw nabet afm pga harpercollins penguin
    montreal quebec ontario alberta dublin berlin madrid rome sydney melbourne mumbai lagos
    seoul manila nashville miami seattle portland boston denver houston dallas oakland glendale
    pasadena culver valley scotland wales australia india nigeria ghana korea japan china
    germany france spain italy mexico brazil philippines kenya europe asia africa
"""
NOT_PEOPLE = frozenset(_NOT_PEOPLE.split())
# Ordinary words that are also given names or surnames: never a name in lower case or alone.
_WORDLIKE = """
    will may mark bill frank grant hope joy faith art drew chase rich summer june april august
    grace rose lily daisy iris ivy holly dawn crystal amber ruby pearl jade sky river storm
    hunter carter mason cook baker miller smith taylor turner walker young long white brown
    green black gray grey king hall wood stone hill park lane street field fields banks
    rivers brooks bush price rice fox wolf bird crane swan page case cash penny sunny
    sandy rusty buddy guy jack max sage dean bishop pope major sterling rocky glen dale
    don van jan sue pat ray rod bob will wing ho le do oh so to an in on no
    sun moon star may early noble ward gross small little short love best
    hardy moody free justice honor honour patience prudence charity mercy constance
    chance lucky happy gay bliss wisdom genesis destiny trinity heaven angel
    may june july august autumn winter spring dusk dawn misty rain snow
    ash oak pine birch cedar hazel laurel willow basil rosemary ginger pepper cherry olive
    bell belle major marshal reed read sharp strong swift trout wren finch lark robin
    abbey bay beck bond booth bridge brook burns butler chamber chambers church clay
    cross dove duke earl east english fair fisher ford forest gale gardner gates glass
    gold good hale hand hay heart hart head holmes house hunt lamb land law lord
    marsh meadow mills moss nash nation north paige parsons pike pool port porter post
    power rowe salt savage shepherd sherwood shaw south spencer steel stewart stoke
    summers temple thorn tower tucker vale vine wade wall waters west wells wilde
    winter woods yates dev nick pip bud kit rob win
    """
WORDLIKE = frozenset(_WORDLIKE.split())
# Everyday words missing from Faker's word list: irregular verb forms, contractions, and the
# words of work in film, TV, games, audio and AI training.
_EVERYDAY = """
    said told went got made paid lost left kept found gave took came saw knew thought brought
    bought sent spent built felt held meant met ran sat stood understood wrote spoke broke chose
    drove ate fell forgot hid hung laid led lent lit rode rang shook shot showed shut sang sank
    slept slid stole stuck struck swore swam taught tore threw woke wore won wound began begun
    been done gone known seen taken given written spoken broken chosen driven eaten fallen
    forgotten hidden ridden risen shaken stolen sworn thrown woken worn did does had has was
    were am is are got gotten let put quit read set cut hit hurt cost fed fled fought sought
    caught dealt dug drew flew grew hung lay slept spun swung wept sold sped bent bet bid
    don't i'm i've i'd i'll can't won't it's that's didn't doesn't isn't wasn't aren't weren't
    haven't hasn't hadn't couldn't wouldn't shouldn't they're we're you're there's what's
    dub dubs dubbing dubbed voice voices gig gigs ai rlhf audition auditions reel reels clone
    clones cloned cloning narrator narration audiobook audiobooks animator animators
    storyboard storyboards residual residuals studio studios platform platforms rate rates
    pay paid hourly contract contracts union unions guild guilds member members dues strike
    scab session sessions booth mic script scripts writer writers editor editors editing vfx
    roto comp render renders layout previs adr walla casting agent agents manager managers
    producer producers director directors showrunner showrunners lol tbh idk imo btw ok okay
    yeah yep nope thanks pls please email emails online offline app apps website tasks task
    dataset datasets model models training trained synthetic replica replicas consent
    buyout buyouts royalty royalties credit credits episode episodes pilot pilots series
    season seasons network networks streamer streamers vendor vendors client clients
    freelance freelancer freelancers contractor contractors payout payouts invoice invoices
    onboarding dashboard rejected rejection rejections quota quotas annotation annotations
    gen genai prompt prompts chatbot chatbots bot bots tool tools software hardware
    """
IRREGULAR = frozenset(_EVERYDAY.split())
CAPITALISED = re.compile(r"(?<![^\W\d_])[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]")
INITIAL_GAP = re.compile(r"\.\s+")
TITLE_GAP = re.compile(r"\.?\s+")
COMMA_GAP = re.compile(r",?\s+")
LAST_FIRST = re.compile(r"\s*,\s+")
SIGN_OFFS = {"thanks", "thank", "cheers", "regards", "best", "love", "sincerely", "xo", "xx"}
SIGN_GAP = re.compile(r"\s*,?\s*|\s*[-–—]+\s*")
SIGNATURE = re.compile(r"[\s.!,;]*(?:[-–—~]+|\n)\s*[.!]?\s*")  # "... — Adaeze" at the end
BEFORE_ROLL = {"with", "and", "for", "from", "by", "like", "to", "cc", "via", "me"}
THINGS = {  # "a project called Atlas" names no person
    "project", "projects", "app", "tool", "company", "platform", "show", "series", "film",
    "movie", "game", "model", "product", "program", "programme", "startup", "feature", "bot",
    "software", "service", "site", "website", "podcast", "book", "album", "song", "task",
}  # fmt: skip
OWNERS = {"my", "our", "his", "her", "their", "your"}
LIST_GAP = re.compile(r"\s*(?:,|&|and\b)")
# Personal frames around a first name alone: "ask Adaeze", "Adaeze said", "Adaeze and I".
BEFORE = ROLE_WORDS | {
    "ask", "asked", "asking", "tell", "told", "telling", "thank", "thanks", "call", "calling",
    "email", "emailed", "text", "texted", "message", "messaged", "ping", "pinged", "cc",
    "contact", "contacted", "meet", "met", "per", "dear", "hi", "hey", "hello", "mom", "mum",
    "dad", "sister", "brother", "wife", "husband", "partner", "friend", "daughter", "son",
    "cousin", "aunt", "uncle", "niece", "nephew", "girlfriend", "boyfriend", "fiance",
    "fiancee", "roommate", "i'm", "im", "love", "cheers", "regards", "sincerely",
}  # fmt: skip
BEFORE_TWO = {
    "talk to", "talked to", "talking to", "spoke to", "spoke with", "speak to", "speak with",
    "worked with", "work with", "working with", "according to", "thanks to", "out to",
    "i am", "this is", "name is", "ask for", "asked for", "sent to", "wrote to", "shout out",
    "credit to", "ask about",
}  # fmt: skip
_VERBS = (
    "said|says|told|tells|asked|asks|knows|knew|thinks|thought|wrote|writes|emailed|texted|"
    "called|mentioned|recommended|agreed|warned|explained|confirmed|reported|forwarded"
)
AFTER = re.compile(rf"\s*(?:,\s*(?:she|he|they)\b|\((?:she|he|they)\b|\s+(?:{_VERBS})\b)", re.I)
AFTER_ROLL = re.compile(
    r"(?:['’]s\b|\s+(?:is|was|has|had|can|will|did|does|kept|keeps|saw|sent|quit|left|lost|"
    r"got|filed|found|helped|shared|and\s+(?:i|me|my)\b))",
    re.I,
)


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """The matching key of a word: no accents, case folded, straight apostrophes, no ``'s``.

    Examples
    --------
    >>> fold("Renée’s"), fold("O’CONNELL"), fold("Zoë")
    ('renee', "o'connell", 'zoe')
    """
    text = word.replace("’", "'").replace("‘", "'")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold()
    return text[:-2] if text.endswith("'s") else text.rstrip("'")


def tokens(text: str) -> list[tuple[int, int, str]]:
    """Word tokens of ``text`` as ``(start, end, key)``; a possessive ``'s`` is left outside."""
    out = []
    for m in TOKEN.finditer(text):
        end = m.end() - 2 if m[0][-2:] in ("'s", "’s") and len(m[0]) > 3 else m.end()
        out.append((m.start(), end, fold(m[0])))
    return out


def _joined(text: str, toks: list, i: int, n: int, *, dots: bool = False) -> bool:
    """Whether tokens ``i .. i+n-1`` are written as one name (spaces, one comma, no full stop;
    with ``dots``, a full stop after the first: ``P. Costa``)."""
    gaps = [text[toks[j][1] : toks[j + 1][0]] for j in range(i, i + n - 1)]
    if dots and gaps and DOT_GAP.fullmatch(gaps[0]):
        gaps = gaps[1:]
    return all(GAP.fullmatch(g) for g in gaps)


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
        self.initials: set[tuple[str, ...]] = set()
        for first, last in names:
            firsts = [fold(t[0]) for t in TOKEN.finditer(str(first))]
            lasts = [fold(t[0]) for t in TOKEN.finditer(str(last))]
            if not firsts or not lasts:
                continue
            for f in {tuple(firsts), tuple(firsts[:1])}:
                for s in self._surnames(lasts):
                    self.forms |= {f + s, s + f}
            for s in self._surnames(lasts):  # "P. Costa", "Costa, P."
                self.initials |= {(firsts[0][0], *s), (*s, firsts[0][0])}
        self.longest = max(map(len, self.forms), default=0)
        self.starts = {form[0] for form in self.forms} | {form[0] for form in self.initials}

    @staticmethod
    def _surnames(lasts: list[str]) -> set[tuple[str, ...]]:
        out = {tuple(lasts)}
        split = [part for word in lasts for part in word.split("-")]
        out.add(tuple(split))  # "García-López" written "Garcia Lopez"
        if lasts[0] not in PARTICLES:
            out.add((split[0],))  # the first of a double surname alone
        return out

    def find(self, text: str, toks: list | None = None) -> list[tuple[int, int]]:
        """Spans ``(start, end)`` of roll names in ``text`` (``toks``: its :func:`tokens`)."""
        if not self.forms:
            return []
        toks = tokens(text) if toks is None else toks
        keys = [t[2] for t in toks]
        out, i = [], 0
        while i < len(toks):
            if keys[i] not in self.starts:
                i += 1
                continue
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
                n = self._initial(text, toks, keys, i)
                if n:
                    out.append((toks[i][0], toks[i + n - 1][1]))
                i += n or 1
        return out

    def _initial(self, text: str, toks: list, keys: list, i: int) -> int:
        """How many tokens from ``i`` are an initial and a roll surname (either order), or 0."""
        for n in range(min(self.longest, len(toks) - i), 1, -1):
            form = tuple(keys[i : i + n])
            if form not in self.initials:
                continue
            at = i if len(form[0]) == 1 else i + n - 1  # where the initial is
            letter = text[toks[at][0] : toks[at][1]]
            after = text[toks[at][1] : toks[at][1] + 2]
            dotted = after[:1] == "." and text[toks[at][0] - 1 : toks[at][0]] != "."
            if (dotted or (letter.isupper() and at == i and after[:1] == " ")) and _joined(
                text, toks, i, n, dots=at == i
            ):
                return n
        return 0


@cache
def ordinary_words() -> frozenset:
    """Folded ordinary words: Faker's English words and their regular forms (-s, -ed, -ing,
    -er, -ly; a form that is also a name, such as ``carly`` or ``boyd``, is left out), everyday
    irregular forms and work words, and names that are ordinary words.

    Examples
    --------
    >>> {"said", "asked", "grace", "will"} <= ordinary_words()
    True
    >>> "lopez" in ordinary_words(), "carly" in ordinary_words()
    (False, False)
    """
    firsts, lasts, common = gazetteer()
    forms = set()
    for word in common - NOT_PEOPLE:
        e = word.endswith("e")
        stem = word[:-1] if e else word
        forms.add(word + ("es" if word.endswith(("s", "x", "z", "ch", "sh")) else "s"))
        forms |= {stem + "ed", stem + "ing", stem + "er", stem + "ers", word + "ly"}
    return frozenset((forms - firsts - lasts) | common | IRREGULAR | WORDLIKE)


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


class OtherNames:
    """Names of people found with the gazetteer and context (see the module docstring).

    Parameters
    ----------
    roll : list of (first, last)
        The roll's names: their words join the gazetteer (a union's roll is the best list of
        the names its members write), and its first names count alone in a personal frame
        ("Ask Adaeze, she knows", "I told Kwame").

    Examples
    --------
    >>> find = OtherNames([("Adaeze", "Okafor")]).find
    >>> text = "Ask Adaeze, she knows; i met maria lopez and Nguyen, Sam; Ana R. Silva; P. Okafor"
    >>> [text[a:b] for a, b in find(text)]
    ['Adaeze', 'maria lopez', 'Nguyen, Sam', 'Ana R. Silva', 'P. Okafor']
    """

    def __init__(self, roll=()) -> None:
        firsts, lasts, common = gazetteer()
        words = ordinary_words()
        roll_firsts = {fold(t[0]) for f, _ in roll for t in TOKEN.finditer(str(f))}
        roll_lasts = {
            part
            for _, last in roll
            for t in TOKEN.finditer(str(last))
            for part in fold(t[0]).split("-")
        }
        self.firsts = firsts | (roll_firsts - words)
        self.lasts = lasts | (roll_lasts - words - PARTICLES)
        self.roll_firsts = frozenset(roll_firsts - common - NOT_PEOPLE)
        self.common, self.words = common, words
        self.base = common | WORDLIKE | IRREGULAR

    def find(self, text: str, toks: list | None = None) -> list[tuple[int, int]]:
        """Spans ``(start, end)`` of people's names in ``text`` (``toks``: its :func:`tokens`)."""
        toks = tokens(text) if toks is None else toks
        keys = [t[2] for t in toks]
        lower = not CAPITALISED.search(text)  # a comment written all in lower case
        firsts, lasts, common = self.firsts, self.lasts, self.common
        words, base = self.words, self.base
        can = [  # a capitalised word (in lower case: no ordinary word) that could be in a name
            k not in NOT_PEOPLE
            and (
                _capitalised(text, t)
                or (lower and k not in base and (k in firsts or k in lasts or k not in words))
            )
            for t, k in zip(toks, keys)
        ]

        def gap(k: int) -> str:  # the text between token k-1 and token k
            return text[toks[k - 1][1] : toks[k][0]] if 0 < k < len(toks) else ""

        def surname(k: int) -> bool:  # "Mensah-Boateng", "O'Neill" (or "Neill"), "N'Diaye"
            if k >= len(toks):
                return False
            parts = keys[k].split("-")
            return any(p in lasts or p.rpartition("'")[2] in lasts for p in parts)

        def given(k: int) -> bool:  # "Anne-Marie" (every part a given name), not "red-teaming"
            return k < len(toks) and (
                keys[k] in firsts or all(p in firsts for p in keys[k].split("-"))
            )

        def usable(k: int) -> bool:
            return k < len(can) and can[k]

        def initial(k: int, dot: bool = True) -> bool:  # "R." of "Ana R. Silva", "P. Costa"
            word = text[toks[k][0] : toks[k][1]] if k < len(toks) else ""
            gap_after = INITIAL_GAP if dot else TITLE_GAP
            return len(word) == 1 and word.isupper() and bool(gap_after.fullmatch(gap(k + 1)))

        def framed(k: int, roll: bool) -> bool:  # "ask Adaeze", "Adaeze said", "Adaeze and I"
            before = " ".join(keys[max(0, k - 2) : k])
            rest = text[toks[k][1] : toks[k][1] + 40]
            weak = roll and keys[k] not in WORDLIKE
            return bool(
                (k and keys[k - 1] in BEFORE and not gap(k).strip())
                or (k and keys[k - 1] in SIGN_OFFS and SIGN_GAP.fullmatch(gap(k)))
                or (k > 1 and before in BEFORE_TWO and not gap(k).strip())
                or AFTER.match(rest)
                or SIGNATURE.fullmatch(text[toks[k - 1][1] if k else 0 : toks[k][0]] + rest)
                or (weak and AFTER_ROLL.match(rest))
                or (weak and k and keys[k - 1] in BEFORE_ROLL and not gap(k).strip())
            )

        out, i = [], 0
        while i < len(toks):
            if not can[i]:
                if not lower and self._lower_pair(text, toks, keys, i):
                    out.append((toks[i][0], toks[i + 1][1]))  # "I asked maria lopez"
                    i += 2
                else:
                    i += 1
                continue
            key, start, end = keys[i], None, i + 1
            prev = keys[i - 1] if i else ""
            after_place = i and prev in NOT_PEOPLE and _capitalised(text, toks[i - 1])
            if after_place and gap(i) == " ":
                i += 1  # "San Diego", "New York"
                continue
            pair = usable(i + 1) and _joined(text, toks, i, 2)
            if usable(i) and prev in TITLES and TITLE_GAP.fullmatch(gap(i)):
                start = i  # "Ms. Patterson", "dr okafor"
                if pair and keys[i + 1] not in common:
                    end = i + 2
            elif usable(i) and initial(i + 1, dot=False) and usable(i + 2) and key not in common:
                bare = given(i) and keys[i + 1] not in "ia" and keys[i + 2] not in common
                if (given(i) or surname(i + 2)) and (initial(i + 1) or bare):
                    start, end = i, i + 3  # "Ana R. Silva", "Ana R Silva"
            elif initial(i) and usable(i + 1) and surname(i + 1) and keys[i + 1] not in common:
                if not (i and text[toks[i][0] - 1 : toks[i][0]] in ".-"):  # not "U.S. Army"
                    start, end = i, i + 2  # "P. Costa"
            elif usable(i) and given(i) and pair:
                nxt = keys[i + 1]
                name_like = surname(i + 1) or (key not in common and nxt not in common)
                if lower:  # "maria lopez": no ordinary words (a surname may look inflected)
                    name_like = key not in words and (nxt not in words or surname(i + 1))
                if name_like and not (lower and gap(i + 1).strip()):
                    start, end = i, i + 2
            elif (
                usable(i)
                and surname(i)
                and key not in self.words
                and LAST_FIRST.fullmatch(gap(i + 1))
                and usable(i + 1)
                and given(i + 1)
                and keys[i + 1] not in self.words
                and not (LIST_GAP.match(gap(i + 2)) and (given(i + 2) or surname(i + 2)))
            ):
                start, end = i, i + 2  # "Nguyen, Sam"
            if start is None and i > 0 and COMMA_GAP.fullmatch(gap(i)):
                pair = pair and key not in common and keys[i + 1] not in common
                after_name = i >= 2 and prev in {"and", "or"} and out
                after_name = after_name and out[-1][1] == toks[i - 2][1]
                owned = i > 1 and keys[i - 2] in OWNERS and key not in self.words
                thing = prev in ("called", "named") and THINGS & set(keys[max(0, i - 4) : i - 1])
                if prev in ROLE_WORDS and (given(i) or surname(i) or owned) and not thing:
                    start, end = i, i + 1  # "my agent Dana", "recruiter Wong"
                    if pair:
                        end = i + 2  # "my coworker Mei-Ling Chou"
                elif pair and after_name:
                    start, end = i, i + 2  # "Ann Lee and Mei-Ling Chou"
            thing = prev in ("called", "named") and THINGS & set(keys[max(0, i - 4) : i - 1])
            if start is None and usable(i) and not (pair and surname(i + 1)) and not thing:
                roll = key in self.roll_firsts
                alone = roll or (given(i) and key not in self.words)
                if alone and framed(i, roll):
                    start, end = i, i + 1  # "Ask Adaeze, she knows", "I told Kwame"
            if start is None:
                i += 1
                continue
            if len(keys[end - 1]) == 1 and end < len(toks) and INITIAL_GAP.fullmatch(gap(end)):
                j = end  # an initial ends no name: "adaeze h. zhang", "Noor D. van der Berg"
                while j < len(toks) and keys[j] in PARTICLES and gap(j + 1) == " ":
                    j += 1
                if surname(j) or (usable(j) and keys[j] not in words):
                    end = j + 1
            elif (
                end == start + 1
                and text[toks[start][0] : toks[start][1]].islower()
                and surname(end)
                and gap(end) == " "
                and text[toks[end][0] : toks[end][1]].islower()
            ):
                end += 1  # "a recruiter named lan miller": a name in lower case, surname too
            while keys[end - 1] in PARTICLES and usable(end) and keys[end] not in common:
                end += 1  # "Gráinne Ní Bhriain", "Ines van Berg"
            while True:  # more surnames: "Ana Silva Costa", "Marcus de la Cruz"
                more = next(
                    (
                        n
                        for n in (1, 2, 3)
                        if usable(end + n - 1)
                        and surname(end + n - 1)
                        and all(keys[j] in PARTICLES for j in range(end, end + n - 1))
                    ),
                    0,
                )
                if not more or not _joined(text, toks, end - 1, more + 1):
                    break
                end += more
            out.append((toks[start][0], toks[end - 1][1]))
            i = end
        return out

    def _lower_pair(self, text: str, toks: list, keys: list, i: int) -> bool:
        """A given name and a surname written in lower case in a capitalised comment: both on
        the name lists and neither an ordinary word."""
        if i + 1 >= len(toks) or text[toks[i][1] : toks[i + 1][0]] != " ":
            return False
        first, last = keys[i], keys[i + 1]
        if first not in self.firsts or first in self.words or last in self.words:
            return False
        if not any(part in self.lasts for part in last.split("-")):
            return False
        return text[toks[i][0] : toks[i + 1][1]].islower()


def other_names(text: str, roll=()) -> list[tuple[int, int]]:
    """Spans of names of people found with the gazetteer and context (see :class:`OtherNames`).

    Examples
    --------
    >>> text = "My agent Dana Whitfield and Ms. Patterson; Grace said Outlier pays Will Turing"
    >>> [text[a:b] for a, b in other_names(text)]
    ['Dana Whitfield', 'Patterson']
    """
    return _finder(tuple(roll)).find(text)


@cache
def _finder(roll: tuple) -> OtherNames:
    return OtherNames(roll)
