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
figure_formats = None  # the files saved per figure (None: png, svg, pdf)
previous = None  # the previous wave's export: adds "Since last year" (needs SURVEY_TOOLS_SALT)
previous_codebook = None  # its codebook (None: this wave's)
previous_roll = None  # its membership roll
previous_margins = None  # its roll margins
crosswalk = None  # the crosswalk YAML between the waves (questions marked break are not compared)
seed = 2026
reminders = None  # dates reminders went out; None: the plan's (else halves at the median date)

# %%
import survey_tools as st
from survey_tools.report import evidence as ev
from survey_tools.report import nonresponse_check as nr
from survey_tools.report import fig_likert, fig_pay, fig_prevalence, fig_weighting
from survey_tools.report.findings import field_dates, listing, option_columns, partials_note
from survey_tools.report.notebook import memo_figure
from survey_tools.report.run import notebook_survey
from survey_tools.report.tables import (
    Captioned,
    counted,
    pct,
    question_wording,
    representation_table,
    share_table,
)
from survey_tools.report.text import cap, safe, say

st.setup_notebook(seed=seed)
run = notebook_survey(globals())
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


# The first tables in the order they appear, numbered ahead: the bottom line cites them.
shown_ahead = {
    "head": head.id in found.rankings,
    "focus": bool(focus) and focus.measure.id in found.rankings,
    "conditions": bool(focus) and bool(found.conditions),
    "platforms": bool(focus) and bool(focus.platforms),
    "options": bool(p.options),
}
table_of = {}
for name in [k for k, shown in shown_ahead.items() if shown]:
    table_of[name] = f"Table {len(table_of) + 1}"
weighted_word = "weighted" if run.weighted else "unweighted"
who = safe(p.population)


def stated(s, wording: str, *, bold: bool = False, further: bool = False) -> str:
    """One bottom-line sentence for a share; a withheld share is said to be withheld."""
    if s.withheld:
        return f"The share of {who} who {wording} is withheld ({s.withheld})."
    value = f"**{s.pct}**" if bold else s.pct
    return f"{'A further ' if further else ''}{value} of {who} {wording} ({s.basis})."


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
{f"· **Date:** {safe(p.date)} " if p.date else ""}{f"· **Re:** {safe(p.wave)}" if p.wave else ""}
{f"· **Contact:** {safe(p.contact)}" if p.contact else ""}

**Question:** {safe(p.question)}

