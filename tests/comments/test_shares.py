"""Weighted theme shares agree with R's survey package and go through disclosure control.

Golden values: tests/golden/r_comment_shares.json, written by tests/golden/r_comment_shares.R
(``svyciprop(~theme, subset(design, commented), method = "logit")`` and on the full design).
"""

import json

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, SHARED
from survey_tools import SurveyDesign, code_comments
from survey_tools.comments.shares import SELECTIVE_NOTE, theme_shares

GOLDEN = json.loads((ROOT / "tests/golden/r_comment_shares.json").read_text())


@pytest.fixture(scope="module")
def api():
    data = pd.read_csv(SHARED / "reference/r-survey-api/apistrat.csv")
    commented = data["meals"] > 30
    coded = pd.DataFrame({"theme": commented & (data["comp.imp"] == "Yes")})
    design = SurveyDesign(data, strata="stype", weights="pw", fpc="fpc")
    return design, coded, commented


@pytest.mark.parametrize("base", ["commenters", "members"])
@pytest.mark.parametrize("by", [None, "stype"])
def test_shares_match_r_svyciprop_on_a_domain_of_the_full_design(api, base, by):
    design, coded, commented = api
    table = theme_shares(design, coded, commented=commented, by=by, base=base, min_count=1,
                         min_base=1)  # fmt: skip
    for row in (r for r in GOLDEN if r["base"] == base and (r["group"] == "all") == (by is None)):
        ours = table if by is None else table[table["stype"] == row["group"]]
        ours = ours.iloc[0]
        assert ours["estimate"] == pytest.approx(row["estimate"], rel=1e-6)
        assert ours["se"] == pytest.approx(row["se"], rel=1e-5)
        assert ours["ci_low"] == pytest.approx(row["ci_low"], rel=1e-5)
        assert ours["ci_high"] == pytest.approx(row["ci_high"], rel=1e-5)


def test_small_cells_are_withheld_and_bases_are_unweighted_counts(api):
    design, coded, commented = api
    table = theme_shares(design, coded, commented=commented, by="stype")
    assert table["n"].tolist() == commented.groupby(design.data["stype"]).sum().tolist()
    hidden = table[table["hidden"]]
    assert not hidden.empty and hidden["estimate"].isna().all()  # H and M: bases below 30
    assert (hidden["withheld"] != "").all()
    assert table.loc[~table["hidden"], "estimate"].notna().all()


def test_members_who_never_reached_the_comment_box_are_left_out_of_the_members_base(api):
    design, coded, commented = api
    asked = pd.Series(np.arange(len(commented)) % 4 != 0) | commented
    all_in = theme_shares(design, coded, commented=commented, base="members", min_count=1)
    fewer = theme_shares(design, coded, commented=commented, asked=asked, base="members",
                         min_count=1)  # fmt: skip
    assert fewer["n"].iloc[0] == asked.sum() < all_in["n"].iloc[0]
    assert fewer["estimate"].iloc[0] > all_in["estimate"].iloc[0]


def test_the_demo_shares_are_labelled_and_the_caveat_says_commenting_is_selective(demo_files):
    from .conftest import survey

    texts, rows, _ = survey()
    data = rows.reset_index()
    design = SurveyDesign(data)
    coded = code_comments(texts.reset_index(drop=True))
    from survey_tools.comments import read_themes

    table = theme_shares(design, coded, commented=data["open_comment"], themes=read_themes())
    assert set(table["label"]) >= {"Rates and pay cuts", "What the guild should do"}
    assert "chose whether to write" in SELECTIVE_NOTE
