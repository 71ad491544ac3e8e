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
    comments:                         # the open comment: themes by group, approved quotes
      variable: open_comment
      themes: standard                # or a theme codebook's path, beside the plan
      reached: followup_ok            # answered after the comment box: the member saw it
      approved_quotes:                # only these exact texts may appear in the memo
        - {theme: rates, quote: "The rates keep dropping.", approved_by: A. Analyst}
    reminders: [2027-09-15, 2027-09-22] # when reminders went out: early against late answers

Texts may quote computed values by name in braces, never typed numbers: ``{lost_work}`` (share,
interval and base), ``{lost_work.pct}``, ``{rate_floor.all}``, ``{rate_floor.<compare id>.pct}``,
``{scale_rate}``. :meth:`Plan.check` checks a plan against the codebook before anything runs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from ..errors import PlanError
from .plan_check import (
    ApprovedQuote,
    Benchmark,
    Comments,
    Focus,
    Measure,
    Step,
    build_fields,
    cross_check,
)
from .plan_fit import draft_plan, fit_plan

__all__ = [
    "ApprovedQuote",
    "Benchmark",
    "Comments",
    "Focus",
    "Measure",
    "Plan",
    "Step",
    "draft_plan",
    "read_plan",
]

SHIPPED = {"standard": "guild_ai_survey/plan.yaml"}
"""Plans that ship with the toolkit, for ``extends:`` (the standard guild questionnaire)."""


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
    comments: Comments | None = None
    reminders: tuple = ()
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
        cross_check(plan, problems)
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
    plan = Plan(**build_fields(body, str(source), problems))
    cross_check(plan, problems)
    if problems:
        raise PlanError(
            f"The analysis plan {source} has {len(problems)} problem(s): " + "; ".join(problems),
            hint="correct those keys (see help(survey_tools.report.plan))",
        )
    return plan
