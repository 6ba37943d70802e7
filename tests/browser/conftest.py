"""A real Chromium against the whole local stack (`python -m devstack run`).

Every page state the story visits is checked the same way (see `Checks`): axe-core finds no
serious or critical accessibility violation, the console shows no error, and the page asks
nothing of any host but the local stack.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, sync_playwright

from devstack.processes import REPO_ROOT
from tests.e2e.conftest import RunningStack, StackPorts

CHROMIUM = os.environ.get("EMOTIPAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The local stack on free ports with its own state directory, stopped afterwards."""
    local_dir = tmp_path_factory.mktemp("browser-stack")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EMOTIPAL_", "MOTO_"))}
    env.update(StackPorts.free().as_env())
    env["EMOTIPAL_LOCAL_DIR"] = str(local_dir)
    env["PYTHONUNBUFFERED"] = "1"
    output_path = local_dir / "stack.out"
    with output_path.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "devstack", "run"], cwd=REPO_ROOT, env=env,
            stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, text=True,
        )
    running = RunningStack(process=process, local_dir=local_dir, output_path=output_path)
    try:
        yield running.wait_until_ready()
    finally:
        running.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"axe-core is missing at {AXE_SCRIPT} (npm ci)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


class Checks:
    """Records console errors and every request of the pages it watches, and checks each step."""

    def __init__(self, stack: dict[str, Any], artifacts: Path) -> None:
        # The local stack: the API, the pages, and moto standing in for S3 (export downloads).
        self.allowed_origins = {_origin(stack["api"]), _origin(stack["web_admin"]), _origin(stack["aws_endpoint"])}
        self.artifacts = artifacts
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        self.requested: list[str] = []
        self.axe_source = AXE_SCRIPT.read_text()
        self.steps = 0

    def watch(self, page: Page, name: str) -> Page:
        page.on("console", lambda message: self._console(name, message))
        page.on("pageerror", lambda error: self.console_errors.append(f"{name}: uncaught {error}"))
        page.on("request", self._request)
        return page

    def _console(self, name: str, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{name}: {message.text}")

    def _request(self, request: Request) -> None:
        self.requested.append(request.url)
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if _origin(request.url) not in self.allowed_origins:
            self.foreign_requests.append(request.url)

    def step(self, page: Page, name: str) -> None:
        """Screenshot, then axe-core on the page as it is now, then no errors so far."""
        self.steps += 1
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(self.artifacts / f"{self.steps:02d}-{name}.png"), full_page=True)
        violations = self.axe(page)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe, step {name}:\n" + json.dumps(
            [{"id": v["id"], "impact": v["impact"], "help": v["help"],
              "nodes": [n["target"] for n in v["nodes"]][:5]} for v in blocking], indent=1)
        assert not self.console_errors, f"console errors by step {name}: {self.console_errors}"
        assert not self.foreign_requests, f"requests outside the local stack by step {name}: {self.foreign_requests}"

    def axe(self, page: Page) -> list[dict[str, Any]]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # page.add_script_tag(path=...) inlines the file, which the pages' CSP (rightly)
            # refuses; evaluating the same source through the debugging protocol is allowed.
            page.evaluate(self.axe_source)
        return page.evaluate(
            """async () => {
                const result = await axe.run(document, { resultTypes: ["violations"] });
                return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => ({ target: n.target })) }));
            }"""
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture()
def checks(stack: dict[str, Any], artifacts: Path) -> Checks:
    return Checks(stack, artifacts)


@pytest.fixture()
def new_context(browser: Browser, stack: dict[str, Any]) -> Iterator[Any]:
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(**options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
