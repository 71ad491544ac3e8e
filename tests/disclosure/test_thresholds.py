"""Disclosure control cannot be switched off silently; group sizes below min_count stay hidden."""

import pandas as pd
import pytest

from survey_tools import PrivacyError, suppress

COUNTS = pd.DataFrame(
    {"Yes": [4, 30, 25], "No": [3, 52, 61]},
    index=pd.Index(["Voice actor", "TV writer", "Editor"], name="role"),
)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"min_count": -1}, "min_count=-1 would switch disclosure control off"),
        ({"min_count": 0}, "min_count=0 would switch disclosure control off"),
        ({"min_count": 2.5}, "min_count=2.5 is not a whole number"),
        ({"min_count": "10"}, "min_count='10' is not a whole number"),
        ({"min_count": True}, "min_count=True is not a whole number"),
        ({"min_count": -5, "min_base": 0}, "min_count=-5 would switch"),
        ({"min_base": 0}, "min_base=0 would switch disclosure control off"),
        ({"min_count": 10, "min_base": 5}, "min_base=5 is below min_count=10"),
        ({"dominance": (0, 85)}, r"dominance=\(0, 85\) is no \(n, k\) rule"),
        ({"dominance": (2, 150)}, r"dominance=\(2, 150\) is no \(n, k\) rule"),
        ({"dominance": 85}, "dominance=85 is no"),
        ({"protection": -1}, "protection=-1 is not a width"),
        ({"protection": float("nan")}, "protection=nan is not a width"),
    ],
)
def test_impossible_thresholds_are_refused(options, message):
    with pytest.raises(PrivacyError, match=message) as info:
        suppress(COUNTS, percent="row", **options)
    assert "Fix:" in str(info.value) and "standard" in str(info.value)


def test_thresholds_below_the_standard_stamp_the_result():
    standard = suppress(COUNTS)
    assert not standard.below_standard
    assert not any("standard thresholds" in note for note in standard.notes)
    low = suppress(COUNTS, min_count=3, min_base=20, percent="row")
    assert low.below_standard
    stamp = (
        "Not disclosure-checked at the standard thresholds (min_count=3, min_base=20; the "
        "standard is min_count=10, min_base=30)."
    )
    assert stamp in low.notes and stamp in low.table.attrs["notes"] and stamp in repr(low)
    assert suppress(COUNTS, dominance=(1, 95)).below_standard
    assert not suppress(COUNTS, min_count=12, min_base=40).below_standard  # stricter is fine
    counts_only = suppress(COUNTS, min_base=0)  # no percentages shown: no base rule applies
    assert not counts_only.below_standard and counts_only.params["min_base"] is None


def test_group_sizes_below_min_count_are_not_printed():
    safe = suppress(COUNTS)
    assert safe.table.loc["Voice actor", "Total"] == "—"  # a group of 7
    assert safe.table.loc["TV writer", "Total"] == 82 and safe.table.loc["Total", "Yes"] == 59
    assert "group sizes below 10 are not shown" in " ".join(safe.notes)
    assert " 7" not in repr(safe).split("\n", 1)[1] and "7<" not in safe._repr_html_()
    est = pd.DataFrame(
        {
            "role": ["A", "A", "B", "B"],
            "level": ["Yes", "No"] * 2,
            "estimate": [0.5, 0.5, 0.25, 0.75],
            "se": [0.1] * 4,
            "ci_low": [0.3] * 4,
            "ci_high": [0.7] * 4,
            "n": [8, 8, 120, 120],
        }
    )
    shown = suppress(est).table
    assert (shown.loc[shown["role"] == "A", "n"] == "—").all()
    assert (shown.loc[shown["role"] == "B", "n"] == 120).all()
