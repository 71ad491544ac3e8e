"""suppress() on count tables, crosstabs and estimate tables: what a memo author relies on."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_tools import PrivacyError, Suppressed, SurveyDesign, suppress
from survey_tools.disclosure import audit
from survey_tools.disclosure.magnitude import dominance_share, dominated

ROLES = ["TV writer", "Voice actor", "Editor", "Colorist", "Narrator"]


@pytest.fixture(scope="module")
def design():
    rng = np.random.default_rng(11)
    n = 400
    role = rng.permutation(np.repeat(ROLES, [170, 110, 80, 6, 34]))  # 6 colorists, 34 narrators
    data = pd.DataFrame(
        {
            "role": role,
            "ai_lost_work": rng.choice(["Yes", "No"], p=[0.15, 0.85], size=n),
            "pay": rng.lognormal(3, 0.4, n),
            "w": rng.uniform(1, 3, n),
        }
    )
    # one editor earns far more than all the others together: the editors' mean is dominated
    data.loc[data.index[data["role"] == "Editor"][0], "pay"] = 1e6
    return SurveyDesign(data, weights="w")


def test_count_table_hides_small_cells_and_keeps_margins():
    counts = pd.DataFrame(
        {"Yes": [4, 30, 25], "No": [40, 52, 61]},
        index=pd.Index(["Voice actor", "TV writer", "Editor"], name="role"),
    )
    safe = suppress(counts)
    assert isinstance(safe, Suppressed)
    assert safe.hidden.index.equals(counts.index) and safe.hidden.columns.equals(counts.columns)
    assert safe.reason.loc["Voice actor", "Yes"] == "small count"
    assert safe.table.loc["Voice actor", "Yes"] == "—"
    assert safe.table.loc["Editor", "Yes"] == 25
    assert safe.table.loc["Voice actor", "Total"] == 44
    assert safe.table.loc["Total", "Total"] == 212
    assert safe.table.loc["Total", "No"] == 153
    assert audit(counts, safe.hidden)["protected"].all()
    assert any("fewer than 10" in note for note in safe.notes)
    assert safe.table.attrs["notes"] == safe.notes


def test_zero_is_shown_and_information_loss_is_reported():
    counts = pd.DataFrame({"a": [0, 50, 20], "b": [3, 40, 30], "c": [12, 14, 60]})
    safe = suppress(counts)
    assert not safe.hidden.loc[0, "a"]
    hidden_total = counts.to_numpy()[safe.hidden.to_numpy()].sum()
    assert safe.share_hidden == pytest.approx(hidden_total / counts.to_numpy().sum())
    assert safe.cells_hidden == int(safe.hidden.to_numpy().sum()) >= 2
    assert safe.loss == {
        "cells": safe.cells_hidden,
        "complementary": safe.cells_complementary,
        "cells_total": 9,
        "share": safe.share_hidden,
    }
    text = repr(safe)
    assert f"{safe.cells_hidden} of 9 cells hidden" in text and "—" in text


def test_to_frame_lists_every_cell_with_the_intruders_bounds():
    counts = pd.DataFrame({"a": [3, 50], "b": [20, 40]}, index=["x", "y"])
    tidy = suppress(counts).to_frame()
    assert len(tidy) == 4
    assert set(tidy.columns) >= {"row", "column", "count", "hidden", "reason", "lower", "upper"}
    first = tidy[(tidy["row"] == "x") & (tidy["column"] == "a")].iloc[0]
    assert first["hidden"] and first["lower"] < 3 < first["upper"]
    assert tidy.loc[~tidy["hidden"], "lower"].isna().all()


def test_row_percentages_on_small_bases_are_withheld():
    counts = pd.DataFrame(
        {"Yes": [12, 40, 30], "No": [13, 60, 90]}, index=["small", "big", "bigger"]
    )
    safe = suppress(counts, percent="row")
    assert safe.reason.loc["small"].tolist() == ["small base", "small base"]
    assert (safe.table.loc["small", ["Yes", "No"]] == "—").all()
    assert safe.table.loc["small", "n"] == 25  # the base itself is a published margin
    # with the column totals known, one more row must go so the small row cannot be recovered
    assert safe.cells_complementary == 2
    shown = safe.table.loc[["big", "bigger"], "Yes"]
    assert 40.0 in shown.tolist() or 25.0 in shown.tolist()
    columns = suppress(counts.T, percent="column")
    assert columns.table.loc["n", "small"] == 25
    assert columns.reason.loc["Yes", "small"] == "small base"


def test_crosstab_is_audited_on_its_unweighted_counts(design):
    tab = design.crosstab("role", "ai_lost_work")
    safe = suppress(tab)
    assert safe.counts.equals(tab.n)
    assert audit(tab.n, safe.hidden)["protected"].all()
    colorist = tab.n.loc["Colorist"].sum()
    assert colorist < 30 and (safe.table.loc["Colorist", tab.n.columns] == "—").all()
    shown = ~safe.hidden.loc["TV writer", "Yes"]
    assert shown and safe.table.loc["TV writer", "Yes"] == round(
        tab.row_pct.loc["TV writer", "Yes"], 1
    )


def test_proportion_table_by_role(design):
    est = design.proportion("ai_lost_work", by="role")
    safe = suppress(est)
    assert safe.kind == "proportions"
    assert list(safe.hidden.index) == list(est["role"].unique())
    assert list(safe.hidden.columns) == list(est["level"].unique())
    base = est.groupby("role")["n"].first()
    for role in base.index[base < 30]:
        assert safe.hidden.loc[role].all()
        assert (safe.reason.loc[role].isin(["small base", "small count"])).all()
    out = safe.to_frame()
    assert len(out) == len(est) and out["estimate"].isna().eq(out["hidden"]).all()
    assert (safe.table.loc[out["hidden"], "estimate"] == "—").all()
    small = (est["n"] > 0) & (est["n"] < 10)  # bases are margins: shown unless below min_count
    assert small.any() and (safe.table.loc[small, "n"] == "—").all()
    assert (safe.table.loc[~small, "n"] == est.loc[~small, "n"]).all()
    assert any("group sizes below 10 are not shown" in note for note in safe.notes)
    inferred = safe.counts.to_numpy()
    assert audit(safe.counts, safe.hidden)["protected"].all()
    assert ((inferred > 0) & (inferred < 10) <= safe.hidden.to_numpy()).all()


def test_proportion_rows_that_fail_only_by_subtraction_get_a_complement():
    est = pd.DataFrame(
        {
            "role": ["A", "A", "B", "B", "C", "C"],
            "level": ["Yes", "No"] * 3,
            "estimate": [0.1, 0.9, 0.3, 0.7, 0.5, 0.5],
            "se": [0.02] * 6,
            "ci_low": [0.05] * 6,
            "ci_high": [0.2] * 6,
            "n": [50, 50, 100, 100, 80, 80],
        }
    )
    safe = suppress(est)
    assert safe.reason.loc["A", "Yes"] == "small count"  # 0.1 x 50 = 5 respondents
    assert safe.reason.loc["A", "No"] == "complementary"  # else 1 - 0.9 gives it away
    assert (safe.reason.to_numpy() == "complementary").sum() >= 2  # and the column total


def test_mean_pay_needs_ten_contributors_and_passes_dominance(design):
    est = design.mean("pay", by="role")
    plain = suppress(est)
    assert plain.kind == "magnitudes"
    few = est.set_index("role")["n"] < 10
    assert plain.hidden["n"][few.index[few]].all()
    assert plain.cells_hidden >= 2  # a lone hidden domain gets a complement
    with_dom = suppress(est, contributions=design.data[["role", "pay"]])
    assert with_dom.reason.loc["Editor", "n"] == "dominance"
    row = with_dom.table.set_index("role").loc["Editor"]
    assert row["estimate"] == "—" and row["n"] == "—"
    assert np.isnan(with_dom.to_frame().set_index("role").loc["Editor", "estimate"])


def test_dominance_rule():
    assert dominated([900, 50, 10, 10, 10, 10, 10, 10, 10, 10], n=2, k=85)
    assert not dominated([30, 25, 20, 20, 20, 20, 20, 20, 20, 20], n=2, k=85)
    assert dominance_share([50, 30, 20], n=1) == pytest.approx(50.0)
    assert dominated([50, 30, 20], n=1, k=49) and not dominated([50, 30, 20], n=1, k=50)


def test_contributions_must_name_one_value_column(design):
    est = design.mean("pay", by="role")
    with pytest.raises(PrivacyError, match="exactly one value column"):
        suppress(est, contributions=design.data[["role", "pay", "w"]])


@pytest.mark.parametrize(
    ("table", "match"),
    [
        (pd.DataFrame({"a": [1.5, 20]}), "whole, nonnegative"),
        (pd.DataFrame({"a": [-1, 20]}), "whole, nonnegative"),
        (pd.DataFrame({"a": ["x", "y"]}), "numbers in every cell"),
        ([[1, 2]], "got a list"),
    ],
)
def test_bad_tables_raise_privacy_errors_with_a_fix(table, match):
    with pytest.raises(PrivacyError, match=match) as info:
        suppress(table)
    assert "Fix:" in str(info.value)


def test_unknown_method_and_percent():
    counts = pd.DataFrame({"a": [3, 20], "b": [30, 40]})
    with pytest.raises(PrivacyError, match="method"):
        suppress(counts, method="fastest")
    with pytest.raises(PrivacyError, match="percent"):
        suppress(counts, percent="cell")


def test_thresholds_are_configurable():
    counts = pd.DataFrame({"a": [4, 20], "b": [30, 40]})
    assert suppress(counts, min_count=3).cells_hidden == 0
    assert suppress(counts, min_count=5).cells_hidden == 4


def test_estimate_rows_in_any_order_keep_their_own_flags(design):
    est = design.proportion("ai_lost_work", by="role")
    shuffled = est.sample(frac=1.0, random_state=2).reset_index(drop=True)
    a = suppress(est).to_frame().set_index(["role", "level"])
    b = suppress(shuffled).to_frame().set_index(["role", "level"])
    pd.testing.assert_frame_equal(a.sort_index(), b.sort_index())
    with pytest.raises(PrivacyError, match="repeats a domain"):
        suppress(pd.concat([est, est]))


def test_a_filtered_proportion_table_is_refused(design):
    est = design.proportion("ai_lost_work", by="role")
    with pytest.raises(PrivacyError, match="every level of every domain"):
        suppress(est[est["level"] == "Yes"])


def test_a_domain_nobody_answered_is_withheld_without_failing():
    est = pd.DataFrame(
        {
            "role": ["A", "A", "B", "B", "C", "C"],
            "level": ["Yes", "No"] * 3,
            "estimate": [np.nan, np.nan, 0.3, 0.7, 0.5, 0.5],
            "se": [np.nan, np.nan, 0.05, 0.05, 0.05, 0.05],
            "n": [0, 0, 100, 100, 80, 80],
        }
    )
    safe = suppress(est)
    assert safe.reason.loc["A"].tolist() == ["small base", "small base"]
    assert safe.cells_complementary == 0 and safe.audit["protected"].all()


def test_reliability_flags_travel_through_suppress(design):
    from survey_tools import flag_reliability

    est = flag_reliability(design.proportion("ai_lost_work", by="role"))
    safe = suppress(est)
    out = safe.to_frame()
    assert list(safe.hidden.index) == list(est["role"].unique())
    assert (out["reliability"] == est["reliability"]).all()
    assert out.loc[out["role"] == "Colorist", "hidden"].all()


def test_crosstab_column_percentages(design):
    tab = design.crosstab("role", "ai_lost_work")
    safe = suppress(tab, percent="column")
    assert safe.table.loc["n"].tolist() == tab.n.sum(axis=0).tolist()
    small = (tab.n > 0) & (tab.n < 10)
    assert small.to_numpy().any()
    assert (safe.reason.to_numpy()[small.to_numpy()] == "small count").all()
    assert audit(tab.n, safe.hidden)["protected"].all()
    shown = safe.table.loc["TV writer", "No"]
    assert shown == round(tab.col_pct.loc["TV writer", "No"], 1)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.integers(0, 120), min_size=2, max_size=6),
    st.integers(2, 4),
    st.randoms(use_true_random=False),
)
def test_random_proportion_tables_pass_the_audit(bases, n_levels, rnd):
    rows = []
    for i, n in enumerate(bases):
        cuts = sorted(rnd.randint(0, n) for _ in range(n_levels - 1))
        parts = np.diff([0, *cuts, n])
        for j, part in enumerate(parts):
            share = part / n if n else np.nan
            rows.append({"role": f"r{i}", "level": f"l{j}", "estimate": share, "se": 0.05, "n": n})
    est = pd.DataFrame(rows)
    try:
        safe = suppress(est)
    except PrivacyError:
        return
    counts = safe.counts.to_numpy()
    assert ((counts > 0) & (counts < 10) <= safe.hidden.to_numpy()).all()
    assert audit(safe.counts, safe.hidden)["protected"].all()
    small = np.array(bases) < 30
    assert safe.hidden.to_numpy()[small].all()


def test_by_columns_in_the_index_are_recognised(design):
    est = design.proportion("ai_lost_work", by="role")
    a = suppress(est)
    b = suppress(est.set_index(["role", "level"]))
    assert b.hidden.equals(a.hidden)


def test_the_result_is_frozen():
    import dataclasses

    safe = suppress(pd.DataFrame({"a": [3, 20], "b": [30, 40]}))
    with pytest.raises(dataclasses.FrozenInstanceError):
        safe.hidden = None


@pytest.fixture(scope="module")
def flags():
    """A yes/no question stored as bool, the same as 0/1, and a bool domain."""
    rng = np.random.default_rng(5)
    role = rng.permutation(np.repeat(ROLES[:3], [150, 90, 20]))
    flag = rng.random(len(role)) < 0.3
    data = pd.DataFrame(
        {
            "role": role,
            "flag": flag,
            "flag01": flag.astype(int),
            "member": rng.random(len(role)) < 0.6,
            "q": rng.choice(["Yes", "No", "Unsure"], size=len(role)),
            "pay": rng.lognormal(3, 0.4, len(role)),
        }
    )
    return SurveyDesign(data)


@pytest.mark.parametrize("col", ["flag", "flag01"])
def test_boolean_and_binary_levels_are_suppressed_like_any_other(flags, col):
    est = flags.proportion(col, by="role")
    safe = suppress(est)
    levels = list(est["level"].unique())
    assert list(safe.hidden.columns) == levels and len(levels) == 2
    assert list(safe.hidden.index) == list(est["role"].unique())
    n = est.groupby("role")["n"].first()
    expected = est.set_index(["role", "level"])["estimate"].unstack().mul(n, axis=0).round()
    assert (safe.counts.loc[n.index, levels] == expected.loc[n.index, levels]).all(axis=None)
    assert safe.hidden.loc["Editor"].all()  # 20 respondents: a base below 30
    assert not safe.hidden.loc["TV writer"].any()
    assert audit(safe.counts, safe.hidden)["protected"].all()
    out = safe.to_frame()
    assert len(out) == len(est) and out["estimate"].isna().eq(out["hidden"]).all()


def test_boolean_levels_give_the_same_cells_as_zero_one(flags):
    a = suppress(flags.proportion("flag", by="role"))
    b = suppress(flags.proportion("flag01", by="role"))
    assert (a.hidden.to_numpy() == b.hidden.to_numpy()).all()
    assert (a.counts.to_numpy() == b.counts.to_numpy()).all()


def test_boolean_domains_and_levels(flags):
    est = flags.proportion("flag", by="member")
    safe = suppress(est)
    assert sorted(safe.hidden.index) == [False, True]
    assert safe.counts.to_numpy().sum() == len(flags.data)
    assert safe.cells_hidden == 0
    by_bool = suppress(flags.proportion("role", by="member"))  # a bool domain, text levels
    assert sorted(by_bool.hidden.index) == [False, True]
    assert sorted(by_bool.hidden.columns) == sorted(ROLES[:3])
    assert by_bool.counts.to_numpy().sum() == len(flags.data)


def test_a_stacked_proportion_table_is_suppressed_per_variable(flags):
    est = flags.proportion(["flag", "q"], by="role")
    safe = suppress(est)
    one = {v: suppress(flags.proportion(v, by="role")) for v in ["flag", "q"]}
    for v, alone in one.items():
        assert safe.hidden[v].equals(alone.hidden)
        assert safe.reason[v].equals(alone.reason)
    out = safe.to_frame()
    assert list(out.columns[:3]) == ["variable", "role", "level"] and len(out) == len(est)
    assert (out["variable"] == est["variable"]).all() and (out["level"] == est["level"]).all()
    assert out["estimate"].isna().eq(out["hidden"]).all()
    assert list(safe.table["variable"]) == list(est["variable"])
    assert safe.cells_hidden == sum(s.cells_hidden for s in one.values())
    assert set(safe.audit["variable"]) <= {"flag", "q"}
    assert safe.audit["protected"].all()
    assert safe.notes == safe.table.attrs["notes"] and safe.notes


def test_a_stacked_mean_table_is_suppressed_per_variable(flags):
    est = flags.mean(["pay", "flag01"], by="role")
    safe = suppress(est)
    assert safe.kind == "magnitudes"
    alone = suppress(flags.mean("pay", by="role"))
    assert safe.hidden["pay"].equals(alone.hidden)
    assert len(safe.to_frame()) == len(est)
    both = suppress(est, contributions=flags.data[["role", "pay", "flag01"]])
    dominance = suppress(flags.mean("pay", by="role"), contributions=flags.data[["role", "pay"]])
    assert both.hidden["pay"].equals(dominance.hidden)
    with pytest.raises(PrivacyError, match="one variable at a time"):
        suppress(est, contributions=flags.data[["role", "pay"]])
