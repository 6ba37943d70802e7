# Code checks, run by `make test`: ruff (lint), mypy (types) and import-linter (the layers
# written in pyproject.toml: http -> services -> domain and adapters -> aws and config; domain
# rules never import boto3, the HTTP layer or the local stack).
TEST_EXTRA += test-quality

.PHONY: test-quality lint typecheck layers

test-quality: lint typecheck layers

lint: install
	$(VENV)/bin/ruff check chalicelib devstack app.py tests infra/emotipal_infra mk

typecheck: install
	$(VENV)/bin/mypy

layers: install
	$(VENV)/bin/lint-imports
