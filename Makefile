# The two commands a new user needs: `make run` (install and serve the demo archive on SQLite)
# and `make test` (the whole test suite). Both create the virtual environment themselves.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev run test test-browser screenshots lint format migrate-check clean bench loadtest

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required (set PYTHON=python3.11).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests alone (also part of `make test`); they need Chromium: `apt-get install chromium`.
test-browser: install-dev
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

# Refresh the README's screenshots (home and article, phone and desktop) from the reader's journey.
READER_SHOTS := test-artifacts/screenshots/reader_goes_from_home_to_an_article_a_section_a_company_and_an_older_article
screenshots: install-dev
	$(BIN)/python -m pytest tests/browser/test_reader_journey.py -k home_to -q
	mkdir -p docs/screenshots
	for size in phone desktop; do \
		cp $(READER_SHOTS)-$$size/01-home.png docs/screenshots/home-$$size.png; \
		cp $(READER_SHOTS)-$$size/02-article.png docs/screenshots/article-$$size.png; \
	done

# Benchmark (needs wrk, `apt-get install wrk`) and the load-and-faults check (needs root and a
# PostgreSQL DATABASE_URL); see BENCHMARKS.md. Extra options: BENCH_ARGS="--duration 10 --json bench.json".
bench: install
	$(BIN)/python manage.py bench $(BENCH_ARGS)

loadtest: install
	scripts/loadtest $(LOADTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
