"""Execute a report notebook with papermill parameters and render it offline as a memo.

The executed notebook is converted once to HTML (nbconvert's ``basic`` template, code hidden,
figures and tables inline), wrapped in the house print stylesheet, and that one HTML becomes:

- ``memo.html``: self-contained (no script, stylesheet or image is fetched from anywhere);
- ``memo.pdf`` (A4) and ``memo-letter.pdf`` (US Letter) with WeasyPrint: page numbers, the
  confidentiality line and the wave label in the running header and footer;
- ``memo.docx`` with pandoc: real Word tables, figures as PNG, headings as Word headings; A4
  pages with the confidentiality line and wave label in the page header and "Page x of y" in
  the footer (python-docx).

The files are byte-reproducible: the same notebook outputs give the same bytes. Their dates
(PDF ``/CreationDate``, the fonts' subset timestamps, Word's document properties and zip
entries) come from ``SOURCE_DATE_EPOCH`` when it is set, otherwise from January 1 of the first
year in the wave label (1980-01-01 without one); the title is the memo's heading.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import warnings
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import nbformat

from ..errors import SurveyToolsError

__all__ = [
    "MEMO_CSS",
    "MEMO_VARIABLES",
    "MemoFiles",
    "check_memo_inputs",
    "execute_notebook",
    "memo_date",
    "notebook_html",
    "render_memo",
]

FORMATS = ("html", "pdf", "docx")
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


@dataclass(frozen=True)
class MemoFiles:
    """The files ``render_memo`` wrote, by kind (``html``, ``pdf``, ``pdf_letter``, ``docx``...)."""

    paths: dict

    def __repr__(self) -> str:
        return "MemoFiles(" + ", ".join(f"{k}={str(v)!r}" for k, v in self.paths.items()) + ")"

    def __getitem__(self, key: str) -> Path:
        return self.paths[key]

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(
            {"kind": list(self.paths), "path": [str(p) for p in self.paths.values()]}
        )


def execute_notebook(
    notebook: str | os.PathLike, *, params: dict | None = None, timeout: int = 600
) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel, with papermill's parameters injected.

    The kernel starts in the notebook's folder (so its relative default paths work) with the
    current interpreter; no timing metadata is recorded, so the result is deterministic. A
    notebook given as a ``.py`` (jupytext percent) file is read with jupytext.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.parameterize import parameterize_notebook

    path = Path(notebook)
    if not path.exists():
        raise SurveyToolsError(
            f"Report notebook {path} not found.", hint="give the path of a notebooks/reports file"
        )
    if path.suffix == ".py":
        import jupytext

        nb = jupytext.read(path)
        for i, cell in enumerate(nb.cells):  # jupytext draws random ids: fix them
            cell.id = f"cell-{i}"
    else:
        nb = nbformat.read(path, as_version=4)
    if params:
        for cell in nb.cells:
            cell.metadata.setdefault("tags", [])
        nb.metadata.setdefault("papermill", {})
        nb = parameterize_notebook(nb, dict(params))
        for cell in nb.cells:
            if "injected-parameters" in cell.metadata.get("tags", []):
                cell.id = "injected-parameters"  # papermill draws a random id
            if not cell.metadata.get("tags"):
                cell.metadata.pop("tags", None)
        nb.metadata.pop("papermill", None)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no transport warnings on stderr
        resources={"metadata": {"path": str(path.resolve().parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        cause = re.sub(r"\x1b\[[0-9;]*m", "", str(exc).strip().splitlines()[-1])
        hint = (
            None  # the notebook's error already says how to fix it
            if " Fix: " in cause
            else "open the notebook in JupyterLab, run it with the same parameters and read the "
            "traceback"
        )
        raise SurveyToolsError(
            f"Report notebook {path} failed while running: {cause}", hint=hint
        ) from exc
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


MEMO_VARIABLES = {
    "ai_lost_work": "knowingly lost work to AI (Yes / No / Suspect so / Don't know)",
    "ai_income_devalued": "income from one's work devalued by generative AI",
    "rlhf_status": "paid to train or evaluate AI systems",
    "rlhf_platforms": "AI-training platforms (check-all)",
    "rlhf_pay_usd_hr": "hourly pay for AI-training work (USD)",
    "rlhf_cancelled_n": "AI-training projects cancelled",
    "rlhf_nda": "non-disclosure agreements signed",
    "rlhf_disturbing": "exposure to disturbing content",
    "role_group": "role group (a codebook variable or a roll column)",
    "age_band": "age band (a codebook variable or a roll column)",
}
"""The guild questionnaire's canonical variables the memo notebook reads, by name."""

