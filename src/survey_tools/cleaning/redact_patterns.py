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

import phonenumbers

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
PROFILE_PATH = re.compile(r"/(?:in|pub|user|u|name|@|people|profile|channel|c)\b|/@|/[\w.-]{3,}")
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z_][\w.-]*[\w](?:\.bsky\.social)?")
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]\d)")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])", re.I)
SSN = re.compile(r"(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])")
SSN_CUE = re.compile(r"(?:ssn|social security(?: number| no\.?)?)\W{0,4}(\d{9})\b", re.I)
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
ADDRESS = re.compile(
    r"(?:(?:Flat|Apt\.?|Apartment|Unit|Suite)\s+\w+,?\s+)?"
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:{NAMEWORD}\s+){{1,3}}(?i:{STREET})\b\.?"
    r"(?:\s+(?:[NSEW]|NE|NW|SE|SW|North|South|East|West)\b)?"
    r"(?:,?\s+(?:#\s?\w+|(?:Apt|Apartment|Unit|Suite|Ste|Flat|Fl|Floor)\.?\s*#?\w+))?"
    rf"(?:,?\s+(?:[A-Z][a-z][\w'’.-]*\s+){{0,2}}[A-Z][a-z][\w'’.-]*(?:,?\s+(?:{STATES})\b)?"
    rf"(?:,?\s+(?:\d{{5}}(?:-\d{{4}})?|{UK_POSTCODE}|{CA_POSTCODE})\b)?)?"
)
MEMBER_CUE = re.compile(
    r"\b(?:member(?:ship)?|sag-aftra|sag|aftra|wga|union|guild|equity)\s*"
    r"(?:id|number|no\.?|#)\s*(?:is|:|was)?\s*#?\s*([A-Z]{0,3}[-–—]?\d{5,10})\b",
    re.I,
)
NOT_IDS = re.compile(r"(?:task|ticket|invoice|order|job|project|case|ref|inv|po)\W{0,3}$", re.I)
POSSIBLE = phonenumbers.Leniency.POSSIBLE
PHONE_CUE = re.compile(
    r"(?:#|\b(?:id|invoice|order|ticket|task|case|ref|po)\b\W{0,3}(?:no\.?|number|#)?)\W{0,2}$",
    re.I,
)


def emails(text: str) -> list[Span]:
    return [
        (m.start(), m.end(), "email") for m in EMAIL.finditer(text) if not ROLE_EMAIL.match(m[0])
    ]


def urls(text: str) -> list[Span]:
    out = []
    for m in URL.finditer(text):
        host, _, path = re.sub(r"^(?:https?://)?(?:www\.)?", "", m[0], flags=re.I).partition("/")
        known = re.fullmatch(rf"(?:[\w-]+\.)*(?:{ORG_SITES})", host, re.I)
        if known and not PROFILE_PATH.match("/" + path if path else ""):
            continue  # an organisation's page, e.g. a platform's FAQ
        if known and re.fullmatch(r"(?:faq|help|support|about|terms|privacy)\b.*", path, re.I):
            continue
        out.append((m.start(), m.end(), "url"))
    return out


def handles(text: str) -> list[Span]:
    return [(m.start(), m.end(), "handle") for m in HANDLE.finditer(text)]


def ips(text: str) -> list[Span]:
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
    """Phones valid in the US or the UK, international numbers, and UK numbers written ``0...``."""
    if sum(c.isdigit() for c in text) < 7:
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


def ssns(text: str) -> list[Span]:
    out = []
    for m in SSN.finditer(text):
        area, group, serial = int(m[1]), int(m[3]), int(m[4])
        if 0 < area < 900 and area != 666 and group and serial:
            out.append((m.start(), m.end(), "ssn"))
    out += [(m.start(1), m.end(1), "ssn") for m in SSN_CUE.finditer(text)]
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
    out = []
    for m in CARD.finditer(text):
        digits = re.sub(r"\D", "", m[0])
        if 13 <= len(digits) <= 19 and digits[0] in "3456" and luhn(digits):
            out.append((m.start(), m.end(), "card"))
    return out


def births(text: str) -> list[Span]:
    return [(m.start(1), m.end(1), "dob") for m in DOB.finditer(text)]


def addresses(text: str) -> list[Span]:
    return [(m.start(), m.end(), "address") for m in ADDRESS.finditer(text)]


def member_ids(prefixes: str = "M") -> callable:
    """A detector of member IDs: a prefix letter, any dash or a space, 5 to 8 digits."""
    rx = re.compile(rf"(?<![\w-])(?:{prefixes})\s?[-–—]?\s?\d{{5,8}}(?![\w-])", re.I)

    def detect(text: str) -> list[Span]:
        out = [(m.start(), m.end(), "member_id") for m in rx.finditer(text)]
        for m in MEMBER_CUE.finditer(text):
            if not NOT_IDS.search(text[max(0, m.start() - 10) : m.start()]):
                out.append((m.start(1), m.end(1), "member_id"))
        return out

    return detect


def pattern(kind: str, regex: str) -> callable:
    """A detector from an analyst's regular expression (case-insensitive)."""
    rx = re.compile(regex, re.I)

    def detect(text: str) -> list[Span]:
        return [(m.start(), m.end(), kind) for m in rx.finditer(text) if m.end() > m.start()]

    return detect


DETECTORS = (emails, urls, handles, ips, cards, ssns, births, phones, addresses)
