"""The parts of an analysis plan and their checks: a plan's YAML body in, checked parts out.

:func:`build_fields` reads every key of a plan body into its parts (:class:`Measure`,
:class:`Benchmark`, :class:`Focus`, :class:`Step`, :class:`Comments` with its
:class:`ApprovedQuote` list), checking types and names as it goes; :func:`cross_check` checks
the references between them. Both append problems (``key.path: what is wrong``) to one list,
so a plan's problems are reported together. :class:`~survey_tools.report.plan.Plan` and
:func:`~survey_tools.report.plan.read_plan` use them.
"""

from __future__ import annotations

import difflib
import re
import string
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..errors import SurveyToolsError

__all__ = [
    "ApprovedQuote",
    "Benchmark",
    "Comments",
    "Focus",
    "Measure",
    "Step",
    "build_fields",
    "cross_check",
]

_KEYS = {
    "": {"extends", "title", "population", "question", "guild", "wave", "author", "contact",
         "date", "groups", "adjust_for", "thresholds", "indicators", "focus", "benchmarks",
         "options", "compare", "recommendation", "next_steps", "comments", "reminders"},
    "measure": {"variable", "answers", "wording", "below", "above", "headline", "addresses"},
    "focus": {"id", "name", "variable", "answers", "wording", "timing", "linked_to", "pay",
              "platforms", "conditions", "numbers", "drivers"},
    "driver": {"variable", "wording"},
    "number": {"variable", "stat", "unit", "wording"},
    "benchmark": {"value", "unit", "definition", "source"},
    "thresholds": {"min_count", "min_base"},
    "step": {"step", "owner", "due"},
    "pay": {"variable", "benchmark"},
    "comments": {"variable", "themes", "reached", "by", "approved_quotes"},
    "quote": {"theme", "quote", "approved_by"},
}  # fmt: skip


@dataclass(frozen=True)
class Measure:
    """One yes/no measure: members whose ``variable`` is one of ``answers`` (labels), on the
    positive side of its scale (``answers: positive``), or ``below``/``above`` a number or a
    benchmark. ``id`` names the boolean column it adds to the data; after :meth:`Plan.check`,
    ``scale`` is the variable's oriented answer scale when ``positive`` counts."""

    id: str
    variable: str
    wording: str
    answers: tuple = ()
    positive: bool = False
    below: object = None
    above: object = None
    headline: bool = False
    addresses: tuple = ()
    scale: object = field(default=None, compare=False, repr=False)  # set by check: the Scale


@dataclass(frozen=True)
class Benchmark:
    """A figure the memo compares with (the guild's scale rate), with its definition and source."""

    id: str
    value: float
    unit: str = ""
    definition: str = ""
    source: str = ""

    @property
    def text(self) -> str:
        value = f"{self.value:,.0f}" if float(self.value).is_integer() else f"{self.value:,.2f}"
        if self.unit.upper().startswith("USD"):
            return f"${value}{self.unit[3:]}"
        return f"{value} {self.unit}".strip()


@dataclass(frozen=True)
class Focus:
    """The group the memo's question is about, how its members came to it, and their conditions."""

    name: str
    measure: Measure
    timing: dict = field(default_factory=dict)
    conditions: dict = field(default_factory=dict)
    linked_to: str | None = None
    pay: dict = field(default_factory=dict)
    platforms: str | None = None
    numbers: dict = field(default_factory=dict)  # id -> {variable, stat, unit, wording}
    drivers: dict = field(default_factory=dict)  # id -> {variable, wording}: numeric links


@dataclass(frozen=True)
class Step:
    """A next step with its owner and due date."""

    step: str
    owner: str = ""
    due: str = ""


@dataclass(frozen=True)
class ApprovedQuote:
    """A quote an analyst approved for the memo: its theme, exact text and who approved it."""

    theme: str
    quote: str
    approved_by: str


@dataclass(frozen=True)
class Comments:
    """The open comment: its ``variable``, theme codebook (``themes``: a path, or None for the
    standard one), ``reached`` (a later question: answering it shows the member saw the
    comment box), ``by`` (the group quotes are attributed to; default the plan's main group)
    and the quotes approved for the memo."""

    variable: str
    themes: str | None = None
    reached: str | None = None
    by: str | None = None
    quotes: tuple = ()

    def approved(self, theme: str) -> set[str]:
        """The exact texts approved for ``theme``."""
        return {q.quote for q in self.quotes if q.theme == theme}


