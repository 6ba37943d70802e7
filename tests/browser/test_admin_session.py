"""The clinician's admin page built for the session, in a real browser against the local stack:
assign with a plan through the steps (template → personalise → plan → review), problems shown as
sentences next to the right field (from the page and from the API), edit the assignment and its
plan with their history, edit the client with the searchable time-zone picker, the plan flagged
when the client's confidence is low, the session review on one laptop screen, on a phone and on
A4, marked reviewed, and the practice's confidence threshold.

The client's side (their plan, a skip with barriers, submissions, a note) is done through the API
with their access link: the client page has its own browser tests. Every page state is checked
by the conftest's Checks (axe: no serious or critical violation; no console error; no request
outside the local stack); screenshots go to test-artifacts/browser/ under the names below.
"""
from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import BLOCKING_IMPACTS, Checks

DESKTOP = {"width": 1280, "height": 900}
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
TIMEOUT = 15
CLIENT_NAME = "Jordan Plan"
WHAT_WOULD_HELP = "A shorter version on busy days"
NOTE = "Can we talk about my sister's visit?"


def midday_time_zone(now: datetime) -> str:
    """A fixed-offset zone where it is around midday now, so homework due 23:59 today is open
    whatever time the suite runs (Etc/GMT-N is N hours *ahead* of UTC)."""
    offset = max(-11, min(12, 12 - now.hour))
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def step(page: Page, checks: Checks, name: str, *, full_page: bool = True, refused: int | None = None) -> None:
    """Like Checks.step, with the screenshot named `name`.png. `refused`: the status of a request
    the step provoked on purpose (Chromium logs every failed response as a console error)."""
    checks.steps += 1
    if refused is not None:
        expected = f"the server responded with a status of {refused}"
        checks.console_errors[:] = [error for error in checks.console_errors if expected not in error]
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(checks.artifacts / f"{name}.png"), full_page=full_page)
    blocking = [v for v in checks.axe(page) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe, step {name}:\n" + json.dumps(
        [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
         for v in blocking], indent=1)
    assert not checks.console_errors, f"console errors by step {name}: {checks.console_errors}"
    assert not checks.foreign_requests, f"requests outside the local stack by step {name}: {checks.foreign_requests}"


def no_paths_or_jargon(page: Page) -> None:
    """Problems read as sentences: never a field path, never the API's summary line."""
    text = page.locator("main").inner_text()
    assert "invalid fields" not in text
    assert not re.search(r"\b(plan|recurrence|reminders|obstacles)(\.[a-z_]|\[\d)", text), text
    assert "body." not in text


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: Any = None, *, expect_status: int = 200) -> Any:
        response = requests.request(method, f"{self.base}{path}", json=body, timeout=TIMEOUT, headers={
            "Authorization": f"Bearer {self.token}", "Idempotency-Key": str(uuid.uuid4())})
        assert response.status_code == expect_status, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None


def owner(stack: dict[str, Any]) -> dict[str, str]:
    return next(login for login in stack["logins"] if login["role"] == "owner")


def sign_in(page: Page, stack: dict[str, Any]) -> None:
    login = owner(stack)
    page.goto(stack["web_admin"])
    page.get_by_label("Email address").fill(login["email"])
    page.get_by_label("Password").fill(login["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Caseload")).to_be_visible()


