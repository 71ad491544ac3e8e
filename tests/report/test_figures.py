"""Memo figures: disclosure control on every figure, what a reader sees, byte-stable files."""

import subprocess
import sys
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import survey_tools as st
from survey_tools import (
    ReportError,
    SurveyDesign,
    fig_exposure,
    fig_likert,
    fig_odds_ratios,
    fig_pay,
    fig_predicted,
    fig_prevalence,
    fig_weighting,
    save_figure,
)
from survey_tools.report.pay_exposure import _bins

ROLES = ["Voice actor", "TV writer", "Animator/2D-3D artist", "Music editor"]


def _table(n=(422, 314, 242, 27)):
    rows = []
    for role, yes, base in zip(ROLES, (0.2, 0.08, 0.3, 0.5), n, strict=True):
        for level, p in (("Yes", yes), ("No", 1 - yes)):
            se = (p * (1 - p) / base) ** 0.5
            rows.append((role, level, p, se, max(p - 2 * se, 0), min(p + 2 * se, 1), base))
    return pd.DataFrame(rows, columns=["role", "level", "estimate", "se", "ci_low", "ci_high", "n"])


def _notes(fig):
    return " ".join(t.get_text() for t in fig.texts).replace("\n", " ")


def _ticks(fig):
    return [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]


def _dot_lines(ax):
    """The lines of markers seaborn's pointplot drew (not its interval lines)."""
    return [line for line in ax.lines if line.get_marker() not in (None, "", "None")]


def _xs(line):
    """A line's x values where it draws something (pointplot leaves NaN at empty rows)."""
    x = np.asarray(line.get_xdata(), dtype=float)
    return x[np.isfinite(x)]


def test_prevalence_sorts_shows_bases_and_marks_small_groups_instead_of_dropping_them():
    fig = fig_prevalence(_table(), source="Demo", level="Yes")
    ticks = _ticks(fig)
    assert sorted(ticks) == sorted(ROLES)  # every group stays on the figure
    assert ticks[-1] == "Music editor"  # withheld groups at the bottom, marked
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert {"422", "314", "242", "27"} <= set(texts)  # unweighted bases beside every row
    assert "suppressed: base under 30" in texts
    assert "Music editor (base under 30 respondents)" in _notes(fig)
    # one more group is withheld so that Music editor cannot be worked out from the total
    assert "suppressed: protects another cell" in texts
    hidden = ticks[texts.count("suppressed: protects another cell") * -1 - 1]
    assert f"{hidden} (withheld so another cell cannot be worked out)" in _notes(fig)
    # dots only for the shown groups, sorted from the largest estimate down
    estimates = {"Voice actor": 0.2, "TV writer": 0.08, "Animator/2D-3D artist": 0.3}
    shown = [t for t in ticks if t not in (hidden, "Music editor")]
    assert shown == sorted(shown, key=estimates.get, reverse=True)
    dots = np.concatenate([_xs(line) for line in _dot_lines(fig.axes[0])])
    assert sorted(np.round(dots, 2)) == sorted(estimates[t] for t in shown)
    assert "Source: Demo" in _notes(fig)


def test_turning_suppression_off_is_explicit_and_stamps_the_figure():
    fig = fig_prevalence(_table(), suppress=False, level="Yes")
    assert "Music editor" in _ticks(fig)
    assert "NOT DISCLOSURE-CHECKED" in _notes(fig)
    assert "not for publication" in _notes(fig)
    assert "suppressed" not in " ".join(t.get_text() for t in fig.axes[0].texts)
    with pytest.raises(ReportError, match="suppress must be True or False"):
        fig_prevalence(_table(), suppress="no", level="Yes")


def test_small_counts_are_withheld_through_the_disclosure_stage():
    table = _table(n=(422, 314, 60, 300))
    table.loc[table["role"] == "Animator/2D-3D artist", "estimate"] = [0.1, 0.9]  # 6 of 60
    fig = fig_prevalence(table, level="Yes")
    assert "a count under 10" in _notes(fig)
    assert "Animator/2D-3D artist" in _notes(fig)