def _unknown(body: dict, kind: str, where: str, problems: list) -> None:
    for key in body:
        if key not in _KEYS[kind]:
            near = difflib.get_close_matches(str(key), _KEYS[kind], n=1)
            problems.append(
                f"{where}{key}: unknown key" + (f" (did you mean {near[0]}?)" if near else "")
            )


def _mapping(value, where: str, problems: list) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{where}: expected a mapping, got {type(value).__name__}")
        return {}
    return value


def _text(value, where: str, problems: list, *, required: bool = False) -> str:
    if value is None or value == "":
        if required:
            problems.append(f"{where}: missing")
        return ""
    if isinstance(value, (dict, list)):
        problems.append(f"{where}: expected text, got {type(value).__name__}")
        return ""
    return str(value).strip()


def _measure(ident: str, body, where: str, problems: list, *, default_variable=None) -> Measure:
    body = _mapping(body, where, problems)
    _unknown(body, "measure", f"{where}.", problems)
    variable = _text(body.get("variable", default_variable), f"{where}.variable", problems,
                     required=True)  # fmt: skip
    answers = body.get("answers", "positive" if where.startswith("options") else None)
    positive = answers == "positive"
    if positive or answers is None:
        answers = ()
    elif not isinstance(answers, list):
        answers = (answers,)
    bounds = [k for k in ("below", "above") if body.get(k) is not None]
    if not answers and not positive and not bounds:
        problems.append(f"{where}: say which answers count (answers: [...], positive, below:)")
    addresses = body.get("addresses") or ()
    if not isinstance(addresses, list | tuple):
        problems.append(f"{where}.addresses: expected a list of condition ids")
        addresses = ()
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", ident):
        problems.append(f"{where}: id {ident!r} must be a name (letters, digits, _)")
    return Measure(
        id=ident,
        variable=variable,
        wording=_text(body.get("wording"), f"{where}.wording", problems) or variable,
        answers=tuple(answers),
        positive=positive,
        below=body.get("below"),
        above=body.get("above"),
        headline=bool(body.get("headline", False)),
        addresses=tuple(map(str, addresses)),
    )


def _measures(body, where: str, problems: list, **kw) -> dict:
    return {
        str(k): _measure(str(k), v, f"{where}.{k}", problems, **kw)
        for k, v in _mapping(body, where, problems).items()
    }


def _dates(value, where: str, problems: list) -> tuple:
    """A list of dates (YAML dates or ISO texts) as ISO texts, in order."""
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(f"{where}: expected a list of dates, e.g. [2026-09-15, 2026-09-22]")
        return ()
    out = []
    for i, item in enumerate(value):
        try:
            out.append(datetime.fromisoformat(str(item)).date().isoformat())
        except (ValueError, TypeError):
            problems.append(f"{where}[{i}]: {item!r} is not a date (write it as 2026-09-15)")
    return tuple(sorted(out))


