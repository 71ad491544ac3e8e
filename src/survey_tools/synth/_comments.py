"""Open comments from a theme model: who would comment, about which themes, in which words.

Every member on the roll gets latent comment behaviour before fieldwork: whether they would
write a comment if they completed the survey, and which themes it would raise. Theme rates
depend on the role group and on whether the member does paid AI-training work. A comment is
built from paraphrases of its themes (in random order), sometimes a sentence negating a theme
the member does not raise ("I have never had a project cancelled"), a filler sentence, a
platform or a made-up show title, lower case or one typo. The finite-population shares by role
group, and each respondent's true labels, go to ``truth.json`` under ``comments``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._questionnaire import ROLE_GROUPS

THEMES = {
    "rates": "Rates and pay cuts",
    "cancellations": "Projects cancelled without notice",
    "nda": "NDAs and secrecy",
    "disturbing": "Disturbing content",
    "replacement": "Fear of being replaced by AI",
    "consent": "Consent and pay for training data",
    "guild_action": "What the guild should do",
}
# P(theme) for members without and with paid AI-training work, times a role-group factor.
THEME_P = {
    "rates": (0.03, 0.45),
    "cancellations": (0.01, 0.30),
    "nda": (0.01, 0.22),
    "disturbing": (0.01, 0.18),
    "replacement": (0.20, 0.30),
    "consent": (0.18, 0.15),
    "guild_action": (0.25, 0.25),
}
GROUP_FACTOR = {
    "replacement": {"Voice & audio performers": 1.9, "Animation & VFX artists": 1.5,
                    "Screen & TV writers": 1.3, "On-camera performers": 1.3,
                    "News & broadcast": 0.7, "Other crafts": 0.8},
    "consent": {"Voice & audio performers": 1.9, "Screen & TV writers": 1.4,
                "Animation & games writers": 1.3, "On-camera performers": 1.5,
                "Editors & post-production": 0.6},
    "guild_action": {"Screen & TV writers": 1.3, "News & broadcast": 0.8},
    "disturbing": {"Voice & audio performers": 1.5},
}  # fmt: skip
COMMENT_P = (0.28, 0.45)  # P(would comment) without and with paid AI-training work
NEGATION_P = 0.15
TYPO_P = 0.15
LOWER_P = 0.08
SHOW_P = 0.04
PLATFORM_P = 0.10

PARAPHRASES = {
    "rates": (
        "I took AI-training gigs to cover rent between shows. The rates keep dropping.",
        "The pay was cut halfway through the project with no explanation.",
        "They lowered the hourly rate twice in the same quarter.",
        "Per-task pay means I often earn less than minimum wage once you count the unpaid time.",
        "The pay is nowhere near what our craft is worth.",
        "My rate went from decent to insulting in a year.",
        "We are paid a fraction of scale for skilled work.",
        "They keep cutting what they pay per task.",
        "Underpaid and overworked, like every gig platform.",
        "The rate they advertise is never the rate you end up earning.",
    ),
    "cancellations": (
        "Two projects were cancelled with a day's notice this year.",
        "The project I was on just vanished overnight, no warning.",
        "They ended my contract abruptly after onboarding.",
        "Projects get paused or cancelled without notice, so you can't plan anything.",
        "I was dropped from a project the day after I finished the unpaid training.",
        "Work dries up overnight when a client pulls the project.",
        "My account was deactivated with no explanation and the project was gone.",
        "Every project ends suddenly and you find out when the task queue is empty.",
    ),
    "nda": (
        "The NDA means I can't even tell my agent what I worked on.",
        "Everything is under non-disclosure agreements, so nobody can compare notes.",
        "I signed an NDA so broad I'm not sure I can answer this survey.",
        "The confidentiality clauses stop us from talking to each other.",
        "We're sworn to secrecy about which company the data is for.",
        "The nondisclosure terms are so strict I can't put the work on my resume.",
    ),
    "disturbing": (
        "Some of the red-teaming content was upsetting and there was no support.",
        "I had to write violent and explicit scenes for a chatbot and it stayed with me.",
        "The prompts were disturbing and nobody offered any counselling.",
        "Reviewing graphic material for hours took a real toll on my mental health.",
        "I was asked to record sexually explicit scripts, which was never in the brief.",
        "Some tasks involved traumatic content with no warning beforehand.",
    ),
    "replacement": (
        "Honestly I'm torn: the training work pays, but it feels like training my replacement.",
        "My last auditions went to synthetic voices, or so my agent says.",
        "I'm afraid AI will replace us within a few years.",
        "Studios are already using AI instead of hiring junior writers.",
        "It feels like we are teaching the machines to take our jobs.",
        "I worry the work will be gone for the next generation of artists.",
        "Synthetic voices are already taking jobs from voice actors I know.",
        "Clients now hand me AI drafts to fix instead of hiring me to write.",
    ),
    "consent": (
        "Please don't let the studios use our recordings to train voice models.",
        "Nobody asked my permission before my scripts were used to train a model.",
        "Our work should never be used for training without consent and compensation.",
        "Companies scraped our books and shows to build these models and gave us nothing.",
        "We should be compensated whenever our past work is used as training data.",
        "I want the right to opt out of having my voice cloned.",
        "Consent first, then payment: that should be the rule for any training data.",
    ),
    "guild_action": (
        "The guild needs to act on AI before the next negotiation.",
        "The union should organise AI-training workers too.",
        "Please negotiate protections against AI in the next contract.",
        "I'd like the guild to publish guidance on which platforms treat people fairly.",
        "The guild should set a floor for this work, like any other job in our crafts.",
        "We need the union to push for legislation on this.",
        "Guild leadership should take AI far more seriously.",
    ),
}
NEGATIONS = {
    "rates": ("I have never had my rate cut.", "I haven't had any pay cuts myself."),
    "cancellations": ("I have never had a project cancelled.", "No project of mine got cancelled."),
    "nda": ("I never signed an NDA.", "I didn't sign any NDA."),
    "disturbing": ("I was never shown anything disturbing.", "I haven't seen disturbing content."),
    "replacement": ("I'm not worried about AI replacing me.", "I don't fear being replaced."),
}
FILLER = (
    "More surveys like this, please.",
    "Thanks for asking.",
    "The survey was a bit long.",
    "Keep up the good work.",
    "I would rate this survey highly.",
    "Nothing else to add.",
    "I haven't done any AI training work, so this part did not apply to me.",
)
PLATFORMS = ("Mercor", "Outlier", "Scale AI", "Turing", "Surge AI", "DataAnnotation")
SHOW_TITLES = ("Starfall Station", "The Harbor Kids", "Moonlight Diner", "Copper Canyon")


def latent_comments(
    roll: pd.DataFrame, answers: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Per member: ``would_comment`` and one boolean column per theme (raised if commenting)."""
    paid = answers["rlhf_status"].isin([1, 2]).to_numpy()
    group = roll["role_group"].astype(str).to_numpy()
    out = {"would_comment": rng.random(len(roll)) < np.where(paid, *COMMENT_P[::-1])}
    for theme, (p0, p1) in THEME_P.items():
        factor = pd.Series(group).map(GROUP_FACTOR.get(theme, {})).fillna(1.0).to_numpy()
        p = np.minimum(np.where(paid, p1, p0) * factor, 0.9)
        out[theme] = rng.random(len(roll)) < p
    return pd.DataFrame(out, index=roll.index)


