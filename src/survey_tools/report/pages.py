"""Memo pages: an executed notebook as one self-contained HTML, and that HTML as PDF and DOCX.

- ``notebook_html``: nbconvert's ``basic`` template, code hidden, figures inline as ``data:``
  addresses, the house print stylesheet and a Content-Security-Policy that lets nothing load
  or run; any script, event handler or ``javascript:`` address in the result is refused.
  pandas tables get one header row (the index's name folded into it) and ``class="num"`` on
  the cells of columns that hold numbers.
- ``write_pdf``: WeasyPrint (A4 or US Letter) with page numbers, the confidentiality line and
  the wave label in the running header and footer. Text flows from page to page; headings
  and captions stay with what follows; tables, rows and figures are not split; figures take
  the text width; a table whose move to the next page would leave a page less than half
  full continues across the break with its header repeated (:data:`MIN_FILL`).
- ``write_docx``: pandoc, then python-docx: real Word tables with fixed column widths (the
  label column wide, numbers narrow, every word fitting its column) and numbers
  right-aligned, a bold header row repeated on every page, rows kept together and with their
  caption, figures at the text width, headings as Word headings, A4 pages with the
  confidentiality line and wave label in the page header and "Page x of y" in the footer.

The files are byte-reproducible: their dates (PDF ``/CreationDate``, the fonts' subset
timestamps, Word's document properties and zip entries) come from ``SOURCE_DATE_EPOCH`` when it
is set, otherwise from January 1 of the first year in the wave label (1980-01-01 without one).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import re
import warnings
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
    "write_pdf",
]

CONFIDENTIAL = "Confidential: internal to the guild; contains member survey results"

MEMO_CSS = """
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt;
       color: #1a1a1a; line-height: 1.4; }