**Classification:** internal; contains member survey results{stamp}"""
)

# %%
bullets = [stated(lead, safe(head.wording), bold=True)]
same_question = [k for k, m in p.indicators.items() if m.variable == head.variable and k != head.id]
others = [k for k in p.indicators if k != head.id and k not in same_question]
bullets += [
    stated(found.shares[k], safe(p.indicators[k].wording), further=True) for k in same_question
]
bullets += [stated(found.shares[k], safe(p.indicators[k].wording)) for k in others]
if focus:
    fs = found.shares[focus.measure.id]
    timing = "; ".join(
        f"{found.shares[k].short} {safe(m.wording)}" for k, m in focus.timing.items()
    )
    bullets.append(
        stated(fs, safe(focus.measure.wording), bold=True)
        + (f" Of all {who}, {timing} (n = {fs.n:,})." if timing else "")
    )
    if focus.measure.id in found.rankings:
        bullets.append(
            f"{safe(cap(focus.name))} by {safe(group_word)}: "
            f"{safe(found.rankings[focus.measure.id].text)} ({table_of['focus']})."
        )
    if found.link:
        bullets.append(f"{safe(found.link.sentence(focus.name))}.")
    for d in found.drivers.values():
        bullets.append(f"{safe(d.sentence(focus.name))}.")
    pay = found.pay
    conditions = dict(found.conditions)
    pay_line = ""
    if "pay_below" in conditions and pay.get("benchmark"):
        below = conditions.pop("pay_below")
        no_rate = pay["no_rate"]
        pay_line = (
            f"{below.short} of those whose pay could be read (n = {below.n:,}) "
            f"{safe(focus.conditions['pay_below'].wording)} ({safe(pay['benchmark'].text)})"
            + (
                f"; {no_rate:,} of the {pay['focus_n']:,} gave no pay answer that could be read "
                "as an hourly rate"
                if no_rate >= p.min_count
                else ""
            )
            + "; "
        )
    listed = "; ".join(
        f"{s.short} {safe(focus.conditions[k].wording)}"
        for k, s in conditions.items()
        if not s.withheld
    )
    bases = sorted({s.n for s in conditions.values()})
    base = f"n = {bases[0]:,}" if len(bases) == 1 else f"n = {bases[0]:,} to {bases[-1]:,}"
    if pay_line or listed:
        bullets.append(
            f"Conditions among {safe(focus.name)}: {pay_line}{listed} ({base}; "
            f"{table_of['conditions']}" + (", Figure 2)." if focus.pay else ").")
        )
    if found.numbers:
        bullets.append(
            f"They reported {'; '.join(safe(n['text']) for n in found.numbers.values())}."
        )
if p.options:
    table = found.support
    names = list(dict.fromkeys(table["name"]))
    per_option = []
    for option, part in table.groupby("option", sort=False):
        cells = " / ".join("withheld" if s.withheld else s.short for s in part["share"])
        per_option.append(f"{safe(p.options[option].wording)}: {cells}")
    bullets.append(
        f"Support for each option ({' / '.join(safe(n[:1].lower() + n[1:]) for n in names)}): "
        + "; ".join(per_option)
        + f" ({table_of['options']}, with bases)."
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

**{safe(cap(head.wording))}.** {lead.text}"""
    + (
        "; unweighted the share was "
        + pct(run.unweighted.proportion(head.id).set_index("level").loc[True, "estimate"])
        if run.weighted and not lead.withheld
        else ""
    )
    + f". {fig_no}"
    + (
        f" and {table_of['head']} show it by {safe(group_word)}, with intervals that allow for "
        "comparing all groups at once."
        if rank
        else f" shows it by {safe(group_word)}."
    )
    + (f" {safe(rank.text)}." if rank else "")
)

# %%
by_group = counted(design, design.proportion(head.id, by=group), head.id)
if rank:  # the intervals drawn are the ranking's: they hold for all groups together
    simultaneous = rank.table.set_index(rank.table[group].astype(str))
    keys = by_group[group].astype(str)
    for col in ("ci_low", "ci_high"):
        picked = keys.map(simultaneous[col])
        by_group[col] = picked.where(picked.notna() & (by_group["level"] == True), by_group[col])  # noqa: E712
memo_figure(
    fig_prevalence(
        by_group,
        by=group,
        level=True,
        overall=None if lead.withheld else lead.estimate,
        title=f"{fig_no}. Members who {head.wording}, by {group_word}"
        + (" (intervals allow for comparing all groups)" if rank else ""),
        **limits,
    ),
    "headline_by_group",
    alt=f"{fig_no}: share of members who {head.wording} by {group_word}"
    + ("." if lead.withheld else f"; overall {lead.pct}."),
    figures_dir=figures_dir,
    formats=figure_formats,
)

# %%
if rank:
    table_one = Captioned(
        ev.ranking_table(rank, min_count=p.min_count),
        f"{number('table')}. {cap(head.wording)}, by {group_word}: intervals allow for "
        "comparing all groups together (Bonferroni); tests against the top group (Holm)",
    )
else:
    table_one = None
table_one

# %%
focus_rank = found.rankings.get(focus.measure.id) if focus else None
if focus_rank:
    table_two = Captioned(
        ev.ranking_table(focus_rank, min_count=p.min_count),
        f"{number('table')}. {cap(focus.name)} by {group_word}: share of {p.population} "
        f"who {focus.measure.wording}",
    )
else:
    table_two = None
table_two

