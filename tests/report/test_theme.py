"""The house theme: determinism settings, sizes, notes under the plot, the draft stamp."""

import matplotlib as mpl
import pytest
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from survey_tools import ReportError, use_theme
from survey_tools.report.theme import (
    OKABE_ITO,
    PALETTE,
    SAVEFIG_METADATA,
    add_notes,
    house_rc,
    house_theme,
    mark_unsuppressed,
    wrap_label,
)


def test_use_theme_sets_determinism_and_bundled_font():
    with mpl.rc_context():
        use_theme("slide")
        assert mpl.rcParams["svg.hashsalt"] == "survey_tools"
        assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        assert mpl.rcParams["font.size"] == 15.0
        assert not mpl.rcParams["axes.spines.top"]
    assert SAVEFIG_METADATA["svg"] == {"Date": None}
    assert SAVEFIG_METADATA["pdf"] == {"CreationDate": None}


def test_slide_text_is_larger_than_memo_text_and_unknown_size_is_named():
    assert house_rc("slide")["font.size"] > house_rc("memo")["font.size"]
    with pytest.raises(ReportError, match="poster"):
        house_rc("poster")


def test_palette_is_okabe_ito():
    assert PALETTE["blue"] == "#0072B2" and PALETTE["vermillion"] == "#D55E00"


def test_long_role_names_wrap_at_slashes_and_spaces():
    wrapped = wrap_label("VFX/compositing/technical", 12)
    assert all(len(line) <= 12 for line in wrapped.splitlines())
    assert wrapped.replace("\n", "") == "VFX/compositing/technical"


def test_notes_grow_the_figure_and_reserve_room_below_the_plot():
    fig = Figure(figsize=(6.3, 3), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    add_notes(fig, source="S " * 80, base="3,215 members", suppression="Music editor")
    assert fig.get_figheight() > 3
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    note = fig.texts[0].get_window_extent(renderer)
    plot = ax.get_tightbbox(renderer)
    assert note.y1 < plot.y0  # the notes sit wholly under the plot and its labels
    assert note.x1 <= fig.bbox.x1 + 1  # and are wrapped to the figure's width
    assert "Not shown: Music editor" in fig.texts[0].get_text()


def test_draft_stamp_is_added_without_covering_the_plot():
    fig = Figure(figsize=(6.3, 3), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title("A title")
    mark_unsuppressed(fig)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    stamp = fig.texts[-1].get_window_extent(renderer)
    assert "NOT DISCLOSURE-CHECKED" in fig.texts[-1].get_text()
    assert stamp.y0 >= ax.get_tightbbox(renderer).y1 - 1


def test_the_theme_is_applied_through_seaborn_and_restored_after_the_block():
    before = dict(mpl.rcParams)
    with house_theme("slide"):
        # seaborn's own palette is the house palette, so sns.* plots match the memo figures
        assert [mpl.colors.to_hex(c) for c in sns.color_palette()][:3] == [
            c.lower() for c in OKABE_ITO[:3]
        ]
        assert mpl.rcParams["font.size"] == 15.0
        assert mpl.rcParams["svg.hashsalt"] == "survey_tools"
        assert not mpl.rcParams["axes.spines.right"]
        fig = Figure()
        ax = sns.lineplot(x=[0, 1], y=[0, 1], ax=fig.add_subplot())
        assert mpl.colors.to_hex(ax.lines[0].get_color()) == OKABE_ITO[0].lower()
    assert dict(mpl.rcParams) == before
    with mpl.rc_context():
        use_theme("memo")
        assert mpl.colors.to_hex(sns.color_palette()[1]) == PALETTE["vermillion"].lower()
        assert mpl.rcParams["font.size"] == 8.5
    with pytest.raises(ReportError, match="poster"), house_theme("poster"):
        pass
