"""What a reader sees on the memo figures: titles, legends and labels clear of each other and of
the lines; the pay axis in words; figures an analyst can extend with seaborn."""

from itertools import pairwise

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.text import Text

from survey_tools import (
    SurveyDesign,
    fig_likert,
    fig_odds_ratios,
    fig_pay,
    fig_prevalence,
    fig_weighting,
)
from survey_tools.report.theme import OKABE_ITO, house_theme

GROUPS = {  # group: (share answering yes, unweighted base); the last two are withheld
    "Animation & VFX artists": (0.26, 498),
    "Voice & audio performers": (0.18, 747),
    "News & broadcast": (0.11, 268),
    "Editors & post-production": (0.085, 321),
    "On-camera performers": (0.06, 587),
    "Animation & games writers": (0.12, 104),
    "Other crafts": (0.1, 42),
}
TITLE = (
    "Figure 1. Members who knowingly lost a job, booking or commission to AI in the past "
    "12 months, by role group"
)
SCALE = ["Strongly disagree", "Somewhat disagree", "Neither", "Somewhat agree", "Strongly agree"]


def _proportions(shift=1.0):
    rows = []
    for group, (p, n) in GROUPS.items():
        p = p * shift
        if group == "Other crafts":
            p = 4 / n  # a count under 10: withheld, and one more group with it
        se = (p * (1 - p) / n) ** 0.5
        for level, q in ((True, p), (False, 1 - p)):
            rows.append((group, level, q, se, max(q - 2 * se, 0), min(q + 2 * se, 1), n))
    return pd.DataFrame(rows, columns=["role_group", "level", "estimate", "se", "ci_low",
                                       "ci_high", "n"])  # fmt: skip


def _pay_design():
    rng = np.random.default_rng(3)
    pay = np.round(np.r_[rng.gamma(6, 7, 280), [240.0, 310.0]], 2)  # two lone high rates
    weights = rng.uniform(0.5, 2.0, len(pay))
    return SurveyDesign(pd.DataFrame({"pay": pay, "w": weights}), weights="w")


def _likert():
    items = {
        "Require consent and pay when members' own work is used to train AI": [4, 9, 20, 160, 700],
        "Publish minimum rates for AI-training work in members' crafts": [20, 80, 260, 330, 210],
        "Ask members to report AI-training work to the guild confidentially": [
            30, 170, 340, 274, 86,
        ],
        "Adopt a guild policy on members doing AI-training work": [10, 62, 250, 480, 98],
    }  # fmt: skip
    return pd.concat(
        [
            pd.DataFrame({"item": k, "level": SCALE, "estimate": np.array(c) / sum(c), "n": sum(c)})
            for k, c in items.items()
        ],
        ignore_index=True,
    )


def _figures(size):
    table = _proportions()
    return {
        "prevalence": fig_prevalence(
            table, by="role_group", level=True, overall=0.115, title=TITLE, size=size
        ),
        "pay": fig_pay(
            _pay_design(),
            "pay",
            reference={"Scale rate ($60 per hour)": 60.0, "Platform ad, low end": 40.0},
            title="Figure 2. Hourly pay of members paid for AI-training work, most recent project",
            size=size,
        ),
        "likert": fig_likert(
            _likert(),
            by="item",
            title="Figure 3. Answers to each option's statement (weighted), all members",
            size=size,
        ),
        "weighting": fig_weighting(
            _proportions(0.85),
            table,
            by="role_group",
            level=True,
            title="Figure 4. What weighting changed: knowingly lost a job, booking or "
            "commission to AI in the past 12 months, by role group",
            size=size,
        ),
    }


def _drawn(fig):
    canvas = FigureCanvasAgg(fig)  # as save_figure renders: the layout is settled at draw time
    canvas.draw()
    return canvas.get_renderer()


def _box(text, renderer):
    return Text.get_window_extent(text, renderer)  # the text alone, not an annotation's leader


def _title(fig):
    titles = [t for t in fig.texts if t is fig._suptitle]
    assert len(titles) == 1
    return titles[0]


@pytest.fixture(scope="module", params=["memo", "slide"])
def figures(request):
    return request.param, _figures(request.param)


@pytest.mark.parametrize("name", ["prevalence", "pay", "likert", "weighting"])
def test_long_titles_wrap_within_the_figure_and_sit_above_everything_else(figures, name):
    _size, figs = figures
    fig = figs[name]
    renderer = _drawn(fig)
    title = _title(fig)
    text = title.get_text()
    assert text.replace("\n", " ").startswith("Figure ")
    box = _box(title, renderer)
    assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1, "title runs off the figure"
    assert box.y1 <= fig.bbox.y1 + 1
    assert "\n" in text or box.width < fig.bbox.width * 0.97
    # drawn once: no other text repeats it
    flat = text.replace("\n", " ")
    others = [t for t in fig.findobj(Text) if t is not title and t.get_visible()]
    assert not any(t.get_text().replace("\n", " ") == flat for t in others)
    for ax in fig.axes:  # the plot with its legend, labels and line labels lies wholly below
        assert ax.get_tightbbox(renderer).y1 <= box.y0 + 1, name
    for legend in fig.legends:
        assert not legend.get_window_extent(renderer).overlaps(box)


