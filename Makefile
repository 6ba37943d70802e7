# Emotipal — the two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_WORKERS ?= 2

.PHONY: run test test-fast test-unit-api test-integration test-e2e test-browser bench install system-deps system-deps-run clean help

help:
	@echo "make run    start the whole product locally (Ctrl-C stops it)"
	@echo "make test   install what the tests need and run every suite"
	@echo "make bench  benchmarks (import cost, sweep read ratio and send rate, cold start, per-route latency, history PDF time and memory, package size)"
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

# System packages (Java, Node, Chromium…) via apt-get when missing: see mk/system-deps.sh.
system-deps:
	@bash mk/system-deps.sh test

system-deps-run:
	@bash mk/system-deps.sh run

run: system-deps-run
	@$(MAKE) --no-print-directory install
	$(PY) -m devstack run

# Unit and API suites (in-process moto) in parallel; then the integration suite on DynamoDB
# Local and moto's server (its own run: its services and settings are per process); then
# the whole local stack end to end, in the browser, under fuzzing and under faults; then the
# code checks and the infrastructure.
test: system-deps
	@$(MAKE) --no-print-directory install
	$(MAKE) --no-print-directory test-unit-api
	$(MAKE) --no-print-directory test-integration
	$(MAKE) --no-print-directory test-e2e
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory test-extra
	$(MAKE) --no-print-directory infra-test

test-unit-api: install
	$(PY) -m pytest tests/unit tests/api -q -n $(PYTEST_WORKERS) -p no:cacheprovider

test-integration: install
	$(PY) -m pytest tests/integration -q -n $(PYTEST_WORKERS) -p no:cacheprovider

test-e2e: install
	$(PY) -m pytest tests/e2e -q -p no:cacheprovider

test-browser: system-deps install
	$(PY) -m pytest tests/browser -q -p no:cacheprovider

test-fast: install
	$(PY) -m pytest tests/unit tests/api -q -n $(PYTEST_WORKERS) -p no:cacheprovider

bench: install
	$(PY) -m tests.perf.bench_import
	$(PY) -m tests.perf.bench_sweep
	$(PY) -m tests.perf.bench_cold_start
	$(PY) -m tests.perf.bench_routes
	$(PY) -m tests.perf.bench_pdf
	$(MAKE) --no-print-directory package-size

clean:
	rm -rf $(VENV) .venv-infra node_modules infra/cdk.out

include mk/infra.mk
# Each of these adds its targets to TEST_EXTRA (run by `make test` after the suites above).
TEST_EXTRA :=
-include mk/quality.mk
-include mk/proof.mk
-include mk/faults.mk
-include mk/security.mk
-include mk/mutate.mk

.PHONY: test-extra
test-extra: $(TEST_EXTRA)

