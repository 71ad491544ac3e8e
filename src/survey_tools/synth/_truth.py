"""``truth.json``: the population values and true model coefficients later stages should recover.

Population values are finite-population quantities over every member on the roll (not over
respondents), computed from the members' true answers before any dirt is added.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _fieldwork as fw
from . import _population as pop
from ._questionnaire import AGE_BANDS, ITEMS, PREFER_NOT, ROLES

REFERENCE_AGE = 3  # 35-44


def _share(mask: pd.Series, by: pd.DataFrame | None = None, keys=()) -> dict:
    out = {"overall": float(mask.mean())}
    for key in keys:
        out[f"by_{key}"] = {
            str(k): float(v) for k, v in mask.groupby(by[key], observed=True).mean().items()
        }
    return out


def population_truth(frame: pd.DataFrame) -> dict:
    """Finite-population values from :func:`population_frame` output."""
    paid = frame["rlhf_status"].isin([1, 2])
    among = frame[paid]
    truth = {
        "ai_lost_work_yes": _share(
            frame["ai_lost_work"] == 1, frame, ("role", "role_group", "age_band")
        ),
        "rlhf_ever_paid": _share(paid, frame, ("role_group",)),
        "rlhf_paid_past_3_months": _share(frame["rlhf_status"] == 1, frame, ("role_group",)),
        "among_rlhf_ever_paid": {
            "members": int(paid.sum()),
            "pay_usd_hr_mean": float(among["true_pay"].mean()),
            "pay_usd_hr_median": float(among["true_pay"].median()),
            "paid_hours_wk_mean": float(among["true_hours"].mean()),
            "any_cancelled_abruptly": float((among["rlhf_cancelled_n"] >= 1).mean()),
            "nda_all_projects": float((among["rlhf_nda"] == 1).mean()),
            "rate_cut": float((among["rlhf_pay_change"] == 3).mean()),
        },
        "agree_share": {},
    }
    for item in ITEMS:
        if item.kind == "likert" and item.name in frame and item.name != "attn_check":
            answered = frame.loc[frame[item.name] != PREFER_NOT, item.name].dropna()
            answered = answered[answered > 0]
            truth["agree_share"][item.name] = float(answered.isin([4, 5]).mean())
    return truth


def model_truth() -> dict:
    """The true models of the generator, on the logit scale."""
    ages = {AGE_BANDS[k]: v for k, v in pop.LOST_WORK_AGE.items()}
    return {
        "ai_lost_work": {
            "family": "binomial",
            "outcome": "ai_lost_work == 'Yes'",
            "formula": "logit P = role_logit[role] + age_effect[age_band]"
            " + interaction[role_group][age_band] (0 where not listed)",
            "reference_age_band": AGE_BANDS[REFERENCE_AGE],
            "role_logit": {ROLES[r][0]: pop.logit(p) for r, p in pop.LOST_WORK_P.items()},
            "role_probability_at_reference_age": {
                ROLES[r][0]: p for r, p in pop.LOST_WORK_P.items()
            },
            "age_effect": ages,
            "interaction": {
                g: {AGE_BANDS[a]: v for a, v in t.items()}
                for g, t in pop.LOST_WORK_INTERACTION.items()
            },
        },
        "rlhf_ever_paid": {
            "family": "binomial",
            "outcome": "rlhf_status in (1, 2): paid, in or before the past 3 months",
            "formula": "logit P = group_logit[role_group]"
            " + months_slope * (months_no_craft_work - 6)"
            " + age_effect[age_band]",
            "group_logit": {g: pop.logit(p) for g, p in pop.RLHF_P.items()},
            "months_slope": pop.RLHF_MONTHS,
            "age_effect": {AGE_BANDS[k]: v for k, v in pop.RLHF_AGE.items()},
        },
        "response_propensity": {
            "family": "binomial",
            "formula": "logit P(start) = base + group + age_band + region + member_class"
            " + interaction (see nonresponse.response_model)",
            "base": fw.RESP_BASE,
            "role_group": fw.RESP_GROUP,
            "age_band": {AGE_BANDS[k]: v for k, v in fw.RESP_AGE.items()},
            "region_code": {str(k): v for k, v in fw.RESP_REGION.items()},
            "member_class_code": {str(k): v for k, v in fw.RESP_CLASS.items()},
            "bounce_rate": fw.BOUNCE_RATE,
        },
    }


def nonresponse_truth(roll: pd.DataFrame, answers: pd.DataFrame, waves: dict) -> dict:
    """The true response model with its cross-class, the true propensities' indicators, and the
    population values the cross-class biases (after raking to one-way margins)."""
    p = fw.response_propensity(roll)
    group = pd.Categorical(roll["role_group"])
    age = roll["age_band"].map(AGE_BANDS)
    cell = pd.DataFrame({"role_group": roll["role_group"], "age_band": age, "p": p})
    by_cell = cell.groupby(["role_group", "age_band"], observed=True)["p"].mean()
    lost = pd.Series(answers["ai_lost_work"].to_numpy() == 1)
    young = roll["age_band"].isin([1, 2]).to_numpy()
    hit = set(pop.LOST_WORK_INTERACTION) | set(fw.RESP_INTERACTION)
    performers = np.asarray(group.isin(sorted(hit)))
    s = float(p.std())  # divisor N: the roll is the population
    return {
        "note": "Response depends on role_group x age_band beyond the roll's one-way margins, "
        "and so does losing work to AI: raking to the margins leaves a bias that a propensity "
        "model with the interaction, fitted on the roll, removes. Propensities are P(in the "
        "export) = (1 - bounce_rate) * expit(logit P(start)).",
        "response_model": {
            "formula": "logit P(start) = base + role_group + age_band + region_code"
            " + member_class_code + interaction[role_group][age_band]",
            "interaction": {
                g: {AGE_BANDS[a]: v for a, v in t.items()} for g, t in fw.RESP_INTERACTION.items()
            },
            "see": "models.response_propensity for the main effects",
        },
        "outcome_interaction": {
            "ai_lost_work": {
                g: {AGE_BANDS[a]: v for a, v in t.items()}
                for g, t in pop.LOST_WORK_INTERACTION.items()
            }
        },
        "propensity": {
            "mean": float(p.mean()),
            "sd": s,
            "r_indicator": 1 - 2 * s,
            "cv": s / float(p.mean()),
            "by_role_group_age_band": {f"{g}:{a}": float(v) for (g, a), v in by_cell.items()},
        },
        "population": {
            "ai_lost_work_yes": float(lost.mean()),
            "ai_lost_work_yes_young_performers": float(lost[young & performers].mean()),
            "ai_lost_work_yes_rest": float(lost[~(young & performers)].mean()),
            "young_performers_share": float((young & performers).mean()),
            "young_performers": {
                "role_group": sorted(hit),
                "age_band": [AGE_BANDS[1], AGE_BANDS[2]],
            },
        },
        "reminders": [str(t) for t in fw.REMINDERS],
        "respondents_by_wave": waves,
    }


def fieldwork_truth(dispositions: pd.DataFrame, rows: int) -> dict:
    counts = dispositions.groupby("aapor_group")["count"].sum()
    invited = int(dispositions["count"].sum())
    return {
        "invited": invited,
        "field_open": str(fw.FIELD_OPEN),
        "field_close": str(fw.FIELD_CLOSE),
        "time_zone": fw.TIME_ZONE,
        "dispositions": dict(zip(dispositions["code"], dispositions["count"].astype(int).tolist())),
        "rr1": float(counts.get("I", 0) / invited),
        "rr2": float((counts.get("I", 0) + counts.get("P", 0)) / invited),
        "export_rows": rows,
    }


def margins_truth(margins: pd.DataFrame) -> dict:
    return {
        m: dict(zip(g["level"], g["members"].astype(int).tolist()))
        for m, g in margins.groupby("margin", sort=False)
    }


__all__ = [
    "fieldwork_truth",
    "margins_truth",
    "model_truth",
    "nonresponse_truth",
    "population_truth",
]
