"""The crisis panel in a real browser: the owner sets the practice's country and its own crisis
line on the Clinicians page; the client sends a safety plan, then answers PHQ-9 item 9 "Several
days": the panel appears right after that question (not under the next one), with tel: links
from the practice's list and "Open my safety plan", goes when the answer changes back, and
comes first on the receipt. No "Well done" near it. Enter in a one-line answer never sends.
Screenshots at 390 px: the panel beside the answer, and the "Lost your link?" page.
"""
from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import Checks
from tests.browser.test_client_plan import PHONE, clinician_api, midday_time_zone
from tests.browser.test_client_signin import _drop_expected

DESKTOP = {"width": 1280, "height": 900}
DUTY_LINE = {"name": "Harbour duty line", "phone": "020 7946 0000", "hours": "Weekdays 9:00–17:00",
             "purpose": "Talk to the clinician on duty today."}


def _owner_sets_crisis_resources(stack: dict[str, Any], page: Page, checks: Checks) -> None:
    login = next(login for login in stack["logins"] if login["role"] == "owner")
    page.goto(stack["web_admin"])
    page.get_by_label("Email address").fill(login["email"])
    page.get_by_label("Password").fill(login["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Caseload")).to_be_visible()
    page.get_by_role("link", name="Clinicians").click()
    card = page.locator("form.crisis-settings")
    expect(card.get_by_role("heading", level=2, name="Crisis resources")).to_be_visible()
    card.get_by_label("Practice's country").select_option("GB")
    # Start from an empty list whatever an earlier run left.
    while card.get_by_role("button", name=re.compile(r"^Remove resource")).count():
        card.get_by_role("button", name=re.compile(r"^Remove resource")).first.click()
    card.get_by_role("button", name="Add a resource").click()
    row = card.locator("fieldset.crisis-row").first
    row.get_by_label("Service name").fill(DUTY_LINE["name"])
    row.get_by_label("Phone number").fill(DUTY_LINE["phone"])
    row.get_by_label("Website").fill("http://harbour.example.org")
    card.get_by_role("button", name="Save crisis resources").click()
    # The problem is a sentence next to the field, and in the summary by its label.
    website = row.locator('[data-field="crisis_resources[0].url"]')
    expect(website.locator(".field-error")).to_have_text(re.compile(r"^Use a full https:// address"))
    expect(card.get_by_role("alert")).to_contain_text("Resource 1: Website")
    row.get_by_label("Website").fill("")
    row.get_by_label("Hours").fill(DUTY_LINE["hours"])
    row.get_by_label("What it is for").fill(DUTY_LINE["purpose"])
    card.get_by_role("button", name="Save crisis resources").click()
    expect(card.locator(".notice-success")).to_contain_text("Saved.")
    expect(website.locator(".field-error")).to_be_hidden()
    expect(card.locator(".crisis-defaults")).to_contain_text("Samaritans")  # the GB defaults, for reference
    checks.step(page, "admin-crisis-settings")


