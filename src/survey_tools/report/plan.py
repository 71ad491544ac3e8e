"""The analysis plan: what a survey's memo reports, declared by the guild in one YAML file.

A plan sits beside the survey's codebook (``data/codebooks/<survey>.plan.yaml``)::

    extends: standard                 # optional: start from a shipped plan, replace its keys
    question: "Members doing AI-training work: what should the guild do?"
    population: members               # how the memo names the people surveyed
    guild: Example Guild
    wave: 2027 member survey
    author: Research department       # memo header; contact: the reader's next call
    contact: research@guild.example
    groups: {role_group: role group}  # compare by these; the first is the main one
    adjust_for: [age_band]            # held fixed in the memo's models
    thresholds: {min_count: 10, min_base: 30}
    indicators:                       # shares of all members; answers: labels or codes
      lost_work: {variable: ai_lost_work, answers: ["Yes"], headline: true,
                  wording: knowingly lost work to AI in the past 12 months}
    focus:                            # the group the question is about
      id: ai_training
      name: members doing AI-training work
      variable: rlhf_status
      answers: [1, 2]
      wording: have been paid to train or evaluate AI systems
      timing: {recent: {answers: [1], wording: in the past 3 months}}
      linked_to: lost_work            # modelled: the indicator against the focus group
      pay: {variable: rlhf_pay_usd_hr, benchmark: scale_rate}
      conditions:                     # shares within the focus group
        pay_below: {variable: rlhf_pay_usd_hr, below: scale_rate, wording: were paid below scale}
    benchmarks:
      scale_rate: {value: 60, unit: USD per hour, definition: ..., source: ...}
    options:                          # ordered items; answers: positive = the scale's good side
      rate_floor: {variable: att_rate_floor, wording: Publish minimum rates, addresses: [pay_below]}
    compare: [ai_training, lost_work] # groups whose support is set beside all members'
    recommendation: "Adopt ... ({rate_floor.ai_training.pct} of AI-training workers agree)"
    next_steps: [{step: ..., owner: ..., due: 2027-01-31}]

Texts may quote computed values by name in braces, never typed numbers: ``{lost_work}`` (share,
interval and base), ``{lost_work.pct}``, ``{rate_floor.all}``, ``{rate_floor.<compare id>.pct}``,
``{scale_rate}``. :meth:`Plan.check` checks a plan against the codebook before anything runs.
"""

from __future__ import annotations

import difflib
import os
import re
import string
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from ..errors import PlanError
from .plan_fit import draft_plan, fit_plan

__all__ = ["Benchmark", "Focus", "Measure", "Plan", "Step", "draft_plan", "read_plan"]

SHIPPED = {"standard": "guild_ai_survey/plan.yaml"}
"""Plans that ship with the toolkit, for ``extends:`` (the standard guild questionnaire)."""

