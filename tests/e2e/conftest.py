"""Start the whole local stack (`python -m devstack run`) as `make run` does."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable

import pytest

from devstack.processes import REPO_ROOT, free_port

STARTUP_TIMEOUT = 90.0
SHUTDOWN_TIMEOUT = 20.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@dataclass(frozen=True)
class StackPorts:
    api: int
    web: int
    moto: int
    dynamodb: int

    @classmethod
    def free(cls) -> StackPorts:
        ports: list[int] = []
        while len(ports) < 4:
            port = free_port()
            if port not in ports:
                ports.append(port)
        return cls(*ports)

    def as_env(self) -> dict[str, str]:
        return {
            "EMOTIPAL_API_PORT": str(self.api),
            "EMOTIPAL_WEB_PORT": str(self.web),
            "EMOTIPAL_MOTO_PORT": str(self.moto),
            "EMOTIPAL_DYNAMODB_PORT": str(self.dynamodb),
        }

    def all(self) -> list[int]:
        return [self.api, self.web, self.moto, self.dynamodb]


@dataclass
class RunningStack:
    process: subprocess.Popen[str]
    local_dir: Path
    output_path: Path
    stack: dict[str, Any] = field(default_factory=dict)

    @property
    def output(self) -> str:
        return self.output_path.read_text(errors="replace")

    def wait_until_ready(self, timeout: float = STARTUP_TIMEOUT) -> dict[str, Any]:
        stack_file = self.local_dir / "stack.json"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the local stack exited with {self.process.returncode}:\n{self.output}")
            if stack_file.is_file():
                self.stack = json.loads(stack_file.read_text())
                return self.stack
            time.sleep(0.25)
        pytest.fail(f"the local stack wrote no stack.json within {timeout:.0f} s:\n{self.output}")

    def interrupt(self) -> None:
        """Ctrl-C, as a developer stops `make run`."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=SHUTDOWN_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


StackLauncher = Callable[..., RunningStack]


@pytest.fixture()
def stack_ports() -> StackPorts:
    return StackPorts.free()


@pytest.fixture()
def launch_stack(tmp_path: Path) -> Iterator[StackLauncher]:
    """Start `python -m devstack run` with the given ports and state dir."""
    started: list[RunningStack] = []

    def launch(ports: StackPorts, local_dir: Path) -> RunningStack:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("EMOTIPAL_", "MOTO_"))}
        env.update(ports.as_env())
        env["EMOTIPAL_LOCAL_DIR"] = str(local_dir)
        env["PYTHONUNBUFFERED"] = "1"
        output_path = tmp_path / f"stack-{len(started)}.out"
        with output_path.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "devstack", "run"],
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
            )
        running = RunningStack(process=process, local_dir=local_dir, output_path=output_path)
        started.append(running)
        return running

    yield launch
    for running in started:
        running.kill()