def client_side(stack: dict[str, Any], client_id: str, planned_id: str) -> None:
    """What the client does between sessions, through the API: two PHQ-9s showing change (the first
    with a risk answer), a skipped thought record with barriers, their confidence set to 4 with what
    would help, and a note for the session. The clinician rates one PHQ-9."""
    login = owner(stack)
    token = requests.post(f"{stack['api']}/v1/auth/login", timeout=TIMEOUT,
                          json={"email": login["email"], "password": login["password"]}).json()["access_token"]
    clinician = Api(stack["api"], token)
    first = clinician.call("POST", f"/v1/clients/{client_id}/assignments",
                           {"template_id": "phq-9", "title": "PHQ-9 this week", "due_time": "23:59"}, expect_status=201)
    second = clinician.call("POST", f"/v1/clients/{client_id}/assignments",
                            {"template_id": "phq-9", "due_time": "23:59", "recurrence": {"frequency": "daily"},
                             "override_recall_period": True, "override_reason": "Daily check-in agreed with the client"}, expect_status=201)
    link = clinician.call("POST", f"/v1/clients/{client_id}/access-link", {}, expect_status=201)
    client = Api(stack["api"], link["url"].split("#token=")[1])
    high = {f"phq9_{number}": "more_than_half_the_days" for number in range(1, 10)}
    high["phq9_9"] = "several_days"
    low = {f"phq9_{number}": "several_days" for number in range(1, 10)}
    low["phq9_9"] = "not_at_all"
    client.call("POST", f"/v1/client/assignments/{first['assignment_id']}/submissions",
                {"answers": high, "rating": 2}, expect_status=201)
    sent = client.call("POST", f"/v1/client/assignments/{second['assignment_id']}/submissions",
                       {"answers": low, "rating": 4, "note_for_session": "Sleep was better this week."}, expect_status=201)
    clinician.call("POST", f"/v1/submissions/{sent['submission_id']}/review",
                   {"feedback": "A big drop: well done.", "quality_rating": 5})
    client.call("POST", f"/v1/client/assignments/{planned_id}/skip",
                {"barriers": ["no_time", "forgot", "other"], "other": "Work ran late."})
    plan = client.call("GET", f"/v1/client/assignments/{planned_id}/plan")
    changed = client.call("PATCH", f"/v1/client/assignments/{planned_id}/plan",
                          {"confidence": 4, "what_would_help": WHAT_WOULD_HELP, "version": plan["version"]})
    assert changed["needs_adjustment"] is True
    client.call("POST", "/v1/client/session-notes", {"text": NOTE}, expect_status=201)


