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
    one (the reviewed source), its metadata from the ``.ipynb``; it runs top to bottom in a fresh
    kernel (see :func:`~survey_tools.report.memo.execute_notebook`), and both files are written
    back, all of them at once and only when every notebook ran (an interrupted or failed run
    leaves the committed notebooks as they were). Returns the notebooks written.
    """
    import jupytext
    import nbformat
    from jupytext.combine import combine_inputs_with_outputs

    from ..files import staged_folder
    from .memo import execute_notebook

    folder = Path(folder)
    executed = {}
    for path in sorted(folder.glob("[0-9]*.ipynb")):
        if progress:
            progress(f"running {path.name} ...")
        nb = nbformat.read(path, as_version=4)
        pair = path.with_suffix(".py")
        if pair.exists():
            nb = combine_inputs_with_outputs(jupytext.read(pair), nb)
        draft = folder / f".{path.stem}.running.ipynb"  # beside it: relative paths still work
        try:
            nbformat.write(nb, draft)
            executed[path] = execute_notebook(draft)
        finally:
            draft.unlink(missing_ok=True)
    # Every notebook ran: write them (and their pairs) as one set, or nothing on failure.
    with staged_folder(folder, name="notebooks") as staging:
        for path, ran in executed.items():
            nbformat.write(ran, staging / path.name)
            jupytext.write(ran, staging / path.with_suffix(".py").name, fmt="py:percent")
    return list(executed)
