"""The demo's second wave, a year later: roll churn, returning respondents, a planted change.

Enters: the first wave's roll, true answers and fieldwork (from ``generate_demo``) and the
random generator. Leaves: the 2027 roll (members who lapsed are gone, new members joined), every
member's 2027 answers, the 2027 fieldwork and export, and the truth of the change.

- Churn: ``LAPSE`` of the 2026 members leave; ``JOIN`` times as many new members join.
- Returning respondents: members who answered in 2026 and are still on the roll start the
  2027 survey with probability about ``RETURN`` (about 40% of the 2026 respondents answer again);
  everyone else responds as in 2026 (role group, age band, region, class).
- Persistence: a continuing member keeps their 2026 answers on lost work to AI and on
  AI-training work with probability ``PERSIST``, so the two waves' answers are correlated and
  the covariance of linked members matters.
- The planted change: members who had not lost work to AI (had never been paid for AI-training
  work) now have, with a probability by role group (``LOST_RISE``, ``TRAINING_RISE``).
- The export changes as real ones do: ``rlhf_status`` is exported as ``ai_training_status``
  (the same question renamed) and ``att_comfort_rlhf`` is asked on a four-point scale without
  the neutral answer.

``truth.json`` gets a ``waves`` key: the files, churn counts, the linked member IDs, the true
finite-population shares in each wave (over each wave's roll) and their differences.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from ._comments import latent_comments
from ._fieldwork import FIELD_CLOSE, run_fieldwork
from ._population import make_roll, population_frame, true_answers
from ._questionnaire import ITEMS, ROLE_GROUPS

__all__ = ["WAVE2", "WAVE2_FILES", "SecondWave", "second_wave", "wave_truth", "write_wave2_sav"]

WAVE2 = "2027"
WAVE2_FILES = {
    "spss": "guild_ai_survey_2027.sav",
    "roll": "roll_2027.csv",
    "margins": "roll_margins_2027.csv",
    "dispositions": "dispositions_2027.csv",
}
LAPSE = 0.07
JOIN = 0.09
RETURN_COLUMNS = {"role_group": "Voice & audio performers", "age_band": 6, "region": 1}
"""The fieldwork's most responsive profile: a returning respondent starts with about 42%."""
PERSIST = 0.7
LOST_RISE = {
    "Screen & TV writers": 0.06,
    "Animation & games writers": 0.05,
    "News & broadcast": 0.02,
    "On-camera performers": 0.03,
    "Voice & audio performers": 0.12,
    "Animation & VFX artists": 0.07,
    "Editors & post-production": 0.02,
    "Sound & music": 0.03,
    "Other crafts": 0.01,
}
TRAINING_RISE = {
    "Screen & TV writers": 0.09,
    "Animation & games writers": 0.07,
    "News & broadcast": 0.04,
    "On-camera performers": 0.02,
    "Voice & audio performers": 0.06,
    "Animation & VFX artists": 0.03,
    "Editors & post-production": 0.02,
    "Sound & music": 0.02,
    "Other crafts": 0.01,
}
RENAMED = {"rlhf_status": "ai_training_status"}
NEW_SCALE = {  # att_comfort_rlhf: five points -> four (the neutral answer is gone)
    "variable": "att_comfort_rlhf",
    "codes": {
        1: "Strongly disagree",
        2: "Somewhat disagree",
        3: "Somewhat agree",
        4: "Strongly agree",
    },
}


def _block(first: str, last: str) -> list[str]:
    """Export columns of the questionnaire's items from ``first`` to ``last``."""
    names = [it.name for it in ITEMS]
    chosen = ITEMS[names.index(first) : names.index(last) + 1]
    return [c for it in chosen for c in it.columns]


LOST_BLOCK = ["ai_lost_work", "ai_lost_jobs_n", "ai_lost_usd"]
TRAINING_BLOCK = [*_block("rlhf_status", "rlhf_income_share"), "true_pay", "true_hours"]


@dataclass(frozen=True)
class SecondWave:
    roll: pd.DataFrame
    answers: pd.DataFrame
    field: object
    lapsed: int
    joined: int
    returning_ids: tuple  # 2026 respondents still on the roll


