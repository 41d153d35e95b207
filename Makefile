# micrograd — the book that builds an autodiff engine.
#
#   make            build everything: environment, tangle, figures, site
#   make test       lint, tangle, then run every test (the book's examples included)
#   make lint       ruff on the whole repository, mypy on the package
#   make quick      the fast loop: tangle and test, skipping the slow runs
#   make drift      check that micrograd/ and tests/book/ are exactly what the book says
#   make test-oldest  the package's tests and the book's examples on Python 3.9
#   make runnable   run every example the site can run, in Pyodide under Node
#   make serve      live preview of the book while you edit
#   make stitch     carry hand edits of tangled files back into the chapters
#   make bench      benchmarks (see the chapter "Making it fast")
#   make lab        every figure and number of the book (each step only when its inputs changed)

SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
GEN   := docs/generated
KARPATHY_VENV := bench/.venv-karpathy
export NO_MKDOCS_2_WARNING := 1
export PYTHONHASHSEED := 0

# entangled-cli 2.5 needs Python >= 3.13: take the first interpreter that is.
PYTHON313 ?= $(shell for p in python3.13 python3.14 $$HOME/.pyenv/versions/3.1[3-9]*/bin/python3 /usr/local/bin/python3.13 /usr/bin/python3.13; do \
	  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null && { echo "$$p"; break; }; done)

.PHONY: all env tangle stitch lint test test-oldest quick drift runnable lab figures graphs katex browser site serve bench clean
.DEFAULT_GOAL := all

all: site

env: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON313)" || { echo "make: no Python >= 3.13 found (entangled-cli 2.5 needs it); set PYTHON313=/path/to/python3.13" >&2; exit 1; }
	$(PYTHON313) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# FORCE=1 overwrites hand edits of tangled files with what the book says.
tangle: env
	$(PY) tools/tangle.py tangle $(if $(FORCE),--force)

stitch: env
	$(PY) tools/tangle.py stitch

# ruff (style and likely bugs, everywhere) and mypy (types, in micrograd/);
# both are configured in pyproject.toml.
lint: env
	$(PY) -m ruff check . && $(PY) -m mypy

# Every test: the engine, the book's examples, the full sine fit, the site in
# Chromium (which needs the figures, the benchmark results, KaTeX and the browser).
# Lint comes first, so that a lint error fails at once.
test: lint env tangle lab katex browser runnable
	@before=$$(git status --porcelain); \
	$(PY) -m pytest && after=$$(git status --porcelain) && \
	if [ "$$before" != "$$after" ]; then \
	  echo "make test: the tests changed the work tree (a test must write only into a temporary folder):" >&2; \
	  diff <(echo "$$before") <(echo "$$after") >&2; exit 1; fi

quick: env tangle katex graphs
	$(PY) -m pytest -m "not slow" -q

drift: env
	$(PY) tools/check_drift.py

# The package's tests and the book's examples on the oldest Python the package
# claims (requires-python >= 3.9), in a venv of their own; CI runs this too.
OLDEST_PYTHON ?= $(shell ls -d $$HOME/.pyenv/versions/3.9*/bin/python3 /usr/bin/python3.9 \
  /usr/local/bin/python3.9 2>/dev/null | head -n 1)
OLDEST_VENV := .venv-oldest
OLDEST_TOOLS := pytest==8.4.2 hypothesis==6.141.1 sybil==9.3.0 numpy==2.0.2 matplotlib==3.9.4 \
  graphviz==0.21
test-oldest: tangle
	@test -n "$(OLDEST_PYTHON)" || { echo "make: no Python 3.9 found (the package claims >= 3.9);" \
	  "set OLDEST_PYTHON=/path/to/python3.9" >&2; exit 1; }
	test -x $(OLDEST_VENV)/bin/python || $(OLDEST_PYTHON) -m venv $(OLDEST_VENV)
	$(OLDEST_VENV)/bin/python -m pip install --quiet $(OLDEST_TOOLS)
	$(OLDEST_VENV)/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 9), sys.version'
	$(OLDEST_VENV)/bin/python -m pytest -m "not slow" -q tests/book docs

# Every block the site lets a reader run, run in Pyodide under Node (no browser).
runnable: env tangle katex
	PYTHON=$(PY) node tools/check_runnable.mjs

# The lab (experiments/steps.py): every figure and number the book shows.
# tools/lab.py runs a step only when the *content* of what it reads changed:
# its command, the Python files it imports, the results of other steps it
# reads. PREVIEW=1 keeps existing outputs even when their inputs changed, so
# that `make serve` starts at once from the last results.
LAB = $(PY) tools/lab.py $(if $(PREVIEW),--keep-existing)

lab: katex $(KARPATHY_VENV)/.installed | env
	$(LAB)

figures: lab

# The graph figures alone (the fast loop needs them, not the long runs).
graphs: katex | env
	$(LAB) graphs

# KaTeX typesets the book's math at build time; Pyodide runs the examples in the
# reader's browser. package-lock.json pins both.
katex: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# The browser test drives Debian's Chromium, and draw_dot's export test runs
# Graphviz's `dot`; install them when they are missing.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends chromium graphviz; \
	  else echo "make: the tests need Chromium and Graphviz: sudo apt-get install chromium graphviz" >&2; exit 1; fi; }

site: lab katex
	$(VENV)/bin/mkdocs build --strict

serve: env katex
	$(MAKE) lab PREVIEW=1
	$(VENV)/bin/mkdocs serve

# Benchmarks. Karpathy's micrograd 0.1.0 gets its own environment (its
# import name is micrograd, like ours): KARPATHY_VENV, set at the top.
$(KARPATHY_VENV)/.installed:
	@test -n "$(PYTHON313)" || { echo "make: no Python >= 3.13 found; set PYTHON313=/path/to/python3.13" >&2; exit 1; }
	rm -rf $(KARPATHY_VENV)
	$(PYTHON313) -m venv $(KARPATHY_VENV)
	$(KARPATHY_VENV)/bin/python -m pip install --quiet micrograd==0.1.0
	touch $@

# `make bench` always measures; the lab's bench step reruns the benchmark only
# when the engine or the benchmark changed.
bench: env tangle $(KARPATHY_VENV)/.installed
	$(PY) bench/run.py --out $(GEN)

clean:
	rm -rf site $(GEN) .entangled .pytest_cache .hypothesis .mypy_cache .ruff_cache
