"""Drafting helpers: what a column holds, read from its data and the file's metadata.

Used by :meth:`survey_tools.Codebook.draft`; nothing here knows the codebook's classes.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

import pandas as pd

from ..ingest.platforms import iana_zone
from .redact_columns import identifier_content, identifier_header, personal_text, redactor

__all__ = [
    "NON_ANSWERS",
    "code_of",
    "declared_zone",
    "draft_column",
    "draft_quality",
    "in_range",
    "is_non_answer",
    "response_ids",
    "short_name",
    "split_stem",
]

LABELLED_SHARE = 0.95  # a labelled column is single when this share of its answers is labelled
GRID_ITEMS = 5  # a drafted grid: at least this many single items on one response scale
# Qualtrics, SurveyMonkey, REDCap (case, spaces and underscores ignored)
RESPONDENT_IDS = {"responseid", "respondentid", "recordid"}
DURATIONS = {"durationinseconds"}  # Qualtrics "Duration (in seconds)", SPSS Duration__in_seconds_
STARTS = {"startdate"}
STEM_SEPARATORS = (" - ", " \u2013 ", "-", ": ")
NON_ANSWERS = (
    "don't know",
    "dont know",
    "do not know",
    "dk",
    "refused",
    "rf",
    "not applicable",
    "n/a",
    "na",
    "no answer",
    "no response",
    "prefer not to say",
    "skipped",
    "not asked",
    "not stated",
    "missing",
    "unknown",
    "seen but unanswered",
)
DATE_TEXT = re.compile(
    r"^\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[AaPp][Mm])?)?\s*$"
)
RANGE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*$")
ZONE_IN_LABEL = re.compile(r"\b(UTC|[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z0-9_+-]+)+)\b")


def declared_zone(col, meta) -> str | None:
    """The time zone the export states for a timestamp column, or None when it states none.

    The platform's own statement comes first (``meta.time_zones``: the ``timeZone`` of a
    Qualtrics ImportId header); otherwise a zone named in the column's label or question,
    e.g. an SPSS label ``"Start time (America/Los_Angeles)"``. A zone is never guessed.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> meta = SimpleNamespace(time_zones={}, variable_labels={"t": "Start (Europe/Paris)"},
    ...                        questions={})
    >>> declared_zone("t", meta), declared_zone("u", meta)
    ('Europe/Paris', None)
    """
    zone = iana_zone((getattr(meta, "time_zones", None) or {}).get(col))
    if zone:
        return zone
    for text in (meta.variable_labels.get(col), meta.questions.get(col)):
        for match in ZONE_IN_LABEL.finditer(str(text or "")):
            zone = iana_zone(match[1])
            if zone:
                return zone
    return None


def is_non_answer(label) -> bool:
    """Whether a value label says the respondent gave no answer (see :data:`NON_ANSWERS`).

    Examples
    --------
    >>> is_non_answer("Don't know"), is_non_answer("Refused / DK"), is_non_answer("Other")
    (True, True, False)
    >>> is_non_answer("No basis for evaluation")
    False
    """
    text = str(label).casefold().replace("\u2019", "'")
    parts = [p.strip(" .:*-'\"") for p in re.split(r"[,;()]|\s-\s", text)]
    parts += [q.strip(" .:*-'\"") for p in parts for q in p.split("/")]
    return any(part in NON_ANSWERS for part in parts if part)


def in_range(code, missing: dict) -> bool:
    """Whether ``code`` falls in one of the ``"lo..hi"`` ranges among ``missing``'s keys.

    Examples
    --------
    >>> in_range(-5, {"-9..-1": "Missing (declared range)"}), in_range(3, {"-9..-1": "x"})
    (True, False)
    """
    try:
        number = float(code)
    except (TypeError, ValueError):
        return False
    for key in missing:
        match = RANGE.match(key) if isinstance(key, str) else None
        if match and float(match[1]) <= number <= float(match[2]):
            return True
    return False


def draft_column(values: pd.Series, col, meta) -> tuple[str, dict, dict, bool]:
    """The drafted type, codes, missing codes and whether the codes are ordered."""
    declared: dict = {}
    for item in meta.missing_values.get(col, []):
        if isinstance(item, tuple):
            declared[f"{code_of(item[0])}..{code_of(item[1])}"] = "Missing (declared range)"
        else:
            declared[code_of(item)] = "Missing (declared)"
    labels = {code_of(k): _safe(v) for k, v in meta.value_labels.get(col, {}).items()}
    answers, missing = {}, {}
    for code, label in labels.items():
        if code in declared or in_range(code, declared) or is_non_answer(label):
            missing[code] = label
        else:
            answers[code] = label
    missing.update({k: v for k, v in declared.items() if k not in missing})
    headers = (col, meta.variable_labels.get(col), meta.questions.get(col))
    if col in meta.identifiers or identifier_header(*headers):
        return "identifier", {}, {}, False
    if _dates(values):
        return "date", {}, missing, False
    if not labels and identifier_content(values):
        return "identifier", {}, {}, False
    if _key(col) in RESPONDENT_IDS and not labels:  # REDCap's record_id: 1, 2, 3...
        return "id", {}, {}, False
    present = values.dropna()
    if len(present) and isinstance(present.iloc[0], str):
        present = present[present.str.strip() != ""]
        if not labels and response_ids(present):
            return "id", {}, {}, False
    counts = present.value_counts().to_dict()  # each distinct value judged once, in order
    kept = [v for v in pd.unique(present) if not (code_of(v) in missing or in_range(v, missing))]
    answered = pd.Series(kept, dtype=present.dtype)
    n_answered = int(sum(counts[v] for v in kept))
    if labels:
        n_labelled = sum(counts[v] for v in kept if code_of(v) in answers)
        labelled = n_labelled / n_answered if n_answered else 1
        if answers and labelled >= LABELLED_SHARE:
            ordinal = (getattr(meta, "measures", None) or {}).get(col) == "ordinal"
            return "single", answers, missing, ordinal
        if _numbers(answered):
            return "numeric", answers, missing, False
        return "text", {}, missing, False
    if _numbers(answered):
        return "numeric", {}, missing, False
    if col not in meta.other_text:
        distinct = list(dict.fromkeys(str(v).strip() for v in answered.astype(str).unique()))
        answers = [v for v in distinct if not is_non_answer(v)]
        given: dict = {}  # each answer as written, and how many gave it
        for v in kept:
            given[str(v).strip()] = given.get(str(v).strip(), 0) + int(counts[v])
        if (
            0 < len(distinct) <= 12
            and n_answered >= 2 * len(distinct)
            and not personal_text(given, *headers)
        ):
            non = {90 + i: v for i, v in enumerate(v for v in distinct if is_non_answer(v))}
            codes = scale_codes(answers)
            if codes:
                return "single", codes, {**missing, **non}, True
            return "single", {i + 1: v for i, v in enumerate(answers)}, {**missing, **non}, False
    return "text", {}, missing, False


ID_MIN_ROWS = 20  # fewer answers than this say too little to call a column an ID
ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:{}-]{3,63}")


def _shape(value: str) -> str:
    """A value's shape: each run of letters ``a``, of digits ``9``, other characters as they are."""
    return re.sub(r"[0-9]+", "9", re.sub(r"[A-Za-z]+", "a", value))


