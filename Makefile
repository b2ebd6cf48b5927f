# perf-mgmt for Open edX -- developer and operator entry points. `make help` lists them.
.DEFAULT_GOAL := help
.PHONY: help requirements demo-requirements demo test quality pii_check test-sqlite test-mysql \
        test-celery test-browser test-lms-shaped test-tutor test-master-pins upgrade clean

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Quiet installs: no progress bars, no pip version nag (setup.py's own build prints no warnings: tests/test_packaging.py).
PIP := $(BIN)/python -m pip install -q --disable-pip-version-check
# Where `make demo` serves. HOST=0.0.0.0 serves every interface (the demo then accepts any Host header).
HOST ?= 127.0.0.1
PORT ?= 8000
ifneq ($(filter $(HOST),0.0.0.0 ::),)
DEMO_URL_HOST := $(or $(shell hostname -I 2>/dev/null | cut -d' ' -f1),127.0.0.1)
DEMO_ALLOWED_HOSTS := *
else
DEMO_URL_HOST := $(HOST)
DEMO_ALLOWED_HOSTS := $(HOST)
endif
DEMO_URL := http://$(DEMO_URL_HOST):$(PORT)/
# The suites run on every core (pytest-xdist); WORKERS=0 runs them in one process. Tests are handed out in collection
# order, transactional ones last (docs/decisions/0020).
WORKERS ?= auto
XDIST := -n $(WORKERS) --dist load

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-16s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "!!! Python 3.11 or 3.12 is needed ($(PYTHON) is $$($(PYTHON) --version 2>&1)); set PYTHON=python3.12"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "!!! $(PYTHON) cannot make a virtualenv; run: sudo apt-get install -y python3-venv"; exit 1; }
	$(PIP) --upgrade pip

# The demo's environment: the plugin and the stand-in LMS host, nothing compiled here (no MariaDB headers needed).
$(VENV)/.demo-installed: $(BIN)/python requirements/demo.txt setup.py
	$(PIP) -r requirements/demo.txt
	$(PIP) --no-deps -e .
	touch $@

# The whole test environment: the demo's plus the test tools and mysqlclient (built against the MariaDB headers).
$(VENV)/.installed: $(VENV)/.demo-installed requirements/test.txt
	bash scripts/test_prerequisites.sh build
	$(PIP) -r requirements/test.txt
	touch $@

demo-requirements: $(VENV)/.demo-installed ## the demo's virtualenv only (Python, venv and make are all it needs)

requirements: $(VENV)/.installed ## create the virtualenv and install the pinned test requirements and the plugin

demo: $(VENV)/.demo-installed ## set up the demo host (SQLite in var/), load the demo organisation and serve it (HOST, PORT)
	$(BIN)/python manage.py migrate --run-syncdb -v 0
	PERF_MGMT_ROOT_URL='$(DEMO_URL)' $(BIN)/python manage.py load_demo_data
	@echo "Serving the demo on $(DEMO_URL) (Ctrl-C to stop)"
	PERF_MGMT_ALLOWED_HOSTS='$(DEMO_ALLOWED_HOSTS)' PERF_MGMT_ROOT_URL='$(DEMO_URL)' \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: ## everything: quality, SQLite, MariaDB, Celery worker, Chromium, LMS-shaped settings, Tutor, master's pins
	bash scripts/test_prerequisites.sh services
	$(MAKE) --no-print-directory requirements
	PERF_MGMT_TEST_WORKERS=$(WORKERS) bash scripts/run_all_tests.sh

quality: requirements ## ruff, import-linter, makemigrations --check
	$(BIN)/ruff check perf_mgmt_plugin xblocks lms_host tests benchmarks
	$(BIN)/ruff format --check perf_mgmt_plugin xblocks lms_host tests benchmarks
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=lms_host.test_settings $(BIN)/python manage.py makemigrations --check --dry-run

pii_check: requirements ## OEP-30 PII annotations at 100% coverage
	DJANGO_SETTINGS_MODULE=lms_host.test_settings $(BIN)/code_annotations django_find_annotations \
		--config_file .pii_annotations.yml --lint --report --coverage --report_path var/pii_report

test-sqlite: requirements ## unit and integration tests on SQLite, on every core (WORKERS=0: one process)
	$(BIN)/pytest $(XDIST) -m "not browser and not celery_worker and not tutor"

test-mysql: requirements ## the same suite on MariaDB/MySQL at 127.0.0.1:3306 (a test database per worker)
	PERF_MGMT_DB=mysql $(BIN)/pytest $(XDIST) -m "not browser and not celery_worker and not tutor"

test-celery: requirements ## a task on a real Celery worker over Redis
	$(BIN)/pytest -m celery_worker

test-browser: requirements ## pages and XBlocks in headless Chromium
	$(BIN)/pytest -m browser

test-lms-shaped: requirements ## pages, static files (after collectstatic) and the API under LMS-shaped settings
	PERF_MGMT_TEST_WORKERS=$(WORKERS) bash scripts/run_all_tests.sh lms-shaped

test-tutor: requirements ## the Tutor plugin rendered by Tutor from PyPI (its own virtualenv in var/tutor-venv)
	$(BIN)/pytest -m tutor tests/tutor

test-master-pins: ## the SQLite suite on Python 3.12 against openedx-platform master's pins (.venv-master)
	PERF_MGMT_TEST_WORKERS=$(WORKERS) bash scripts/run_all_tests.sh master-pins

upgrade: $(BIN)/python ## re-pin requirements/*.txt from requirements/*.in (with constraints.txt)
	$(PIP) pip-tools
	cd requirements && for f in base test demo dev; do \
		../$(BIN)/pip-compile -q --no-emit-index-url --no-emit-find-links --strip-extras --allow-unsafe -o $$f.txt $$f.in; done

clean: ## remove the virtualenvs, the demo database and build artefacts
	rm -rf $(VENV) .venv-master var build dist *.egg-info .tox

.PHONY: compile_translations
compile_translations: ## compile the XBlocks' and the pages' .po catalogues to the .mo files shipped (pure Python)
	$(PYTHON) scripts/compile_translations.py
