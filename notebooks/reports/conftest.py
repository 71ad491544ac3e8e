"""The report notebooks are checked by nbval (their .ipynb); their jupytext .py pairs are not
test modules."""

collect_ignore_glob = ["[0-9]*.py"]
