# SICNet: the two commands. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := sicnet.settings

.PHONY: run test lint translations messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

translations: $(VENV)/.installed
	$(BIN)/python scripts/compile_translations.py

## make run: the demo on SQLite, web server and task worker, on http://127.0.0.1:8000
run: $(VENV)/.installed translations
	mkdir -p var
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 scripts/run_demo.sh

## make test: every test (SQLite by default; DATABASE_URL=postgres://... for PostgreSQL)
test: $(VENV)/.installed-dev translations
	$(BIN)/python scripts/translation_coverage.py
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=. $(BIN)/lint-imports

## make messages: extract new strings into locale/ and <app>/locale/ (needs GNU gettext)
messages: $(VENV)/.installed
	scripts/make_messages.sh

clean:
	rm -rf $(VENV) var
