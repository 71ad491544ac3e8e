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


def test_a_withheld_share_is_said_in_words_in_the_recommendation(memo):
    # Only 9 self-described fans do not view Han Solo favourably: the share among fans would
    # give those 9 away, so it is withheld, and the sentence says so instead of printing "—".
    cleaned = clean(read_export(EXPORT), Codebook.from_yaml(EXAMPLES / "538_starwars.yaml"))
    flags = cleaned.flags[~cleaned.flags["excluded"]].reset_index(drop=True)
    data = cleaned.data[~flags["straightliner"].to_numpy()]
    fans = data[data["do_you_consider_yourself_to_be_a_fan_of"] == "Yes"]
    han = fans["han_solo"].dropna()
    assert 0 < (~han.isin(["Somewhat favorably", "Very favorably"])).sum() < 10
    start = memo.index("Recommendation.")
    recommendation = memo[start : memo.index("favourable)", start)]
    assert "a withheld share of fans" in recommendation
    assert "—" not in recommendation


HOSTILE = {
    "guild": "<script>alert('guild')</script>",
    "wave": "<svg onload=alert(1)>",
    "recommendation": "See [this](javascript:alert(1)) and <iframe srcdoc='<script>x</script>'>"
    " ({feature_yoda.all.pct}).",
}


def test_hostile_plan_and_codebook_text_stays_inert(tmp_path):
    import yaml

    plan = yaml.safe_load((EXAMPLES / "538_starwars.plan.yaml").read_text(encoding="utf-8"))
    plan |= {k: v for k, v in HOSTILE.items()}
    plan["options"]["feature_yoda"]["wording"] = "<img src=x onerror=alert(2)> Yoda"
    plan["next_steps"] = [{"step": "<a href='javascript:alert(3)'>go</a>", "owner": "@SUM(A1)"}]
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    book = yaml.safe_load((EXAMPLES / "538_starwars.yaml").read_text(encoding="utf-8"))
    book["variables"]["yoda"]["label"] = "Yoda <script>document.cookie</script>"
    (tmp_path / "book.yaml").write_text(yaml.safe_dump(book), encoding="utf-8")
    out = tmp_path / "memo"
    args = ["memo", str(EXPORT), "--codebook", str(tmp_path / "book.yaml")]
    args += ["--plan", str(tmp_path / "plan.yaml"), "--out", str(out), "--formats", "html"]
    args += ["--notebook", str(ROOT / "notebooks/reports/05_memo.ipynb")]
    assert main(args) == 0
    html = (out / "memo.html").read_text(encoding="utf-8")
    lowered = html.lower()
    assert "<script" not in lowered and "<iframe" not in lowered
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", lowered)  # no event handler in a tag
    assert not re.search(r"<[a-z][^>]*(?:href|src)\s*=\s*[\"']?\s*javascript:", lowered)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    assert "<script>alert('guild')</script>" in text  # shown as text, not run