_MEMO_FILES = {
    "export": "the survey export",
    "codebook": "the YAML codebook",
    "roll": "the membership roll (--roll)",
    "roll_margins": "the roll's margins (--margins)",
    "dispositions": "the AAPOR dispositions (--dispositions)",
}


def check_memo_inputs(params: dict) -> None:
    """Check, before a memo runs, that its input files exist and the codebook maps its variables.

    ``params`` holds the memo's paths (``export``, ``codebook``, ``roll``, ``roll_margins``,
    ``dispositions``). The codebook must map every :data:`MEMO_VARIABLES` name (under
    ``variables:``, or for ``role_group`` and ``age_band`` also under ``roll: columns:``) and
    at least one agree/disagree item ``att_*``. Raises one :class:`SurveyToolsError` naming
    everything missing and the fix.

    Examples
    --------
    >>> check_memo_inputs({"export": "no/such.sav"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    survey_tools.errors.SurveyToolsError: The memo's inputs are missing: the survey export ...
    """
    import yaml

    absent = [
        f"{label} ({params.get(key) or 'not given'})"
        for key, label in _MEMO_FILES.items()
        if not params.get(key) or not Path(params[key]).is_file()
    ]
    if absent:
        raise SurveyToolsError(
            f"The memo's inputs are missing: {'; '.join(absent)}.",
            hint="give the path of each file (survey-tools memo EXPORT --codebook ... --roll ... "
            "--margins ... --dispositions ...)",
        )
    book_path = Path(params["codebook"])
    try:
        book = yaml.safe_load(book_path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SurveyToolsError(
            f"Cannot read the codebook {book_path}: {exc}.",
            hint="fix the YAML, or draft one with `survey-tools codebook draft EXPORT`",
        ) from exc
    variables = set(book.get("variables") or {})
    roll_columns = set(((book.get("roll") or {}).get("columns")) or {})
    missing = [
        f"{name} ({what})"
        for name, what in MEMO_VARIABLES.items()
        if name not in variables and name not in roll_columns
    ]
    if not any(name.startswith("att_") for name in variables):
        missing.append("att_* (at least one agree/disagree item on guild options)")
    if missing:
        raise SurveyToolsError(
            f"The codebook {book_path} does not map the memo's variables: {', '.join(missing)}.",
            hint="the memo reads the guild questionnaire's canonical variables: in the codebook, "
            "name each question's entry after its canonical variable (e.g. ai_lost_work:) with "
            "source: naming your export's column, or map role_group and age_band from the roll "
            "under roll: columns:",
        )


_EXTERNAL = re.compile(
    r"<(script|link|img|iframe|embed|object|source|image)\b[^>]*?"
    r"(?:src|href|data|xlink:href)\s*=\s*[\"'](?!data:|#)([^\"']+)",
    re.IGNORECASE,
)


def _check_self_contained(html: str) -> None:
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
        f"<title>{escape(title)}</title>\n{meta}<style>{MEMO_CSS}</style>\n</head>\n<body>\n"
        f'<div class="memo-running">{running}</div>\n{body}\n</body>\n</html>\n'
    )
    _check_self_contained(html)
    return html


def _write_pdf(html: str, path: Path, *, size: str, wave: str, date: datetime) -> Path:
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


