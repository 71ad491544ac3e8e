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
# # 01 Cleaning and data quality
#
# Response rates from the AAPOR final dispositions, what cleaning kept and excluded and why,
# and how much each key question was left unanswered. Aggregates only: no respondent-level rows.

# %% tags=["parameters"]
# Parameters (papermill): point them at your own export to run the series on a new wave.
guild = "Federation of Entertainment Guilds (synthetic demo)"
wave = "2026 member survey (synthetic demo)"
export = "../../data/raw/demo/guild_ai_survey_2026.sav"
codebook = "../../data/codebooks/guild_ai_survey_2026.yaml"
roll = "../../data/raw/demo/roll.csv"
roll_margins = "../../data/raw/demo/roll_margins.csv"
dispositions = "../../data/raw/demo/dispositions.csv"
min_count = 10  # counts below this are suppressed
min_base = 30  # percentages on an unweighted base below this are suppressed
scale_rate = 60.0  # the guild's scale rate for comparable craft work, USD per hour
figures_dir = None  # where to save memo figures (render_memo sets it)
seed = 2026

# %%
from IPython.display import Markdown, display

import survey_tools as st
from survey_tools.report import findings
from survey_tools.report.findings import pct, prepare_survey, share, share_table

st.setup_notebook(seed=seed)
run = prepare_survey(
    export,
    codebook,
    roll=roll,
    margins=roll_margins,
    dispositions=dispositions,
    scale_rate=scale_rate,
)
design = run.design

# %%
rates = run.rates
summary = run.cleaned.summary
display(
    Markdown(
        f"**{wave}.** {rates['invited']:,} members invited; "
        f"{summary['received']:,} responses received, {summary['kept']:,} kept. "
        f"RR1 {pct(rates['rr1'])}, RR2 {pct(rates['rr2'])} (AAPOR; every case of unknown "
        "eligibility counted as eligible)."
    )
)

# %% [markdown]
# ## Responses by outcome, exclusions and quality flags

# %%
findings.cleaning_table(run.cleaned)

# %% [markdown]
# ## Item nonresponse on the memo's key questions
#
# Share of kept respondents who were asked a question but gave no usable answer.

# %%
findings.item_nonresponse(
    run.cleaned,
    [
        "ai_lost_work",
        "ai_income_devalued",
        "rlhf_status",
        "rlhf_pay_usd_hr",
        "rlhf_hours_wk",
        "att_guild_policy",
        "att_rate_floor",
    ],
)
