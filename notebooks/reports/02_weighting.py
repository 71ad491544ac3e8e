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
export = "../../data/raw/demo/guild_ai_survey_2026.sav"
codebook = "../../data/codebooks/guild_ai_survey_2026.yaml"
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
from survey_tools.report.findings import share
from survey_tools.report.run import notebook_survey
from survey_tools.report.text import safe, say

st.setup_notebook(seed=seed)
run = notebook_survey(globals())
p, design = run.plan, run.design
limits = {"min_count": p.min_count, "min_base": p.min_base}

# %%
run

# %% [markdown]
# ## Respondents against the roll

# %%
tables.representation_table(run, min_count=p.min_count) if run.weighted else None

# %% [markdown]
# ## Weighting diagnostics

# %%
run.to_frame().round(4)

# %% [markdown]
# ## Weighted against unweighted: the memo's headline

# %%
head = p.headline
weighted = share(design, head.id, True)
unweighted = share(run.unweighted, head.id, True)
say(
    f"Members who {safe(head.wording)}: unweighted {unweighted.text}; weighted to the roll "
    f"{weighted.text}. Design effect of the weighting: {design.diagnostics.deff_weighting:.2f}."
)