def _new_members(rng: np.random.Generator, n: int, taken: set) -> pd.DataFrame:
    new = make_roll(rng, n)
    ids = []
    for mid in new["member_id"]:
        while mid in taken:
            mid = f"M-{int(rng.integers(100_000, 1_000_000)):06d}"
        taken.add(mid)
        ids.append(mid)
    return new.assign(member_id=ids)


def _copy_rows(target: pd.DataFrame, rows: np.ndarray, source: pd.DataFrame, src_rows, cols):
    for col in cols:
        values = source[col].to_numpy()[src_rows]
        if target[col].dtype != values.dtype:
            target[col] = target[col].astype(object)
        target.loc[rows, col] = values


def _rise(answers, group, hit_now, donors_mask, rise, cols, rng):
    """Members without the answer take it (with a donor's whole block) with prob. rise[group]."""
    p = pd.Series(group).map(rise).fillna(0.0).to_numpy()
    flip = np.flatnonzero(~hit_now & (rng.random(len(group)) < p))
    donors = np.flatnonzero(donors_mask)
    _copy_rows(answers, flip, answers.copy(), rng.choice(donors, len(flip)), cols)


def second_wave(
    roll: pd.DataFrame, answers: pd.DataFrame, field, rng: np.random.Generator
) -> SecondWave:
    """The 2027 roll, answers and fieldwork (see the module docstring)."""
    lapsed = rng.random(len(roll)) < LAPSE
    staying = roll[~lapsed]
    new = _new_members(rng, round(JOIN * len(roll)), set(roll["member_id"]))
    roll2 = pd.concat([staying, new], ignore_index=True)
    answers2 = true_answers(roll2, rng)
    # Continuing members keep their 2026 answers on the two planted topics, mostly.
    old_row = pd.Series(np.arange(len(roll)), index=roll["member_id"])
    cont = np.flatnonzero(roll2["member_id"].isin(staying["member_id"]).to_numpy())
    keep = cont[rng.random(len(cont)) < PERSIST]
    src = old_row[roll2["member_id"].to_numpy()[keep]].to_numpy()
    _copy_rows(answers2, keep, answers, src, LOST_BLOCK + TRAINING_BLOCK)
    group = roll2["role_group"].to_numpy()
    lost = answers2["ai_lost_work"].to_numpy() == 1
    _rise(answers2, group, lost, lost, LOST_RISE, LOST_BLOCK, rng)
    paid = answers2["rlhf_status"].isin([1, 2]).to_numpy()
    _rise(answers2, group, paid, paid, TRAINING_RISE, TRAINING_BLOCK, rng)
    # Returning respondents: the fieldwork sees them with its most responsive profile.
    answered = set(field.responses["member_id"].dropna())
    returning = roll2["member_id"].isin(answered).to_numpy()
    seen_by_fieldwork = roll2.copy()
    for col, value in RETURN_COLUMNS.items():
        seen_by_fieldwork.loc[returning, col] = value
    seen_by_fieldwork.loc[returning, "member_class"] = 1
    comment_rng = rng.spawn(1)[0]
    latent = latent_comments(seen_by_fieldwork, answers2, comment_rng)
    field2 = run_fieldwork(seen_by_fieldwork, answers2, rng, latent, comment_rng)
    # The fieldwork copied only names and IDs from the roll it saw; the answers are the truth.
    return SecondWave(
        roll2,
        answers2,
        field2,
        int(lapsed.sum()),
        len(new),
        tuple(sorted(roll2["member_id"][returning])),
    )


def four_point(values: pd.Series, rng: np.random.Generator) -> pd.Series:
    """Five-point agreement asked on four points: the neutral answer splits to either side."""
    v = values.to_numpy(dtype=float, na_value=np.nan)
    side = np.where(rng.random(len(v)) < 0.5, 2.0, 3.0)
    out = np.select([v == 3, v == 4, v == 5], [side, 3.0, 4.0], v)
    return pd.Series(out, index=values.index)