_KEYS = {
    "": {"extends", "title", "population", "question", "guild", "wave", "author", "contact",
         "date", "groups", "adjust_for", "thresholds", "indicators", "focus", "benchmarks",
         "options", "compare", "recommendation", "next_steps"},
    "measure": {"variable", "answers", "wording", "below", "above", "headline", "addresses"},
    "focus": {"id", "name", "variable", "answers", "wording", "timing", "linked_to", "pay",
              "platforms", "conditions", "numbers", "drivers"},
    "driver": {"variable", "wording"},
    "number": {"variable", "stat", "unit", "wording"},
    "benchmark": {"value", "unit", "definition", "source"},
    "thresholds": {"min_count", "min_base"},
    "step": {"step", "owner", "due"},
    "pay": {"variable", "benchmark"},
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
class Plan:
    """What a memo reports (see the module docstring for the YAML). ``dropped`` lists, after
    :meth:`check`, the sections the survey did not ask, with the reason."""

    question: str
    groups: dict
    indicators: dict
    title: str = ""
    population: str = "members"
    guild: str = ""
    wave: str = ""
    author: str = ""
    contact: str = ""
    date: str = ""
    adjust_for: tuple = ()
    min_count: int = 10
    min_base: int = 30
    focus: Focus | None = None
    benchmarks: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    compare: tuple = ()
    recommendation: str = ""
    next_steps: tuple = ()
    path: str | None = field(default=None, compare=False)
    dropped: tuple = ()

    def __repr__(self) -> str:
        return (
            f"Plan({self.question!r}: {len(self.indicators)} indicators, "
            f"{len(self.options)} options, focus {self.focus.name if self.focus else None!r}"
            + (f", dropped {len(self.dropped)}" if self.dropped else "")
            + ")"
        )

    @property
    def headline(self) -> Measure:
        """The indicator the memo leads with (``headline: true``, else the first)."""
        marked = [m for m in self.indicators.values() if m.headline]
        return marked[0] if marked else next(iter(self.indicators.values()))

    @property
    def group(self) -> str:
        """The main grouping variable (the first of ``groups``)."""
        return next(iter(self.groups))

    def measures(self) -> dict:
        """Every measure by id: indicators, the focus group, its timing and conditions, options."""
        out = dict(self.indicators)
        if self.focus:
            out[self.focus.measure.id] = self.focus.measure
            out |= self.focus.timing | self.focus.conditions
        return out | self.options

    def to_frame(self) -> pd.DataFrame:
        """One row per measure: ``id``, ``section``, ``variable``, ``counts`` and ``wording``."""
        rows = []
        for section, items in self.sections().items():
            for m in items.values():
                counts = (
                    "positive side"
                    if m.positive
                    else (f"below {m.below}" if m.below is not None else "")
                    or (f"above {m.above}" if m.above is not None else "")
                    or ", ".join(map(str, m.answers))
                )
                rows.append([m.id, section, m.variable, counts, m.wording])
        return pd.DataFrame(rows, columns=["id", "section", "variable", "counts", "wording"])

    def sections(self) -> dict:
        """The measures by section: indicators, focus, timing, conditions, options."""
        focus = self.focus
        return {
            "indicators": self.indicators,
            "focus": {focus.measure.id: focus.measure} if focus else {},
            "timing": focus.timing if focus else {},
            "conditions": focus.conditions if focus else {},
            "options": self.options,
        }

    def check(self, codebook) -> Plan:
        """The plan fitted to a survey's codebook (a :class:`~survey_tools.Codebook`, or a
        cleaned survey's ``codebook`` dict), or one :class:`PlanError` listing every problem.

        Answers given as codes become labels; ``answers: positive`` becomes the labels on the
        positive side of the variable's ordered scale (:func:`~survey_tools.cleaning.scales.
        orient_scale`). A measure whose variable the survey lacks is dropped, and so is the
        whole focus section when its own variable is missing; each drop is listed in
        ``dropped`` for the methodology. The headline indicator and the main group must exist.
        """
        return fit_plan(self, codebook)

    def override(self, *, benchmarks: dict | None = None, **values) -> Plan:
        """The plan with ``guild``, ``wave``, ``min_count``, ``min_base`` and benchmark values
        replaced where given (not None), checked as the plan's own would be."""
        changes = {k: v for k, v in values.items() if v is not None}
        unknown = set(changes) - {"guild", "wave", "min_count", "min_base"}
        if unknown:
            raise PlanError(f"Cannot override {', '.join(sorted(unknown))} of a plan.")
        given = {k: v for k, v in (benchmarks or {}).items() if v is not None}
        missing = set(given) - set(self.benchmarks)
        if missing:
            raise PlanError(
                f"The plan {self.path or ''} has no benchmark {', '.join(sorted(missing))}.",
                hint=f"declare it under benchmarks: in the plan (it has: "
                f"{', '.join(self.benchmarks) or 'none'})",
            )
        marks = {k: replace(b, value=float(given[k])) for k, b in self.benchmarks.items()
                 if k in given}  # fmt: skip
        plan = replace(self, benchmarks=self.benchmarks | marks, **changes)
        problems: list[str] = []
        _cross_check(plan, problems)
        if problems:
            raise PlanError("; ".join(problems), hint="give thresholds of at least 1")
        return plan

    @property
    def below_standard(self) -> bool:
        """True when the thresholds are below the standard 10 and 30: outputs are stamped."""
        return self.min_count < 10 or self.min_base < 30

    def add_measures(self, data: pd.DataFrame) -> pd.DataFrame:
        """``data`` with one boolean column per measure (True, False, or missing when the
        variable is missing): call on a :meth:`check`-ed plan."""
        out = data.copy()
        for m in self.measures().values():
            values = data[m.variable]
            if m.below is not None or m.above is not None:
                bound = self._value(m.below if m.below is not None else m.above)
                numbers = pd.to_numeric(values, errors="coerce")
                hit = numbers < bound if m.below is not None else numbers > bound
            else:
                hit = values.astype(object).isin(m.answers)
            out[m.id] = pd.Series(hit, index=data.index).astype("boolean").mask(values.isna())
        return out

    def _value(self, bound) -> float:
        return float(self.benchmarks[bound].value if bound in self.benchmarks else bound)

    def fill(self, text: str, values: dict) -> str:
        """``text`` with each ``{name}`` replaced by ``values[name]`` (computed figures)."""
        lookup = _Strict(values, self.path)

        def one(match: re.Match) -> str:
            return str(lookup[match.group(1)]) if match.group(1) else match.group(0)[0]

        return re.sub(r"\{\{|\}\}|\{([^{}]+)\}", one, text)

    def names(self) -> set:
        """Every name a text may quote (see the module docstring)."""
        ids = set(self.indicators) | set(self.benchmarks) | {"guild", "wave"}
        if self.focus:
            ids |= {self.focus.measure.id, *self.focus.timing, *self.focus.conditions}
        out = {
            f"{i}{s}" for i in ids - set(self.benchmarks) for s in ("", ".pct", ".interval", ".n")
        }
        out |= set(self.benchmarks) | {f"{b}.value" for b in self.benchmarks}
        if self.focus:
            out |= {f"{k}{s}" for k in self.focus.numbers for s in ("", ".value")}
        for option in self.options:
            for group in ("all", *self.compare):
                out |= {f"{option}.{group}{s}" for s in ("", ".pct", ".interval", ".n")}
        return out | {"guild", "wave"}


class _Strict(dict):
    def __init__(self, values: dict, path):
        super().__init__(values)
        self.path = path

    def __getitem__(self, key):
        return super().__getitem__(key) if key in self else self.__missing__(key)

    def __missing__(self, key):
        raise PlanError(
            f"{self.path or 'The plan'}: the text quotes {{{key}}}, which this survey does not "
            "compute.",
            hint=f"quote one of {', '.join(sorted(self)[:12])} ...",
        )


# --- reading ---------------------------------------------------------------------------------


def _locate(name: str, base: Path | None) -> Path:
    if name in SHIPPED:
        return Path(str(resources.files("survey_tools") / "templates" / SHIPPED[name]))
    path = Path(name)
    return path if path.is_absolute() or base is None else base / path


def _load(path: Path, seen: tuple = ()) -> dict:
    if path in seen:
        raise PlanError(f"{path}: extends itself (through {' -> '.join(map(str, seen))}).")
    if not path.is_file():
        raise PlanError(
            f"Analysis plan {path} not found.",
            hint="give the plan's path, or leave it out to use the standard questionnaire's plan",
        )
    try:
        body = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PlanError(
            f"Cannot read the analysis plan {path}: {exc}".rstrip(".") + ".",
            hint="fix the YAML (UTF-8, two-space indents, quote texts that hold a colon)",
        ) from exc
    if not isinstance(body, dict):
        raise PlanError(f"{path} holds no plan mapping.", hint="start with question: ...")
    parent = body.pop("extends", None)
    if parent is None:
        return body
    return _load(_locate(str(parent), path.parent), (*seen, path)) | body


def read_plan(path: str | os.PathLike | None = None) -> Plan:
    """Read and validate an analysis plan (default: the standard questionnaire's plan).

    Every key, type and cross-reference inside the plan is checked; all problems are reported
    together in one :class:`PlanError` naming the file, the key and the fix. Fitting the plan
    to a survey's variables is :meth:`Plan.check`.
    """
    source = _locate("standard", None) if path is None else Path(path)
    body = _load(source)
    problems: list[str] = []
    plan = _build(body, str(source), problems)
    if problems:
        raise PlanError(
            f"The analysis plan {source} has {len(problems)} problem(s): " + "; ".join(problems),
            hint="correct those keys (see help(survey_tools.report.plan))",
        )
    return plan


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


def _build(body: dict, path: str, problems: list) -> Plan:
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
    plan = Plan(
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
        path=path,
    )
    _cross_check(plan, problems)
    return plan


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
            k: _text(spec.get(k, defaults.get(k)), f"{where}.{k}", problems) for k in _KEYS[kind]
        }
        out[str(key)]["wording"] = out[str(key)]["wording"] or str(key)
        if not out[str(key)]["variable"]:
            problems.append(f"{where}.variable: missing")
    return out


def _cross_check(plan: Plan, problems: list) -> None:
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
