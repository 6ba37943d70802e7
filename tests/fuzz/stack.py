"""A fresh local stack with a practice of its own, for the fuzzer and the load test.

The stack is started the way `make run` starts it (and the e2e suite with it): `python -m
devstack run` on free ports with its own state directory. The practice is made by the
operator CLI, its owner signs in through the API and answers the new-password challenge,
and everything else (clinician, clients, links, assignments) goes through the API, so the
fuzzer and the load test never touch the demo data.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from devstack.processes import REPO_ROOT
from tests.e2e.conftest import RunningStack, StackPorts

# Meets the pool's policy: 12+ characters, upper and lower case, a digit and a symbol.
NEW_PASSWORD = "Fuzz-Load-Pass-2026!"
TIMEOUT = 30


@contextlib.contextmanager
def local_stack(work_dir: Path) -> Iterator[RunningStack]:
    """`python -m devstack run` on free ports, state in `work_dir/state`; stopped on exit."""
    work_dir.mkdir(parents=True, exist_ok=True)
    ports = StackPorts.free()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EMOTIPAL_", "MOTO_"))}
    env.update(ports.as_env())
    env["EMOTIPAL_LOCAL_DIR"] = str(work_dir / "state")
    env["PYTHONUNBUFFERED"] = "1"
    output_path = work_dir / "stack.out"
    with output_path.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "devstack", "run"], cwd=REPO_ROOT, env=env,
                                   stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, text=True)
    running = RunningStack(process=process, local_dir=work_dir / "state", output_path=output_path)
    try:
        running.wait_until_ready()
        yield running
    finally:
        running.kill()


class Api:
    """A thin `requests` wrapper: one session, one bearer token, errors raised with the body."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, expect: int | tuple[int, ...] = (200, 201, 204), **kwargs: Any) -> Any:
        response = self.session.request(method, self.base + path, timeout=TIMEOUT, **kwargs)
        wanted = (expect,) if isinstance(expect, int) else expect
        if response.status_code not in wanted:
            raise RuntimeError(f"{method} {path} answered {response.status_code}: {response.text[:500]}")
        return response.json() if response.content else None


def sign_in(api_base: str, email: str, password: str) -> str:
    """Log in through the API, answering NEW_PASSWORD_REQUIRED; returns the access token."""
    api = Api(api_base)
    result = api.call("POST", "/v1/auth/login", 200, json={"email": email, "password": password})
    if result.get("challenge") == "NEW_PASSWORD_REQUIRED":
        result = api.call("POST", "/v1/auth/challenge", 200, json={
            "challenge": "NEW_PASSWORD_REQUIRED", "session": result["session"], "email": email,
            "new_password": NEW_PASSWORD})
    if not result.get("access_token"):
        raise RuntimeError(f"sign-in gave no token (challenge {result.get('challenge')!r})")
    return result["access_token"]


def create_practice(running: RunningStack, name: str) -> tuple[str, str, str]:
    """The operator CLI against the stack's env.json: (practice_id, owner email, temporary password)."""
    email = f"owner-{secrets.token_hex(4)}@fuzz.example.com"
    result = subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", "--env-file", str(running.local_dir / "env.json"),
         "create-practice", "--name", name, "--owner-email", email],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"emotipal-admin create-practice failed ({result.returncode}): {result.stderr}")
    practice = re.search(r"practice_id:\s+(\S+)", result.stdout)
    password = re.search(r"temporary password:\s+(\S+)", result.stdout)
    if not practice or not password:
        raise RuntimeError("emotipal-admin create-practice printed no practice id or password")
    return practice.group(1), email, password.group(1)


def link_token(url: str) -> str:
    return parse_qs(urlsplit(url).fragment)["token"][0]


@dataclass
class Practice:
    api_base: str
    practice_id: str
    owner_token: str
    clinician_token: str
    clinician_id: str
    owner: Api = field(init=False)
    clinician: Api = field(init=False)

    def __post_init__(self) -> None:
        self.owner = Api(self.api_base, self.owner_token)
        self.clinician = Api(self.api_base, self.clinician_token)

    def new_client(self, name: str, timezone: str = "Europe/London") -> str:
        created = self.clinician.call("POST", "/v1/clients", 201, json={
            "display_name": name, "timezone": timezone, "email": f"{secrets.token_hex(4)}@client.example.com"})
        return created["client_id"]

    def new_link(self, client_id: str) -> str:
        issued = self.clinician.call("POST", f"/v1/clients/{client_id}/access-link", 201, json={"ttl_days": 30})
        return link_token(issued["url"])

    def new_assignment(self, client_id: str, template_id: str = "phq-9", **extra: Any) -> str:
        body = {"template_id": template_id, "recurrence": {"frequency": "once"}, "due_time": "23:59",
                "reminders": {"enabled": False}, **extra}
        created = self.clinician.call("POST", f"/v1/clients/{client_id}/assignments", 201, json=body)
        return created["assignment_id"]


def provision(running: RunningStack, name: str = "Fuzz Practice") -> Practice:
    """A practice of our own: its owner (signed in), and a clinician the owner invites."""
    api_base = running.stack["api"]
    practice_id, owner_email, temporary = create_practice(running, name)
    owner_token = sign_in(api_base, owner_email, temporary)
    owner = Api(api_base, owner_token)
    clinician_email = f"clinician-{secrets.token_hex(4)}@fuzz.example.com"
    invited = owner.call("POST", "/v1/clinicians", 201, json={
        "email": clinician_email, "display_name": "Fuzz Clinician", "role": "clinician"})
    if not invited.get("temporary_password"):
        raise RuntimeError("the local stage returned no temporary password for the invited clinician")
    clinician_token = sign_in(api_base, clinician_email, invited["temporary_password"])
    return Practice(api_base=api_base, practice_id=practice_id, owner_token=owner_token,
                    clinician_token=clinician_token, clinician_id=invited["clinician_id"])


PHQ9_ITEMS = [f"phq9_{n}" for n in range(1, 10)]


def phq9_answers(rng_choice=None, risk: bool = False) -> dict[str, str]:
    """A complete PHQ-9; item 9 answered 'several_days' only when `risk` (that opens an alert)."""
    answers = dict.fromkeys(PHQ9_ITEMS, "not_at_all")
    if rng_choice:
        answers.update({item: rng_choice(("not_at_all", "several_days")) for item in PHQ9_ITEMS[:8]})
    if risk:
        answers["phq9_9"] = "several_days"
    return answers