@pytest.mark.parametrize("name", ["likert", "weighting"])
def test_legends_sit_between_the_title_and_the_plot_and_name_every_series(figures, name):
    _size, figs = figures
    fig = figs[name]
    renderer = _drawn(fig)
    ax = fig.axes[0]
    legend = ax.get_legend()
    assert legend is not None and not fig.legends
    box = legend.get_window_extent(renderer)
    assert box.y0 >= ax.get_window_extent(renderer).y1 - 1  # above the plotting area
    assert box.y1 <= _box(_title(fig), renderer).y0 + 1  # under the title
    assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 + 1
    labels = [t.get_text() for t in legend.get_texts()]
    if name == "weighting":
        assert any(t.startswith("Unweighted") for t in labels)
        assert any(t.startswith("Weighted to the membership") for t in labels)


def _vertical_lines(ax, renderer):
    """Display boxes of the vertical line segments drawn in ``ax`` (reference lines, leaders)."""
    boxes = []
    for artist in [*ax.lines, *ax.collections]:
        if isinstance(artist, LineCollection):
            paths = [artist.get_transform().transform(p.vertices) for p in artist.get_paths()]
        elif isinstance(artist, mpl.lines.Line2D) and artist.get_linestyle() not in ("None", ""):
            paths = [artist.get_transform().transform(artist.get_xydata())]
        else:
            continue
        for xy in paths:
            for a, b in pairwise(xy):
                if np.all(np.isfinite([a, b])) and abs(a[0] - b[0]) < 1 and abs(a[1] - b[1]) > 1:
                    boxes.append(mpl.transforms.Bbox([np.minimum(a, b), np.maximum(a, b)]))
    for text in ax.texts:  # the leaders of labels above the plot
        patch = getattr(text, "arrow_patch", None)
        if patch is not None:
            boxes.append(patch.get_window_extent(renderer))
    return boxes


@pytest.mark.parametrize("name", ["prevalence", "pay", "likert"])
def test_no_text_is_crossed_by_a_reference_line(figures, name):
    _size, figs = figures
    fig = figs[name]
    renderer = _drawn(fig)
    ax = fig.axes[0]
    lines = _vertical_lines(ax, renderer)
    assert lines, "the reference lines are still drawn"
    texts = [*ax.texts, *ax.get_yticklabels(), *ax.get_xticklabels(), ax.xaxis.label]
    texts = [t for t in texts if t.get_visible() and t.get_text()]
    for text in texts:
        box = _box(text, renderer)
        own = getattr(text, "arrow_patch", None)
        own = own.get_window_extent(renderer) if own is not None else None
        for line in lines:
            if own is not None and line.bounds == own.bounds:
                continue  # a label's own leader meets it at its corner
            assert not box.overlaps(line), (name, text.get_text())


def test_overall_line_stops_above_the_withheld_rows_and_its_label_clears_dots_and_labels():
    fig = fig_prevalence(_proportions(), by="role_group", level=True, overall=0.05, title=TITLE)
    renderer = _drawn(fig)
    ax = fig.axes[0]
    label = next(t for t in ax.texts if t.get_text() == "All: 5%")
    box = _box(label, renderer)
    assert box.y0 >= ax.get_window_extent(renderer).y1  # above the plot, with a leader
    assert label.arrow_patch is not None
    dots = [
        ax.transData.transform(xy)
        for line in ax.lines
        if line.get_marker() not in (None, "", "None")
        for xy in line.get_xydata()
        if np.all(np.isfinite(xy))
    ]
    assert dots and not any(box.contains(*xy) for xy in dots)
    for tick in ax.get_yticklabels():
        assert not box.overlaps(_box(tick, renderer))
    marks = [t for t in ax.texts if t.get_text().startswith("suppressed")]
    assert len(marks) == 2  # at x = 5% the marks would be crossed by a full-height line
    for mark in marks:
        for line in _vertical_lines(ax, renderer):
            assert not _box(mark, renderer).overlaps(line)


