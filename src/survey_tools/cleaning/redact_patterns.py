"""Detectors of structured personal data in free text: each returns ``(start, end, kind)`` spans.

Emails, profile URLs and personal sites, social handles, IPv4 and IPv6 addresses (checked with
:mod:`ipaddress`), phones (Google's libphonenumber through ``phonenumbers``: US, UK and
international formats with extensions), US social security numbers (area, group and serial
checked), payment card numbers (Luhn-checked), dates of birth (a date next to "born", "DOB",
"birthday"), street addresses (US and Canada: number, street, suffix, unit, city, state or
province, ZIP or postal code; UK: house number, street, town and postcode) and member IDs (the
roll's prefix letter and digits, in any case and with any dash; or digits after "member ID").
Task, invoice, ticket and order numbers, prices, years and hourly rates are not personal data.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

import phonenumbers

from .redact_names import NOT_PEOPLE, gazetteer
from .redact_names import fold as fold_word

Span = tuple[int, int, str]

ROLE_MAILBOXES = (
    "support|help|info|hello|contact|noreply|no-reply|privacy|payments|billing|admin|team|"
    "careers|jobs|press|legal|membership|members|dues|office|feedback|security|abuse"
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.I)
ROLE_EMAIL = re.compile(rf"(?:{ROLE_MAILBOXES})@", re.I)
# Sites of organisations: a link there without a profile path is not personal data.
ORG_SITES = (
    "outlier.ai|mercor.com|turing.com|scale.com|surgehq.ai|remotasks.com|sagaftra.org|wga.org|"
    "wgaeast.org|animationguild.org|iatse.net|dga.org|equity.org.uk|netflix.com|anthropic.com|"
    "openai.com|claude.ai|chatgpt.com|google.com|youtube.com|linkedin.com|instagram.com|"
    "tiktok.com|facebook.com|twitter.com|x.com|vimeo.com|imdb.com|bsky.app"
)
SOCIAL = r"linkedin\.com|instagram\.com|tiktok\.com|facebook\.com|fb\.com|twitter\.com|x\.com|"
SOCIAL += r"vimeo\.com|imdb\.com|youtube\.com|threads\.net|bsky\.app|github\.com|behance\.net"
URL = re.compile(
    r"(?:\bhttps?://|\bwww\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]"
    rf"|(?<![\w@./-])(?:www\.)?(?:{SOCIAL})/[^\s<>\"')\]]*[^\s<>\"')\].,;:!?]",
    re.I,
)
TLDS = (
    r"com|net|org|edu|gov|io|co|uk|ca|au|de|fr|es|it|nl|ie|nz|in|ng|za|me|us|info|biz|tv|ly|"
    r"ai|app|dev|site|online|studio|art|design|xyz|page|ee|fm|audio|film|work|space|website|pro"
)
BARE_URL = re.compile(
    rf"(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{TLDS})"
    r"(?:/[^\s<>\"')\]]*[^\s<>\"')\].,;:!?])?(?![\w@-])",
    re.I,
)
MAIL_HOSTS = (
    r"gmail|googlemail|yahoo|ymail|outlook|hotmail|live|msn|icloud|me|mac|aol|proton|protonmail|"
    r"pm|gmx|yandex|zoho|fastmail|hey|mail|comcast|verizon|att|sbcglobal|btinternet|sky"
)
_AT = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+|\s*\(@\)\s*|\s+@\s+)"
_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+|\.)"
SPELLED_EMAIL = re.compile(
    rf"(?<![\w.+-])([\w.+-]*\w)({_AT})([\w-]+(?:{_DOT}[\w-]+)*?)({_DOT})({TLDS})\b", re.I
)
PLATFORMS = (
    r"ig|insta(?:gram)?|tiktok|tik tok|twitter|threads|bluesky|bsky|snap(?:chat)?|discord|"
    r"twitch|youtube|yt|telegram|reddit|mastodon|cameo|patreon"
)
_HANDLE = r"@?([A-Za-z0-9_](?:[\w.]{0,40}[\w])?)"
LABELLED_HANDLE = re.compile(
    rf"\b(?:(?:{PLATFORMS})(?:\s+(?:handle|username|user ?name|account|id))?\s*(?:[:=]|is\b|-|–|—)"
    r"|\b(?:handle|user ?name|screen ?name)\s*(?:[:=]|is\b)"
    rf"|\bx(?:\s+(?:handle|username|account))?\s*(?::|is\b))\s*{_HANDLE}",
    re.I,
)
HANDLE_ON = re.compile(
    rf"\b(?:i'?m|i am|as|it'?s|me|find me|follow me|at|by)\s+{_HANDLE}\s+on\s+(?:{PLATFORMS}|x)\b"
    rf"|\bon\s+(?:{PLATFORMS})\s*,?\s+(?:i'?m|i am|as|it'?s)\s+{_HANDLE}",
    re.I,
)
_SHAPED = r"@?([^\W\d_][^\W_]*(?:[._][^\W_]+)+)"  # "bao.papadopoulos.voice", "ngoc_reads_39"
HANDLE_NEAR = re.compile(
    rf"\bon\s+(?:{PLATFORMS}|x)\s*[,:]?\s+{_SHAPED}(?![\w@])"
    rf"|(?<![\w@.]){_SHAPED}\s+on\s+(?:{PLATFORMS}|x)\b",
    re.I,
)
HANDLE_CUED = re.compile(  # "follow brian.murphy.voice", "find me at ngoc_reads_39"
    rf"\b(?:follow(?:\s+me)?|find\s+me)(?:\s+(?:at|on|as))?\s+{_SHAPED}(?![\w@])", re.I
)
PLATFORM_HINT = re.compile(rf"(?i:{PLATFORMS})|\bx\b|handle|user ?name|screen ?name", re.I)
DOT_WORD = re.compile(r"[^\W_]\.[^\W\d_]{2}")
PROFILE_PATH = re.compile(r"/(?:in|pub|user|u|name|@|people|profile|channel|c)\b|/@|/[\w.-]{3,}")
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z_][\w.-]*[\w](?:\.bsky\.social)?")
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]\d)")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])", re.I)
SSN = re.compile(r"(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])")
SSN_CUE = re.compile(
    r"(?:\bssn|\bss#|\bss\s?no\.?|\bsocial(?:\s+security)?(?:\s+(?:number|no\.?|#))?)"
    r"\W{0,4}(?:(?:is|was|=)\W{0,3})?(\d{9}|\d{3}[ .-]\d{2}[ .-]\d{4})(?![\w-])",
    re.I,
)
NINE_DIGITS = re.compile(r"(?<![\w$#.,/-])(\d{3})(\d{2})(\d{4})(?![\w%-]|[.,]\d)")
CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"  # and abbreviations
DATE = (
    rf"(?:{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS},?\s+\d{{4}}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})"
)
DOB = re.compile(
    rf"(?:\bborn(?:\s+on)?|\bd\.?o\.?b\.?|date\s+of\s+birth|\bbirth\s?day(?:\s+is)?|\bb\.)"
    rf"\W{{0,3}}({DATE})",
    re.I,
)
STREET = (
    r"street|st|avenue|ave|boulevard|blvd|road|rd|drive|dr|lane|ln|way|court|ct|place|pl|"
    r"terrace|ter|parkway|pkwy|highway|hwy|circle|cir|square|sq|crescent|cres|close|grove|"
    r"gardens|mews|row|walk|hill"
)
STATES = (
    r"A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|S[CD]|"
    r"T[NX]|UT|V[AT]|W[AIVY]|AB|BC|MB|NB|NL|NS|ON|PE|QC|SK"
)
UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"
CA_POSTCODE = r"[A-Z]\d[A-Z]\s?\d[A-Z]\d"
NAMEWORD = r"(?:[A-Z][\w'’.-]*|\d+(?:st|nd|rd|th))"
UPPER = "A-ZÀ-ÖØ-Þ"
TOWN = rf"[{UPPER}][a-zß-ÿ][\w'’.-]*"
TAIL = (
    rf"(?:,?\s+(?:{TOWN}\s+){{0,2}}{TOWN}(?:,?\s+(?:{STATES})\b)?"
    rf"(?:,?\s+(?:\d{{5}}(?:-\d{{4}})?|{UK_POSTCODE}|{CA_POSTCODE})\b)?)?"
)
PREFIX_STREET = r"Rue|Chemin|Boulevard|Boul\.?|Avenue|Av\.?|Route|Calle|Avenida|Rua|Via|Viale"
ADDRESS = re.compile(
    r"(?:(?:Flat|Apt\.?|Apartment|Unit|Suite)\s+\w+,?\s+)?"
    rf"\b\d{{1,6}}[A-Za-z]?,?\s+(?:(?:[NSEW]\.?\s+)?(?:{NAMEWORD}\s+){{1,3}}(?i:{STREET})\b\.?"
    rf"|(?:{PREFIX_STREET})\s+(?:(?:de|du|des|la|le|del|di|da|do)\s+)?(?:[{UPPER}][\w'’.-]*\s*){{1,3}})"
    r"(?:\s+(?:[NSEW]|NE|NW|SE|SW|North|South|East|West)\b)?"
    r"(?:,?\s+(?:#\s?\w+|(?:Apt|Apartment|Unit|Suite|Ste|Flat|Fl|Floor)\.?\s*#?\w+))?" + TAIL
)
# In a comment written in lower case: a street, then a town and a state or postcode.
LOWER_ADDRESS = re.compile(
    rf"\b\d{{1,6}}[a-z]?,?\s+(?:[nsew]\.?\s+)?(?:[a-z][\w'’.-]*\s+){{1,3}}(?:{STREET})\b\.?"
    r"(?:,?\s+(?:#\s?\w+|(?:apt|apartment|unit|suite|ste|flat)\.?\s*#?\w+))?"
    rf",?\s+(?:[a-z][\w'’.-]*\s+){{0,2}}[a-z][\w'’.-]*,?\s+"
    rf"(?:(?i:{STATES})\b,?\s*)?(?:\d{{5}}(?:-\d{{4}})?|(?i:{UK_POSTCODE}|{CA_POSTCODE}))\b"
)
PO_BOX = re.compile(
    r"\b(?:P\.?\s?O\.?\s?Box|Post\s+Office\s+Box|PO\s?Box)\s*#?\s*\d{1,6}" + TAIL, re.I
)


def slips(word: str) -> str:
    """A regex alternative of ``word`` and its one-slip typos (a letter dropped, doubled or
    swapped with the next), longest first: comments are typed fast.

    Examples
    --------
    >>> bool(re.fullmatch(slips("member"), "meber")), bool(re.fullmatch(slips("member"), "mebmer"))
    (True, True)
    """
    forms = {word}
    for i in range(len(word)):
        forms |= {word[:i] + word[i + 1 :], word[:i] + word[i] + word[i:]}
        forms.add(word[:i] + word[i + 1 : i + 2] + word[i] + word[i + 2 :])
    return "|".join(sorted(forms, key=lambda f: (-len(f), f)))


MEMBER_CUE = re.compile(
    rf"\b(?:(?:{slips('member')})(?:ship)?|sag-aftra|sag|aftra|wga|union|guild|equity|actra|"
    rf"iatse)\s*(?:card\s*)?(?:id|{slips('number')}|no\.?|#|num)\s*(?:is|:|was|=)?\s*#?\s*"
    r"([A-Z]{0,3}[-–—]?\d{5,10})\b",
    re.I,
)
ID_CUE = re.compile(
    r"\b(?:(?:my|our)\s+(?:union\s+|guild\s+)?(?:id|number|no\.?|#)|\bid\s*(?:#|no\.?|number))"
    r"\s*(?:is|:|was|=)?\s*#?\s*([A-Z]{0,3}[-–—]?\d{5,8})(?![\d-])",
    re.I,
)
NOT_IDS = re.compile(r"(?:task|ticket|invoice|order|job|project|case|ref|inv|po)\W{0,3}$", re.I)
NOT_SSN = re.compile(
    r"(?:\b(?:task|ticket|invoice|order|job|project|case|ref|inv|po|id|member(?:ship)?|account|"
    r"acct|routing|tracking|confirmation|transaction|isbn)\b[^.;!?]{0,12}|[#$]\s?)$",
    re.I,
)
DIGITS = re.compile(r"(?<![\w$#.,/-])\d{5,10}(?![\w%-]|[.,]\d)")
FULL_DATE = re.compile(rf"(?<![\w/.-])(?:{DATE})(?![\w/-]|\.\d)", re.I)
ANY_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=4)
def n_digits(text: str) -> int:
    """How many digits ``text`` holds (each detector needs a few; most answers have none)."""
    return len(ANY_DIGIT.findall(text))


# Seven digits or more, with at most a few separators between two digits (spaces, dashes, dots,
# slashes, brackets, as a number is written: "(310) 555-0145", "+44 20 7946 0958"): the least
# a phone holds. Texts without such a run skip libphonenumber.
PHONE_RUN = re.compile(r"\d(?:[^\w]{0,4}\d){6}")
POSSIBLE = phonenumbers.Leniency.POSSIBLE
PHONE_CUE = re.compile(
    r"(?:#|\b(?:id|invoice|order|ticket|task|case|ref|po)\b\W{0,3}(?:no\.?|number|#)?)\W{0,2}$",
    re.I,
)


def emails(text: str) -> list[Span]:
    """Emails, and emails spelled out to dodge filters (``jane at gmail dot com``, ``[at]``)."""
    out = [
        (m.start(), m.end(), "email") for m in EMAIL.finditer(text) if not ROLE_EMAIL.match(m[0])
    ]
    if "at" not in text.casefold() and "@" not in text:
        return out
    for m in SPELLED_EMAIL.finditer(text):
        at, dot, host = m[2].strip().casefold(), m[4].strip().casefold(), m[3].casefold()
        spelled = at not in ("at", "@") or dot not in ("dot", ".")
        if at == "at" and dot == ".":  # "I work at outlier.ai" is no email
            spelled = re.match(rf"(?:{MAIL_HOSTS})\b", host) is not None
        if spelled or (at == "at" and dot == "dot"):
            out.append((m.start(), m.end(), "email"))
    return out


def _org_host(host: str) -> bool:
    """Whether a host is an organisation's site (a platform, studio, union, product)."""
    if re.fullmatch(rf"(?:[\w-]+\.)*(?:{ORG_SITES})", host, re.I):
        return True
    return any(label in NOT_PEOPLE for label in host.casefold().split(".")[:-1])


