# Two commands for a fresh machine: `make run` (install + start the app) and `make test` (install + all tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= 8501

.PHONY: run test data report install install-dev clean

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

run: $(STAMP)
	$(BIN)/python -m streamlit run server.py --server.port $(PORT)

test: $(DEV_STAMP)
	$(BIN)/python -m pytest -q

data: $(STAMP)
	$(BIN)/python -m etl

report: $(STAMP)
	$(BIN)/python -m etl report

# Needs internet: pull Eurostat's crim_thb datasets, snapshot them under data/raw/eurostat/<date>/, rebuild, print a diff.
.PHONY: refresh
refresh: $(STAMP)
	$(BIN)/python -m etl refresh eurostat

clean:
	rm -rf $(VENV) .pytest_cache artifacts
