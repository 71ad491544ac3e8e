"""The demo survey's codebook, built from the questionnaire so the two cannot drift apart.

It maps both the SPSS export (canonical names, numeric codes) and the Qualtrics export (tags
``Q14``, labels as values) onto one canonical schema, takes the weighting variables from the
roll (role group, region, age band, class: partial completes never reached the demographics),
and names the quality checks planted in the data. ``data/codebooks/guild_ai_survey_2026.yaml``
is this codebook as YAML; a test keeps the committed file current.
"""

from __future__ import annotations

from ..cleaning.codebook import Codebook, Quality, Variable
from ._questionnaire import DONT_KNOW, ITEMS, PREFER_NOT, ROLES, Item
from ._writers import ORDINAL, qualtrics_column

__all__ = ["DEMO_CODEBOOK", "demo_codebook"]

DEMO_CODEBOOK = "guild_ai_survey_2026.yaml"
ROLL_COLUMNS = {
    "role_group": "role_group",
    "region": "region",
    "age_band": "age_band",
    "member_status": "member_class",
}
PAID = {"rlhf_status": [1, 2]}
ROUTING = {
    "ai_lost_jobs_n": {"ai_lost_work": [1]},
    "ai_lost_usd": {"ai_lost_work": [1]},
}


def _name(item: Item) -> str:
    """Canonical name: self-reported versions of the roll's variables get ``_reported``."""
    return f"{item.name}_reported" if item.name in ROLL_COLUMNS else item.name


def _sources(item: Item, col: str) -> tuple[str, str]:
    return col, qualtrics_column(item, col)[0]


def _routing(item: Item) -> dict:
    if item.page == 4 and item.name != "rlhf_status":
        return PAID
    return ROUTING.get(item.name, {})


def _variable(item: Item) -> list[Variable]:
    name = _name(item)
    if item.kind == "multi":
        options = {col: (_sources(item, col), label) for col, label in item.options}
        out = [Variable(name, "multi", label=item.text, options=options, asked_if=_routing(item))]
    elif item.kind == "text" and item.name == "rlhf_pay":
        out = [
            Variable(
                "rlhf_pay_usd_hr",
                "numeric",
                source=_sources(item, item.name),
                label="Typical hourly pay, most recent project (USD per hour, parsed from text)",
                parse="pay",
                valid=(0, 500),
                asked_if=PAID,
            )
        ]
    elif item.kind == "text":
        out = [Variable(name, "text", source=_sources(item, item.name), label=item.text)]
    elif item.kind == "numeric":
        missing = {c: lab for c, lab in item.codes.items() if c in (DONT_KNOW, PREFER_NOT)}
        out = [
            Variable(
                name,
                "numeric",
                source=_sources(item, item.name),
                label=item.text,
                missing=missing,
                valid=item.valid,
                asked_if=_routing(item),
            )
        ]
    else:
        ordered = item.kind == "likert" or item.name in ORDINAL
        # "Don't know" is an answer on a nominal question, but no point on an ordered scale.
        special = (PREFER_NOT, DONT_KNOW) if ordered else (PREFER_NOT,)
        out = [
            Variable(
                name,
                item.kind,
                source=_sources(item, item.name),
                label=item.text,
                codes={c: lab for c, lab in item.codes.items() if c not in special},
                missing={c: lab for c, lab in item.codes.items() if c in special},
                asked_if=_routing(item),
                ordered=ordered,
            )
        ]
    if item.other:
        out.append(
            Variable(
                item.other,
                "text",
                source=_sources(item, item.other),
                label=f"{item.text} - Other (please specify)",
                asked_if={} if item.kind == "multi" else {name: [97]},
            )
        )
    return out


def demo_codebook() -> Codebook:
    """The codebook of the demo survey (both its SPSS and its Qualtrics export)."""
    variables = [
        Variable("resp_id", "id", source=("resp_id", "ResponseId"), label="Response ID"),
        Variable(
            "member_id",
            "identifier",
            source=("member_id", "ExternalReference"),
            label="Member ID (roll): links the roll, then dropped",
        ),
        Variable("start_ts", "date", source=("start_ts", "StartDate"), label="Start time"),
        Variable(
            "duration_sec",
            "numeric",
            source=("duration_sec", "Duration (in seconds)"),
            label="Duration (seconds)",
        ),
    ]
    for item in ITEMS:
        variables.extend(_variable(item))
    groups: dict[str, list[int]] = {}
    for code, (_, group) in ROLES.items():
        groups.setdefault(group, []).append(code)
    variables.append(
        Variable(
            "role_group_reported",
            "single",
            label="Role group of the main craft reported in the survey",
            derive="role_primary",
            recode=groups,
        )
    )
    grid = [it.name for it in ITEMS if it.grid == "att"]
    return Codebook(
        survey="guild_ai_survey_2026",
        id="resp_id",
        variables={v.name: v for v in variables},
        roll={"key": "member_id", "roll_key": "member_id", "columns": dict(ROLL_COLUMNS)},
        quality=Quality(
            duplicate_key="member_id",
            duration="duration_sec",
            start="start_ts",
            consent={"consent": [1]},
            attention={"attn_check": [2]},
            grids={"attitudes": grid},
            rules=("rlhf_cancelled_n <= rlhf_projects_n",),
        ),
    )
