"""Numbers that cannot be right are refused, naming the column and the rows."""

import numpy as np
import pandas as pd
import pytest

from survey_tools import DesignError, SurveyDesign


def _data(w):
    return pd.DataFrame(
        {"y": np.arange(len(w), dtype=float), "g": ["a", "b"] * (len(w) // 2), "w": w},
        index=[f"r{i}" for i in range(len(w))],
    )


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1.0, np.nan, 1.0, 2.0], r"'w' is missing for 1 row\(s\), e.g. \['r1'\]"),
        ([1.0, np.inf, 1.0, 2.0], r"'w' are infinite for 1 row\(s\), e.g. r1"),
        ([1.0, 2.0, -1.0, -2.0], r"'w' are negative for 2 row\(s\), e.g. r2, r3"),
        ([0.0, 0.0, 0.0, 0.0], r"'w' are all zero"),
        ([1.0, 1e308, 1.0, 2.0], r"'w' are above 1e\+12 for 1 row\(s\), e.g. r1"),
        (["1", "x", "1", "2"], r"'w' are not numbers for 1 row\(s\), e.g. r1"),
    ],
)
def test_impossible_weights_are_refused_with_the_rows(weights, message):
    with pytest.raises(DesignError, match=message) as info:
        SurveyDesign(_data(weights), weights="w").mean("y")
    assert "Fix:" in str(info.value)


def test_an_empty_data_frame_is_refused_plainly():
    for frame, weights in ((_data([1.0, 2.0]).iloc[:0], "w"), (pd.DataFrame({"y": []}), None)):
        with pytest.raises(DesignError, match="The data has no rows"):
            SurveyDesign(frame, weights=weights)


@pytest.mark.parametrize("level", [1.5, 0, 1, -0.95, 95, float("nan"), "0.95", True])
def test_a_confidence_level_outside_zero_and_one_is_refused(level):
    design = SurveyDesign(_data([1.0, 2.0, 3.0, 4.0]), weights="w")
    for estimate in (
        lambda: design.proportion("g", level=level),
        lambda: design.mean("y", level=level),
        lambda: design.total("y", level=level),
        lambda: design.ratio("y", "w", level=level),
        lambda: design.quantile("y", 0.5, level=level),
    ):
        with pytest.raises(DesignError, match=r"confidence level .* is not between 0 and 1"):
            estimate()


def test_a_quantile_that_is_not_a_number_is_refused():
    design = SurveyDesign(_data([1.0, 2.0, 3.0, 4.0]), weights="w")
    with pytest.raises(DesignError, match="Quantiles must lie in"):
        design.quantile("y", float("nan"))


def test_sound_inputs_still_give_finite_estimates():
    design = SurveyDesign(_data([1.0, 0.0, 3.0, 4.0]), weights="w")
    table = design.proportion("g", level=0.9)
    assert np.isfinite(table[["estimate", "se", "ci_low", "ci_high"]].to_numpy()).all()
