"""The memo as Word: pandoc's DOCX of the memo HTML, finished with python-docx.

Real Word tables with set column widths (every column at least as wide as its longest word in
DejaVu Sans, the label column wider), numbers right-aligned, a bold header row repeated on each
page, rows that never split and are kept together; figures at the text width; A4 pages with the
confidentiality line and wave label in the page header and "Page x of y" in the footer. The file
is byte-reproducible: Word's document properties and every zip entry carry the memo's date.
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

from .pages import CONFIDENTIAL, numeric_columns, source_date

__all__ = ["write_docx"]


def _page_field(paragraph, instruction: str) -> None:
    """Append a Word field (``PAGE``, ``NUMPAGES``) that Word fills in when it lays out pages.

    One run per part (begin, instruction, separator, result, end), as Word writes them, so
    each carries the run formatting the caller gives the paragraph's runs.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind in ("begin", "instr", "separate", "result", "end"):
        run = paragraph.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instruction} "
        elif kind == "result":
            el = OxmlElement("w:t")
            el.text = "1"
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run.element.append(el)


# DejaVu Sans advance widths (1/1000 em) of the printable ASCII characters, from " " to "~":
# a font at least as wide as the usual Word fonts (Calibri, Aptos, Arial), so a column wide
# enough for a word in it is wide enough in Word and LibreOffice. Other characters: 700.
_ADVANCE = dict(
    zip(
        map(chr, range(32, 127)),
        (
            318,
            401,
            460,
            838,
            636,
            950,
            780,
            275,
            390,
            390,
            500,
            838,
            318,
            361,
            318,
            337,
            636,
            636,
            636,
            636,
            636,
            636,
            636,
            636,
            636,
            636,
            337,
            337,
            838,
            838,
            838,
            531,
            1000,
            684,
            686,
            698,
            770,
            632,
            575,
            775,
            752,
            295,
            295,
            656,
            557,
            863,
            748,
            787,
            603,
            787,
            695,
            635,
            611,
            732,
            684,
            989,
            685,
            611,
            685,
            390,
            337,
            390,
            838,
            500,
            500,
            613,
            635,
            550,
            635,
            615,
            352,
            635,
            634,
            278,
            278,
            579,
            278,
            974,
            634,
            612,
            635,
            635,
            411,
            521,
            392,
            634,
            592,
            818,
            592,
            592,
            525,
            636,
            337,
            636,
            838,
        ),
        strict=True,
    )
)
_TABLE_PT = 9  # Word table text size (points); 8 and 7 when a table's words would not fit
_CELL_MARGIN = 108  # Word's default left and right cell margins (twips, each side)


def _text_twips(text: str, size: float, *, bold: bool = False) -> float:
    """The width of ``text`` in twips at ``size`` points, with a little to spare (DejaVu
    Sans Bold is up to 14% wider than its regular weight).

    >>> round(_text_twips("Respondents", 9, bold=True))  # DejaVu Sans Bold: 1321
    1347
    """
    em = sum(_ADVANCE.get(ch, 700) for ch in text) / 1000
    return em * size * 20 * (1.15 if bold else 1.03)


