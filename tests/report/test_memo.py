"""The rendered memo: its headline re-derived from the cleaned data, self-contained HTML, both
PDF page sizes, real Word tables, and no personal data of the demo anywhere in it."""

import re
import zipfile

import pandas as pd
import pytest

from conftest import DEMO, ROOT
from survey_tools import SurveyDesign, read_margins
from survey_tools.demo import REPORT_NOTEBOOKS, demo_params, run_demo
from survey_tools.report.findings import share
from survey_tools.report.memo import render_memo
from survey_tools.report.run import prepare_survey
from survey_tools.report.tables import pct

MEMO = ROOT / "notebooks" / "reports" / "05_memo.ipynb"
BOOK = ROOT / "data" / "codebooks" / "guild_ai_survey_2026.yaml"
PLAN = BOOK.with_suffix(".plan.yaml")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, demo_files):
    """`survey-tools demo` end to end on the committed demo survey: series, memo, figures."""
    out = tmp_path_factory.mktemp("demo")
    return run_demo(
        DEMO, out / "reports", codebook=BOOK, clean_dir=out / "clean", notebooks=MEMO.parent
    )


@pytest.fixture(scope="module")
def memo(demo_run):
    return demo_run.memo


@pytest.fixture(scope="module")
def run(demo_files):
    return prepare_survey(
        demo_files["spss"],
        BOOK,
        plan=PLAN,
        roll=demo_files["roll"],
        margins=demo_files["margins"],
        dispositions=demo_files["dispositions"],
    )


def test_headline_base_keeps_dont_know_and_suspect_so(run):
    data = run.cleaned.data
    answered = data["ai_lost_work"].notna()
    assert {"Don't know", "Suspect so but not sure"} <= set(data["ai_lost_work"].dropna())
    headline = share(run.design, "ai_lost_work", "Yes")
    assert headline.n == int(answered.sum())
    # Re-derived by hand: rake equal weights to every margin, share of "Yes" among answers.
    raked = SurveyDesign(data).rake(read_margins(DEMO / "roll_margins.csv"))
    w = pd.Series(raked.weights, index=data.index)[answered]
    expected = (w * (data.loc[answered, "ai_lost_work"] == "Yes")).sum() / w.sum()
    assert headline.estimate == pytest.approx(expected, rel=1e-12)
    assert headline.ci_low < expected < headline.ci_high
    # The unweighted share is the plain one, whichever design was used first.
    plain = (data.loc[answered, "ai_lost_work"] == "Yes").mean()
    assert share(run.unweighted, "ai_lost_work", "Yes").estimate == pytest.approx(plain)
    assert abs(plain - headline.estimate) > 0.005


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_memo_shows_the_headline_with_interval_and_base(memo, run):
    headline = share(run.design, "ai_lost_work", "Yes")
    text = _text(memo["html"].read_text(encoding="utf-8"))
    bluf = text[text.index("Bottom line") :][:600]
    assert headline.pct in bluf and headline.interval in bluf and f"{headline.n:,}" in bluf
    assert pct(run.rates["rr1"]) in text and "no sampling error" in text


def test_html_is_self_contained(memo):
    html = memo["html"].read_text(encoding="utf-8")
    for tag in re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", html, flags=re.I):
        for url in re.findall(r"(?:src|href)\s*=\s*[\"']([^\"']*)", tag, flags=re.I):
            assert url.startswith("data:"), tag[:120]
    # The four memo figures are inline, as SVG (sharp in the browser and in the PDF).
    assert len(re.findall(r"<img [^>]*src=\"data:image/svg\+xml", html)) >= 4
    assert "No description has been provided" not in html  # each figure has its alt text
    assert 'alt="Figure 1: share of members who knowingly lost' in html


