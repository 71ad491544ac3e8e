"""Trends over three waves: the figure an analyst shows, and flows of members answering twice."""

import json

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from survey_tools import ReportError, SurveyDesign, compare_waves
from survey_tools.report.trend_figure import fig_trend
from survey_tools.waves import gross_flows, trend

GOLDEN = json.loads((ROOT / "tests" / "golden" / "r_waves.json").read_text())
DATA = pd.read_csv(ROOT / "tests" / "golden" / "r_waves_data.csv", dtype={"wave": str})
DATA["lost"] = DATA["lost"].map({1: "Yes", 0: "No"})


@pytest.fixture(scope="module")
def designs():
    return {
        w: SurveyDesign(DATA[DATA.wave == w].reset_index(drop=True)).rake(GOLDEN["roll"][w])
        for w in ("2026", "2027", "2028")
    }


def test_fig_trend_marks_significant_changes_breaks_and_withheld_points(designs, tmp_path):
    t = trend(designs, "lost", level="Yes", by="role_group")
    changes = compare_waves(designs, "lost", level="Yes", by="role_group")
    significant = int((changes["q_value"] < 0.05).sum())
    assert significant >= 1
    table = t.table.copy()
    table.loc[(table.role_group == "Crew") & (table.wave == "2028"), "n"] = 12  # a small base
    fig = fig_trend(table, by="role_group", changes=changes, breaks=["2028"], title="Lost work")
    ax = fig.axes[0]
    rings = [ln for ln in ax.lines if ln.get_markersize() == 12 and len(ln.get_xdata())]
    assert sum(len(ln.get_xdata()) for ln in rings) == significant
    texts = " ".join(t.get_text() for t in [*ax.texts, *fig.texts]).replace("\n", " ")
    assert "question changed" in texts
    assert "Crew 2028" in texts and "base under 30" in texts
    # No line joins a point before the break to one after it.
    for ln in ax.lines:
        xs = np.asarray(ln.get_xdata(), dtype=float)
        if ln.get_linestyle() == "-" and len(xs) > 1:
            assert xs.max() < 1.5 or xs.min() > 1.5
    fig.savefig(tmp_path / "trend.png")
    assert (tmp_path / "trend.png").stat().st_size > 10_000
    with pytest.raises(ReportError, match="one answer"):
        fig_trend(trend(designs, "lost").table)


def test_trend_slope_is_the_least_squares_line_through_the_estimates(designs):
    t = trend(designs, "pay")
    years = np.array([2026.0, 2027.0, 2028.0])
    slope = np.polyfit(years, t.table["estimate"].to_numpy(), 1)[0]
    assert t.linear.loc[0, "slope"] == pytest.approx(slope, rel=1e-10)
    assert t.cov.shape == (3, 3)


def test_gross_flows_are_the_weighted_transitions_of_members_answering_both(designs):
    flows = gross_flows(designs["2026"], designs["2027"], "lost")
    a = designs["2026"].data.assign(w=designs["2026"].weights)
    b = designs["2027"].data.assign(w=designs["2027"].weights)
    both = a.merge(b, on="member_key", suffixes=("_a", "_b"))
    assert flows.attrs["members"] == len(both)
    assert flows.attrs["population"] == "members who answered both waves"
    shares = flows.drop(columns="n")
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    no = both[both.lost_a == "No"]
    assert shares.loc["No", "Yes"] == pytest.approx(no.w_b[no.lost_b == "Yes"].sum() / no.w_b.sum())
    assert flows.loc["No", "n"] == len(no)
