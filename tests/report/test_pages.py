"""Memo pages as a reader sees them: PDF pages filled, tables whole, numbers right-aligned,
Word tables with set widths and no word broken, figures as wide as the text.

A small synthetic executed notebook (markdown outputs, pandas HTML tables, a PNG figure)
keeps these fast: no survey runs here.
"""

import base64
import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from survey_tools.report.pages import (
    _PAGE_CSS,
    MIN_FILL,
    _render,
    notebook_html,
    write_pdf,
)
from survey_tools.report.word import write_docx

WAVE = "2026 member survey"
DATE = datetime(2026, 1, 1, tzinfo=UTC)
LOREM = (
    "Members who train AI systems for platforms reported their pay, their contracts and "
    "the notice they were given when projects ended; the shares below are weighted to the "
    "membership roll and every interval is a 95% interval. "
)


def _markdown(text: str):
    return new_code_cell(
        outputs=[new_output("display_data", data={"text/markdown": text, "text/plain": "md"})]
    )


def _table(frame: pd.DataFrame, caption: str, *, index: bool = True):
    """pandas' HTML, with the row labels as its index (``<th>``, the index's name on a
    second header row) or, as ``Captioned`` writes it, as a plain first column."""
    if not index:
        frame = frame.reset_index()
    html = frame.to_html(index=index).replace(">", f">\n  <caption>{caption}</caption>", 1)
    return new_code_cell(
        outputs=[
            new_output(
                "execute_result", data={"text/html": html, "text/plain": "t"}, execution_count=1
            )
        ]
    )


def _figure(width: int = 1800, height: int = 1100):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).rectangle([40, 40, width - 40, height - 40], outline="navy", width=12)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    data = base64.b64encode(buffer.getvalue()).decode()
    return new_code_cell(
        outputs=[
            new_output(
                "display_data",
                data={"image/png": data, "text/plain": "<Figure>"},
                metadata={"alt": "Figure 1: a framed rectangle."},
            )
        ]
    )


def _ranking(rows: int = 7) -> pd.DataFrame:
    groups = [f"Group {chr(65 + i % 26)}{i // 26 or ''} members" for i in range(rows)]
    return pd.DataFrame(
        {
            "Share": [f"{5 + 3 * i:.1f}%" for i in range(rows)],
            "Interval holding for all 7": [
                f"{3 + i:.1f}% to {9 + 3 * i:.1f}%" for i in range(rows)
            ],
            "Base (n)": [f"{1200 + 37 * i:,}" for i in range(rows)],
            "Below the top group?": ["top group"] + ["yes"] * (rows - 1),
        },
        index=pd.Index(groups, name="Role group"),
    )


def _support() -> pd.DataFrame:
    """Five columns with long headers, like the memo's Table 3."""
    options = [
        "Adopt a guild policy on members doing AI-training work",
        "Publish minimum rates for AI-training work in members' crafts",
        "Ask members to report AI-training work to the guild confidentially",
    ]
    cell = "65.0% (63.0%–67.0%; n=2,911)"
    return pd.DataFrame(
        {
            "All members": [cell] * 3,
            "Members paid for AI-training work": [cell] * 3,
            "Members who knowingly lost a job, booking or commission to AI in the past 12 months": [
                cell
            ]
            * 3,
            "Would address": [
                "—",
                "80.1% were paid less per hour than the guild's scale rate",
                "90.6% signed non-disclosure agreements; 11.8% were often exposed to "
                "disturbing content",
            ],
        },
        index=pd.Index(options, name="Option"),
    )


