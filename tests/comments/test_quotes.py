"""Quotes for a memo: they stand for the theme and never identify their author."""

import json
import tempfile

import numpy as np
import pandas as pd
import pytest

from survey_tools import read_export, redact
from survey_tools.comments import code_comments, read_themes
from survey_tools.comments.quotes import pick_quotes, quote_candidates
from survey_tools.synth import generate_demo

SEEDS = range(101, 121)


def _survey(seed: int):
    """A fresh synthetic survey: redacted comments with each author's role group and region
    from the roll (as cleaning links them), and its truth."""
    files = generate_demo(tempfile.mkdtemp(prefix=f"quotes-{seed}-"), seed=seed)
    rows = read_export(files["spss"]).data
    roll = pd.read_csv(files["roll"])
    linked = rows[["member_id"]].merge(
        roll[["member_id", "role_group", "region"]], on="member_id", how="left"
    )
    data = pd.DataFrame(
        {
            "open_comment": redact(rows["open_comment"].replace("", pd.NA), roll=roll),
            "role_group": linked["role_group"].to_numpy(),
            "region": linked["region"].to_numpy(),
        }
    )
    return data, json.loads(files["truth"].read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed", SEEDS)
def test_quotes_never_carry_personal_data_titles_platforms_or_small_cell_authors(seed):
    themes = read_themes()
    data, truth = _survey(seed)
    texts = data["open_comment"]
    coded = code_comments(texts, themes)
    cells = data.groupby(["role_group", "region"])["role_group"].transform("size")
    planted = [str(p["value"]).lower() for p in truth["planted"]["personal_data"]]
    banned = [t.lower() for t in truth["comments"]["show_titles"] + truth["comments"]["platforms"]]
    quoted = 0
    for theme in themes.ids:
        quotes = pick_quotes(texts, coded, theme, data=data, k=3)
        assert list(quotes.columns) == ["theme", "quote", "role_group", "reasons"]
        assert quotes["role_group"].nunique() >= min(2, len(quotes))  # varied across roles
        for q in quotes.itertuples():
            text = q.quote.lower()
            quoted += 1
            assert not any(value in text for value in planted), q.quote
            assert not any(name in text for name in banned), q.quote
            assert "[" not in text and not any(c.isdigit() for c in text), q.quote
            authors = texts.str.contains(q.quote, regex=False, na=False) & (
                data["role_group"] == q.role_group
            )
            assert (cells[authors] >= 10).any(), f"{q.quote!r}: only small-cell authors"
    assert quoted >= 15


def _frame(comments, groups, regions):
    return pd.DataFrame({"open_comment": comments, "role_group": groups, "region": regions})


def test_a_small_cell_author_a_rare_word_or_a_name_is_never_quoted():
    fillers = ["Thanks for asking."] * 60
    comments = [
        "The rates keep dropping for all of us every single month.",  # small cell: 1 member
        "The rates keep dropping and the zorblax platform is worse.",  # a rare word
        "The rates keep dropping since Moonlight Diner wrapped for good.",  # a title
        "Maria Lopez says the rates keep dropping for everyone here.",  # a person
        *fillers,
    ]
    groups = ["Sound"] + ["Voice"] * 3 + ["Voice"] * 30 + ["Writers"] * 30
    regions = ["UK"] + ["LA"] * 63
    data = _frame(comments, groups, regions)
    coded = code_comments(data["open_comment"])
    assert coded["rates"].sum() == 4
    assert pick_quotes(data["open_comment"], coded, "rates", data=data).empty
    found = quote_candidates(data["open_comment"], coded, "rates", data=data, by="role_group")
    reasons = found.set_index("row")["problems"]
    assert "small cell (1 < 10)" in reasons[0]
    assert "rare word" in reasons[1] and "zorblax" in reasons[1]
    assert "capitalised name (Moonlight, Diner)" in reasons[2]
    assert "personal data" in reasons[3] or "capitalised name" in reasons[3]


def test_quotes_come_from_different_groups_and_are_deterministic():
    rng = np.random.default_rng(0)
    lines = [
        "The rates keep dropping every month.",
        "They keep cutting the rate for the same work.",
        "The hourly rate was lowered again without a word.",
    ]
    comments = [lines[i % 3] for i in range(90)]
    groups = rng.choice(["Voice", "Writers", "Editors"], 90)
    data = _frame(comments, groups, ["LA"] * 90)
    coded = code_comments(data["open_comment"])
    first = pick_quotes(data["open_comment"], coded, "rates", data=data, k=3)
    assert len(first) == 3 and first["role_group"].is_unique
    assert first.equals(pick_quotes(data["open_comment"], coded, "rates", data=data, k=3))
    assert first["quote"].is_unique
