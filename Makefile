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
#   make figures    the figures: sine fit, plots, graphs (each only when its code changed)

SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
GEN   := docs/generated
export NO_MKDOCS_2_WARNING := 1
export PYTHONHASHSEED := 0

# entangled-cli 2.5 needs Python >= 3.13: take the first interpreter that is.
PYTHON313 ?= $(shell for p in python3.13 python3.14 $$HOME/.pyenv/versions/3.1[3-9]*/bin/python3 /usr/local/bin/python3.13 /usr/bin/python3.13; do \
	  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null && { echo "$$p"; break; }; done)

.PHONY: all env tangle stitch lint test test-oldest quick drift runnable figures sine sine-unit plots graphs learning-figures tensor-figures optim-figures katex browser site serve bench bench-results clean
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
test: lint env tangle figures bench-results katex browser runnable
	$(PY) -m pytest

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

# Figures and results are rebuilt only when the *content* of their inputs
# changed: tools/stamp.py hashes them (a pull or checkout changes file times,
# not content). PREVIEW=1 keeps existing outputs even when their inputs
# changed, so `make serve` starts at once from the last results.
STAMP = $(PY) tools/stamp.py $(if $(PREVIEW),--keep-existing)

figures: sine sine-unit plots graphs learning-figures tensor-figures optim-figures

SINE_DEPS := micrograd/engine.py micrograd/nn.py micrograd/train.py micrograd/experiment.py \
  micrograd/sine.py
sine: | env
	$(STAMP) sine --deps $(SINE_DEPS) --outputs $(GEN)/sine_fit.png $(GEN)/sine.json -- \
	  $(PY) -m micrograd.sine --seeds 0 1 2 3 4 --out $(GEN)

# The same experiment with Karpathy's initialisation, for chapter 6's tables:
# at the same learning rate, and for 500 epochs at a quarter of it (~15 s).
sine-unit: | env
	$(STAMP) sine-unit --deps $(SINE_DEPS) --outputs $(GEN)/sine_unit.json -- \
	  $(PY) -m micrograd.sine --init unit --seeds 0 1 --name sine_unit --no-plot --out $(GEN)
	$(STAMP) sine-unit-small-lr --deps $(SINE_DEPS) --outputs $(GEN)/sine_unit_small_lr.json -- \
	  $(PY) -m micrograd.sine --init unit --seeds 0 1 --epochs 500 --lr-start 0.05 \
	  --lr-end 0.000125 --name sine_unit_small_lr --no-plot --quiet --out $(GEN)

# Chapters 3 and 4's plots, computed with the package.
plots: | env
	$(STAMP) plots --deps micrograd/engine.py tools/figures/plots.py \
	  --outputs $(GEN)/finite_differences.png $(GEN)/activations.png -- \
	  $(PY) tools/figures/plots.py --out $(GEN)

# The graph figures: drawn from graphs the package builds, rendered to SVG by
# Viz.js (Graphviz as WebAssembly, pinned by package-lock.json) under Node.
GRAPH_DEPS := micrograd/engine.py micrograd/graph.py micrograd/nn.py tools/figures/graphs.py \
  tools/figures/render_dot.mjs package-lock.json
graphs: katex | env
	$(STAMP) graphs --deps $(GRAPH_DEPS) --outputs $(GEN)/graphs $(GEN)/backward_steps.md -- \
	  $(PY) tools/figures/graphs.py --out $(GEN)

# The other figures of chapters 5 and 6 (tools/figures/learning.py; a few seconds).
learning-figures: sine sine-unit | env
	$(STAMP) init-rms --deps tools/figures/learning.py $(SINE_DEPS) \
	  --outputs $(GEN)/init_rms.png $(GEN)/lr_schedule.png $(GEN)/loss_valley.png -- \
	  $(PY) tools/figures/learning.py --out $(GEN) init_rms lr_schedule loss_valley
	$(STAMP) training-losses --deps tools/figures/learning.py $(GEN)/sine.json $(GEN)/sine_unit.json \
	  --outputs $(GEN)/training_losses.png -- \
	  $(PY) tools/figures/learning.py --out $(GEN) training_losses

