"""The client page's service worker keeps the right files, and a changed file reaches installs.

web/client/sw.js precaches the app shell named in its SHELL list. A file renamed or removed
would make every install fail (cache.addAll is all or nothing); a module the page imports but
the list forgets would break the page offline; and a changed file under an unchanged
SHELL_VERSION would never reach a device that already has the shell.
"""
from __future__ import annotations

import hashlib
import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"
CLIENT = WEB / "client"
SW = CLIENT / "sw.js"


def _sw_source() -> str:
    return SW.read_text()


def shell_paths() -> list[str]:
    """The SHELL list of sw.js, as paths relative to web/ (e.g. client/app.js, shared/dom.js)."""
    found = re.search(r"const SHELL = \[(.*?)\];", _sw_source(), re.S)
    assert found, "sw.js has no `const SHELL = [...]` list"
    entries = re.findall(r'"([^"]+)"', found.group(1))
    assert entries
    return [posixpath.normpath(posixpath.join("client", entry)) for entry in entries]


def shell_version(paths: list[str]) -> str:
    """The SHELL_VERSION these files need: a digest of their names and contents."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.encode() + b"\0" + (WEB / path).read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _imports(path: str) -> list[str]:
    source = (WEB / path).read_text()
    specifiers = re.findall(r'^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"', source, re.M)
    specifiers += re.findall(r'^\s*import\s+"([^"]+)"', source, re.M)
    return [posixpath.normpath(posixpath.join(posixpath.dirname(path), spec)) for spec in specifiers]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        reference = values.get("href") if tag == "link" else values.get("src") if tag == "script" else None
        if reference:
            self.found.append(reference)


def _page_references() -> list[str]:
    parser = _Links()
    parser.feed((CLIENT / "index.html").read_text())
    manifest = json.loads((CLIENT / "manifest.webmanifest").read_text())
    references = parser.found + [icon["src"] for icon in manifest["icons"]]
    return [posixpath.normpath(ref.lstrip("/") if ref.startswith("/") else posixpath.join("client", ref))
            for ref in references]


def test_every_file_the_service_worker_keeps_exists_under_web():
    paths = shell_paths()
    missing = [path for path in paths if not (WEB / path).is_file()]
    assert not missing, f"sw.js SHELL names files that do not exist: {missing}"
    assert not [path for path in paths if path.startswith("..")], "SHELL reaches outside web/"
    assert len(paths) == len(set(paths)), "SHELL names a file twice"


def test_every_module_and_asset_the_page_loads_is_kept():
    shell = set(shell_paths())
    reachable: list[str] = []
    todo = [ref for ref in _page_references() if ref.endswith(".js")]
    while todo:
        path = todo.pop()
        if path not in reachable:
            reachable.append(path)
            todo.extend(_imports(path))
    needed = set(reachable) | set(_page_references())
    assert "client/homework.js" in needed and "shared/items/index.js" in needed  # the walk itself works
    assert not sorted(needed - shell), f"the page loads files sw.js does not keep: {sorted(needed - shell)}"


def test_the_shell_version_changes_with_the_files():
    expected = shell_version(shell_paths())
    found = re.search(r'const SHELL_VERSION = "([0-9a-f]+)";', _sw_source())
    assert found, "sw.js has no SHELL_VERSION"
    assert found.group(1) == expected, (
        f'a shell file changed: set `const SHELL_VERSION = "{expected}";` in web/client/sw.js '
        "so installed pages fetch the new files")


def test_the_worker_loads_the_push_handlers_first_and_leaves_the_api_alone():
    source = _sw_source()
    assert source.startswith('importScripts("./sw-push.js");')
    # Requests to another origin (the API) or under /v1/ are returned from before any respondWith.
    fetch_handler = source[source.index('addEventListener("fetch"'):]
    guard = fetch_handler.index('url.origin !== self.location.origin || url.pathname.startsWith("/v1/")')
    assert guard < fetch_handler.index("respondWith")
    assert "cache.put" not in fetch_handler.split("async function networkFirst")[0]


if __name__ == "__main__":  # `.venv/bin/python -m tests.unit.test_client_service_worker` prints the value
    print(shell_version(shell_paths()))
