"""The codebook's schema: every key, its type and where it may appear, in tables.

A codebook is checked as a whole before anything is built from it: every key of every level
(unknown keys get a "did you mean ...?"), every value's type (``ordered: "false"`` is text, not
a boolean; ``not_asked: -1`` is not a list), ranges (``complete_share`` in (0, 1]), regular
expressions (compiled, and refused when nested quantifiers could make them run for ever), then
the cross-references (routing parents, derivations, the id, the roll, quality settings). Each
problem names the key's path (``variables.q1.ordered``), the YAML line and the fix; all are
reported at once.

Adding a key is one line in :data:`TOP_KEYS`, :data:`VARIABLE_KEYS`, :data:`ROLL_KEYS`,
:data:`QUALITY_KEYS` or :data:`SCALE_KEYS`. :func:`json_schema` turns the same tables into a
JSON Schema for editors (``data/codebooks/codebook.schema.json``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..errors import CodebookError
from ..ingest.platforms import iana_zone

__all__ = [
    "QUALITY_FLAGS",
    "TOP_KEYS",
    "VARIABLE_KEYS",
    "Problem",
    "check_spec",
    "json_schema",
    "risky_regex",
    "rule_parts",
]

TYPES = ("single", "likert", "multi", "numeric", "text", "date", "id", "identifier")
CODED = ("single", "likert")
QUALITY_FLAGS = (
    "duplicate",
    "declined",
    "breakoff",
    "partial",
    "speeder",
    "straightliner",
    "failed_attention",
    "out_of_range",
    "inconsistent",
)
"""The flags ``quality: exclude:`` may name (the same as ``quality.FLAGS``, checked by a test)."""
RULE = re.compile(r"^\s*(\w+)\s*(<=|<|>=|>|==|!=)\s*(\w+)\s*$")


def rule_parts(rule: str, where: str) -> tuple[str, str, str]:
    """The parts of a consistency rule ``"a <= b"``: ``("a", "<=", "b")``."""
    match = RULE.match(str(rule))
    if not match:
        raise CodebookError(
            f"{where}: the consistency rule {rule!r} is not of the form 'a <= b'.",
            hint="compare two variables with <=, <, >=, >, == or !=",
        )
    return match[1], match[2], match[3]


class Problem(NamedTuple):
    """One thing wrong in a codebook: where (key path), what, and how to fix it."""

    path: tuple
    message: str
    fix: str
    line: int | None = None  # where the path's own line is not the one to show


def _kind(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int | float):
        return f"{value!r} (a number)"
    if isinstance(value, str):
        return f"{value!r} (text)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def near(word, options) -> str:
    """``"; did you mean X?"`` for the closest of ``options``, or ``""``."""
    found = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f"did you mean {found[0]}?" if found else ""


# --- value specs ---------------------------------------------------------------------------------


class Spec:
    """A value's expected type: ``check`` reports problems, ``schema`` is its JSON Schema."""

    what = "a value"

    def check(self, value, at: tuple, out: list[Problem]) -> None:
        raise NotImplementedError

    def schema(self) -> dict:
        raise NotImplementedError

    def wrong(self, value, at, out, fix=None) -> None:
        out.append(Problem(at, f"is {_kind(value)}, not {self.what}", fix or f"write {self.what}"))


class Text(Spec):
    """Text; ``numbers=True`` also takes a number (a label such as 2026)."""

    def __init__(self, what="text", *, numbers=False, pattern=None, fix=None):
        self.what, self.numbers, self.pattern, self.fix = what, numbers, pattern, fix

    def check(self, value, at, out):
        ok = isinstance(value, str) or (
            self.numbers and isinstance(value, int | float) and not isinstance(value, bool)
        )
        if not ok:
            quote = "quote it: YAML reads yes/no/true/false/on/off unquoted as booleans"
            self.wrong(value, at, out, quote if isinstance(value, bool) else None)
        elif self.pattern and not re.fullmatch(self.pattern, str(value)):
            out.append(Problem(at, f"{value!r} is not {self.what}", self.fix or self.what))

    def schema(self):
        if self.numbers:
            return {"type": ["string", "number"]}
        return {"type": "string", **({"pattern": f"^{self.pattern}$"} if self.pattern else {})}


