"""A short, deterministic schemathesis run against a fresh local stack (the long one is `make fuzz`)."""
from __future__ import annotations

import pytest

from tests.fuzz.run_fuzz import CHECKS, fuzz

pytestmark = pytest.mark.e2e


def test_short_fuzz_run_of_the_api_finds_no_failure(tmp_path):
    result = fuzz("short", tmp_path)
    summary = (f"{result['requests']} requests; statuses {result['by_status']}; failures {result['failures']} "
               f"on {result['failing_operations']}; errors {len(result['errors'])}; output {result['output']}")

    # The run reached the API as both principals and went through every phase asked for.
    assert result["requests"] >= result["min_requests"], summary
    succeeded = sum(n for status, n in result["by_status"].items() if status.startswith("2"))
    assert succeeded >= result["requests"] // 5, f"too few requests got past validation and auth: {summary}"
    assert result["phases"]["stateful"]["status"] != "skip", summary
    assert set(result["failures"]) >= set(CHECKS)
    assert result["client_link_status_after"] == 200, summary

    assert not result["errors"], summary
    assert not any(result["failures"].values()), summary
