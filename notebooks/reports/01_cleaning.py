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
from survey_tools.report import tables
from survey_tools.report.run import notebook_survey
from survey_tools.report.tables import pct
from survey_tools.report.text import safe, say

st.setup_notebook(seed=seed)
run = notebook_survey(globals())
p, design = run.plan, run.design
limits = {"min_count": p.min_count, "min_base": p.min_base}

# %%
rates = run.rates
summary = run.cleaned.summary
invited = f"{rates['invited']:,} members invited; " if rates["invited"] else ""
response = (
    f"RR1 {pct(rates['rr1'])}, RR2 {pct(rates['rr2'])} (AAPOR; every case of unknown "
    "eligibility counted as eligible)"
    if rates["rr1"] == rates["rr1"]
    else f"response rates {rates['note']}"
)
say(
    f"**{safe(p.wave or 'This survey')}.** {invited}{summary['received']:,} responses received, "
    f"{summary['kept']:,} kept. {safe(response)}."
)

# %% [markdown]
# ## Responses by outcome, exclusions and quality flags

# %%
tables.cleaning_table(run.cleaned)

# %% [markdown]
# ## Item nonresponse on the questions the memo reports
#
# Share of kept respondents who were asked a question but gave no usable answer.

# %%
tables.item_nonresponse(run.cleaned, list(dict.fromkeys(m.variable for m in p.measures().values())))