def _write_docx(html: str, path: Path, *, wave: str, title: str, date: datetime) -> Path:
    import pypandoc

    html = re.sub(r'<div class="memo-running">.*?</div>\n?', "", html)  # the page header has it
    with _source_date(date):
        pypandoc.convert_text(
            html, "docx", format="html", outputfile=str(path), extra_args=["--standalone"]
        )
    _docx_pages(path, wave=wave, title=title, date=date)
    return path


def _memo_title(nb: nbformat.NotebookNode) -> str:
    """The notebook's ``title`` metadata, else its first level-1 heading, else "Briefing memo"."""
    if nb.metadata.get("title"):
        return str(nb.metadata["title"])
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else []
        texts += [
            out.get("data", {}).get("text/markdown", "")
            for out in cell.get("outputs", [])
            if cell.cell_type == "code"
        ]
        for text in texts:
            found = re.search(r"^# (.+)$", "".join(text), re.MULTILINE)
            if found:
                return found.group(1).strip()
    return "Briefing memo"


def _default(notebook: str | os.PathLike, name: str) -> str:
    """The default value of a parameter in the notebook's ``parameters`` cell ("" if none)."""
    import ast

    from papermill.inspection import inspect_notebook

    if Path(notebook).suffix != ".ipynb":
        return ""
    try:
        return str(ast.literal_eval(inspect_notebook(str(notebook))[name]["default"]))
    except (KeyError, ValueError, SyntaxError):
        return ""


def render_memo(
    notebook: str | os.PathLike,
    *,
    params: dict | None = None,
    out_dir: str | os.PathLike = "reports/memo",
    formats=FORMATS,
) -> MemoFiles:
    """Execute a memo notebook with ``params`` and write it as HTML, PDF and DOCX, offline.

    The notebook runs in a fresh kernel with papermill's parameters injected after its
    ``parameters`` cell; ``figures_dir`` is set to ``out_dir/figures`` unless ``params`` gives
    it, so the memo's figures are saved there too. Writes ``out_dir/memo.ipynb`` (the executed
    notebook, aggregate outputs only) and, by ``formats``: ``memo.html`` (self-contained),
    ``memo.pdf`` (A4) and ``memo-letter.pdf`` (US Letter), ``memo.docx``.

    Parameters
    ----------
    notebook
        The memo notebook (``.ipynb``, or its jupytext ``.py``).
    params
        Papermill parameters (``export``, ``codebook``, ``roll``, ``roll_margins``,
        ``dispositions``, ``guild``, ``wave``, ``min_count``, ``min_base``...); absent ones keep
        the notebook's defaults.
    out_dir
        Folder to write to (created).
    formats
        Any of ``"html"``, ``"pdf"``, ``"docx"``.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise SurveyToolsError(
            f"Unknown memo format(s): {', '.join(sorted(unknown))}.",
            hint=f"use any of {', '.join(FORMATS)}",
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    params = dict(params or {})
    params.setdefault("figures_dir", str((out / "figures").resolve()))
    nb = execute_notebook(notebook, params=params)
    nbformat.write(nb, out / "memo.ipynb")
    wave = str(params["wave"]) if "wave" in params else _default(notebook, "wave")
    title = _memo_title(nb)
    date = memo_date(wave)
    html = notebook_html(nb, title=title, wave=wave, date=date)
    paths: dict = {"notebook": out / "memo.ipynb"}
    if "html" in formats:
        paths["html"] = out / "memo.html"
        paths["html"].write_text(html, encoding="utf-8")
    if "pdf" in formats:
        paths["pdf"] = _write_pdf(html, out / "memo.pdf", size="A4", wave=wave, date=date)
        paths["pdf_letter"] = _write_pdf(
            html, out / "memo-letter.pdf", size="letter", wave=wave, date=date
        )
    if "docx" in formats:
        png_html = notebook_html(nb, title=title, wave=wave, figures="png", date=date)
        png_html = re.sub(r"<title>.*?</title>", "", png_html)  # Word shows the memo's own h1
        paths["docx"] = _write_docx(png_html, out / "memo.docx", wave=wave, title=title, date=date)
    figures = out / "figures"
    if figures.is_dir():
        paths["figures"] = figures
    return MemoFiles(paths)
