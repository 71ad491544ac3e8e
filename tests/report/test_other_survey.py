"""A survey that is not the guild questionnaire (FiveThirtyEight's Star Wars survey on
SurveyMonkey) renders a memo from a plan written for it, with the README's commands."""

import re
from html import unescape

import pytest

from conftest import ROOT, SHARED
from survey_tools import Codebook, clean, read_export
from survey_tools.cli import main

EXPORT = SHARED / "fixtures" / "external" / "surveymonkey" / "538_StarWars.csv"
EXAMPLES = ROOT / "data" / "codebooks" / "examples"


@pytest.fixture(scope="module")
def memo(tmp_path_factory):
    out = tmp_path_factory.mktemp("starwars") / "memo"
    args = ["memo", str(EXPORT), "--codebook", str(EXAMPLES / "538_starwars.yaml")]
    args += ["--plan", str(EXAMPLES / "538_starwars.plan.yaml"), "--out", str(out)]
    args += ["--formats", "html", "--notebook", str(ROOT / "notebooks/reports/05_memo.ipynb")]
    assert main(args) == 0
    html = (out / "memo.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_memo_answers_the_plans_question_unweighted(memo):
    assert "Which characters should a fan club's screening night feature?" in memo
    assert "Not weighted (no roll to weight to)" in memo
    assert "Response rates not computable" in memo
    assert "looks garbled" not in memo  # warnings stay in the analyst's notebook


def test_the_recommendation_quotes_the_computed_shares(memo):
    cleaned = clean(read_export(EXPORT), Codebook.from_yaml(EXAMPLES / "538_starwars.yaml"))
    flags = cleaned.flags[~cleaned.flags["excluded"]].reset_index(drop=True)
    # Independently: straightliners on the character grid left out, unweighted, favourable.
    data = cleaned.data[~flags["straightliner"].to_numpy()]
    yoda = data["yoda"].dropna()
    favourable = yoda.isin(["Somewhat favorably", "Very favorably"]).mean()
    recommendation = memo[memo.index("Recommendation.") :][:400]
    assert f"whom {100 * favourable:.1f}% and" in recommendation
