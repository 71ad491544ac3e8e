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
# <!-- 05 The memo. What it reports comes from the survey's analysis plan; every number in the
# text comes from a variable computed here. Render it with `survey-tools memo`. -->

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
from survey_tools.report import evidence as ev
from survey_tools.report import fig_likert, fig_pay, fig_prevalence, fig_weighting
from survey_tools.report.findings import field_dates, listing, partials_note
from survey_tools.report.notebook import memo_figure
from survey_tools.report.run import prepare_survey
from survey_tools.report.tables import Captioned, pct, question_wording, representation_table
from survey_tools.report.text import cap, safe, say

st.setup_notebook(seed=seed)
run = prepare_survey(
    export,
    codebook,
    plan=plan,
    roll=roll,
    margins=roll_margins,
    dispositions=dispositions,
    invited=invited,
    benchmarks={"scale_rate": scale_rate},
    guild=guild,
    wave=wave,
    min_count=min_count,
    min_base=min_base,
)
p, design = run.plan, run.design
found = ev.gather(run)
limits = {"min_count": p.min_count, "min_base": p.min_base}
head = p.headline
lead = found.shares[head.id]
focus = p.focus
group, group_word = p.group, p.groups[p.group]
numbered = {"figure": 0, "table": 0}


def number(kind: str) -> str:
    """The next figure or table number, as the text refers to it."""
    numbered[kind] += 1
    return f"{kind.capitalize()} {numbered[kind]}"


# %%
stamp = (
    "\n\n**Not disclosure-checked at the standard thresholds** (counts below 10 and bases "
    f"below 30): this memo uses {p.min_count} and {p.min_base}."
    if p.below_standard
    else ""
)
say(
    f"""# {safe(p.title or p.question)}

**To:** {safe(p.guild or "the guild")} officers and board · **From:** {safe(p.author or "research staff")}
{f"· **Date:** {safe(p.date)} " if p.date else ""}· **Re:** {safe(p.wave)}
{f"· **Contact:** {safe(p.contact)}" if p.contact else ""}

**Question:** {safe(p.question)}

**Classification:** internal; contains member survey results{stamp}"""
)

# %%
who = safe(p.population)
bullets = [f"**{lead.pct}** of {who} {safe(head.wording)} ({lead.basis})."]
suspect = [k for k, m in p.indicators.items() if m.variable == head.variable and k != head.id]
bullets += [
    f"A further {found.shares[k].pct} {safe(p.indicators[k].wording)} ({found.shares[k].basis})."
    for k in suspect
]
if focus:
    fs = found.shares[focus.measure.id]
    timing = "; ".join(f"{found.shares[k].pct} {safe(m.wording)}" for k, m in focus.timing.items())
    bullets.append(
        f"**{fs.pct}** of {who} {safe(focus.measure.wording)} ({fs.basis})"
        + (f": {timing}." if timing else ".")
    )
    if focus.measure.id in found.rankings:
        bullets.append(f"By {safe(group_word)}: {safe(found.rankings[focus.measure.id].text)}.")
    if found.link:
        bullets.append(f"{safe(found.link.sentence(focus.name))}.")
    worst = sorted(
        ((k, s) for k, s in found.conditions.items() if not s.withheld),
        key=lambda ks: -ks[1].estimate,
    )[:4]
    if worst:
        bullets.append(
            f"Conditions among {safe(focus.name)}: "
            + "; ".join(f"{s.pct} {safe(focus.conditions[k].wording)}" for k, s in worst)
            + " (Table 2)."
        )
if p.options:
    best = found.support[found.support["group"] == "all"]
    best = best.loc[best["share"].map(lambda s: -s.estimate).sort_values().index[0]]
    bullets.append(
        f"Members' support for {len(p.options)} options ranges up to {best['share'].pct} "
        f"({safe(best['wording'])}); Table 3 sets each option's support among all {who} "
        "beside the groups the question is about."
    )
