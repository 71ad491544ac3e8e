"""Fitting an analysis plan to a survey's codebook, and drafting a plan from a codebook.

:func:`fit_plan` is :meth:`~survey_tools.report.plan.Plan.check`: answers given as codes become
labels, ``answers: positive`` becomes the positive side of the variable's ordered scale, and a
measure whose question the survey did not ask is dropped (and listed). :func:`draft_plan` writes
a first plan for the analyst to edit (``survey-tools plan draft``).
"""

from __future__ import annotations

import difflib
import re
import string
from dataclasses import replace

import yaml

from ..cleaning.scales import nonsubstantive, orient_scale, polarity
from ..errors import PlanError

__all__ = ["codebook_variables", "draft_plan", "fit_plan"]


def codebook_variables(codebook) -> dict:
    """``{name: {"type", "codes", "scale", "label", "options"}}`` from a Codebook or its dict,
    with the roll's columns as variables of unknown answers and each checklist option as a
    variable of its own (type ``option``, True when chosen; ``question`` names the checklist)."""
    if hasattr(codebook, "variables") and not isinstance(codebook, dict):
        out = {
            name: {"type": v.type, "codes": dict(v.codes), "scale": dict(v.scale),
                   "label": v.label,
                   "options": {k: {"label": label} for k, (_, label) in v.options.items()}}
            for name, v in codebook.variables.items()
        }  # fmt: skip
        roll = codebook.roll or {}
    else:
        out = {name: dict(spec) for name, spec in (codebook.get("variables") or {}).items()}
        roll = codebook.get("roll") or {}
    for name in roll.get("columns") or {}:
        out.setdefault(name, {"type": "roll", "codes": {}})
    checklists = {name: spec for name, spec in out.items() if spec.get("type") == "multi"}
    for name, spec in checklists.items():  # each option: chosen (True) or not (False)
        for key, option in (spec.get("options") or {}).items():
            label = (option or {}).get("label") or key
            out.setdefault(key, {"type": "option", "codes": {}, "question": name, "label": label})
    return out


def _scale(m, spec: dict):
    return orient_scale(m.variable, spec["codes"], spec.get("scale") or None)


def _labels(m, spec: dict, where: str, problems: list) -> tuple:
    codes = {str(k): str(v) for k, v in (spec.get("codes") or {}).items()}
    if m.positive:
        if not codes:
            problems.append(f"{where}: {m.variable} has no ordered answers for 'positive'")
            return ()
        try:
            return _scale(m, spec).positive
        except Exception as exc:  # CodebookError: the scale cannot be oriented
            problems.append(f"{where}: {exc}")
            return ()
    if not codes or m.below is not None or m.above is not None:
        return m.answers
    labels = []
    for answer in m.answers:
        if str(answer) in codes:
            labels.append(codes[str(answer)])
        elif str(answer) in codes.values():
            labels.append(str(answer))
        else:
            problems.append(
                f"{where}: {answer!r} is not an answer of {m.variable} (its answers: "
                f"{', '.join(f'{k} {v}' for k, v in codes.items())})"
            )
    return tuple(labels)


def fit_plan(plan, codebook):
    """The plan fitted to a codebook (see :meth:`Plan.check`), or one :class:`PlanError`."""
    return _check(plan, codebook_variables(codebook))


