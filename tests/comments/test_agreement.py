"""Human coding: the sheet staff fill in, reading it back, and agreement with the rules."""

import krippendorff
import numpy as np
import pytest
from openpyxl import load_workbook
from sklearn.metrics import cohen_kappa_score

from survey_tools import CodebookError, code_comments
from survey_tools.comments import read_themes
from survey_tools.comments.agreement import (
    agreement,
    coding_sheet,
    cohen_kappa,
    krippendorff_alpha,
    read_coding_sheet,
    write_coding_sheet,
)
from survey_tools.comments.suggest import suggest_themes

from .conftest import survey


@pytest.fixture(scope="module")
def demo():
    texts, rows, _ = survey()
    return texts, rows["role_primary"].astype("Int64").astype(str).reindex(texts.index)


def test_the_sheet_is_stratified_reproducible_and_hides_the_rules(demo, tmp_path):
    texts, groups = demo
    sheet = coding_sheet(texts, groups=groups, n=120, min_per_group=8, seed=5)
    assert len(sheet) == 120 and sheet["comment_id"].is_unique
    per_group = sheet["group"].value_counts()
    written = groups[texts.notna()].value_counts()
    assert (per_group.reindex(written.index) >= np.minimum(written, 120 // len(written))).all()
    assert sheet.equals(coding_sheet(texts, groups=groups, n=120, min_per_group=8, seed=5))
    themes = read_themes()
    assert (sheet[themes.ids] == "").all().all()  # nothing pre-filled by the rules
    path = write_coding_sheet(sheet, tmp_path / "sheet.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Coding", "Themes", "How to code"]


def test_codes_read_back_and_agreement_equals_sklearn_and_krippendorff(demo, tmp_path):
    texts, groups = demo
    themes = read_themes()
    sheet = coding_sheet(texts, groups=groups, n=80, seed=2)
    rules = code_comments(texts, themes).loc[sheet["comment_id"]]
    # A staff member who agrees with the rules except on every seventh comment, marking "x".
    rng = np.random.default_rng(0)
    staff = rules.to_numpy() ^ (rng.random(rules.shape) < 0.15)
    for j, t in enumerate(themes.ids):
        sheet[t] = np.where(staff[:, j], "x", "")
    sheet.loc[sheet.index[-5:], "coded_by"] = ""  # not yet coded: left out
    sheet.loc[sheet.index[:-5], "coded_by"] = "AB"
    path = write_coding_sheet(sheet, tmp_path / "filled.xlsx")
    human = read_coding_sheet(path)
    assert len(human) == 75 and human.index.tolist() == sheet["comment_id"].tolist()[:75]
    table = agreement(human, rules).set_index("theme")
    for j, t in enumerate(themes.ids):
        a, b = staff[:75, j], rules[t].to_numpy()[:75]
        assert table.loc[t, "kappa"] == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
        ref = krippendorff.alpha(
            reliability_data=np.vstack([a, b]).astype(int), level_of_measurement="nominal"
        )
        assert table.loc[t, "alpha"] == pytest.approx(ref, abs=1e-12)
        if b.sum():
            assert table.loc[t, "precision"] == pytest.approx((a & b).sum() / b.sum())
        if a.sum():
            assert table.loc[t, "recall"] == pytest.approx((a & b).sum() / a.sum())


def test_agreement_statistics_on_three_coders_and_other_labels():
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 3, size=(3, 40))
    assert krippendorff_alpha(*codes) == pytest.approx(
        krippendorff.alpha(reliability_data=codes, level_of_measurement="nominal"), abs=1e-12
    )
    assert cohen_kappa(codes[0], codes[1]) == pytest.approx(
        cohen_kappa_score(codes[0], codes[1]), abs=1e-12
    )


def test_an_unreadable_mark_is_named_with_its_cell(demo, tmp_path):
    texts, groups = demo
    sheet = coding_sheet(texts, groups=groups, n=10, seed=1)
    sheet["coded_by"] = "AB"
    sheet.loc[3, "nda"] = "maybe"
    path = write_coding_sheet(sheet, tmp_path / "bad.xlsx")
    with pytest.raises(CodebookError, match=r"'maybe' in column nda, row 5"):
        read_coding_sheet(path)


def test_theme_suggestions_are_seeded_and_marked_exploratory(demo):
    texts, _ = demo
    first = suggest_themes(texts, k=5, seed=1)
    assert first.equals(suggest_themes(texts, k=5, seed=1))
    assert "not estimates" in first.attrs["note"]
    assert first["comments"].sum() == texts.notna().sum()
    assert not any("[" in t for t in first["terms"])  # redaction tags are no theme