def test_pay_axis_names_the_band_width_and_bands_sit_on_round_dollars():
    design = _pay_design()
    fig = fig_pay(design, "pay", binwidth=10, min_count=10)
    ax = fig.axes[0]
    assert ax.get_ylabel().replace("\n", " ") == "Share of paid members per $10 band (weighted)"
    bars = sorted(ax.patches, key=lambda b: b.get_x())
    edges = np.r_[[b.get_x() for b in bars], bars[-1].get_x() + bars[-1].get_width()]
    assert np.allclose(edges, np.round(edges / 10) * 10)  # every edge a multiple of $10
    pay, w = design.data["pay"].to_numpy(), np.asarray(design.weights)
    counts, _ = np.histogram(pay, edges)
    assert counts.min() >= 10 and counts.sum() == len(pay)  # pooled: no lone rate shows
    widths = np.diff(edges)
    assert widths.max() > 10  # the two lone high rates were pooled into a wider band
    shares, _ = np.histogram(pay, edges, weights=w / w.sum())
    heights = np.array([b.get_height() for b in bars])
    assert np.allclose(heights, shares / (widths / 10))  # weighted share per $10 band
    assert np.isclose((heights * widths / 10).sum(), 1.0)
    assert "a pooled band shows its average share per $10 band" in fig.texts[0].get_text()
    assert ax.yaxis.get_major_formatter()(0.2, 0) == "20%"
    default = fig_pay(design, "pay")  # a round width of its own, named on the axis
    label = default.axes[0].get_ylabel().replace("\n", " ")
    width = float(label.split("per $")[1].split(" band")[0])
    assert width in (1, 2, 5, 10, 20, 25, 50, 100)


def test_likert_prints_a_share_only_where_it_fits_inside_its_bar():
    fig = fig_likert(_likert(), by="item", size="memo")
    renderer = _drawn(fig)
    ax = fig.axes[0]
    shares = [t for t in ax.texts if t.get_text().endswith("%")]
    assert len(shares) >= 8
    for text in shares:
        x, y = text.get_position()
        bar = next(
            b
            for b in ax.patches
            if b.get_x() <= x <= b.get_x() + b.get_width()
            and b.get_y() <= y <= b.get_y() + b.get_height()
        )
        inside = bar.get_window_extent(renderer)
        box = _box(text, renderer)
        # with a pixel clear on each side: a share touching its bar's edge reads as spilling
        assert inside.x0 + 1 <= box.x0 and box.x1 <= inside.x1 - 1, text.get_text()


def test_figures_are_drawn_with_seaborn(monkeypatch):
    calls = []
    for name in ("pointplot", "barplot", "histplot"):
        real = getattr(sns, name)

        def spy(*args, _name=name, _real=real, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(sns, name, spy)
    fig_prevalence(_proportions(), by="role_group", level=True)
    assert "pointplot" in calls
    fig_likert(_likert(), by="item")
    assert "barplot" in calls
    fig_pay(_pay_design(), "pay")
    assert "histplot" in calls


def test_an_analyst_draws_a_memo_chart_into_their_own_axes_and_extends_it_with_seaborn():
    fig = Figure(figsize=(12, 4))
    left, right = fig.subplots(1, 2)
    out = fig_prevalence(_proportions(), by="role_group", level=True, ax=left, title=TITLE)
    assert out is fig and left.get_title(loc="left")  # the analyst's figure, titled over their axes
    assert "Other crafts" in [t.get_text().replace("\n", " ") for t in left.get_yticklabels()]
    assert "Other crafts (a count under 10)" in fig.texts[0].get_text().replace("\n", " ")
    with house_theme("memo"):
        assert sns.color_palette()[0] == mpl.colors.to_rgb(OKABE_ITO[0])
        sns.barplot(data=_proportions().query("level"), x="estimate", y="role_group", ax=right)
    renderer = _drawn(fig)
    assert right.patches and left.get_tightbbox(renderer).x1 <= right.get_tightbbox(renderer).x0
    # the notes sit under both plots
    note = fig.texts[0].get_window_extent(renderer)
    for ax in (left, right):
        assert note.y1 <= ax.get_tightbbox(renderer).y0 + 1


def test_odds_ratio_line_of_no_difference_leaves_the_withheld_terms_marks_clear():
    term = "C(role, Treatment('TV writer'))[T.{}]"
    tidy = pd.DataFrame(
        {
            "term": [term.format(r) for r in ("Voice actor", "Music editor", "Animator")],
            "estimate": [2.9, 1.4, 1.2],
            "ci_low": [1.9, 0.9, 1.02],
            "ci_high": [4.4, 2.3, 1.5],
            "n": [422, 8, 242],  # Music editor: a count under 10, withheld mid-figure
        }
    )
    fig = fig_odds_ratios(tidy)
    renderer = _drawn(fig)
    ax = fig.axes[0]
    mark = next(t for t in ax.texts if t.get_text().startswith("suppressed"))
    lines = _vertical_lines(ax, renderer)
    one = ax.transData.transform((1, 0))[0]
    assert lines and all(abs(line.x0 - one) < 1 for line in lines)  # the line at 1 is drawn
    assert _box(mark, renderer).x0 < one < _box(mark, renderer).x1  # where the mark is
    for line in lines:
        assert not _box(mark, renderer).overlaps(line)
