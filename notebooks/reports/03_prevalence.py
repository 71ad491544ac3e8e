# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 Key prevalences by group
#
# Weighted shares with 95% logit intervals and unweighted bases. Every table goes through
# disclosure control: small counts, small bases and the cells that would give them away are
# withheld ("—"). What the tables report comes from the analysis plan: its indicators, its
# focus group (here members paid for AI-training work, the base of the questions asked only of
# them) and its options.

# %% tags=["parameters"]
# Parameters (papermill): point them at your own export to run the series on a new wave.
export = "../../data/raw/demo/guild_ai_survey_2026.sav"
codebook = "../../data/codebooks/guild_ai_survey_2026.yaml"
encoding = None  # the export's text encoding, when UTF-8 or the declared one is wrong
dictionary = None  # a REDCap export's data dictionary (CSV)
plan = "../../data/codebooks/guild_ai_survey_2026.plan.yaml"  # None: the standard plan
roll = "../../data/raw/demo/roll.csv"  # None: no roll-linked variables
roll_margins = "../../data/raw/demo/roll_margins.csv"  # None: unweighted
dispositions = "../../data/raw/demo/dispositions.csv"  # None: rates from invited, if given
invited = None  # members invited, when there is no dispositions file
guild = None  # None: the plan's; likewise wave, thresholds and the scale rate
wave = None
min_count = None
min_base = None
scale_rate = None
figures_dir = None  # where to save memo figures (render_memo sets it)
seed = 2026

# %%
import survey_tools as st
from survey_tools.report import evidence as ev
from survey_tools.report import findings, tables
from survey_tools.report.run import notebook_survey
from survey_tools.report.tables import pct, share_table
from survey_tools.report.text import cap, safe, say

st.setup_notebook(seed=seed)
run = notebook_survey(globals())
p, design = run.plan, run.design
limits = {"min_count": p.min_count, "min_base": p.min_base}
found = ev.gather(run)

# %% [markdown]
# ## The plan's indicators, by the main group

# %%
share_table(
    design, {k: cap(m.wording) for k, m in p.indicators.items()}, True, by=p.group, **limits
)

# %% [markdown]
# ## The focus group, by the main group, and how members came to it

# %%
share_table(
    design, {p.focus.measure.id: cap(p.focus.measure.wording)}, True, by=p.group, **limits
) if p.focus else None

# %%
share_table(
    design, {k: cap(m.wording) for k, m in p.focus.timing.items()}, True, **limits
) if p.focus and p.focus.timing else None

# %% [markdown]
# ## Platforms, among the focus group

# %%
share_table(
    design, findings.option_columns(run.cleaned, p.focus.platforms), True, **limits
) if p.focus and p.focus.platforms else None

# %% [markdown]
# ## Pay, hours and conditions, among the focus group

# %%
if p.focus:
    within = p.focus.measure.id
    specs = {}
    if p.focus.pay:
        specs["Median hourly pay (USD)"] = (p.focus.pay["variable"], "median", "${:,.2f}")
    for n in p.focus.numbers.values():
        specs[cap(n["wording"])] = (n["variable"], n["stat"], "{:.1f}")
    stats = tables.stats_table(
        design, specs, within=within, min_count=p.min_count, min_base=p.min_base
    )
else:
    stats = None
stats

# %%
ev.conditions_table(found, p) if p.focus else None

# %% [markdown]
# ## What members want: support for each option

# %%
ev.support_table(found, p) if p.options else None

# %% [markdown]
# ## What members wrote: themes of the open comments
#
# The plan's open comment (`comments:`) is coded with its theme codebook (phrases, exclusions,
# negation; redacted text only). Each theme's weighted share is a domain estimate of the full
# design, among the members who wrote a comment and among all members who were shown the
# comment box, through disclosure control.

# %%
from survey_tools.report.comment_tables import gather_comments, theme_group_table, theme_table

said = gather_comments(run)
say(
    f"{said.commenters:,} of the {said.asked:,} respondents shown the comment box wrote a "
    f"comment ({pct(said.commenting['estimate'])} weighted). {safe(said.note)}"
) if said else say("The plan declares no open comment (`comments:`), or the survey lacks it.")

# %%
theme_table(said) if said else None

# %% [markdown]
# By the main group, among commenters (share, 95% CI; "—" withheld), then among all members:

# %%
theme_group_table(said, "commenters") if said else None

# %%
theme_group_table(said, "members") if said else None

# %% [markdown]
# ### Quotes proposed for approval
#
# `pick_quotes` proposes, per theme, sentences that stand for the theme, from different
# groups, with no redaction tag, digit, date, name, organisation or rare word, and no author
# from a small role-by-region cell. None is printed in the memo until the analyst copies its
# exact text under `comments: approved_quotes:` in the plan; the approved ones are listed last.

# %%
said.proposed[["theme", "quote", said.by]] if said else None

# %%
said.quotes if said else None
