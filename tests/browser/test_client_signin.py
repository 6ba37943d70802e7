"""A reminder's link opens the homework on a device that has never seen the client.

The new-homework email in the local outbox carries a one-use sign-in link (`#signin=`). In a
fresh browser it asks once whether the device is shared, opens the homework, and stays signed
in on reload (the device remembers the client). The same link a second time meets a clear page
with "Lost your link?", which answers the same words whatever is typed. "Sign out on this
device" is always there and signs out.
"""
from __future__ import annotations

import re
import uuid
from typing import Any

import requests
from playwright.sync_api import expect

from tests.browser.conftest import Checks
from tests.browser.test_client_plan import PHONE, TIMEOUT, clinician_api

SIGNIN_LINK = re.compile(r"(https?://[^\s\"<>]+#signin=[A-Za-z0-9_-]+)")


def _notice_link(stack: dict[str, Any], email: str) -> str:
    messages = requests.get(f"{stack['outbox']}?format=json", timeout=TIMEOUT).json()
    texts = [m.get("body", "") + m.get("text", "") + m.get("html", "") for m in messages
             if m["channel"] == "email" and email in m["recipient"]]
    links = [found.group(1) for text in texts if (found := SIGNIN_LINK.search(text))]
    assert links, f"no sign-in link in the email to the client: {[m.get('subject') for m in messages][:5]}"
    return links[0]


def _drop_expected(checks: Checks, status: int) -> None:
    refused = [error for error in checks.console_errors if f"status of {status}" in error]
    assert len(refused) == 1, checks.console_errors  # the browser logs the refused request itself
    checks.console_errors.remove(refused[0])


def test_a_reminder_link_opens_the_homework_once_and_then_offers_a_new_link(stack, new_context, checks):
    clinician = clinician_api(stack)
    email = f"signin-{uuid.uuid4().hex[:8]}@client.example.com"
    client = clinician.call("POST", "/v1/clients", {"display_name": "Robin Link", "timezone": "Europe/London",
                                                    "email": email, "reminder_channels": ["email"]},
                            expect_status=201)
    # Sign-in links are bound to the client's access link: the clinician has issued one.
    clinician.call("POST", f"/v1/clients/{client['client_id']}/access-link", {}, expect_status=201)
    clinician.call("POST", f"/v1/clients/{client['client_id']}/assignments", {
        "template_id": "mood-diary", "title": "Evening mood check", "due_time": "23:59",
        "recurrence": {"frequency": "daily"}}, expect_status=201)
    link = _notice_link(stack, email)

    page = checks.watch(new_context(viewport=PHONE).new_page(), "phone")
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Your homework")).to_be_visible()
    expect(page.get_by_label("This is a shared device")).not_to_be_checked()
    assert "signin=" not in page.url  # the secret left the address bar
    checks.step(page, "client-signin-device-choice-390")
    page.get_by_role("button", name="Open my homework").click()
    expect(page.get_by_text("Evening mood check").first).to_be_visible()
    expect(page.get_by_role("button", name="Sign out on this device")).to_be_visible()
    checks.step(page, "client-signin-opened-390")
    page.reload()  # this device remembers the client
    expect(page.get_by_text("Evening mood check").first).to_be_visible()

    again = checks.watch(new_context(viewport=PHONE).new_page(), "used-link")
    again.goto(link)
    again.get_by_role("button", name="Open my homework").click()
    expect(again.get_by_role("heading", level=1,
                             name="This link has already been used or has expired")).to_be_visible()
    _drop_expected(checks, 401)
    again.get_by_label("Your email address or mobile number").fill("nobody-we-know@example.com")
    answer = again.locator(".form-status .notice-success")
    again.get_by_role("button", name="Send me a new link").click()
    expect(answer).to_be_visible()
    no_match = answer.inner_text()
    answer.evaluate("element => element.remove()")
    again.get_by_label("Your email address or mobile number").fill(email)
    again.get_by_role("button", name="Send me a new link").click()
    expect(answer).to_have_text(no_match)  # the same words either way
    assert no_match.strip()
    checks.step(again, "client-lost-link-390")

    # The new link the lost-link form sent replaced the old one, which ended every session bound
    # to it: signing out finds this device's session already gone (the browser logs that 401).
    page.get_by_role("button", name="Sign out on this device").click()
    expect(page.get_by_role("heading", level=1, name="You are signed out on this device")).to_be_visible()
    _drop_expected(checks, 401)
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Please open your link again")).to_be_visible()
    checks.step(page, "client-signed-out-390")
