"""checkov passes except for the documented skips in infra/checkov-skips.yaml."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

SKIPS_FILE = Path(__file__).resolve().parents[2] / "infra" / "checkov-skips.yaml"


def _skips():
    return yaml.safe_load(SKIPS_FILE.read_text())


def _skipped(check_id, logical_id, skips):
    return any(s["check"] == check_id and logical_id.startswith(tuple(s["resources"])) for s in skips)


@pytest.fixture(scope="session")
def failed_checks(stacks):
    args = [sys.executable, "-m", "checkov.main", "--framework", "cloudformation", "--skip-download",
            "--quiet", "--compact", "-o", "json"]
    for synthesized in stacks.values():
        args += ["-f", str(synthesized.path)]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    result = subprocess.run(args, capture_output=True, text=True, env=env)
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert reports and all(r["summary"]["passed"] > 50 for r in reports), result.stderr[-2000:]
    return [
        (f["check_id"], f["resource"].split(".", 1)[1], f["check_name"])
        for r in reports
        for f in r["results"]["failed_checks"]
    ]


def test_every_skip_has_a_reason_and_named_resources():
    for skip in _skips():
        assert skip["check"].startswith("CKV") and skip["resources"], skip
        assert len(skip["reason"].split()) >= 8, skip


def test_no_failed_check_outside_the_skip_list(failed_checks):
    skips = _skips()
    unexpected = [f for f in failed_checks if not _skipped(f[0], f[1], skips)]
    assert unexpected == []


def test_no_stale_skip(failed_checks):
    failing = {check_id for check_id, _, _ in failed_checks}
    stale = [s["check"] for s in _skips() if s["check"] not in failing]
    assert stale == []