def test_the_crisis_panel_sits_beside_the_risk_answer_with_the_practice_numbers(stack, new_context, checks):
    clinician = clinician_api(stack)
    client = clinician.call("POST", "/v1/clients", {"display_name": "Sam Crisis",
                                                    "timezone": midday_time_zone(datetime.now(UTC))},
                            expect_status=201)
    client_id = client["client_id"]
    for template_id, title in (("safety-plan", "My safety plan"), ("phq-9", "Mood questionnaire")):
        clinician.call("POST", f"/v1/clients/{client_id}/assignments", {
            "template_id": template_id, "title": title, "due_time": "23:59",
            "recurrence": {"frequency": "daily"}, "override_recall_period": True, "override_reason": "Daily check-in agreed with the client"}, expect_status=201)
    link = clinician.call("POST", f"/v1/clients/{client_id}/access-link", {}, expect_status=201)["url"]

    admin = checks.watch(new_context(viewport=DESKTOP).new_page(), "admin")
    _owner_sets_crisis_resources(stack, admin, checks)

    page = checks.watch(new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page(), "client")
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Hello, Sam")).to_be_visible()

    # -- the safety plan first; Enter in its one-line answer does not send it -----------------
    page.get_by_role("link", name="Start: My safety plan").click()
    expect(page.get_by_role("heading", level=1, name="My safety plan")).to_be_visible()
    page.locator("#q-warning_signs").fill("Not sleeping, staying in my room.")
    page.locator("#q-coping_strategies").fill("A walk by the river.")
    page.locator("#q-make_safe").fill("Give my tablets to my sister to keep.")
    one_line = page.locator("#q-emergency_department")
    assert one_line.evaluate("element => element.tagName === 'INPUT' && element.type === 'text'")
    one_line.fill("St Mary's, Praed Street")
    one_line.press("Enter")
    page.wait_for_timeout(500)
    expect(page.get_by_role("button", name="Yes, send it")).to_have_count(0)
    expect(page.get_by_role("heading", level=1, name="Thank you. It's sent.")).to_have_count(0)
    expect(one_line).to_have_value("St Mary's, Praed Street")
    page.get_by_role("button", name="Send to my clinician").click()
    page.get_by_role("button", name="Yes, send it").click()
    expect(page.get_by_role("heading", level=1, name="Thank you. It's sent.")).to_be_visible()
    expect(page.locator(".crisis")).to_have_count(0)

    # -- PHQ-9 item 9 "Several days": the panel right after that question -------------------
    page.get_by_role("link", name="Back to your homework").click()
    page.get_by_role("link", name="Start: Mood questionnaire").click()
    expect(page.get_by_role("heading", level=1, name="Mood questionnaire")).to_be_visible()
    for number in range(1, 9):
        page.locator(f"#q-phq9_{number}-0").check()
    expect(page.locator(".crisis")).to_have_count(0)
    # Before answering it, the client is told who sees this answer (risk_items from the API).
    expect(page.locator('[data-path="phq9_9"] .risk-notice')).to_have_text(
        "Your clinician will see this answer, but not straight away.")
    expect(page.locator('[data-path="phq9_1"] .risk-notice')).to_have_count(0)
    page.locator("#q-phq9_9-1").check()
    panel = page.locator(".crisis")
    expect(panel).to_have_count(1)
    # DOM order: item 9's field, then the panel (not under the next question, not at the end).
    assert page.evaluate("""() => {
        const field = document.querySelector('[data-path="phq9_9"]');
        return field.nextElementSibling === document.querySelector('.crisis');
    }""")
    expect(panel.locator('a[href="tel:999"]')).to_be_visible()  # the emergency number leads
    duty = panel.locator('a[href="tel:02079460000"]')
    expect(duty).to_be_visible()
    expect(duty).to_have_accessible_name(f"Call {DUTY_LINE['phone']} ({DUTY_LINE['name']})")
    expect(panel.locator("a[href^='tel:']")).to_have_count(2)  # the practice's list, not the defaults
    plan_link = panel.get_by_role("link", name="Open my safety plan")
    expect(plan_link).to_have_attribute("href", re.compile(r"^#/history/.+"))
    expect(page.get_by_text("Well done")).to_have_count(0)
    box = duty.bounding_box()
    assert box and box["height"] >= 44, box  # a thumb-sized target
    # The screenshot: item 9 at the top of the phone's screen, the panel right under it.
    page.evaluate("""() => window.scrollTo({ behavior: "instant",
        top: document.querySelector('[data-path="phq9_9"]').getBoundingClientRect().top + window.scrollY - 8 })""")
    page.wait_for_timeout(200)
    page.screenshot(path=str(checks.artifacts / "crisis-panel-390.png"))
    checks.step(page, "client-crisis-panel-beside-answer")

    # Answer changed back: the panel goes; and comes back with the risk answer.
    page.locator("#q-phq9_9-0").check()
    expect(page.locator(".crisis")).to_have_count(0)
    page.locator("#q-phq9_9-1").check()
    expect(page.locator(".crisis")).to_have_count(1)

    # -- the receipt: the same panel first, no "Well done" ----------------------------------
    page.get_by_role("button", name="Send to my clinician").click()
    page.get_by_role("button", name="Yes, send it").click()
    expect(page.get_by_role("heading", level=1, name="Thank you. It's sent.")).to_be_visible()
    receipt_panel = page.locator("main .crisis")
    expect(receipt_panel).to_be_focused()
    assert page.evaluate("() => document.querySelector('main h1').nextElementSibling.classList.contains('crisis')")
    expect(receipt_panel.locator('a[href="tel:02079460000"]')).to_be_visible()
    expect(page.get_by_text("Well done")).to_have_count(0)
    checks.step(page, "client-crisis-panel-receipt")

    receipt_panel.get_by_role("link", name="Open my safety plan").click()
    expect(page.get_by_role("heading", level=1, name="My safety plan")).to_be_visible()
    expect(page.get_by_text("Give my tablets to my sister to keep.")).to_be_visible()
    checks.step(page, "client-safety-plan-opened")


def test_the_lost_link_page_at_390(stack, new_context, checks):
    page = checks.watch(new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page(), "lost-link")
    page.goto(f"{stack['web_client']}#signin={secrets.token_urlsafe(32)}")
    page.get_by_role("button", name="Open my homework").click()
    expect(page.get_by_role("heading", level=1,
                             name="This link has already been used or has expired")).to_be_visible()
    _drop_expected(checks, 401)
    expect(page.get_by_label("Your email address or mobile number")).to_be_visible()
    page.screenshot(path=str(checks.artifacts / "lost-link-390.png"), full_page=True)
    checks.step(page, "client-lost-link-page")