# %%
if focus:
    bench = pay.get("benchmark")
    pay_text = ""
    if pay.get("median") is not None:
        unread = pay.get("unreadable_share")
        pay_text = (
            f" Figure 2 shows their hourly pay: the weighted median was ${pay['median']:,.2f} "
            f"an hour (95% CI ${pay['median_ci'][0]:,.2f} to ${pay['median_ci'][1]:,.2f}; n = "
            f"{pay['median_n']:,})"
            + (
                f" against the {safe(bench.id.replace('_', ' '))} of {safe(bench.text)}"
                if bench
                else ""
            )
            + "."
            + (
                f" {unread.pct} of the pay answers given could not be read as a rate "
                f"({unread.basis}; for example pay per task with no hours stated), and "
                f"{pay['statuses'].get('blank', 0):,} members left the question blank; "
                f"{pay['converted_total']:,} totals for a stated number of hours were divided "
                f"by the hours and {pay['ranges']:,} ranges count at their midpoint."
                if unread
                else ""
            )
        )
    say(
        f"**{safe(cap(focus.name))}.** "
        + stated(found.shares[focus.measure.id], safe(focus.measure.wording))
        + (
            f" {table_of['focus']} gives the share by {safe(group_word)}."
            if "focus" in table_of
            else ""
        )
        + (
            f" {table_of['conditions']} gives the conditions they reported."
            if "conditions" in table_of
            else ""
        )
        + pay_text
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
        formats=figure_formats,
    )

# %%
Captioned(
    ev.conditions_table(found, p),
    f"{number('table')}. Conditions reported by {focus.name} ({weighted_word} shares among them)",
) if focus and found.conditions else None

# %%
if focus and focus.platforms:
    platforms = share_table(
        design,
        option_columns(run.cleaned, focus.platforms),
        True,
        **limits,
    )
    platform_table = Captioned(
        platforms,
        f"{number('table')}. Platforms or companies {focus.name} worked through ({weighted_word} "
        "shares among them; more than one could be named)",
    )
else:
    platform_table = None
platform_table

# %%
option_scale = next(iter(p.options.values())).scale if p.options else None
if p.options:
    say(
        "## The options: support among all members and the groups the question is about\n\n"
        f"Table {numbered['table'] + 1} gives the share who agree (the positive side of each "
        f"statement's answer scale) with the statement behind each option, among all {who} and "
        "among the groups the question is about, side by side; the last column lists what each "
        f"option would address among the conditions found. Figure {numbered['figure'] + 1} "
        "shows every answer."
        + (
            " The statements were answered on the scale \u201c"
            + safe(" / ".join(map(str, option_scale.ladder)))
            + "\u201d; the agree share counts \u201c"
            + safe(" / ".join(map(str, option_scale.positive)))
            + "\u201d."
            if option_scale
            else ""
        )
        + (
            f" {run.grid_excluded:,} respondents who gave one answer to the whole grid or failed "
            "its attention check are left out of these shares only (they count everywhere "
            "else)" + (", and the rest are re-weighted to the roll." if run.weighted else ".")
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
            scale=option_scale,
            title=f"{fig_no}. Answers to each option's statement"
            + (" (weighted)" if run.weighted else " (unweighted)"),
            **limits,
        ),
        "option_answers",
        alt=f"{fig_no}: {'weighted' if run.weighted else 'unweighted'} answers to the "
        f"statements behind the {len(items)} options.",
        figures_dir=figures_dir,
        formats=figure_formats,
    )

# %%
from survey_tools.report.comment_tables import (
    gather_comments,
    theme_group_table,
    theme_table,
    top_themes,
)

said = gather_comments(run)
if said:
    leading = top_themes(said, 3)
    listed = "; ".join(
        f"{safe(said.themes.themes[t].label[:1].lower() + said.themes.themes[t].label[1:])} "
        f"{pct(said.share(t)['estimate'])} (95% CI {pct(said.share(t)['ci_low'])} to "
        f"{pct(said.share(t)['ci_high'])})"
        for t in leading
    )
    say(
        "## What members told us\n\n"
        f"{said.commenters:,} of the {said.asked:,} respondents shown the last question "
        f"(\u201canything else the guild should know?\u201d) wrote a comment "
        f"({pct(said.commenting['estimate'])} weighted). Coded into themes with the guild's "
        f"theme codebook, the themes commenters raised most were: {listed}. "
        f"Table {numbered['table'] + 1} gives every theme's share among commenters and among "
        f"all {who}, and Table {numbered['table'] + 2} the leading themes by "
        f"{safe(group_word)}. {safe(said.note)}"
    )

# %%
Captioned(
    theme_table(said),
    f"{number('table')}. Themes of the open comments (weighted share; 95% CI; commenters "
    "raising each theme, unweighted)",
) if said else None

