"""Writing memo figures to disk: PNG, SVG and PDF plus alt text, byte-stable SVG and PDF."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from ..errors import ReportError
from .theme import SAVEFIG_METADATA, house_rc

__all__ = ["save_figure"]


def save_figure(
    fig: Figure,
    stem: str | os.PathLike,
    *,
    formats: tuple[str, ...] = ("png", "svg", "pdf"),
    dpi: int = 300,
    alt: str,
) -> dict[str, Path]:
    """Write a figure in each format plus its alt text; SVG and PDF repeat byte for byte.

    Parameters
    ----------
    fig
        The figure (from a ``fig_*`` helper or any matplotlib figure).
    stem
        Path without suffix, e.g. ``reports/demo/figures/lost_work_by_role``; folders are made.
    formats
        Any of ``"png"``, ``"svg"``, ``"pdf"``.
    dpi
        Resolution of the PNG (300 prints sharply).
    alt
        Alternative text for screen readers and the memo's ``<img alt>``: what the figure
        shows and its main finding. Written to ``<stem>.alt.txt``.

    Returns
    -------
    dict
        ``{format: path}`` of the files written, ``"alt"`` included.

    Examples
    --------
    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> _ = fig.add_subplot().plot([0, 1], [0, 1])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = save_figure(fig, f"{tmp}/line", alt="A rising line.")
    ...     sorted(paths), paths["alt"].read_text()
    (['alt', 'pdf', 'png', 'svg'], 'A rising line.\\n')
    """
    unknown = [f for f in formats if f not in SAVEFIG_METADATA]
    if unknown:
        raise ReportError(
            f"save_figure cannot write format(s) {unknown}.",
            hint=f"use formats from {sorted(SAVEFIG_METADATA)}",
        )
    if not isinstance(alt, str) or not alt.strip():
        raise ReportError(
            f"save_figure needs alt text for {stem}.",
            hint="pass alt='what the figure shows and its main finding'",
        )
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    determinism = {k: v for k, v in house_rc().items() if k.startswith(("svg.", "pdf."))}
    written: dict[str, Path] = {}
    with mpl.rc_context(determinism):
        for fmt in formats:
            path = stem.with_name(f"{stem.name}.{fmt}")
            fig.savefig(path, format=fmt, dpi=dpi, metadata=SAVEFIG_METADATA[fmt])
            written[fmt] = path
    written["alt"] = stem.with_name(f"{stem.name}.alt.txt")
    written["alt"].write_text(alt.strip() + "\n", encoding="utf-8")
    return written
