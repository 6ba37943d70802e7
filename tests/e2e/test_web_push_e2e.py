"""`make run` end to end: a client who chose browser reminders subscribes a browser (its
endpoint on the loopback push receiver), and the stack's own timer sends exactly one push,
encrypted for that browser and signed with the stack's VAPID key, carrying the homework's
title and link."""
from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from tests.e2e.test_reminders_e2e import SWEEP_SECONDS, _owner_token, fast_sweep_stack  # noqa: F401 - fixture
from tests.support.push_receiver import Browser, PushReceiver


def test_a_browser_reminder_at_the_next_minute_arrives_once_and_decrypts(fast_sweep_stack):  # noqa: F811
    stack = fast_sweep_stack.wait_until_ready()
    api = stack["api"]
    headers = {"Authorization": f"Bearer {_owner_token(stack)}"}
    zone = "Europe/London"
    local_now = datetime.now(ZoneInfo(zone))
    if local_now.hour == 23 and local_now.minute >= 57:  # keep the occurrence open for the whole test
        time.sleep((60 - local_now.minute) * 60 - local_now.second + 5)
        local_now = datetime.now(ZoneInfo(zone))
    next_minute = (local_now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    client = requests.post(f"{api}/v1/clients", headers=headers, timeout=15, json={
        "display_name": "Pat Push", "timezone": zone, "reminder_channels": ["web_push"],
        "reminder_time": next_minute.strftime("%H:%M")})
    assert client.status_code == 201, client.text
    client_id = client.json()["client_id"]
    link = requests.post(f"{api}/v1/clients/{client_id}/access-link", headers=headers, json={}, timeout=15)
    assert link.status_code == 201, link.text
    client_headers = {"Authorization": f"Bearer {link.json()['url'].split('#token=')[1]}"}

    with PushReceiver() as receiver:
        key = requests.get(f"{api}/v1/client/push-key", headers=client_headers, timeout=15)
        assert key.status_code == 200, key.text
        browser = Browser(receiver.endpoint("e2e"))
        subscribed = requests.post(f"{api}/v1/client/push-subscriptions", headers=client_headers,
                                   json=browser.subscription(), timeout=15)
        assert subscribed.status_code == 201, subscribed.text
        assignment = requests.post(f"{api}/v1/clients/{client_id}/assignments", headers=headers, timeout=15,
                                   json={"template_id": "thought-record", "due_time": "23:59",
                                         "recurrence": {"frequency": "daily"}})
        assert assignment.status_code == 201, assignment.text
        assert receiver.pushes() == [], "sent before its time"

        deadline = time.monotonic() + 60 + SWEEP_SECONDS + 15
        while time.monotonic() < deadline and not receiver.pushes():
            time.sleep(1)
        assert receiver.pushes(), fast_sweep_stack.output[-3000:]
        assert datetime.now(ZoneInfo(zone)) >= next_minute
        time.sleep(4 * SWEEP_SECONDS)  # more timer periods: still exactly one
        [push] = receiver.pushes()
    payload = browser.decrypt(push)
    assert payload == {"title": assignment.json()["title"], "url": payload["url"]}
    assert "/client/" in payload["url"]
    browser.check_vapid(push, key.json()["public_key"], audience=receiver.origin)