def build_fields(body: dict, path: str, problems: list) -> dict:
    """The fields of a :class:`~survey_tools.report.plan.Plan` from a plan's YAML body; each
    problem found is appended to ``problems`` as ``key.path: what is wrong (the fix)``."""
    _unknown(body, "", "", problems)
    limits = _mapping(body.get("thresholds"), "thresholds", problems)
    _unknown(limits, "thresholds", "thresholds.", problems)
    groups = body.get("groups")
    if isinstance(groups, list):
        groups = {str(g): str(g).replace("_", " ") for g in groups}
    groups = _mapping(groups, "groups", problems)
    if not groups:
        problems.append("groups: name at least one grouping variable")
    indicators = _measures(body.get("indicators"), "indicators", problems)
    if not indicators:
        problems.append("indicators: declare at least one indicator")
    benchmarks = {}
    for key, spec in _mapping(body.get("benchmarks"), "benchmarks", problems).items():
        spec = _mapping(spec, f"benchmarks.{key}", problems)
        _unknown(spec, "benchmark", f"benchmarks.{key}.", problems)
        if not isinstance(spec.get("value"), int | float) or isinstance(spec.get("value"), bool):
            problems.append(f"benchmarks.{key}.value: expected a number")
            continue
        benchmarks[str(key)] = Benchmark(
            str(key),
            float(spec["value"]),
            unit=str(spec.get("unit", "")),
            definition=str(spec.get("definition", "")).strip(),
            source=str(spec.get("source", "")).strip(),
        )
    focus = _focus(body.get("focus"), problems)
    steps = []
    for i, step in enumerate(body.get("next_steps") or []):
        step = _mapping(step, f"next_steps[{i}]", problems)
        _unknown(step, "step", f"next_steps[{i}].", problems)
        steps.append(Step(*(_text(step.get(k), f"next_steps[{i}].{k}", problems)
                            for k in ("step", "owner", "due"))))  # fmt: skip
    compare = body.get("compare") or []
    return dict(
        reminders=_dates(body.get("reminders"), "reminders", problems),
        question=_text(body.get("question"), "question", problems, required=True),
        groups={str(k): str(v) for k, v in groups.items()},
        indicators=indicators,
        title=_text(body.get("title"), "title", problems),
        population=_text(body.get("population"), "population", problems) or "members",
        guild=_text(body.get("guild"), "guild", problems),
        wave=_text(body.get("wave"), "wave", problems),
        author=_text(body.get("author"), "author", problems),
        contact=_text(body.get("contact"), "contact", problems),
        date=_text(body.get("date"), "date", problems),
        adjust_for=tuple(map(str, body.get("adjust_for") or ())),
        min_count=limits.get("min_count", 10),
        min_base=limits.get("min_base", 30),
        focus=focus,
        benchmarks=benchmarks,
        options=_measures(body.get("options"), "options", problems),
        compare=tuple(map(str, compare)) if isinstance(compare, list) else (),
        recommendation=_text(body.get("recommendation"), "recommendation", problems),
        next_steps=tuple(steps),
        comments=_comments(body.get("comments"), path, problems),
        path=path,
    )


def _focus(body, problems: list) -> Focus | None:
    if body is None:
        return None
    body = _mapping(body, "focus", problems)
    _unknown(body, "focus", "focus.", problems)
    ident = _text(body.get("id"), "focus.id", problems) or "focus"
    measure = _measure(
        ident, {k: body[k] for k in ("variable", "answers", "wording") if k in body}, "focus",
        problems,
    )  # fmt: skip
    pay = _mapping(body.get("pay"), "focus.pay", problems)
    _unknown(pay, "pay", "focus.pay.", problems)
    return Focus(
        name=_text(body.get("name"), "focus.name", problems, required=True),
        measure=measure,
        timing=_measures(
            body.get("timing"), "focus.timing", problems, default_variable=measure.variable
        ),
        conditions=_measures(body.get("conditions"), "focus.conditions", problems),
        linked_to=_text(body.get("linked_to"), "focus.linked_to", problems) or None,
        pay=pay,
        platforms=_text(body.get("platforms"), "focus.platforms", problems) or None,
        numbers=_specs(body.get("numbers"), "number", problems, stat="mean", unit=""),
        drivers=_specs(body.get("drivers"), "driver", problems),
    )


def _specs(body, kind: str, problems: list, **defaults) -> dict:
    """``focus.numbers`` and ``focus.drivers``: ``{id: {variable, wording, ...}}``."""
    out = {}
    section = "numbers" if kind == "number" else "drivers"
    for key, spec in _mapping(body, f"focus.{section}", problems).items():
        where = f"focus.{section}.{key}"
        spec = _mapping(spec, where, problems)
        _unknown(spec, kind, f"{where}.", problems)
        if spec.get("stat", "mean") not in ("mean", "median"):
            problems.append(f"{where}.stat: write mean or median")
        out[str(key)] = defaults | {
            k: _text(spec.get(k, defaults.get(k)), f"{where}.{k}", problems)
            for k in sorted(_KEYS[kind])
        }
        out[str(key)]["wording"] = out[str(key)]["wording"] or str(key)
        if not out[str(key)]["variable"]:
            problems.append(f"{where}.variable: missing")
    return out


