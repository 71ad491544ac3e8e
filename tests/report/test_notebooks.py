"""The report notebooks as committed: paired, parameterised, executed, aggregate-only.

nbval (``pytest --nbval``) re-runs them and compares every output; these tests check what nbval
cannot: the pairing with the reviewed ``.py`` files, the papermill parameters, that the outputs
are committed, and that no output shows a respondent-level row.
"""

import re

import jupytext
import nbformat
import pytest

from conftest import ROOT
from survey_tools.demo import REPORT_NOTEBOOKS

FOLDER = ROOT / "notebooks" / "reports"
PARAMETERS = {
    "guild",
    "wave",
    "export",
    "codebook",
    "roll",
    "roll_margins",
    "dispositions",
    "min_count",
    "min_base",
    "figures_dir",
    "seed",
}


@pytest.fixture(scope="module", params=REPORT_NOTEBOOKS)
def notebook(request):
    return request.param, nbformat.read(FOLDER / f"{request.param}.ipynb", as_version=4)


def test_series_is_complete_and_numbered():
    found = sorted(p.stem for p in FOLDER.glob("[0-9]*.ipynb"))
    assert found == sorted(REPORT_NOTEBOOKS)


def test_paired_py_percent_holds_the_same_code(notebook):
    name, nb = notebook
    pair = jupytext.read(FOLDER / f"{name}.py")
    assert nb.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code == [c.source for c in pair.cells if c.cell_type == "code"]


def test_parameters_cell_points_at_the_demo(notebook):
    _, nb = notebook
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    names = set(re.findall(r"^(\w+) =", cells[0].source, flags=re.M))
    assert names >= PARAMETERS
    assert "data/raw/demo/guild_ai_survey_2026.sav" in cells[0].source


def test_outputs_committed_and_kernel_portable(notebook):
    _, nb = notebook
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata.get("keep_output") is True
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "execute the notebook before committing"
    assert sum(bool(c.outputs) for c in code) >= 2
    assert not any(o.output_type == "error" for c in code for o in c.outputs)


def test_no_respondent_level_rows(notebook):
    _, nb = notebook
    text = nbformat.writes(nb)
    assert not re.search(r"R_[A-Za-z0-9]{15}", text), "a response ID is shown"
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            assert html.count("<tr") <= 100, "a table this long is likely respondent-level"


def test_update_takes_code_from_the_pair_and_stores_fresh_outputs(tmp_path):
    from survey_tools.report.series import update_notebooks

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    nb.metadata["keep_output"] = True
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    nbformat.write(nb, tmp_path / "01_x.ipynb")
    (tmp_path / "01_x.py").write_text("# %%\n20 + 22\n", encoding="utf-8")
    assert update_notebooks(tmp_path) == [tmp_path / "01_x.ipynb"]
    ran = nbformat.read(tmp_path / "01_x.ipynb", as_version=4)
    assert ran.cells[0].source == "20 + 22"
    assert ran.cells[0].outputs[0]["data"]["text/plain"] == "42"
    assert ran.metadata["keep_output"] is True
    assert "20 + 22" in (tmp_path / "01_x.py").read_text(encoding="utf-8")