# Chapter 9: the sine fit on tensors, the spiral classifier, the shapes (a few seconds).
TENSOR_DEPS := micrograd/engine.py micrograd/gradcheck.py micrograd/sine.py micrograd/train.py \
  micrograd/experiment.py \
  micrograd/tensor.py micrograd/tensor_fit.py
# The shapes pictures (broadcast.png, matmul.png) are drawn from real tensors; the
# sine run times are compared with chapter 6's scalar runs, in sine.json.
tensor-figures: sine | env
	$(STAMP) tensor --deps $(TENSOR_DEPS) $(GEN)/sine.json \
	  --outputs $(GEN)/spiral.png $(GEN)/broadcast.png $(GEN)/matmul.png $(GEN)/tensor.json -- \
	  $(PY) -m micrograd.tensor_fit --scalar $(GEN)/sine.json --out $(GEN)

# Chapter 8: optimizer paths on 2-D functions, the sine race (600 epochs, not
# chapter 6's 2000, and three seeds: the race must stay cheap), the moons.
OPTIM_DEPS := micrograd/engine.py micrograd/nn.py micrograd/optim.py micrograd/moons.py micrograd/race.py \
  $(SINE_DEPS)
OPTIM_PATHS := $(addprefix $(GEN)/,optim_ravine.png optim_scaled.png optim_adam.png optim_adam_table.md optim_bias.png optim_adamw.png)
OPTIM_RACE := $(addprefix $(GEN)/,optim_race.json optim_race.png optim_race_table.md optim_race_setup.md)
MOONS := $(addprefix $(GEN)/,moons.json moons.png moons_table.md)
optim-figures: | env
	$(STAMP) optim-paths --deps $(OPTIM_DEPS) --outputs $(OPTIM_PATHS) -- \
	  $(PY) -m micrograd.race paths --out $(GEN)
	$(STAMP) optim-race --deps $(OPTIM_DEPS) --outputs $(OPTIM_RACE) -- \
	  $(PY) -m micrograd.race sine --seeds 1 2 3 --epochs 600 --expect Adam --expect-last SGD --out $(GEN)
	$(STAMP) moons --deps $(OPTIM_DEPS) --outputs $(MOONS) -- \
	  $(PY) -m micrograd.race moons --out $(GEN)

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

site: figures bench-results katex
	$(VENV)/bin/mkdocs build --strict

serve: env katex
	$(MAKE) figures bench-results PREVIEW=1
	$(VENV)/bin/mkdocs serve

# Benchmarks (chapter 7). Karpathy's micrograd 0.1.0 gets its own environment:
# its import name is micrograd, like ours.
KARPATHY_VENV := bench/.venv-karpathy
BENCH_OUT := $(GEN)/bench.json $(GEN)/bench_ladder.png
BENCH_DEPS := $(SINE_DEPS) micrograd/tensor.py micrograd/tensor_fit.py $(wildcard bench/*.py)

$(KARPATHY_VENV)/.installed:
	@test -n "$(PYTHON313)" || { echo "make: no Python >= 3.13 found; set PYTHON313=/path/to/python3.13" >&2; exit 1; }
	rm -rf $(KARPATHY_VENV)
	$(PYTHON313) -m venv $(KARPATHY_VENV)
	$(KARPATHY_VENV)/bin/python -m pip install --quiet micrograd==0.1.0
	touch $@

# `make bench` always measures; the site reruns the benchmark only when the
# engine or the benchmark changed.
bench: env tangle $(KARPATHY_VENV)/.installed
	$(PY) bench/run.py --out $(GEN)

bench-results: | env $(KARPATHY_VENV)/.installed
	$(STAMP) bench --deps $(BENCH_DEPS) --outputs $(BENCH_OUT) -- $(PY) bench/run.py --out $(GEN)

clean:
	rm -rf site $(GEN) .entangled .pytest_cache .hypothesis .mypy_cache .ruff_cache
