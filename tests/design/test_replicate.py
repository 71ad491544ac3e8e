"""Replicate-weight designs agree with R's svrepdesign, as.svrepdesign and rake on replicates
(tests/golden/r_replicate.R -> r_replicate.json and the replicate weights R wrote)."""

import json
from functools import cache

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from r_designs import load_api
from survey_tools import DesignError, SurveyDesign, svyglm, svyolr

GOLDEN = json.loads((ROOT / "tests" / "golden" / "r_replicate.json").read_text())
MARGINS = {
    "stype": {"E": 4421, "H": 755, "M": 1018},
    "sch.wide": {"No": 1072, "Yes": 5122},
}


def _data(name: str) -> pd.DataFrame:
    data = load_api(name)
    data["yes"] = (data["sch.wide"] == "Yes").astype(float)
    meals = data["meals"]
    data["mealcat"] = 1 + (meals > 25).astype(int) + (meals > 50) + (meals > 75)
    if name == "apiclus2":  # districts paired in order into strata of two, as the R script
        data["pair"] = pd.Series(pd.factorize(data["dnum"], sort=True)[0] // 2)
    return data


@cache
def rep_design(name: str) -> SurveyDesign:
    spec = dict(GOLDEN["designs"][name])
    data = _data(spec.pop("data"))
    if "as" in spec:  # a linearisation design converted (and weighted after conversion in R)
        kind = spec.pop("as")
        steps = {k: spec.pop(k) for k in ("rake", "poststratify", "calibrate") if k in spec}
        design = SurveyDesign(data, **spec)
        if "rake" in steps:
            design = design.rake(MARGINS)
        if "poststratify" in steps:
            design = design.poststratify("stype", MARGINS["stype"])
        if "calibrate" in steps:
            design = design.calibrate({"stype": MARGINS["stype"], "api99": 3914069})
        return design.as_replicate(kind)
    reps = pd.read_csv(
        ROOT / "tests" / "golden" / f"r_replicate_{GOLDEN['designs'][name]['data']}.csv"
    )
    prefix = spec.pop("repweights")
    return SurveyDesign(pd.concat([data, reps], axis=1), repweights=f"^{prefix}[0-9]+$", **spec)


def _ours(row: dict) -> pd.Series:
    d = rep_design(row["design"])
    case, by = row["case"], row["by"]
    if case in ("mean", "mean_by", "deff_mean"):
        out = d.mean("api00", by=by, deff=case == "deff_mean")
    elif case in ("total", "total_by", "deff_total"):
        out = d.total("enroll", by=by, deff=case == "deff_total")
    elif case == "mean_na":
        out = d.mean("acs.k3")
    elif case == "levels":
        out = d.proportion("stype")
    elif case == "level_totals":
        out = d.total("stype")
    elif case in ("ratio", "ratio_by"):
        out = d.ratio("api.stu", "enroll", by=by)
    elif case.startswith("ciprop_"):
        out = d.proportion("sch.wide", by=by, ci=case.removeprefix("ciprop_").removesuffix("_by"))
        out = out[out["level"] == "Yes"]
    elif case == "quantile":
        out = d.quantile("api00", [0.25, 0.5, 0.9])
        return out[out["quantile"] == row["level"]].iloc[0]
    elif case == "quantile_by":
        out = d.quantile("api00", 0.5, by=by)
    elif case == "chisq":
        test = d.crosstab("sch.wide", "awards").test
        return pd.Series({"estimate": test["F"], "ndf": test["ndf"], "ddf": test["ddf"]})
    elif case in ("svyolr",) or case.startswith("svyglm_"):
        fit = _fit(row["design"], case)
        term = row["level"].replace("stypeH", "stype[T.H]").replace("stypeM", "stype[T.M]")
        term = {"(Intercept)": "Intercept"}.get(term, term)
        return pd.Series({"estimate": fit.params[term], "se": fit.bse[term], "df": fit.df_resid})
    else:
        raise AssertionError(case)
    if by:
        out = out[out[by].astype(str) == row["level"]]
    elif row["level"] is not None and "level" in out:
        out = out[out["level"].astype(str) == row["level"]]
    assert len(out) == 1, (row, out)
    return out.iloc[0]


@cache
def _fit(name: str, case: str):
    d = rep_design(name)
    if case == "svyolr":
        return svyolr("mealcat ~ ell + stype", d)
    if case == "svyglm_domain":
        return svyglm("api00 ~ ell + meals", d, domain=d.data["stype"] == "E")
    if case == "svyglm_gaussian":
        return svyglm("api00 ~ ell + meals + stype", d)
    return svyglm("yes ~ ell + meals", d, family="binomial")


def _id(row):
    return f"{row['design']}-{row['case']}-{row['by'] or ''}-{row['level'] or ''}"


@pytest.mark.parametrize("row", GOLDEN["results"], ids=_id)
def test_agrees_with_r(row):
    ours = _ours(row)
    keys = ["estimate", "se", "ci_low", "ci_high", "df", "ndf", "ddf", "deff"]
    if row["case"] in ("levels", "level_totals", "mean_by", "total_by"):
        keys = ["estimate", "se"]  # R's svymean gives Wald intervals; levels get logit ones here
    for key in keys:
        want = row.get(key)
        if want is None or key not in ours:
            continue
        rel = 1e-6 if key == "estimate" else 1e-5
        got = float(ours[key])
        # a raked margin's SE is rounding noise in both (about 1e-11 of its estimate)
        tiny = 1e-9 * max(1.0, abs(row["estimate"]))
        if row["case"] == "svyolr":  # polr's BFGS stops some 3e-7 short of the maximum
            tiny = 1e-6
        assert got == pytest.approx(want, rel=rel, abs=tiny), f"{key}: {got} vs R {want}"


@pytest.mark.parametrize("name", GOLDEN["degf"])
def test_scale_rscales_and_degrees_of_freedom_are_rs(name):
    d = rep_design(name)
    assert d.engine.scale == pytest.approx(GOLDEN["scales"][name], rel=1e-12)
    assert d.engine.rscales == pytest.approx(np.atleast_1d(GOLDEN["rscales"][name]), rel=1e-12)
    assert d.engine.degf() == GOLDEN["degf"][name]


def test_raking_after_conversion_equals_converting_a_raked_design():
    spec = dict(GOLDEN["designs"]["as_jk1"])
    data = _data(spec.pop("data"))
    spec.pop("as")
    design = SurveyDesign(data, **spec)
    before = design.rake(MARGINS).as_replicate("jk1").mean("api00", by="awards")
    after = design.as_replicate("jk1").rake(MARGINS).mean("api00", by="awards")
    pd.testing.assert_frame_equal(before, after, rtol=1e-10)
    # every replicate hits the margins, so the raked variables' totals have no variance
    counts = design.as_replicate("jk1").rake(MARGINS).total("stype")
    assert counts["estimate"].tolist() == pytest.approx([4421, 755, 1018])
    assert counts["se"].max() < 1e-6


def test_bootstrap_is_reproducible_by_seed_and_resamples_psus_within_strata():
    strat = SurveyDesign(_data("apistrat"), strata="stype", weights="pw")
    one = strat.as_replicate("bootstrap", replicates=40, seed=7)
    two = strat.as_replicate("bootstrap", replicates=40, seed=7)
    other = strat.as_replicate("bootstrap", replicates=40, seed=8)
    assert np.array_equal(one.engine.repweights, two.engine.repweights)
    assert not np.array_equal(one.engine.repweights, other.engine.repweights)
    factors = one.engine.repweights / one.weights[:, None]
    # each replicate draws n_h PSUs (with replacement) in each stratum: counts sum to n_h
    for level, n_h in strat.data["stype"].value_counts().items():
        rows = (strat.data["stype"] == level).to_numpy()
        assert np.allclose(factors[rows].sum(axis=0), n_h)
        assert np.allclose(factors[rows], np.round(factors[rows]))
    # R's bootweights scale: harmonic mean of PSUs per stratum m, m / ((m - 1) (R - 1))
    m = 1 / np.mean(1 / strat.data["stype"].value_counts().to_numpy())
    assert one.engine.scale == pytest.approx(m / ((m - 1) * 39))
    # and its standard error is near the linearised one (R's would differ by its own draws)
    lin = strat.mean("api00")["se"].item()
    boot = [
        strat.as_replicate("bootstrap", replicates=200, seed=s).mean("api00")["se"].item()
        for s in (1, 2)
    ]
    assert all(abs(b / lin - 1) < 0.15 for b in boot)


def test_with_replicates_gives_any_statistic_its_replicate_se():
    d = rep_design("jkn")
    mean = d.mean("api00")

    def stats(data, w):
        m = np.sum(w * data["api00"]) / w.sum()
        return pd.Series({"mean": m, "sd": np.sqrt(np.sum(w * (data["api00"] - m) ** 2) / w.sum())})

    out = d.with_replicates(stats).set_index("term")
    assert out.loc["mean", "estimate"] == pytest.approx(mean["estimate"].item(), rel=1e-12)
    assert out.loc["mean", "se"] == pytest.approx(mean["se"].item(), rel=1e-10)
    assert out.loc["sd", "se"] > 0
    with pytest.raises(DesignError, match="as_replicate"):
        SurveyDesign(_data("apistrat"), weights="pw").with_replicates(stats)


def test_replicate_design_errors_name_the_fix():
    data = pd.concat(
        [_data("apistrat"), pd.read_csv(ROOT / "tests/golden/r_replicate_apistrat.csv")], axis=1
    )
    with pytest.raises(DesignError, match="rscales"):
        SurveyDesign(data, weights="pw", repweights="boot_", type="jkn")
    with pytest.raises(DesignError, match="No column matches"):
        SurveyDesign(data, weights="pw", repweights="nothing_[0-9]+", type="jk1")
    with pytest.raises(DesignError, match="rho"):
        SurveyDesign(data, weights="pw", repweights="boot_", type="fay")
    with pytest.raises(DesignError, match="no strata"):
        SurveyDesign(data, weights="pw", strata="stype", repweights="boot_", type="bootstrap")
    with pytest.raises(DesignError, match="JK1"):
        SurveyDesign(data, weights="pw", strata="stype").as_replicate("jk1")
    pairs = SurveyDesign(_data("apiclus2"), strata="pair", psu="dnum", weights="pw")
    with pytest.raises(DesignError, match="Fay's BRR takes rho"):
        pairs.as_replicate("fay")
    with pytest.raises(DesignError, match="Fay's BRR only"):
        pairs.as_replicate("jkn", rho=0.5)
    with pytest.raises(DesignError, match="exactly two PSUs"):
        SurveyDesign(data, weights="pw", strata="stype").as_replicate("brr")
    bad = data.assign(boot_3=data["boot_3"].where(data.index != 5))
    with pytest.raises(DesignError, match="'boot_3' is missing"):
        SurveyDesign(bad, weights="pw", repweights="boot_", type="bootstrap")


def test_predicted_margins_on_replicates_refit_each_replicate():
    """predict_margins on a replicate design equals the margins of a refit on each replicate's
    weights (computed here independently with statsmodels and with_replicates)."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    from survey_tools import predict_margins

    d = rep_design("jk1")
    fit = svyglm("yes ~ ell + stype", d, family="binomial")
    ours = predict_margins(fit, "stype").set_index("contrast")
    levels = list(d.data["stype"].cat.categories)

    def margins(data, w):
        keep = w > 0
        glm = smf.glm(
            "yes ~ ell + stype", data[keep], family=sm.families.Binomial(), var_weights=w[keep]
        ).fit(tol=1e-12)
        means = {
            g: np.sum(w * glm.predict(data.assign(stype=pd.Categorical([g] * len(data), levels))))
            / w.sum()
            for g in levels
        }
        return pd.Series([*means.values(), means["H"] - means["E"], means["M"] - means["E"]])

    oracle = d.with_replicates(margins)
    assert ours["estimate"].to_numpy() == pytest.approx(oracle["estimate"].to_numpy(), rel=1e-8)
    assert ours["se"].to_numpy() == pytest.approx(oracle["se"].to_numpy(), rel=1e-6)


ACS = json.loads((ROOT / "tests" / "golden" / "r_replicate_acs.json").read_text())


def test_an_acs_extract_reads_in_one_call_and_agrees_with_r():
    """SurveyDesign.from_acs(read_export(path)): PWGTP with PWGTP1..80, the Census Bureau's
    4/80 successive-difference variance (R: svrepdesign(type="ACS", mse=TRUE))."""
    from survey_tools import read_export

    export = read_export(ROOT / "tests" / "golden" / "r_replicate_acs.csv")
    d = SurveyDesign.from_acs(export)
    assert d.engine.scale == pytest.approx(ACS["scale"]) and d.engine.n_replicates == 80
    assert d.engine.degf() == ACS["degf"]
    coded = SurveyDesign.from_acs(export.data.assign(SEX=export.data["SEX"].astype(str)))
    ours = {
        ("mean", None): d.mean("AGEP").iloc[0],
        ("median", None): d.quantile("WAGP", 0.5).iloc[0],
        **{("total", r["level"]): r for _, r in coded.total("SEX").iterrows()},
        **{("mean_by", r["SEX"]): r for _, r in coded.mean("WAGP", by="SEX").iterrows()},
    }
    for row in ACS["results"]:
        got = ours[(row["case"], row["level"])]
        assert got["estimate"] == pytest.approx(row["estimate"], rel=1e-6), row
        assert got["se"] == pytest.approx(row["se"], rel=1e-5), row


def test_an_extract_without_its_replicates_is_refused_naming_them():
    data = pd.read_csv(ROOT / "tests" / "golden" / "r_replicate_acs.csv")
    with pytest.raises(DesignError, match=r"not its replicate weights \['PWGTP80'\]"):
        SurveyDesign.from_acs(data.drop(columns="PWGTP80"))
    with pytest.raises(DesignError, match="No ACS weight column"):
        SurveyDesign.from_acs(data.drop(columns="PWGTP"))


def test_ordinal_margins_on_replicates_refit_each_replicate():
    """predict_margins of svyolr on a replicate design: each replicate's refit averaged with
    its weights, as an independent fit per replicate weight (with_replicates) gives them."""
    from survey_tools import predict_margins

    d = rep_design("jk1")
    ours = predict_margins(svyolr("mealcat ~ ell + stype", d), "stype")

    def margins(data, w):
        keep = w > 0
        one = SurveyDesign(data[keep].assign(_w=w[keep]), weights="_w")
        return predict_margins(svyolr("mealcat ~ ell + stype", one), "stype")["estimate"]

    oracle = d.with_replicates(margins)
    assert ours["estimate"].to_numpy() == pytest.approx(oracle["estimate"].to_numpy(), rel=1e-8)
    assert ours["se"].to_numpy() == pytest.approx(oracle["se"].to_numpy(), rel=1e-5)


BRR = GOLDEN["brr_sizes"]


@cache
def brr_design(name: str) -> SurveyDesign:
    """apistrat dealt into 2n PSUs paired into n strata, as the R script does, converted."""
    kind, n = name.split("_")
    n = int(n)
    data = _data("apistrat")
    data["psu"] = 2 * n - np.arange(len(data)) % (2 * n)
    data["pair"] = (data["psu"] - 1) // 2
    design = SurveyDesign(data, strata="pair", psu="psu", weights="pw")
    return design.as_replicate(kind, rho=0.5 if kind == "fay" else None)


def _brr_ours(row: dict) -> pd.Series:
    d = brr_design(row["design"])
    case = row["case"]
    if case == "mean":
        return d.mean("api00").iloc[0]
    if case == "total":
        return d.total("enroll").iloc[0]
    if case == "ratio":
        return d.ratio("api.stu", "enroll").iloc[0]
    if case == "proportion":
        out = d.proportion("sch.wide")
        return out[out["level"] == "Yes"].iloc[0]
    if case == "median":
        return d.quantile("api00", 0.5).iloc[0]
    out = d.mean("api00", by="awards")
    return out[out["awards"].astype(str) == row["level"]].iloc[0]


# R's order-28 Hadamard matrix (25 strata) comes from Sloane's library, not built here: a
# Sylvester matrix of order 32 stands in, so estimates and totals' SEs are R's, the others not.
R_ORDER_28 = "brr_25"


@pytest.mark.parametrize(
    "row", BRR["results"], ids=lambda r: f"{r['design']}-{r['case']}-{r['level'] or ''}"
)
def test_brr_and_fay_conversions_agree_with_r_for_every_kind_of_hadamard_matrix(row):
    """as_replicate("brr") / ("fay", rho=0.5) for 6..38 strata: Sylvester, Paley, doubled
    Paley and Plackett-Burman matrices, strata in R's order (labels as text), R's SEs."""
    ours = _brr_ours(row)
    assert ours["estimate"] == pytest.approx(row["estimate"], rel=1e-6)
    if row["design"] != R_ORDER_28 or row["case"] == "total":
        assert ours["se"] == pytest.approx(row["se"], rel=1e-5)


@pytest.mark.parametrize("name", BRR["designs"])
def test_brr_replicate_count_scale_and_degrees_of_freedom_are_rs(name):
    d, want = brr_design(name), BRR["designs"][name]
    if name == R_ORDER_28:
        assert d.engine.n_replicates == 32 and d.engine.scale == pytest.approx(1 / 32)
        return
    assert d.engine.n_replicates == want["replicates"]
    assert d.engine.scale == pytest.approx(want["scale"], rel=1e-12)
    assert d.engine.degf() == want["degf"]
    # every replicate halves each stratum: one PSU kept (factor 2 - rho), the other rho
    factors = d.engine.repweights / d.weights[:, None]
    rho = 0.5 if name.startswith("fay") else 0.0
    assert set(np.round(np.unique(factors), 12)) == {rho, 2 - rho}


@pytest.mark.parametrize("n", [int(k) for k in GOLDEN["hadamard"]])
def test_hadamard_matrices_are_the_ones_r_chooses(n):
    """Built from Sylvester's, Paley's and Plackett-Burman's constructions, equal to R's
    survey::hadamard(n) entry by entry; R's order-28 matrix and its doublings excepted."""
    from survey_tools.design.hadamard import hadamard, r_order

    ours = hadamard(n)
    plus_minus = 2 * ours.astype(int) - 1
    assert ours.shape[0] > n
    assert (plus_minus @ plus_minus.T == ours.shape[0] * np.eye(ours.shape[0])).all()
    want = np.array([[int(c) for c in row] for row in GOLDEN["hadamard"][str(n)]])
    assert r_order(n) == (want.shape[0] % 28 != 0 or want.shape[0] & (want.shape[0] - 1) == 0)
    if r_order(n):
        assert np.array_equal(ours, want)
    else:
        assert ours.shape[0] > want.shape[0]
