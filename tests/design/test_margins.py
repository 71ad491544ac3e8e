"""Roll margins and the respondents-vs-roll comparison; AAPOR response rates."""

import pandas as pd
import pytest

from survey_tools import MarginsError
from survey_tools.cleaning.aapor import response_rates
from survey_tools.design.margins import read_margins, representation


def test_read_margins_gives_nested_totals(demo_files, truth):
    margins = read_margins(demo_files["margins"])
    assert margins == {
        m: {k: float(v) for k, v in levels.items()} for m, levels in truth["margins"].items()
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("margin,level\nregion,LA\n", "lacks the column\\(s\\) members"),
        ("margin,level,members\nregion,LA,-3\n", "negative count for region='LA'"),
        ("margin,level,members\nregion,LA,\n", "missing or negative count for region='LA'"),
        ("margin,level,members\nregion,LA,3\nregion,LA,4\n", "lists region='LA' twice"),
    ],
)
def test_read_margins_names_the_problem(tmp_path, text, message):
    path = tmp_path / "margins.csv"
    path.write_text(text)
    with pytest.raises(MarginsError, match=message):
        read_margins(path)


def test_representation_compares_shares_and_weighted_shares():
    data = pd.DataFrame({"region": ["LA", "LA", "LA", "NY"], "w": [1.0, 1.0, 1.0, 3.0]})
    table = representation(data, {"region": {"LA": 50, "NY": 50}}, weights="w")
    assert table["respondent_share"].tolist() == [0.75, 0.25]
    assert table["weighted_share"].tolist() == [0.5, 0.5]
    assert table["ratio"].tolist() == [1.5, 0.5]
    with pytest.raises(MarginsError, match="no column 'age_band'"):
        representation(data, {"age_band": {"18-24": 1}})


def test_response_rates_follow_aapor(demo_files, truth):
    rates = response_rates(pd.read_csv(demo_files["dispositions"]))
    assert rates["rr1"] == truth["fieldwork"]["rr1"]
    assert rates["rr2"] == truth["fieldwork"]["rr2"]
    table = pd.DataFrame({"aapor_group": ["I", "P", "R", "UO"], "count": [30, 10, 20, 40]})
    assert response_rates(table) == {
        "invited": 100,
        "completes": 30,
        "partials": 10,
        "rr1": 0.3,
        "rr2": 0.4,
    }
    with pytest.raises(Exception, match="Unknown AAPOR disposition group\\(s\\): X"):
        response_rates(pd.DataFrame({"aapor_group": ["X"], "count": [1]}))
