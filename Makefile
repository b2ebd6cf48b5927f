# perf-mgmt for Open edX -- developer and operator entry points. `make help` lists them.
.DEFAULT_GOAL := help
.PHONY: help requirements demo demo-data serve test quality pii_check test-sqlite test-mysql test-celery \
        test-browser upgrade clean

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements/test.txt setup.py
	$(BIN)/pip install -q -r requirements/test.txt
	$(BIN)/pip install -q -e .
	touch $@

requirements: $(VENV)/.installed ## create the virtualenv and install the pinned test requirements and the plugin

demo: requirements ## set up the demo host (SQLite in var/), load the demo organisation and serve it on 127.0.0.1:8000
	$(BIN)/python manage.py migrate --run-syncdb -v 0
	$(BIN)/python manage.py load_demo_data
	@echo "Serving the demo on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: requirements ## run everything: quality gates, SQLite, MariaDB, a real Celery worker, headless Chromium
	bash scripts/run_all_tests.sh

quality: requirements ## ruff, import-linter, makemigrations --check
	$(BIN)/ruff check perf_mgmt_plugin xblocks lms_host tests benchmarks
	$(BIN)/ruff format --check perf_mgmt_plugin xblocks lms_host tests benchmarks
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=lms_host.test_settings $(BIN)/python manage.py makemigrations --check --dry-run

pii_check: requirements ## OEP-30 PII annotations at 100% coverage
	DJANGO_SETTINGS_MODULE=lms_host.test_settings $(BIN)/code_annotations django_find_annotations \
		--config_file .pii_annotations.yml --lint --report --coverage --report_path var/pii_report

test-sqlite: requirements ## unit and integration tests on SQLite
	$(BIN)/pytest -m "not browser and not celery_worker"

test-mysql: requirements ## the same suite on MariaDB/MySQL at 127.0.0.1:3306
	PERF_MGMT_DB=mysql $(BIN)/pytest -m "not browser and not celery_worker"

test-celery: requirements ## a task on a real Celery worker over Redis
	$(BIN)/pytest -m celery_worker

test-browser: requirements ## pages and XBlocks in headless Chromium
	$(BIN)/pytest -m browser

upgrade: $(BIN)/python ## re-pin requirements/*.txt from requirements/*.in
	$(BIN)/pip install -q pip-tools
	cd requirements && for f in base test dev; do \
		../$(BIN)/pip-compile -q --no-emit-index-url --no-emit-find-links --strip-extras --allow-unsafe -o $$f.txt $$f.in; done

clean: ## remove the virtualenv, the demo database and build artefacts
	rm -rf $(VENV) var build dist *.egg-info .tox

.PHONY: compile_translations
compile_translations: ## compile the XBlocks' and the pages' .po catalogues to the .mo files shipped (pure Python)
	$(PYTHON) scripts/compile_translations.py