def _check(plan, variables: dict):
    problems: list[str] = []
    dropped: list[str] = []
    where_of = {}
    for section, items in plan.sections().items():
        for ident in items:
            where_of[ident] = f"{section}.{ident}" if section != "focus" else "focus"

    def fit(m):
        where = where_of[m.id]
        if m.id in variables:
            problems.append(f"{where}: id {m.id!r} is also a codebook variable; rename the id")
        spec = variables.get(m.variable)
        if spec is None:
            if m is plan.headline:
                near = difflib.get_close_matches(m.variable, variables, n=1)
                problems.append(
                    f"{where}: the headline variable {m.variable!r} is not in the codebook"
                    + (f" (did you mean {near[0]}?)" if near else "")
                )
            else:
                dropped.append(f"{m.wording} ({m.variable} was not asked)")
            return None
        answers = _labels(m, spec, where, problems)
        scale = _scale(m, spec) if m.positive and answers else None
        return replace(m, answers=answers, scale=scale)

    indicators = {k: m for k, m in ((k, fit(m)) for k, m in plan.indicators.items()) if m}
    focus = plan.focus
    if focus is not None:
        own = fit(focus.measure)
        if own is None:
            focus = None
        else:
            conditions = {k: m for k, m in ((k, fit(m)) for k, m in focus.conditions.items()) if m}
            timing = {k: m for k, m in ((k, fit(m)) for k, m in focus.timing.items()) if m}
            pay = focus.pay if focus.pay.get("variable") in variables else {}
            if focus.pay and not pay:
                dropped.append(f"pay ({focus.pay.get('variable')} was not asked)")
            drivers = {k: v for k, v in focus.drivers.items() if v["variable"] in variables}
            dropped += [
                f"{v['wording']} ({v['variable']} was not asked)"
                for k, v in focus.drivers.items()
                if k not in drivers
            ]
            numbers = {k: v for k, v in focus.numbers.items() if v["variable"] in variables}
            dropped += [
                f"{v['wording']} ({v['variable']} was not asked)"
                for k, v in focus.numbers.items()
                if k not in numbers
            ]
            platforms = focus.platforms if focus.platforms in variables else None
            if focus.platforms and platforms is None:
                dropped.append(f"platforms ({focus.platforms} was not asked)")
            linked = focus.linked_to if focus.linked_to in indicators else None
            focus = replace(focus, measure=own, conditions=conditions, timing=timing, pay=pay,
                            platforms=platforms, linked_to=linked, numbers=numbers,
                            drivers=drivers)  # fmt: skip
    options = {k: m for k, m in ((k, fit(m)) for k, m in plan.options.items()) if m}
    for i, group in enumerate(plan.groups):
        if group not in variables:
            if i == 0:
                problems.append(f"groups: the main group {group!r} is neither a codebook "
                                "variable nor a roll column")  # fmt: skip
            else:
                dropped.append(f"comparison by {plan.groups[group]} ({group} was not asked)")
    groups = {g: w for g, w in plan.groups.items() if g in variables}
    adjust = tuple(v for v in plan.adjust_for if v in variables)
    kept = set(indicators) | ({focus.measure.id} if focus else set())
    fitted = replace(
        plan,
        indicators=indicators,
        focus=focus,
        options=options,
        groups=groups,
        adjust_for=adjust,
        compare=tuple(c for c in plan.compare if c in kept),
        dropped=tuple(dropped),
    )
    names = fitted.names()
    for where, text in [("recommendation", plan.recommendation)] + [
        (f"next_steps[{i}]", s.step) for i, s in enumerate(plan.next_steps)
    ]:
        for _, name, _, _ in string.Formatter().parse(text):
            if name and name not in names:
                problems.append(
                    f"{where} quotes {{{name}}}, which this survey cannot compute (its "
                    "question was not asked): edit the text"
                )
    if problems:
        raise PlanError(
            f"The analysis plan {plan.path or ''} does not fit the codebook: "
            + "; ".join(problems),
            hint="map the plan's variables in the codebook (name each entry after the plan's "
            "variable, with source: naming your export's column) or edit the plan",
        )
    return fitted


#: columns survey platforms add to every export (status, channel, language, form status...):
#: no question of the survey, so never drafted as an indicator or a group
PLATFORM_COLUMNS = re.compile(
    r"(?:status|finished|progress|distributionchannel|userlanguage|recipient\w*|"
    r"externalreference|externaldatareference|location\w*|ipaddress|responseid|"
    r"collector_?id|respondent_?id|redcap_\w+|\w+_complete|\w+_timestamp)",
    re.IGNORECASE,
)


