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
# the headline share weighted against unweighted. Then the respondents against the whole roll,
# member by member: the R-indicator, the cross-classes the margins miss, weights adjusted by
# response-propensity classes and trimmed, how much each headline figure depends on the
# weighting, early against late respondents, and the likely direction of nonresponse bias.

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
reminders = None  # dates reminders went out; None: the plan's (else halves at the median date)

# %%
import survey_tools as st
from survey_tools.report import tables
from survey_tools.report import nonresponse_check as nr
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

# %% [markdown]
# ## Respondents against the whole roll
#
# Every member on the roll was invited, so response can be modelled member by member. The
# R-indicator is 1 minus twice the spread of the response propensities (1: everyone equally
# likely to answer); holdout rows are roll variables the weights did not use.

# %%
check = (
    nr.check_nonresponse(run, export=export, roll=roll, reminders=reminders, cache=True)
    if run.weighted and roll
    else None
)
check.report if check else None

# %%
nr.roll_table(check, min_count=p.min_count) if check else None

# %% [markdown]
# ## Weights: range, spread, trimming

# %%
check.weights_table().round(3) if check else None

# %% [markdown]
# ## How much the headline figures depend on the weighting

# %%
nr.sensitivity_table(check) if check else None

# %% [markdown]
# ## Early against late respondents (level of effort)

# %%
check.effort.round(4) if check is not None and check.effort is not None else None

# %%
if check:
    say(
        f"**Likely direction of nonresponse bias in the headline.** "
        f"{nr.bias_direction(check, head.id)} Weights were trimmed at {check.trim_rule}; "
        f"early and late respondents are {check.wave_basis}."
    )
