"""Redaction measured on unseen text: the held-out corpus, written without reading the rules.

``heldout/`` holds 600 comments (270 without personal data) with 389 planted items of 12 kinds,
the roll they were written against and the corpus author's scorer (see ``heldout/README.md``).
An item counts as removed only when none of its tokens survives (``strict`` recall); a clean word
is lost when the redacted text no longer has it. The floors below are the figures reached when
the rules were last changed, so any change that loses recall on unseen text fails. The last
change (initials inside names, handle-shaped words next to "on <platform>", one-slip typos of
"member") was tuned on another corpus from the same author's generator (seed 777), and measured
here and on a third (seed 31337) without reading their misses.
"""

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from survey_tools import redact

HELDOUT = Path(__file__).with_name("heldout")
# kind: items that must be removed (of the corpus's count), as reached.
FLOORS = {
    "name": (74, 80),
    "roll_name": (71, 72),
    "email": (34, 34),
    "phone": (34, 34),
    "member_id": (26, 26),
    "url": (24, 24),
    "handle": (24, 24),
    "address": (23, 24),
    "dob": (20, 20),
    "ssn": (17, 17),
    "card": (17, 17),
    "ip": (17, 17),
}


@pytest.fixture(scope="module")
def scored():
    spec = importlib.util.spec_from_file_location("heldout_score", HELDOUT / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    rows = [json.loads(line) for line in (HELDOUT / "heldout.jsonl").read_text().splitlines()]
    roll = pd.read_csv(HELDOUT / "roll.csv", dtype=str, keep_default_na=False)
    out = redact(pd.Series([r["text"] for r in rows]), roll=roll)
    return score.score(rows, [str(v) for v in out])


def test_each_kind_of_planted_item_is_removed_at_least_as_often_as_reached(scored):
    per_kind = scored[0]
    found = {k: (d["removed"], d["n"]) for k, d in per_kind.items()}
    assert {k: n for k, (_, n) in found.items()} == {k: n for k, (_, n) in FLOORS.items()}
    short = {k: found[k] for k, (floor, _) in FLOORS.items() if found[k][0] < floor}
    assert not short, f"recall fell below the floors {FLOORS}: {short}"
    removed = sum(r for r, _ in found.values())
    assert removed / sum(n for _, n in found.values()) >= 0.95
    assert removed >= sum(floor for floor, _ in FLOORS.values())


def test_at_most_one_percent_of_clean_words_is_lost(scored):
    clean_words, lost, clean_in_clean_comments, lost_in_clean_comments = scored[3]
    assert clean_words > 18000 and clean_in_clean_comments > 8000
    assert lost / clean_words <= 0.01, scored[4].most_common(10)
    assert "red-teaming" not in scored[4]  # the work the survey asks about, never a name
    assert lost_in_clean_comments / clean_in_clean_comments <= 0.01