# %%
Captioned(
    theme_group_table(said, themes=top_themes(said, 3), by_row=True),
    f"{number('table')}. Leading themes by {group_word}, among commenters (weighted share, "
    "95% CI; \u2014 withheld)",
) if said else None

# %%
if said and len(said.quotes):
    say(
        "In members' own words (quotes approved by the research staff; attributed by "
        f"{safe(group_word)} only):\n\n"
        + "\n\n".join(
            f"> \u201c{safe(quote)}\u201d \u2014 *a member, {safe(group)}; {safe(label[:1].lower() + label[1:])}*"
            for quote, group, label in zip(
                said.quotes["quote"], said.quotes[said.by], said.quotes["label"]
            )
        )
    )

# %%
if previous:
    from survey_tools.report.since import previous_run, since_last_year

    before = previous_run(
        run,
        previous,
        previous_codebook or codebook,
        roll=previous_roll,
        margins=previous_margins,
    )
    since = since_last_year(run, before, crosswalk=crosswalk)
    wa, wb = since.waves
    linked = (
        f"{since.linked:,} members answered both waves ({since.share_linked:.0%} of the "
        f"{since.n_before:,} in {wa}); their two answers are linked, so the intervals of change "
        "allow for members answering alike both times"
        if since.linked
        else "Members could not be linked between the waves, so the intervals treat them as "
        "independent samples"
    )
    lines = []
    for c in since.changes:
        if c.note:
            lines.append(f"- **{safe(cap(c.wording))}**: not compared. {safe(c.note)}")
            continue
        line = f"- **{safe(cap(c.wording))}**: {safe(c.sentence)} (all members)."
        if c.clear:
            line += f" Clear changes by {safe(group_word)}: " + "; ".join(map(safe, c.clear)) + "."
        else:
            line += f" No {safe(group_word)} changed clearly once all were compared."
        lines.append(line)
    say(
        f"## Since last year\n\n{wa} to {wb}, each wave weighted to its own roll. "
        f"{linked}. Intervals are 95%; a change by {safe(group_word)} is called clear only "
        "when it holds after allowing for comparing every group (Benjamini-Hochberg).\n\n"
        + "\n".join(lines)
    )

# %%
if previous:
    for c in since.changes:
        if c.table is not None:
            display(
                Captioned(
                    c.table.set_index(group).rename_axis(cap(group_word)),
                    f"{number('table')}. Since {wa}: {c.wording}, by {group_word} "
                    f'("—": withheld by disclosure control)',
                )
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
        f"Speeders: completed in under {quality.get('speeder_ratio', 0.5):.0%} of the median time"
    )
if quality.get("grids"):
    rules.append("Straightliners: one answer to every item of a grid of three or more")
if quality.get("attention"):
    rules.append("Attention check: the instructed answer not given")
if quality.get("complete_share"):
    rules.append(
        f"Complete: at least {quality['complete_share']:.0%} of applicable questions answered, "
        f"partial from {quality.get('partial_share', 0):.0%}"
    )