def urls(text: str) -> list[Span]:
    """Links: with a scheme or ``www.``, social profiles, and bare personal sites."""
    out = []
    found = list(URL.finditer(text))
    if DOT_WORD.search(text):
        bare = BARE_URL.finditer(text)
        found += [m for m in bare if not any(m.start() < f.end() < m.end() for f in found)]
    for m in found:
        host, _, path = re.sub(r"^(?:https?://)?(?:www\.)?", "", m[0], flags=re.I).partition("/")
        known = _org_host(host)
        if known and not PROFILE_PATH.match("/" + path if path else ""):
            continue  # an organisation's page, e.g. a platform's FAQ
        if known and re.fullmatch(r"(?:faq|help|support|about|terms|privacy)\b.*", path, re.I):
            continue
        out.append((m.start(), m.end(), "url"))
    return out


def handles(text: str) -> list[Span]:
    """``@handles``, handles written after a platform's name ("IG: jane.doe.voice"), and
    handle-shaped words (dots or underscores) next to "on <platform>" or after
    "follow" or "find me"."""
    out = [(m.start(), m.end(), "handle") for m in HANDLE.finditer(text)]
    cues = (LABELLED_HANDLE, HANDLE_ON, HANDLE_NEAR) if PLATFORM_HINT.search(text) else ()
    for rx in (*cues, HANDLE_CUED):
        for m in rx.finditer(text):
            g = next(i for i in range(1, (m.lastindex or 0) + 1) if m[i])
            word = m[g]
            shaped = rx is HANDLE_NEAR or rx is HANDLE_CUED
            if shaped and max(map(len, re.split(r"[._]", word))) < 3:
                continue  # "e.g", "a.m": no handle
            if fold_word(word) in gazetteer()[2] or word.casefold() in NOT_PEOPLE:
                continue
            if rx is HANDLE_ON and not re.search(r"[._\d]", word) and len(word) < 4:
                continue
            start = m.start(g) - (text[m.start(g) - 1 : m.start(g)] == "@")
            out.append((start, m.end(g), "handle"))
    return out


