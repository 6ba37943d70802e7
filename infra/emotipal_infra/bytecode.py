"""Bytecode for the app's own modules, added to the Lambda deployment zip.

Lambda's filesystem is read-only, so Python there cannot cache what it compiles: without
`.pyc` files in the zip every cold start compiles app.py and chalicelib/ from source.
Shared by the CDK construct (api.ChaliceApp) and infra/package_size.py, so both ship and
measure the same zip. No CDK import here: package_size.py loads it on its own.
"""
from __future__ import annotations

import copy
import importlib.util
import json
import os
import py_compile
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

# Sources Chalice copies from the project (plus its own router): the dependencies come
# from wheels and would outgrow the package budget with their bytecode.
COMPILED_PREFIXES = ("app.py", "chalicelib/", "chalice/")


class RuntimeMismatch(RuntimeError):
    """The functions' runtime is not the Python that would compile their bytecode."""


def local_runtime() -> str:
    return f"python{sys.version_info.major}.{sys.version_info.minor}"


def function_runtimes(sam_template: dict) -> set[str]:
    return {
        resource["Properties"]["Runtime"]
        for resource in sam_template.get("Resources", {}).values()
        if resource.get("Type") == "AWS::Serverless::Function" and "Runtime" in resource.get("Properties", {})
    }


def check_runtime(sam_template: dict) -> None:
    """A .pyc only loads under the interpreter version that wrote it (magic number)."""
    runtimes = function_runtimes(sam_template)
    if runtimes != {local_runtime()}:
        raise RuntimeMismatch(
            f"Lambda runtime(s) {sorted(runtimes)} differ from the packaging interpreter "
            f"{local_runtime()}: package with the runtime's Python so its bytecode loads"
        )


# fontTools ships Cython builds of some modules beside their pure-Python sources, which it
# falls back to when the build is missing. The PDF export only subsets fonts, where they buy
# nothing measurable, and together they weigh ~3.4 MB of a 20 MB package: leave them out.
OPTIONAL_BUILDS_PREFIX = "fontTools/"


def _optional_build(name: str, names: set[str]) -> bool:
    """A compiled extension with its pure-Python source beside it in the zip."""
    if not (name.startswith(OPTIONAL_BUILDS_PREFIX) and name.endswith(".so")):
        return False
    stem = name.rsplit("/", 1)[-1].split(".", 1)[0]
    folder = name.rsplit("/", 1)[0]
    return f"{folder}/{stem}.py" in names


def _compiled(name: str) -> bool:
    return name.endswith(".py") and name.startswith(COMPILED_PREFIXES)


def _is_cache(name: str) -> bool:
    return name.startswith(COMPILED_PREFIXES) and "__pycache__/" in name


def _bytecode(archive: zipfile.ZipFile, workdir: Path) -> Iterator[tuple[zipfile.ZipInfo, bytes]]:
    for info in archive.infolist():
        if not _compiled(info.filename):
            continue
        source = workdir / info.filename
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(archive.read(info))
        target = workdir / "out.pyc"
        # Unchecked hash: the zip's mtimes mean nothing and the files never change in place.
        # dfile: the path Lambda will show (the import system fixes it to the real path anyway).
        py_compile.compile(
            str(source), cfile=str(target), dfile=info.filename, doraise=True, optimize=0,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        cache = zipfile.ZipInfo(importlib.util.cache_from_source(info.filename, optimization=""), info.date_time)
        cache.compress_type = zipfile.ZIP_DEFLATED
        cache.external_attr = 0o644 << 16
        yield cache, target.read_bytes()


def add_bytecode(package_dir: str | os.PathLike[str]) -> Path:
    """Adds `__pycache__/*.pyc` beside app.py, chalicelib/** and chalice/*.py in
    <package_dir>/deployment.zip (sources stay, for tracebacks) and leaves out fontTools'
    optional compiled builds; returns the zip.

    Any bytecode Chalice copied from a developer's tree (timestamp-based, maybe stale) is dropped.
    """
    package_dir = Path(package_dir)
    check_runtime(json.loads((package_dir / "sam.json").read_text()))
    deployment = package_dir / "deployment.zip"
    rebuilt = deployment.with_suffix(".zip.new")
    with tempfile.TemporaryDirectory(prefix="emotipal-pyc-") as workdir, \
            zipfile.ZipFile(deployment) as source, \
            zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        names = set(source.namelist())
        for info in source.infolist():
            if not _is_cache(info.filename) and not _optional_build(info.filename, names):
                # A copy: writestr sets the ZipInfo's header_offset to the new zip's, and the
                # source is read again below (past a dropped __pycache__ entry they differ).
                target.writestr(copy.copy(info), source.read(info))
        for info, data in _bytecode(source, Path(workdir)):
            target.writestr(info, data)
    os.replace(rebuilt, deployment)
    return deployment
