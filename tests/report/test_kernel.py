"""Notebooks run one after another in one kernel (the report series, ``survey-tools notebooks``)
give what fresh kernels give: nothing of one notebook reaches the next."""

import nbformat
import pytest

from survey_tools.errors import SurveyToolsError
from survey_tools.report.kernel import execute_notebook, execute_notebooks

FIRST = [
    "import helper\nhelper.warn()",  # a library's warning, shown once per place by default
    "x = 41\nimport os\nos.environ['SURVEY_TOOLS_KERNEL_TEST'] = 'set'\nos.chdir('/')",
    "import pandas as pd\npd.set_option('display.precision', 1)\npd.Series([1.23456])",
    "import matplotlib\nmatplotlib.rcParams['font.size'] = 3.0\nx + 1",
]
SECOND = [
    "import helper\nhelper.warn()",
    "'x' in dir(), __import__('os').environ.get('SURVEY_TOOLS_KERNEL_TEST')",
    "import os, pathlib\npathlib.Path(os.getcwd()) == pathlib.Path(helper.__file__).parent",
    "import pandas as pd\npd.Series([1.23456])",
    "import matplotlib\nmatplotlib.rcParams['font.size']",
]


def _notebook(folder, name, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    nbformat.write(nb, folder / name)
    return folder / name


def test_notebooks_sharing_a_kernel_give_what_fresh_kernels_give(tmp_path):
    (tmp_path / "helper.py").write_text(
        "import warnings\n\ndef warn():\n    warnings.warn('check the roll', UserWarning)\n",
        encoding="utf-8",
    )
    paths = [_notebook(tmp_path, "01_a.ipynb", FIRST), _notebook(tmp_path, "02_b.ipynb", SECOND)]
    shared = execute_notebooks(paths)
    fresh = [execute_notebook(path) for path in paths]
    assert [nbformat.writes(nb) for nb in shared] == [nbformat.writes(nb) for nb in fresh]
    second = shared[1].cells
    assert second[0].execution_count == 1  # counted from 1 again
    assert "check the roll" in second[0].outputs[0]["text"]  # the warning shows again
    assert second[1].outputs[0]["data"]["text/plain"] == "(False, None)"
    assert second[2].outputs[0]["data"]["text/plain"] == "True"  # in the notebook's folder
    assert "1.23456" in second[3].outputs[0]["data"]["text/plain"]  # pandas' own precision
    assert second[4].outputs[0]["data"]["text/plain"] != "3.0"


def test_a_failing_notebook_in_a_shared_kernel_is_named_with_its_section(tmp_path):
    good = _notebook(tmp_path, "01_a.ipynb", ["1 + 1"])
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Weighting"),
        nbformat.v4.new_code_cell("raise ValueError('no margins')"),
    ]
    nbformat.write(nb, tmp_path / "02_b.ipynb")
    with pytest.raises(SurveyToolsError, match=r"02_b\.ipynb failed in its section 'Weighting'"):
        execute_notebooks([good, tmp_path / "02_b.ipynb"])


HERE = [
    "import helper\nprint('read', end=' ')\nprint('the roll')",
    "from IPython.display import Markdown, display\ndisplay(Markdown('**42%** lost work'))",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.bar(['a', 'b'], [1, 2])\nfig",
    "import os\nos.environ['SURVEY_TOOLS_KERNEL_TEST'] = 'set'\nos.chdir('/')",
    "import pandas as pd\npd.set_option('display.precision', 1)\npd.Series([1.23456])",
    "import matplotlib\nmatplotlib.rcParams['font.size'] = 3.0\nhelper.__name__",
]


def test_a_notebook_run_in_this_process_gives_what_a_fresh_kernel_gives(tmp_path):
    import os

    import matplotlib
    import pandas as pd
    from IPython import get_ipython

    (tmp_path / "helper.py").write_text("", encoding="utf-8")
    path = _notebook(tmp_path, "05_memo.ipynb", HERE)
    svg = "from matplotlib_inline.backend_inline import set_matplotlib_formats as formats"
    execute_notebook(_notebook(tmp_path, "svg.ipynb", [f"{svg}\nformats('svg')"]), in_process=True)
    with matplotlib.rc_context({"font.size": 7.0}):  # this process's own (a themed session)
        before = (os.getcwd(), matplotlib.get_backend(), matplotlib.rcParams["font.size"])
        here = execute_notebook(path, in_process=True)
        assert (os.getcwd(), matplotlib.get_backend(), matplotlib.rcParams["font.size"]) == before
    assert pd.get_option("display.precision") == 6
    assert "SURVEY_TOOLS_KERNEL_TEST" not in os.environ
    assert get_ipython() is None  # display() prints again, as in any script
    assert nbformat.writes(here) == nbformat.writes(execute_notebook(path))
    assert here.cells[0].outputs[0]["text"] == "read the roll\n"
    assert "image/png" in here.cells[2].outputs[0]["data"]


def test_a_failing_notebook_in_this_process_is_named_with_its_section(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Weighting"),
        nbformat.v4.new_code_cell("raise ValueError('no margins')"),
    ]
    nbformat.write(nb, tmp_path / "05_memo.ipynb")
    kept = tmp_path / "memo-failed.ipynb"
    with pytest.raises(SurveyToolsError, match=r"section 'Weighting': ValueError: no margins"):
        execute_notebook(tmp_path / "05_memo.ipynb", in_process=True, failed_copy=kept)
    assert nbformat.read(kept, as_version=4).cells[1].outputs[0]["ename"] == "ValueError"
    again = execute_notebook(_notebook(tmp_path, "ok.ipynb", ["1 + 1"]), in_process=True)
    assert again.cells[0].outputs[0]["data"]["text/plain"] == "2"  # the failure left no trace
