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
# <!-- 05 The memo. Every number in the text below comes from a variable computed in this
# notebook; render it with `survey-tools memo` or `survey_tools.render_memo`. -->

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
from survey_tools.report import findings, role_models
from survey_tools.report.findings import Captioned, pct, prepare_survey, share, share_table

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
from survey_tools.report import fig_likert, fig_pay, fig_prevalence, fig_weighting
from survey_tools.report.notebook import memo_figure

limits = {"min_count": min_count, "min_base": min_base}
summary, rates, weights = run.cleaned.summary, run.rates, design.diagnostics
lost = share(design, "ai_lost_work", "Yes", label="knowingly lost work to AI")
lost_raw = share(run.unweighted, "ai_lost_work", "Yes")
devalued = share(design, "ai_income_devalued", "Yes")
paid = share(design, "rlhf_paid", True)
by_role = design.proportion("ai_lost_work", by="role_group")
most_hit = findings.top_group(design, "ai_lost_work", "Yes", by="role_group", **limits)
below_scale = share(design, "rlhf_pay_below_scale", True)
cancelled = share(design, "rlhf_any_cancelled", True)
nda = share(design, "rlhf_nda_signed", True)
disturbing = share(design, "rlhf_disturbing_often", True)
lost_model = role_models.role_model(design, "ai_lost_work", "Yes", covariates=["age_band"])
hardest = role_models.hardest_hit(lost_model, **limits)
# Agree/disagree items: without straightliners on the grid and attention-check failures, re-raked.
options = findings.options_support(run.attitudes, run.cleaned)
top = options.iloc[0]
field_dates = findings.field_dates(run.cleaned)

# %%
display(
    Markdown(
        f"""# AI-training work and lost work to AI: what should the guild do?

**To:** {guild} officers and board · **From:** research staff · **Re:** {wave}

**Classification:** internal; contains member survey results

## Bottom line

**{lost.pct}** of members knowingly lost work to AI in the past 12 months (95% interval
{lost.interval}; unweighted base {lost.n:,} respondents), most of all
{most_hit.label} ({most_hit.pct}). **{paid.pct}** of members have been paid to train AI
systems, and {below_scale.pct} of those reporting hourly pay earned less than the guild's
scale rate of ${scale_rate:,.0f}. The option with the broadest member support is
**{top["option"]}**, backed by {pct(top["estimate"])} of members (95% interval
{pct(top["ci_low"])} to {pct(top["ci_high"])}): we recommend the guild adopt it.
"""
    )
)

# %% [markdown]
# ## Background
#
# Members report losing bookings, commissions and jobs to generative AI, and a growing number
# take AI-training ("RLHF") gig work for platforms such as Mercor, Outlier, Scale AI or Surge AI,
# often on their own crafts. The guild has no policy on this work. This memo reports what the
# member survey says about both, and which options members support.

# %% [markdown]
# ## Findings
#
# Weighted to the membership roll; 95% intervals; unweighted bases. "—" marks a cell withheld by
# disclosure control.

# %%
display(
    Markdown(
        f"""**Lost work to AI.** {lost.text} knowingly lost a job, booking or commission because
AI was used instead (unweighted, the share was {lost_raw.pct}). A further group suspects so but is
not sure; they stay in the base. {devalued.text} say the income from their work has lost value
because of generative AI."""
    )
)

# %%
memo_figure(
    fig_prevalence(
        by_role,
        by="role_group",
        level="Yes",
        overall=lost.estimate,
        title="Knowingly lost work to AI in the past 12 months, by role group",
        **limits,
    ),
    "lost_work_by_role",
    alt=f"Share of members who knowingly lost work to AI by role group; overall {lost.pct}.",
    figures_dir=figures_dir,
)

# %%
Captioned(
    share_table(design, {"ai_lost_work": "Lost work to AI"}, "Yes", by="role_group", **limits),
    "Table 1. Knowingly lost work to AI in the past 12 months, by role group (weighted)",
)

# %%
display(
    Markdown(
        f"""**Which roles are hit hardest, holding age fixed.** Role groups differ in their
age mix, so we compared them at the same ages (a survey-weighted model of lost work on role group
and age band). **{hardest.top.label}** remain
the hardest hit: {hardest.top.pct} predicted to have knowingly lost work (95% interval
{hardest.top.interval}), against {hardest.bottom.pct} of {hardest.bottom.label} (95% interval
{hardest.bottom.interval}), a gap of {hardest.text}. Role groups differ by more than chance
would explain ({lost_model.test_text})."""
    )
)

# %%
display(
    Markdown(
        f"""**AI-training work.** {paid.text} have been paid to train or evaluate AI systems.
Among them: {below_scale.pct} of those reporting an hourly rate were paid below the scale rate
(base {below_scale.n:,}); {cancelled.pct} had a project end abruptly (base {cancelled.n:,});
{nda.pct} signed non-disclosure agreements (base {nda.n:,}); {disturbing.pct} were often or very
often exposed to disturbing content (base {disturbing.n:,})."""
    )
)

