"""Re-execute the committed report notebooks, so nbval compares against fresh outputs.

After a deliberate change (new demo data, a library upgrade, an edited notebook), the stored
outputs of ``notebooks/reports/*.ipynb`` must be regenerated and committed in the same change;
``survey-tools notebooks --update`` does it with :func:`update_notebooks`.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["update_notebooks"]


def update_notebooks(folder: str | os.PathLike = "notebooks/reports", *, progress=None) -> list:
    """Execute every numbered report notebook in ``folder`` in place, with its default parameters.

    Each notebook's code is taken from its paired jupytext ``.py:percent`` file when there is
    one (the reviewed source), its metadata from the ``.ipynb``. The last notebook (the memo,
    the longest) runs in a kernel of its own and the others one after another in a second
    kernel beside it, reset between them, so each gives the outputs a fresh kernel gives (see
    :func:`~survey_tools.report.kernel.execute_notebooks`). Both files are written back, all
    of them at once and only when every notebook ran (an interrupted or failed run leaves the
    committed notebooks as they were). Returns the notebooks written.
    """
    from concurrent.futures import ThreadPoolExecutor

    import jupytext
    import nbformat
    from jupytext.combine import combine_inputs_with_outputs

    from ..files import staged_folder
    from .kernel import execute_notebooks

    folder = Path(folder)
    paths = sorted(folder.glob("[0-9]*.ipynb"))
    drafts = {path: folder / f".{path.stem}.running.ipynb" for path in paths}  # relative paths work
    try:
        for path, draft in drafts.items():
            nb = nbformat.read(path, as_version=4)
            pair = path.with_suffix(".py")
            if pair.exists():
                nb = combine_inputs_with_outputs(jupytext.read(pair), nb)
            nbformat.write(nb, draft)
        if progress:
            progress(f"running {', '.join(path.name for path in paths)} ...")
        groups = [paths[:-1], paths[-1:]] if len(paths) > 1 else [paths]
        with ThreadPoolExecutor(max_workers=len(groups)) as pool:
            jobs = [
                pool.submit(execute_notebooks, [drafts[path] for path in group]) for group in groups
            ]
            ran = [nb for job in jobs for nb in job.result()]
        executed = dict(zip([path for group in groups for path in group], ran))
    finally:
        for draft in drafts.values():
            draft.unlink(missing_ok=True)
    # Every notebook ran: write them (and their pairs) as one set, or nothing on failure.
    with staged_folder(folder, name="notebooks") as staging:
        for path, nb in executed.items():
            nbformat.write(nb, staging / path.name)
            jupytext.write(nb, staging / path.with_suffix(".py").name, fmt="py:percent")
    return list(executed)