def ips(text: str) -> list[Span]:
    if n_digits(text) < 4:
        return []
    out = []
    for rx in (IPV4, IPV6):
        for m in rx.finditer(text):
            if rx is IPV6 and m[0].count(":") < 2:
                continue
            try:
                ipaddress.ip_address(m[0])
            except ValueError:
                continue
            out.append((m.start(), m.end(), "ip"))
    return out


def phones(text: str) -> list[Span]:
    """Phones valid in the US or the UK, international numbers, and UK numbers written ``0...``.

    libphonenumber's matcher is the costly step: it runs only on texts with seven digits or
    more in one run, separated at most by the punctuation and spaces a phone number is written
    with (:data:`PHONE_RUN`), as every number it can find is such a run.
    """
    if n_digits(text) < 7 or not PHONE_RUN.search(text):
        return []
    out = []
    for region, leniency in (("US", phonenumbers.Leniency.VALID), ("GB", POSSIBLE)):
        for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=leniency):
            if PHONE_CUE.search(text[max(0, m.start - 12) : m.start]):
                continue
            uk_format = re.match(r"(?:\+|0\d{3,4}[ -]\d)", m.raw_string)
            if leniency is POSSIBLE and not (uk_format or phonenumbers.is_valid_number(m.number)):
                continue  # a possible-only number: only UK numbers in the written format
            out.append((m.start, m.end, "phone"))
    return out


