"""pip-audit over the runtime dependencies (`make test-security`, mk/security.mk).

Two sets of `name==version` pins are audited against PyPI's vulnerability data:
`installed`: every package the Lambda package would ship, at the version installed now
(pyproject's runtime dependencies and theirs, boto3/botocore aside: the runtime has them;
chalice's own dependencies aside: they belong to the packaging tool, only chalice.app ships).
`floors`: each runtime dependency at the lowest version pyproject allows, so a vulnerable
floor shows up even while a newer release happens to be installed.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROVIDED_BY_THE_RUNTIME = {"boto3", "botocore", "s3transfer", "jmespath"}
SHIPPED_WITHOUT_ITS_DEPENDENCIES = {"chalice"}


def _runtime() -> list[Requirement]:
    pyproject = tomllib.loads(Path("pyproject.toml").read_text())
    return [Requirement(line) for line in pyproject["project"]["dependencies"]]


def installed() -> list[str]:
    pins: dict[str, str] = {}
    todo = [(r, frozenset(r.extras)) for r in _runtime()]
    while todo:
        requirement, extras = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in pins or name in PROVIDED_BY_THE_RUNTIME:
            continue
        pins[name] = metadata.version(name)  # raises if a runtime dependency is not installed
        if name in SHIPPED_WITHOUT_ITS_DEPENDENCIES:
            continue
        for line in metadata.requires(name) or []:
            child = Requirement(line)
            wanted = not child.marker or any(
                child.marker.evaluate({**default_environment(), "extra": extra}) for extra in (extras or {""}))
            if wanted:
                todo.append((child, frozenset(child.extras)))
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


def floors() -> list[str]:
    lines = []
    for requirement in _runtime():
        low = [s.version for s in requirement.specifier if s.operator in (">=", "==", "~=")]
        if low:
            lines.append(f"{canonicalize_name(requirement.name)}=={low[0]}")
    return lines


def audit(pins: list[str]) -> tuple[list[str], list[str], int]:
    """(vulnerabilities found, packages that could not be audited, number audited)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as requirements:
        requirements.write("\n".join(pins) + "\n")
        requirements.flush()
        run = subprocess.run(  # noqa: S603 - our own tool, fixed arguments
            [sys.executable, "-m", "pip_audit", "-r", requirements.name, "--no-deps", "--disable-pip",
             "-f", "json", "--progress-spinner", "off", "--timeout", "20"],
            capture_output=True, text=True, check=False)
    if not run.stdout.strip():
        raise SystemExit(f"pip-audit failed: {run.stderr[-2000:]}")
    found, unaudited, audited = [], [], 0
    for dependency in json.loads(run.stdout)["dependencies"]:
        if dependency.get("skip_reason"):
            unaudited.append(f"{dependency['name']}: {dependency['skip_reason']}")
            continue
        audited += 1
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            found.append(f"{dependency['name']}=={dependency['version']}: {vuln['id']} (fixed in {fixed})")
    return found, unaudited, audited


def main() -> int:
    failed = False
    for label, pins in (("installed", installed()), ("floors", floors())):
        found, unaudited, audited = audit(pins)
        print(f"pip-audit {label}: {audited} of {len(pins)} audited, {len(found)} known vulnerabilities")
        for line in found:
            print(f"  VULNERABLE {line}")
        failed = failed or bool(found)
        if label == "installed" and unaudited and audited:
            # Some answered and some not: a package we ship is unknown to PyPI's service.
            print("  not audited: " + "; ".join(unaudited))
            failed = True
        elif not audited:
            # Nothing answered: PyPI's per-release JSON API (which pip-audit reads) is not
            # reachable from this network. Said loudly; the check cannot judge here.
            print(f"  WARNING: PyPI's vulnerability data could not be reached; {label} NOT AUDITED", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
