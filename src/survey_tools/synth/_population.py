"""The membership roll of a fictional entertainment-union federation and its members' true answers.

Every member gets an answer to every question (the finite-population truth); fieldwork later
decides who responds. The true models are explicit module constants so that ``truth.json`` can
publish them and later stages can be checked against them.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from ._questionnaire import (
    AGE_BANDS,
    DONT_KNOW,
    ITEM,
    NOT_ASKED,
    OTHER,
    PREFER_NOT,
    REGIONS,
    ROLE_GROUPS,
    ROLES,
)

MEMBERS = 20_000
MEMBER_CLASSES = {code: ITEM["member_status"].codes[code] for code in (1, 2, 3, 4)}

# Share of the roll by primary craft (normalised), loosely after the guild sizes in the notes.
ROLE_SHARE = {
    1: 8.5,
    2: 5,
    3: 1.5,
    4: 1.5,
    5: 4,
    6: 20,
    7: 8,
    8: 3,
    9: 2,
    10: 6,
    11: 6,
    12: 2.5,
    13: 3.5,
    14: 4.5,
    15: 3.5,
    16: 3,
    17: 0.8,
    18: 1.2,
    19: 0.6,
    20: 4,
    21: 3,
    OTHER: 2,
}
AGE_SHARE = (0.03, 0.17, 0.24, 0.22, 0.18, 0.11, 0.05)
REGION_SHARE = (0.42, 0.06, 0.06, 0.18, 0.05, 0.13, 0.05, 0.03, 0.02)
# Multipliers on REGION_SHARE for crafts whose members cluster elsewhere.
REGION_TILT = {
    "News & broadcast": {4: 3.0, 6: 1.5, 1: 0.5},
    "Animation & VFX artists": {3: 2.0, 7: 2.5, 8: 1.5},
    "On-camera performers": {5: 2.0},
}

# --- True model 1: knowingly lost work to AI in the past 12 months --------------------------
# logit P(ai_lost_work == Yes) = logit(LOST_WORK_P[role]) + LOST_WORK_AGE[age_band]
# LOST_WORK_P is the probability at age 35-44 (the reference band).
LOST_WORK_P = {
    1: 0.08,
    2: 0.07,
    3: 0.12,
    4: 0.15,
    5: 0.14,
    6: 0.06,
    7: 0.17,
    8: 0.19,
    9: 0.10,
    10: 0.12,
    11: 0.26,
    12: 0.22,
    13: 0.18,
    14: 0.07,
    15: 0.11,
    16: 0.17,
    17: 0.09,
    18: 0.08,
    19: 0.16,
    20: 0.10,
    21: 0.12,
    OTHER: 0.08,
}
LOST_WORK_AGE = {1: 0.40, 2: 0.25, 3: 0.0, 4: -0.10, 5: -0.25, 6: -0.50, 7: -0.70}
# ... + LOST_WORK_INTERACTION[role_group][age_band]: young performers, whose auditions and
# bookings go first to synthetic voices and digital doubles, lose more than role and age alone
# predict. The roll's one-way margins cannot see this cross-class (nor the response boost of the
# same members in _fieldwork.RESP_INTERACTION), so raking alone leaves the headline biased.
LOST_WORK_INTERACTION = {
    "Voice & audio performers": {1: 1.3, 2: 1.3},
    "On-camera performers": {1: 1.1, 2: 1.1},
}

# --- True model 2: ever paid for AI-training work ---------------------------------------------
# logit P(rlhf ever paid) = logit(RLHF_P[group]) + RLHF_MONTHS * (months_no_craft_work - 6)
#                           + RLHF_AGE[age_band]
RLHF_P = {
    "Screen & TV writers": 0.15,
    "Animation & games writers": 0.16,
    "News & broadcast": 0.12,
    "On-camera performers": 0.04,
    "Voice & audio performers": 0.08,
    "Animation & VFX artists": 0.06,
    "Editors & post-production": 0.07,
    "Sound & music": 0.05,
    "Other crafts": 0.05,
}
RLHF_MONTHS = 0.08
RLHF_AGE = {1: 0.3, 2: 0.3, 3: 0.0, 4: -0.1, 5: -0.3, 6: -0.8, 7: -1.2}

PLATFORM_P = {
    "mercor": 0.38,
    "outlier": 0.34,
    "scale": 0.10,
    "turing": 0.10,
    "surge": 0.16,
    "handshake": 0.08,
    "micro1": 0.05,
    "invisible": 0.04,
    "telus": 0.04,
    "globallogic": 0.03,
    "appen": 0.05,
    "direct_lab": 0.04,
    "other": 0.05,
}

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Imani",
    "Jamal",
    "Kara",
    "Liam",
    "Maya",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Umar",
    "Vera",
    "Wes",
    "Xin",
    "Yara",
    "Zoë",
    "José",
    "Renée",
    "Björn",
    "Chloé",
    "Darius",
    "Esther",
    "Felix",
    "Gia",
    "Hannah",
    "Isaac",
    "June",
    "Kofi",
    "Lena",
    "Marco",
    "Nell",
    "Oscar",
    "Paula",
    "Ravi",
    "Sofia",
    "Theo",
    "Uma",
    "Victor",
    "Wren",
    "Yusuf",
    "Ada",
    "Bruno",
    "Cleo",
    "Dev",
    "Eva",
    "Frank",
    "Gwen",
    "Hugo",
    "Iris",
    "Jonah",
)
LAST_NAMES = (
    "Abara",
    "Bennett",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fontaine",
    "Garcia",
    "Halvorsen",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quintero",
    "Rossi",
    "Santos",
    "Takahashi",
    "Ueda",
    "Vasquez",
    "Whitfield",
    "Xu",
    "Yamamoto",
    "Zielinski",
    "Núñez",
    "Müller",
    "Brennan",
    "Chowdhury",
    "Delgado",
    "Ellison",
    "Fitzgerald",
    "Goldberg",
    "Hernández",
    "Iqbal",
    "Jovanović",
    "Kaplan",
    "Larsen",
    "Mendoza",
    "Novak",
    "O'Connell",
    "Park",
    "Quinn",
    "Ramírez",
    "Schwartz",
    "Tanaka",
    "Ulrich",
    "Valdez",
    "Weiss",
    "Young",
    "Zhang",
    "Adeyemi",
    "Bauer",
    "Costa",
    "Duarte",
    "Esposito",
    "Ferreira",
    "Greene",
    "Haddad",
    "Ivanova",
    "Jacobs",
    "Khan",
    "Lopez",
    "Martin",
    "Nguyen",
    "Ortiz",
    "Patel",
    "Reyes",
    "Silva",
)


def logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def draw(rng: np.random.Generator, probs: np.ndarray, codes) -> np.ndarray:
    """One categorical draw per row of ``probs`` (rows need not be normalised)."""
    probs = np.atleast_2d(np.asarray(probs, dtype=float))
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(probs.shape[0])[:, None]
    return np.asarray(codes)[(u > cum).sum(axis=1)]


def interaction(group, age, table: dict) -> np.ndarray:
    """Each member's cross-class effect ``table[role_group][age_band]`` (0 where not listed)."""
    return np.array([table.get(g, {}).get(int(a), 0.0) for g, a in zip(group, age)], dtype=float)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def make_roll(rng: np.random.Generator, n: int = MEMBERS) -> pd.DataFrame:
    """The membership roll: one row per member with craft, class, region, age band, gender."""
    role_codes = np.array(list(ROLE_SHARE))
    role = rng.choice(
        role_codes, size=n, p=np.array(list(ROLE_SHARE.values())) / sum(ROLE_SHARE.values())
    )
    group = np.array([ROLES[r][1] for r in role])
    age = rng.choice(np.arange(1, 8), size=n, p=AGE_SHARE)
    older = age >= 6
    member_class = np.where(
        older,
        draw(rng, np.tile([0.45, 0.08, 0.45, 0.02], (n, 1)), [1, 2, 3, 4]),
        draw(rng, np.tile([0.78, 0.14, 0.02, 0.06], (n, 1)), [1, 2, 3, 4]),
    )
    region_p = np.tile(REGION_SHARE, (n, 1))
    for name, tilt in REGION_TILT.items():
        for code, factor in tilt.items():
            region_p[group == name, code - 1] *= factor
    region = draw(rng, region_p, list(REGIONS))
    gender = rng.choice([1, 2, 3, OTHER], size=n, p=[0.46, 0.50, 0.03, 0.01])
    age_mid = np.array([21, 30, 40, 50, 60, 70, 79])[age - 1] + rng.integers(-4, 5, n)
    years_exp = np.clip(age_mid - 22 - rng.integers(0, 9, n), 0, 60)
    first = rng.choice(FIRST_NAMES, size=n)
    last = rng.choice(LAST_NAMES, size=n)
    ids = rng.choice(np.arange(100_000, 1_000_000), size=n, replace=False)
    emails = [
        f"{_ascii(f)}.{_ascii(la)}{i % 1000}@example.org" for f, la, i in zip(first, last, ids)
    ]
    return pd.DataFrame(
        {
            "member_id": [f"M-{i:06d}" for i in ids],
            "first_name": first,
            "last_name": last,
            "email": emails,
            "role": role,
            "role_group": group,
            "member_class": member_class,
            "region": region,
            "age_band": age,
            "gender": gender,
            "years_exp": years_exp,
        }
    )


