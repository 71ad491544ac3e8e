# Two commands on a fresh machine: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# One BLAS thread: on small shared machines threaded BLAS makes model fits many times slower.
export OPENBLAS_NUM_THREADS ?= 1
STAMP  := $(VENV)/.installed-$(shell cat requirements/lock.txt pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lock bench clean-venv

$(STAMP): requirements/lock.txt pyproject.toml
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

demo: $(STAMP)  ## generate the demo survey if absent, run the pipeline, write reports/
	$(VENV)/bin/survey-tools demo

test: $(STAMP)  ## the whole suite: lint, unit tests, notebooks
	$(VENV)/bin/ruff check src tests requirements
	$(VENV)/bin/ruff format --check src tests requirements
	$(PY) -m pytest

lock:  ## re-resolve the exact pins from pyproject.toml, then mirror them into environment.yml
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet -e '.[pdf,lab,test]' setuptools wheel
	{ echo "# Exact pins for CI, make and environment.yml. Regenerate with: make lock"; \
	  .lockvenv/bin/pip freeze --all --exclude-editable | grep -v '^pip=='; } > requirements/lock.txt
	rm -rf .lockvenv
	$(PYTHON) requirements/write_environment.py

bench: $(STAMP)  ## performance ratios against peers: svy goes into .benchvenv, never into .venv
	$(PYTHON) -m venv .benchvenv
	.benchvenv/bin/pip install --quiet --disable-pip-version-check -r requirements/lock.txt svy==0.35.0
	.benchvenv/bin/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	.benchvenv/bin/python benchmarks/weighting.py
	.benchvenv/bin/python benchmarks/ingest.py
	.benchvenv/bin/python benchmarks/wide.py
	.benchvenv/bin/python benchmarks/series.py
	.benchvenv/bin/python benchmarks/coverage.py --replicates 250 --seed 11
	.benchvenv/bin/python benchmarks/waves_coverage.py --replicates 1000 --seed 22
	.benchvenv/bin/python benchmarks/nonresponse_coverage.py --replicates 200 --seed 12
	.benchvenv/bin/python benchmarks/comment_coverage.py --replicates 40 --seed 11

clean-venv:
	rm -rf $(VENV)
