# Security checks run by `make test`: bandit over the product and local-stack code (any
# medium or high finding fails unless its line carries a justified `# nosec BXXX  # why`),
# and pip-audit over the runtime dependencies as installed and at pyproject's floors.
.PHONY: test-security test-bandit test-pip-audit
TEST_EXTRA += test-security

test-security: test-bandit test-pip-audit

test-bandit: install
	$(VENV)/bin/bandit -q -r chalicelib devstack app.py --severity-level medium

test-pip-audit: install
	$(PY) mk/audit_dependencies.py
