"""Fieldwork: invite the whole roll, decide who responds and when, and add the dirt of real exports.

Nonresponse depends on roll variables only (missing at random given the roll): role group, age
band, region and membership class, plus a role-group-by-age-band interaction that the roll's
one-way margins do not capture (young performers answer far more often). Unweighted estimates
are biased; raking to the margins corrects the main effects but leaves the cross-class bias,
which a response-propensity model on the whole roll removes. Members with a higher propensity
also answer earlier: each respondent answers after the invitation or after one of the two
reminders (``REMINDERS``), the more eager in the first wave. Every piece of planted dirt is
recorded so cleaning can be checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._comments import write_comment
from ._population import _expit, draw, interaction
from ._questionnaire import DONT_KNOW, ITEMS, NOT_ASKED, OTHER, PREFER_NOT

FIELD_OPEN = pd.Timestamp("2026-09-08 09:00:00")
FIELD_CLOSE = pd.Timestamp("2026-09-29 23:59:59")
TIME_ZONE = "America/Los_Angeles"

# Response propensity: logit P(start) = RESP_BASE + group + age band + region + class effects.
RESP_BASE = -1.75
RESP_GROUP = {
    "Screen & TV writers": 0.3,
    "Animation & games writers": 0.2,
    "News & broadcast": 0.0,
    "On-camera performers": -0.6,
    "Voice & audio performers": 0.7,
    "Animation & VFX artists": 0.2,
    "Editors & post-production": 0.0,
    "Sound & music": 0.1,
    "Other crafts": -0.3,
}
RESP_AGE = {1: -0.8, 2: -0.5, 3: -0.1, 4: 0.1, 5: 0.3, 6: 0.4, 7: 0.1}
RESP_REGION = {1: 0.2, 2: 0.0, 3: 0.0, 4: 0.1, 5: -0.3, 6: -0.2, 7: -0.2, 8: -0.4, 9: -0.5}
RESP_CLASS = {1: 0.2, 2: -0.5, 3: 0.0, 4: -0.4}
# ... + RESP_INTERACTION[role_group][age_band]: the cross-class the margins cannot see.
RESP_INTERACTION = {
    "Voice & audio performers": {1: 1.6, 2: 1.6},
    "On-camera performers": {1: 1.4, 2: 1.4},
}
BOUNCE_RATE = 0.03
# Reminder e-mails to those who had not answered: the start of response waves 1 and 2.
REMINDERS = (pd.Timestamp("2026-09-15 00:00:00"), pd.Timestamp("2026-09-22 00:00:00"))
WAVE_SHARE = (0.55, 0.28, 0.17)  # at the median propensity of the respondents
WAVE_EAGERNESS = 0.8  # log-odds of an earlier wave per unit of the response logit

DISPOSITIONS = {  # AAPOR code -> (label, group in the response-rate formulas)
    "1.1": ("Complete", "I"),
    "1.2": ("Partial", "P"),
    "2.11": ("Refusal (declined consent)", "R"),
    "2.12": ("Break-off", "R"),
    "3.19": ("Invited, nothing ever returned", "UO"),
    "3.30": ("Invitation undeliverable (bounced)", "UO"),
}

OTHER_TEXT = {
    "role_primary_oth": (
        "Puppeteer",
        "Script supervisor",
        "Dialect coach",
        "Casting associate",
        "Translator / subtitler",
        "Podcast host",
    ),
    "emp_status_oth": ("Teaching", "On disability leave", "Caring for family", "Between contracts"),
    "plat_other_oth": ("Task-ify", "Remotasks", "Alignerr", "a friend's startup"),
    "gender_oth": ("Genderqueer", "Agender", "Two-spirit"),
}
PII_COMMENTS = {
    "email": "Happy to talk more, write to me at {email}",
    "phone": "Call me any time on {phone}, evenings are best.",
    "member_id": "My member number is {member_id} if you need to check my dues.",
    "name": "{name} at the studio told us the temp track was AI-generated.",
    "url": "My reel is at https://www.example.com/reels/{slug} if it helps.",
    "ip": "The platform logged me out from {ip} and never paid the last batch.",
}
PAY_FORMATS = {
    "plain": 0.30,
    "dollar_hr": 0.20,
    "per_hour": 0.10,
    "range": 0.10,
    "about": 0.08,
    "total": 0.07,
    "unparseable": 0.10,
    "blank": 0.05,
}
UNPARSEABLE_PAY = ("varies", "depends on the project", "$0.50 per task", "not sure, paid per task")


@dataclass(frozen=True)
class Fieldwork:
    """What fieldwork produced: the export rows, AAPOR dispositions, the planted dirt, and how
    many members answered in each wave (after the invitation, the first or second reminder)."""

    responses: pd.DataFrame
    dispositions: pd.DataFrame
    planted: dict
    waves: dict = field(default_factory=dict)
    comment_labels: list = field(default_factory=list)  # per commenter: resp_id, themes


def _money(x: float) -> str:
    return f"{x:,.2f}".removesuffix(".00")


def pay_text(rng: np.random.Generator, pay: float, fmt: str) -> str:
    """How a respondent types an hourly rate of ``pay`` dollars in a free-text box."""
    match fmt:
        case "plain":
            return _money(pay)
        case "dollar_hr":
            return f"${_money(pay)}/hr"
        case "per_hour":
            return f"${_money(pay)} per hour"
        case "range":
            d = int(rng.choice([5, 10]))
            return f"{_money(pay - d)}-{_money(pay + d)}"
        case "about":
            return f"about {round(pay / 5) * 5:.0f} an hour"
        case "total":
            h = int(rng.choice([2, 4, 8, 10, 20]))
            return f"${_money(pay * h)} for {h} hours"
        case "unparseable":
            return str(rng.choice(UNPARSEABLE_PAY))
    return ""


def _response_ids(rng: np.random.Generator, n: int) -> list[str]:
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    ids = set()
    out = []
    while len(out) < n:
        rid = "R_" + "".join(rng.choice(alphabet, 15))
        if rid not in ids:
            ids.add(rid)
            out.append(rid)
    return out


def _ips(rng: np.random.Generator, n: int) -> list[str]:
    nets = np.array(["192.0.2", "198.51.100", "203.0.113"])  # documentation ranges
    return [f"{net}.{host}" for net, host in zip(rng.choice(nets, n), rng.integers(1, 255, n))]


def response_logit(roll: pd.DataFrame) -> np.ndarray:
    """Each member's true logit of starting the survey once the invitation is delivered."""
    return (
        RESP_BASE
        + roll["role_group"].map(RESP_GROUP)
        + roll["age_band"].map(RESP_AGE)
        + roll["region"].map(RESP_REGION)
        + roll["member_class"].map(RESP_CLASS)
        + interaction(roll["role_group"], roll["age_band"], RESP_INTERACTION)
    ).to_numpy(float)