def _ssn_parts(area: str, group: str, serial: str) -> bool:
    return 0 < int(area) < 900 and int(area) != 666 and int(group) > 0 and int(serial) > 0


def ssns(text: str) -> list[Span]:
    """Social security numbers: ``123-45-6789``, ``123 45 6789``, or 9 digits after a cue or
    alone (never after a task, invoice, ticket, order or member cue, a ``$`` or a ``#``)."""
    if n_digits(text) < 9:
        return []
    out = []
    for m in SSN.finditer(text):
        if _ssn_parts(m[1], m[3], m[4]):
            out.append((m.start(), m.end(), "ssn"))
    out += [(m.start(1), m.end(1), "ssn") for m in SSN_CUE.finditer(text)]
    for m in NINE_DIGITS.finditer(text):
        before = text[max(0, m.start() - 24) : m.start()]
        if _ssn_parts(m[1], m[2], m[3]) and not NOT_SSN.search(before):
            out.append((m.start(), m.end(), "ssn"))
    return out


def luhn(digits: str) -> bool:
    """The Luhn checksum of a card number.

    Examples
    --------
    >>> luhn("4111111111111111"), luhn("4111111111111112")
    (True, False)
    """
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def cards(text: str) -> list[Span]:
    if n_digits(text) < 13:
        return []
    out = []
    for m in CARD.finditer(text):
        digits = re.sub(r"\D", "", m[0])
        if 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn(digits):
            out.append((m.start(), m.end(), "card"))
    return out


