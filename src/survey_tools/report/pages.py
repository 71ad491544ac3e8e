"""Memo pages: an executed notebook as one self-contained HTML, and that HTML as PDF and DOCX.

- ``notebook_html``: nbconvert's ``basic`` template, code hidden, figures inline as ``data:``
  addresses, the house print stylesheet and a Content-Security-Policy that lets nothing load
  or run; any script, event handler or ``javascript:`` address in the result is refused.
- ``write_pdf``: WeasyPrint (A4 or US Letter) with page numbers, the confidentiality line and
  the wave label in the running header and footer.
- ``write_docx``: pandoc, then python-docx: real Word tables with set column widths and numbers
  right-aligned, figures as PNG, headings as Word headings, A4 pages with the confidentiality
  line and wave label in the page header and "Page x of y" in the footer.

The files are byte-reproducible: their dates (PDF ``/CreationDate``, the fonts' subset
timestamps, Word's document properties and zip entries) come from ``SOURCE_DATE_EPOCH`` when it
is set, otherwise from January 1 of the first year in the wave label (1980-01-01 without one).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import warnings
import zipfile
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import nbformat

from ..errors import SurveyToolsError

__all__ = [
    "CONFIDENTIAL",
    "CSP",
    "MEMO_CSS",
    "memo_date",
    "notebook_html",
    "write_docx",
    "write_pdf",
]

CONFIDENTIAL = "Confidential: internal to the guild; contains member survey results"

MEMO_CSS = """
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt;
       color: #1a1a1a; line-height: 1.4; }
