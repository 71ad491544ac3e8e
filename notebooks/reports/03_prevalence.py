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
# # 03 Key prevalences by role
#
# Weighted shares with 95% logit intervals and unweighted bases. Every table goes through
# disclosure control: small counts, small bases and the cells that would give them away are
# withheld ("—"). Questions asked only of members who did AI-training work have those members
# as their base.

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

# %% [markdown]
# ## Knowingly lost work to AI (past 12 months), by role group

# %%
share_table(design, {"ai_lost_work": "Lost work to AI"}, "Yes", by="role_group", **limits)

# %% [markdown]
# ## Income devalued by generative AI, by role group

# %%
share_table(design, {"ai_income_devalued": "Income devalued"}, "Yes", by="role_group", **limits)

# %% [markdown]
# ## Ever paid to train AI, by role group

# %%
share_table(design, {"rlhf_paid": "Paid AI-training work"}, True, by="role_group", **limits)

# %% [markdown]
# ## Platforms, among members paid to train AI

# %%
share_table(design, findings.platform_columns(run.cleaned), True, **limits)

# %% [markdown]
# ## Pay, hours and conditions of AI-training work

# %%
findings.pay_hours_table(design, scale_rate=scale_rate, min_count=min_count)

# %%
share_table(
    design,
    {
        "rlhf_pay_below_scale": f"Paid below the scale rate (${scale_rate:,.0f}/h)",
        "rlhf_any_cancelled": "A project ended abruptly (past 12 months)",
        "rlhf_nda_signed": "Signed NDAs",
        "rlhf_disturbing_often": "Often exposed to disturbing content",
    },
    True,
    **limits,
)

# %% [markdown]
# ## What members want from the guild (somewhat or strongly agree)
#
# Without the respondents who straightlined the agree/disagree grid or failed its attention
# check (their answers there are noise), raked again to the roll.

# %%
share_table(run.attitudes, findings.attitude_columns(run.cleaned), True, **limits)
