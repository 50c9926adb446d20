# Two commands for a fresh machine: `make run` (install + start the app) and `make test` (install + all tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
ETL_STAMP := $(VENV)/.installed-etl
GEO_STAMP := $(VENV)/.installed-geo
PORT ?= 8501
REPLICAS ?= 2
HOST ?= 127.0.0.1

.PHONY: run serve dev test data report deck install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs come from the locks (requirements/*.lock: every package pinned with its hashes, generated from
# pyproject.toml by `make lock`), so every machine, CI and the image get the versions the tests ran on.
# A stamp per lock: a second `make test` installs nothing.
LOCK_INSTALL = $(BIN)/python -m pip install --quiet --require-hashes -r

$(STAMP): requirements/run.lock | $(BIN)/python
	$(LOCK_INSTALL) requirements/run.lock
	touch $@

# the test lock holds everything the app needs too (the same pins), so it stamps the app's install as well
$(DEV_STAMP): requirements/test.lock | $(BIN)/python
	$(LOCK_INSTALL) requirements/test.lock
	touch $@ $(STAMP) $(ETL_STAMP)

$(ETL_STAMP): requirements/etl.lock | $(BIN)/python
	$(LOCK_INSTALL) requirements/etl.lock
	touch $@

$(GEO_STAMP): requirements/geo.lock | $(BIN)/python
	$(LOCK_INSTALL) requirements/geo.lock
	touch $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

# Regenerate the locks from pyproject.toml (after changing a dependency there). uv resolves (installed
# into .venv for this only); the versions already locked are kept unless pyproject.toml rules them out.
# `make lock UPGRADE=1` moves every package to the newest release pyproject.toml allows. The test lock is
# the superset; the others are constrained to it, so a package has the same version in every lock.
UPGRADE ?=
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--quiet --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
.PHONY: lock
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(UV_COMPILE) --extra test -o requirements/test.lock
	$(UV_COMPILE) -c requirements/test.lock -o requirements/run.lock
	$(UV_COMPILE) --extra etl -c requirements/test.lock -o requirements/etl.lock
	$(UV_COMPILE) --extra geo -c requirements/test.lock -o requirements/geo.lock

# One process with the serving configuration of .streamlit/config.toml (no file watcher, no forced GC).
run: $(STAMP)
	$(BIN)/python -m streamlit run server.py --server.port $(PORT)

# REPLICAS app processes behind nginx on PORT (Debian's nginx; see deploy/README.md); HOST=0.0.0.0 to
# listen on every interface.
serve: $(STAMP)
	$(BIN)/python deploy/serve.py --replicas $(REPLICAS) --port $(PORT) --host $(HOST)

# Development: the file watcher and rerun-on-save back on (flags override config.toml).
dev: $(STAMP)
	$(BIN)/python -m streamlit run server.py --server.port $(PORT) \
		--server.fileWatcherType auto --server.runOnSave true --runner.postScriptGC true

# The tests without a browser in TEST_WORKERS processes (pytest-xdist: AppTest and the builders are CPU-bound),
# then the browser tests one after another (each starts its own server; some time what they wait for).
TEST_WORKERS ?= 2
test: $(DEV_STAMP) deps lint types dead docs-check
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --ignore=tests/e2e
	$(BIN)/python -m pytest -q tests/e2e

# The habits (configured in pyproject.toml), each before the tests: lint and format (ruff), the import contracts
# between the packages (import-linter), the type hints of the core and the build (mypy),
# no dead names (vulture).
.PHONY: lint types dead
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

types: $(DEV_STAMP)
	$(BIN)/mypy

# Names nothing uses (functions, classes, constants, attributes; 60 % confidence and up). What only another
# library or a configuration file uses by name (babel's extractor, attributes a library reads) is listed in
# vulture_whitelist.py; the tests are not scanned, so a name only a test uses fails too.
DEAD_CODE = components etl app_pages app.py server.py deploy bench vulture_whitelist.py
dead: $(DEV_STAMP)
	$(BIN)/vulture $(DEAD_CODE) --min-confidence 60

# The dependency check (deptry, configured in pyproject.toml): every package the code and the tests import is
# declared and every declared one is used; then the code the image runs (not tests/, bench/, data/'s build
# scripts), where only the main dependencies count: importing a test, bench, geo or refresh package there
# fails (eurostat: imported only inside the refresh, on purpose).
DEPTRY_RUNTIME = --exclude '\.venv|\.git|artifacts|locale|static|tests|bench|data' \
	--optional-dependencies-dev-groups etl,geo,bench,test,docs --per-rule-ignores 'DEP002=defusedxml,DEP004=eurostat'
.PHONY: deps
deps: $(DEV_STAMP)
	$(BIN)/deptry --no-ansi .
	$(BIN)/deptry --no-ansi . $(DEPTRY_RUNTIME)

# The documentation site (mkdocs-material, mkdocs.yml): `make docs` builds it into site/. `make test` runs
# docs-check: the same strict build (a warning, a broken link between pages or a page left out of the
# navigation fails) into a temporary folder, so the tree stays clean.
.PHONY: docs docs-check
docs: $(DEV_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

docs-check: $(DEV_STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir "$$tmp"

data: $(STAMP)
	$(BIN)/python -m etl

report: $(STAMP)
	$(BIN)/python -m etl report

# A deck to take away, offline: make deck DECK=<id or file> FORMAT=pptx|pdf DECK_LANG=en|et|lv|lt|ru OUT=<file>
# Any file name works ("my-deck (1).json", "Мой доклад.json", quotes, `$`): each value goes to the shell
# single-quoted and unexpanded ($(value …)), so neither make nor the shell reads any character in it.
DECK ?= baltic-overview
FORMAT ?= pptx
DECK_LANG ?= en
OUT ?=
shell_quoted = '$(subst ','\'',$(value $1))'
deck: $(STAMP)
	$(BIN)/python -m components.decks.files --deck $(call shell_quoted,DECK) --format $(call shell_quoted,FORMAT) \
		--lang $(call shell_quoted,DECK_LANG) $(if $(value OUT),--out $(call shell_quoted,OUT))

# Needs internet: pull Eurostat's crim_thb datasets, snapshot them under data/raw/eurostat/<date>/, rebuild, print a diff.
.PHONY: refresh
refresh: $(STAMP) $(ETL_STAMP)
	$(BIN)/python -m etl refresh eurostat

# The map's lighter display copies and the static map's shapes, made offline with shapely (data/geo/SOURCES.md)
.PHONY: geo
geo: $(GEO_STAMP)
	$(BIN)/python data/geo/make_display.py

# The interface texts: extract what the code marks, update every catalogue (docs/development.md, "Translations").
.PHONY: messages
messages: $(STAMP)
	PYTHONPATH=. $(BIN)/pybabel -q extract -F babel.cfg -k N_ --no-location --sort-output -w 100 \
		--project "Baltic THB statistics" --version 1 -o locale/messages.pot .
	$(BIN)/pybabel -q update -i locale/messages.pot -d locale --no-fuzzy-matching -w 100

clean:
	rm -rf $(VENV) .pytest_cache artifacts site
