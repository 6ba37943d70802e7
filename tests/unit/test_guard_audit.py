"""The dependency audit fails on a known vulnerability and on a shipped package it could
not check, and judges the pins it is given (mk/audit_dependencies.py, run by make test)."""
from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def audit(monkeypatch):
    spec = importlib.util.spec_from_file_location("audit_dependencies", ROOT / "mk" / "audit_dependencies.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.chdir(ROOT)
    return module


def _pip_audit_answers(monkeypatch, audit, answer):
    asked = []

    def run(command, **kwargs):
        asked.append(Path(command[command.index("-r") + 1]).read_text().split())
        dependencies = [answer(pin.split("==")[0], pin.split("==")[1]) for pin in asked[-1]]
        return subprocess.CompletedProcess(command, 1, json.dumps({"dependencies": dependencies}), "")

    monkeypatch.setattr(audit.subprocess, "run", run)
    return asked


def test_a_known_vulnerability_fails_the_check(monkeypatch, audit, capsys):
    def answer(name, version):
        vulns = [{"id": "GHSA-test", "fix_versions": ["9.9.9"]}] if name == "jinja2" else []
        return {"name": name, "version": version, "vulns": vulns}

    asked = _pip_audit_answers(monkeypatch, audit, answer)
    assert audit.main() == 1
    assert "VULNERABLE jinja2==" in capsys.readouterr().out
    installed, floors = asked
    assert any(pin.startswith("pydantic-core==") for pin in installed), "dependencies of dependencies too"
    assert not any(pin.startswith(("boto3==", "botocore==")) for pin in installed), "the runtime provides them"
    assert "jinja2==3.1.6" in floors


def test_a_clean_audit_passes_and_a_shipped_package_left_unchecked_fails(monkeypatch, audit):
    _pip_audit_answers(monkeypatch, audit, lambda name, version: {"name": name, "version": version, "vulns": []})
    assert audit.main() == 0
    _pip_audit_answers(monkeypatch, audit, lambda name, version: (
        {"name": name, "skip_reason": "not found"} if name == "fpdf2" else
        {"name": name, "version": version, "vulns": []}))
    assert audit.main() == 1
