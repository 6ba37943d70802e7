"""The client's side of issue #11 in a real browser: the plan above the worksheet (edit
when/where, a low confidence asks kindly what would help, raising it), barriers ticked when
skipping, the one question about a missed time dismissed with "Not now", a past submission
re-read with the clinician's feedback, and a note for the next session.

The clinician's side is set up through the API as the demo owner (the admin page has its
own story); every page state is checked by `Checks` (axe, console, no foreign requests).
"""
from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import Checks

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT = 15

RATIONALE = "Catching the thought is the first step to questioning it."
WHEN_WHERE = "After breakfast, at the kitchen table, on weekdays"
WHAT_WOULD_HELP = "A shorter version on busy days"
FIRST_STEP = "Open the worksheet right after breakfast"
FEEDBACK = "Thank you for sending this. Let's look at the evenings together next time."
NOTE = "I'd like to talk about sleeping badly before work."


def midday_time_zone(now: datetime) -> str:
    """A fixed-offset zone where it is around midday now, so today's homework is open and
    yesterday's is past due whatever time the suite runs (Etc/GMT-N is N hours ahead of UTC)."""
    offset = max(-11, min(12, 12 - now.hour))
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: Any = None, *, expect_status: int = 200,
             headers: dict[str, str] | None = None) -> Any:
        response = requests.request(method, f"{self.base}{path}", json=body, timeout=TIMEOUT,
                                    headers={"Authorization": f"Bearer {self.token}", **(headers or {})})
        assert response.status_code == expect_status, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None


def clinician_api(stack: dict[str, Any]) -> Api:
    login = next(login for login in stack["logins"] if login["role"] == "owner")
    response = requests.post(f"{stack['api']}/v1/auth/login", timeout=TIMEOUT,
                             json={"email": login["email"], "password": login["password"]})
    assert response.status_code == 200, response.text
    return Api(stack["api"], response.json()["access_token"])


def set_up(stack: dict[str, Any]) -> dict[str, Any]:
    """A client with a daily thought record and its plan, a breathing practice due in a minute
    or two (so it will be missed while the test runs: only time that has passed since an
    assignment was made can be missed), a GAD-7 sent and reviewed, and a link."""
    clinician = clinician_api(stack)
    zone = midday_time_zone(datetime.now(UTC))
    local_now = datetime.now(ZoneInfo(zone))
    client = clinician.call("POST", "/v1/clients", {"display_name": "Jamie Plan", "timezone": zone}, expect_status=201)
    client_id = client["client_id"]
    record = clinician.call("POST", f"/v1/clients/{client_id}/assignments", {
        "template_id": "thought-record", "title": "Thought record",
        "instructions": "When your mood drops, pause and fill this in.",
        "due_time": "23:59", "recurrence": {"frequency": "daily"},
        "plan": {"rationale": RATIONALE, "when_where": "In the evening", "first_step": "Save the link on my phone",
                 "obstacles": [{"obstacle": "Too tired after work", "response": "Write just the situation"}],
                 "confidence": 7},
    }, expect_status=201)
    soon = (local_now + timedelta(minutes=2)).replace(second=0, microsecond=0)
    breathing = clinician.call("POST", f"/v1/clients/{client_id}/assignments", {
        "template_id": "relaxation-practice", "title": "Breathing practice", "due_time": soon.strftime("%H:%M"),
    }, expect_status=201)
    gad7 = clinician.call("POST", f"/v1/clients/{client_id}/assignments", {
        "template_id": "gad-7", "title": "GAD-7 check-in", "due_time": "23:59",
    }, expect_status=201)
    url = clinician.call("POST", f"/v1/clients/{client_id}/access-link", {}, expect_status=201)["url"]
    client_api = Api(stack["api"], url.split("#token=", 1)[1])
    answers = {f"gad7_{number}": "several_days" for number in range(1, 8)} | {"difficulty": "somewhat_difficult"}
    receipt = client_api.call("POST", f"/v1/client/assignments/{gad7['assignment_id']}/submissions",
                              {"answers": answers, "rating": 4}, expect_status=201,
                              headers={"Idempotency-Key": str(uuid.uuid4())})
    clinician.call("POST", f"/v1/submissions/{receipt['submission_id']}/review", {"feedback": FEEDBACK, "quality_rating": 4})
    return {"clinician": clinician, "client": client_api, "client_id": client_id, "link": url,
            "record": record["assignment_id"], "breathing": breathing["assignment_id"],
            "submission": receipt["submission_id"]}


def snapshot(page: Page, checks: Checks, name: str) -> None:
    """The usual step checks, and a screenshot under a name a person can find."""
    checks.step(page, name)
    page.screenshot(path=str(checks.artifacts / f"{name}.png"), full_page=True)