def response_propensity(roll: pd.DataFrame) -> np.ndarray:
    """Each member's true probability of appearing in the export: delivered, then started."""
    return (1 - BOUNCE_RATE) * _expit(response_logit(roll))


def run_fieldwork(
    roll: pd.DataFrame,
    answers: pd.DataFrame,
    rng: np.random.Generator,
    latent: pd.DataFrame,
    comment_rng: np.random.Generator,
) -> Fieldwork:
    """Invite every member on ``roll``; return the export rows of everyone who started.

    ``latent`` is :func:`~._comments.latent_comments` for the roll: who would comment on
    completing, and about which themes; ``comment_rng`` words the comments."""
    n = len(roll)
    eta = response_logit(roll)
    bounced = rng.random(n) < BOUNCE_RATE
    started = ~bounced & (rng.random(n) < _expit(eta))
    idx = np.flatnonzero(started)
    m = len(idx)
    resp = answers.iloc[idx].reset_index(drop=True).copy()
    people = roll.iloc[idx].reset_index(drop=True)

    # Consent, break-off page, and AAPOR disposition from the share of applicable items answered.
    declined = rng.random(m) < 0.015
    last_page = np.where(
        rng.random(m) < 0.09,
        draw(rng, np.tile([0.25, 0.25, 0.2, 0.15, 0.15], (m, 1)), [1, 2, 3, 4, 5]),
        6,
    )
    last_page = np.where(declined, 1, last_page)
    resp.loc[declined, "consent"] = 2
    counted = [it for it in ITEMS if it.kind != "text" and it.name != "consent"]
    applicable = np.column_stack([resp[it.columns[0]].to_numpy() != NOT_ASKED for it in counted])
    reached = np.column_stack([np.full(m, it.page) for it in counted]) <= last_page[:, None]
    share = (applicable & reached).sum(axis=1) / applicable.sum(axis=1)
    disposition = np.select([declined, share < 0.5, share < 0.8], ["2.11", "2.12", "1.2"], "1.1")
    for it in ITEMS:
        hide = (last_page < it.page) | (declined & (it.name != "consent"))
        for col in it.columns:
            if it.kind == "text" or col == it.other:
                resp.loc[hide, col] = ""
            else:
                resp[col] = resp[col].astype(float).where(~hide)
    resp = resp.copy()  # de-fragment after the column-by-column edits
    complete = last_page == 6
    paid = resp["rlhf_status"].isin([1, 2]).to_numpy()
    planted: dict = {}

    # Free text: "Other (please specify)", pay typed as text, and open comments with personal data.
    for col, choices in OTHER_TEXT.items():
        parent = {"plat_other_oth": "plat_other"}.get(col, col.removesuffix("_oth"))
        is_other = (resp[parent] == (1 if parent == "plat_other" else OTHER)).to_numpy()
        resp.loc[is_other, col] = rng.choice(choices, is_other.sum())
    formats = np.array(list(PAY_FORMATS))[
        draw(rng, np.tile(list(PAY_FORMATS.values()), (m, 1)), np.arange(len(PAY_FORMATS)))
    ]
    shown_pay = paid & (last_page >= 4)
    resp["rlhf_pay"] = [
        pay_text(rng, p, f) if s else "" for p, f, s in zip(resp["true_pay"], formats, shown_pay)
    ]
    planted["pay_text_formats"] = {f: int(((formats == f) & shown_pay).sum()) for f in PAY_FORMATS}

    rng.random(m)  # the old comment draw, kept so every later planted value stays as it was
    comment = complete & ~declined & latent["would_comment"].to_numpy()[idx]
    kinds = np.where(rng.random(m) < 0.4, rng.choice(list(PII_COMMENTS), m), "")
    pii = []
    phones = [
        f"({a}) 555-01{b:02d}"
        for a, b in zip(rng.choice([213, 310, 323, 212, 404], m), rng.integers(0, 100, m))
    ]
    others = rng.integers(0, n, m)
    rng.choice(10, m)  # the old comment texts' draw, kept for the same reason
    ips = _ips(rng, m)
    themes = latent.drop(columns="would_comment").iloc[idx].reset_index(drop=True)
    labels = {}
    for i in np.flatnonzero(comment):
        raised = [t for t in themes.columns if themes.at[i, t]]
        text, negated, extra = write_comment(comment_rng, raised)
        labels[i] = {"themes": raised, "negated": negated} | extra
        kind = kinds[i]
        if not kind:
            resp.at[i, "open_comment"] = text
            continue
        other = roll.iloc[others[i]]
        value = {
            "email": people.at[i, "email"],
            "phone": phones[i],
            "member_id": people.at[i, "member_id"],
            "name": f"{other['first_name']} {other['last_name']}",
            "url": f"https://www.example.com/reels/{people.at[i, 'member_id'][2:]}",
            "ip": ips[i],
        }[kind]
        pii_text = PII_COMMENTS[kind].format(
            email=value,
            phone=value,
            member_id=value,
            name=value,
            slug=people.at[i, "member_id"][2:],
            ip=value,
        )
        resp.at[i, "open_comment"] = f"{text} {pii_text}"
        pii.append({"row": int(i), "kind": str(kind), "value": value})

    # Quality problems: speeders, straightliners, attention failures, impossible values.
    grid = [it.name for it in ITEMS if it.grid == "att"]
    # Speeders click at random, except on routing questions (the survey then routes them on).
    fixed = ("role_primary", "member_status", "age_band", "region", "ai_lost_work")
    choice_items = [
        it
        for it in ITEMS
        if it.kind in ("single", "likert") and it.page in (2, 3, 5) and it.name not in fixed
    ]
    speeder = complete & ~declined & (rng.random(m) < 0.03)
    for it in choice_items:
        valid = [c for c in it.codes if c not in (DONT_KNOW, PREFER_NOT, OTHER)]
        asked = speeder & (resp[it.name] != NOT_ASKED).to_numpy()
        resp.loc[asked, it.name] = rng.choice(valid, asked.sum())
    straight = complete & ~speeder & (rng.random(m) < 0.025) | speeder & (rng.random(m) < 0.5)
    level = rng.integers(1, 6, m)
    for col in grid:
        resp.loc[straight, col] = level[straight]
    inattentive = complete & ~straight & (rng.random(m) < 0.012)
    resp.loc[inattentive, "attn_check"] = rng.choice([1, 3, 4, 5], inattentive.sum())

    out_of_range = {
        "years_exp": (complete & (rng.random(m) < 0.006), [75, 88, 120]),
        "months_no_craft_work": (complete & (rng.random(m) < 0.004), [30, 36, 48]),
        "rlhf_hours_wk": (complete & paid & (rng.random(m) < 0.03), [90, 112, 168]),
    }
    for col, (rows, values) in out_of_range.items():
        resp.loc[rows, col] = rng.choice(values, rows.sum())
    inconsistent = complete & paid & (rng.random(m) < 0.04)
    resp.loc[inconsistent, "rlhf_cancelled_n"] = resp.loc[
        inconsistent, "rlhf_projects_n"
    ] + rng.integers(1, 4, inconsistent.sum())

    # Paradata.
    # The more eager (higher response logit) answer in an earlier wave.
    lean = WAVE_EAGERNESS * (eta[idx] - np.median(eta[idx]))
    wave_p = np.column_stack(
        [WAVE_SHARE[0] * np.exp(lean), np.full(m, WAVE_SHARE[1]), WAVE_SHARE[2] * np.exp(-lean)]
    )
    wave = draw(rng, wave_p, [0, 1, 2])
    day = np.array([0, 7, 14])[wave] + rng.exponential(1.5, m)
    day = np.minimum(day, 21.5)
    start = (
        FIELD_OPEN.normalize()
        + pd.to_timedelta(np.floor(day), unit="D")
        + pd.to_timedelta(rng.integers(7 * 3600, 23 * 3600, m), unit="s")
    )
    start = start.where(
        start > FIELD_OPEN, FIELD_OPEN + pd.to_timedelta(rng.integers(60, 3600, m), "s")
    )
    median = 840 * last_page / 6
    duration = np.round(np.exp(rng.normal(np.log(median), 0.45, m)))
    duration = np.where(speeder, np.round(840 * rng.uniform(0.2, 0.45, m)), duration)
    duration = np.where(declined, rng.integers(20, 60, m), duration).astype(int)
    meta = pd.DataFrame(
        {
            "resp_id": _response_ids(rng, m),
            "member_id": people["member_id"],
            "email": people["email"],
            "first_name": people["first_name"],
            "last_name": people["last_name"],
            "ip_address": _ips(rng, m),
            "start_ts": start,
            "end_ts": start + pd.to_timedelta(duration, unit="s"),
            "duration_sec": duration,
            "progress": np.where(declined, 100, np.round(100 * last_page / 6)).astype(int),
            "finished": ((last_page == 6) | declined).astype(int),
            "last_page": last_page,
            "disposition": disposition,
            "mode": np.where(rng.random(m) < 0.85, 1, 2),
            "device": draw(rng, np.tile([0.55, 0.40, 0.05], (m, 1)), [1, 2, 3]),
        }
    )
    resp = pd.concat([meta, resp.copy()], axis=1)

    # Duplicate submissions: the same member answers again from the same link a little later.
    dup_src = np.flatnonzero(complete & ~declined & (rng.random(m) < 0.012))
    dups = resp.iloc[dup_src].copy()
    shift = pd.to_timedelta(rng.integers(3600, 3 * 86400, len(dups)), unit="s")
    dups["start_ts"] = (dups["start_ts"] + shift).clip(upper=FIELD_CLOSE - pd.Timedelta(hours=1))
    dups["end_ts"] = dups["start_ts"] + pd.to_timedelta(dups["duration_sec"], unit="s")
    dups["resp_id"] = _response_ids(rng, len(dups) + m)[m:]
    dups["ip_address"] = _ips(rng, len(dups))
    resp = pd.concat([resp, dups], ignore_index=True)

    order = np.lexsort((resp["resp_id"].to_numpy(), resp["start_ts"].to_numpy()))
    resp = resp.iloc[order].reset_index(drop=True)
    rid = resp["resp_id"].to_numpy()
    row_of = {int(orig): rid[new] for new, orig in enumerate(order) if orig < m}

    def ids(mask: np.ndarray) -> list[str]:
        return sorted(row_of[i] for i in np.flatnonzero(mask))

    planted.update(
        {
            "duplicates": sorted(rid[np.flatnonzero(order >= m)]),
            "duplicate_of": sorted(row_of[i] for i in dup_src),
            "speeders": ids(speeder),
            "straightliners": ids(straight),
            "failed_attention_check": sorted(
                resp.loc[resp["attn_check"].notna() & (resp["attn_check"] != 2), "resp_id"]
            ),
            "out_of_range": {col: ids(rows) for col, (rows, _) in out_of_range.items()},
            "inconsistent_cancellations": ids(inconsistent),
            "personal_data": [
                {"resp_id": row_of[p["row"]], "kind": p["kind"], "value": p["value"]} for p in pii
            ],
        }
    )

    counts = {"1.1": 0, "1.2": 0, "2.11": 0, "2.12": 0}
    for code, k in zip(*np.unique(disposition, return_counts=True)):
        counts[str(code)] = int(k)
    counts["3.30"] = int(bounced.sum())
    counts["3.19"] = int(n - bounced.sum() - m)
    dispositions = pd.DataFrame(
        [(code, label, group, counts[code]) for code, (label, group) in DISPOSITIONS.items()],
        columns=["code", "disposition", "aapor_group", "count"],
    )
    waves = {str(k): int((wave == k).sum()) for k in range(len(REMINDERS) + 1)}
    comment_labels = [{"resp_id": row_of[i]} | labels[i] for i in sorted(labels)]
    return Fieldwork(
        resp.drop(columns=["true_pay", "true_hours"]), dispositions, planted, waves, comment_labels
    )
