"""Executing report notebooks: a notebook (and papermill parameters) in, the executed notebook out.

:func:`execute_notebook` runs one notebook in a fresh kernel, or in a kernel inside this process
(the command line's memo). :func:`execute_notebooks` runs
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
import sys
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


def _failed(nb, path: Path, failed_copy, cause: str) -> SurveyToolsError:
    """The error for a notebook whose cell failed with ``cause`` (the executed notebook kept in
    ``failed_copy`` when given)."""
    import nbformat

    cause = re.sub(r"\x1b\[[0-9;]*m", "", cause)
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
    return SurveyToolsError(
        f"Report notebook {path} failed in its section {_failed_section(nb)!r}: {cause}{kept}",
        hint=hint,
    )


def _tidied(nb):
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def _run(client, nb, path: Path, failed_copy, **options):
    """Execute ``nb`` with ``client``; a failing cell becomes a SurveyToolsError naming its
    section (the executed notebook kept in ``failed_copy`` when given)."""
    from nbclient.exceptions import CellExecutionError

    try:
        client.execute(**options)
    except CellExecutionError as exc:
        raise _failed(nb, path, failed_copy, str(exc).strip().splitlines()[-1]) from exc
    return _tidied(nb)


def _outputs(messages) -> list:
    """A cell's outputs from its kernel messages, as nbclient records them (one stream output
    for consecutive text on the same stream, cleared by ``clear_output``)."""
    from nbformat.v4 import output_from_msg

    outputs: list = []
    for msg in messages:
        kind = msg["msg_type"]
        if kind == "clear_output":
            outputs.clear()
        elif kind == "stream" and outputs and outputs[-1].get("name") == msg["content"]["name"]:
            outputs[-1].text += msg["content"]["text"]
        elif kind in ("stream", "display_data", "execute_result", "error"):
            outputs.append(output_from_msg(msg))
    return outputs


def _published(client, msg_id: str, timeout: float = 60) -> list:
    """What an in-process kernel published for the request ``msg_id``, up to its return to
    idle (its output reaches the channel from the kernel's IOPub thread, after the reply).
    Requests run one at a time, so everything before that is the request's: its printed text
    comes with an empty parent header."""
    messages = []
    while True:
        msg = client.iopub_channel.get_msg(timeout=timeout)
        mine = msg["parent_header"].get("msg_id") == msg_id
        if mine and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages
        messages.append(msg)


def _shut_down(manager) -> None:
    """Shut an in-process kernel down, its IOPub thread's housekeeping task cancelled first in
    that thread's loop (ipykernel 7 cancels it after the loop stops, and the task is reported
    at exit as "Task was destroyed but it is pending!")."""
    import time

    thread = manager.kernel.iopub_thread
    task = getattr(thread, "_event_pipe_gc_task", None)
    if task is not None:
        thread.io_loop.add_callback(task.cancel)
        deadline = time.monotonic() + 5
        while not task.done() and time.monotonic() < deadline:
            time.sleep(0.002)
    manager.shutdown_kernel()


def _forget_inline_backend() -> None:
    """Forget that matplotlib-inline set figure formats up for a shell: it does it once per
    process (``configure_inline_support.current_backend``), and the next in-process kernel's
    shell would otherwise show figures without their PNG."""
    from matplotlib_inline import backend_inline

    vars(backend_inline.configure_inline_support).pop("current_backend", None)


def _in_ipython() -> bool:
    """Whether this process is itself an IPython session (a notebook's kernel, a console)."""
    from IPython import get_ipython

    return get_ipython() is not None


def _run_here(nb, path: Path, failed_copy):
    """Execute ``nb`` in an IPython kernel inside this process, in the notebook's folder.

    The outputs are those a kernel of its own gives (the same kernel code, messages and
    formatters), without starting a process or importing the package a second time. The
    notebook starts as in a fresh kernel (names, matplotlib's settings as loaded and its inline
    backend, pandas' default options, the notebook's folder as working folder), whatever this
    process had set; afterwards this process's matplotlib settings and backend, warning
    filters, environment, ``sys.path`` and working folder are put back, and pandas' options
    to their defaults. What the notebook imported stays imported.
    """
    quiet = "PYDEVD_DISABLE_FILE_VALIDATION" not in os.environ  # debugpy's frozen-modules note
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    import matplotlib
    from ipykernel.inprocess.manager import InProcessKernelManager

    backend, here, folder = matplotlib.get_backend(), os.getcwd(), str(path.resolve().parent)
    manager = InProcessKernelManager()
    manager.start_kernel()
    shell = type(manager.kernel.shell)
    client = manager.client()
    client.start_channels()
    client.kernel_info()
    nb.metadata["language_info"] = client.get_shell_msg()["content"]["language_info"]
    with matplotlib.rc_context():  # this process's settings come back when the block ends
        _silently(client, f"exec({_SNAPSHOT!r}, {{}})")
        _silently(client, f"exec({_RESTORE!r}, {{'CWD': {folder!r}}})")  # as a fresh kernel
        _silently(client, "get_ipython().run_line_magic('matplotlib', 'inline')")
        sys.path.insert(0, "")  # as in a kernel: modules beside the notebook can be imported
        try:
            for cell in nb.cells:
                if cell.cell_type != "code" or "skip-execution" in cell.metadata.get("tags", []):
                    continue
                msg_id = client.execute(cell.source)
                reply = client.get_shell_msg()["content"]
                cell.outputs = _outputs(_published(client, msg_id))
                cell.execution_count = reply.get("execution_count")
                if reply.get("ename") == "KeyboardInterrupt":  # Ctrl-C stops the command
                    raise KeyboardInterrupt
                if reply["status"] != "ok":
                    cause = f"{reply.get('ename', 'Error')}: {reply.get('evalue', '')}"
                    raise _failed(nb, path, failed_copy, cause)
        finally:
            _silently(client, f"exec({_RESTORE!r}, {{'CWD': {here!r}}})")
            client.stop_channels()
            _shut_down(manager)
            shell.clear_instance()  # no IPython shell is left in this process, and no inline
            _forget_inline_backend()  # figure formats set up for it (the next shell's own)
            if quiet:
                os.environ.pop("PYDEVD_DISABLE_FILE_VALIDATION", None)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].switch_backend(backend)
    return _tidied(nb)


