# Two commands for a newcomer: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
# The one place the Python version is named: the lock files are compiled for it.
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= python$(PYTHON_VERSION)
FLASK := $(BIN)/flask --app app
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links

.PHONY: run test test-fast format db bench clean lock lighthouse messages catalogues

$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = "%d.%d" % sys.version_info[:2]; \
		sys.exit(None if v == "$(PYTHON_VERSION)" else \
		"Python $(PYTHON_VERSION) is needed (.python-version); $(PYTHON) is " + v)'
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

# Lighthouse for the mobile scores (tests/browser/test_lighthouse.py, a minute or more for its
# four pages): `make test` skips that test until this target has installed it.
LIGHTHOUSE := tests/.lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	npm install --silent --no-audit --no-fund --prefix tests/.lighthouse lighthouse@13.5.0

lighthouse: $(VENV)/.dev-installed $(LIGHTHOUSE)
	$(BIN)/python -m pytest -p no:cacheprovider tests/browser/test_lighthouse.py

# Translations: each language's catalogue (messages.po) is kept in git and compiled here into
# the messages.mo the app reads; `make messages` gathers the marked sentences into messages.pot
# and adds the new ones to every catalogue (see docs/translating.md).
TRANSLATIONS := selfcare/translations
PYBABEL := $(BIN)/pybabel
COMPILED_CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

$(TRANSLATIONS)/%.mo: $(TRANSLATIONS)/%.po $(VENV)/.runtime-installed
	$(PYBABEL) compile --statistics -i $< -o $@

catalogues: $(COMPILED_CATALOGUES)

messages: $(VENV)/.runtime-installed
	PYTHONPATH=. $(PYBABEL) extract -F babel.cfg -k _l -k lazy_ngettext:1,2 -c Translators: \
		--add-location=file --sort-by-file --project=selfcare -o $(TRANSLATIONS)/messages.pot .
	$(PYBABEL) update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

db: $(VENV)/.runtime-installed catalogues
	$(FLASK) db upgrade
	$(FLASK) sync-library
	$(FLASK) seed-demo

# Reminders are sent by their own process once a minute, as cron would (never a thread of the
# web server); in development they land in instance/mail/.
run: db
	@while true; do $(FLASK) send-reminders; sleep 60; done & \
	trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

# Biome lints and format-checks the JavaScript; package.json names it, package-lock.json pins it
# and all it brings.
BIOME := node_modules/.bin/biome
$(BIOME): package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

test: $(VENV)/.dev-installed $(AXE) $(BIOME) catalogues
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIOME) ci --colors=off
	node --test tests/js/
	$(BIN)/python -m pytest -n auto

# The edit-test loop: SQLite only, no browser, nothing marked slow, one worker per core.
test-fast: $(VENV)/.dev-installed catalogues
	$(BIN)/ruff check .
	TEST_DATABASE_URL= $(BIN)/python -m pytest -q -n auto -m "not slow and not browser"

# wrk drives the load (a Python client could not outrun the bare Flask page it is compared to).
bench: $(VENV)/.dev-installed
	@command -v wrk >/dev/null || apt-get install -y wrk || sudo apt-get install -y wrk
	$(BIN)/python -m bench.run $(BENCH_ARGS)

format: $(VENV)/.dev-installed $(BIOME)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIOME) check --write

# Re-pin every package, transitive ones included, with hashes, after editing requirements*.in;
# LOCK_ARGS=--upgrade moves every pin to the newest release the ranges allow.
lock: $(VENV)/.dev-installed
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