def _column_widths(
    cells: list[tuple[int, str, bool]], columns: int, available: int
) -> tuple[list[int], float]:
    """Column widths (twips) and text size for a Word table of ``columns`` columns.

    ``cells`` holds ``(column, text, header)``. Each column is at least as wide as its
    longest word, so text wraps at spaces and never inside a word. A column wants the width
    of its longest cell on one line; a header wants at most a sixth of the page (longer ones
    wrap, so a long header does not widen a column of short numbers). A table that fits
    keeps these widths; a wider one fills ``available``, sharing the room beyond the longest
    words by how much each column wants, the first (label) column with double weight. When
    the longest words do not fit side by side, the text gets smaller (8 then 7 points).

    Examples
    --------
    >>> cells = [(0, "Role group", True), (1, "Share", True), (0, "Voice & audio", False),
    ...          (1, "18.0%", False)]
    >>> _column_widths(cells, 2, 10_000)
    ([1520, 838], 9)
    """
    for size in (_TABLE_PT, 8, 7):
        pad = 2 * _CELL_MARGIN + 20
        least, wanted = [pad] * columns, [pad] * columns
        for col, text, header in cells:
            words = text.split() or [""]
            longest = max(_text_twips(w, size, bold=header) for w in words)
            full = _text_twips(" ".join(words), size, bold=header)
            if header:
                full = min(full, available / 6)
            least[col] = max(least[col], longest + pad)
            wanted[col] = max(wanted[col], full + pad)
        wanted = [max(w, m) for w, m in zip(wanted, least, strict=True)]
        if sum(least) <= available:
            break
    if sum(wanted) <= available:
        return [round(w) for w in wanted], size
    spare = available - sum(least)
    if spare <= 0:  # even 7-point words do not fit: share the page by the words' widths
        return [round(w * available / sum(least)) for w in least], size
    extra = [n - m for n, m in zip(wanted, least, strict=True)]
    extra[0] *= 2  # the label column
    total = sum(extra) or 1
    widths = [round(m + spare * e / total) for m, e in zip(least, extra, strict=True)]
    widths[0] += available - sum(widths)  # rounding: the first (label) column takes it
    return widths, size


def _set(parent, tag: str, before: tuple[str, ...] = (), **attrs):
    """Get or create the child ``w:<tag>`` of ``parent``, placed before the first of
    ``before`` (schema order), and set its ``w:`` attributes."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = parent.find(qn(f"w:{tag}"))
    if el is None:
        el = OxmlElement(f"w:{tag}")
        follower = next((c for c in parent if c.tag in {qn(f"w:{t}") for t in before}), None)
        if follower is not None:
            follower.addprevious(el)
        else:
            parent.append(el)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


_TBL_PR_AFTER_LAYOUT = ("tblCellMar", "tblLook", "tblCaption", "tblDescription")
_TR_PR_AFTER_CANTSPLIT = ("trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden")


def _docx_tables(doc, available: int) -> None:
    """Real Word tables that read like the PDF's.

    Column widths are fixed (:func:`_column_widths`: the label column wide, numeric columns
    narrow, no word broken), numbers right-aligned with their headers, header rows bold and
    repeated on every page, rows never split, every row kept with the next so a table that
    fits on a page is not broken across two, and each caption kept with its table.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph

    for table in doc.tables:
        tbl = table._tbl
        grid, header_rows = [], []
        for tr in tbl.tr_lst:
            header = tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            header_rows.append(header)
            row, col = [], 0
            for tc in tr.tc_lst:
                span = tc.grid_span
                row.append((col, span, tc))
                col += span
            grid.append(row)
        columns = max((col + span for row in grid for col, span, _ in row), default=0)
        if not columns:
            continue
        body = [
            [
                (col, span, "\n".join(p.text for p in _Cell(tc, table).paragraphs), False)
                for col, span, tc in row
            ]
            for row, header in zip(grid, header_rows, strict=True)
            if not header
        ]
        numeric = numeric_columns(body)
        cells = [
            (col, "\n".join(p.text for p in _Cell(tc, table).paragraphs), header)
            for row, header in zip(grid, header_rows, strict=True)
            for col, span, tc in row
            if span == 1
        ]
        widths, size = _column_widths(cells, columns, available)
        tblPr = tbl.tblPr
        _set(
            tblPr,
            "tblW",
            (
                "jc",
                "tblCellSpacing",
                "tblInd",
                "tblBorders",
                "shd",
                "tblLayout",
                *_TBL_PR_AFTER_LAYOUT,
            ),
            w=sum(widths),
            type="dxa",
        )
        _set(tblPr, "tblLayout", _TBL_PR_AFTER_LAYOUT, type="fixed")
        tblGrid = tbl.tblGrid
        for gridCol, width in zip(tblGrid.gridCol_lst, widths, strict=False):
            gridCol.w = width * 635  # twips to EMU, python-docx's unit for gridCol widths
        last = len(grid) - 1
        for i, (row, header) in enumerate(zip(grid, header_rows, strict=True)):
            trPr = tbl.tr_lst[i].get_or_add_trPr()
            _set(trPr, "cantSplit", _TR_PR_AFTER_CANTSPLIT)
            for col, span, tc in row:
                cell = _Cell(tc, table)
                cell.width = sum(widths[col : col + span]) * 635
                right = all(c in numeric for c in range(col, col + span))
                for paragraph in cell.paragraphs:
                    paragraph.alignment = (
                        WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
                    )
                    paragraph.paragraph_format.keep_with_next = i < last
                    for run in paragraph.runs:
                        run.font.size = Pt(size)
                        if header:
                            run.font.bold = True
        caption = tbl.getprevious()
        if caption is not None and caption.tag == qn("w:p"):
            style = caption.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            if style is not None and style.get(qn("w:val")) == "TableCaption":
                fmt = Paragraph(caption, None).paragraph_format
                fmt.keep_with_next = True
                fmt.space_before = Pt(8)  # apart from a table just above