def test_pdfs_are_a4_and_letter_with_running_lines(memo):
    from pypdf import PdfReader

    for key, size in (("pdf", (595, 842)), ("pdf_letter", (612, 792))):
        pages = PdfReader(memo[key]).pages
        assert {
            (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages
        } == {size}
        first, last = pages[0].extract_text(), pages[-1].extract_text()
        assert "Confidential" in first and "2026 member survey" in first
        assert "Page 1 of" in first and f"Page {len(pages)} of {len(pages)}" in last


def test_page_css_carries_page_numbers_confidentiality_and_wave():
    from survey_tools.report.pages import _PAGE_CSS

    css = _PAGE_CSS.format(size="A4", confidential="C", wave="W")
    assert "counter(page)" in css and "counter(pages)" in css
    assert '"C"' in css and '"W"' in css


def test_docx_has_real_tables_and_figures(memo):
    import docx

    doc = docx.Document(memo["docx"])
    assert len(doc.tables) >= 3
    assert any("Role group" in c.text for t in doc.tables for c in t.rows[0].cells)
    with zipfile.ZipFile(memo["docx"]) as z:
        assert sum(n.startswith("word/media/") for n in z.namelist()) >= 4


def test_at_least_four_figures_in_three_formats(memo):
    stems = {p.stem for p in (memo["figures"]).glob("*.svg")}
    assert len(stems) >= 4
    for stem in stems:
        for ext in ("png", "pdf"):
            assert (memo["figures"] / f"{stem}.{ext}").exists()


def _personal_data(truth, demo_files):
    roll = pd.read_csv(demo_files["roll"])
    values = set(roll["member_id"].astype(str)) | set(roll["email"].astype(str))
    values |= set(roll["first_name"] + " " + roll["last_name"])
    values |= {str(p["value"]) for p in truth["planted"]["personal_data"]}
    return {v for v in values if len(v) >= 5}


def test_no_personal_data_in_notebooks_or_memo(memo, truth, demo_files):
    secrets = _personal_data(truth, demo_files)
    files = [*(ROOT / "notebooks" / "reports").glob("*.ipynb"), memo["html"], memo["notebook"]]
    for path in files:
        text = path.read_text(encoding="utf-8")
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{path.name}: {leaked[:3]}"
    with zipfile.ZipFile(memo["docx"]) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert not [s for s in secrets if s in body]


def test_demo_runs_the_series_and_writes_every_format(demo_run, memo):
    out = memo["html"].parent
    assert out.name == "demo"
    for name in ("memo.html", "memo.pdf", "memo-letter.pdf", "memo.docx"):
        assert (out / name).stat().st_size > 10_000
    ran = sorted(p.stem for p in (out / "notebooks").glob("*.ipynb"))
    assert ran == list(REPORT_NOTEBOOKS[:-1])


def test_second_render_gives_byte_identical_figures(memo, demo_files, tmp_path):
    again = render_memo(MEMO, params=demo_params(demo_files, BOOK), out_dir=tmp_path)
    first = sorted(memo["figures"].iterdir())
    assert [p.name for p in first] == sorted(p.name for p in again["figures"].iterdir())
    for path in first:
        assert path.read_bytes() == (again["figures"] / path.name).read_bytes(), path.name
    for kind in ("html", "pdf", "pdf_letter", "docx"):  # dates fixed, fonts' timestamps too
        assert again[kind].read_bytes() == memo[kind].read_bytes(), kind


def test_memo_files_carry_a_title_and_the_waves_date(memo):
    import docx
    from pypdf import PdfReader

    info = PdfReader(memo["pdf"]).metadata
    assert "AI-training work and lost work to AI" in info.title
    assert info["/CreationDate"].startswith("D:20260101")
    props = docx.Document(memo["docx"]).core_properties
    assert props.title == info.title and props.created.year == 2026
    with zipfile.ZipFile(memo["docx"]) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def test_source_date_epoch_sets_the_memo_date(monkeypatch):
    from survey_tools.report.pages import memo_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert memo_date("2026 wave").isoformat() == "2023-11-14T22:13:20+00:00"


def test_memo_methodology_explains_partials_and_grid_exclusions(memo, run):
    from html import unescape

    html = memo["html"].read_text(encoding="utf-8")
    text = unescape(re.sub(r"<[^>]+>", "", html))
    text = re.sub(r"\s+", " ", text)
    from survey_tools.report.findings import partials_note

    # The demo's cleaning keeps some responses the platform recorded as break-offs.
    assert run.cleaned.summary["partials"] > run.rates["partials"]
    assert partials_note(run.cleaned.summary, run.rates) in text
    assert f"{run.grid_excluded:,} respondents who gave one answer to the whole grid" in text
    assert re.search(r"<p>\s*<strong>Classification:</strong>", html)  # a line of its own
    assert "Table 3. Conditions reported by members paid for AI-training work" in text
    assert 'alt="Figure 2: weighted distribution of hourly pay' in html  # figures carry alt text
    assert "(number)" not in text and "Consent and pay should be required" in text


def test_demo_tables_withhold_what_the_memo_withholds(demo_run):
    out = demo_run.memo["html"].parent
    lost = pd.read_csv(out / "ai_lost_work.csv", keep_default_na=False).set_index("role_group")
    for group in ("Other crafts", "Animation & games writers"):
        assert lost.loc[group, "withheld"] != ""
        assert lost.loc[group, ["unweighted", "estimate", "ci_low", "ci_high"]].eq("").all()
    assert lost.loc["All members", "withheld"] == "" and lost.loc["All members", "n"] == len(
        demo_run.cleaned.data
    )
    rep = pd.read_csv(out / "representation.csv", keep_default_na=False)
    shown = rep[rep["withheld"] == ""]
    assert (shown["respondents"].astype(float) >= 10).all()


def test_a_memo_below_the_standard_thresholds_says_so_on_every_page(demo_files, tmp_path):
    import docx
    from pypdf import PdfReader

    params = demo_params(demo_files, BOOK) | {"min_count": 5, "min_base": 20}
    out = render_memo(MEMO, params=params, out_dir=tmp_path, formats=("html", "pdf", "docx"))
    note = "not disclosure-checked at the standard thresholds"
    pages = PdfReader(out["pdf"]).pages
    assert all(note in " ".join(p.extract_text().split()).lower() for p in pages)
    header = " ".join(p.text for p in docx.Document(out["docx"]).sections[0].header.paragraphs)
    assert note in header.lower()
    assert note in _text(out["html"].read_text(encoding="utf-8")).lower()
