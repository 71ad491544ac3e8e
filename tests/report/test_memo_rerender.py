"""Re-rendering a memo renders only what changed: an unchanged memo's PDFs and Word file are
taken over from the set already there, byte for byte; a changed memo is rendered again."""

import pytest

from conftest import ROOT
from survey_tools.demo import demo_params
from survey_tools.report import memo as memo_module
from survey_tools.report.memo import render_memo

MEMO = ROOT / "notebooks" / "reports" / "05_memo.ipynb"
BOOK = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"


def test_an_unchanged_memo_is_not_rendered_again_and_a_changed_one_is(
    demo_files, tmp_path, monkeypatch
):
    params = demo_params(demo_files, BOOK)
    first = render_memo(MEMO, params=params, out_dir=tmp_path, formats=("html", "pdf", "docx"))
    rendered = {k: first[k].read_bytes() for k in ("html", "pdf", "pdf_letter", "docx")}

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(memo_module, "write_pdf", no_rendering)
    monkeypatch.setattr(memo_module, "write_docx", no_rendering)
    again = render_memo(MEMO, params=params, out_dir=tmp_path, formats=("html", "pdf", "docx"))
    assert {k: again[k].read_bytes() for k in rendered} == rendered
    with pytest.raises(AssertionError, match="rendered again"):
        render_memo(MEMO, params={**params, "wave": "Wave 2"}, out_dir=tmp_path)
    assert {k: again[k].read_bytes() for k in rendered} == rendered  # the old set is kept


def test_an_html_draft_is_the_memos_own_page_with_its_figures_saved_as_svg(demo_files, tmp_path):
    params = demo_params(demo_files, BOOK)
    full = render_memo(MEMO, params=params, out_dir=tmp_path / "full", formats=("html", "docx"))
    draft = render_memo(MEMO, params=params, out_dir=tmp_path / "draft", formats=("html",))
    assert draft["html"].read_bytes() == full["html"].read_bytes()
    assert {p.suffix for p in full["figures"].iterdir()} == {".png", ".svg", ".txt"}
    assert {p.suffix for p in draft["figures"].iterdir()} == {".svg", ".txt"}
    assert {p.name for p in draft["figures"].glob("*.svg")} == {
        p.name for p in full["figures"].glob("*.svg")
    }
