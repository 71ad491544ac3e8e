"""Execute a report notebook with papermill parameters and render it offline as a memo.

:func:`render_memo` runs the memo notebook in a fresh kernel and writes ``memo.ipynb``,
``memo.html``, ``memo.pdf``, ``memo-letter.pdf``, ``memo.docx`` and ``figures/`` as one set:
everything is staged in a folder beside the target and swapped in with one rename, so an
interrupted run leaves the old set or the new one, never a mix or a 0-byte file. The pages
themselves are :mod:`.pages`.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..disclosure.thresholds import BELOW_STANDARD_NOTE
from ..errors import SurveyToolsError
from ..files import read_set, staged_folder
from .kernel import execute_notebook

if TYPE_CHECKING:  # nbformat, the pages and Word writers load when a memo runs, not at import
    import nbformat

__all__ = [
    "FORMATS",
    "MemoFiles",
    "check_memo_inputs",
    "execute_notebook",
    "figure_formats",
    "render_memo",
]

FORMATS = ("html", "pdf", "docx")


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


_MEMO_FILES = {
    "export": "the survey export",
    "codebook": "the YAML codebook",
    "dictionary": "the REDCap data dictionary (--dictionary)",
    "plan": "the analysis plan (--plan)",
    "roll": "the membership roll (--roll)",
    "roll_margins": "the roll's margins (--margins)",
    "dispositions": "the AAPOR dispositions (--dispositions)",
}
_REQUIRED = ("export", "codebook")


def check_memo_inputs(params: dict):
    """Check, before a memo runs, its input files and its plan against the codebook.

    ``params`` holds the memo's paths (``export`` and ``codebook`` required; ``plan``,
    ``roll``, ``roll_margins``, ``dispositions`` when given) and the plan's overrides
    (``guild``, ``wave``, ``min_count``, ``min_base``, ``scale_rate``). Raises one
    :class:`SurveyToolsError` naming every missing file, or the :class:`PlanError` of the
    plan against the codebook (every variable, answer and key the plan needs that the codebook
    lacks); returns the checked plan. Takes about a second: only the export's first bytes are
    read (an encrypted or misnamed export is refused here, :func:`check_export_format`).

    Examples
    --------
    >>> check_memo_inputs({"export": "no/such.sav"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    survey_tools.errors.SurveyToolsError: The memo's inputs are missing: the survey export ...
    """
    from ..cleaning.codebook import Codebook
    from ..ingest.read import check_export_format
    from .plan import read_plan

    absent = [
        f"{label} ({params.get(key) or 'not given'})"
        for key, label in _MEMO_FILES.items()
        if (key in _REQUIRED or params.get(key)) and not Path(str(params.get(key))).is_file()
    ]
    if absent:
        raise SurveyToolsError(
            f"The memo's inputs are missing: {'; '.join(absent)}.",
            hint="give the path of each file (survey-tools memo EXPORT --codebook CODEBOOK "
            "[--plan PLAN --roll ROLL --margins MARGINS --dispositions DISPOSITIONS])",
        )
    check_export_format(params["export"])  # encrypted, misnamed...: refused before the plan
    plan = read_plan(params.get("plan") or None).override(
        benchmarks={"scale_rate": params.get("scale_rate")} if params.get("scale_rate") else None,
        **{k: params.get(k) for k in ("guild", "wave", "min_count", "min_base")},
    )
    return plan.check(Codebook.from_yaml(params["codebook"]))


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
        value = ast.literal_eval(inspect_notebook(str(notebook))[name]["default"])
    except (KeyError, ValueError, SyntaxError):
        return ""
    return "" if value is None else str(value)


def write_pdf(html: str, path: Path, **options) -> Path:
    """:func:`~survey_tools.report.pages.write_pdf`, loaded when a memo is rendered."""
    from . import pages

    return pages.write_pdf(html, path, **options)


def write_docx(html: str, path: Path, **options) -> Path:
    """:func:`~survey_tools.report.word.write_docx`, loaded when a memo is rendered."""
    from . import word

    return word.write_docx(html, path, **options)


def _unchanged(previous: Path, html: str) -> dict:
    """The files of the memo set in ``previous`` when its ``memo.html`` is ``html``, else {}.

    The PDFs and the Word file are renderings of that HTML (same notebook outputs, same
    figures): when it has not changed, they are taken over instead of rendered again. The set
    is read through its manifest, so an edited or damaged file is never taken over.
    """
    from ..errors import OutputError

    try:
        files = read_set(previous, name="memo")
    except (OutputError, OSError):
        return {}
    if files.get("memo.html") != html.encode("utf-8"):
        return {}
    return files


def _write_memo(nb, notebook, params: dict, folder: Path, formats, previous=None) -> dict:
    """Write the executed memo and its renderings into ``folder``; returns them by kind.

    Renderings of an unchanged memo are copied from the set in ``previous`` (see
    :func:`_unchanged`) rather than rendered again.
    """
    import nbformat

    from .pages import memo_date, notebook_html

    nbformat.write(nb, folder / "memo.ipynb")
    wave = str(params.get("wave") or "") or _plan_wave(nb) or _default(notebook, "wave")
    title = _memo_title(nb)
    date = memo_date(wave)
    if _below_standard(nb):  # every page's running line says so, not only the memo's text
        wave = f"{wave} · {BELOW_STANDARD_NOTE}" if wave else BELOW_STANDARD_NOTE
    nb = _without_stderr(nb)  # warnings are for the analyst's notebook, not the memo
    html = notebook_html(nb, title=title, wave=wave, date=date)
    paths: dict = {"notebook": folder / "memo.ipynb"}
    kept = _unchanged(Path(previous), html) if previous is not None else {}
    if "html" in formats:
        paths["html"] = folder / "memo.html"
        paths["html"].write_text(html, encoding="utf-8")
    if "pdf" in formats and "memo.pdf" in kept and "memo-letter.pdf" in kept:
        for kind, name in (("pdf", "memo.pdf"), ("pdf_letter", "memo-letter.pdf")):
            paths[kind] = folder / name
            paths[kind].write_bytes(kept[name])
    elif "pdf" in formats:
        paths["pdf"] = write_pdf(html, folder / "memo.pdf", size="A4", wave=wave, date=date)
        paths["pdf_letter"] = write_pdf(
            html, folder / "memo-letter.pdf", size="letter", wave=wave, date=date
        )
    if "docx" in formats and "memo.docx" in kept:
        paths["docx"] = folder / "memo.docx"
        paths["docx"].write_bytes(kept["memo.docx"])
    elif "docx" in formats:
        png_html = notebook_html(nb, title=title, wave=wave, figures="png", date=date)
        png_html = re.sub(r"<title>.*?</title>", "", png_html)  # Word shows the memo's own h1
        paths["docx"] = write_docx(
            png_html, folder / "memo.docx", wave=wave, title=title, date=date
        )
    if (folder / "figures").is_dir():
        paths["figures"] = folder / "figures"
    return paths


def _without_stderr(nb):
    """A copy of ``nb`` without stderr streams (warnings stay in memo.ipynb)."""
    import copy

    clean = copy.deepcopy(nb)
    for cell in clean.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")
            ]
    return clean


def _below_standard(nb) -> bool:
    """Whether the memo printed the below-standard-thresholds note (its thresholds, from the
    plan or the parameters, are below the standard ones)."""
    return any(
        BELOW_STANDARD_NOTE.lower() in out.get("data", {}).get("text/markdown", "").lower()
        for cell in nb.cells
        for out in cell.get("outputs", [])
    )


def _plan_wave(nb) -> str:
    """The wave label the memo printed in its header ("**Re:** <wave>"), if any."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            found = re.search(
                r"\*\*Re:\*\* ([^\n·]+)", out.get("data", {}).get("text/markdown", "")
            )
            if found:
                return html.unescape(found.group(1).strip().replace("\\", ""))
    return ""


def figure_formats(formats) -> list[str]:
    """The files each memo figure is saved as, for the memo's ``formats``: SVG (which the HTML
    and PDF pages show) always, PDF (for print) with the PDF memo, PNG (for slides) with the Word
    memo, which shows it. An HTML draft so draws each figure twice, not five times.

    Examples
    --------
    >>> figure_formats(("html",)), figure_formats(("html", "pdf", "docx"))
    (['svg'], ['png', 'svg', 'pdf'])
    """
    return ["png"] * ("docx" in formats) + ["svg"] + ["pdf"] * ("pdf" in formats)


def render_memo(
    notebook: str | os.PathLike,
    *,
    params: dict | None = None,
    out_dir: str | os.PathLike = "reports/memo",
    formats=FORMATS,
    in_process: bool = False,
) -> MemoFiles:
    """Execute a memo notebook with ``params`` and write it as HTML, PDF and DOCX, offline.

    The notebook runs in a fresh kernel with papermill's parameters injected after its
    ``parameters`` cell; ``figures_dir`` is set to ``out_dir/figures`` unless ``params`` gives
    it, so the memo's figures are saved there too, as the files the formats need
    (:func:`figure_formats`; ``params`` may give ``figure_formats``). Writes
    ``out_dir/memo.ipynb`` (the executed notebook, aggregate outputs only) and, by ``formats``:
    ``memo.html`` (self-contained), ``memo.pdf`` (A4) and ``memo-letter.pdf`` (US Letter),
    ``memo.docx``. When the memo's HTML is the same as the set already in ``out_dir`` (a re-run
    with nothing changed), its PDFs and Word file are taken over from that set instead of
    rendered again.

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
    in_process
        Run the notebook in a kernel inside this process (the same memo, a few seconds
        sooner; :func:`~survey_tools.report.kernel.execute_notebook`), as ``survey-tools memo``
        does; by default it runs in a fresh kernel.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise SurveyToolsError(
            f"Unknown memo format(s): {', '.join(sorted(unknown))}.",
            hint=f"use any of {', '.join(FORMATS)}",
        )
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise SurveyToolsError(
            f"The memo's output folder {out} is a file.", hint="give a folder with --out"
        )
    params = dict(params or {})
    params.setdefault("figure_formats", figure_formats(formats))
    final_figures = str((out / "figures").resolve())
    params.setdefault("figures_dir", final_figures)
    with staged_folder(out, name="memo") as staging:
        if params["figures_dir"] == final_figures:  # saved with the set, swapped in with it
            params["figures_dir"] = str((staging / "figures").resolve())
        nb = execute_notebook(
            notebook,
            params=params,
            failed_copy=out / "memo-failed.ipynb",
            in_process=in_process,
        )
        written = _write_memo(nb, notebook, params, staging, formats, previous=out)
    (out / "memo-failed.ipynb").unlink(missing_ok=True)
    paths = {kind: out / Path(path).relative_to(staging) for kind, path in written.items()}
    return MemoFiles(paths)
