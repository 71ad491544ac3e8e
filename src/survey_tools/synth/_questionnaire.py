"""The canonical guild member survey on AI and AI-training work (domain notes, section 2).

One :class:`Item` per question. The answer generator fills these variables with integer codes
(``-1`` = not asked by routing, ``98`` = don't know, ``99`` = prefer not to say, ``97`` = other,
with an ``_oth`` text column), and each export writer renders them in its platform's layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOT_ASKED, OTHER, DONT_KNOW, PREFER_NOT = -1, 97, 98, 99
SPECIAL_LABELS = {NOT_ASKED: "Not asked", DONT_KNOW: "Don't know", PREFER_NOT: "Prefer not to say"}

AGREE5 = {
    1: "Strongly disagree",
    2: "Somewhat disagree",
    3: "Neither agree nor disagree",
    4: "Somewhat agree",
    5: "Strongly agree",
    PREFER_NOT: "Prefer not to say",
}
YES_NO_DK = {1: "Yes", 2: "No", DONT_KNOW: "Don't know"}
INCOME_SHARE = {
    1: "0%",
    2: "1-24%",
    3: "25-49%",
    4: "50-74%",
    5: "75-100%",
    PREFER_NOT: "Prefer not to say",
}

# role code -> (label, role group)
ROLES = {
    1: ("TV writer", "Screen & TV writers"),
    2: ("Feature writer", "Screen & TV writers"),
    3: ("Animation writer", "Animation & games writers"),
    4: ("Games/interactive writer", "Animation & games writers"),
    5: ("News/digital writer", "News & broadcast"),
    6: ("On-camera actor", "On-camera performers"),
    7: ("Voice actor", "Voice & audio performers"),
    8: ("Audiobook narrator", "Voice & audio performers"),
    9: ("Mo-cap/stunt performer", "On-camera performers"),
    10: ("Background performer", "On-camera performers"),
    11: ("Animator/2D-3D artist", "Animation & VFX artists"),
    12: ("Storyboard/visual development", "Animation & VFX artists"),
    13: ("VFX/compositing/technical", "Animation & VFX artists"),
    14: ("Picture editor", "Editors & post-production"),
    15: ("Assistant editor", "Editors & post-production"),
    16: ("Sound editor/mixer/designer", "Sound & music"),
    17: ("Music editor", "Sound & music"),
    18: ("Colorist/finishing", "Editors & post-production"),
    19: ("Story analyst", "Editors & post-production"),
    20: ("Broadcaster/journalist", "News & broadcast"),
    21: ("Singer/recording artist", "Voice & audio performers"),
    OTHER: ("Other", "Other crafts"),
}
ROLE_GROUPS = tuple(dict.fromkeys(group for _, group in ROLES.values()))
MEMBER_CLASSES = {
    1: "Active/current",
    2: "Inactive/post-current",
    3: "Emeritus/retired",
    4: "Associate",
}
AGE_BANDS = {1: "18-24", 2: "25-34", 3: "35-44", 4: "45-54", 5: "55-64", 6: "65-74", 7: "75+"}
REGIONS = {
    1: "Los Angeles County",
    2: "Other Southern California",
    3: "Northern California",
    4: "New York metro",
    5: "Georgia",
    6: "Other US",
    7: "Canada",
    8: "UK",
    9: "Other non-US",
}
GENDERS = {1: "Woman", 2: "Man", 3: "Non-binary", OTHER: "Self-describe"}


@dataclass(frozen=True)
class Item:
    """One question of the canonical questionnaire.

    ``kind`` is ``single``, ``likert``, ``multi``, ``numeric`` or ``text``. ``codes`` are the value
    labels (for numeric items only their special codes). ``options`` are the ``(column, label)``
    pairs of a multi-select. ``other`` names the "Other (please specify)" text column.
    ``valid`` is the valid range of a numeric item. ``grid`` names the question a Likert row
    belongs to (same page, one matrix on web platforms).
    """

    name: str
    number: int
    page: int
    kind: str
    text: str
    codes: dict[int, str] = field(default_factory=dict)
    options: tuple[tuple[str, str], ...] = ()
    other: str | None = None
    valid: tuple[int, int] | None = None
    grid: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The export columns of this item, in questionnaire order."""
        own = tuple(col for col, _ in self.options) if self.kind == "multi" else (self.name,)
        return own + ((self.other,) if self.other else ())


