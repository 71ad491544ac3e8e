"""A table and a figure of the same estimate show and withhold the same groups, and neither
prints a group size below min_count: on a real Qualtrics export and on the Star Wars example,
as an analyst calls them."""

import re

import matplotlib.colors as mcolors
import pytest

from conftest import ROOT, SHARED
from survey_tools import Codebook, SurveyDesign, clean, read_export
from survey_tools.report import fig_pay, fig_prevalence
from survey_tools.report.tables import share_table, stats_table
from survey_tools.report.theme import PALETTE

QUALTRICS = SHARED / "fixtures" / "external" / "qualtrics" / "qualtRics_api_beskar_armor_full.csv"
STARWARS = SHARED / "fixtures" / "external" / "surveymonkey" / "538_StarWars.csv"
MIN_COUNT = 10


@pytest.fixture(scope="module")
def qualtrics():
    export = read_export(QUALTRICS)
    data = clean(export, Codebook.draft(export)).data
    return SurveyDesign(data.assign(finished_yes=data["finished"].astype(str) == "True"))


@pytest.fixture(scope="module")
def starwars():
    book = Codebook.from_yaml(ROOT / "data" / "codebooks" / "examples" / "538_starwars.yaml")
    return SurveyDesign(clean(read_export(STARWARS), book).data)


def table_withheld(table) -> set[str]:
    return {str(g) for g, v in zip(table.index, table.iloc[:, 0], strict=True) if v == "—"}


def figure_withheld(fig) -> set[str]:
    """The groups the figure greys out (withheld: a mark in place of the estimate)."""
    grey = mcolors.to_rgba(PALETTE["grey"])
    return {
        " ".join(t.get_text().split())  # labels wrap on the figure
        for t in fig.axes[0].get_yticklabels()
        if mcolors.to_rgba(t.get_color()) == grey
    }


def printed_sizes(fig) -> list[int]:
    """Every group size the figure prints: the base column, and "n = 12" in labels and notes."""
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    texts += [ax.get_ylabel() for ax in fig.axes] + [t.get_text() for t in fig.texts]
    sizes = [int(t.replace(",", "")) for t in texts if re.fullmatch(r"[\d,]+", t.strip())]
    for t in texts:
        sizes += [int(m.replace(",", "")) for m in re.findall(r"\bn = ([\d,]+)", t)]
        sizes += [int(m.replace(",", "")) for m in re.findall(r"^([\d,]+) respondents", t)]
    return sizes


def table_sizes(table) -> list[int]:
    return [int(v.replace(",", "")) for v in table["Base (n)"] if re.fullmatch(r"[\d,]+", v)]


def test_starwars_share_table_and_figure_withhold_the_same_groups(starwars):
    level = "Very favorably"
    for by in ("education", "location_census_region", "age"):
        table = share_table(starwars, {"yoda": "Yoda"}, level, by=by)
        fig = fig_prevalence(starwars.proportion("yoda", by=by), by=by, level=level)
        assert table_withheld(table) == figure_withheld(fig), by
        assert len(table_withheld(table)) < len(table)  # some groups are shown
        small = [n for n in printed_sizes(fig) + table_sizes(table) if 0 < n < MIN_COUNT]
        assert not small, f"{by}: group sizes below {MIN_COUNT} printed: {small}"


def test_qualtrics_share_table_and_figure_print_no_small_group(qualtrics):
    table = share_table(qualtrics, {"q17": "q17"}, "Yes", by="q63")
    fig = fig_prevalence(qualtrics.proportion("q17", by="q63"), by="q63", level="Yes")
    assert table_withheld(table) == figure_withheld(fig)
    bases = [t.get_text() for t in fig.axes[0].texts]
    assert bases.count(f"<{MIN_COUNT}") == len(table)  # every group's base, as the table has it
    small = [n for n in printed_sizes(fig) + table_sizes(table) if 0 < n < MIN_COUNT]
    assert not small, f"group sizes below {MIN_COUNT} printed: {small}"


def test_qualtrics_median_in_table_and_pay_figure_by_one_rule(qualtrics):
    col = "duration_in_seconds"
    table = stats_table(qualtrics, {"Median duration": (col, "median", "{:,.0f}")})
    fig = fig_pay(qualtrics, col, xlabel="Duration (seconds)")
    table_shows = table.loc["Median duration", "Estimate"] != "—"
    figure_shows = any(t.get_text().startswith("Median") for t in fig.axes[0].texts)
    assert table_shows == figure_shows
    by_group = fig_pay(qualtrics, col, by="q63", xlabel="Duration (seconds)")
    small = [n for n in printed_sizes(by_group) if 0 < n < MIN_COUNT]
    assert not small, f"group sizes below {MIN_COUNT} printed: {small}"