def test_errors_name_the_column_level_and_fix():
    with pytest.raises(ReportError, match=r"no column\(s\) \['ci_low'\].*SurveyDesign.proportion"):
        fig_prevalence(_table().drop(columns="ci_low"), level="Yes")
    with pytest.raises(ReportError, match=r"level 'Maybe'.*level='Yes'"):
        fig_prevalence(_table(), level="Maybe")
    with pytest.raises(ReportError, match=r"no 'n' column"):
        fig_predicted(_table().drop(columns="n"), level="Yes")


def test_odds_ratios_read_statsmodels_terms_drop_the_intercept_and_name_the_reference():
    term = "C(role, Treatment('TV writer'))[T.{}]"
    tidy = pd.DataFrame(
        {
            "term": ["Intercept", term.format("Voice actor"), term.format("Music editor")],
            "estimate": [0.1, 2.9, 1.4],
            "ci_low": [0.07, 1.9, 0.5],
            "ci_high": [0.14, 4.4, 3.9],
            "n": [3215, 422, 8],
        }
    )
    fig = fig_odds_ratios(tidy)
    assert _ticks(fig) == ["Voice actor", "Music editor"]
    assert fig.axes[0].get_xscale() == "log"
    assert "Reference: TV writer" in _notes(fig)
    assert "Music editor" in _notes(fig) and "count under 10" in _notes(fig)


def test_weighting_dumbbell_shows_both_estimates_for_shown_groups():
    raw = _table()
    new = raw.assign(estimate=raw["estimate"] * 0.8)
    fig = fig_weighting(raw, new, by="role", level="Yes")
    xs = {round(float(x), 3) for line in _dot_lines(fig.axes[0]) for x in _xs(line)}
    assert {0.2, 0.16} <= xs or {0.08, 0.064} <= xs
    assert "Music editor" in _notes(fig)


def test_likert_bars_diverge_and_withhold_small_items():
    scale = [
        "Strongly disagree",
        "Somewhat disagree",
        "Neutral",
        "Somewhat agree",
        "Strongly agree",
    ]
    shares = [0.05, 0.15, 0.3, 0.3, 0.2]
    big = pd.DataFrame({"item": "Rate floor", "level": scale, "estimate": shares, "n": 3000})
    small = big.assign(item="Manager understood", n=20)
    fig = fig_likert(pd.concat([big, small]))
    bars = fig.axes[0].patches
    assert len(bars) == 5  # one bar per answer, only for the publishable item
    lefts = sorted(b.get_x() for b in bars)
    assert lefts[0] == pytest.approx(-(0.05 + 0.15 + 0.15))  # neutral straddles zero
    assert "Manager understood" in _notes(fig)


def test_likert_withholds_only_the_small_segment_of_an_item_not_its_row():
    scale = [
        "Strongly disagree",
        "Somewhat disagree",
        "Neutral",
        "Somewhat agree",
        "Strongly agree",
    ]
    counts = {  # of 900 members; "Strongly disagree" with Consent is 5: a count under 10
        "Rate floor": [90, 135, 270, 225, 180],
        "Consent and pay": [5, 72, 99, 180, 544],
    }
    table = pd.concat(
        [
            pd.DataFrame({"item": item, "level": scale, "estimate": np.array(c) / 900, "n": 900})
            for item, c in counts.items()
        ],
        ignore_index=True,
    )
    # the row total is published, so the disclosure stage also withholds the next smallest
    # answer (72, "Somewhat disagree"), or the 5 would follow by subtraction
    safe = st.suppress(table[table["item"] == "Consent and pay"]).to_frame()
    assert safe.loc[safe["hidden"], "level"].tolist() == scale[:2]
    fig = fig_likert(table)
    ax = fig.axes[0]
    assert _ticks(fig) == ["Consent and pay", "Rate floor"]  # both drawn, by net agreement
    rows = {0: [], 1: []}  # by tick position: seaborn puts the first row on top at y = 0
    for bar in ax.patches:
        rows[round(bar.get_y() + bar.get_height() / 2)].append(bar)
    consent, floor = rows[0], rows[1]
    assert len(floor) == 5
    assert sorted(round(b.get_width() * 900) for b in consent) == [99, 180, 544]  # row drawn
    disagree = {tuple(floor[i].get_facecolor()) for i in (0, 1)}
    assert not disagree & {tuple(b.get_facecolor()) for b in consent}
    assert min(b.get_x() for b in consent) == pytest.approx(-99 / 1800)  # nothing left of it
    labels = [t.get_text() for t in ax.texts]
    assert "8%" not in labels  # the withheld share is not printed (72 / 900)
    assert {"11%", "20%", "60%"} <= set(labels)  # the shown ones are
    mark = next(t for t in ax.texts if t.get_text() == "withheld")  # said in the row itself
    assert mark.xy[1] == 0 and mark.xy[0] == pytest.approx(-99 / 1800)
    note = _notes(fig)
    hidden = note[note.index("Not shown") :]
    assert "Consent and pay" in hidden and "Rate floor" not in hidden
    assert "Strongly disagree" in hidden and "count under 10" in hidden
    assert "Somewhat disagree" in hidden and "another cell cannot be worked out" in hidden
    # the row is withheld whole only when the item's base is under min_base
    small = fig_likert(table.assign(n=np.where(table["item"] == "Rate floor", 900, 25)))
    assert len(small.axes[0].patches) == 5
    assert "Consent and pay (base under 30" in _notes(small)