def _comments(body, path: str, problems: list) -> Comments | None:
    """``comments:``: the open comment, its theme codebook and the approved quotes."""
    if body is None:
        return None
    from ..comments.themes import read_themes

    body = _mapping(body, "comments", problems)
    _unknown(body, "comments", "comments.", problems)
    variable = _text(body.get("variable"), "comments.variable", problems, required=True)
    source = _text(body.get("themes"), "comments.themes", problems)
    themes = None if source in ("", "standard") else str(Path(path).parent / source)
    try:
        ids = set(read_themes(themes).ids)
    except SurveyToolsError as exc:
        problems.append(f"comments.themes: {exc}")
        ids = None
    quotes = []
    for i, spec in enumerate(body.get("approved_quotes") or []):
        where = f"comments.approved_quotes[{i}]"
        spec = _mapping(spec, where, problems)
        _unknown(spec, "quote", f"{where}.", problems)
        theme = _text(spec.get("theme"), f"{where}.theme", problems, required=True)
        quote = _text(spec.get("quote"), f"{where}.quote", problems, required=True)
        who = _text(spec.get("approved_by"), f"{where}.approved_by", problems, required=True)
        if ids is not None and theme and theme not in ids:
            problems.append(f"{where}.theme: {theme!r} is no theme of the codebook")
        if re.search(r"\d|\[\w+\]", quote):
            problems.append(
                f"{where}.quote: holds a digit or a redaction tag; choose another quote "
                "(pick_quotes proposes only safe ones)"
            )
        quotes.append(ApprovedQuote(theme, quote, who))
    return Comments(
        variable=variable,
        themes=themes,
        reached=_text(body.get("reached"), "comments.reached", problems) or None,
        by=_text(body.get("by"), "comments.by", problems) or None,
        quotes=tuple(quotes),
    )


def cross_check(plan, problems: list) -> None:
    """Cross-references inside a built plan: thresholds, unique ids, bounds, benchmarks,
    options' addresses, compared groups and every name a text quotes."""
    for key, value in (("min_count", plan.min_count), ("min_base", plan.min_base)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(f"thresholds.{key}: expected a whole number of at least 1")
    ids = [*plan.indicators, *plan.options]
    if plan.focus:
        ids += [plan.focus.measure.id, *plan.focus.timing, *plan.focus.conditions]
    ids += list(plan.benchmarks)
    for ident in {i for i in ids if ids.count(i) > 1}:
        problems.append(f"{ident}: the same id names two measures; ids must be unique")
    conditions = set(plan.focus.conditions) if plan.focus else set()
    for m in plan.measures().values():
        for bound in (m.below, m.above):
            if isinstance(bound, str) and bound not in plan.benchmarks:
                problems.append(f"{m.id}: {bound!r} is no number and no benchmark")
        for target in m.addresses:
            if target not in conditions:
                problems.append(f"options.{m.id}.addresses: {target!r} is no focus condition")
    focus_id = plan.focus.measure.id if plan.focus else None
    for ident in plan.compare:
        if ident != focus_id and ident not in plan.indicators:
            problems.append(f"compare: {ident!r} is neither the focus id nor an indicator")
    if plan.focus and plan.focus.linked_to and plan.focus.linked_to not in plan.indicators:
        problems.append(f"focus.linked_to: {plan.focus.linked_to!r} is no indicator")
    if plan.focus and plan.focus.pay.get("benchmark") not in (None, *plan.benchmarks):
        problems.append(f"focus.pay.benchmark: {plan.focus.pay['benchmark']!r} is no benchmark")
    names = plan.names()
    for where, text in [("recommendation", plan.recommendation)] + [
        (f"next_steps[{i}]", s.step) for i, s in enumerate(plan.next_steps)
    ]:
        try:
            quoted = [f for _, f, _, _ in string.Formatter().parse(text) if f]
        except ValueError as exc:
            problems.append(f"{where}: {exc} (write {{{{ and }}}} for literal braces)")
            continue
        for name in quoted:
            if name not in names:
                near = difflib.get_close_matches(name, names, n=1)
                problems.append(
                    f"{where}: {{{name}}} is no computed value"
                    + (f" (did you mean {{{near[0]}}}?)" if near else "")
                )
        if re.search(r"(?<![{\w.])\d+(\.\d+)?\s*%", re.sub(r"\{[^}]*\}", "", text)):
            problems.append(f"{where}: types a percentage; quote the computed value instead")