def _memo(*, bottom_line: int = 9, table_rows: int = 7) -> nbformat.NotebookNode:
    """Title, header lines, a bottom line of ``bottom_line`` bullets, then Findings (a
    heading, text and a figure), a ranking table and a wide support table."""
    bullets = "\n".join(f"- **{10 + i}.0%** {LOREM}" for i in range(bottom_line))
    nb = new_notebook()
    cells = [
        _markdown(
            "# AI-training work and lost work to AI\n\n**To:** Guild officers and board · "
            "**From:** Research department · **Date:** 2026-10-15 · **Re:** 2026 member "
            "survey\n\n**Classification:** internal"
        ),
        _markdown(f"## Bottom line\n\n{bullets}\n\n**Recommendation.** {LOREM * 2}"),
        _markdown(f"## Findings\n\n{LOREM}\n\n**Lost work to AI.** {LOREM * 3}"),
        _figure(),
        _table(_ranking(table_rows), "Table 1. Lost work to AI, by role group"),
        _markdown(f"**Members paid for AI-training work.** {LOREM * 2}"),
        _table(
            _support(),
            "Table 2. Support for each option (share; 95% CI; unweighted base)",
            index=False,
        ),
    ]
    for i, cell in enumerate(cells):
        cell.id = f"cell-{i}"  # nbformat draws random ids; the files must repeat byte for byte
    nb.cells = cells
    return nb


def _html(nb, figures="svg") -> str:
    return notebook_html(nb, title="Memo", wave=WAVE, figures=figures, date=DATE)


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "memo.docx"
    html = re.sub(r"<title>.*?</title>", "", _html(_memo(), figures="png"))
    return write_docx(html, path, wave=WAVE, title="Memo", date=DATE)


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "memo.pdf"
    return write_pdf(_html(_memo()), path, size="A4", wave=WAVE, date=DATE)


# --- HTML ------------------------------------------------------------------------------


def test_pandas_tables_get_one_header_row_and_numeric_cells_marked():
    html = _html(_memo())
    table = re.search(r"<table.*?Table 1\..*?</table>", html, re.S).group(0)
    head = re.search(r"<thead>.*?</thead>", table, re.S).group(0)
    assert head.count("<tr") == 1  # pandas' index-name row folded into the header
    assert re.search(r"<th>Role group</th>\s*<th class=\"num\">Share</th>", head)
    assert '<td class="num">5.0%</td>' in table and '<td class="num">3.0% to 9.0%</td>' in table
    assert "<td>top group</td>" in table  # words stay left-aligned
    assert 'http-equiv="Content-Security-Policy"' in html


# --- PDF -------------------------------------------------------------------------------