class Flag(Spec):
    what = "true or false"

    def check(self, value, at, out):
        if isinstance(value, bool):
            return
        word = value.strip().lower() if isinstance(value, str) else None
        if word in ("true", "false", "yes", "no"):
            meant = "true" if word in ("true", "yes") else "false"
            out.append(
                Problem(
                    at,
                    f"is the text {value!r} (in quotes), which would read as true",
                    f"write {at[-1]}: {meant} without quotes",
                )
            )
            return
        self.wrong(value, at, out)

    def schema(self):
        return {"type": "boolean"}


class Number(Spec):
    def __init__(self, lo=None, hi=None, *, lo_open=False, integer=False):
        self.lo, self.hi, self.lo_open, self.integer = lo, hi, lo_open, integer
        kind = "a whole number" if integer else "a number"
        if lo is not None and hi is not None:
            self.what = f"{kind} {'above' if lo_open else 'from'} {lo} up to {hi}"
        else:
            self.what = kind

    def check(self, value, at, out):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return self.wrong(value, at, out)
        if self.integer and value != int(value):
            return self.wrong(value, at, out)
        low_bad = self.lo is not None and (value <= self.lo if self.lo_open else value < self.lo)
        if value != value or low_bad or (self.hi is not None and value > self.hi):
            out.append(Problem(at, f"is {value!r}, outside the range", f"give {self.what}"))

    def schema(self):
        out: dict = {"type": "integer" if self.integer else "number"}
        if self.lo is not None:
            out["exclusiveMinimum" if self.lo_open else "minimum"] = self.lo
        if self.hi is not None:
            out["maximum"] = self.hi
        return out


class Code(Spec):
    what = "a code (a number or a text)"

    def check(self, value, at, out):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            quote = "quote it (YAML reads yes/no/true/false unquoted as booleans)"
            self.wrong(value, at, out, quote if isinstance(value, bool) else None)

    def schema(self):
        return {"type": ["number", "string"]}


class Choice(Spec):
    def __init__(self, *options, noun="setting"):
        self.options, self.noun = options, noun
        self.what = "one of " + ", ".join(map(str, options))

    def check(self, value, at, out):
        if value not in self.options or isinstance(value, bool):
            hint = near(value, self.options) if isinstance(value, str) else ""
            hint = f"{hint} ({self.what})" if hint else f"use {self.what}"
            out.append(Problem(at, f"is {_kind(value)}, not a {self.noun}", hint))

    def schema(self):
        return {"enum": list(self.options)}


class Nullable(Spec):
    def __init__(self, inner: Spec):
        self.inner, self.what = inner, f"{inner.what} or null"

    def check(self, value, at, out):
        if value is not None:
            self.inner.check(value, at, out)

    def schema(self):
        return {"anyOf": [self.inner.schema(), {"type": "null"}]}


class ListOf(Spec):
    def __init__(self, item: Spec, *, example: str, pair=False):
        self.item, self.pair = item, pair
        self.what = f"a list, e.g. {example}"

    def check(self, value, at, out):
        if not isinstance(value, list) or (self.pair and len(value) != 2):
            return self.wrong(value, at, out)
        for i, item in enumerate(value):
            self.item.check(item, (*at, i), out)

    def schema(self):
        out = {"type": "array", "items": self.item.schema()}
        return {**out, "minItems": 2, "maxItems": 2} if self.pair else out


