"""The end of treatment in the clinician's page (1366 px).

Set up through the API: a client with a link and a daily mood check. In the browser the owner
opens the client, chooses "Discharge", reads what it does, is offered a final export (and makes
one), confirms in the page; the client page says "Discharged" with when, by whom and when the
record will be erased; the client is gone from the caseload and listed under "Discharged"; their
link now answers 401. "Re-open" puts them back on the caseload. On the Clinicians page the owner's
retention setting refuses a short period until it is confirmed. Every state is checked by the
conftest's Checks (axe, console, requests).
"""
from __future__ import annotations

import uuid
from typing import Any

import requests
from playwright.sync_api import expect

from tests.browser.conftest import Checks
from tests.browser.test_admin_session import LAPTOP, TIMEOUT, sign_in, step
from tests.browser.test_client_plan import clinician_api


def _client(stack: dict[str, Any]) -> tuple[dict[str, Any], str]:
    clinician = clinician_api(stack)
    client = clinician.call("POST", "/v1/clients", {"display_name": f"Dana Discharge {uuid.uuid4().hex[:4]}",
                                                    "timezone": "Europe/London"}, expect_status=201)
    link = clinician.call("POST", f"/v1/clients/{client['client_id']}/access-link", {}, expect_status=201)
    clinician.call("POST", f"/v1/clients/{client['client_id']}/assignments", {
        "template_id": "mood-diary", "title": "Evening mood check", "due_time": "23:59",
        "recurrence": {"frequency": "daily"}}, expect_status=201)
    return client, link["url"].split("#token=")[1]


def _me_status(stack: dict[str, Any], token: str) -> int:
    return requests.get(f"{stack['api']}/v1/client/me", headers={"Authorization": f"Bearer {token}"},
                        timeout=TIMEOUT).status_code


def test_discharge_find_in_the_discharged_list_and_reopen(stack, new_context, checks: Checks) -> None:
    client, token = _client(stack)
    name = client["display_name"]
    assert _me_status(stack, token) == 200
    page = checks.watch(new_context(viewport=LAPTOP).new_page(), "admin-discharge")
    sign_in(page, stack)
    try:
        page.get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
        card = page.locator("section", has=page.get_by_role("heading", level=2, name="End of treatment"))
        card.get_by_role("button", name="Discharge").click()
        confirm = card.locator("#discharge-confirm")
        expect(confirm.get_by_role("heading", level=3, name=f"Discharge {name}?")).to_be_focused()
        expect(confirm).to_contain_text("no more reminders are sent")
        # The final export is offered in the confirmation itself.
        confirm.get_by_label("Format").select_option("csv")
        confirm.get_by_role("button", name="Prepare export").click()
        expect(confirm.get_by_role("link", name="Download the export")).to_be_visible()
        confirm.get_by_label("Note for the record").fill("Goals met; ending by agreement.")
        step(page, checks, "admin-discharge-confirm")
        confirm.get_by_role("button", name=f"Yes, discharge {name}").click()

        ended = page.locator("section", has=page.get_by_role("heading", level=2, name="Discharged"))
        expect(ended).to_contain_text("by you")
        expect(ended).to_contain_text("Goals met; ending by agreement.")
        expect(ended).to_contain_text("can be exported until")
        expect(page.get_by_text(f"{name} is discharged.")).to_be_visible()
        expect(page.get_by_role("link", name="Assign homework")).to_have_count(0)
        expect(page.get_by_role("heading", level=2, name="Access link")).to_have_count(0)
        expect(page.get_by_role("heading", level=2, name="Export")).to_be_visible()  # still exportable
        step(page, checks, "admin-discharge-discharged")
        assert _me_status(stack, token) == 401

        page.get_by_role("link", name="← Caseload").click()
        expect(page.get_by_role("heading", level=1, name="Caseload")).to_be_visible()
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
        page.get_by_role("navigation", name="Which clients").get_by_role("link", name="Discharged").click()
        expect(page.get_by_role("heading", level=1, name="Discharged clients")).to_be_visible()
        row = page.locator("tr", has=page.get_by_role("link", name=name, exact=True))
        expect(row).to_be_visible()
        step(page, checks, "admin-discharge-list")

        row.get_by_role("link", name=name, exact=True).click()
        ended.get_by_role("button", name="Re-open").click()
        expect(page.get_by_text(f"{name} is back on your caseload.")).to_be_visible()
        expect(page.get_by_role("heading", level=2, name="End of treatment")).to_be_visible()
        expect(page.get_by_role("link", name="Assign homework").first).to_be_visible()
        step(page, checks, "admin-discharge-reopened")
        page.get_by_role("link", name="← Caseload").click()
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
        assert _me_status(stack, token) == 401  # the old link stays revoked

        # The owner's retention period: under 7 years must be confirmed.
        page.get_by_role("link", name="Clinicians").click()
        years = page.get_by_label("Years to keep a discharged client's record")
        expect(years).to_have_value("7")
        years.fill("5")
        page.get_by_role("button", name="Save retention").click()
        expect(page.locator(".error-summary")).to_contain_text("confirm a period under 7 years")
        page.get_by_label("Yes, keep records for less than 7 years").check()
        page.get_by_role("button", name="Save retention").click()
        expect(page.get_by_text("records are kept for 5 years, then erased.")).to_be_visible()
        step(page, checks, "admin-discharge-retention")
    finally:
        clinician_api(stack).call("PATCH", "/v1/practice", {"retention_years": 7})