recommendation = p.fill(p.recommendation, found.values) if p.recommendation else ""
say(
    "## Bottom line\n\n"
    + "\n".join(f"- {b}" for b in bullets)
    + (
        f"\n\n**Recommendation.** {safe(recommendation)}"
        if recommendation
        else "\n\n**Recommendation.** The analysis plan states none yet: the research staff "
        "write it under `recommendation:` in the plan, quoting the figures by name."
    )
)

# %%
rank = found.rankings.get(head.id)
fig_no = number("figure")
say(
    f"""## Findings

{"Weighted to the membership roll" if run.weighted else "Not weighted (no roll to weight to)"};
95% intervals; unweighted bases (n). "—" marks a figure withheld by disclosure control.

**{safe(cap(head.wording))}.** {lead.text}; unweighted the share was
{pct(run.unweighted.proportion(head.id).set_index("level").loc[True, "estimate"])}.
{fig_no} shows it by {safe(group_word)}."""
    + (
        f" {safe(rank.text)} (Table 1: intervals there hold for all groups at once)."
        if rank
        else ""
    )
)

# %%
memo_figure(
    fig_prevalence(
        design.proportion(head.id, by=group),
        by=group,
        level=True,
        overall=lead.estimate,
        title=f"{fig_no}. Members who {head.wording}, by {group_word}",
        **limits,
    ),
    "headline_by_group",
    alt=f"{fig_no}: share of members who {head.wording} by {group_word}; overall {lead.pct}.",
    figures_dir=figures_dir,
)

# %%
if rank:
    display_table = Captioned(
        ev.ranking_table(rank),
        f"{number('table')}. {cap(head.wording)}, by {group_word}: groups ranked, "
        "intervals holding for all groups together (Bonferroni), tests against the top group "
        "(Holm)",
    )
else:
    number("table")
    display_table = None
display_table

# %%
if focus:
    pay = found.pay
    bench = pay.get("benchmark")
    pay_text = ""
    if pay.get("median") is not None:
        unread = pay.get("unreadable_share")
        pay_text = (
            f" The weighted median pay was ${pay['median']:,.2f} an hour (95% CI "
            f"${pay['median_ci'][0]:,.2f} to ${pay['median_ci'][1]:,.2f}; n = "
            f"{pay['median_n']:,})"
            + (
                f" against the {safe(bench.id.replace('_', ' '))} of {safe(bench.text)}"
                if bench
                else ""
            )
            + "."
            + (
                f" {unread.pct} of pay answers could not be read as a rate ({unread.basis}; "
                "for example pay per task with no hours stated); "
                f"{pay['converted_total']:,} totals for a stated number of hours were divided "
                f"by the hours and {pay['ranges']:,} ranges count at their midpoint."
                if unread
                else ""
            )
        )
    numbers = "".join(f" They reported {safe(n['text'])}." for n in found.numbers.values())
    say(
        f"**{safe(cap(focus.name))}.** {found.shares[focus.measure.id].pct} of {who} "
        f"{safe(focus.measure.wording)} ({found.shares[focus.measure.id].basis}). Table 2 gives the conditions they reported.{pay_text}"
        f"{numbers}"
    )

# %%
if focus and focus.pay:
    fig_no = number("figure")
    memo_figure(
        fig_pay(
            design,
            focus.pay["variable"],
            reference={f"{cap(bench.id.replace('_', ' '))} ({bench.text})": bench.value}
            if bench
            else None,
            title=f"{fig_no}. Hourly pay of {focus.name}, most recent project",
            **limits,
        ),
        "focus_pay",
        alt=f"{fig_no}: weighted distribution of hourly pay of {focus.name}"
        + (
            f"; {found.conditions['pay_below'].pct} below {bench.text}."
            if bench and "pay_below" in found.conditions
            else "."
        ),
        figures_dir=figures_dir,
    )