body { max-width: 46em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 17pt; margin: 0 0 .3em; border-bottom: 2px solid #1f3b5a; padding-bottom: .2em; }
h2 { font-size: 13pt; color: #1f3b5a; margin: 1.2em 0 .4em; break-after: avoid; }
h3 { font-size: 11pt; margin: 1em 0 .3em; break-after: avoid; }
h1, h2, h3, caption { break-after: avoid; break-inside: avoid; }
.text_cell, .jp-MarkdownCell { break-after: avoid; }
figure, img, svg, table, .output_area, .jp-RenderedImage, .jp-RenderedSVG {
  break-inside: avoid; }
p, li { margin: .25em 0; }
a.anchor-link { display: none; }
.memo-running { color: #8a1c1c; font-size: 8.5pt; border: 1px solid #8a1c1c; padding: .2em .5em;
                margin-bottom: 1em; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: 8.5pt; break-inside: avoid; }
th, td { border-bottom: 1px solid #c8c8c8; padding: 2px 6px; text-align: right;
         vertical-align: top; }
th { background: #eef2f6; }
th:first-child, td:first-child { text-align: left; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: .2em; }
.jp-RenderedSVG svg, .jp-RenderedImage img, svg, img { max-width: 100%; height: auto; }
.jp-OutputArea-output, .output_area { break-inside: avoid; }
blockquote { margin: .5em 0; padding: .3em .8em; border-left: 4px solid #1f3b5a;
             background: #f4f7fa; }
.jp-Cell-inputWrapper, .jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt { display: none; }
"""

_PAGE_CSS = """
@page {{ size: {size}; margin: 20mm 16mm 18mm 16mm;
  @top-left {{ content: "{confidential}"; font: 7.5pt "DejaVu Sans", sans-serif;
              color: #8a1c1c; }}
  @top-right {{ content: "{wave}"; font: 7.5pt "DejaVu Sans", sans-serif; color: #555; }}
  @bottom-center {{ content: "Page " counter(page) " of " counter(pages);
                   font: 8pt "DejaVu Sans", sans-serif; color: #555; }} }}
body {{ max-width: none; margin: 0; padding: 0; }}
.memo-running {{ display: none; }}
"""


_EXTERNAL = re.compile(
    r"<(script|link|img|iframe|embed|object|source|image)\b[^>]*?"
    r"(?:src|href|data|xlink:href)\s*=\s*[\"'](?!data:|#)([^\"']+)",
    re.IGNORECASE,
)


_ACTIVE = re.compile(
    r"<script\b|<iframe\b|<object\b|<embed\b|\son[a-z]+\s*=|javascript:|<meta[^>]+refresh",
    re.IGNORECASE,
)
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)
"""The memo's Content-Security-Policy: nothing loads, nothing runs; inline styles and data:
images only."""


def _check_self_contained(html: str) -> None:
    active = _ACTIVE.search(html)
    if active:
        start = max(active.start() - 60, 0)
        raise SurveyToolsError(
            f"The memo HTML holds active content ({active.group(0)!r} near "
            f"{html[start : active.end() + 60]!r}).",
            hint="user-supplied text must pass through survey_tools.report.text.safe()",
        )
    found = _EXTERNAL.search(html)
    if found:
        raise SurveyToolsError(
            f"The memo HTML would load {found.group(2)!r} through a <{found.group(1)}> tag.",
            hint="embed it as a data: address (display figures inline, not as links)",
        )


_NO_ALT = 'alt="No description has been provided for this image"'


def _alt_texts(nb: nbformat.NotebookNode, body: str) -> str:
    """Give each figure the alt text its output carries (``memo_figure`` puts it there)."""
    alts = iter(
        out.get("metadata", {}).get("alt")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if any(key.startswith("image/") for key in out.get("data", {}))
    )

    def alt(match: re.Match) -> str:
        text = next(alts, None)
        return f'alt="{escape(text, quote=True)}"' if text else match.group(0)

    return re.sub(re.escape(_NO_ALT), alt, body)


def memo_date(wave: str = "") -> datetime:
    """The date stamped into the memo files: ``SOURCE_DATE_EPOCH`` or the wave's year.

    Examples
    --------
    >>> memo_date("2026 member survey").isoformat()
    '2026-01-01T00:00:00+00:00'
    >>> memo_date("spring wave").year
    1980
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    year = re.search(r"\b(19[89]\d|2\d{3})\b", wave or "")
    return datetime(int(year.group(1)) if year else 1980, 1, 1, tzinfo=UTC)


@contextlib.contextmanager
def _source_date(date: datetime):
    """Set ``SOURCE_DATE_EPOCH`` for fontTools' subset timestamps and pandoc, then restore it."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(date.timestamp()))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def notebook_html(
    nb: nbformat.NotebookNode,
    *,
    title: str,
    wave: str = "",
    figures: str = "svg",
    date: datetime | None = None,
) -> str:
    """One self-contained HTML document from an executed notebook, without its code.

    ``figures="svg"`` keeps figures as inline SVG (sharp in the browser and the PDF);
    ``"png"`` uses the PNG each figure also carries (for Word). ``date`` (default
    :func:`memo_date` of ``wave``) goes into ``dcterms.created`` and ``dcterms.modified``,
    which the PDF's metadata takes.
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    images = ["image/svg+xml", "image/png"] if figures == "svg" else ["image/png", "image/svg+xml"]
    config = Config()
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.remove_cell_tags = ["remove-cell"]
    config.TagRemovePreprocessor.enabled = True
    config.NbConvertBase.display_data_priority = [
        "text/html",
        "text/markdown",
        *images,
        "image/jpeg",
        "text/plain",
    ]
    body, _ = HTMLExporter(config=config, template_name="basic").from_notebook_node(nb)
    body = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", body)
    body = _alt_texts(nb, body)
    running = escape(f"{CONFIDENTIAL} · {wave}" if wave else CONFIDENTIAL)
    stamp = (date or memo_date(wave)).strftime("%Y-%m-%dT%H:%M:%SZ")
    meta = "".join(
        f'<meta name="dcterms.{kind}" content="{stamp}">\n' for kind in ("created", "modified")
    )
    html = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f"<title>{escape(title)}</title>\n{meta}<style>{MEMO_CSS}</style>\n</head>\n<body>\n"
        f'<div class="memo-running">{running}</div>\n{body}\n</body>\n</html>\n'
    )
    _check_self_contained(html)
    return html


def write_pdf(html: str, path: Path, *, size: str, wave: str, date: datetime) -> Path:
    from weasyprint import CSS, HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    css = _PAGE_CSS.format(
        size=size, confidential=CONFIDENTIAL.replace('"', "'"), wave=wave.replace('"', "'")
    )
    with warnings.catch_warnings():  # "HarfBuzz-Subset will be required": fontTools is used
        warnings.simplefilter("ignore", DeprecationWarning)
        with _source_date(date):
            HTML(string=html).write_pdf(path, stylesheets=[CSS(string=css)])
    return path


def _page_field(paragraph, instruction: str) -> None:
    """Append a Word field (``PAGE``, ``NUMPAGES``) that Word fills in when it lays out pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), ("end", None)):
        if kind is None:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run.element.append(el)
        if kind == "separate":
            run.element.append(OxmlElement("w:t"))


def _docx_pages(path: Path, *, wave: str, title: str, date: datetime) -> None:
    """A4 pages with the confidentiality line and wave as a running header, page x of y below.

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
    import pypandoc

    html = re.sub(r'<div class="memo-running">.*?</div>\n?', "", html)  # the page header has it
    with _source_date(date):
        pypandoc.convert_text(
            html, "docx", format="html", outputfile=str(path), extra_args=["--standalone"]
        )
    _docx_pages(path, wave=wave, title=title, date=date)
    return path
