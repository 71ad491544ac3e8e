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
    back. Returns the notebooks written.
    """
    import jupytext
    import nbformat
    from jupytext.combine import combine_inputs_with_outputs

    from .memo import execute_notebook

    written = []
    for path in sorted(Path(folder).glob("[0-9]*.ipynb")):
        if progress:
            progress(f"running {path.name} ...")
        nb = nbformat.read(path, as_version=4)
        pair = path.with_suffix(".py")
        if pair.exists():
            nb = combine_inputs_with_outputs(jupytext.read(pair), nb)
        nbformat.write(nb, path)
        ran = execute_notebook(path)
        nbformat.write(ran, path)
        jupytext.write(ran, pair, fmt="py:percent")
        written.append(path)
    return written