# %%
Captioned(
    ev.conditions_table(found, p),
    f"{number('table')}. Conditions reported by {focus.name} (weighted shares among them)",
) if focus and found.conditions else None

# %% [markdown]
# ## The options: support among all members and the groups the question is about

# %%
if p.options:
    say(
        "Share who agree (the positive side of each statement's answer scale) with each "
        "statement that measures an option, among all members and among the groups compared; "
        "the last column lists what each option would address among the conditions found. "
        + (
            f"The statements' answers were scored on the scale "
            f"\u201c{safe(' / '.join(design.data[p.options[next(iter(p.options))].variable].cat.categories))}\u201d."
            if hasattr(design.data[p.options[next(iter(p.options))].variable], "cat")
            else ""
        )
        + (
            f" {run.grid_excluded:,} respondents who gave one answer to the whole grid or failed "
            "its attention check are left out of these shares, and the rest raked again."
            if run.grid_excluded
            else ""
        )
    )

# %%
Captioned(
    ev.support_table(found, p),
    f"{number('table')}. Support for each option (share; 95% CI; unweighted base)",
) if p.options else None

# %%
if p.options:
    fig_no = number("figure")
    items = [m.variable for m in p.options.values()]
    stacked = {m.wording: run.options.proportion(m.variable) for m in p.options.values()}
    import pandas as pd

    memo_figure(
        fig_likert(
            pd.concat(stacked, names=["item"]).reset_index(0),
            by="item",
            title=f"{fig_no}. Answers to each option's statement (weighted)",
            **limits,
        ),
        "option_answers",
        alt=f"{fig_no}: weighted answers to the statements behind the {len(items)} options.",
        figures_dir=figures_dir,
    )

# %%
steps = "\n".join(
    f"| {safe(p.fill(s.step, found.values))} | {safe(s.owner)} | {safe(s.due)} |"
    for s in p.next_steps
)
say(
    "## Next steps\n\n"
    + (
        f"| Next step | Owner | Due |\n|:--|:--|:--|\n{steps}"
        if steps
        else "No next steps are stated in the plan (`next_steps:`)."
    )
)

# %% [markdown]
# ## Methodology

# %%
summary, rates, weights = run.cleaned.summary, run.rates, design.diagnostics
quality = run.cleaned.codebook.get("quality", {}) or {}
rules = []
if quality.get("duration"):
    rules.append(
        f"speeders: completed in under {quality.get('speeder_ratio', 0.5):.0%} of the median time"
    )
if quality.get("grids"):
    rules.append("straightliners: one answer to every item of a grid of three or more")
if quality.get("attention"):
    rules.append("attention check: the instructed answer not given")
if quality.get("complete_share"):
    rules.append(
        f"complete: at least {quality['complete_share']:.0%} of applicable questions answered, "
        f"partial from {quality.get('partial_share', 0):.0%}"
    )
response = (
    f"AAPOR RR1 {pct(rates['rr1'])}, RR2 {pct(rates['rr2'])} (unknown eligibility counted as "
    f"eligible; {partials_note(summary, rates) if rates['source'] == 'dispositions' else safe(rates['note'])})"
    if rates["rr1"] == rates["rr1"]
    else f"Response rates {safe(rates['note'])}"
)
invited_text = f"{rates['invited']:,} members were invited; " if rates["invited"] else ""
if run.weighted:
    raw = run.unweighted.proportion(head.id).set_index("level").loc[True, "estimate"]
    moved = "lowered" if raw > lead.estimate else "raised"
    runs = "overstate" if raw > lead.estimate else "understate"
    weighting = (
        f"Equal starting weights raked, without bounds or trimming, to the roll's margins "
        f"({safe(', '.join(m.replace('_', ' ') for m in run.margins))}). Weights range from "
        f"{weights.weight_min:.2f} to {weights.weight_max:.2f} (ratio {weights.weight_ratio:.1f}); "
        f"effective sample size {weights.effective_n:,.0f} of {weights.n:,}, weighting design "
        f"effect {weights.deff_weighting:.2f}. **Likely direction of nonresponse bias.** "
        f"Weighting {moved} the headline from {pct(raw)} unweighted to {lead.pct}: the members "
        f"who answered were not like the roll on these margins (Table {numbered['table'] + 1}). "
        "Weighting corrects only what the margins capture; if the members who did not answer "
        f"differ the same way within the weighting cells, the weighted figures still {runs} "
        "the true share."
    )
    if run.imputed:
        weighting += (
            " "
            + "; ".join(
                f"{n:,} respondents without a {safe(k.replace('_', ' '))} were weighted as members of "
                "the roll's largest group on it"
                for k, n in run.imputed.items()
            )
            + "."
        )
