"""The memo's numbers: agree/disagree items estimated without the grid's noise, re-raked."""

import pandas as pd
import pytest

from conftest import ROOT
from survey_tools import SurveyDesign
from survey_tools.errors import SurveyToolsError
from survey_tools.report.findings import grid_exclusions, share
from survey_tools.report.run import prepare_survey

BOOK = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"
PLAN = BOOK.with_suffix(".plan.yaml")


@pytest.fixture(scope="module")
def run(demo_files):
    return prepare_survey(
        demo_files["spss"],
        BOOK,
        plan=PLAN,
        roll=demo_files["roll"],
        margins=demo_files["margins"],
        dispositions=demo_files["dispositions"],
    )


def test_grid_exclusions_are_straightliners_and_attention_failures(run):
    flags = run.cleaned.flags
    kept = flags[~flags["excluded"]].reset_index(drop=True)
    left_out = grid_exclusions(run.cleaned)
    expected = kept["straightliner"] | kept["failed_attention"]
    assert left_out.tolist() == expected.tolist()  # the demo has one grid: the flag is its own
    assert run.grid_excluded == int(expected.sum()) > 0
    assert not left_out[kept["speeder"] & ~expected].any()  # speeders stay in
    assert len(run.options.data) == len(run.design.data) - run.grid_excluded


def test_attitude_design_is_raked_to_every_roll_margin(run):
    data = run.options.data.assign(_w=run.options.weights)
    for margin, levels in run.margins.items():
        got = data.groupby(data[margin].astype(object))["_w"].sum()
        want = pd.Series(levels, dtype=float)
        pd.testing.assert_series_equal(got.reindex(want.index), want, check_names=False, rtol=1e-6)


def test_option_support_moves_to_the_population_value(run, truth):
    true = truth["population"]["agree_share"]["att_consent_comp"]
    before = share(run.design, "consent_comp", True)
    after = share(run.options, "consent_comp", True)
    assert abs(after.estimate - true) < abs(before.estimate - true)
    assert after.ci_low <= true <= after.ci_high
    assert not before.ci_low <= true <= before.ci_high  # the noise biased it
    assert after.n < before.n


def test_grid_exclusions_need_flags_from_the_same_cleaning(run):
    class Mismatched:
        data = run.cleaned.data.iloc[:10]
        flags = run.cleaned.flags
        codebook = run.cleaned.codebook

    with pytest.raises(SurveyToolsError, match="same clean"):
        grid_exclusions(Mismatched())


def test_a_measure_nobody_answered_yes_to_reads_zero_not_an_error():
    # A drafted plan's indicator whose counted answer cleaning removed (previews, tests).
    df = pd.DataFrame({"m": pd.array([False] * 40 + [None] * 3, dtype="boolean")})
    s = share(SurveyDesign(df), "m", True, min_count=10)
    assert (s.estimate, s.n, s.withheld) == (0.0, 40, "")
