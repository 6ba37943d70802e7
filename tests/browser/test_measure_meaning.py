"""A measure keeps its meaning, in a real browser: the client reads PHQ-9's own timeframe right
above its questions and the clinician's words as "From your clinician"; on the edit page a
schedule more often than the recall period shows why, needs "Send more often anyway" with a
reason, and the saved reason is kept. Screenshots: the client's form at 390 px, the edit page.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Checks
from tests.browser.test_client_plan import PHONE, clinician_api, midday_time_zone

DESKTOP = {"width": 1280, "height": 900}
STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
OWN_WORDS = "Fill this in on Sunday evening, before our Monday session."
REASON = "Daily while the medication dose changes, agreed with the client"


def test_the_client_reads_the_stem_and_the_clinicians_words_and_an_edit_needs_a_reason(
        stack: dict[str, Any], new_context: Any, checks: Checks) -> None:
    clinician = clinician_api(stack)
    client = clinician.call("POST", "/v1/clients", {"display_name": "Alex Measure",
                                                    "timezone": midday_time_zone(datetime.now(UTC))},
                            expect_status=201)
    assignment = clinician.call("POST", f"/v1/clients/{client['client_id']}/assignments", {
        "template_id": "phq-9", "title": "Mood check", "instructions": OWN_WORDS, "due_time": "23:59",
        "recurrence": {"frequency": "every_n_days", "interval": 14}}, expect_status=201)
    link = clinician.call("POST", f"/v1/clients/{client['client_id']}/access-link", {}, expect_status=201)["url"]

    # -- the client: the stem above the questions, the clinician's words on their own -------------
    phone = checks.watch(new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page(), "client")
    phone.goto(link)
    phone.get_by_role("link", name="Start: Mood check").click()
    expect(phone.get_by_role("heading", level=1, name="Mood check")).to_be_visible()
    mine = phone.get_by_role("region", name="From your clinician")
    expect(mine).to_contain_text(OWN_WORDS)
    expect(mine).not_to_contain_text("Over the last 2 weeks")
    stem = phone.locator("form.homework-form > .template-instructions")
    expect(stem).to_contain_text(STEM)
    expect(phone.locator("form.homework-form")).to_have_attribute("aria-describedby", "template-instructions")
    # right above the first question, after the clinician's words
    assert phone.evaluate("""() => {
        const stem = document.querySelector('form.homework-form > .template-instructions');
        const first = document.querySelector('[data-path="phq9_1"]');
        const own = document.querySelector('.from-clinician');
        return stem.nextElementSibling.contains(first)
            && Boolean(own.compareDocumentPosition(stem) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    phone.screenshot(path=str(checks.artifacts / "measure-stem-390.png"), full_page=True)
    checks.step(phone, "client-measure-stem-and-clinician-words")

    # -- the clinician changes it to daily: explained, refused, then sent with a reason -----------
    login = next(login for login in stack["logins"] if login["role"] == "owner")
    admin = checks.watch(new_context(viewport=DESKTOP).new_page(), "admin")
    admin.goto(stack["web_admin"])
    admin.get_by_label("Email address").fill(login["email"])
    admin.get_by_label("Password").fill(login["password"])
    admin.get_by_role("button", name="Sign in").click()
    expect(admin.get_by_role("heading", level=1, name="Caseload")).to_be_visible()
    admin.goto(f"{stack['web_admin']}#/clients/{client['client_id']}/assignments/{assignment['assignment_id']}")
    form = admin.locator("form", has=admin.get_by_role("heading", level=2, name="The homework"))
    expect(form.locator(".template-stem")).to_contain_text(STEM)
    expect(form.get_by_label("Your instructions for this client")).to_have_value(OWN_WORDS)
    expect(form.locator(".recall-note")).to_contain_text("at most every 14 days")
    expect(form.locator(".recall-warning")).to_be_hidden()  # its own schedule fits
    form.get_by_label("How often").select_option("daily")
    expect(form.locator(".recall-warning")).to_contain_text(
        "PHQ-9 asks about the last 2 weeks, so it can be sent at most every 14 days. This schedule sends it every day.")
    expect(form.locator(".recall-note")).to_be_hidden()  # said once, in the warning
    form.get_by_role("button", name="Save changes").click()
    expect(form.locator('[data-field="override_recall_period"] .field-error')).to_contain_text(
        "at least 14 days apart, or tick “Send more often anyway”")
    form.get_by_label("Send more often anyway").check()
    form.get_by_label("Why send it more often?").fill(REASON)
    admin.screenshot(path=str(checks.artifacts / "measure-edit-override.png"), full_page=True)
    checks.step(admin, "admin-edit-measure-more-often")
    form.get_by_role("button", name="Save changes").click()
    expect(admin.locator(".form-status .notice-success")).to_contain_text("Saved.")
    history = admin.locator(".history-list")
    expect(history.locator(".recall-override")).to_contain_text(
        "Set to be sent more often than its 14-day recall period (as little as 1 day apart) by you")
    expect(history.locator(".recall-override q")).to_have_text(REASON)
    admin.screenshot(path=str(checks.artifacts / "measure-edit-override-kept.png"), full_page=True)
    checks.step(admin, "admin-edit-measure-override-kept")

    saved = clinician.call("GET", f"/v1/assignments/{assignment['assignment_id']}")
    assert saved["recurrence"]["frequency"] == "daily"
    (override,) = saved["recall_overrides"]
    assert override["reason"] == REASON and override["shortest_gap_days"] == 1