def test_clinician_session_workflow(stack: dict[str, Any], new_context: Any, checks: Checks) -> None:
    context = new_context(viewport=DESKTOP)
    page = checks.watch(context.new_page(), "admin")
    sign_in(page, stack)

    # -- a new client, the time zone chosen with the keyboard from the searchable picker ----------
    zone = page.get_by_role("combobox", name="Client's time zone")
    expect(zone).not_to_have_value("")  # starts from the browser's own zone
    zone.fill("tokyo")
    listbox = page.get_by_role("listbox", name="Time zones")
    expect(listbox).to_be_visible()
    expect(zone).to_have_attribute("aria-expanded", "true")
    zone.press("ArrowDown")
    expect(zone).to_have_attribute("aria-activedescendant", re.compile(r"-opt-0$"))
    zone.press("Enter")
    expect(zone).to_have_value("Asia/Tokyo")
    expect(listbox).to_be_hidden()
    expect(page.get_by_text(re.compile(r"^Time there now: "))).to_be_visible()
    step(page, checks, "admin-caseload-new-client")
    zone.fill(midday_time_zone(datetime.now(UTC)))
    page.get_by_label("Name the client goes by").fill(CLIENT_NAME)
    page.get_by_label("Email (optional)").fill("jordan@client.example.com")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", level=1, name=CLIENT_NAME)).to_be_visible()
    client_id = page.url.rsplit("/", 1)[1]

    # -- assign with a plan, step by step -------------------------------------------------------
    page.get_by_role("link", name="Assign homework").first.click()
    expect(page.get_by_role("heading", level=1, name=f"Assign homework to {CLIENT_NAME}")).to_be_visible()
    form = page.locator("form.assign-form")
    steps = form.get_by_role("navigation", name="Steps")
    expect(steps.get_by_role("button", name="1 Template")).to_have_attribute("aria-current", "step")
    form.get_by_role("button", name="Next").click()
    summary = form.locator(".error-summary")
    expect(summary).to_contain_text("Template: Choose a template.")
    expect(form.locator('[data-field="template_id"] .field-error')).to_have_text("Choose a template.")
    expect(form.get_by_label("Template")).to_have_attribute("aria-invalid", "true")
    step(page, checks, "admin-assign-1-template-error")
    form.get_by_label("Template").select_option(label="Thought record")
    expect(form.locator(".template-about")).not_to_be_empty()
    step(page, checks, "admin-assign-1-template")
    form.get_by_role("button", name="Next").click()

    expect(form.get_by_role("heading", level=2, name=re.compile("Make it this client's"))).to_be_focused()
    expect(form.get_by_label("Title the client sees")).to_have_value("Thought record")
    form.get_by_label("Title the client sees").fill("Catch one thought a day")
    form.get_by_label("How often").select_option("weekly")
    form.get_by_role("button", name="Next").click()
    expect(summary).to_contain_text("On these days: Choose at least one day for weekly homework.")
    expect(form.locator('[data-field="recurrence.weekdays"] .field-error')).to_have_text("Choose at least one day for weekly homework.")
    summary.get_by_role("link").click()
    expect(form.get_by_label("Mon", exact=True)).to_be_focused()
    no_paths_or_jargon(page)
    step(page, checks, "admin-assign-2-personalise-error")
    form.get_by_label("How often").select_option("daily")
    form.get_by_label("Due by (time)").fill("23:59")
    expect(form.get_by_label("Send reminders for this homework")).to_be_checked()
    form.get_by_label("Reminder time").fill("09:00")
    step(page, checks, "admin-assign-2-personalise")
    form.get_by_role("button", name="Next").click()
    expect(summary).to_have_count(0)

    expect(form.get_by_role("heading", level=2, name=re.compile("Plan it together"))).to_be_focused()
    form.get_by_label("Why this homework").fill("Catching the thought is the first step to questioning it.")
    when_where = form.get_by_label("When and where it will happen")
    expect(when_where).to_have_attribute("placeholder", re.compile("after breakfast, at the kitchen table, on weekdays"))
    when_where.fill("After dinner, on the sofa, every evening")
    form.get_by_label("The first small step").fill("Open the link and read the first question")
    add = form.get_by_role("button", name=re.compile(r"^Add (an|another) obstacle$"))
    for _ in range(5):
        add.click()
    expect(form.locator(".obstacle-row")).to_have_count(5)
    expect(add).to_be_disabled()
    for number in (5, 4, 3):
        form.get_by_role("button", name=f"Remove obstacle {number}").click()
    expect(form.locator(".obstacle-row")).to_have_count(2)
    obstacles = form.locator(".obstacle-row")
    obstacles.nth(0).get_by_label("If").fill("I get home late and tired")
    obstacles.nth(0).get_by_label("then I will").fill("write one line before bed")
    obstacles.nth(1).get_by_label("If").fill("I can't find a thought")
    obstacles.nth(1).get_by_label("then I will").fill("note the moment my mood dropped")
    confidence = form.get_by_label("How confident is the client that they will do it?")
    expect(form.locator(".confidence-readout")).to_have_text("Not set yet")
    confidence.fill("6")
    expect(form.locator(".confidence-readout")).to_have_text("6 out of 10")
    expect(form.get_by_label("What would make it easier?")).to_be_visible()  # under the practice's 7
    step(page, checks, "admin-assign-3-plan")
    form.get_by_role("button", name="Next").click()

    review = form.locator(".assign-review")
    expect(review).to_contain_text("Catch one thought a day")
    expect(review).to_contain_text("Every day, due 23:59")
    expect(review).to_contain_text("If I get home late and tired, then I will write one line before bed")
    expect(review).to_contain_text("6 out of 10")
    # Back and Next keep what was typed.
    form.get_by_role("button", name="Back").click()
    form.get_by_role("button", name="Back").click()
    expect(form.get_by_label("Title the client sees")).to_have_value("Catch one thought a day")
    steps.get_by_role("button", name="3 Plan").click()
    expect(form.get_by_label("The first small step")).to_have_value("Open the link and read the first question")

    # The API's problems land next to the field they are about, named by its label.
    too_long = obstacles.nth(0).get_by_label("then I will")
    too_long.evaluate("input => input.removeAttribute('maxlength')")
    too_long.fill("x" * 301)
    form.get_by_role("button", name="Next").click()
    form.get_by_role("button", name="Assign homework").click()
    expect(summary).to_contain_text("Obstacle 1: then I will: Use at most 300 characters.")
    expect(too_long).to_be_visible()  # the plan step is shown again
    expect(too_long).to_have_attribute("aria-invalid", "true")
    expect(form.locator(".obstacle-row").nth(0).locator(".field.has-error .field-error")).to_have_text("Use at most 300 characters.")
    no_paths_or_jargon(page)
    step(page, checks, "admin-assign-server-error", refused=422)
    too_long.fill("write one line before bed")
    form.get_by_role("button", name="Next").click()
    expect(summary).to_have_count(0)
    step(page, checks, "admin-assign-4-review")
    form.get_by_role("button", name="Assign homework").click()

    expect(page.get_by_role("heading", level=1, name=CLIENT_NAME)).to_be_visible()
    expect(page.get_by_text("“Catch one thought a day” is assigned.")).to_be_visible()
    card = page.locator("article", has=page.get_by_role("heading", level=3, name="Catch one thought a day"))
    expect(card.locator(".plan-block summary")).to_contain_text("confidence 6/10")
    card.locator(".plan-block summary").click()
    expect(card.locator(".plan-summary")).to_contain_text("After dinner, on the sofa, every evening")

    # -- edit the assignment and its plan ------------------------------------------------------
    card.get_by_role("link", name=re.compile("^Edit homework and plan")).click()
    expect(page.get_by_role("heading", level=1, name="Edit: Catch one thought a day")).to_be_visible()
    details = page.locator("form", has=page.get_by_role("heading", name="The homework"))
    details.get_by_role("button", name="Save changes").click()
    expect(details).to_contain_text("Nothing has changed yet.")
    details.get_by_label("Title the client sees").fill("Catch one upsetting thought a day")
    details.get_by_label("Due by (time)").fill("22:30")
    details.get_by_role("button", name="Save changes").click()
    expect(details.get_by_text(re.compile(r"^Saved\. "))).to_be_visible()
    expect(details.locator(".history-list li").first).to_contain_text(re.compile(r"^Title and due time changed by you, "))
    expect(details.locator(".history-list li").first).to_contain_text("“Catch one thought a day”")
    plan_form = page.locator("form#plan")
    plan_form.get_by_label("The first small step").fill("Open the link after dinner")
    plan_form.get_by_role("button", name="Save the plan").click()
    expect(plan_form.get_by_text("The plan is saved.")).to_be_visible()
    history = plan_form.locator(".history-list li")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text(re.compile(r"^The first small step changed by you, "))
    expect(history.last).to_contain_text(re.compile(r"^Plan written by you, "))
    step(page, checks, "admin-edit-assignment")
    planned_id = page.url.rsplit("/", 1)[1]

    # -- between sessions: the client finds it hard (confidence 4) and tells us ---------------
    client_side(stack, client_id, planned_id)
    page.get_by_role("link", name=f"← {CLIENT_NAME}").click()
    expect(page.locator("article.alert-item")).to_contain_text("answered “Several days”")
    flag = page.locator(".plan-flag").first
    expect(flag).to_contain_text("Plan needs adjusting: confidence 4/10")
    expect(flag).to_contain_text(WHAT_WOULD_HELP)
    step(page, checks, "admin-client-plan-flag")
    page.get_by_role("link", name="Caseload", exact=True).click()
    row = page.locator("tr", has=page.get_by_role("link", name=CLIENT_NAME))
    expect(row.locator(".plan-flag-link")).to_contain_text("Plan needs adjusting: confidence 4/10")
    expect(row).to_contain_text(WHAT_WOULD_HELP)
    step(page, checks, "admin-caseload-plan-flag")
    row.get_by_role("link", name=CLIENT_NAME).click()

    # -- edit the client's details -------------------------------------------------------------
    page.get_by_role("link", name="Edit details").click()
    expect(page.get_by_role("heading", level=1, name=f"Edit details: {CLIENT_NAME}")).to_be_visible()
    expect(page.get_by_role("combobox", name="Client's time zone")).to_have_value(midday_time_zone(datetime.now(UTC)))
    page.get_by_label("Name the client goes by").fill("Jordan P")
    mobile = page.get_by_label("Mobile number (optional)")
    mobile.fill("12345")  # the page names what is wrong before asking the API
    page.get_by_role("button", name="Save details").click()
    phone_field = page.locator('[data-field="phone"]')
    expect(phone_field).to_have_class(re.compile("has-error"))
    expect(phone_field.locator(".field-error")).to_have_text(re.compile(r"^Enter the number with its country code"))
    expect(page.locator(".error-summary")).to_contain_text("Mobile number: Enter the number with its country code")
    mobile.fill("+44 7700 900123")  # the right shape, but no such number: the API says so
    page.get_by_role("button", name="Save details").click()
    expect(phone_field.locator(".field-error")).to_have_text("This phone number does not exist; check the digits.")
    expect(page.locator(".error-summary")).to_contain_text("Mobile number: This phone number does not exist; check the digits.")
    expect(mobile).to_have_attribute("aria-invalid", "true")
    no_paths_or_jargon(page)
    step(page, checks, "admin-edit-client-error", refused=422)
    page.get_by_label("Mobile number (optional)").fill("+44 7911 123456")
    page.get_by_label("Usual reminder time").fill("19:00")
    page.get_by_label("No reminders during these hours").check()
    page.get_by_label("Quiet from").fill("22:00")
    page.get_by_label("Quiet until").fill("07:00")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("heading", level=1, name="Jordan P")).to_be_visible()
    expect(page.get_by_text("Jordan P's details are saved.")).to_be_visible()
    client_details = page.locator("section", has=page.get_by_role("heading", name="Details"))
    expect(client_details).to_contain_text("+447911123456")
    expect(client_details).to_contain_text("22:00–07:00")
    step(page, checks, "admin-edit-client-saved")

    # -- the session review: one laptop screen, a phone, and A4 ---------------------------------
    page.set_viewport_size(LAPTOP)
    page.get_by_role("link", name="Prepare for session").click()
    expect(page.get_by_role("heading", level=1, name="Session review: Jordan P")).to_be_visible()
    main = page.locator("main")
    homework = page.locator(".review-homework")
    expect(homework).to_contain_text("Catch one upsetting thought a day")
    expect(homework.locator("tr", has_text="Catch one upsetting thought a day")).to_contain_text("4/10")
    expect(page.locator(".review-barriers")).to_contain_text("No time")
    expect(page.locator(".review-barriers")).to_contain_text("Work ran late.")
    expect(page.locator(".review-scores")).to_contain_text("Improved: down 9 points, a reliable change.")
    expect(page.locator(".review-alerts")).to_contain_text("answered “Several days”")
    expect(page.locator(".review-notes")).to_contain_text(NOTE)
    expect(page.locator(".review-notes")).to_contain_text("Sleep was better this week.")
    expect(page.locator(".review-plans")).to_contain_text("plan needs adjusting")
    expect(main).to_contain_text("Plan needs adjusting: confidence 4/10")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height <= LAPTOP["height"], f"the review needs {height}px, more than one 1366×768 screen"
    step(page, checks, "admin-session-review-desktop", full_page=False)

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 703, "height": 1000})  # A4 less 12 mm margins, at 96 dpi
    assert page.evaluate("""() => [...document.querySelectorAll('.review-section')].every(
        (section) => section.scrollWidth <= section.clientWidth + 1)"""), "a section of the review is wider than A4"
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Mark reviewed")).to_be_hidden()
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    page.screenshot(path=str(checks.artifacts / "admin-session-review-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (checks.artifacts / "admin-session-review.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the review prints on {pages} A4 pages"
    page.emulate_media(media="screen")

    page.set_viewport_size(PHONE)
    expect(page.locator(".review-homework")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], "the review scrolls sideways at 390 px"
    step(page, checks, "admin-session-review-390")
    page.set_viewport_size(DESKTOP)

    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_text(re.compile(r"^Marked reviewed .*The next review starts from here\."))).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Session review: Jordan P")).to_be_visible()
    expect(page.locator(".review-period")).to_contain_text("Last marked reviewed")
    expect(page.get_by_label("Period")).to_have_value("last")
    expect(page.get_by_label("Period").locator("option:checked")).to_contain_text("Since the last review")
    page.get_by_label("Period").select_option("28")
    expect(page.locator(".review-scores")).to_contain_text("Improved")
    step(page, checks, "admin-session-review-28-days")

    # -- the assign steps on a phone ------------------------------------------------------------
    page.set_viewport_size(PHONE)
    page.goto(f"{stack['web_admin']}#/clients/{client_id}/assign")
    form.get_by_label("Template").select_option(label="Mood diary")
    form.get_by_role("button", name="Next").click()
    form.get_by_role("button", name="Next").click()
    expect(form.get_by_label("Why this homework")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], "the assign steps scroll sideways at 390 px"
    step(page, checks, "admin-assign-3-plan-390")
    page.set_viewport_size(DESKTOP)

    # -- the practice's confidence threshold (owners and admins) --------------------------------
    page.get_by_role("link", name="Clinicians").click()
    threshold = page.get_by_label("Plan confidence threshold")
    expect(threshold).to_have_value("7")
    threshold.fill("11")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".error-summary")).to_contain_text("Plan confidence threshold: Choose a whole number from 1 to 10.")
    threshold.fill("6")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Saved. Plans are flagged when confidence is below 6 out of 10.")).to_be_visible()
    step(page, checks, "admin-practice-settings")
    threshold.fill("7")  # the stack is shared with the other browser tests
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Saved. Plans are flagged when confidence is below 7 out of 10.")).to_be_visible()

    # The risk alert is acknowledged from the review's link (the other stories expect none open).
    page.goto(f"{stack['web_admin']}#/clients/{client_id}/review")
    page.get_by_role("link", name="Acknowledge on the alerts page").click()
    alert = page.locator("article.alert-item", has=page.get_by_role("link", name="Jordan P"))
    alert.get_by_label("Note").fill("Phoned Jordan; safety plan reviewed.")
    alert.get_by_role("button", name="Acknowledge").click()
    expect(alert).to_have_count(0)
