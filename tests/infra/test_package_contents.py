"""What ships to Lambda: the app and `chalicelib/`, never the local stack or a demo credential.

The zip listed here is the very asset the CDK app deploys (Chalice's construct packages it
during synth), not a stand-in built another way.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.infra.conftest import REPO_ROOT


def _deployment_zip(synthesized) -> Path:
    # The Chalice construct packages into ./chalice.out of the synth's working directory,
    # which holds the cloud assembly as well.
    workdir = synthesized.path.parent.parent
    zips = sorted(workdir.glob("chalice.out/**/deployment.zip"))
    assert zips, f"no deployment.zip under {workdir}/chalice.out"
    return zips[-1]


@pytest.fixture(scope="module")
def package_files(stacks) -> dict[str, bytes]:
    with zipfile.ZipFile(_deployment_zip(stacks["prod"])) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def _demo_secrets() -> list[bytes]:
    """The demo logins the local stack seeds (read from its source, so a new one is caught)."""
    import ast

    tree = ast.parse((REPO_ROOT / "devstack" / "seed.py").read_text())
    secrets = [
        node.value.value.encode()
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        and any(isinstance(t, ast.Name) and "PASSWORD" in t.id for t in node.targets)
    ]
    assert secrets, "devstack/seed.py no longer names its demo password constant; update this test"
    return secrets


def test_the_package_holds_the_app_and_its_library(package_files):
    assert "app.py" in package_files
    assert "chalicelib/http/framework.py" in package_files
    assert any(name.startswith("chalicelib/homework/library/") and name.endswith(".json") for name in package_files)


def test_the_local_stack_never_ships(package_files):
    shipped_devstack = [name for name in package_files if name.startswith(("devstack/", "chalicelib/devstack/"))]
    assert shipped_devstack == []
    assert not [name for name in package_files if name.startswith(("tests/", "web/", "infra/", "node_modules/"))]


def test_no_demo_credential_ships(package_files):
    secrets = _demo_secrets()
    leaking = [name for name, data in package_files.items() if any(secret in data for secret in secrets)]
    assert leaking == []


def test_nothing_in_chalicelib_imports_the_local_stack():
    import ast

    def imports(path: Path) -> list[str]:
        names: list[str] = []
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.append(node.module)
        return names

    offenders = [
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "chalicelib").rglob("*.py")
        if any(name.split(".")[0] == "devstack" for name in imports(path))
    ]
    assert offenders == []


def test_fonttools_ships_without_its_optional_builds_and_the_package_still_renders_a_pdf(stacks, tmp_path):
    """fontTools' Cython builds are left out (infra/emotipal_infra/bytecode.py): the PDF
    export, run from the unpacked zip alone, falls back to their pure-Python sources."""
    import subprocess
    import sys

    with zipfile.ZipFile(_deployment_zip(stacks["prod"])) as archive:
        names = archive.namelist()
        assert [n for n in names if n.startswith("fontTools/") and n.endswith(".so")] == []
        assert "fontTools/misc/bezierTools.py" in names
        archive.extractall(tmp_path / "package")
    script = f"""
import sys
sys.path[:0] = [{str(tmp_path / "package")!r}, {str(REPO_ROOT)!r}]
import fontTools.misc.bezierTools, chalicelib
assert fontTools.misc.bezierTools.__file__.endswith(".py"), fontTools.misc.bezierTools.__file__
assert chalicelib.__file__.startswith({str(tmp_path)!r}), chalicelib.__file__
from chalicelib.exports import pdf
from tests.support import export_samples
for content in (export_samples.worksheet("phq-9"), export_samples.history(6)):
    document = pdf.render(content)
    assert document.startswith(b"%PDF") and len(document) > 10_000, len(document)
print("rendered")
"""
    done = subprocess.run([sys.executable, "-s", "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "rendered", done.stderr[-3000:]
