# Proof by fuzzing and under load, each against a fresh local stack of its own (free ports,
# its own state directory, its own practice; never the demo data).
#   make fuzz   schemathesis, every phase including stateful, 5,000+ requests (about 15 min)
#   make load   concurrent clients autosaving and submitting (LOAD_SECONDS, LOAD_CLIENTS)
# `make test` runs a short deterministic fuzz run (about a minute).
.PHONY: test-fuzz-short fuzz load

TEST_EXTRA += test-fuzz-short

test-fuzz-short: install
	$(PY) -m pytest tests/fuzz -q -p no:cacheprovider

fuzz: install
	$(PY) -m tests.fuzz.run_fuzz --profile full

load: install
	$(PY) -m tests.load.run_load