def _typo(rng: np.random.Generator, text: str) -> str:
    """One swapped pair of letters in a lower-case word (names and titles stay as planted)."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha() and w.islower()]
    if not long:
        return text
    i = int(rng.choice(long))
    w = words[i]
    j = int(rng.integers(1, len(w) - 2))
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def write_comment(rng: np.random.Generator, themes: list[str]) -> tuple[str, list, dict]:
    """One comment raising ``themes``: the text, the negated themes, and what was planted."""
    parts = [str(rng.choice(PARAPHRASES[t])) for t in themes]
    negated = []
    planted = {}
    options = [t for t in NEGATIONS if t not in themes]
    if rng.random() < NEGATION_P and options:
        theme = str(rng.choice(options))
        negated.append(theme)
        parts.append(str(rng.choice(NEGATIONS[theme])))
    if not parts or rng.random() < 0.2:
        parts.append(str(rng.choice(FILLER)))
    if rng.random() < PLATFORM_P:
        planted["platform"] = str(rng.choice(PLATFORMS))
        parts.append(f"Most of it was through {planted['platform']}.")
    if rng.random() < SHOW_P:
        planted["show"] = str(rng.choice(SHOW_TITLES))
        parts.append(f"I worked on {planted['show']} before all this.")
    order = rng.permutation(len(parts))
    text = " ".join(parts[k] for k in order)
    if rng.random() < TYPO_P:
        text = _typo(rng, text)
    if rng.random() < LOWER_P:
        text = text.lower()
    return text, negated, planted


def comment_truth(roll: pd.DataFrame, latent: pd.DataFrame, labels: list) -> dict:
    """The ``comments`` key of ``truth.json``: themes, population shares, respondents' labels."""
    group = pd.Categorical(roll["role_group"].astype(str), categories=ROLE_GROUPS)
    commenting = latent["would_comment"]

    def shares(mask: pd.Series, among: pd.Series) -> dict:
        hit = mask[among]
        by = hit.groupby(group[among.to_numpy()], observed=True).mean()
        groups = {str(k): float(v) for k, v in by.items()}
        return {"overall": float(hit.mean()), "by_role_group": groups}

    everyone = pd.Series(True, index=latent.index)
    return {
        "note": "Themes a member would raise in the open comment; 'among_members' counts a "
        "member who would not comment as not raising it. Labels are the planted themes of each "
        "respondent's comment; 'negated' themes appear only in a negated sentence.",
        "themes": THEMES,
        "commenters": int(commenting.sum()),
        "among_commenters": {t: shares(latent[t] & commenting, commenting) for t in THEMES},
        "among_members": {t: shares(latent[t] & commenting, everyone) for t in THEMES},
        "show_titles": list(SHOW_TITLES),
        "platforms": list(PLATFORMS),
        "labels": labels,
    }


__all__ = ["THEMES", "comment_truth", "latent_comments", "write_comment"]
