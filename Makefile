# Two commands do all the set-up: `make run` and `make test`. Both create .venv when it is missing
# and (re)install when pyproject.toml changed, so a fresh machine needs only Python 3.11 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO   ?= 1

.PHONY: run test bench install clean chromium screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run

# DEMO=1 (default) runs a demo shop on the sandbox carrier network; `make run DEMO=0` serves without it.
run: $(VENV)/.installed-run
	$(BIN)/parceltrail serve --host $(HOST) --port $(PORT) $(if $(filter 0,$(DEMO)),--no-demo,--demo)

# Debian's Chromium for the browser tests (Playwright drives it; no browser is downloaded by Playwright).
chromium:
	@scripts/with-chromium

# The whole suite on SQLite, then the database tests again on a throwaway PostgreSQL (scripts/with-postgres)
# with a throwaway Redis beside it for the scale-out crash test (scripts/with-redis).
# Browser tests (tests/browser, marker `browser`) run once, in the SQLite pass.
# Each pass runs in parallel processes (pytest-xdist; WORKERS=auto is one per core, a file's tests share
# one process); the slowest tests are listed at the end of each pass. Budget and profiling: docs/testing.md.
WORKERS ?= auto
PYTEST  := $(BIN)/python -m pytest -n $(WORKERS) --dist loadfile --no-loadscope-reorder --durations=15
test: $(VENV)/.installed-test chromium
	scripts/need-poppler
	$(PYTEST) $(PYTEST_ARGS)
	scripts/with-postgres scripts/with-redis $(PYTEST) -q $(PYTEST_ARGS)

# Refresh the screenshots docs/web.md shows (the browser tests take them; by default into build/screenshots).
screenshots: $(VENV)/.installed-test chromium
	PARCELTRAIL_SCREENSHOTS=docs/img $(BIN)/python -m pytest -q -m browser

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
