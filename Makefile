# Emotipal — the two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_WORKERS ?= 2

.PHONY: run test test-fast test-unit test-api test-integration test-e2e bench install clean help

help:
	@echo "make run    start the whole product locally (Ctrl-C stops it)"
	@echo "make test   install what the tests need and run every suite"
	@echo "make bench  benchmarks (import cost, sweep read ratio and send rate, package size)"
	@echo "make synth  CloudFormation templates from the CDK app"

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

run: install
	$(PY) -m chalicelib.devstack run

# Unit and API suites (in-process moto) in parallel; then the integration suite on DynamoDB
# Local and moto's server (its own run: its services and settings are per process); then
# the whole local stack end to end; then the infrastructure.
test: install
	$(PY) -m pytest tests/unit tests/api -q -n $(PYTEST_WORKERS) -p no:cacheprovider
	$(PY) -m pytest tests/integration -q -n $(PYTEST_WORKERS) -p no:cacheprovider
	$(PY) -m pytest tests/e2e -q -p no:cacheprovider
	$(PY) -m pytest tests/browser -q -p no:cacheprovider
	$(MAKE) --no-print-directory infra-test

test-fast: install
	$(PY) -m pytest tests/unit tests/api -q -n $(PYTEST_WORKERS) -p no:cacheprovider

bench: install
	$(PY) -m tests.perf.bench_import
	$(PY) -m tests.perf.bench_sweep
	$(MAKE) --no-print-directory package-size

clean:
	rm -rf $(VENV) .venv-infra node_modules infra/cdk.out

include mk/infra.mk