class MapOf(Spec):
    def __init__(self, key: Spec, value: Spec, *, example: str, nonempty=False):
        self.key, self.value, self.nonempty = key, value, nonempty
        self.what = f"a mapping, e.g. {example}"

    def check(self, value, at, out):
        if not isinstance(value, dict) or (self.nonempty and not value):
            return self.wrong(value, at, out)
        for key, item in value.items():
            self.key.check(key, (*at, key), out)
            self.value.check(item, (*at, key), out)

    def schema(self):
        return {"type": "object", "additionalProperties": self.value.schema()}


class Regex(Spec):
    what = "a regular expression"

    def check(self, value, at, out):
        if not isinstance(value, str):
            return self.wrong(value, at, out)
        try:
            re.compile(value, re.I)
        except re.error as exc:
            out.append(Problem(at, f"{value!r} is no valid regular expression ({exc})", "fix it"))
            return
        risk = risky_regex(value)
        if risk:
            out.append(
                Problem(
                    at,
                    f"{value!r} repeats {risk}, which can make matching run for ever on some "
                    "answers (catastrophic backtracking)",
                    "repeat a single item or a character class, e.g. [\\w-]+ instead of "
                    "(\\w|-)+ and \\d+ instead of (\\d+)+",
                )
            )

    def schema(self):
        return {"type": "string", "format": "regex"}


class Zone(Spec):
    what = "an IANA time zone such as America/Los_Angeles or UTC"

    def check(self, value, at, out):
        if not isinstance(value, str) or iana_zone(value) is None:
            out.append(Problem(at, f"{_kind(value)} is no IANA time zone", f"write {self.what}"))

    def schema(self):
        return {"type": "string"}


@dataclass(frozen=True)
class Key:
    """One key of a mapping: its spec, whether it is required, the variable types it fits."""

    spec: Spec
    doc: str
    required: bool = False
    types: tuple[str, ...] | None = None  # variables only: types the key applies to


class Record(Spec):
    """A mapping with known keys (each a :class:`Key`); unknown keys are named with a guess."""

    def __init__(self, keys: dict[str, Key], what: str):
        self.keys, self.what = keys, what

    def check(self, value, at, out):
        if not isinstance(value, dict):
            return self.wrong(value, at, out, f"write {self.what} as key: value lines")
        kind = value.get("type")
        for key, item in value.items():
            spec = self.keys.get(key) if isinstance(key, str) else None
            if spec is None:
                guess = near(key, self.keys)
                out.append(
                    Problem(
                        (*at, key),
                        f"is no key of {self.what}",
                        guess or f"use {', '.join(self.keys)}",
                    )
                )
                continue
            if item is None and not spec.required:
                continue
            if spec.types and kind in TYPES and kind not in spec.types:
                out.append(
                    Problem(
                        (*at, key),
                        f"does not apply to a {kind} variable",
                        f"remove it; {key} is for {' and '.join(spec.types)} variables",
                    )
                )
                continue
            spec.spec.check(item, (*at, key), out)
        for key, spec in self.keys.items():
            if spec.required and value.get(key) is None:
                out.append(Problem((*at, key), "is missing", f"add {key}: ({spec.spec.what})"))

    def schema(self):
        return {
            "type": "object",
            "description": self.what,
            "properties": {
                k: {**key.spec.schema(), "description": key.doc} for k, key in self.keys.items()
            },
            "required": [k for k, key in self.keys.items() if key.required],
            "additionalProperties": False,
        }


# --- the tables ----------------------------------------------------------------------------------

NAME = Text("a variable name")