def births(text: str) -> list[Span]:
    """Dates of birth: a date after "born", "DOB", "birthday"; or any full date of a year
    from 1930 to 2010 (in an answer about work and AI, such a date is a birth date)."""
    if n_digits(text) < 4:
        return []
    out = [(m.start(1), m.end(1), "dob") for m in DOB.finditer(text)]
    for m in FULL_DATE.finditer(text):
        numbers = re.findall(r"\d+", m[0])
        year = int(numbers[0] if len(numbers[0]) == 4 else numbers[-1])
        year += 1900 if year < 100 else 0
        if 1930 <= year <= 2010:
            out.append((m.start(), m.end(), "dob"))
    return out


def addresses(text: str) -> list[Span]:
    if n_digits(text) < 1:
        return []
    out = [(m.start(), m.end(), "address") for m in ADDRESS.finditer(text)]
    out += [(m.start(), m.end(), "address") for m in LOWER_ADDRESS.finditer(text)]
    return out + [(m.start(), m.end(), "address") for m in PO_BOX.finditer(text)]


def member_ids(prefixes: str = "M", numbers: frozenset = frozenset()) -> callable:
    """A detector of member IDs: a prefix letter, any dash or a space, 5 to 8 digits; digits
    after a member cue; and the number of any ID on the roll (``numbers``), with or without
    its letters and leading zeros."""
    rx = re.compile(rf"(?<![\w-])(?:{prefixes})\s?[-–—]?\s?\d{{5,8}}(?![\w-])", re.I)

    def detect(text: str) -> list[Span]:
        if n_digits(text) < 5:
            return []
        out = [(m.start(), m.end(), "member_id") for m in rx.finditer(text)]
        for m in [*MEMBER_CUE.finditer(text), *ID_CUE.finditer(text)]:
            if not NOT_IDS.search(text[max(0, m.start() - 10) : m.start()]):
                out.append((m.start(1), m.end(1), "member_id"))
        if numbers:
            out += [
                (m.start(), m.end(), "member_id")
                for m in DIGITS.finditer(text)
                if int(m[0]) in numbers
            ]
        return out

    return detect


def pattern(kind: str, regex: str) -> callable:
    """A detector from an analyst's regular expression (case-insensitive)."""
    rx = re.compile(regex, re.I)

    def detect(text: str) -> list[Span]:
        return [(m.start(), m.end(), kind) for m in rx.finditer(text) if m.end() > m.start()]

    return detect


DETECTORS = (emails, urls, handles, ips, cards, ssns, births, phones, addresses)
