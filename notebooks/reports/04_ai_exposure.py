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
# # 04 AI exposure by role
#
# Who lost work to AI and who does AI-training work, by role group, weighted to the roll, with
# disclosure control applied. The survey-weighted models and the occupational AI-exposure
# indices join this notebook as they land in the package.

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
limits = {"min_count": min_count, "min_base": min_base}
share_table(design, {"ai_lost_work": "Lost work to AI"}, "Yes", by="role_group", **limits)

# %%
share_table(design, {"rlhf_paid": "Paid AI-training work"}, True, by="role_group", **limits)