def test_pay_bins_pool_so_no_bin_holds_fewer_than_min_count():
    values = np.r_[np.linspace(20, 60, 50), 139.0]  # one outlier rate
    edges = _bins(values, 5.0, 10)
    counts, _ = np.histogram(values, edges)
    assert counts.min() >= 10 and counts.sum() == len(values)


def test_pay_by_group_withholds_small_groups():
    df = pd.DataFrame(
        {
            "pay": np.r_[np.linspace(20, 80, 120), [30, 40, 50]],
            "grp": ["A"] * 60 + ["C"] * 60 + ["B"] * 3,
        }
    )
    fig = fig_pay(SurveyDesign(df), "pay", by="grp", reference={"Floor": 40})
    assert "B (a count under 10)" in _notes(fig)
    assert sum("Median" in t.get_text() for ax in fig.axes for t in ax.texts) >= 1
    sizes = " ".join(ax.get_ylabel() for ax in fig.axes)
    assert "n = 3" not in sizes and "n = 60" in sizes  # a withheld group's size is not printed


def test_exposure_scatter_labels_shown_roles_and_names_the_rest():
    fig = fig_exposure(
        _table(), {"Voice actor": 0.2, "TV writer": 0.9, "Music editor": 0.5}, level="Yes"
    )
    labels = sorted(t.get_text() for t in fig.axes[0].texts)
    assert labels == ["TV writer", "Voice actor"]
    assert "No index value: Animator/2D-3D artist" in _notes(fig)
    assert "Music editor (base under 30" in _notes(fig)


@pytest.fixture(scope="module")
def demo_design(demo_files, tmp_path_factory):
    book = st.Codebook.from_yaml(
        demo_files["spss"].parents[2] / "codebooks/guild_ai_survey_2026.yaml"
    )
    data = st.clean(st.read_export(demo_files["spss"]), book, roll=demo_files["roll"]).data
    return SurveyDesign(data).rake(st.read_margins(demo_files["margins"]))


def test_demo_figures_render_at_memo_and_slide_sizes(demo_design):
    table = demo_design.proportion("ai_lost_work", by="role_primary")
    for size, width in (("memo", 6.3), ("slide", 12.0)):
        fig = fig_prevalence(table, size=size, level="Yes")
        assert fig.get_figwidth() == width
        fig.draw_without_rendering()
        assert fig.get_layout_engine() is not None
    assert "Music editor" in _notes(fig_prevalence(table, level="Yes"))  # 27 respondents: withheld


def _render(path):
    table = _table()
    path = __import__("pathlib").Path(path)
    save_figure(_close_lines_pay(), f"{path}_pay", alt="Pay.", formats=("svg", "pdf"))
    scale = ["Disagree", "Neutral", "Agree"]
    likert = fig_likert(_likert_items(scale), title="Support")
    save_figure(likert, f"{path}_likert", alt="Support.", formats=("svg", "pdf"))
    return save_figure(
        fig_prevalence(table, title="Lost work", level="Yes"), path, alt="Lost work by role."
    )