body { max-width: 46em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 17pt; margin: 0 0 .3em; border-bottom: 2px solid #1f3b5a; padding-bottom: .2em; }
h2 { font-size: 13pt; color: #1f3b5a; margin: 1.1em 0 .4em; }
h3 { font-size: 11pt; margin: 1em 0 .3em; }
h1, h2, h3, h4 { break-after: avoid; break-inside: avoid; }
p, li, blockquote { orphans: 3; widows: 3; }
li:last-child { break-before: avoid; }  /* no list ends alone on a page */
p, li { margin: .25em 0; }
a.anchor-link { display: none; }
.memo-running { color: #8a1c1c; font-size: 8.5pt; border: 1px solid #8a1c1c; padding: .2em .5em;
                margin-bottom: 1em; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: 8.5pt; width: 100%;
        break-inside: avoid; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border-bottom: 1px solid #c8c8c8; padding: 2px 5px; text-align: left;
         vertical-align: top; hyphens: manual; overflow-wrap: normal; }
thead th { background: #eef2f6; vertical-align: bottom; }
tbody th { font-weight: bold; }
td:first-child, th:first-child, tbody th:last-of-type { min-width: 9em; }
th.num, td.num { text-align: right; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: .2em;
          break-after: avoid; }
.output_svg, .output_png, .output_jpeg, .jp-RenderedImage, .jp-RenderedSVG {
  break-inside: avoid; margin: .4em 0 .8em; }
.output_svg img, .output_png img, .output_jpeg img, .jp-RenderedImage img,
.jp-RenderedSVG img { display: block; width: 100%; height: auto; max-height: 110mm;
                      object-fit: contain; object-position: left top; }
svg, img { max-width: 100%; height: auto; break-inside: avoid; }
blockquote { margin: .5em 0; padding: .3em .8em; border-left: 4px solid #1f3b5a;
             background: #f4f7fa; }
.jp-Cell-inputWrapper, .jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt { display: none; }
"""
"""The memo's stylesheet, on screen and in print. Page breaks: headings and captions stay
with what follows them, paragraphs keep three lines either side of a break, tables, their
rows and figures are never split (a table taller than a page breaks between rows, its
header repeated), and text otherwise flows, so a figure that does not fit moves to the next
page while the text before it fills the page. Figures take the text width (up to 110 mm
high); numeric cells (``class="num"``, set by :func:`notebook_html`) are right-aligned; cells
wrap at spaces only."""

_PAGE_CSS = """
@page {{ size: {size}; margin: 20mm 16mm 18mm 16mm;
  @top-left {{ content: "{confidential}"; font: 7.5pt "DejaVu Sans", sans-serif;
              color: #8a1c1c; }}
  @top-right {{ content: "{wave}"; font: 7.5pt "DejaVu Sans", sans-serif; color: #555; }}
  @bottom-center {{ content: "Page " counter(page) " of " counter(pages);
                   font: 8pt "DejaVu Sans", sans-serif; color: #555; }} }}
body {{ max-width: none; margin: 0; padding: 0; }}
.memo-running {{ display: none; }}
table[data-memo-flows] {{ break-inside: auto; }}
body[data-memo-tight] {{ line-height: 1.32; }}
body[data-memo-tight] p, body[data-memo-tight] li {{ margin: .12em 0; }}
body[data-memo-tight] h2 {{ margin-top: .8em; }}
body[data-memo-tight] .output_svg img, body[data-memo-tight] .output_png img {{
  max-height: 95mm; }}
body[data-memo-tight="2"] {{ line-height: 1.26; }}
body[data-memo-tight="2"] p, body[data-memo-tight="2"] li {{ margin: .05em 0; }}
body[data-memo-tight="2"] h2 {{ margin-top: .6em; }}
body[data-memo-tight="2"] th, body[data-memo-tight="2"] td {{ padding: 1px 4px; }}
"""


_EXTERNAL = re.compile(
    r"<(script|link|img|iframe|embed|object|source|image)\b[^>]*?"
    r"(?:src|href|data|xlink:href)\s*=\s*[\"'](?!data:|#)([^\"']+)",
    re.IGNORECASE,
)


_ACTIVE = re.compile(
    r"<script\b|<iframe\b|<object\b|<embed\b|<[a-z][^>]*\son[a-z]+\s*=|"
    r"<[a-z][^>]*(?:href|src|action|data)\s*=\s*[\"']?\s*javascript:|<meta[^>]+refresh",
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


_NUMBER = re.compile(r"[-+−]?[$€£]?\d[\d,]*(?:\.\d+)?\s?%?")
_DASHES = {"", "—", "–", "-", "n/a"}


def _is_number(text: str) -> bool | None:
    """Whether a table cell reads as a number (right-aligned); ``None`` for an empty or
    withheld ("—") cell, which decides nothing.

    Examples
    --------
    >>> [_is_number(t) for t in ("26.3%", "65.0% (63.0%–67.0%; n=2,911)", "$43.50", "2,786")]
    [True, True, True, True]
    >>> [_is_number(t) for t in ("20.7% to 32.8%", "-2.7 to +5.3", "—")]
    [True, True, None]
    >>> [_is_number(t) for t in ("top group", "2027-01-31", "18-24", "Share of members")]
    [False, False, False, False]
    """
    text = " ".join(str(text).split())
    if text in _DASHES:
        return None
    if re.search(r"\d-\d", text):  # dates and codes such as age bands read as words
        return False
    rest = _NUMBER.sub("", text)
    if rest == text:
        return False
    rest = re.sub(r"\b(?:to|n|CI|pp)\b", "", rest)
    return not re.sub(r"[\s()\[\];:,=–—−~<>≤≥+\-]", "", rest)


def numeric_columns(rows: list[list[tuple[int, int, str, bool]]]) -> set[int]:
    """The columns whose body cells are all numbers (at least one, withheld ones aside).

    ``rows`` holds, per body row, ``(column, span, text, label)`` for each cell; label
    cells (an index, ``<th>`` in the body) decide nothing.
    """
    kinds: dict[int, set] = {}
    for row in rows:
        for col, span, text, label in row:
            if span == 1 and not label:
                kinds.setdefault(col, set()).add(_is_number(text))
    return {col for col, seen in kinds.items() if True in seen and False not in seen}


def _grid(rows) -> list[list[tuple[int, int, object]]]:
    """Each row's cells with the grid column they start in, counting row and column spans.

    ``rows`` is a list of lists of ``(cell, colspan, rowspan)``; returns per row a list of
    ``(column, colspan, cell)``.
    """
    taken: dict[int, int] = {}  # column -> rows it is still covered for by a rowspan above
    out = []
    for cells in rows:
        placed, col = [], 0
        for cell, colspan, rowspan in cells:
            while taken.get(col, 0) > 0:
                col += 1
            placed.append((col, colspan, cell))
            for c in range(col, col + colspan):
                taken[c] = max(taken.get(c, 0), rowspan)
            col += colspan
        out.append(placed)
        taken = {c: n - 1 for c, n in taken.items() if n > 1}
    return out


def _span(cell, name: str) -> int:
    value = cell.get(name, "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _tidy_table(match: re.Match) -> str:
    """One pandas (or markdown) HTML table, ready for the page and for pandoc.

    pandas puts the index's name in a second header row under an empty corner cell; that
    row is folded into the first, so the table has one header row (one repeated Word
    header row after pandoc). Cells of columns that hold numbers get ``class="num"``.
    """
    import lxml.html

    try:
        table = lxml.html.fragment_fromstring(match.group(0))
    except Exception:  # leave anything lxml cannot parse as it was
        return match.group(0)
    head = table.find("thead")
    if head is not None:
        rows = head.findall("tr")
        if len(rows) == 2:
            top, names = list(rows[0]), list(rows[1])
            filled = [bool(c.text_content().strip()) for c in names]
            k = filled.index(False) if False in filled else len(filled)
            if (
                0 < k < len(names) == len(top)
                and not any(filled[k:])
                and all(not c.text_content().strip() and len(c) == 0 for c in top[:k])
                and not any(c.get("colspan") or c.get("rowspan") for c in top + names)
            ):
                for old, new in zip(top[:k], names[:k], strict=True):
                    rows[0].replace(old, new)
                head.remove(rows[1])
    body_rows = [tr for tr in table.iter("tr") if tr.getparent() is not head]
    grid = _grid([[(c, _span(c, "colspan"), _span(c, "rowspan")) for c in tr] for tr in body_rows])
    numeric = numeric_columns(
        [[(col, span, c.text_content(), c.tag == "th") for col, span, c in row] for row in grid]
    )
    head_rows = head.findall("tr") if head is not None else []
    head_grid = _grid(
        [[(c, _span(c, "colspan"), _span(c, "rowspan")) for c in tr] for tr in head_rows]
    )
    for col, span, cell in [cell for row in grid + head_grid for cell in row]:
        label = cell.tag == "th" and cell.getparent().getparent() is not head
        if not label and all(c in numeric for c in range(col, col + span)):
            cell.set("class", " ".join(filter(None, [cell.get("class"), "num"])))
    return lxml.html.tostring(table, encoding=str)


def _tidy_tables(body: str) -> str:
    return re.sub(r"<table\b.*?</table>", _tidy_table, body, flags=re.DOTALL | re.IGNORECASE)


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
def source_date(date: datetime):
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
    body = _tidy_tables(body)
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


MIN_FILL = 0.5
"""A page (other than the last) is filled to at least this share of its height, if it can
be: when a table too tall for what is left of a page would leave the page emptier than
this, the table starts on that page and continues on the next, its header repeated."""


def _page_fills(document) -> list[tuple[float, object]]:
    """Per laid-out page: the share of its content height in use, and the element of the
    first block on it that is not a heading (``None`` for an empty page)."""
    fills = []
    for page in document.pages:
        box = getattr(page, "_page_box", None)  # WeasyPrint's layout tree (not public API)
        if box is None:
            return []  # another WeasyPrint: no page-filling pass, the CSS rules still hold
        top, height = box.content_box_y(), box.height
        bottom, first = top, None
        for child in box.descendants():
            if getattr(child, "element_tag", None) is None or not hasattr(child, "position_y"):
                continue
            if child.element_tag in {"html", "body", "div"}:
                continue
            bottom = max(bottom, child.position_y + child.margin_height())
            if first is None and child.element_tag not in {"h1", "h2", "h3", "h4"}:
                first = child.element
        fills.append(((bottom - top) / height if height else 1.0, first))
    return fills


def _render(html: str, css: str):
    """Lay the memo out; let a tall table break across pages where keeping it whole would
    leave a page less than :data:`MIN_FILL` full (up to three passes); when only a few
    lines spill onto the last page, tighten spacing (and figures to 95 mm high) to take
    them back."""
    from weasyprint import HTML

    numbered = iter(range(1, 10_000))
    html = re.sub(r"<table\b", lambda _: f'<table data-memo-table="{next(numbered)}"', html)
    # After the memo's own stylesheet and with its origin (author), so that it overrides it:
    # WeasyPrint's ``stylesheets=`` are user sheets, which lose to any author rule.
    html = html.replace("</head>", f"<style>{css}</style>\n</head>", 1)
    document = HTML(string=html).render()
    for _ in range(3):
        fills = _page_fills(document)
        loose = {
            first.get("data-memo-table")
            for (fill, _), (_, first) in itertools.pairwise(fills)
            if fill < MIN_FILL and first is not None and first.tag == "table"
        } - {None}
        if not loose:
            break
        for n in sorted(loose):
            html = html.replace(
                f'<table data-memo-table="{n}"', f'<table data-memo-table="{n}" data-memo-flows', 1
            )
        document = HTML(string=html).render()
    fills = _page_fills(document)
    for level in ("1", "2"):
        if len(fills) < 2 or fills[-1][0] >= 0.3:
            break  # no short last page to take back
        tight = HTML(string=html.replace("<body>", f'<body data-memo-tight="{level}">', 1))
        tight = tight.render()
        if len(tight.pages) < len(document.pages):
            document, fills = tight, _page_fills(tight)
    return document


def write_pdf(html: str, path: Path, *, size: str, wave: str, date: datetime) -> Path:
    """The memo as a PDF of ``size`` (``"A4"``, ``"letter"``) with its running lines.

    Tables and figures are never split across pages, unless a table taller than what is left
    of a page would leave that page less than half full: it then continues on the next page
    with its header repeated, never splitting a row.
    """
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    css = _PAGE_CSS.format(
        size=size, confidential=CONFIDENTIAL.replace('"', "'"), wave=wave.replace('"', "'")
    )
    with warnings.catch_warnings():  # "HarfBuzz-Subset will be required": fontTools is used
        warnings.simplefilter("ignore", DeprecationWarning)
        with source_date(date):
            _render(html, css).write_pdf(path)
    return path