def confidence_to(page: Page, value: int) -> None:
    slider = page.get_by_label("How sure are you that you'll do it?")
    slider.focus()
    page.keyboard.press("Home")
    for _ in range(value):
        page.keyboard.press("ArrowRight")
    expect(page.locator(".confidence-readout")).to_have_text(f"{value} out of 10")


def test_the_client_works_with_their_plan(stack: dict[str, Any], new_context: Any, checks: Checks) -> None:
    data = set_up(stack)
    record_path = f"/v1/client/assignments/{data['record']}"
    breathing_path = f"/v1/client/assignments/{data['breathing']}"
    assert data["client"].call("GET", breathing_path)["ask_barriers_for"] is None, "not due yet, so not missed"

    # -- on a phone: the plan above the worksheet, and the list to tick when skipping --------
    phone = checks.watch(new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page(), "client-phone")
    phone.goto(data["link"])
    expect(phone.get_by_role("heading", level=1, name="Hello, Jamie")).to_be_visible()
    expect(phone.get_by_role("link", name="Add a note for next session")).to_be_visible()
    phone.get_by_role("link", name="Thought record").first.click()
    plan = phone.locator("section.plan")
    expect(plan.get_by_role("heading", name="Your plan")).to_be_visible()
    expect(plan).to_contain_text(RATIONALE)
    expect(plan).to_contain_text("7 out of 10")
    expect(phone.get_by_role("textbox", name="That's OK. What would make it easier?")).to_have_count(0)
    plan_box, form_box = plan.bounding_box(), phone.locator("form.homework-form").bounding_box()
    assert plan_box and form_box and plan_box["y"] < form_box["y"], "the plan sits above the worksheet"
    snapshot(phone, checks, "client-plan-phone")

    # -- problems read as sentences next to their field, never as a path -----------------------
    plan.get_by_role("button", name="Edit my plan").click()
    phone.get_by_role("button", name="Add something that might get in the way").click()
    phone.get_by_label("then I will (number 2)").fill("Ask my partner to remind me")
    phone.get_by_role("button", name="Save my plan").click()
    expect(phone.locator('[data-path="obstacles[1].obstacle"] .field-error')).to_have_text("Say what might get in the way.")
    expect(phone.get_by_label("If (number 2)")).to_be_focused()
    phone.get_by_label("If (number 2)").fill("A busy weekend")
    refused = {"title": "Validation failed", "detail": "The request body has invalid fields.", "status": 422,
               "errors": [{"field": "obstacles[1].response", "message": "Use at most 300 characters.",
                           "type": "string_too_long"}]}
    phone.route("**/plan", lambda route: route.fulfill(status=422, json=refused, content_type="application/problem+json")
                if route.request.method == "PATCH" else route.fallback())
    phone.get_by_role("button", name="Save my plan").click()
    expect(phone.locator('[data-path="obstacles[1].response"] .field-error')).to_have_text("Use at most 300 characters.")
    expect(phone.get_by_label("then I will (number 2)")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("main")).not_to_contain_text("request body")
    expect(phone.locator("main")).not_to_contain_text("obstacles[")
    refusals = [error for error in checks.console_errors if "status of 422" in error]
    assert len(refusals) == 1, checks.console_errors  # the browser logs the refused request itself
    checks.console_errors.remove(refusals[0])
    snapshot(phone, checks, "client-plan-errors-phone")
    phone.unroute("**/plan")
    phone.get_by_role("button", name="Cancel").click()
    expect(plan.locator(".plan-view")).to_be_visible()
    phone.get_by_text("Can't do it this time?").click()
    skip = phone.get_by_role("form", name="Skip this time")
    skip.get_by_label("I didn't have time").check()
    skip.get_by_label("Something else").check()
    skip.get_by_label("What else got in the way?").fill("My shift changed this week.")
    snapshot(phone, checks, "client-barriers-skip-phone")

    # -- on a desktop: edit when/where and set confidence 4 -> the kind question ---------------
    page = checks.watch(new_context(viewport=DESKTOP).new_page(), "client-desktop")
    page.goto(data["link"])
    expect(page.get_by_role("heading", level=1, name="Hello, Jamie")).to_be_visible()
    page.get_by_role("link", name="Thought record").first.click()
    plan = page.locator("section.plan")
    expect(plan).to_contain_text(RATIONALE)
    snapshot(page, checks, "client-plan-desktop")

    plan.get_by_role("button", name="Edit my plan").click()
    expect(page.get_by_label("Why this matters to me")).to_be_focused()  # focus lands in the editor
    when_where = page.get_by_label("When and where I'll do it")
    when_where.fill(WHEN_WHERE)
    confidence_to(page, 4)
    snapshot(page, checks, "client-plan-editing")
    page.get_by_role("button", name="Save my plan").click()
    kind = page.get_by_role("textbox", name="That's OK. What would make it easier?")
    expect(kind).to_be_visible()
    expect(kind).to_be_focused()
    expect(plan.locator(".plan-view")).to_contain_text(WHEN_WHERE)
    expect(plan.locator(".plan-view")).to_contain_text("4 out of 10")
    expect(plan).to_contain_text("Your clinician will see this")
    snapshot(page, checks, "client-plan-kind-question")
    kind.fill(WHAT_WOULD_HELP)
    plan.get_by_role("button", name="Send").click()
    expect(kind).to_have_count(0)  # answered: it shows as part of the plan now
    expect(plan.locator(".notice-success")).to_contain_text("Saved")
    expect(plan.locator(".plan-view")).to_contain_text(WHAT_WOULD_HELP)
    stored = data["client"].call("GET", f"{record_path}/plan")
    assert stored["when_where"] == WHEN_WHERE and stored["confidence"] == 4
    assert stored["what_would_help"] == WHAT_WOULD_HELP and stored["needs_adjustment"] is True
    assert data["clinician"].call("GET", f"/v1/assignments/{data['record']}/plan")["needs_adjustment"] is True

    # -- the clinician adjusts the plan meanwhile; the client's stale save is put back kindly --
    current = data["clinician"].call("GET", f"/v1/assignments/{data['record']}/plan")
    adjusted = {field: current[field] for field in ("rationale", "when_where", "obstacles", "confidence", "what_would_help")}
    data["clinician"].call("PUT", f"/v1/assignments/{data['record']}/plan",
                           {**adjusted, "first_step": FIRST_STEP, "version": current["version"]})
    plan.get_by_role("button", name="Edit my plan").click()
    confidence_to(page, 8)
    page.get_by_role("button", name="Save my plan").click()
    expect(plan.locator(".notice-warning")).to_contain_text("Your clinician changed this plan just now")
    expect(page.get_by_label("My first small step")).to_have_value(FIRST_STEP)  # theirs, under the client's change
    expect(page.locator(".confidence-readout")).to_have_text("8 out of 10")
    # The browser itself logs the refused request; that one 409 is what this step is about.
    conflicts = [error for error in checks.console_errors if "status of 409" in error]
    assert len(conflicts) == 1, checks.console_errors
    checks.console_errors.remove(conflicts[0])
    snapshot(page, checks, "client-plan-changed-meanwhile")

    # -- raise confidence to 8: the question goes, the history shows who changed what --------
    page.get_by_role("button", name="Save my plan").click()
    expect(plan.locator(".notice-success")).to_contain_text("Saved")
    expect(plan.locator(".plan-view")).to_contain_text("8 out of 10")
    expect(page.get_by_role("textbox", name="That's OK. What would make it easier?")).to_have_count(0)
    plan.locator("summary", has_text="Changes to this plan").click()
    history = plan.locator(".plan-history-list li")
    # newest first: the client's 8, the clinician's adjustment, the client's two changes, the draft
    expect(history).to_have_count(5)
    expect(history.nth(0)).to_contain_text("Changed by you")
    expect(history.nth(0)).to_contain_text("how sure (8 out of 10)")
    expect(history.nth(1)).to_contain_text("Changed by your clinician")
    expect(history.nth(1)).to_contain_text("first step")
    expect(history.nth(2)).to_contain_text("what would make it easier")
    expect(history.nth(3)).to_contain_text("when and where")
    expect(history.nth(4)).to_contain_text("Written by your clinician")
    snapshot(page, checks, "client-plan-history")
    final = data["client"].call("GET", f"{record_path}/plan")
    assert final["needs_adjustment"] is False and final["confidence"] == 8 and final["first_step"] == FIRST_STEP

    # -- skipping, with what got in the way ticked ----------------------------------------------
    page.get_by_text("Can't do it this time?").click()
    skip = page.get_by_role("form", name="Skip this time")
    skip.get_by_role("button", name="Skip this time").click()
    expect(skip.locator(".field-error").first).to_have_text("Tick what got in the way, or write a few words below.")
    skip.get_by_label("I didn't have time").check()
    skip.get_by_label("Something else").check()
    skip.get_by_label("What else got in the way?").fill("My shift changed this week.")
    snapshot(page, checks, "client-barriers-skip")
    skip.get_by_role("button", name="Skip this time").click()
    expect(page.get_by_role("heading", level=1, name="Skipped for this time")).to_be_visible()
    review = data["clinician"].call("GET", f"/v1/clients/{data['client_id']}/session-review")
    assert review["barrier_counts"].get("no_time") == 1 and review["barrier_counts"].get("other") == 1

    # -- the missed time: one gentle card on that homework, dismissed with "Not now" ----------
    deadline = time.monotonic() + 180
    while data["client"].call("GET", breathing_path)["ask_barriers_for"] is None:
        assert time.monotonic() < deadline, "the breathing practice never became missed"
        time.sleep(2)
    page.get_by_role("link", name="Back to your homework").click()
    breathing = page.locator("li.homework-card", has=page.get_by_role("heading", name="Breathing practice"))
    expect(breathing).to_contain_text("Last time didn't happen")
    breathing.get_by_role("link", name="Breathing practice", exact=True).click()
    card = page.locator("section.missed-card")
    expect(card.get_by_role("heading", name=re.compile("Last time didn't happen"))).to_be_visible()
    snapshot(page, checks, "client-barriers-missed")
    card.get_by_role("button", name="Not now").click()
    expect(page.locator("section.missed-card")).to_have_count(0)
    assert data["client"].call("GET", breathing_path)["ask_barriers_for"] is None, "'Not now' is not asked again"

    # -- sending part of it (it can still be done late): the same list, once "part" is chosen ---
    partial = page.get_by_role("group", name="What got in the way of the rest?")
    expect(partial).to_be_hidden()
    page.get_by_label("I did part of it").check()
    partial.get_by_label("I didn't have time").check()
    snapshot(page, checks, "client-barriers-partial")
    page.get_by_role("button", name="Send to my clinician").click()
    page.get_by_role("button", name="Yes, send it").click()
    expect(page.get_by_role("heading", level=1, name="Thank you. It's sent.")).to_be_visible()

    # -- a past submission, re-read with the clinician's feedback -------------------------------
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=1, name="What you have sent")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Read again: Breathing practice")).click()
    expect(page.locator(".past-summary")).to_contain_text("I did part of it")
    expect(page.locator(".past-summary")).to_contain_text("I didn't have time")
    page.get_by_role("link", name="Back to the list").click()
    page.get_by_role("link", name=re.compile(r"^Read again: GAD-7 check-in")).click()
    expect(page.get_by_role("heading", level=1, name="GAD-7 check-in")).to_be_visible()
    expect(page.locator(".feedback")).to_contain_text(FEEDBACK)
    answers = page.locator("dl.answers")
    expect(answers).to_contain_text("Several days")
    expect(answers).to_contain_text("Somewhat difficult")
    expect(page.locator("main input, main textarea, main select")).to_have_count(0)  # read-only: nothing to edit
    expect(page.locator(".past-summary")).to_contain_text("4 of 5")
    expect(page.locator(".past-summary")).not_to_contain_text("What got in the way")
    snapshot(page, checks, "client-past-submission-desktop")
    phone.goto(f"{data['link'].split('#')[0]}#/history/{data['submission']}")
    expect(phone.get_by_role("heading", level=1, name="GAD-7 check-in")).to_be_visible()
    expect(phone.locator(".feedback")).to_contain_text(FEEDBACK)
    snapshot(phone, checks, "client-past-submission-phone")

    # -- a note for the next session -----------------------------------------------------------
    page.get_by_role("link", name="Notes").click()
    expect(page.get_by_role("heading", level=1, name="Things I want to talk about")).to_be_visible()
    page.get_by_role("button", name="Add to my list").click()
    expect(page.locator("#session-note-error")).to_have_text("Write a few words first.")
    page.get_by_label("What would you like to talk about?").fill(NOTE)
    page.get_by_role("button", name="Add to my list").click()
    expect(page.locator(".note-list")).to_contain_text(NOTE)
    expect(page.get_by_role("heading", name="Waiting for next session (1)")).to_be_visible()
    snapshot(page, checks, "client-session-notes")
    notes = data["client"].call("GET", "/v1/client/session-notes")["items"]
    assert [note["text"] for note in notes] == [NOTE]

    # -- reminder settings: the searchable time-zone picker, problems next to the field ---------
    phone.get_by_role("link", name="Reminders").click()
    zone = phone.get_by_role("combobox", name="Your time zone")
    expect(zone).to_have_value(re.compile(r"^Etc/GMT"))  # the zone the reminders use now
    zone.fill("Nowhere in particular")
    phone.get_by_role("button", name="Save reminder settings").click()
    expect(phone.locator('[data-path="timezone"] .field-error')).to_have_text(
        "We don't know that time zone. Type the nearest city and pick it from the list.")
    expect(zone).to_be_focused()
    zone.fill("auckl")
    phone.keyboard.press("ArrowDown")
    expect(phone.get_by_role("option", name="Pacific/Auckland")).to_be_visible()
    snapshot(phone, checks, "client-settings-timezone-phone")
    phone.keyboard.press("Enter")
    phone.get_by_role("button", name="Save reminder settings").click()
    expect(phone.locator(".notice-success")).to_contain_text("Saved")
    assert data["client"].call("GET", "/v1/client/me")["timezone"] == "Pacific/Auckland"

    assert checks.steps == 15