def response_ids(values: pd.Series) -> bool:
    """Whether a text column holds response IDs: every answer different, one patterned token.

    A response ID has no spaces, most hold a digit, and each shares its shape (runs of letters and
    digits, and the punctuation between them) or its layout (length and punctuation) with the
    other answers: Qualtrics ``R_1dAxYzq0cQ8mN3b``, UUIDs, ``resp-000123``. Words, names and
    sentences are never IDs, nor are numbers written as text; neither are member IDs, emails or
    phones (identifiers, found first).
    Cheap: a sample is looked at before the whole column is checked for repeats.

    Examples
    --------
    >>> ids = pd.Series([f"R_{i:04d}xQ{i % 7}" for i in range(50)])
    >>> response_ids(ids), response_ids(pd.Series(["Writer", "Editor"] * 25))
    (True, False)
    >>> response_ids(pd.Series([f"Member number {i}" for i in range(50)]))
    False
    """
    if len(values) < ID_MIN_ROWS or pd.api.types.is_numeric_dtype(values):
        return False
    sample = values.iloc[:: max(1, len(values) // 200)].astype(str).tolist()
    if not all(ID_TOKEN.fullmatch(v) for v in sample):
        return False
    if sum(any(c.isdigit() for c in v) for v in sample) < len(sample) / 2:
        return False  # words and names, not IDs
    if not any(c.isalpha() for v in sample for c in v):
        return False  # numbers written as text: drafted as numbers
    shapes = {_shape(v) for v in sample}
    layouts = {re.sub(r"[A-Za-z0-9]", "x", v) for v in sample}  # length and punctuation
    if len(shapes) > 1 and len(layouts) > 1:
        return False
    text = values.astype(str)
    return bool(text.is_unique and text.str.fullmatch(ID_TOKEN.pattern).all())


@lru_cache(maxsize=4096)  # an export repeats its scales' labels on every item
def _safe(label) -> str:
    """A label as drafted: stripped, any personal data in it replaced by ``[kind]`` tags."""
    return redactor().text(str(label).strip())[0]


def _key(name) -> str:
    return re.sub(r"[^a-z]", "", str(name).casefold())


def draft_quality(variables: dict, meta) -> tuple[str | None, dict]:
    """The respondent id and the quality settings an export shows, drafted conservatively.

    ``variables`` maps drafted names to variables (``type``, ``source``, ``codes``,
    ``ordered``). Returns the name of the respondent id (Qualtrics ``ResponseId``,
    SurveyMonkey ``RespondentID``, else the first column drafted ``id`` because its answers
    read as response IDs: see :func:`response_ids`), which is also the duplicate key (a
    response recorded twice), and ``duration`` (Qualtrics ``Duration (in seconds)``),
    ``start`` (``StartDate``) and ``grids``: {name: items} for each set of at least five
    single items sharing one response scale of three or more answers, ordered or under one
    question.
    """
    by_column = {_key(v.source[0]): name for name, v in variables.items() if len(v.source) == 1}
    respondent = next((by_column[k] for k in RESPONDENT_IDS if k in by_column), None)
    if respondent is None:  # else a column whose content reads as response IDs
        respondent = next((n for n, v in variables.items() if v.type == "id"), None)
    quality: dict = {}
    if respondent:
        quality["duplicate_key"] = respondent
    for key, kinds, setting in (
        (DURATIONS, ("numeric",), "duration"),
        (STARTS, ("date",), "start"),
    ):
        name = next((by_column[k] for k in key if k in by_column), None)
        if name and variables[name].type in kinds:
            quality[setting] = name
    scales: dict = {}
    for name, var in variables.items():
        if var.type == "single" and len(var.codes) >= 3:
            scales.setdefault(tuple(var.codes.items()), []).append(name)
    grids = {}
    for items in scales.values():
        stems = {meta.questions.get(variables[n].source[0]) for n in items}
        one_question = len(stems) == 1 and None not in stems
        if len(items) >= GRID_ITEMS and (all(variables[n].ordered for n in items) or one_question):
            grids[f"grid_{len(grids) + 1}"] = items
    if grids:
        quality["grids"] = grids
    return respondent, quality


def split_stem(texts: list[str]) -> tuple[str | None, list[str]]:
    """The question stem the options of a check-all group share, and each option's own text.

    Works on ``"question - option"`` (Qualtrics, SurveyMonkey) and ``"question-option"``
    (Qualtrics Insights) texts; when the texts are all the same they are the stem.

    Examples
    --------
    >>> split_stem(["Seen? - Episode I", "Seen? - Episode II"])
    ('Seen?', ['Episode I', 'Episode II'])
    >>> split_stem(["Roles held-Writer", "Roles held-Voice-over actor"])
    ('Roles held', ['Writer', 'Voice-over actor'])
    >>> split_stem(["Seen?", "Seen?"])
    ('Seen?', ['Seen?', 'Seen?'])
    """
    texts = [" ".join(str(t).split()) for t in texts]
    if len(texts) > 1 and len(set(texts)) == 1:
        return texts[0], texts
    prefix = texts[0]
    for text in texts[1:]:
        while not text.startswith(prefix):
            prefix = prefix[:-1]
    for sep in STEM_SEPARATORS:
        cut = prefix.rfind(sep)
        if cut > 0:
            return prefix[:cut].strip(), [t[cut + len(sep) :].strip() for t in texts]
    return None, [t.rsplit(" - ", 1)[-1].strip() for t in texts]


def short_name(text: str, width: int = 40) -> str:
    """A variable name from a text: lower case words joined by ``_``, whole words up to width.

    Examples
    --------
    >>> short_name("Star Wars: Episode III  Revenge of the Sith")
    'star_wars_episode_iii_revenge_of_the'
    >>> short_name("Star Wars: Episode III Revenge of the Sith!", width=50)
    'star_wars_episode_iii_revenge_of_the_sith'
    >>> short_name("2nd choice")
    'v_2nd_choice'
    """
    base = re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_") or "var"
    if len(base) > width:
        cut = base.rfind("_", 0, width + 1)
        base = base[:cut] if cut > 0 else base[:width]
    return base if not base[0].isdigit() else f"v_{base}"


SCALES = {
    "agreement": (
        "strongly disagree",
        "disagree",
        "somewhat disagree",
        "neither agree nor disagree",
        "somewhat agree",
        "agree",
        "strongly agree",
    ),
    "favourability": (
        "very unfavorably",
        "somewhat unfavorably",
        "neither favorably nor unfavorably",
        "somewhat favorably",
        "very favorably",
    ),
    "satisfaction": (
        "extremely dissatisfied",
        "very dissatisfied",
        "dissatisfied",
        "somewhat dissatisfied",
        "neither satisfied nor dissatisfied",
        "somewhat satisfied",
        "satisfied",
        "very satisfied",
        "extremely satisfied",
    ),
    "likelihood": (
        "extremely unlikely",
        "very unlikely",
        "unlikely",
        "somewhat unlikely",
        "neither likely nor unlikely",
        "somewhat likely",
        "likely",
        "very likely",
        "extremely likely",
    ),
    "frequency": (
        "never",
        "rarely",
        "sometimes",
        "about half the time",
        "often",
        "most of the time",
        "very often",
        "always",
    ),
    "use": (
        "never",
        "do not use",
        "less often",
        "less than monthly",
        "monthly",
        "weekly",
        "daily",
        "several times a day",
    ),
    "importance": (
        "not at all important",
        "not important",
        "slightly important",
        "somewhat important",
        "moderately important",
        "important",
        "very important",
        "extremely important",
    ),
}
BAND = re.compile(r"(\d[\d,]*(?:\.\d+)?)")
BELOW = re.compile(r"(?:^\s*(?:<|under|less than|below|up to)|or (?:younger|less|fewer)\s*$)", re.I)
ABOVE = re.compile(
    r"(?:^\s*(?:>|over|more than|above)|\+\s*$|or (?:more|older|over|above)\s*$)", re.I
)


def scale_codes(labels: list[str]) -> dict:
    """Codes for the answers of an ordered scale, or {} when the labels form none.

    Known response vocabularies (agreement, satisfaction, likelihood, frequency, importance)
    give each label its position in the full scale, so every item of a scale gets the same code
    for the same label; numeric bands (age, income, hours, 0-10) are ordered by their numbers.

    Examples
    --------
    >>> scale_codes(["Agree", "Strongly disagree", "Neither agree nor disagree"])
    {1: 'Strongly disagree', 4: 'Neither agree nor disagree', 6: 'Agree'}
    >>> scale_codes(["18-29", "45-60", ">60", "30-44"])
    {1: '18-29', 2: '30-44', 3: '45-60', 4: '>60'}
    >>> scale_codes(["Yes", "No"])
    {}
    """
    keys = {lab: " ".join(re.sub(r"\(.*?\)", "", lab.casefold()).split()) for lab in labels}
    for scale in SCALES.values():
        if len(labels) >= 2 and all(k in scale for k in keys.values()):
            return {
                scale.index(keys[lab]) + 1: lab
                for lab in sorted(labels, key=lambda x: scale.index(keys[x]))
            }
    if len(labels) < 3 or not all(BAND.search(lab) for lab in labels):
        return {}

    def rank(label: str) -> tuple:
        number = float(BAND.search(label)[1].replace(",", ""))
        side = -1 if BELOW.search(label) else 1 if ABOVE.search(label) else 0
        return (number + side * 1e-9, side)

    ordered = sorted(labels, key=rank)
    return {i + 1: lab for i, lab in enumerate(ordered)}


def _dates(values: pd.Series) -> bool:
    """Whether a column holds dates: typed as such, or texts that all read as dates."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    present = values.dropna()
    if not len(present) or pd.api.types.is_numeric_dtype(values):
        return False
    if all(isinstance(v, datetime.date) for v in present):
        return True
    for value in present.iloc[:20].astype(str):  # cheap: most columns fail on their first
        if not DATE_TEXT.match(value) and value.strip().casefold() not in ("", "[not completed]"):
            return False
    text = present.astype(str)
    text = text[~text.str.strip().str.casefold().isin(["", "[not completed]"])]
    return bool(len(text)) and bool(text.str.match(DATE_TEXT).all())


def _numbers(values: pd.Series) -> bool:
    """Whether every value (missing codes already removed) is a number."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return True
    if not len(values) or not (
        pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)
    ):
        return False
    if any(isinstance(v, bool | datetime.date | datetime.time) for v in values):
        return False
    return bool(pd.to_numeric(values, errors="coerce").notna().all())


def code_of(key):
    """Codes as YAML writes them: whole numbers as int, others as they are.

    Examples
    --------
    >>> code_of(2.0), code_of(2.5), code_of("a")
    (2, 2.5, 'a')
    """
    if isinstance(key, float) and key.is_integer():
        return int(key)
    return key
