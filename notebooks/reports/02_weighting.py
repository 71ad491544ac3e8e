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
# # 02 Weighting and representation
#
# Respondents against the membership roll on every published margin, the raking of equal
# starting weights to all of them (no bounds, no trimming), the weighting design effect, and
# the headline share weighted against unweighted.

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
run

# %% [markdown]
# ## Respondents against the roll

# %%
findings.representation_table(run, min_count=min_count)

# %% [markdown]
# ## Weighting diagnostics

# %%
run.to_frame().round(4)

# %% [markdown]
# ## Weighted against unweighted: knowingly lost work to AI

# %%
weighted = share(design, "ai_lost_work", "Yes")
unweighted = share(run.unweighted, "ai_lost_work", "Yes")
display(
    Markdown(
        f"Unweighted {unweighted.text}; weighted to the roll {weighted.text}. Design effect of "
        f"the weighting: {design.diagnostics.deff_weighting:.2f}."
    )
)