class Sources(Spec):
    what = "an export column or a list of them, e.g. [Q14, ai_lost_work]"

    def check(self, value, at, out):
        if isinstance(value, str):
            return
        if not isinstance(value, list) or not value:
            return self.wrong(value, at, out)
        for i, item in enumerate(value):
            Text("an export column name", numbers=True).check(item, (*at, i), out)

    def schema(self):
        return {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


LABEL = Text("a label", numbers=True)
CODES = ListOf(Code(), example="[1, 2]")
OPTION_KEYS = {
    "source": Key(Sources(), "export columns of the option, first found is used"),
    "label": Key(LABEL, "the option's label"),
}
SCALE_KEYS = {
    "positive": Key(
        Choice("high", "low", noun="scale direction"),
        "which end of the codes is the agreeing one",
        True,
    ),
    "midpoint": Key(Nullable(Code()), "the neutral code, or null for a scale without one"),
}
VARIABLE_KEYS = {
    "type": Key(Choice(*TYPES, noun="variable type"), "the kind of variable", required=True),
    "source": Key(Sources(), "export columns, first found is used"),
    "label": Key(LABEL, "the question or variable label"),
    "codes": Key(
        MapOf(Code(), LABEL, example="{1: 'Yes', 2: 'No'}"),
        "{code: label}",
        types=(*CODED, "numeric"),
    ),
    "missing": Key(
        MapOf(Code(), LABEL, example="{99: Prefer not to say, '97..99': Missing}"),
        "{code or 'lo..hi': label} of non-answers",
    ),
    "valid": Key(ListOf(Number(), example="[0, 80]", pair=True), "[low, high]", types=("numeric",)),
    "options": Key(
        MapOf(
            Text("an option column name"),
            Nullable(Record(OPTION_KEYS, "an option")),
            example="{plat_mercor: {source: Q22_1, label: Mercor}}",
            nonempty=True,
        ),
        "check-all options: {column: {source, label}}",
        types=("multi",),
    ),
    "asked_if": Key(
        MapOf(NAME, CODES, example="{rlhf_status: [1, 2]}"), "routing: {variable: [codes]}"
    ),
    "parse": Key(Choice("pay", noun="parser"), "parse pay texts to USD/hour", types=("numeric",)),
    "action": Key(
        Choice("drop", "hash", noun="action"),
        "what happens to an identifier",
        types=("identifier",),
    ),
    "derive": Key(NAME, "the variable whose codes are recoded", types=CODED),
    "recode": Key(
        MapOf(LABEL, CODES, example="{Writers: [1, 2]}"), "{new label: [codes]}", types=CODED
    ),
    "ordered": Key(Flag(), "single choices on a scale", types=CODED),
    "scale": Key(Record(SCALE_KEYS, "an answer scale"), "an ordered answer scale", types=CODED),
    "redact": Key(Flag(), "false keeps the text as written", types=("text",)),
    "timezone": Key(Zone(), "IANA zone of the times", types=("date",)),
}
ROLL_KEYS = {
    "key": Key(NAME, "codebook variable holding the member ID", required=True),
    "roll_key": Key(Text("a roll column name"), "the roll's key column"),
    "columns": Key(
        MapOf(NAME, Text("a roll column name"), example="{region: region}"),
        "{variable: roll column}",
    ),
}
SHARE = Nullable(Number(0, 1, lo_open=True))
QUALITY_KEYS = {
    "duplicate_key": Key(Nullable(NAME), "variable identifying a member across submissions"),
    "duration": Key(Nullable(NAME), "completion time in seconds"),
    "start": Key(Nullable(NAME), "start time"),
    "consent": Key(MapOf(NAME, CODES, example="{consent: [1]}"), "{variable: agreeing codes}"),
    "attention": Key(MapOf(NAME, CODES, example="{attn: [2]}"), "{check: passing codes}"),
    "grids": Key(
        MapOf(Text("a grid name"), ListOf(NAME, example="[q1, q2]"), example="{g: [q1, q2]}"),
        "{grid: [variables]}",
    ),
    "rules": Key(ListOf(Text("a rule"), example="['a <= b']"), "consistency rules 'a <= b'"),
    "complete_share": Key(SHARE, "share answered for a complete, in (0, 1]"),
    "partial_share": Key(SHARE, "share answered for a partial, in (0, 1]"),
    "disposition": Key(Nullable(Text("an export column name")), "AAPOR disposition column"),
    "speeder_ratio": Key(Number(0, 1, lo_open=True), "speeders: under this share of the median"),
    "exclude": Key(ListOf(Text("a flag"), example="[duplicate, breakoff]"), "flags that remove"),
    "keep_test_responses": Key(Flag(), "keep Qualtrics test and preview responses"),
}
TOP_KEYS = {
    "survey": Key(
        Text(
            "a plain file name",
            pattern=r"\w[\w.\- ]{0,119}",
            fix="use letters, digits, '_', '-' and '.' (no '/', '\\', '..' or leading dot): "
            "it names the cleaned files inside the output folder",
        ),
        "name of the cleaned files",
    ),
    "id": Key(Nullable(NAME), "the respondent key kept in the clean data"),
    "not_asked": Key(ListOf(Code(), example="[-1]"), "codes meaning 'routed past the question'"),
    "variables": Key(
        MapOf(NAME, Record(VARIABLE_KEYS, "a variable"), example="{q1: {type: numeric}}"),
        "the canonical variables",
        required=True,
    ),
    "roll": Key(Record(ROLL_KEYS, "the roll settings"), "variables from the membership roll"),
    "quality": Key(Record(QUALITY_KEYS, "the quality settings"), "quality rules"),
    "redact_patterns": Key(
        MapOf(Text("a tag name"), Regex(), example="{badge: 'B-\\d{6}'}"),
        "{tag: regular expression} redacted from free text",
    ),
}
CODEBOOK = Record(TOP_KEYS, "a codebook")


def check_spec(spec: Any) -> list[Problem]:
    """Every key and type problem of a codebook's structure (cross-references not included)."""
    out: list[Problem] = []
    CODEBOOK.check(spec, (), out)
    if isinstance(spec, dict) and ".." in str(spec.get("survey", "")):
        out.append(Problem(("survey",), "climbs out of the output folder", "remove '..'"))
    return out


def json_schema() -> dict:
    """The JSON Schema of a codebook, for editors (e.g. VS Code's YAML extension)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://survey-tools.invalid/codebook.schema.json",
        "title": "survey_tools codebook",
        **CODEBOOK.schema(),
    }


# --- regular expressions that can run for ever ---------------------------------------------------

_QUANT = re.compile(r"\*|\+|\?|\{(\d*)(,?)(\d*)\}")


def risky_regex(pattern: str) -> str | None:
    """What makes ``pattern`` prone to catastrophic backtracking, or None.

    A group repeated without a fixed count (``*``, ``+``, ``{n,}``, ``{n,m}``) that itself holds
    a repeat of that kind, or an alternation: ``(a+)+``, ``(\\w*\\s?)*``, ``(a|ab)+``.
    """
    stack = [{"repeat": False, "alt": False}]
    i, n = 0, len(pattern)
    group = None  # the group just closed, while a quantifier may follow it
    while i < n:
        ch = pattern[i]
        match = _QUANT.match(pattern, i)
        if match and not (match[0].startswith("{") and not match[1] and not match[3]):
            variable = match[0] in "*+" or (match[2] == "," and match[3] != match[1])
            if variable and group and (group["repeat"] or group["alt"]):
                what = "an alternation" if group["alt"] else "a repeated item"
                return f"a group holding {what}"
            stack[-1]["repeat"] |= variable
            i = match.end()
            i += pattern[i : i + 1] in ("?", "+")  # lazy or possessive
        elif ch == "\\":
            i += 2
        elif ch == "[":
            j = i + 1
            j += pattern[j : j + 1] == "^"
            j += pattern[j : j + 1] == "]"
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
        elif ch == "(":
            stack.append({"repeat": False, "alt": False})
            i += 1
        elif ch == ")" and len(stack) > 1:
            group = stack.pop()
            stack[-1]["repeat"] |= group["repeat"]
            i += 1
            continue
        else:
            stack[-1]["alt"] |= ch == "|"
            i += 1
        group = None
    return None
