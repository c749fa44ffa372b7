# Set-up and everyday commands. Both set up a virtual environment in .venv (once):
# `make demo` with what the library needs at run time (the library and the reference
# plugins), `make test` (and every other target) with the dev tools on top.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime
STAMP := $(VENV)/.installed
PLUGINS := plugins/guangdong plugins/longmen plugins/boluo

.PHONY: screenshots setup runtime demo test lint typecheck docs linkcheck dist wheels-smoke check clean messages

setup: $(STAMP)

runtime: $(RUNTIME_STAMP)

# The library and the reference plugins, editable, with their run-time dependencies only.
$(RUNTIME_STAMP): pyproject.toml $(addsuffix /pyproject.toml,$(PLUGINS))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e . $(addprefix -e ,$(PLUGINS))
	touch $(RUNTIME_STAMP)

# The dev tools (tests, lint, type check, docs, benchmarks, release) on top.
$(STAMP): $(RUNTIME_STAMP)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . $(addprefix -e ,$(PLUGINS)) --group dev
	touch $(STAMP)

DEMO_ASSESSMENT := plugins/longmen/src/govservice_longmen/data/441324/examples/assessment-441324116.toml

demo: $(RUNTIME_STAMP)
	$(BIN)/govstd evaluate 441324 $(DEMO_ASSESSMENT)
	@echo
	@echo "The govstd command is $(BIN)/govstd (or run '. $(BIN)/activate' first): try"
	@echo "  $(BIN)/govstd halls 441324"

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

docs: $(STAMP) linkcheck
	$(BIN)/sphinx-build -E -W --keep-going -n -q -b html docs docs/_build/html
	$(BIN)/sphinx-build -E -W --keep-going -n -q -b doctest docs docs/_build/doctest

# Internal links only (conf.py ignores every http(s) URL, so this runs offline).
linkcheck: $(STAMP)
	$(BIN)/sphinx-build -E -W --keep-going -n -q -b linkcheck docs docs/_build/linkcheck

# Wheels and sdists of the library and of each reference plugin.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	for p in $(PLUGINS); do $(BIN)/python -m build --outdir dist $$p || exit 1; done

# Install the built wheels into a clean virtual environment and run the main job there.
wheels-smoke: dist
	rm -rf build/wheel-venv
	$(PYTHON) -m venv build/wheel-venv
	build/wheel-venv/bin/python -m pip install --quiet dist/*.whl
	cd build && wheel-venv/bin/govstd localities --json > /dev/null
	cd build && wheel-venv/bin/govstd evaluate 441324 \
	  ../$(DEMO_ASSESSMENT) --json > /dev/null
	cd build && wheel-venv/bin/govstd check 441322 > /dev/null
	@echo "wheels install and run"

# Message catalogs (docs/guides/translating.md): extract the English source strings of the
# library, its templates and click's own messages, merge them into each language's .po,
# and compile the .mo files that ship in the wheel.
LOCALE := src/govservice_std/locale
POT := $(LOCALE)/govservice_std.pot

messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -k N_ -k NP_:1c,2 \
	  --project govservice-std -o $(POT) src/govservice_std \
	  "$$($(BIN)/python -c 'import click, os; print(os.path.dirname(click.__file__))')"
	$(BIN)/pybabel update -i $(POT) -d $(LOCALE) -D govservice_std --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d $(LOCALE) -D govservice_std --statistics

# The documentation's pictures of the hall service's pages, taken by the browser test.
screenshots: $(STAMP)
	GOVSERVICE_STD_SCREENSHOTS=1 $(BIN)/python -m pytest tests/web/test_pages_browser.py

check: lint typecheck test docs

clean:
	rm -rf $(VENV) docs/_build .pytest_cache .mypy_cache .ruff_cache .hypothesis
