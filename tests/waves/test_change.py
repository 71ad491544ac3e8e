"""compare_waves agrees with R's survey on stacked, raked waves with the member as cluster
(tests/golden/r_waves.R), and reduces to the textbook formulas where they apply."""

import json

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from survey_tools import DesignError, LinkError, SurveyDesign, compare_waves
from survey_tools.waves.trend import trend

GOLDEN = json.loads((ROOT / "tests" / "golden" / "r_waves.json").read_text())
DATA = pd.read_csv(ROOT / "tests" / "golden" / "r_waves_data.csv", dtype={"wave": str})


def _designs(waves=("2026", "2027", "2028")):
    out = {}
    for wave in waves:
        rows = DATA[DATA["wave"] == wave].reset_index(drop=True)
        out[wave] = SurveyDesign(rows).rake(GOLDEN["roll"][wave], tol=1e-13, max_iter=500)
    return out


def _golden(case):
    return [r for r in GOLDEN["results"] if r["case"] == case]


@pytest.mark.parametrize("var", ["lost", "pay"])
def test_changes_agree_with_r_stacked_design(var):
    designs = _designs()  # R stacked all three waves: every member of the three is a cluster
    tables = {
        "previous": compare_waves(designs, var),
        "first": compare_waves(designs, var, against="first"),
    }
    for row in _golden(var):
        got = pd.concat(tables.values())
        got = got[(got.wave_a == row["wave_a"]) & (got.wave_b == row["wave_b"])].iloc[0]
        for key in ("estimate_a", "estimate_b", "difference"):
            assert got[key] == pytest.approx(row[key], rel=1e-6)
        assert got["se"] == pytest.approx(row["se"], rel=1e-5)
        assert got["se_independent"] == pytest.approx(row["se_independent"], rel=1e-5)
        assert got["se"] < got["se_independent"]  # linked members' answers persist


@pytest.mark.parametrize("var", ["lost", "pay"])
def test_trend_covariance_and_linear_contrast_agree_with_r(var):
    t = trend(_designs(), var)
    vc = next(r for r in GOLDEN["results"] if r["case"] == f"{var}_vcov")
    np.testing.assert_allclose(t.table["estimate"], vc["estimate"], rtol=1e-6)
    np.testing.assert_allclose(t.cov.to_numpy(), np.array(vc["vcov"]), rtol=1e-5)
    slope = _golden(f"{var}_trend")[0]
    line = t.linear.iloc[0]
    assert line["slope"] == pytest.approx(slope["difference"], rel=1e-6)
    assert line["se"] == pytest.approx(slope["se"], rel=1e-5)


def _pair(n_a, n_b, linked, seed=1, weights=None):
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n_a + n_b)
    a = pd.DataFrame(
        {"member_key": [f"m{i}" for i in range(n_a)], "y": u[:n_a] + rng.normal(size=n_a)}
    )
    keys_b = [f"m{i}" for i in range(linked)] + [f"n{i}" for i in range(n_b - linked)]
    ub = np.concatenate([u[:linked], u[n_a : n_a + n_b - linked]])
    b = pd.DataFrame({"member_key": keys_b, "y": ub + 0.3 + rng.normal(size=n_b)})
    if weights is not None:
        a["w"], b["w"] = weights(n_a, rng), weights(n_b, rng)
        return SurveyDesign(a, weights="w"), SurveyDesign(b, weights="w"), a, b
    return SurveyDesign(a), SurveyDesign(b), a, b


def test_no_linked_members_gives_the_independent_se():
    da, db, _a, _b = _pair(300, 400, 0, weights=lambda n, rng: rng.uniform(1, 4, n))
    # Keys that never match are refused as a changed salt; unlinked waves say link=None.
    got = compare_waves({"2026": da, "2027": db}, "y", link=None).iloc[0]
    assert got["n_linked"] == 0
    va, vb = da.mean("y")["se"].iloc[0] ** 2, db.mean("y")["se"].iloc[0] ** 2
    # One stacked sample of 700 members against two of 300 and 400: only the n/(n-1) factors
    # differ, by less than 0.2%.
    assert got["se"] == pytest.approx(np.sqrt(va + vb), rel=2e-3)
    assert got["se_independent"] == pytest.approx(np.sqrt(va + vb), rel=1e-12)


def test_all_linked_with_equal_weights_gives_the_paired_se():
    da, db, a, b = _pair(500, 500, 500)
    got = compare_waves({"2026": da, "2027": db}, "y").iloc[0]
    d = b["y"].to_numpy() - a["y"].to_numpy()
    assert got["difference"] == pytest.approx(d.mean(), rel=1e-12)
    assert got["se"] == pytest.approx(d.std(ddof=1) / np.sqrt(len(d)), rel=1e-12)
    assert got["n_linked"] == 500
    assert got["se"] < 0.8 * got["se_independent"]  # answers persist, so the change is sharper


def test_a_changed_salt_and_a_missing_key_are_named():
    da, db, _a, b = _pair(100, 100, 40)
    b2 = b.assign(member_key="x" + b["member_key"])
    with pytest.raises(LinkError, match="salt"):
        compare_waves({"2026": da, "2027": SurveyDesign(b2)}, "y")
    with pytest.raises(LinkError, match="member_key"):
        compare_waves({"2026": da, "2027": SurveyDesign(b.drop(columns="member_key"))}, "y")
    independent = compare_waves({"2026": da, "2027": db}, "y", link=None).iloc[0]
    assert independent["n_linked"] == 0
    with pytest.raises(DesignError, match="two"):
        compare_waves({"2026": da}, "y")
