"""Ranking groups on a share: simultaneous intervals, the top group's tests, and the groups
that cannot take part."""

import numpy as np
import pandas as pd

from survey_tools import SurveyDesign
from survey_tools.report.evidence import ranking_table
from survey_tools.report.ranking import rank_groups


def test_a_group_where_nobody_answered_yes_is_named_not_ranked():
    # A share of 0 has no interval to compare with: the memo printed "0.0%  — to —".
    rng = np.random.default_rng(5)
    g = rng.choice(["Actors", "Writers", "Other crafts"], 1500, p=[0.45, 0.45, 0.1])
    yes = rng.random(1500) < np.where(g == "Actors", 0.5, 0.2)
    data = pd.DataFrame({"g": g, "y": yes & (g != "Other crafts")})
    ranking = rank_groups(SurveyDesign(data), "y", True, by="g")
    assert set(ranking.table["g"]) == {"Actors", "Writers"} and ranking.top == "Actors"
    assert ranking.unanimous == ("Other crafts",)
    assert "Other crafts: all or none answered alike, so not compared" in ranking.text
    assert "—" not in ranking_table(ranking).to_string()