# %%
memo_figure(
    fig_pay(
        design,
        reference={f"Guild scale rate (${scale_rate:,.0f})": scale_rate},
        title="Hourly pay for AI-training work, most recent project (weighted)",
        **limits,
    ),
    "ai_training_pay",
    alt=f"Weighted distribution of hourly pay for AI-training work; {below_scale.pct} below "
    f"the ${scale_rate:,.0f} scale rate.",
    figures_dir=figures_dir,
)

# %%
Captioned(
    share_table(design, findings.platform_columns(run.cleaned), True, **limits),
    "Table 2. Members paid to train AI: platforms or companies worked through (weighted)",
)

# %%
Captioned(
    findings.pay_hours_table(design, scale_rate=scale_rate, min_count=min_count),
    "Table 3. Pay and hours of AI-training work (weighted)",
)

# %% [markdown]
# ## What members want from the guild: the options
#
# Share of members who somewhat or strongly agree with each statement.

# %%
memo_figure(
    fig_likert(
        findings.attitude_table(run.attitudes, run.cleaned),
        by="item",
        title="Agreement with statements on the guild and AI-training work (weighted)",
        **limits,
    ),
    "member_support",
    alt=f"Agreement with guild options; highest: {top['option']} at {pct(top['estimate'])}.",
    figures_dir=figures_dir,
)

# %%
display(
    Markdown(
        "The options, ordered by member support (somewhat or strongly agree):\n\n"
        + "\n".join(
            f"{i}. **{row.option}**: {pct(row.estimate)} (95% interval {pct(row.ci_low)} to "
            f"{pct(row.ci_high)}; base {row.n:,})"
            for i, row in enumerate(options.itertuples(), start=1)
        )
        + f"\n\n**Recommendation.** Adopt *{top['option']}* first; it has the broadest support."
        " Ask guild counsel whether AI-training work on members' crafts falls within the guild's"
        " jurisdiction before any binding rule."
    )
)

# %% [markdown]
# ## Methodology

# %%
display(
    Markdown(
        f"""**Survey.** {wave}, sponsored and conducted by the {guild} research staff. Online
questionnaire; every member on the roll was invited ({rates["invited"]:,} members); fieldwork
{field_dates}. **Response.** {summary["received"]:,} responses received, {summary["kept"]:,} kept
({summary["completes"]:,} complete, {summary["partials"]:,} partial); AAPOR RR1 {pct(rates["rr1"])},
RR2 {pct(rates["rr2"])} (unknown eligibility counted as eligible;
{findings.partials_note(summary, rates)}).
**Quality.** Excluded: {findings.listing(summary["excluded"])}. Flagged but kept:
{findings.listing({k: v for k, v in summary["flagged"].items() if k != "partial"})}. Every
kept respondent counts in the lost-work and AI-training figures; the agree/disagree statements
(the options) leave out the {run.grid_excluded:,} respondents who gave one answer to the whole
grid or failed its attention check, whose answers there are noise, and that subset is raked
again to the roll's margins.
**Weighting.** Equal starting weights raked, without bounds or trimming, to the roll's margins
({", ".join(m.replace("_", " ") for m in run.margins)}); effective sample size
{weights.effective_n:,.0f} of {weights.n:,}, weighting design effect {weights.deff_weighting:.2f}.
**Disclosure control.** Counts below {min_count} and percentages on unweighted bases below
{min_base} are withheld ("—"), with complementary suppression so they cannot be recovered.
**Caveat.** Respondents selected themselves: the survey has no sampling error in the strict
sense. The 95% intervals assume respondents are a random sample of members within weighting
cells, so every margin of error rests on the weighting model."""
    )
)

# %% [markdown]
# **What weighting changed.** Respondents' raw share against the share weighted to the roll.

# %%
memo_figure(
    fig_weighting(
        run.unweighted.proportion("ai_lost_work", by="role_group"),
        by_role,
        by="role_group",
        level="Yes",
        **limits,
    ),
    "weighting_effect",
    alt=f"Unweighted against weighted share who lost work to AI by role; overall "
    f"{lost_raw.pct} unweighted, {lost.pct} weighted.",
    figures_dir=figures_dir,
)

# %% [markdown]
# ## Appendix: question wording

# %%
asked = ["ai_lost_work", "ai_income_devalued", "rlhf_status", "rlhf_platforms", "rlhf_pay_usd_hr"]
agree_items = [item.removesuffix("_agree") for item in findings.attitude_columns(run.cleaned)]
wording = findings.question_wording(run.cleaned, asked + agree_items)
display(
    Markdown(
        "\n".join(
            f"- *{row.question}*" + (f" ({row.answers})" if row.answers else "")
            for row in wording.itertuples()
        )
    )
)