def execute_notebook(
    notebook: str | os.PathLike,
    *,
    params: dict | None = None,
    timeout: int = 600,
    failed_copy: str | os.PathLike | None = None,
    in_process: bool = False,
) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel, with papermill's parameters injected.

    The kernel starts in the notebook's folder (so its relative default paths work) with the
    current interpreter; no timing metadata is recorded, so the result is deterministic. A
    notebook given as a ``.py`` (jupytext percent) file is read with jupytext. When a cell
    fails, the error names the section it sits in and the cause, and with ``failed_copy`` the
    executed notebook (outputs up to the error) is written there to open in JupyterLab.

    With ``in_process``, the notebook runs in a kernel inside this process instead: the same
    outputs a few seconds sooner (no process to start, the package already imported), no
    ``timeout``, and what the notebook changes in the process undone afterwards (see
    ``_run_here``). ``survey-tools memo`` runs it so. Called from an IPython session (a
    notebook, a console), which can hold only one shell, it runs in a fresh kernel after all.
    """
    path, nb = _prepared(notebook, params)
    if in_process and not _in_ipython():
        return _run_here(nb, path, failed_copy)
    return _run(_client(nb, path.resolve().parent, timeout), nb, path, failed_copy)


def _silently(client, code: str) -> None:
    """Run ``code`` in the kernel of ``client`` (nbclient's, or an in-process kernel's) without
    history or outputs; fail loudly."""
    if hasattr(client, "kc"):
        reply = client.wait_for_reply(client.kc.execute(code, silent=True, store_history=False))
    else:
        msg_id = client.execute(code, silent=True, store_history=False)
        reply = client.get_shell_msg()
        _published(client, msg_id)
    if reply is None or reply["content"].get("status") != "ok":
        content = (reply or {}).get("content", {})
        raise SurveyToolsError(
            "The report kernel could not be set up or reset between two notebooks: "
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
