# Fault tests: DynamoDB Local frozen mid-request, throttling, transaction conflicts and
# SES/S3/SNS errors injected per attempt (tests/faults). Included by the top-level Makefile.
.PHONY: test-faults
TEST_EXTRA += test-faults

test-faults: install
	$(PY) -m pytest tests/faults -q -p no:cacheprovider
