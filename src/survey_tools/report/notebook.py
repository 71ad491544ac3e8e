"""One call that makes a report notebook deterministic, so nbval can compare its outputs."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

__all__ = ["SVG_HASHSALT", "memo_figure", "setup_notebook"]

SVG_HASHSALT = "survey_tools"
"""Fixed salt for matplotlib's SVG ids (clip paths, glyphs), so SVG output repeats byte for byte."""


def _inline_figures() -> None:
    """Inline figures as SVG (compared by nbval) plus PNG (for Word), without a Date stamp."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    shell.run_line_magic("matplotlib", "inline")
    set_matplotlib_formats("svg", "png", metadata={"Date": None}, bbox_inches="tight", dpi=200)


def setup_notebook(*, seed: int = 2026) -> None:
    """Fix every source of nondeterminism in a report notebook; call it once, in the first cell.

    It seeds Python's and NumPy's global random generators, applies the house figure theme
    (``use_theme``) when it is available, fixes matplotlib's SVG output (``svg.hashsalt``, no
    ``Date`` metadata, text as paths) so inline SVG repeats byte for byte and nbval really
    compares figures, and sets pandas display options for readable, stable tables. Inside a
    Jupyter kernel, figures are shown inline as SVG and PNG. It prints nothing.

    Parameters
    ----------
    seed
        Seed for ``random`` and ``numpy.random``.

    Examples
    --------
    >>> import matplotlib
    >>> setup_notebook(seed=1)
    >>> matplotlib.rcParams["svg.hashsalt"]
    'survey_tools'
    >>> first = np.random.random()
    >>> setup_notebook(seed=1)
    >>> bool(np.random.random() == first)
    True
    """
    import matplotlib

    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - legacy global state, for code that still uses it
    try:
        from .theme import use_theme
    except ImportError:
        pass
    else:
        use_theme()
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": SVG_HASHSALT,
            "svg.fonttype": "path",
        }
    )
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.max_rows", 60)
    pd.set_option("display.width", 100)
    pd.set_option("display.max_colwidth", 120)
    pd.set_option("display.precision", 3)
    pd.set_option("display.float_format", None)
    _inline_figures()


def memo_figure(fig, stem: str, *, alt: str, figures_dir=None, formats=None) -> None:
    """Show a memo figure with its alt text, first saving it when ``figures_dir`` is set.

    The figure is displayed with ``alt`` in the output's metadata, which the rendered memo uses
    as the image's alternative text. With ``figures_dir`` (``render_memo`` passes
    ``<out_dir>/figures``), it is also written by :func:`~survey_tools.report.save_figure` as
    ``<stem>.png``, ``.svg``, ``.pdf`` (or the ``formats`` given) and ``.alt.txt``; without it
    (the notebook's default), nothing is written. The figure is shown as SVG, and as PNG too
    unless ``formats`` leaves PNG out (the Word memo is the one rendering that needs it; an
    HTML draft is rendered without drawing it).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> memo_figure(Figure(figsize=(4, 3)), "empty", alt="An empty figure")
    Figure(400x300)
    """
    from IPython.display import display

    formats = tuple(formats or ("png", "svg", "pdf"))
    # Shown before it is saved: the shown SVG then comes from the figure's first drawing, the
    # same whatever files are saved after it, so a draft's page is the final memo's.
    display(fig, metadata={"alt": alt}, exclude=[] if "png" in formats else ["image/png"])
    if figures_dir is not None:
        from pathlib import Path

        from .save import save_figure

        save_figure(fig, Path(figures_dir) / stem, alt=alt, formats=formats)