def _lines(path: Path) -> list[list[tuple[float, float, str]]]:
    """Per page, the (x, y from the page top, text) of every piece of text pypdf reads."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(path).pages:
        height = float(page.mediabox.height)
        found = []

        def visit(text, cm, tm, font, size, found=found, height=height):
            if text.strip():
                x = tm[4] * cm[0] + cm[4]
                y = tm[5] * cm[3] + cm[5]
                found.append((x, height - y, text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def _body(found, page_height=842.0):
    """Text between the running header (top 20 mm) and the footer (bottom 18 mm)."""
    return [t for t in found if 20 / 25.4 * 72 + 4 < t[1] < page_height - 18 / 25.4 * 72]


def test_first_page_is_filled_before_the_findings_figure(pdf_path):
    pages = _lines(pdf_path)
    top, bottom = 20 / 25.4 * 72, 842 - 18 / 25.4 * 72
    lowest = max(y for _, y, _ in _body(pages[0]))
    assert (lowest - top) / (bottom - top) >= 0.85
    page1 = " ".join(t for _, _, t in pages[0])
    assert "Findings" in page1  # the heading did not jump with the block after it


def test_no_page_but_the_last_is_less_than_half_full():
    css = _PAGE_CSS.format(size="A4", confidential="C", wave="W")
    for bullets in (4, 9, 14):
        from survey_tools.report.pages import _page_fills

        fills = [fill for fill, _ in _page_fills(_render(_html(_memo(bottom_line=bullets)), css))]
        assert min(fills[:-1]) >= MIN_FILL, (bullets, fills)


def _page_of(pages, text) -> set[int]:
    return {i for i, found in enumerate(pages) for _, _, t in found if text in t}


def test_a_table_that_fits_a_page_is_not_split(tmp_path):
    # Nine bullets fill most of page 1: Table 1 (16 rows) would straddle pages 2 and 3.
    nb = _memo(bottom_line=9, table_rows=16)
    path = write_pdf(_html(nb), tmp_path / "m.pdf", size="letter", wave=WAVE, date=DATE)
    pages = _lines(path)
    first = _page_of(pages, "Group A members")
    last = _page_of(pages, "Group P members")
    assert first == last and len(first) == 1
    caption = _page_of(pages, "Table 1. Lost work")
    assert caption == first  # the caption stays with its table


def test_figures_take_the_text_width_and_stay_whole():
    from weasyprint import HTML

    css = _PAGE_CSS.format(size="A4", confidential="C", wave="W")
    document = _render(_html(_memo()), css)
    images = [
        (page, box)
        for page in document.pages
        for box in page._page_box.descendants()
        if getattr(box, "element_tag", None) == "img"
    ]
    assert len(images) == 1
    page, box = images[0]
    assert box.width == pytest.approx(page._page_box.width, abs=1)  # 178 mm of 178 mm
    assert box.position_y + box.height <= page._page_box.content_box_y() + page._page_box.height
    assert HTML  # WeasyPrint laid it out


def test_wide_table_fits_the_page_with_wrapped_headers_and_right_aligned_numbers():
    css = _PAGE_CSS.format(size="letter", confidential="C", wave="W")
    document = _render(_html(_memo()), css)
    for page in document.pages:
        box = page._page_box
        right_edge = box.content_box_x() + box.width
        for child in box.descendants():
            tag = getattr(child, "element_tag", None)
            if type(child).__name__ == "TableCellBox" and tag in {"th", "td"}:
                tag = f"cell {tag}"
            if tag == "table":
                assert child.position_x + child.margin_width() <= right_edge + 0.5
            if tag == "cell th" and "12 months" in (child.element.text or ""):
                lines = [c for c in child.descendants() if type(c).__name__ == "LineBox"]
                assert len(lines) >= 3  # the long header wraps
                assert child.style["font_size"] >= 8 * 4 / 3  # 8 pt, in CSS px
            if tag == "cell td" and "num" in (child.element.get("class") or ""):
                text = [c for c in child.descendants() if type(c).__name__ == "TextBox"]
                cell_right = child.content_box_x() + child.width
                assert text and max(t.position_x + t.width for t in text) == pytest.approx(
                    cell_right, abs=0.6
                )


def test_pdf_is_byte_reproducible(pdf_path, tmp_path):
    again = write_pdf(_html(_memo()), tmp_path / "again.pdf", size="A4", wave=WAVE, date=DATE)
    assert again.read_bytes() == pdf_path.read_bytes()


# --- DOCX ------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _tables(path):
    import docx

    return docx.Document(path).tables


def test_docx_title_is_a_heading_and_header_lines_a_paragraph(docx_path):
    import docx

    doc = docx.Document(docx_path)
    first = doc.paragraphs[0]
    assert first.text == "AI-training work and lost work to AI"
    assert first.style.name in {"Title", "Heading 1"}
    assert any(p.text.startswith("To: Guild officers") for p in doc.paragraphs)
    assert not any("To:" in c.text for t in doc.tables for row in t.rows for c in row.cells)


def test_docx_tables_have_set_widths_within_the_text_width(docx_path):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    text_width = round((210 - 32) / 25.4 * 1440)
    for table in _tables(docx_path):
        tbl = table._tbl
        assert tbl.tblPr.find(f"{W}tblLayout").get(f"{W}type") == "fixed"
        widths = [col.w.twips for col in tbl.tblGrid.gridCol_lst]
        assert sum(widths) <= text_width + 1
        numeric = [
            i
            for i, cell in enumerate(table.rows[1].cells)
            if cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
        ]
        assert numeric and all(widths[0] > widths[i] for i in numeric)  # labels wider
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                assert cell.width.twips == width


def test_docx_numbers_right_aligned_words_left(docx_path):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    ranking = _tables(docx_path)[0]
    header = [c.text for c in ranking.rows[0].cells]
    assert header == [
        "Role group",
        "Share",
        "Interval holding for all 7",
        "Base (n)",
        "Below the top group?",
    ]
    for row in ranking.rows:
        aligned = [c.paragraphs[0].alignment for c in row.cells]
        assert aligned == [WD_ALIGN_PARAGRAPH.LEFT] + [WD_ALIGN_PARAGRAPH.RIGHT] * 3 + [
            WD_ALIGN_PARAGRAPH.LEFT
        ]


def test_docx_header_row_repeats_in_bold_and_tables_hold_together(docx_path):
    for table in _tables(docx_path):
        rows = table._tbl.tr_lst
        assert rows[0].trPr.find(f"{W}tblHeader") is not None
        assert all(
            r.text and r.bold for c in table.rows[0].cells for p in c.paragraphs for r in p.runs
        )
        assert all(r.trPr.find(f"{W}cantSplit") is not None for r in rows)
        keep = [
            all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
            for row in table.rows
        ]
        assert keep == [True] * (len(rows) - 1) + [False]
        caption = table._tbl.getprevious()
        assert caption.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "TableCaption"
        assert caption.find(f"{W}pPr/{W}keepNext") is not None


def _dejavu(bold: bool):
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu"):
        if (Path(folder) / name).exists():
            return ImageFont.truetype(str(Path(folder) / name), 200)
    pytest.skip("DejaVu Sans not installed")


def test_docx_no_word_is_wider_than_its_column(docx_path):
    """Measured with the real DejaVu Sans (the widest of the usual fonts): every word of
    every cell fits its column inside the cell margins, so Word never breaks a word."""
    for table in _tables(docx_path):
        for i, row in enumerate(table.rows):
            for cell in row.cells:
                size = max((r.font.size.pt for p in cell.paragraphs for r in p.runs), default=9)
                font = _dejavu(bold=i == 0)
                room = cell.width.twips - 2 * 108
                for word in cell.text.split():
                    width = font.getlength(word) / 200 * size * 20
                    assert width <= room, (word, width, room)


def test_docx_figures_take_the_text_width(docx_path):
    import docx

    shapes = docx.Document(docx_path).inline_shapes
    assert len(shapes) == 1
    assert shapes[0].width.mm == pytest.approx(178, abs=0.5)
    assert shapes[0].height.mm == pytest.approx(178 * 1100 / 1800, abs=0.5)


def test_docx_is_byte_reproducible(docx_path, tmp_path):
    html = re.sub(r"<title>.*?</title>", "", _html(_memo(), figures="png"))
    again = write_docx(html, tmp_path / "again.docx", wave=WAVE, title="Memo", date=DATE)
    assert again.read_bytes() == docx_path.read_bytes()
    with zipfile.ZipFile(again) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def test_a_tall_table_flows_rather_than_leave_a_page_mostly_empty(tmp_path):
    """A table almost a page tall after a third of a page of text: kept whole, it would
    leave page 1 two-thirds empty, so it starts there and continues with its header
    repeated, no row split."""
    nb = _memo()
    rows = _ranking(44)
    nb.cells = [
        nb.cells[0],
        _markdown(f"## Findings\n\n{LOREM * 6}"),
        _table(rows, "Table 1. Lost work to AI, by role group"),
    ]
    path = write_pdf(_html(nb), tmp_path / "m.pdf", size="A4", wave=WAVE, date=DATE)
    pages = _lines(path)
    assert len(pages) == 2
    assert _page_of(pages, "Role group") == {0, 1}  # the header row on both pages
    where = [_page_of(pages, label) for label in rows.index]
    assert {0} in where and {1} in where and all(len(r) == 1 for r in where)
    assert where == sorted(where, key=min)  # in order: page 1's rows, then page 2's