def test_qualtrics_mean_in_table_and_figure_by_one_rule(qualtrics):
    col = "progress"
    table = stats_table(
        qualtrics, {"Mean progress": (col, "mean", "{:.1f}")}, within="finished_yes"
    )
    fig = fig_prevalence(qualtrics.mean(col, by="finished_yes"), by="finished_yes")
    table_shows = table.loc["Mean progress", "Estimate"] != "—"
    assert table_shows == ("True" not in figure_withheld(fig))
    assert int(table.loc["Mean progress", "Base (n)"].replace(",", "")) >= MIN_COUNT


def test_starwars_model_tables_and_figures_withhold_the_same_groups(starwars):
    from survey_tools.report import fig_odds_ratios, fig_predicted
    from survey_tools.report.role_models import margins_table, odds_ratio_table, role_model

    data = starwars.data.dropna(subset=["education", "gender"])
    model = role_model(
        SurveyDesign(data), "han_solo", "Very favorably", by="education", covariates=["gender"]
    )
    odds = odds_ratio_table(model).set_index("Level")[["Odds ratio"]]
    fig = fig_odds_ratios(model.fit.tidy(exponentiate=True), fit=model.fit)
    assert table_withheld(odds) == figure_withheld(fig) - {"Male", "Female"}
    small = [n for n in printed_sizes(fig) + table_sizes(odds_ratio_table(model)) if 0 < n < 10]
    assert not small, f"group sizes below {MIN_COUNT} printed: {small}"
    table = margins_table(model).set_index("Education")
    for fig in (fig_predicted(model.margins), fig_predicted(model.margins, fit=model.fit)):
        assert table_withheld(table) == figure_withheld(fig)
        assert table_withheld(table) and len(table_withheld(table)) < len(table)
        small = [n for n in printed_sizes(fig) + table_sizes(table) if 0 < n < MIN_COUNT]
        assert not small, f"group sizes below {MIN_COUNT} printed: {small}"


def test_a_figure_below_the_standard_thresholds_says_so(starwars):
    by, level = "education", "Very favorably"
    table = starwars.proportion("yoda", by=by)
    low = fig_prevalence(table, by=by, level=level, min_count=5, min_base=20)
    texts = " ".join(" ".join(t.get_text().split()) for t in low.texts)
    assert "NOT DISCLOSURE-CHECKED AT THE STANDARD THRESHOLDS" in texts
    assert "min_count=5, min_base=20; the standard is min_count=10, min_base=30" in texts
    standard = fig_prevalence(table, by=by, level=level)
    assert "NOT DISCLOSURE-CHECKED" not in " ".join(t.get_text() for t in standard.texts)


def test_representation_table_hides_the_count_that_gives_a_small_one_away(starwars):
    from types import SimpleNamespace

    from survey_tools.report.tables import representation_table

    data = starwars.data.dropna(subset=["education"])
    counts = data["education"].astype(str).value_counts()
    margins = {"education": {level: 10 * int(n) for level, n in counts.items()}}
    run = SimpleNamespace(design=SurveyDesign(data), margins=margins)
    table = representation_table(run).loc["education"]
    small = [lvl for lvl, n in counts.items() if 0 < n < MIN_COUNT]
    assert small and all(table.loc[lvl, "Respondents"] == "—" for lvl in small)
    # the total of respondents is printed with the memo, so one more count is withheld
    assert (table["Respondents"] == "—").sum() >= len(small) + 1


def test_weighted_table_and_figure_withhold_every_group_with_few_respondents(demo_files):
    """Weighted, a share of 7.8% on 127 reads as 10 respondents where 9 answered: the rule
    runs on the respondents' own counts, in the table and (given them) in the figure."""
    from survey_tools.report.run import prepare_survey
    from survey_tools.report.tables import counted

    book = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"
    run = prepare_survey(
        demo_files["spss"], book, roll=demo_files["roll"], margins=demo_files["margins"]
    )
    design, group, col = run.design, run.plan.group, run.plan.focus.measure.id
    table = share_table(design, {col: col}, True, by=group)
    fig = fig_prevalence(counted(design, design.proportion(col, by=group), col))
    assert table_withheld(table) == figure_withheld(fig)
    answered = design.data[design.data[col].notna()]
    own = answered.groupby(group, observed=True)[col].agg(lambda s: int((s == True).sum()))  # noqa: E712
    few = {str(g) for g, n in own.items() if 0 < n < MIN_COUNT}
    assert few and few <= table_withheld(table)