def _likert(rng: np.random.Generator, mean: np.ndarray, n: int) -> np.ndarray:
    """Five-point agreement from a latent normal centred on ``mean`` (cut points -1.5..1.5)."""
    latent = mean + rng.standard_normal(n)
    out = 1 + np.searchsorted([-1.5, -0.5, 0.5, 1.5], latent)
    return np.where(rng.random(n) < 0.01, PREFER_NOT, out)


def true_answers(roll: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Every member's answers to the canonical questionnaire, as integer codes.

    Multi-select columns hold 1/0 (``-1`` when routed past), text columns hold strings. Two hidden
    columns carry the truth behind dirty answers: ``true_pay`` (USD per hour) and ``true_hours``.
    """
    n = len(roll)
    role = roll["role"].to_numpy()
    group = roll["role_group"].to_numpy()
    age = roll["age_band"].to_numpy()
    klass = roll["member_class"].to_numpy()
    a: dict[str, np.ndarray] = {}

    a["consent"] = np.ones(n, dtype=int)
    for col, _ in ITEM["guilds"].options:
        a[col] = np.zeros(n, dtype=int)
    writer = np.isin(group, ["Screen & TV writers", "Animation & games writers"])
    west = np.isin(roll["region"], [1, 2, 3, 6, 9])
    a["guild_wgaw"] = (writer & west) | ((group == "News & broadcast") & (role == 5) & west)
    a["guild_wgae"] = ((writer | (role == 5)) & ~west) | ((role == 5) & (rng.random(n) < 0.3))
    performer = np.isin(group, ["On-camera performers", "Voice & audio performers"]) | (role == 20)
    a["guild_sagaftra"] = performer & (rng.random(n) < 0.92)
    a["guild_nava"] = np.isin(role, [7, 8]) & (rng.random(n) < 0.35)
    a["guild_tag839"] = (group == "Animation & VFX artists") & (role != 13) | (role == 3)
    a["guild_mpeg700"] = np.isin(group, ["Editors & post-production", "Sound & music"])
    a["guild_iatse_other"] = (role == 13) & (rng.random(n) < 0.6)
    a["guild_dga"] = rng.random(n) < 0.02
    a["guild_afm"] = np.isin(role, [17, 21]) & (rng.random(n) < 0.5)
    a["guild_equity_uk"] = (roll["region"].to_numpy() == 8) & performer
    a["guild_other"] = (role == OTHER) | (rng.random(n) < 0.03)
    any_guild = np.column_stack([a[c] for c, _ in ITEM["guilds"].options[:-1]]).any(axis=1)
    a["guild_none"] = ~any_guild
    for col, _ in ITEM["guilds"].options:
        a[col] = a[col].astype(int)
    a["member_status"] = klass.copy()

    a["role_primary"] = role.copy()
    for col, _ in ITEM["roles_all"].options:
        code = int(col.split("_")[1])
        a[col] = ((role == code) | (rng.random(n) < 0.04)).astype(int)
    a["years_exp"] = np.where(rng.random(n) < 0.01, PREFER_NOT, roll["years_exp"].to_numpy())

    emp_p = np.where(
        (klass == 3)[:, None],
        [0.05, 0.10, 0.05, 0.05, 0.15, 0.58, 0.02],
        np.where(
            (klass == 2)[:, None],
            [0.05, 0.20, 0.35, 0.30, 0.08, 0.0, 0.02],
            [0.25, 0.40, 0.15, 0.15, 0.03, 0.0, 0.02],
        ),
    )
    emp = draw(rng, emp_p, [1, 2, 3, 4, 5, 6, OTHER])
    a["emp_status"] = emp
    lo = np.select([emp == 1, emp == 2, emp == 3, emp == 4], [0, 2, 8, 10], 14)
    hi = np.select([emp == 1, emp == 2, emp == 3, emp == 4], [2, 12, 24, 24], 24)
    months = rng.integers(lo, hi + 1)
    u = rng.random(n)
    a["months_no_craft_work"] = np.where(
        u < 0.02, DONT_KNOW, np.where(u < 0.03, PREFER_NOT, months)
    )
    craft_share = np.clip(5 - (months // 5) - (emp >= 3), 1, 5)
    a["pct_income_craft"] = np.where(rng.random(n) < 0.03, PREFER_NOT, craft_share)
    band = np.clip(np.round(craft_share + rng.normal(0, 1.2, n)).astype(int), 1, 8)
    a["earn_craft_band"] = np.where(rng.random(n) < 0.06, PREFER_NOT, band)
    a["earn_change_2022"] = draw(
        rng, np.tile([0.30, 0.30, 0.25, 0.08, 0.03, 0.04], (n, 1)), [1, 2, 3, 4, 5, DONT_KNOW]
    )

    # C. AI in members' own work (true model 1 for ai_lost_work)
    a["ai_use_work"] = draw(
        rng, np.tile([0.05, 0.18, 0.25, 0.50, 0.02], (n, 1)), [1, 2, 3, 4, DONT_KNOW]
    )
    eta = (
        np.array([logit(LOST_WORK_P[r]) for r in role])
        + np.array([LOST_WORK_AGE[g] for g in age])
        + interaction(group, age, LOST_WORK_INTERACTION)
    )
    lost = rng.random(n) < _expit(eta)
    rest = draw(rng, np.tile([0.20, 0.76, 0.04], (n, 1)), [2, 3, DONT_KNOW])
    a["ai_lost_work"] = np.where(lost, 1, rest)
    a["ai_asked_by_employer"] = np.where(
        rng.random(n) < np.where(lost, 0.30, 0.12), 1, np.where(rng.random(n) < 0.05, DONT_KNOW, 2)
    )
    a["ai_lost_jobs_n"] = np.where(lost, 1 + np.minimum(rng.poisson(1.5, n), 40), NOT_ASKED)
    usd = np.round(np.exp(rng.normal(np.log(3000), 1.0, n)) / 50) * 50
    a["ai_lost_usd"] = np.where(
        lost, np.where(rng.random(n) < 0.08, PREFER_NOT, np.clip(usd, 50, 500_000)), NOT_ASKED
    )
    a["ai_income_devalued"] = np.where(
        rng.random(n) < 0.25 + 0.45 * lost, 1, np.where(rng.random(n) < 0.1, DONT_KNOW, 2)
    )
    a["ai_future_opps"] = draw(rng, np.tile([0.05, 0.62, 0.20, 0.13], (n, 1)), [1, 2, 3, DONT_KNOW])
    likeness = np.isin(group, ["Voice & audio performers", "On-camera performers"])
    a["ai_likeness_concern"] = _likert(rng, 1.0 + 0.6 * likeness + 0.4 * lost, n)
    a["ai_contract_clause"] = draw(
        rng,
        np.where(likeness[:, None], [0.14, 0.10, 0.68, 0.08], [0.04, 0.03, 0.87, 0.06]),
        [1, 2, 3, DONT_KNOW],
    )

    # D. AI-training work (true model 2)
    eta = (
        np.array([logit(RLHF_P[g]) for g in group])
        + RLHF_MONTHS * (months - 6)
        + np.array([RLHF_AGE[g] for g in age])
    )
    paid = rng.random(n) < _expit(eta)
    a["rlhf_status"] = np.where(
        paid, np.where(rng.random(n) < 0.6, 1, 2), np.where(rng.random(n) < 0.05, 3, 4)
    )
    plat = {key: (rng.random(n) < p) for key, p in PLATFORM_P.items()}
    none = ~np.column_stack(list(plat.values())).any(axis=1)
    plat["mercor"] |= none
    for key, chosen in plat.items():
        a[f"plat_{key}"] = np.where(paid, chosen.astype(int), NOT_ASKED)
    voice = group == "Voice & audio performers"
    task_p = {
        "rate_rank": 0.7,
        "write_responses": np.where(writer | (group == "News & broadcast"), 0.7, 0.3),
        "creative_writing": np.where(writer, 0.55, 0.1),
        "redteam": 0.25,
        "factcheck": 0.3,
        "voice_record": np.where(voice, 0.75, 0.03),
        "roleplay_conversation": 0.2,
        "image_video_annot": np.where(group == "Animation & VFX artists", 0.6, 0.15),
        "translation": 0.06,
        "edit_critique": 0.35,
        "other": 0.04,
    }
    tasks = {key: rng.random(n) < p for key, p in task_p.items()}
    tasks["rate_rank"] |= ~np.column_stack(list(tasks.values())).any(axis=1)
    for key, chosen in tasks.items():
        a[f"task_{key}"] = np.where(paid, chosen.astype(int), NOT_ASKED)

    hours = np.clip(np.round(np.exp(rng.normal(np.log(12), 0.7, n))), 1, 60)
    a["rlhf_hours_wk"] = np.where(paid, hours, NOT_ASKED)
    unpaid = np.clip(np.round(hours * rng.uniform(0.15, 0.6, n)), 0, 40)
    a["rlhf_unpaid_hours_wk"] = np.where(paid, unpaid, NOT_ASKED)
    generalist = rng.random(n) < 0.25
    specialist = np.exp(rng.normal(np.log(np.where(writer, 55, 46)), 0.35, n))
    pay = np.where(generalist, rng.uniform(16, 25, n), np.clip(specialist, 16, 150))
    pay = np.round(pay * 2) / 2  # people quote whole or half dollars
    a["true_pay"] = np.where(paid, pay, np.nan)
    a["true_hours"] = np.where(paid, hours, np.nan)
    a["rlhf_pay_basis"] = np.where(
        paid, draw(rng, np.tile([0.6, 0.25, 0.12, 0.03], (n, 1)), [1, 2, 3, DONT_KNOW]), NOT_ASKED
    )
    projects = np.minimum(1 + rng.poisson(1.8, n), 50)
    a["rlhf_projects_n"] = np.where(paid, projects, NOT_ASKED)
    a["rlhf_cancelled_n"] = np.where(paid, rng.binomial(projects, 0.3), NOT_ASKED)
    a["rlhf_pay_change"] = np.where(
        paid, draw(rng, np.tile([0.10, 0.45, 0.25, 0.20], (n, 1)), [1, 2, 3, 4]), NOT_ASKED
    )
    a["rlhf_nda"] = np.where(
        paid, draw(rng, np.tile([0.70, 0.20, 0.07, 0.03], (n, 1)), [1, 2, 3, DONT_KNOW]), NOT_ASKED
    )
    disturbing = np.clip(1 + rng.poisson(np.where(tasks["redteam"], 2.2, 0.8)), 1, 5)
    a["rlhf_disturbing"] = np.where(paid, disturbing, NOT_ASKED)
    a["rlhf_wellbeing_support"] = np.where(
        paid, draw(rng, np.tile([0.12, 0.78, 0.10], (n, 1)), [1, 2, DONT_KNOW]), NOT_ASKED
    )
    a["rlhf_mgr_understood"] = np.where(paid, _likert(rng, np.full(n, -0.4), n), NOT_ASKED)
    a["rlhf_replace_self"] = np.where(
        paid, draw(rng, np.tile([0.55, 0.30, 0.15], (n, 1)), [1, 2, DONT_KNOW]), NOT_ASKED
    )
    a["rlhf_income_share"] = np.where(paid, np.clip(1 + hours // 8, 2, 5), NOT_ASKED)

    # E. Attitudes: a grid mixing pro and contra statements, so straightlining shows
    a["att_guild_policy"] = _likert(rng, np.full(n, 0.9), n)
    a["att_rate_floor"] = _likert(rng, 0.7 + 0.5 * paid, n)
    a["att_disclosure"] = _likert(rng, 0.3 - 0.8 * paid, n)
    a["att_consent_comp"] = _likert(rng, np.full(n, 2.3), n)
    a["att_comfort_rlhf"] = _likert(rng, -0.5 + 1.3 * paid - 0.6 * lost, n)
    a["attn_check"] = np.full(n, 2)

    # F. Demographics (the raking variables are always answered in the demo)
    a["age_band"] = age.copy()
    a["gender"] = np.where(rng.random(n) < 0.02, PREFER_NOT, roll["gender"].to_numpy())
    race = {
        "aian": 0.01,
        "asian": 0.10,
        "black": 0.10,
        "hisp": 0.13,
        "mena": 0.03,
        "nhpi": 0.005,
        "white": 0.60,
        "other": 0.02,
    }
    chosen = {key: rng.random(n) < p for key, p in race.items()}
    pnts = (rng.random(n) < 0.03) | ~np.column_stack(list(chosen.values())).any(axis=1)
    for key, pick in chosen.items():
        a[f"re_{key}"] = (pick & ~pnts).astype(int)
    a["re_pnts"] = pnts.astype(int)
    a["region"] = roll["region"].to_numpy().copy()
    a["followup_ok"] = np.where(rng.random(n) < 0.35, 1, 2)

    out = pd.DataFrame({k: np.asarray(v) for k, v in a.items()})
    for col in (
        "role_primary_oth",
        "emp_status_oth",
        "plat_other_oth",
        "gender_oth",
        "rlhf_pay",
        "open_comment",
    ):
        out[col] = ""
    return out


def population_frame(roll: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """Roll and true answers side by side, with readable labels for the truth tables."""
    return pd.DataFrame(
        {
            "role": roll["role"].map(lambda r: ROLES[r][0]),
            "role_group": pd.Categorical(roll["role_group"], categories=ROLE_GROUPS),
            "age_band": roll["age_band"].map(AGE_BANDS),
            "region": roll["region"].map(REGIONS),
            "member_status": roll["member_class"].map(MEMBER_CLASSES),
        }
    ).join(answers.drop(columns=["age_band", "region", "member_status"]))