else:
    weighting = (
        "Not weighted: no roll margins were given, so every figure describes the respondents, "
        "and intervals treat them as a simple random sample of members."
    )
benchmarks = "".join(
    f"**Benchmark: {safe(b.id.replace('_', ' '))}** ({safe(b.text)}). {safe(b.definition)} "
    f"Source: {safe(b.source or 'not stated in the plan')}. "
    for b in p.benchmarks.values()
)
completion = (
    f"({summary['completes']:,} complete, {summary['partials']:,} partial)"
    if summary["completes"] or summary["partials"]
    else "(the export records no completion status, so every response is kept)"
)
assumption = (
    "The 95% intervals assume respondents are a random sample of members within weighting "
    "cells, so every margin of error rests on the weighting model."
    if run.weighted
    else "The 95% intervals treat respondents as a simple random sample: they describe the "
    "respondents, and say nothing of those who did not answer."
)
dropped = (
    " **Not asked in this survey** (sections left out): " + "; ".join(map(safe, p.dropped)) + "."
    if p.dropped
    else ""
)
say(
    f"""**Survey.** {safe(p.wave)}, sponsored and conducted by the research staff of
{safe(p.guild or "the guild")}. {invited_text}fieldwork {field_dates(run.cleaned)}.
**Response.** {summary["received"]:,} responses received, {summary["kept"]:,} kept
{completion}; {response}.
**Quality rules as used.** {"; ".join(rules) or "none declared in the codebook"}. Excluded:
{listing(summary["excluded"])}. Flagged but kept: {listing({k: v for k, v in summary["flagged"].items() if k != "partial"})}.
**Weighting.** {weighting}
{benchmarks}**Disclosure control.** Counts below {p.min_count} and percentages on unweighted bases below
{p.min_base} are withheld ("—"), with complementary suppression so they cannot be recovered.
**Rankings.** Intervals in rankings hold for all groups together (Bonferroni), and a group is
called highest only when it is above every other after Holm's adjustment.
**Caveat.** Respondents selected themselves: the survey has no sampling error in the strict
sense. {assumption}{dropped}"""
)

# %%
Captioned(
    representation_table(run, min_count=p.min_count),
    f"{number('table')}. Respondents against the membership roll, on every weighting margin",
) if run.weighted else None

# %%
if run.weighted:
    fig_no = number("figure")
    memo_figure(
        fig_weighting(
            run.unweighted.proportion(head.id, by=group),
            design.proportion(head.id, by=group),
            by=group,
            level=True,
            title=f"{fig_no}. What weighting changed: {head.wording}, by {group_word}",
            **limits,
        ),
        "weighting_effect",
        alt=f"{fig_no}: unweighted against weighted share who {head.wording} by {group_word}.",
        figures_dir=figures_dir,
    )

# %% [markdown]
# ## Appendix: question wording

# %%
asked = list(dict.fromkeys(m.variable for m in p.measures().values()))
if focus and focus.platforms:
    asked.append(focus.platforms)
wording = question_wording(run.cleaned, asked)
say(
    "\n".join(
        f"- *{safe(row.question)}*" + (f" ({safe(row.answers)})" if row.answers else "")
        for row in wording.itertuples()
    )
)