def test_save_figure_writes_every_format_and_alt_text(tmp_path):
    paths = _render(tmp_path / "figs" / "lost")
    assert {p.name for p in paths.values()} == {
        "lost.png", "lost.svg", "lost.pdf", "lost.alt.txt"
    }  # fmt: skip
    assert paths["png"].read_bytes()[:4] == b"\x89PNG"
    assert paths["alt"].read_text() == "Lost work by role.\n"
    with pytest.raises(ReportError, match="alt text"):
        save_figure(fig_prevalence(_table(), level="Yes"), tmp_path / "x", alt=" ")
    with pytest.raises(ReportError, match="gif"):
        save_figure(
            fig_prevalence(_table(), level="Yes"), tmp_path / "x", alt="A", formats=("gif",)
        )


def test_svg_and_pdf_are_byte_identical_across_renders_and_processes(tmp_path):
    one, two = _render(tmp_path / "a"), _render(tmp_path / "b")
    code = (
        "import sys; sys.path.insert(0, sys.argv[2]); import test_figures as t; "
        "t._render(sys.argv[1])"
    )
    here = str(__import__("pathlib").Path(__file__).parent)
    for name in ("c", "d"):
        done = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / name), here],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
    for fmt in ("svg", "pdf"):
        for kind in ("", "_pay", "_likert"):  # every figure, not only the first one
            blobs = {(tmp_path / f"{n}{kind}.{fmt}").read_bytes() for n in "abcd"}
            assert len(blobs) == 1, (kind, fmt)
        assert one[fmt].read_bytes() == two[fmt].read_bytes()
    svg = one["svg"].read_text()
    assert "<dc:date>" not in svg
    assert b"CreationDate" not in one["pdf"].read_bytes()


def test_reliability_uses_the_disclosure_stage_rule_hollow_for_caution_withheld_if_unreliable():
    rows = pd.DataFrame(
        {
            "role": ["Voice actor", "TV writer", "Story analyst"],
            "estimate": [0.20, 0.30, 0.40],
            "se": [0.02, 0.11, 0.25],  # RSE 10%, 37% (caution) and 62% (unreliable)
            "ci_low": [0.16, 0.12, 0.05],
            "ci_high": [0.24, 0.55, 0.85],
            "n": [422, 300, 200],
        }
    )
    flags = st.flag_reliability(rows)["reliability"].tolist()
    assert flags == ["", "interpret with caution", "too unreliable to publish"]
    fig = fig_predicted(rows)
    lines = [line for line in _dot_lines(fig.axes[0]) if len(_xs(line))]
    hollow = [line for line in lines if line.get_markerfacecolor() == "white"]
    assert [list(_xs(line)) for line in hollow] == [[0.30]]
    assert _ticks(fig)[-1] == "Story analyst"
    assert "withheld: too unreliable" in [t.get_text() for t in fig.axes[0].texts]
    assert "Story analyst: too unreliable to publish" in _notes(fig)
    assert "interpret with caution" in _notes(fig)


@pytest.fixture(scope="module")
def demo_fit(demo_design):
    formula = "I(ai_lost_work == 'Yes') ~ C(role_group) + age_band"
    return st.svyglm(formula, demo_design, family="binomial")


def test_predicted_draws_the_margin_rows_of_predict_margins(demo_fit):
    margins = st.predict_margins(demo_fit, "role_group")
    fig = fig_predicted(margins)
    groups = set(margins.loc[margins["kind"] == "margin", "role_group"].astype(str))
    bare = {t.replace(" ", "") for t in _ticks(fig)}
    assert bare == {g.replace(" ", "") for g in groups}  # one row per group, no differences
    diff = fig_predicted(margins, kind="difference")
    assert len(_ticks(diff)) == len(groups) - 1
    assert diff.axes[0].get_xlabel().startswith("Difference")
    with pytest.raises(ReportError, match="kind='AME'"):
        fig_predicted(margins, kind="AME")


def test_odds_ratios_from_tidy_exponentiate_with_the_fit_for_bases(demo_fit):
    tidy = demo_fit.tidy(exponentiate=True)
    with pytest.raises(ReportError, match="fit=fit"):
        fig_odds_ratios(tidy)
    fig = fig_odds_ratios(tidy, fit=demo_fit)
    ticks = _ticks(fig)
    assert "25-34" in ticks and "Voice & audio performers" in ticks  # levels, not term names
    assert not any("[T." in t for t in ticks)
    heads = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()
             if t.get_fontweight() == "bold"]  # fmt: skip
    assert heads == ["Role group (vs Animation & VFX artists)", "Age band (vs 18-24)"]
    bases = {t.get_text() for t in fig.axes[0].texts}
    used = demo_fit.design.data[demo_fit.used]
    assert f"{int((used['role_group'] == 'Voice & audio performers').sum()):,}" in bases


