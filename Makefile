# How Models Learn — the two commands: `make lab` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# CI and this Makefile pin the CPU build of PyTorch; the package itself accepts any torch>=2.0.
TORCH  ?= torch==2.13.0
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
CHROMIUM   ?= /usr/bin/chromium
# The grader runs learner code in bubblewrap (how-models-learn-grade autograde).
BWRAP      ?= /usr/bin/bwrap

export PYTHONHASHSEED := 0
export JUPYTER_PLATFORM_DIRS := 1

.PHONY: lab test lint notebooks solutions course bench install clean colab-venv other-pythons

## install: create .venv with everything the course, the grader and the tests need
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# jsonschema pulls this in; it adds seconds to every Jupyter process start and nothing here needs it
	$(BIN)/python -m pip uninstall --quiet -y rfc3987-syntax
	touch $@

## lab: open JupyterLab on the learner notebooks
lab: install
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ALLOW_ROOT)

## test: lint, then every test (unit, nbval on solutions/, drift, nbgrader end to end, browser)
test: install $(CHROMIUM) $(BWRAP) lint
	$(BIN)/python -m pytest

$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "The browser tests need Chromium at $(CHROMIUM) (set CHROMIUM=/path/to/chromium)"; exit 1; }
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium fonts-noto-color-emoji

$(BWRAP):
	@command -v apt-get >/dev/null || { echo "The grader's sandbox needs bubblewrap at $(BWRAP) (set BWRAP=/path/to/bwrap)"; exit 1; }
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq bubblewrap

lint: install
	$(BIN)/ruff check .

## notebooks: regenerate the learner copies in notebooks/ from solutions/, and the hostile test
## submissions built from lesson 01's copy
notebooks: install
	$(BIN)/how-models-learn-grade notebooks
	$(BIN)/python -m tests.hostile

## solutions: re-execute every solution notebook (seeded), then regenerate notebooks/
solutions: install
	$(BIN)/how-models-learn-grade execute
	$(BIN)/how-models-learn-grade notebooks
	$(BIN)/python -m tests.hostile

## course: lay out the nbgrader course directory in course/
course: install
	$(BIN)/how-models-learn-grade course course

## bench: every benchmark (learner, course, memory, grading) as ratios against a baseline run beside it;
## the tables and targets land in benchmarks/results/latest.md
bench: install
	$(BIN)/python benchmarks/all.py

## colab-venv: build .venv-colab, Colab's versions of the notebook stack (the colab tests build it on first use)
colab-venv: install
	$(BIN)/python -m tests.colab_venv

## other-pythons: build .venv-py3.10 and .venv-py3.13 (or the newest Python here), the course without torch on
## the oldest and newest Python learners use (the other_pythons tests build them on first use)
other-pythons: install
	$(BIN)/python -m tests.other_pythons

clean:
	rm -rf $(VENV) .venv-colab .venv-colab.lock .venv-py3.* .venv-py3.*.lock .pytest_cache .ruff_cache test-artifacts
