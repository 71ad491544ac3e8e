"""The survey run behind every report notebook: gaps in weighting variables, response rates
without dispositions, and a notebook that fails saying where."""

import nbformat
import pandas as pd
import pytest

from conftest import ROOT
from survey_tools.errors import SurveyToolsError
from survey_tools.report.memo import execute_notebook
from survey_tools.report.run import fill_weighting_gaps, survey_rates

FOLDER = ROOT / "notebooks" / "reports"


def test_respondents_missing_a_weighting_variable_get_the_rolls_largest_group():
    data = pd.DataFrame({"age": pd.Categorical(["18-34", None, "35+", None]), "x": [1, 2, 3, 4]})
    filled, imputed = fill_weighting_gaps(data, {"age": {"18-34": 300, "35+": 700}})
    assert filled["age"].tolist() == ["18-34", "35+", "35+", "35+"]
    assert imputed == {"age": 2} and data["age"].isna().sum() == 2  # the input is unchanged


def test_rates_without_dispositions_are_not_computable_with_the_reason():
    from types import SimpleNamespace

    none = SimpleNamespace(summary={"completes": 10, "partials": 2, "rr1": None, "rr2": None})
    rates = survey_rates(none)
    assert rates["rr1"] != rates["rr1"] and "not computable" in rates["note"]
    given = {"completes": 10, "partials": 2, "rr1": 0.1, "rr2": 0.12, "invited": 100}
    assert survey_rates(SimpleNamespace(summary=given))["rr2"] == 0.12


def test_a_failing_notebook_names_its_section_and_keeps_the_executed_copy(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Pay against the scale rate"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise KeyError('rlhf_pay_usd_hr')"),
    ]
    path = tmp_path / "05_x.ipynb"
    nbformat.write(nb, path)
    kept = tmp_path / "out" / "memo-failed.ipynb"
    with pytest.raises(SurveyToolsError) as err:
        execute_notebook(path, failed_copy=kept)
    message = str(err.value)
    assert "'Pay against the scale rate'" in message and "rlhf_pay_usd_hr" in message
    assert str(kept) in message
    ran = nbformat.read(kept, as_version=4)
    assert ran.cells[1].execution_count == 1  # the outputs up to the error are there


@pytest.mark.parametrize("name", ["01_cleaning", "02_weighting", "03_prevalence"])
def test_notebooks_run_without_dispositions(name, demo_files):
    params = {
        "export": str(demo_files["spss"]),
        "roll": str(demo_files["roll"]),
        "roll_margins": str(demo_files["margins"]),
        "dispositions": None,
        "invited": None,
    }
    ran = execute_notebook(FOLDER / f"{name}.ipynb", params=params)
    text = nbformat.writes(ran)
    assert "Traceback" not in text
    if name == "01_cleaning":
        assert "not computable" in text


def _tiny_memo(folder, text: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(f"from IPython.display import Markdown\nMarkdown('# {text}')")
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "05_tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_an_interrupted_memo_leaves_the_old_set_whole(tmp_path, monkeypatch):
    from survey_tools.report import memo as memo_module
    from survey_tools.report.memo import render_memo

    out = tmp_path / "memo"
    render_memo(_tiny_memo(tmp_path, "First"), out_dir=out, formats=("html", "pdf"))
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert "First" in before["memo.html"].decode()

    def dies_half_way(html, path, **kw):
        path.write_bytes(b"%PDF-1.7 half")  # a file starts to change, then the run stops
        raise KeyboardInterrupt

    monkeypatch.setattr(memo_module, "write_pdf", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        render_memo(_tiny_memo(tmp_path, "Second"), out_dir=out, formats=("html", "pdf"))
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # the complete old set, no half-written PDF, no new HTML
    assert not [p for p in out.iterdir() if p.name.startswith(".memo.")]


def test_a_mean_dominated_by_two_members_is_withheld_in_tables():
    from survey_tools import SurveyDesign
    from survey_tools.report.tables import stats_table

    # 40 answers, so the means are reliable enough to publish (a base under 30 is not)
    df = pd.DataFrame({"pay": [9000.0, 8500.0] + [20.0] * 38, "hours": [5.0] * 40})
    table = stats_table(
        SurveyDesign(df),
        {"Mean pay": ("pay", "mean", "${:,.2f}"), "Mean hours": ("hours", "mean", "{:.1f}")},
    )
    assert table.loc["Mean pay", "Estimate"] == "—"  # two members hold 96% of the total
    assert table.loc["Mean hours", "Estimate"] == "5.0"
