"""Executing report notebooks: a notebook (and papermill parameters) in, the executed notebook out.

:func:`execute_notebook` runs one notebook in a fresh kernel. :func:`execute_notebooks` runs
several one after another in one kernel, each as if in a fresh one: between two notebooks the
kernel forgets the first one's names, history and execution count, closes its figures and puts
matplotlib's settings, warning filters and registries, pandas' options, the environment,
``sys.path`` and the working folder back as the kernel started with them. The executed
notebooks are the same, output for output, as fresh kernels give; what is saved is the start of
a kernel and the imports of matplotlib, statsmodels and the package for every notebook after
the first. No timing metadata is recorded, so the results are deterministic.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SurveyToolsError

if TYPE_CHECKING:  # nbformat, nbclient and papermill load when a notebook runs, not at import
    import nbformat

__all__ = ["execute_notebook", "execute_notebooks"]

_KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}

# Run silently in the kernel (no history, no execution count), in a namespace of its own, so
# the notebooks never see it. Only the standard library and IPython are imported here: a
# package imported before the first notebook would not print its import-time warnings there.
_SNAPSHOT = """
import os, sys, warnings
from IPython import get_ipython
get_ipython()._survey_tools_fresh = {
    "cwd": os.getcwd(),
    "environ": dict(os.environ),
    "path": list(sys.path),
    "warnings": list(warnings.filters),
}
"""
_RESTORE = """
import os, sys, warnings
from IPython import get_ipython
shell = get_ipython()
fresh = shell._survey_tools_fresh
shell.reset(new_session=True)  # names, history, Out; the next cell is In [1] again
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if "matplotlib" in sys.modules:
        import matplotlib
        from matplotlib.style.core import STYLE_BLACKLIST
        matplotlib.rcParams.update(
            {k: v for k, v in matplotlib.rcParamsOrig.items() if k not in STYLE_BLACKLIST}
        )
    if "pandas" in sys.modules:
        sys.modules["pandas"].reset_option("all")
os.environ.clear()
os.environ.update(fresh["environ"])
sys.path[:] = fresh["path"]
os.chdir(CWD)
warnings.resetwarnings()  # a new filters version: every warning registry starts empty again
warnings.filters[:] = fresh["warnings"]
warnings.onceregistry.clear()
"""


def _failed_section(nb: nbformat.NotebookNode) -> str:
    """The heading above the cell that failed (markdown cells and markdown outputs)."""
    section = "the start"
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else []
        texts += [out.get("data", {}).get("text/markdown", "") for out in cell.get("outputs", [])]
        for text in texts:
            for found in re.findall(r"^#{1,3} (.+)$", "".join(text), re.MULTILINE):
                section = found.strip()
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return section
    return section


def _prepared(notebook: str | os.PathLike, params: dict | None) -> tuple[Path, object]:
    """The notebook read (``.ipynb``, or jupytext ``.py``) with papermill's parameters injected."""
    import nbformat
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
    nb.metadata["kernelspec"] = dict(_KERNELSPEC)
    return path, nb


def _client(nb, folder: Path, timeout: int):
    from nbclient import NotebookClient

    return NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no transport warnings on stderr
        resources={"metadata": {"path": str(folder)}},
    )


def _run(client, nb, path: Path, failed_copy, **options):
    """Execute ``nb`` with ``client``; a failing cell becomes a SurveyToolsError naming its
    section (the executed notebook kept in ``failed_copy`` when given)."""
    import nbformat
    from nbclient.exceptions import CellExecutionError

    try:
        client.execute(**options)
    except CellExecutionError as exc:
        cause = re.sub(r"\x1b\[[0-9;]*m", "", str(exc).strip().splitlines()[-1])
        kept = ""
        if failed_copy is not None:
            Path(failed_copy).parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, failed_copy)
            kept = f" The executed notebook is kept in {failed_copy}."
        hint = (
            None  # the notebook's error already says how to fix it
            if " Fix: " in cause
            else "open the executed notebook in JupyterLab, run it with the same parameters and "
            "read the traceback"
        )
        raise SurveyToolsError(
            f"Report notebook {path} failed in its section {_failed_section(nb)!r}: {cause}{kept}",
            hint=hint,
        ) from exc
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def execute_notebook(
    notebook: str | os.PathLike,
    *,
    params: dict | None = None,
    timeout: int = 600,
    failed_copy: str | os.PathLike | None = None,
) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel, with papermill's parameters injected.

    The kernel starts in the notebook's folder (so its relative default paths work) with the
    current interpreter; no timing metadata is recorded, so the result is deterministic. A
    notebook given as a ``.py`` (jupytext percent) file is read with jupytext. When a cell
    fails, the error names the section it sits in and the cause, and with ``failed_copy`` the
    executed notebook (outputs up to the error) is written there to open in JupyterLab.
    """
    path, nb = _prepared(notebook, params)
    return _run(_client(nb, path.resolve().parent, timeout), nb, path, failed_copy)


def _silently(client, code: str) -> None:
    """Run ``code`` in the client's kernel without history or outputs; fail loudly."""
    reply = client.wait_for_reply(client.kc.execute(code, silent=True, store_history=False))
    if reply is None or reply["content"].get("status") != "ok":
        content = (reply or {}).get("content", {})
        raise SurveyToolsError(
            "The report kernel could not be reset between two notebooks: "
            f"{content.get('ename', 'no reply')}: {content.get('evalue', '')}",
            hint="run the notebooks one at a time (survey-tools notebooks)",
        )


def execute_notebooks(
    notebooks, *, params: dict | None = None, timeout: int = 600
) -> list[nbformat.NotebookNode]:
    """Run notebooks one after another in one kernel, each as :func:`execute_notebook` would.

    ``notebooks`` is a sequence of paths (``.ipynb`` or jupytext ``.py``), all given the same
    ``params``. One kernel starts; before each notebook after the first it is put back as it
    started (see the module's docstring), with the notebook's folder as working folder, so each
    executed notebook is the same as a fresh kernel gives while the kernel start and the imports
    are paid once. A failing cell raises as in :func:`execute_notebook`, and the kernel is shut
    down whatever happens. Returns the executed notebooks in the order given.
    """
    prepared = [_prepared(notebook, params) for notebook in notebooks]
    if not prepared:
        return []
    first = prepared[0][0].resolve().parent
    client = _client(prepared[0][1], first, timeout)
    done = []
    with client.setup_kernel(cwd=str(first)):  # the kernel is shut down when the block ends
        _silently(client, f"exec({_SNAPSHOT!r}, {{}})")
        for i, (path, nb) in enumerate(prepared):
            if i:
                folder = str(path.resolve().parent)
                _silently(client, f"exec({_RESTORE!r}, {{'CWD': {folder!r}}})")
            client.nb = nb
            done.append(_run(client, nb, path, None, cleanup_kc=False))
    return done
