"""Which export columns hold personal data, read from their header and their content.

Used when drafting a codebook (:func:`survey_tools.cleaning.drafting.draft_column`):

- :func:`identifier_header`: a header that asks for a direct identifier, in English and, where
  cheap, Spanish, French, German, Italian and Portuguese ("Your email", "Mobile number",
  "Membership #", "SSN", "Home address", "Correo electrónico", "Téléphone", "Cell");
- :func:`identifier_content`: a column whose answers are mostly emails, phones, member IDs,
  social security or card numbers, IP addresses, profile links or handles, or plain-digit
  phone numbers;
- :func:`personal_text`: answers that are free text rather than choices: they hold personal
  data, or read as sentences.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import pandas as pd
import phonenumbers

__all__ = ["identifier_content", "identifier_header", "name_header", "personal_text", "redactor"]

IDENTIFIER_SHARE = 0.8  # a column is an identifier when this share of its answers is one
SAMPLE = 400  # distinct answers looked at per column
_PHONE_WORDS = "home|work|mobile|cell|daytime|day time|evening|contact|best|primary|personal"
_ID_WORDS = "member|membership|union|guild|sag aftra|sag|aftra|wga|equity|iatse|card"
_PLACES = "home|street|mailing|postal|residential|current|full|physical|billing|shipping"
NAME_KEYS = "|".join(
    (
        r"(?:full |first |last |given |family |legal |member )?names?|surname",
        r"name (?:first|last|given|family|full)",
        r"nombre(?: completo| y apellidos?)?|apellidos?|nom(?: complet| de famille)?|prenom",
        r"vorname|nachname|cognome|nome(?: completo)?|sobrenome",
    )
)
KEYS = "|".join(
    (
        r"e ?mail(?: address| adresse| id)?",
        r"mail address|correo(?: electronico)?|courriel|posta elettronica",
        r"adresse (?:e ?mail|electronique|mail)|indirizzo (?:e ?mail|email|di posta)",
        r"endereco de e ?mail",
        rf"(?:(?:{_PHONE_WORDS}) )*"
        r"(?:phone|telephone|tel|cell ?phone|cell|mobile(?: phone)?|whats ?app|sms)"
        r"(?: number| no| num| #)?",
        r"contact number|phone or email|email or phone|(?:text|call) number",
        r"telefono(?: (?:celular|movil|fijo|de contacto))?|movil|celular|cellulare",
        r"(?:numero|n|no) (?:de |di )?(?:telefono|telephone|celular|portable|movil|cellulare)",
        r"portable|telefon(?:nummer)?|handy(?:nummer)?|mobilnummer|telefone",
        r"ssn|social security(?: number| no| #)?|sin|national insurance(?: number| no)?|nino",
        r"tax id|passport(?: number| no)?|driver'?s? licen[cs]e(?: number| no)?",
        rf"(?:{_ID_WORDS})(?: id| number| no| num| #| card number)+|member id|memberid",
        rf"(?:(?:{_PLACES}) )?address|(?:home|postal|mailing) code",
        r"direccion(?: postal)?|domicilio|adresse(?: postale)?|anschrift|wohnadresse",
        r"indirizzo|endereco|morada",
        NAME_KEYS,
        r"date of birth|dob|birth ?date|birthday|fecha de nacimiento|date de naissance",
        r"geburtsdatum|ip(?: address)?",
    )
)


def _request(keys: str) -> re.Pattern:
    """A header that is nothing but a request for one of ``keys`` ("Your email (optional)")."""
    return re.compile(
        r"^(?:q\d+[a-z]?\W*)?(?:\(optional\) )?(?:please )?"
        r"(?:(?:enter|give|provide|share|write|type|leave|add|confirm|list) (?:us )?)?"
        r"(?:(?:what is|what's|whats) )?"
        r"(?:your |my |the |member'?s? |respondent'?s? |tu |su |votre |ihre |il tuo |seu |sua )?"
        rf"(?:{keys})"
        r"(?: (?:here|below|if you wish|if you like|if any|optional|opcional|facultatif))?$"
    )


HEADER = _request(KEYS)
NAME_HEADER = _request(NAME_KEYS)
OPTIONAL = re.compile(r"\((?:optional|opcional|facultatif|freiwillig)[^)]*\)|\boptional\b")
# Open-answer headers: their answers are text whatever their counts.
OPEN_HEADER = re.compile(
    r"anything else|other comments?|any (?:other |further )?comments?|comments?\W*$|"
    r"please (?:specify|describe|explain|tell)|in your own words|tell us (?:more|about)|"
    r"_text$|\(please specify\)|open[ -]?ended|free ?text|feedback\W*$",
    re.I,
)
SENTENCE = re.compile(r"[.!?;:]\s+\w|\b(?:I|I'm|I've|my|me|we|our)\b.*\s\w+\s\w+", re.I)
ID_KINDS = frozenset(
    {"email", "phone", "member_id", "ssn", "card", "ip", "url", "handle", "name", "address"}
)


def fold(text) -> str:
    """Header text as compared: no accents, lower case, punctuation as spaces ('#' kept)."""
    text = unicodedata.normalize("NFKD", str(text).replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = OPTIONAL.sub(" ", text)
    text = re.sub(r"[_\-/.:?*()\[\]!,]+", " ", text)
    return " ".join(text.split())


def identifier_header(*headers) -> bool:
    """Whether a column's name, label or question asks for a direct identifier.

    The whole header must be the request ("Your email", "Cell", "Membership #", "What is your
    phone number? (optional)"): a question that merely mentions one ("Has a platform asked
    for your phone number?", "How should the guild address AI?") is no identifier.

    Examples
    --------
    >>> [identifier_header(h) for h in ["Your email", "Téléphone", "Membership #", "SSN"]]
    [True, True, True, True]
    >>> identifier_header("How should the guild address AI?"), identifier_header("Name the app")
    (False, False)
    """
    return any(HEADER.match(fold(h)) for h in headers if h is not None and str(h).strip())


def name_header(*headers) -> bool:
    """Whether a column's name, label or question asks for the respondent's name.

    Examples
    --------
    >>> name_header("First Name"), name_header("name_last"), name_header("Your email")
    (True, True, False)
    """
    return any(NAME_HEADER.match(fold(h)) for h in headers if h is not None and str(h).strip())


@cache
def redactor():
    """One redactor with no roll, for drafting (built once: the name lists load once)."""
    from .redact import Redactor

    return Redactor()


@lru_cache(maxsize=65536)  # a wide export repeats its answers in column after column
def _spans(text: str) -> tuple:
    """The personal data the drafting redactor finds in ``text``."""
    return tuple(redactor().spans(text))


def _covered(text: str) -> float:
    """The share of ``text``'s letters and digits inside identifier spans."""
    spans = [(a, b) for a, b, kind in _spans(text) if kind in ID_KINDS]
    chars = [i for i, c in enumerate(text) if c.isalnum()]
    inside = sum(1 for i in chars if any(a <= i < b for a, b in spans))
    return inside / len(chars) if chars else 0.0


def _phone_digits(value) -> bool:
    digits = re.sub(r"\D", "", str(value).removesuffix(".0"))
    if not 10 <= len(digits) <= 13:
        return False
    for text, region in ((digits, "US"), ("+" + digits, None), (digits, "GB")):
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(text, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


def identifier_content(values: pd.Series) -> bool:
    """Whether most answers of a column are direct identifiers (emails, phones, IDs...).

    Plain-digit numbers count when they are valid phone numbers (a CSV reads a "Cell" column
    of ``3105550145`` as integers); other numbers never do.

    Examples
    --------
    >>> identifier_content(pd.Series(["a@b.org", "c@d.net", None, "e@f.com"]))
    True
    >>> identifier_content(pd.Series([40, 35, 60, 12])), identifier_content(pd.Series(["Yes"]))
    (False, False)
    """
    present = values.dropna()
    if not len(present) or pd.api.types.is_bool_dtype(present):
        return False
    uniques = pd.unique(present)[:SAMPLE]
    if pd.api.types.is_numeric_dtype(present):
        numbers = pd.to_numeric(pd.Series(uniques), errors="coerce")
        plausible = numbers.between(1e9, 1e13) & (numbers % 1 == 0)
        if plausible.mean() < IDENTIFIER_SHARE:  # ages, hours, pay, codes: no phones
            return False
        texts = [str(int(v)) for v in numbers[plausible]]
        check = _phone_digits
    else:
        texts = [str(v).strip() for v in uniques if str(v).strip()]
        if not texts or len(texts) < min(3, len(present)):
            return False

        def check(text: str) -> bool:
            return len(text) < 200 and (_phone_digits(text) or _covered(text) >= 0.8)

    needed = max(2, IDENTIFIER_SHARE * len(uniques))
    hits = misses = 0
    for text in texts:  # stop as soon as the answer is known
        if check(text):
            hits += 1
        else:
            misses += 1
        if hits >= needed or len(uniques) - misses < needed:
            break
    return hits >= needed


def personal_text(counts: dict, *headers) -> bool:
    """Whether answers about to be drafted as choices are free text.

    ``counts`` maps each distinct answer to how many gave it. Free text: an answer holding
    personal data, a rare answer (given at most twice) that reads as a sentence or runs past
    twelve words, or a header that asks for an open answer ("Anything else?", "Other (please
    specify)", "Comments").

    Examples
    --------
    >>> personal_text({"No": 30, "Nothing else": 6, "Call me: Jane Whitfield 310-555-0145": 2})
    True
    >>> personal_text({"I lost work to AI": 20, "I did not lose work": 15, "Not sure": 3})
    False
    >>> personal_text({"No": 30, "I lost my dubbing work to a clone of my voice": 1})
    True
    """
    if any(OPEN_HEADER.search(str(h)) for h in headers if h is not None):
        return True
    for text, n in counts.items():
        text = str(text)
        if _spans(text):
            return True
        words = len(text.split())
        if n <= 2 and (words > 12 or (words >= 5 and SENTENCE.search(text))):
            return True
    return False