def _docx_figures(doc, available_emu: int, tallest_emu: int) -> None:
    """Every picture as wide as the text, and no taller than ``tallest_emu``."""
    for shape in doc.inline_shapes:
        width, height = shape.width, shape.height
        if not width or not height:
            continue
        scale = min(available_emu / width, tallest_emu / height)
        shape.width, shape.height = round(width * scale), round(height * scale)


def _docx_pages(path: Path, *, wave: str, title: str, date: datetime) -> None:
    """A4 pages with the confidentiality line and wave as a running header, page x of y below,
    and pandoc's tables and figures set for the page (:func:`_docx_tables`,
    :func:`_docx_figures`: figures at the text width, at most 110 mm high).

    pandoc writes US Letter and no header; python-docx sets every section to A4 (210 x 297 mm,
    the PDF's margins) and writes the header and footer on every page.
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    doc = Document(str(path))
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(18)
        section.left_margin = section.right_margin = Mm(16)
    text_width = Mm(210 - 2 * 16)
    _docx_tables(doc, round(text_width.twips))
    _docx_figures(doc, text_width, Mm(110))  # as high as the PDF's figures at most
    for section in doc.sections:
        header = section.header.paragraphs[0]
        header.text = ""
        conf = header.add_run(CONFIDENTIAL)
        conf.font.color.rgb = RGBColor(0x8A, 0x1C, 0x1C)
        if wave:
            header.add_run(f" · {wave}").font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        for run in header.runs:
            run.font.size = Pt(7.5)
        footer = section.footer.paragraphs[0]
        footer.text = ""
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        _page_field(footer, "PAGE")
        footer.add_run(" of ")
        _page_field(footer, "NUMPAGES")
        for run in footer.runs:
            run.font.size = Pt(8)
        mark = _set(footer._p.get_or_add_pPr(), "rPr", ("sectPr", "pPrChange"))
        _set(mark, "sz", (), val=16)  # the paragraph mark: LibreOffice sizes fields by it
        _set(mark, "szCs", (), val=16)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "", ""
    props.created = props.modified = props.last_printed = date.replace(tzinfo=None)
    props.revision = 1
    doc.save(str(path))
    _fixed_zip(path, date)


def _fixed_zip(path: Path, date: datetime) -> None:
    """Rewrite a zip (a .docx) with every entry dated ``date``, so equal content gives equal
    bytes (python-docx stamps each entry with the time it was saved)."""
    with zipfile.ZipFile(path) as old:
        entries = [(info, old.read(info)) for info in old.infolist()]
    stamp = date.timetuple()[:6]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            new.writestr(fixed, data)


def write_docx(html: str, path: Path, *, wave: str, title: str, date: datetime) -> Path:
    """The memo as a Word document (A4): pandoc's conversion of ``html``, then the tables,
    figures and pages set as :func:`_docx_pages` describes. Give it the HTML made with
    ``figures="png"`` (Word shows no SVG)."""
    import pypandoc

    html = re.sub(r'<div class="memo-running">.*?</div>\n?', "", html)  # the page header has it
    with source_date(date):
        pypandoc.convert_text(
            html, "docx", format="html", outputfile=str(path), extra_args=["--standalone"]
        )
    _docx_pages(path, wave=wave, title=title, date=date)
    return path
