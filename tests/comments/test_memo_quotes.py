"""The memo (notebook 05, as committed and nbval-checked) prints only approved quotes."""

import json

from conftest import ROOT
from survey_tools.report.plan import read_plan
from survey_tools.synth._comments import PARAPHRASES

REPORTS = ROOT / "notebooks" / "reports"


def _outputs(name: str) -> str:
    book = json.loads((REPORTS / name).read_text(encoding="utf-8"))
    parts = []
    for cell in book["cells"]:
        for out in cell.get("outputs", []):
            for value in (out.get("data") or {}).values():
                parts.append("".join(value) if isinstance(value, list) else str(value))
            parts.append("".join(out.get("text", "")))
    return "\n".join(parts)


def test_the_memo_prints_the_approved_quotes_and_no_other_proposal():
    plan = read_plan(ROOT / "data" / "codebooks" / "guild_ai_survey_2026.plan.yaml")
    approved = {q.quote for q in plan.comments.quotes}
    memo = _outputs("05_memo.ipynb")
    proposals = _outputs("03_prevalence.ipynb")
    assert "What members told us" in memo
    printed = {q for q in approved if q in memo}
    assert len(printed) >= 2
    # Every sentence the demo's comments are made of: notebook 03 proposes several of them.
    sentences = {s for group in PARAPHRASES.values() for s in group}
    sentences |= {s.split(". ")[-1] for s in sentences}  # the theme's own sentence
    assert len({s for s in sentences - approved if s in proposals}) >= 5
    assert not [s for s in sentences - approved if s in memo]
