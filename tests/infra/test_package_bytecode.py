"""The deployed zip carries bytecode Lambda's Python will load without recompiling.

Lambda's filesystem is read-only: a module without a usable `.pyc` in the zip is compiled
from source on every cold start. PEP 552 header: magic (4 bytes), flags (4), then a
source hash (8) when flags bit 0 is set; bit 1 asks the loader to check that hash.
"""
from __future__ import annotations

import importlib.util
import zipfile

import pytest

from tests.infra.test_package_contents import _deployment_zip

HASH_BASED, CHECK_SOURCE = 0b01, 0b10


@pytest.fixture(scope="module")
def package(stacks) -> dict[str, bytes]:
    with zipfile.ZipFile(_deployment_zip(stacks["prod"])) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def _sources(package: dict[str, bytes]) -> list[str]:
    return sorted(name for name in package if name == "app.py" or (name.startswith("chalicelib/") and name.endswith(".py")))


def _cache_name(source: str) -> str:
    folder, _, module = source.rpartition("/")
    return f"{folder + '/' if folder else ''}__pycache__/{module[:-3]}.cpython-311.pyc"


def test_the_app_sources_ship_with_their_bytecode(package):
    sources = _sources(package)
    assert "app.py" in sources and len(sources) > 50
    missing = [source for source in sources if _cache_name(source) not in package]
    assert missing == []


def test_the_bytecode_is_unchecked_hash_for_this_python(package):
    wrong = {}
    for source in _sources(package):
        header = package.get(_cache_name(source), b"")
        flags = int.from_bytes(header[4:8], "little")
        if header[:4] != importlib.util.MAGIC_NUMBER:
            wrong[source] = f"magic {header[:4]!r}"
        elif flags & HASH_BASED != HASH_BASED or flags & CHECK_SOURCE:
            wrong[source] = f"flags {flags:#04b}"
    assert wrong == {}


def test_the_bytecode_is_of_the_shipped_source(package):
    # Unchecked means never verified at import: a stale .pyc would run old code silently.
    stale = [
        source for source in _sources(package)
        if package[_cache_name(source)][8:16] != importlib.util.source_hash(package[source])
    ]
    assert stale == []