def test_exposure_reads_role_exposure_table_and_spreads_roles_sharing_an_index(demo_design):
    from survey_tools.exposure import role_exposure_table

    table = role_exposure_table(demo_design, "role_primary", "ai_lost_work", level="Yes")
    fig = fig_exposure(table, "eloundou_human_beta")
    ax = fig.axes[0]
    assert ax.yaxis.get_major_formatter()(0.2, 0) == "20%"
    labels = [t.get_text().replace("\n", "") for t in ax.texts]
    assert "TV writer" in labels and "Feature writer" in labels  # same SOC, same index
    dots = np.concatenate([c.get_offsets()[:, 0] for c in ax.collections if c.get_offsets().size])
    dots = dots[np.isfinite(dots)]
    assert len(dots) >= 2
    assert len(set(np.round(dots, 6))) == len(dots)  # none drawn on top of another
    assert "spread slightly sideways" in _notes(fig)
    assert "Music editor (base under 30" in _notes(fig)
    assert "No index value: Other" in _notes(fig)


def _likert_items(scale):
    shares = np.linspace(1, 2, len(scale))
    rows = [
        pd.DataFrame({"item": item, "level": scale, "estimate": shares / shares.sum(), "n": 900})
        for item in ("Rate floor", "Consent before training on my voice", "Disclosure of AI use")
    ]
    return pd.concat(rows, ignore_index=True)


@pytest.mark.parametrize("size", ["memo", "slide"])
@pytest.mark.parametrize("n_levels", [5, 7])
def test_likert_title_legend_and_bars_do_not_collide(size, n_levels):
    scale = [
        "Strongly disagree",
        "Disagree",
        "Somewhat disagree",
        "Neither agree nor disagree",
        "Somewhat agree",
        "Agree",
        "Strongly agree",
    ]
    scale = scale if n_levels == 7 else [scale[i] for i in (0, 2, 3, 4, 6)]
    title = "Members back a rate floor and consent before their work trains AI"
    fig = fig_likert(_likert_items(scale), title=title, size=size, source="Member survey 2026")
    canvas = FigureCanvasAgg(fig)  # as save_figure renders: the layout is settled at draw time
    canvas.draw()
    renderer = canvas.get_renderer()
    assert fig.get_suptitle() == title
    title_box = next(t for t in fig.texts if t.get_text() == title).get_window_extent(renderer)
    legends = [*fig.legends, *(a.get_legend() for a in fig.axes if a.get_legend())]
    assert len(legends) == 1
    legend_box = legends[0].get_window_extent(renderer)
    ax = fig.axes[0]
    bars_box = ax.get_window_extent(renderer)  # the plotting area, bars and centre line
    page = fig.bbox
    for box in (title_box, legend_box, bars_box):  # nothing drawn off the figure
        assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1
        assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1
    assert not title_box.overlaps(legend_box)
    assert not legend_box.overlaps(bars_box)
    assert not title_box.overlaps(bars_box)
    assert title_box.y0 >= legend_box.y1 - 1 >= bars_box.y1  # title, then legend, then bars
    texts = legends[0].get_texts()  # read as a reader does: row by row, left to right
    boxes = [t.get_window_extent(renderer) for t in texts]
    order = sorted(range(len(texts)), key=lambda i: (-round(boxes[i].y0), boxes[i].x0))
    assert [texts[i].get_text() for i in order] == scale


def _drawn(fig):
    canvas = FigureCanvasAgg(fig)  # as save_figure renders: the layout is settled at draw time
    canvas.draw()
    return canvas.get_renderer()


def _segments(ax):
    """The display-space box of every straight line segment drawn in ``ax`` (lines, leaders)."""
    for artist in [*ax.lines, *ax.collections]:
        if isinstance(artist, Line2D):
            paths = [artist.get_transform().transform(artist.get_xydata())]
        elif isinstance(artist, LineCollection):
            paths = [artist.get_transform().transform(p.vertices) for p in artist.get_paths()]
        else:
            continue
        for xy in paths:
            for a, b in pairwise(xy):
                yield artist, Bbox([np.minimum(a, b), np.maximum(a, b)])


