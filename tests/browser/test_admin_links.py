"""The clinician sees clients' links that are about to end and renews them; an alert says who
acknowledged it and when.

Set up through the API, as the clinician and the client would: clients whose links end in two or
three days (a short link the clinician chose), one with no link, and a PHQ-9 with a risk answer.
In the browser (1366 px): the caseload warns "Link ends on …" and renews with one click; the
client page warns, renews, and the new end date shows; the practice's link maximum is saved, and
a renewal that meets it says so plainly; the acknowledged alert names the clinician and the time.
Every page state is checked by the conftest's Checks (axe, console, requests).
"""
from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import Checks
from tests.browser.test_admin_session import LAPTOP, midday_time_zone, sign_in, step
from tests.browser.test_client_plan import Api, clinician_api

LINK_ENDS = re.compile(r"Link ends on ")
DEFAULT_MAX_DAYS = 180


def _client(clinician: Api, name: str, *, link_days: int | None, zone: str = "Europe/London") -> dict[str, Any]:
    client = clinician.call("POST", "/v1/clients", {"display_name": name, "timezone": zone}, expect_status=201)
    if link_days is not None:
        link = clinician.call("POST", f"/v1/clients/{client['client_id']}/access-link", {"ttl_days": link_days},
                              expect_status=201)
        client["token"] = link["url"].split("#token=")[1]
    return client


def _link_end(clinician: Api, client_id: str) -> datetime:
    return datetime.fromisoformat(clinician.call("GET", f"/v1/clients/{client_id}")["access_link"]["expires_at"])


def _risk_answer(stack: dict[str, Any], clinician: Api, client: dict[str, Any]) -> None:
    """The client answers PHQ-9 item 9 "Several days": an open alert."""
    assignment = clinician.call("POST", f"/v1/clients/{client['client_id']}/assignments",
                                {"template_id": "phq-9", "title": "PHQ-9 this week", "due_time": "23:59"},
                                expect_status=201)
    answers = {f"phq9_{number}": "several_days" for number in range(1, 10)}
    Api(stack["api"], client["token"]).call(
        "POST", f"/v1/client/assignments/{assignment['assignment_id']}/submissions", {"answers": answers},
        expect_status=201, headers={"Idempotency-Key": str(uuid.uuid4())})


def _row(page: Page, name: str):
    return page.locator("tr", has=page.get_by_role("link", name=name, exact=True))