def export_rows(responses: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The 2027 export's rows: a year later, the changed scale (still under the 2026 names)."""
    rows = responses.copy()
    for col in ("start_ts", "end_ts"):
        rows[col] = rows[col] + pd.DateOffset(years=1)
    rows[NEW_SCALE["variable"]] = four_point(rows[NEW_SCALE["variable"]], rng)
    return rows


def write_wave2_sav(rows: pd.DataFrame, path: Path, write_sav) -> None:
    """The 2027 SPSS file: written as 2026's, then renamed and relabelled as the platform did."""
    tmp = path.with_suffix(".tmp.sav")
    write_sav(rows, tmp)
    data, meta = pyreadstat.read_sav(tmp, user_missing=True)
    tmp.unlink()
    labels = dict(zip(meta.column_names, meta.column_labels))
    values = dict(meta.variable_value_labels)
    scale = NEW_SCALE["variable"]
    values[scale] = {
        **{float(k): v for k, v in NEW_SCALE["codes"].items()},
        **{k: v for k, v in values.get(scale, {}).items() if k >= 90},
    }
    renamed = {old: new for old, new in RENAMED.items()}
    data = data.rename(columns=renamed)
    labels = {renamed.get(k, k): v for k, v in labels.items()}
    values = {renamed.get(k, k): v for k, v in values.items()}
    missing = {renamed.get(k, k): v for k, v in meta.missing_ranges.items()}
    measure = {renamed.get(k, k): v for k, v in meta.variable_measure.items()}
    pyreadstat.write_sav(
        data,
        path,
        file_label="Guild member survey on AI, 2027 (synthetic demo)",
        note=meta.notes,
        column_labels=labels,
        variable_value_labels=values,
        missing_ranges=missing,
        variable_measure=measure,
        row_compress=True,
    )
    stamp = (FIELD_CLOSE + pd.DateOffset(years=1)).strftime("%d %b %y%H:%M:%S").encode("ascii")
    with open(path, "r+b") as fh:
        fh.seek(92)
        fh.write(stamp)


def _shares(frame: pd.DataFrame) -> dict:
    out = {}
    masks = {
        "ai_lost_work_yes": frame["ai_lost_work"] == 1,
        "rlhf_paid_ever": frame["rlhf_status"].isin([1, 2]),
    }
    for key, mask in masks.items():
        by = mask.groupby(frame["role_group"], observed=True).mean()
        out[key] = {"overall": float(mask.mean())} | {
            "by_role_group": {str(k): float(v) for k, v in by.items()}
        }
    return out


def wave_truth(roll, answers, wave2: SecondWave, first_ids) -> dict:
    """The ``waves`` entry of truth.json: files, churn, linked IDs, true shares and changes."""
    a = _shares(population_frame(roll, answers))
    b = _shares(population_frame(wave2.roll, wave2.answers))
    change = {
        key: {
            "overall": b[key]["overall"] - a[key]["overall"],
            "by_role_group": {
                g: b[key]["by_role_group"][g] - a[key]["by_role_group"][g]
                for g in ROLE_GROUPS
                if g in a[key]["by_role_group"] and g in b[key]["by_role_group"]
            },
        }
        for key in a
    }
    second_ids = set(wave2.field.responses["member_id"].dropna())
    linked = sorted(set(first_ids) & second_ids)
    return {
        "waves": ["2026", WAVE2],
        "note": "Each wave's finite-population shares over its own roll, from true answers; "
        "change is 2027 minus 2026. Linked: member IDs in both waves' exports (before cleaning).",
        "files": {"2026": "guild_ai_survey_2026.sav", WAVE2: WAVE2_FILES["spss"]},
        "roll": {
            "members_2026": len(roll),
            "members_2027": len(wave2.roll),
            "lapsed": wave2.lapsed,
            "joined": wave2.joined,
        },
        "respondents_2026_on_2027_roll": len(wave2.returning_ids),
        "linked_member_ids": linked,
        "planted": {
            "lost_work_rise": LOST_RISE,
            "training_rise": TRAINING_RISE,
            "persistence": PERSIST,
            "renamed": RENAMED,
            "scale_changed": {
                "variable": NEW_SCALE["variable"],
                "codes": {str(k): v for k, v in NEW_SCALE["codes"].items()},
            },
        },
        "shares": {"2026": a, WAVE2: b},
        "change": change,
    }