def _close_lines_pay(size="memo"):
    """Pay whose median ($43.50) sits between two reference rates, as in the demo memo."""
    rng = np.random.default_rng(7)
    pay = np.r_[rng.uniform(15, 43.5, 150), rng.uniform(43.5, 140, 150)]
    pay = pd.DataFrame({"pay": np.round(pay, 2)})
    reference = {"Guild scale rate ($45)": 45.0, "Platform ad, low end": 40.0, "Floor": 16.0}
    return fig_pay(SurveyDesign(pay), "pay", reference=reference, size=size)


@pytest.mark.parametrize("size", ["memo", "slide"])
def test_pay_median_and_reference_labels_never_touch_each_other_or_a_line(size):
    fig = _close_lines_pay(size)
    renderer = _drawn(fig)
    ax = fig.axes[0]
    labels = {t.get_text(): t for t in ax.texts}
    assert set(labels) >= {"Guild scale rate ($45)", "Platform ad, low end", "Floor"}
    assert any(t.startswith("Median $") for t in labels)
    # the text alone (an annotation's own extent includes its leader)
    boxes = {k: Text.get_window_extent(t, renderer) for k, t in labels.items()}
    names = sorted(boxes)
    for i, one in enumerate(names):  # no two labels overlap
        for two in names[i + 1 :]:
            assert not boxes[one].overlaps(boxes[two]), (one, two)
    vertical = [(line, box) for line, box in _segments(ax) if box.width < 1]
    assert len(vertical) >= 4  # the median and three reference lines
    for name, text in labels.items():  # no line and no other label's leader crosses a label
        for line, box in vertical:
            assert not boxes[name].overlaps(box), (name, line)
        for other in labels.values():
            if other is not text:
                leader = other.arrow_patch.get_window_extent(renderer)
                assert not boxes[name].overlaps(leader), (name, other.get_text())
    page = fig.bbox
    for name, box in boxes.items():  # on the page, the text horizontal (readable)
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and box.y1 <= page.y1, name
        assert labels[name].get_rotation() == 0


@pytest.mark.parametrize("size", ["memo", "slide"])
def test_likert_centre_line_does_not_cross_the_share_labels(size):
    scale = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
    table = _likert_items(scale)
    small = table[table["item"] == "Rate floor"].assign(item="Small item", n=12)
    fig = fig_likert(pd.concat([table, small]), size=size)
    renderer = _drawn(fig)
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text().endswith("%")]
    assert any(t.get_position()[0] == pytest.approx(0) for t in texts)  # neutral, on zero
    centre = [box for _, box in _segments(ax) if box.width < 1]
    assert centre, "the centre line is still drawn"
    for text in texts:
        box = text.get_window_extent(renderer)
        for line in centre:
            assert not box.overlaps(line), text.get_text()
    # the line still marks zero between the bars and beside the withheld item
    x = ax.transData.transform((0, 0))[0]
    assert all(abs(line.x0 - x) < 1 for line in centre)
    gaps = sum(line.height for line in centre)
    assert gaps > 0.2 * ax.get_window_extent(renderer).height


def test_likert_draws_the_scales_favourable_side_right_whatever_its_code_order():
    """A scale coded favourable-first, in French: the codebook's scale says which side is which."""
    from survey_tools.cleaning.scales import orient_scale

    codes = {1: "Tout à fait d'accord", 2: "Plutôt d'accord", 3: "Plutôt pas d'accord",
             4: "Pas du tout d'accord", 9: "Ne sais pas"}  # fmt: skip
    scale = orient_scale("q", codes)
    shares = [0.5, 0.3, 0.1, 0.05, 0.05]
    table = pd.DataFrame(
        {"item": "Tarifs", "level": list(codes.values()), "estimate": shares, "n": 900}
    )
    ax = fig_likert(table, scale=scale).axes[0]
    right = sum(p.get_width() for p in ax.patches if p.get_x() >= -1e-9)
    assert right == pytest.approx(0.8)  # "Tout à fait" and "Plutôt d'accord" on the right
    assert ax.get_xlabel().startswith("\u2190 pas du tout d'accord")
    assert len(ax.patches) == 4  # "Ne sais pas" is outside the scale: not drawn