def test_links_ending_soon_are_renewed_and_alerts_name_who_acknowledged(stack, new_context, checks: Checks) -> None:
    clinician = clinician_api(stack)
    me = clinician.call("GET", "/v1/me")
    suffix = uuid.uuid4().hex[:4]
    riley = _client(clinician, f"Riley Renew {suffix}", link_days=3, zone=midday_time_zone(datetime.now(UTC)))
    sam = _client(clinician, f"Sam Soon {suffix}", link_days=2)
    taylor = _client(clinician, f"Taylor Longest {suffix}", link_days=3)
    casey = _client(clinician, f"Casey Nolink {suffix}", link_days=None)
    _risk_answer(stack, clinician, riley)

    page = checks.watch(new_context(viewport=LAPTOP).new_page(), "admin-links")
    sign_in(page, stack)
    try:
        # -- the caseload: a warning with one-click renewal; no link, the way to send one ----------
        row = _row(page, riley["display_name"])
        expect(row.get_by_text(LINK_ENDS)).to_be_visible()
        expect(_row(page, casey["display_name"])).to_contain_text("No working link")
        expect(_row(page, casey["display_name"]).get_by_role(
            "link", name=f"Send a new link for {casey['display_name']}")).to_be_visible()
        step(page, checks, "admin-links-caseload")
        before = _link_end(clinician, riley["client_id"])
        row.get_by_role("button", name=f"Renew link for {riley['display_name']}").click()
        expect(row).to_contain_text("Renewed. The link now ends on ")
        expect(row.get_by_text(LINK_ENDS)).to_have_count(0)
        expect(row).to_contain_text("Active until ")
        assert _link_end(clinician, riley["client_id"]) - before >= timedelta(days=7)  # the practice's link length

        # -- the client page: the warning, one click, the new end date ---------------------------
        page.get_by_role("link", name=sam["display_name"], exact=True).click()
        card = page.locator("section", has=page.get_by_role("heading", level=2, name="Access link"))
        warning = card.locator(".notice-warning")
        expect(warning).to_contain_text(LINK_ENDS)
        step(page, checks, "admin-links-client-warning-1366")
        before = _link_end(clinician, sam["client_id"])
        shown_before = card.get_by_text(re.compile(r"^Active until ")).inner_text()
        card.get_by_role("button", name="Renew link").click()
        expect(card.locator(".notice-success")).to_contain_text("Renewed. The link now ends on ")
        expect(card.get_by_text(LINK_ENDS)).to_have_count(0)
        after = _link_end(clinician, sam["client_id"])
        assert after - before >= timedelta(days=7)
        expect(card.get_by_text(re.compile(r"^Active until "))).not_to_have_text(shown_before)
        expect(card.locator(".notice-success")).to_be_focused()
        step(page, checks, "admin-links-client-renewed")

        # -- the practice's link maximum: refused out of range, then saved ----------------------
        page.get_by_role("link", name="Clinicians").click()
        longest = page.get_by_label("Longest a client's link lasts (days)")
        expect(longest).to_have_value(str(DEFAULT_MAX_DAYS))
        longest.fill("400")
        page.get_by_role("button", name="Save settings").click()
        expect(page.locator(".error-summary")).to_contain_text("Choose a whole number of days from 7 to 365.")
        longest.fill("7")
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_text("A client's link lasts at most 7 days from when it was sent.")).to_be_visible()
        expect(page.locator(".field-error:visible")).to_have_count(0)  # the earlier problem is gone
        assert clinician.call("GET", "/v1/practice")["link_max_days"] == 7
        step(page, checks, "admin-links-practice-maximum")

        # -- a renewal that meets the maximum says so and offers no more ------------------------
        page.goto(f"{stack['web_admin']}#/clients/{taylor['client_id']}")
        card = page.locator("section", has=page.get_by_role("heading", level=2, name="Access link"))
        card.get_by_role("button", name="Renew link").click()  # up to 7 days from when it was sent
        expect(card.locator(".notice-success")).to_contain_text("Renewed.")
        card.get_by_role("button", name="Renew link").click()  # still ending soon, and at the maximum
        expect(card.locator("[role=status] .notice-warning")).to_contain_text(
            "This link cannot be renewed: it is already as long as your practice allows")
        expect(card.get_by_role("button", name="Renew link")).to_have_count(0)
        expect(card.get_by_role("button", name="Create a new link")).to_be_visible()
        step(page, checks, "admin-links-at-maximum")
    finally:
        clinician.call("PATCH", "/v1/practice", {"link_max_days": DEFAULT_MAX_DAYS})  # the stack is shared

    # -- the alert: the answer's wording by its score; acknowledged, by whom and when ----------
    page.goto(f"{stack['web_admin']}#/clients/{riley['client_id']}")
    alert = page.locator("article.alert-item").first
    expect(alert).to_contain_text("answered “Several days” (score 1)")
    alert.get_by_label("Note").fill("Phoned; safety plan reviewed.")
    alert.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("heading", level=2, name="Alerts: none open")).to_be_visible()
    page.get_by_text("Acknowledged alerts (1)").click()
    done = page.locator("article.alert-item.acknowledged")
    expect(done).to_contain_text(re.compile(rf"Acknowledged by {re.escape(me['display_name'])} on \w+"))
    expect(done).to_contain_text("Note: Phoned; safety plan reviewed.")
    step(page, checks, "admin-links-alert-acknowledged")
    page.get_by_role("link", name=re.compile(r"^Alerts")).click()
    page.get_by_role("link", name="Show acknowledged alerts").click()
    listed = page.locator("article.alert-item", has=page.get_by_role("link", name=riley["display_name"]))
    expect(listed).to_contain_text(f"Acknowledged by {me['display_name']} on ")
    step(page, checks, "admin-links-alerts-acknowledged-list")
