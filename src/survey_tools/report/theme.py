"""The house theme for memo figures: sizes, palette, notes under the plot, deterministic output.

One look for every figure a guild memo or slide deck carries:

- two sizes, ``"memo"`` (the text column of an A4 or US Letter page, 6.3 in wide, printed at 100%)
  and ``"slide"`` (a 16:9 slide, 12 in wide); fonts are sized for each so that the text reads at
  the same apparent size on paper and on a projector;
- the Okabe-Ito palette (distinguishable with every common colour-vision deficiency), and a
  red-grey-blue diverging scale for agreement items;
- no chart junk: no top or right spines, a light grid on the value axis only, no legend frames;
- source, base and suppression notes under the plot (:func:`add_notes`);
- determinism: DejaVu Sans (bundled with matplotlib, so every machine draws the same glyphs), a
  fixed ``svg.hashsalt`` (stable SVG ids) and no dates in SVG or PDF metadata
  (:data:`SAVEFIG_METADATA`), so saving a figure twice gives the same bytes.

The figures are drawn with seaborn (``sns.pointplot``, ``sns.barplot``, ``sns.histplot``) over
tidy frames, and the theme is applied through seaborn's theming: :func:`house_theme` is a context
manager running ``sns.set_theme`` with the house rcParams (:func:`house_rc`) and the Okabe-Ito
palette, restored on exit; :func:`use_theme` applies the same globally, for a notebook's own
plots. So an analyst restyles or extends a memo figure with seaborn as usual::

    with house_theme("slide"):
        ax = sns.barplot(data=table, x="estimate", y="role_group")
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import matplotlib as mpl
from matplotlib.figure import Figure

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "SAVEFIG_METADATA",
    "SIZES",
    "add_notes",
    "house_rc",
    "house_theme",
    "mark_unsuppressed",
    "use_theme",
    "wrap_label",
]

Size = Literal["memo", "slide"]

#: Okabe & Ito (2008), "Color Universal Design": safe for all common colour-vision deficiencies.
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish_green": "#009E73",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "reddish_purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#8C8C8C",
    "light_grey": "#D9D9D9",
}

#: The palette's colours in the order seaborn cycles them (``sns.set_theme(palette=OKABE_ITO)``).
OKABE_ITO: list[str] = [
    PALETTE[k]
    for k in ("blue", "vermillion", "bluish_green", "orange", "sky_blue", "reddish_purple")
]

#: Diverging scale (ColorBrewer RdBu ends, a neutral grey centre): colour-blind safe.
DIVERGING: tuple[str, ...] = ("#B2182B", "#EF8A62", "#D9D9D9", "#67A9CF", "#2166AC")

#: Figure width in inches, base font size in points, and the width (characters) of a wrapped
#: category label, for each target.
SIZES: dict[str, dict[str, float]] = {
    "memo": {"width": 6.3, "font": 8.5, "label_chars": 24, "row": 0.26, "panel": 3.2},
    "slide": {"width": 12.0, "font": 15.0, "label_chars": 26, "row": 0.42, "panel": 5.6},
}

#: ``metadata=`` for ``Figure.savefig`` by format: no creation dates, so bytes repeat.
SAVEFIG_METADATA: dict[str, dict[str, None]] = {
    "svg": {"Date": None},
    "pdf": {"CreationDate": None},
    "png": {},
}

_SALT = "survey_tools"


def _size(size: str) -> dict[str, float]:
    if size not in SIZES:
        from ..errors import ReportError

        raise ReportError(
            f"Unknown figure size {size!r}.", hint=f"use one of {sorted(SIZES)} for size="
        )
    return SIZES[size]


def house_rc(size: Size = "memo") -> dict[str, object]:
    """The house matplotlib rcParams for one target size (a plain dict; nothing is changed).

    Parameters
    ----------
    size
        ``"memo"`` (A4/Letter text column) or ``"slide"`` (16:9).

    Returns
    -------
    dict
        rcParams to pass to ``matplotlib.rc_context`` or ``rcParams.update``.

    Examples
    --------
    >>> rc = house_rc("slide")
    >>> rc["font.size"], rc["svg.hashsalt"], rc["font.sans-serif"]
    (15.0, 'survey_tools', ['DejaVu Sans'])
    """
    spec = _size(size)
    base = spec["font"]
    return {
        # determinism
        "svg.hashsalt": _SALT,
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],
        "figure.dpi": 100,
        "savefig.dpi": 300,
        # type
        "font.size": base,
        "axes.titlesize": base * 1.15,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": base,
        "xtick.labelsize": base * 0.95,
        "ytick.labelsize": base * 0.95,
        "legend.fontsize": base * 0.95,
        "figure.titlesize": base * 1.25,
        "figure.titleweight": "bold",
        # no chart junk
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#4D4D4D",
        "axes.linewidth": 0.6,
        "axes.grid": False,
        "grid.color": "#E5E5E5",
        "grid.linewidth": 0.6,
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.major.size": 3,
        "ytick.major.size": 0,
        "legend.frameon": False,
        "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
        "lines.solid_capstyle": "butt",
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
    }


def _apply(size: Size) -> None:
    import seaborn as sns

    rc = house_rc(size)  # checks size first
    sns.set_theme(style="ticks", palette=OKABE_ITO, font="sans-serif", color_codes=False, rc=rc)


def use_theme(size: Size = "memo") -> None:
    """Apply the house theme and the determinism settings globally, through seaborn.

    Runs ``sns.set_theme(style="ticks", palette=OKABE_ITO, rc=house_rc(size))``, so seaborn's
    and matplotlib's own plots in a notebook look like the memo figures.
    ``setup_notebook(seed=...)`` calls this once, so a notebook's inline SVG also repeats byte
    for byte (together with ``InlineBackend.print_figure_kwargs = {"metadata":
    SAVEFIG_METADATA["svg"]}``).

    Parameters
    ----------
    size
        ``"memo"`` or ``"slide"``: sets the font sizes.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with mpl.rc_context():
    ...     use_theme("memo")
    ...     mpl.rcParams["svg.hashsalt"], mpl.rcParams["axes.spines.top"]
    ('survey_tools', False)
    """
    _apply(size)


@contextmanager
def house_theme(size: Size = "memo") -> Iterator[None]:
    """The house theme for the plots drawn inside a ``with`` block, through seaborn's theming.

    Inside the block seaborn's theme is the house theme (``sns.set_theme`` with
    :func:`house_rc` and :data:`OKABE_ITO`); on exit every rcParam is restored. The ``fig_*``
    helpers draw inside it; an analyst uses it to draw more in the same style.

    Parameters
    ----------
    size
        ``"memo"`` or ``"slide"``.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> import seaborn as sns
    >>> before = dict(mpl.rcParams)
    >>> with house_theme("slide"):
    ...     mpl.rcParams["font.size"], sns.color_palette()[0] == mpl.colors.to_rgb("#0072B2")
    (15.0, True)
    >>> dict(mpl.rcParams) == before  # restored after the block
    True
    """
    with mpl.rc_context():
        _apply(size)
        yield


def wrap_label(text: object, width: int) -> str:
    """Wrap a category label onto lines of at most ``width`` characters, breaking after "/" too.

    Examples
    --------
    >>> print(wrap_label("Animator/2D-3D artist", 12))
    Animator/
    2D-3D artist
    >>> wrap_label("Voice actor", 24)
    'Voice actor'
    """
    text = str(text)
    lines = textwrap.wrap(text.replace("/", "/ "), width=width, break_long_words=False)
    return "\n".join(lines).replace("/ ", "/") if lines else text


def add_notes(
    fig: Figure,
    *,
    source: str | None = None,
    base: str | None = None,
    suppression: str | None = None,
    other: str | None = None,
    size: Size = "memo",
) -> Figure:
    """Write the source, base and suppression notes under the plot, growing the figure to fit.

    Each note is wrapped to the figure's width; the plot keeps its height and the layout
    reserves room for the notes, so nothing overlaps or is cut at any size.

    Parameters
    ----------
    fig
        A figure using the constrained layout engine (the ``fig_*`` helpers make such figures).
    source, base, suppression, other
        The notes, in that order; ``None`` leaves one out.
    size
        The target the figure was made for (sets the wrapping width).

    Returns
    -------
    Figure
        ``fig`` itself (for chaining).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(figsize=(6.3, 3), layout="constrained")
    >>> _ = add_notes(fig, source="Guild AI survey 2026", base="3,215 members")
    >>> fig.texts[-1].get_text()
    'Source: Guild AI survey 2026\\nBase: 3,215 members'
    >>> plt.close(fig)
    """
    spec = _size(size)
    notes = [
        (label, text)
        for label, text in (
            ("Source", source),
            ("Base", base),
            ("Not shown", suppression),
            ("Note", other),
        )
        if text
    ]
    if not notes:
        return fig
    font = spec["font"] * 0.85
    width_in = fig.get_figwidth()
    chars = max(30, int(width_in * 72 / (font * 0.55)))
    lines: list[str] = []
    for label, text in notes:
        lines.extend(textwrap.wrap(f"{label}: {text}", width=chars, break_long_words=False))
    height_in = (len(lines) * font * 1.3 + font) / 72
    w, h = fig.get_size_inches()
    fig.set_size_inches(w, h + height_in)
    share = height_in / (h + height_in)
    fig.text(
        0.01,
        0.008,
        "\n".join(lines),
        ha="left",
        va="bottom",
        fontsize=font,
        color="#4D4D4D",
        linespacing=1.3,
    )
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, share, 1, 1 - share))
    return fig


def mark_unsuppressed(
    fig: Figure, *, size: Size = "memo", text: str = "NOT DISCLOSURE-CHECKED: small groups shown"
) -> Figure:
    """Stamp a figure drawn without disclosure control (or below its standard thresholds: pass
    the ``text``), so it cannot pass for a publishable one.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = mark_unsuppressed(plt.figure(layout="constrained"))
    >>> fig.texts[-1].get_text()
    'NOT DISCLOSURE-CHECKED: small groups shown'
    >>> plt.close(fig)
    """
    font = _size(size)["font"]
    stamp = 2.2 * font / 72
    w, h = fig.get_size_inches()
    fig.set_size_inches(w, h + stamp)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        x0, y0, rw, rh = engine.get().get("rect", (0, 0, 1, 1))
        y0, rh = y0 * h / (h + stamp), rh * h / (h + stamp)
        engine.set(rect=(x0, y0, rw, rh))
    fig.text(
        0.99,
        0.995,
        text,
        ha="right",
        va="top",
        fontsize=font,
        fontweight="bold",
        color=PALETTE["vermillion"],
        bbox={"boxstyle": "square,pad=0.25", "fc": "white", "ec": PALETTE["vermillion"]},
    )
    return fig