response = (
    f"AAPOR RR1 {pct(rates['rr1'])}, RR2 {pct(rates['rr2'])} (unknown eligibility counted as "
    f"eligible; {partials_note(summary, rates) if rates['source'] == 'dispositions' else safe(rates['note'])})"
    if rates["rr1"] == rates["rr1"]
    else f"Response rates {safe(rates['note'])}"
)
fieldwork = f"fieldwork {field_dates(run.cleaned)}"
fieldwork = (
    f"{rates['invited']:,} members were invited; {fieldwork}"
    if rates["invited"]
    else cap(fieldwork)
)
check = None
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
        f"who answered were not like the roll on these margins (Table {numbered['table'] + 1}, "
        f"Figure {numbered['figure'] + 1}). "
    )
    check = (
        nr.check_nonresponse(run, export=export, roll=roll, reminders=reminders, cache=True)
        if roll
        else None
    )
    if check:
        rep, classes = check.report, check.classes
        adj_w = check.weights["propensity-adjusted and raked"]
        gaps = nr.roll_table(check, min_count=p.min_count)
        gap = gaps.loc[(gaps["respondents %"] - gaps["roll %"]).abs().idxmax()]
        cross = " and ".join(" by ".join(pair).replace("_", " ") for pair in check.interactions)
        weighting += (
            f"**Respondents against the whole roll.** {rep.n_respondents:,} of the "
            f"{rep.n_roll:,} members on the roll answered ({pct(rep.response_rate)}); the "
            f"R-indicator of representativeness is {rep.r_indicator:.2f} (SE "
            f"{rep.r_indicator_se:.3f}; 1 would mean every member equally likely to answer), "
            f"the largest gap {safe(gap['variable'])} {safe(gap['level'])} "
            f"({gap['respondents %']:.1f}% of respondents, {gap['roll %']:.1f}% of the roll). "
            + (
                f"Response also differed by {safe(cross)} beyond what the margins capture, so "
                f"the weights were first adjusted in {classes} response-propensity classes from a "
                "model fitted on the whole roll with that cross-class, then raked: "
                if cross
                else f"Weights were first adjusted in {classes} response-propensity classes from "
                "a model fitted on the whole roll, then raked: "
            )
            + f"ratio {adj_w.ratio:.1f}, Kish design effect {adj_w.deff_kish:.2f}; trimming "
            f"them at {check.trim_rule} cut {check.trimmed} weights. "
            f"{nr.bias_direction(check, head.id)} Table {numbered['table'] + 2} gives the "
            "headline figures under each weighting; the figures in this memo use raking alone."
        )
    else:
        weighting += (
            "Weighting corrects only what the margins capture; if the members who did not "
            "answer differ the same way within craft, region, age and status, the weighted "
            f"figures may still {runs} the true share, and the survey alone cannot tell."
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
    "Members chose whether to answer, so the survey has no sampling error in the strict "
    "sense: the 95% intervals assume that, within each weighting cell ("
    + safe(", ".join(m.replace("_", " ") for m in run.margins))
    + "), those who answered resemble those who did not. Every margin of error rests on that."
    if run.weighted
    else "Respondents chose whether to answer, so the survey has no sampling error in the "
    "strict sense: the 95% intervals treat them as a simple random sample, so they describe "
    "the respondents and say nothing of those who did not answer."
)
dropped = (
    " **Not asked in this survey** (sections left out): " + "; ".join(map(safe, p.dropped)) + "."
    if p.dropped
    else ""
)
say(
    f"""**Survey.** {safe(p.wave or "The survey")}, sponsored and conducted by the research staff of
{safe(p.guild or "the guild")}. {fieldwork}.
**Response.** {summary["received"]:,} responses received, {summary["kept"]:,} kept
{completion}; {response}.
**Quality rules as used.** {"; ".join(rules) or "none declared in the codebook"}. Excluded:
{listing(summary["excluded"])}. Flagged but kept: {listing({k: v for k, v in summary["flagged"].items() if k != "partial"})}.
**Weighting.** {weighting}
{benchmarks}**Disclosure control.** Counts below {p.min_count} and percentages on unweighted bases below
{p.min_base} are withheld ("—"), with complementary suppression so they cannot be recovered.
**Rankings.** Intervals in rankings hold for all groups together (Bonferroni), and a group is
called highest only when it is above every other after Holm's adjustment.
**Caveat.** {assumption}{dropped}"""
)

# %%
Captioned(
    representation_table(run, min_count=p.min_count),
    f"{number('table')}. Respondents against the membership roll, on every weighting margin",
) if run.weighted else None

# %%
Captioned(
    nr.sensitivity_table(check, {k: m.wording for k, m in p.indicators.items()}),
    f"{number('table')}. The headline figures under each weighting: unweighted, raked to the "
    "margins, adjusted for response propensity on the roll and raked, and trimmed",
) if run.weighted and check else None

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
        formats=figure_formats,
    )

# %% [markdown]
# ## Appendix: question wording

# %%
asked = list(dict.fromkeys(m.variable for m in p.measures().values()))
if focus:
    asked += [focus.platforms] if focus.platforms else []
    asked += [n["variable"] for n in (*focus.numbers.values(), *focus.drivers.values())]
wording = question_wording(run.cleaned, asked)
say(
    "\n".join(
        f"- *{safe(row.question)}*" + (f" ({safe(row.answers)})" if row.answers else "")
        for row in wording.itertuples()
    )
)