def _counted(codes: dict) -> str:
    """The answer a drafted indicator counts: the first on the positive side by the answer
    scales' own reading (:func:`~survey_tools.cleaning.scales.polarity`: "Yes", "True"...),
    else the first substantive answer (never "Don't know", "Prefer not to say"...)."""
    labels = [str(v) for v in codes.values()]
    positive = [v for v in labels if polarity(v) == 1]
    real = [v for v in labels if not nonsubstantive(v)]
    return (positive or real or labels)[0]


def _item_wordings(options: dict, labels: dict) -> dict:
    """Each option's wording: its grid item ("Han Solo") where several options share the
    question's stem ("Please state whether you view ... - Han Solo"), else the label."""
    stems = {}
    for key, label in labels.items():
        stem, sep, item = label.rpartition(" - ")
        if sep and item.strip():
            stems.setdefault(stem, []).append(key)
    out = dict(labels)
    for keys in stems.values():
        if len(keys) > 1:
            out |= {k: labels[k].rpartition(" - ")[2].strip() for k in keys}
    return {key: {**spec, "wording": out[key]} for key, spec in options.items()}


def draft_plan(codebook, *, question: str = "What should the guild do?") -> str:
    """A first analysis plan (YAML text) drawn from a codebook, for the analyst to edit.

    Single-choice questions become indicators (counting their first positive answer, else
    their first substantive one: edit ``answers``), and so does each option of a checklist
    (counting those who chose it among those asked), ordered agree/disagree-type items become
    options (their positive side counts; a grid's items are worded by item), the first
    categorical variables that look like a group (role, craft, age...) become the groups. The
    platform's own columns (status, channel, language, REDCap form status) are left out.
    """
    variables = codebook_variables(codebook)
    groups, indicators, options, labels = {}, {}, {}, {}
    for name, spec in variables.items():
        codes = spec.get("codes") or {}
        if PLATFORM_COLUMNS.fullmatch(name):
            continue
        if spec.get("type") == "roll" or (
            re.search(r"role|craft|occupation|age|region|gender|sex|class", name) and codes
        ):
            groups.setdefault(name, name.replace("_", " "))
            continue
        if spec.get("type") == "option":  # "chose Mercor at 'Through which platforms?'"
            asked = variables[spec["question"]].get("label") or spec["question"]
            indicators[f"{name}_share"] = {
                "variable": name,
                "answers": [True],
                "wording": f"chose \u201c{spec.get('label') or name}\u201d at \u201c{asked}\u201d",
            }
            continue
        if spec.get("type") not in ("single", "likert") or not codes:
            continue
        try:
            if len(codes) < 4:  # yes/no and short choices: indicators, not agreement scales
                raise ValueError(name)
            orient_scale(name, codes, spec.get("scale") or None)
            options[f"{name}_support"] = {"variable": name}
            labels[f"{name}_support"] = str(spec.get("label") or name)
        except Exception:  # not an orientable scale: a yes/no or multiple-choice indicator
            answer, label = _counted(codes), spec.get("label") or name
            indicators[f"{name}_share"] = {  # "78.9% of members answered ... to ..."
                "variable": name,
                "answers": [answer],
                "wording": f"answered \u201c{answer}\u201d to \u201c{label}\u201d",
            }
    options = _item_wordings(options, labels)
    if indicators:
        next(iter(indicators.values()))["headline"] = True
    body = {
        "question": question,
        "guild": "",
        "wave": "",
        "author": "",
        "contact": "",
        "groups": dict(list(groups.items())[:2]) or {"EDIT_ME": "group"},
        "thresholds": {"min_count": 10, "min_base": 30},
        "indicators": indicators,
        "options": options,
        "recommendation": "",
        "next_steps": [],
    }
    head = (
        "# survey_tools analysis plan, drafted from the codebook: edit it (see\n"
        "# help(survey_tools.report.plan)). Indicators count one answer (the first positive\n"
        "# one, else the first substantive one; a checklist option: chosen, true): edit answers\n"
        "# and wording; options count the positive side of their scale. Quote computed values\n"
        "# as {id.pct}.\n"
    )
    return head + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)