def _opts(prefix: str, labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((f"{prefix}_{key}", label) for key, label in labels.items())


GRID_TEXT = "How much do you agree or disagree with each statement?"

ITEMS: tuple[Item, ...] = (
    # A. Consent and eligibility (page 1)
    Item(
        "consent",
        1,
        1,
        "single",
        "Do you agree to take part? Answers are reported only in aggregate and small groups are "
        "suppressed.",
        {1: "Yes", 2: "No"},
    ),
    Item(
        "guilds",
        2,
        1,
        "multi",
        "Which of these organizations are you currently a member of?",
        options=_opts(
            "guild",
            {
                "wgaw": "Writers Guild of America West",
                "wgae": "Writers Guild of America East",
                "sagaftra": "SAG-AFTRA",
                "nava": "National Association of Voice Actors",
                "tag839": "The Animation Guild (IATSE 839)",
                "mpeg700": "Motion Picture Editors Guild (IATSE 700)",
                "iatse_other": "Other IATSE local",
                "dga": "Directors Guild of America",
                "afm": "American Federation of Musicians",
                "equity_uk": "Equity (UK)",
                "other": "Other organization",
                "none": "None of these",
            },
        ),
    ),
    Item(
        "member_status",
        3,
        1,
        "single",
        "What is your membership status in your main guild?",
        {
            1: "Active/current",
            2: "Inactive/post-current/withdrawn",
            3: "Emeritus/retired",
            4: "Associate",
            5: "Financial-core/non-member fee payer",
            DONT_KNOW: "Don't know",
        },
    ),
    # B. Work profile (page 2)
    Item(
        "role_primary",
        4,
        2,
        "single",
        "Which best describes your main craft?",
        {code: label for code, (label, _) in ROLES.items()},
        other="role_primary_oth",
    ),
    Item(
        "roles_all",
        5,
        2,
        "multi",
        "Which crafts were you paid for in the past 12 months?",
        options=tuple((f"role_{code:02d}", label) for code, (label, _) in ROLES.items()),
    ),
    Item(
        "years_exp",
        6,
        2,
        "numeric",
        "How many years have you worked professionally in your craft?",
        {PREFER_NOT: "Prefer not to say"},
        valid=(0, 70),
    ),
    Item(
        "emp_status",
        7,
        2,
        "single",
        "What is your current work situation?",
        {
            1: "Working in craft (steady)",
            2: "Working in craft intermittently/freelance",
            3: "Working mainly outside craft",
            4: "Not working, looking for craft work",
            5: "Not working, not looking",
            6: "Retired",
            OTHER: "Other",
        },
        other="emp_status_oth",
    ),
    Item(
        "months_no_craft_work",
        8,
        2,
        "numeric",
        "In the past 24 months, about how many months did you have no paid work in your craft?",
        {DONT_KNOW: "Don't know", PREFER_NOT: "Prefer not to say"},
        valid=(0, 24),
    ),
    Item(
        "pct_income_craft",
        9,
        2,
        "single",
        "What share of your personal income came from craft work?",
        INCOME_SHARE,
    ),
    Item(
        "earn_craft_band",
        10,
        2,
        "single",
        "What were your before-tax earnings from craft work in the last 12 months?",
        {
            1: "Under $10,000",
            2: "$10,000-$24,999",
            3: "$25,000-$49,999",
            4: "$50,000-$74,999",
            5: "$75,000-$99,999",
            6: "$100,000-$149,999",
            7: "$150,000-$249,999",
            8: "$250,000 or more",
            PREFER_NOT: "Prefer not to say",
        },
    ),
    Item(
        "earn_change_2022",
        11,
        2,
        "single",
        "Compared with 2022, your craft earnings are...",
        {
            1: "Much lower",
            2: "Somewhat lower",
            3: "About the same",
            4: "Somewhat higher",
            5: "Much higher",
            DONT_KNOW: "Don't know",
        },
    ),
    # C. AI in members' own work and job loss (page 3)
    Item(
        "ai_use_work",
        12,
        3,
        "single",
        "How much, if any, of your craft work is done with AI tools?",
        {1: "All or most", 2: "Some", 3: "Not much", 4: "None", DONT_KNOW: "Don't know"},
    ),
    Item(
        "ai_asked_by_employer",
        13,
        3,
        "single",
        "Has an employer or client asked you to use generative AI in your work?",
        YES_NO_DK,
    ),
    Item(
        "ai_lost_work",
        14,
        3,
        "single",
        "In the past 12 months, have you knowingly lost a job, booking or commission because AI "
        "was used instead (you were told, or have clear evidence)?",
        {1: "Yes", 2: "Suspect so but not sure", 3: "No", DONT_KNOW: "Don't know"},
    ),
    Item("ai_lost_jobs_n", 15, 3, "numeric", "How many such jobs did you lose?", valid=(1, 100)),
    Item(
        "ai_lost_usd",
        16,
        3,
        "numeric",
        "Estimated earnings lost (USD)",
        {PREFER_NOT: "Prefer not to say"},
        valid=(0, 1_000_000),
    ),
    Item(
        "ai_income_devalued",
        17,
        3,
        "single",
        "Has the income from your work decreased in value because of generative AI?",
        YES_NO_DK,
    ),
    Item(
        "ai_future_opps",
        18,
        3,
        "single",
        "In the long run, will AI in your industry lead to more or fewer work opportunities "
        "for you?",
        {1: "More", 2: "Fewer", 3: "Not much difference", DONT_KNOW: "Don't know"},
    ),
    Item(
        "ai_likeness_concern",
        19,
        3,
        "likert",
        "I am concerned my voice, likeness or style will be copied by AI.",
        AGREE5,
    ),
    Item(
        "ai_contract_clause",
        20,
        3,
        "single",
        "Have you been asked to sign terms allowing AI or synthetic use of your voice, likeness or "
        "work?",
        {
            1: "Yes, and I signed",
            2: "Yes, and I refused or struck it",
            3: "No",
            DONT_KNOW: "Don't know",
        },
    ),
    # D. AI-training (RLHF / data) work (page 4)
    Item(
        "rlhf_status",
        21,
        4,
        "single",
        "Have you ever been paid to train or evaluate AI systems (for example rate chatbot "
        "answers, write model responses, record voice data)?",
        {
            1: "Yes, in the past 3 months",
            2: "Yes, but not in the past 3 months",
            3: "Applied or tested but never paid",
            4: "Never",
        },
    ),
    Item(
        "rlhf_platforms",
        22,
        4,
        "multi",
        "Through which platforms or companies?",
        options=_opts(
            "plat",
            {
                "mercor": "Mercor",
                "outlier": "Outlier",
                "scale": "Scale AI",
                "turing": "Turing",
                "surge": "Surge AI (incl. DataAnnotation)",
                "handshake": "Handshake AI",
                "micro1": "Micro1",
                "invisible": "Invisible Technologies",
                "telus": "TELUS Digital",
                "globallogic": "GlobalLogic",
                "appen": "Appen",
                "direct_lab": "Directly for an AI lab",
                "other": "Other",
            },
        ),
        other="plat_other_oth",
    ),
    Item(
        "rlhf_tasks",
        23,
        4,
        "multi",
        "What kinds of tasks did you do?",
        options=_opts(
            "task",
            {
                "rate_rank": "Rating or ranking AI answers",
                "write_responses": "Writing model responses",
                "creative_writing": "Creative writing samples",
                "redteam": "Red-teaming",
                "factcheck": "Fact-checking",
                "voice_record": "Recording voice data",
                "roleplay_conversation": "Role-play conversations",
                "image_video_annot": "Image or video annotation",
                "translation": "Translation",
                "edit_critique": "Editing or critiquing AI output",
                "other": "Other",
            },
        ),
    ),
    Item(
        "rlhf_hours_wk",
        24,
        4,
        "numeric",
        "Typical paid hours per week (most recent month of work)",
        valid=(0, 80),
    ),
    Item(
        "rlhf_unpaid_hours_wk",
        25,
        4,
        "numeric",
        "Typical unpaid hours per week (tests, onboarding, waiting for tasks)",
        valid=(0, 80),
    ),
    Item(
        "rlhf_pay",
        26,
        4,
        "text",
        "Typical hourly pay on your most recent project, in US dollars (convert per-task pay to "
        "hourly)",
    ),
    Item(
        "rlhf_pay_basis",
        27,
        4,
        "single",
        "How were you paid?",
        {1: "Hourly", 2: "Per task", 3: "Mixed", DONT_KNOW: "Don't know"},
    ),
    Item(
        "rlhf_projects_n",
        28,
        4,
        "numeric",
        "Number of separate projects or contracts in the past 12 months",
        valid=(0, 50),
    ),
    Item(
        "rlhf_cancelled_n",
        29,
        4,
        "numeric",
        "How many of them ended abruptly or with less than a week's notice?",
        valid=(0, 50),
    ),
    Item(
        "rlhf_pay_change",
        30,
        4,
        "single",
        "On continuing work, your rate...",
        {1: "Rose", 2: "Stayed the same", 3: "Was cut", 4: "Changed unpredictably"},
    ),
    Item(
        "rlhf_nda",
        31,
        4,
        "single",
        "Did you sign non-disclosure agreements?",
        {1: "Yes, for all projects", 2: "For some projects", 3: "None", DONT_KNOW: "Don't know"},
    ),
    Item(
        "rlhf_disturbing",
        32,
        4,
        "single",
        "How often were you exposed to disturbing or explicit content?",
        {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often", 5: "Very often"},
    ),
    Item(
        "rlhf_wellbeing_support",
        33,
        4,
        "single",
        "Was any mental-health or wellness support offered?",
        YES_NO_DK,
    ),
    Item(
        "rlhf_mgr_understood",
        34,
        4,
        "likert",
        "My project leads understood the craft skills the work needed.",
        AGREE5,
    ),
    Item(
        "rlhf_replace_self",
        35,
        4,
        "single",
        "Do you think this work trains AI to do your own craft job?",
        YES_NO_DK,
    ),
    Item(
        "rlhf_income_share",
        36,
        4,
        "single",
        "What share of your past-12-month income came from AI-training work?",
        INCOME_SHARE,
    ),
    # E. Attitudes: one grid, with an instructed-response attention check (page 5)
    Item(
        "att_guild_policy",
        37,
        5,
        "likert",
        "The guild should adopt a policy on members doing AI-training work",
        AGREE5,
        grid="att",
    ),
    Item(
        "att_rate_floor",
        38,
        5,
        "likert",
        "The guild should publish minimum rates for AI-training work in our crafts",
        AGREE5,
        grid="att",
    ),
    Item(
        "att_disclosure",
        39,
        5,
        "likert",
        "Members should confidentially report AI-training work to the guild",
        AGREE5,
        grid="att",
    ),
    Item(
        "att_consent_comp",
        40,
        5,
        "likert",
        "Consent and pay should be required when members' work is used to train AI",
        AGREE5,
        grid="att",
    ),
    Item(
        "att_comfort_rlhf",
        41,
        5,
        "likert",
        "I am comfortable with members training AI in our crafts",
        AGREE5,
        grid="att",
    ),
    Item(
        "attn_check",
        42,
        5,
        "likert",
        "To show you are reading carefully, choose Somewhat disagree for this row",
        AGREE5,
        grid="att",
    ),
    # F. Demographics and close (page 6)
    Item(
        "age_band",
        43,
        6,
        "single",
        "What is your age?",
        {**AGE_BANDS, PREFER_NOT: "Prefer not to say"},
    ),
    Item(
        "gender",
        44,
        6,
        "single",
        "What is your gender?",
        {**GENDERS, PREFER_NOT: "Prefer not to say"},
        other="gender_oth",
    ),
    Item(
        "race_eth",
        45,
        6,
        "multi",
        "How would you describe your race or ethnicity?",
        options=_opts(
            "re",
            {
                "aian": "American Indian or Alaska Native",
                "asian": "Asian",
                "black": "Black or African American",
                "hisp": "Hispanic or Latino",
                "mena": "Middle Eastern or North African",
                "nhpi": "Native Hawaiian or Pacific Islander",
                "white": "White",
                "other": "Another race or ethnicity",
                "pnts": "Prefer not to say",
            },
        ),
    ),
    Item("region", 46, 6, "single", "Where do you mainly live?", REGIONS),
    Item("open_comment", 47, 6, "text", "Is there anything else the guild should know?"),
    Item(
        "followup_ok",
        48,
        6,
        "single",
        "May the research team contact you for a follow-up conversation?",
        {1: "Yes", 2: "No"},
    ),
)

ITEM = {item.name: item for item in ITEMS}
PAGES = 6


def user_missing(item: Item) -> list:
    """SPSS user-missing definition for an item: discrete codes, or a range plus one code.

    Items without an "Other" answer get the range 97-99 plus -1 (SPSS allows one range and one
    discrete value); items where 97 means "Other" keep 97 valid and list -1, 98 and 99; counts
    and amounts, whose valid range reaches 97, list -1 and the special codes they define.
    """
    if item.kind in ("multi", "text"):
        return []
    valid_hi = item.valid[1] if item.valid else 0
    if valid_hi >= OTHER:  # a count or amount: no range, only the codes the item defines
        return [NOT_ASKED, *(code for code in item.codes if code in (DONT_KNOW, PREFER_NOT))]
    if OTHER in item.codes:
        return [NOT_ASKED, DONT_KNOW, PREFER_NOT]
    return [{"lo": OTHER, "hi": PREFER_NOT}, NOT_ASKED]
