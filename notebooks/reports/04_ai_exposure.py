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
# Which roles are hit hardest by AI, holding age fixed? Who turns to AI-training gigs, and does
# losing craft work push them there? And do members' own reports line up with what published
# occupational AI-exposure indices say about their occupations? Survey-weighted logistic models
# on the raked design (design-based intervals), predicted probabilities by role group, and the
# role-level comparison with the indices. Every table and figure goes through disclosure
# control ("—" marks a withheld cell).

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
from IPython.display import Markdown, display

import survey_tools as st
from survey_tools.report import role_models
from survey_tools.report.run import notebook_survey

st.setup_notebook(seed=seed)
run = notebook_survey(globals())
p, design = run.plan, run.design
limits = {"min_count": p.min_count, "min_base": p.min_base}

# %% [markdown]
# ## The headline by role group, holding age fixed
#
# A survey-weighted logistic model of "knowingly lost a job, booking or commission because AI
# was used instead" (every other answer, "Don't know" too, counts as no) on role group and age
# band. Odds ratios compare each group with the reference group at the same age.

# %%
lost = role_models.role_model(
    design,
    p.headline.id,
    True,
    by=p.group,
    covariates=[c for c in p.adjust_for if c != p.group],
    label=p.headline.wording,
)
lost

# %%
role_models.odds_ratio_table(lost, **limits)

# %%
role_models.odds_ratio_figure(
    lost, title="Odds of knowingly losing work to AI, by role group and age band", **limits
)

# %%
gap = role_models.hardest_hit(lost, **limits)
display(
    Markdown(
        f"""**Do role groups differ once age is held fixed?** Yes: the design-based Wald test
that every role group has the same odds gives {lost.test_text}. The model used
{lost.fit.n_used:,} respondents ({lost.fit.n_missing:,} left out for a missing answer)."""
    )
)

# %% [markdown]
# ## Predicted probability of lost work by role group
#
# Each group's predicted probability if every respondent were in that group, averaged over the
# sample's ages (marginal standardisation): a percentage a reader can compare directly, unlike
# an odds ratio.

# %%
role_models.margins_table(lost, **limits)

# %%
role_models.margins_figure(
    lost, title="Predicted probability of knowingly losing work to AI, holding age fixed", **limits
)

# %%
display(
    Markdown(
        f"""**What this means.** Holding age fixed, **{gap.top.label}** are the most likely to
have knowingly lost work to AI: a predicted {gap.top.pct} (95% interval {gap.top.interval};
base {gap.top.n:,}), against {gap.bottom.pct} for {gap.bottom.label} (95% interval
{gap.bottom.interval}; base {gap.bottom.n:,}). The gap is {gap.text}. These are associations
in a self-selected, weighted sample: they say where losses are reported, not why."""
    )
)

# %% [markdown]
# ## Who turns to AI-training work, and does losing craft work push them there?
#
# A survey-weighted logistic model of ever being paid to train AI on role group, months
# without craft work in the past two years, and age band.

# %%
training = role_models.role_model(
    design,
    p.focus.measure.id,
    True,
    by=p.group,
    covariates=[c for c in p.adjust_for if c != p.group],
    numeric=["months_no_craft_work"],
    label="been paid to train AI",
)
role_models.odds_ratio_table(training, **limits)

# %%
months = training.fit.tidy(exponentiate=True).set_index("term").loc["months_no_craft_work"]
per_month = st.predict_margins(training.fit, "months_no_craft_work").iloc[0]
display(
    Markdown(
        f"""**Losing craft work and AI-training work.** Holding role group and age fixed, each
further month without craft work multiplies the odds of having been paid to train AI by
{months["estimate"]:.2f} (95% interval {months["ci_low"]:.2f} to {months["ci_high"]:.2f}); on
average a month more adds {100 * per_month["estimate"]:.1f} percentage points to the
probability (95% interval {100 * per_month["ci_low"]:.1f} to {100 * per_month["ci_high"]:.1f}).
Role groups differ too ({training.test_text}). The survey cannot tell whether lost craft work
pushes members to AI-training gigs or the gigs take time from craft work: the model shows they
go together, at the same age and in the same role group."""
    )
)

# %%
role_models.margins_figure(
    training,
    title="Paid AI-training work by role group, at the same months out of work and age",
    **limits,
)

# %% [markdown]
# ## Self-reported loss beside occupational AI-exposure indices
#
# Each role's weighted share who knowingly lost work to AI, beside the published exposure
# indices of the SOC occupation the role maps to (value, and percentile among all
# occupations). Roles share an occupation's index value when they map to the same SOC code;
# "certainty" says how well a role fits its code.

# %%
head = p.headline  # the plan's headline measure (True where its answers were given)
exposure = st.role_exposure_table(design, "role_primary", head.id, level=True)
safe, shown = role_models.exposure_table(
    design, exposure, head.id, True, role="role_primary", **limits
)
shown

# %%
st.fig_exposure(
    exposure,
    "eloundou_human_beta",
    title=f"Members who {head.wording}, by role, against the occupation's exposure index",
    xlabel="Eloundou et al. human-rated exposure (beta) of the role's occupation",
    **limits,
)

# %%
agreement = role_models.exposure_agreement(safe)
agreement

# %%
best = agreement.iloc[0]
display(
    Markdown(
        f"""**How well do the indices agree with members' reports?** Across the
{int(best["roles"])} roles shown, the rank correlation between the share who lost work and an
index is at most {best["rho (primary map)"]:.2f} ({agreement.index[0]}), and swapping uncertain
roles to their alternate SOC codes moves it between {best["lowest rho (alternates)"]:.2f} and
{best["highest rho (alternates)"]:.2f}. The indices measure which tasks current AI could do,
not who lost work: several roles share one occupation's value, so the comparison rests on only
{int(best["occupations"])} distinct occupations, and any interval at the level of the index
(a member-level model with the index as a covariate must cluster by occupation) is fragile:
one occupation can move it. **Never impute job loss from an index**: use the members' own
reports, and treat the indices as context."""
    )
)
