"""`make run` end to end: a client whose preferred time is the next minute gets exactly one
reminder email in the local outbox, sent by the stack's own timer."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from chalicelib.notifications.messages import REMINDER_SUBJECTS
from devstack.processes import REPO_ROOT
from tests.e2e.conftest import RunningStack, StackPorts

SWEEP_SECONDS = 3


@pytest.fixture
def fast_sweep_stack(tmp_path):
    """The local stack as `make run` starts it, with the sweep timer every SWEEP_SECONDS."""
    ports = StackPorts.free()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EMOTIPAL_", "MOTO_"))}
    env.update(ports.as_env())
    env.update({"EMOTIPAL_LOCAL_DIR": str(tmp_path / "local"), "PYTHONUNBUFFERED": "1",
                "EMOTIPAL_SWEEP_SECONDS": str(SWEEP_SECONDS)})
    output_path = tmp_path / "stack.out"
    with output_path.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "devstack", "run"], cwd=REPO_ROOT, env=env,
                                   stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, text=True)
    running = RunningStack(process=process, local_dir=tmp_path / "local", output_path=output_path)
    try:
        yield running
    finally:
        running.kill()


def _owner_token(stack: dict) -> str:
    owner = next(login for login in stack["logins"] if login["role"] == "owner")
    response = requests.post(f"{stack['api']}/v1/auth/login",
                             json={"email": owner["email"], "password": owner["password"]}, timeout=15)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def _reminders_in_outbox(stack: dict, recipient: str) -> list[dict]:
    response = requests.get(f"{stack['outbox']}?format=json", timeout=10)
    assert response.status_code == 200
    return [m for m in response.json() if m["channel"] == "email" and recipient in m["recipient"]
            and m["subject"] in REMINDER_SUBJECTS]  # not the new-homework notice


def test_a_reminder_at_the_next_minute_arrives_once(fast_sweep_stack):
    stack = fast_sweep_stack.wait_until_ready()
    headers = {"Authorization": f"Bearer {_owner_token(stack)}"}
    zone = "Europe/London"
    local_now = datetime.now(ZoneInfo(zone))
    if local_now.hour == 23 and local_now.minute >= 57:  # keep the occurrence open for the whole test
        time.sleep((60 - local_now.minute) * 60 - local_now.second + 5)
        local_now = datetime.now(ZoneInfo(zone))
    next_minute = (local_now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    email = f"e2e-reminder-{int(time.time())}@example.com"
    client = requests.post(f"{stack['api']}/v1/clients", headers=headers, timeout=15, json={
        "display_name": "Robin Reminder", "email": email, "timezone": zone,
        "reminder_channels": ["email"], "reminder_time": next_minute.strftime("%H:%M")})
    assert client.status_code == 201, client.text
    assignment = requests.post(f"{stack['api']}/v1/clients/{client.json()['client_id']}/assignments",
                               headers=headers, timeout=15,
                               json={"template_id": "thought-record", "due_time": "23:59",
                                     "recurrence": {"frequency": "daily"}})
    assert assignment.status_code == 201, assignment.text
    assert _reminders_in_outbox(stack, email) == [], "sent before its time"

    deadline = time.monotonic() + 60 + SWEEP_SECONDS + 15
    found: list[dict] = []
    while time.monotonic() < deadline and not found:
        time.sleep(1)
        found = _reminders_in_outbox(stack, email)
    assert found, fast_sweep_stack.output[-3000:]
    arrived = datetime.now(ZoneInfo(zone))
    # Not before the preferred minute, and within one timer period of it (plus request time).
    assert arrived >= next_minute
    assert (arrived - next_minute).total_seconds() < SWEEP_SECONDS + 10
    time.sleep(4 * SWEEP_SECONDS)  # more timer periods: still exactly one
    found = _reminders_in_outbox(stack, email)
    assert len(found) == 1, found
    assert "#token=" not in found[0]["body"] and "/client/" in found[0]["body"]
    html = requests.get(stack["outbox"], timeout=10)
    assert html.status_code == 200 and email in html.text
