# Two commands for a fresh machine: `make run` (install + start the app) and `make test` (install + all tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= 8501
REPLICAS ?= 2
HOST ?= 127.0.0.1

.PHONY: run serve dev test data report deck install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(STAMP)

install: $(STAMP)
install-dev: $(DEV_STAMP)

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
test: $(DEV_STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --ignore=tests/e2e
	$(BIN)/python -m pytest -q tests/e2e

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
	$(BIN)/python -m components.deck_files --deck $(call shell_quoted,DECK) --format $(call shell_quoted,FORMAT) \
		--lang $(call shell_quoted,DECK_LANG) $(if $(value OUT),--out $(call shell_quoted,OUT))

# Needs internet: pull Eurostat's crim_thb datasets, snapshot them under data/raw/eurostat/<date>/, rebuild, print a diff.
.PHONY: refresh
refresh: $(STAMP)
	$(BIN)/python -m etl refresh eurostat

# The interface texts: extract what the code marks, update every catalogue (README "Languages").
.PHONY: messages
messages: $(STAMP)
	PYTHONPATH=. $(BIN)/pybabel -q extract -F babel.cfg -k N_ --no-location --sort-output -w 100 \
		--project "Baltic THB statistics" --version 1 -o locale/messages.pot .
	$(BIN)/pybabel -q update -i locale/messages.pot -d locale --no-fuzzy-matching -w 100

clean:
	rm -rf $(VENV) .pytest_cache artifacts
