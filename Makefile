# Two commands for a newcomer: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
FLASK := $(BIN)/flask --app app

.PHONY: run test format db bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

# axe-core for the accessibility checks in the browser tests; without npm they skip, saying why.
AXE := tests/.axe/node_modules/axe-core/axe.min.js
$(AXE):
	-npm install --silent --no-audit --no-fund --prefix tests/.axe axe-core@4.14.1

db: $(VENV)/.runtime-installed
	$(FLASK) db upgrade
	$(FLASK) sync-library
	$(FLASK) seed-demo

run: db
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.dev-installed $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench.run

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
