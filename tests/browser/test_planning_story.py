"""Issue #11's story in a real browser: the clinician assigns homework with a plan through the
assign steps (template, personalise, plan, review), the client opens their link in a fresh
browser on a phone and lowers their confidence (and is asked, kindly, what would make it
easier) and adds a note for the next session, and the clinician opens the session review,
where the plan is flagged for adjusting and the note waits.

Every page state is checked by `Checks` (axe, console, no foreign requests); the screenshots a
person looks for are saved under their own names: story-assign-plan-*.png,
story-client-plan-390.png (and -desktop), story-session-review-desktop.png / -390.png.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import Checks

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

CLIENT_NAME = "Riley Story"
TITLE = "Thought record: Monday meetings"
RATIONALE = "Noticing the thought behind the dread is how we start to question it."
WHEN_WHERE = "After dinner, at the kitchen table, on weekdays"
FIRST_STEP = "Write one line about the situation"
OBSTACLE = "I get home late and tired"
RESPONSE = "Fill in just the situation and the feeling"
WHAT_WOULD_HELP = "A shorter version for the nights I work late."
NOTE = "I want to talk about the work presentation next week."


def midday_time_zone(now: datetime) -> str:
    """A fixed-offset zone where it is around midday now, so today's homework is open whatever
    time the suite runs (Etc/GMT-N is N hours *ahead* of UTC)."""
    offset = max(-11, min(12, 12 - now.hour))
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def owner_login(stack: dict[str, Any]) -> dict[str, str]:
    return next(login for login in stack["logins"] if login["role"] == "owner")


def snapshot(page: Page, checks: Checks, name: str) -> None:
    """The usual step checks, and a screenshot under a name a person can find."""
    checks.step(page, name)
    page.screenshot(path=str(checks.artifacts / f"{name}.png"), full_page=True)


def step_heading(page: Page, text: str) -> None:
    expect(page.locator("form.assign-form .step:not([hidden]) .step-title")).to_contain_text(text)


def confidence_to(page: Page, label: str, value: int) -> None:
    slider = page.get_by_label(label)
    slider.focus()
    page.keyboard.press("Home")
    for _ in range(value):
        page.keyboard.press("ArrowRight")
    expect(slider).to_have_value(str(value))


def test_assign_with_a_plan_client_lowers_confidence_clinician_reviews(stack: dict[str, Any], new_context: Any,
                                                                       checks: Checks) -> None:
    login = owner_login(stack)

    # -- the clinician signs in and adds a client -------------------------------------------
    admin = checks.watch(new_context(viewport=DESKTOP).new_page(), "admin")
    admin.goto(stack["web_admin"])
    admin.get_by_label("Email address").fill(login["email"])
    admin.get_by_label("Password").fill(login["password"])
    admin.get_by_role("button", name="Sign in").click()
    expect(admin.get_by_role("heading", level=1, name="Caseload")).to_be_visible()
    admin.get_by_label("Name the client goes by").fill(CLIENT_NAME)
    admin.get_by_label("Client's time zone").fill(midday_time_zone(datetime.now(UTC)))
    admin.get_by_label("Email (optional)").fill("riley@client.example.com")
    admin.get_by_role("button", name="Add client").click()
    expect(admin.get_by_role("heading", level=1, name=CLIENT_NAME)).to_be_visible()

    # -- assign, step by step: template -> personalise -> plan -> review --------------------
    admin.get_by_role("link", name="Assign homework").first.click()
    expect(admin.get_by_role("heading", level=1, name=f"Assign homework to {CLIENT_NAME}")).to_be_visible()
    form = admin.locator("form.assign-form")
    step_heading(admin, "Choose the homework")
    form.get_by_role("button", name="Next").click()  # nothing chosen: said next to the field
    expect(form.locator('[data-field="template_id"]')).to_contain_text("Choose a template.")
    form.get_by_label("Template").select_option(label="Thought record")
    snapshot(admin, checks, "story-assign-plan-1-template")
    form.get_by_role("button", name="Next").click()

    step_heading(admin, "Make it this client's")
    title = form.get_by_label("Title the client sees")
    expect(title).to_have_value("Thought record")
    title.fill(TITLE)
    form.get_by_label("How often").select_option("daily")
    form.get_by_label("Due by (time)").fill("23:59")
    snapshot(admin, checks, "story-assign-plan-2-personalise")
    form.get_by_role("button", name="Next").click()

    step_heading(admin, "Plan it together")
    form.get_by_label("Why this homework").fill(RATIONALE)
    form.get_by_label("When and where it will happen").fill(WHEN_WHERE)
    form.get_by_label("The first small step").fill(FIRST_STEP)
    form.get_by_role("button", name="Add an obstacle").click()
    form.get_by_label("If", exact=True).fill(OBSTACLE)
    form.get_by_label("then I will", exact=True).fill(RESPONSE)
    confidence_to(admin, "How confident is the client that they will do it?", 7)
    expect(form.locator(".confidence-readout")).to_have_text("7 out of 10")
    expect(form.get_by_label("What would make it easier?")).to_be_hidden()  # 7 is not low
    snapshot(admin, checks, "story-assign-plan-3-plan")
    admin.set_viewport_size(PHONE)
    snapshot(admin, checks, "story-assign-plan-3-plan-390")
    admin.set_viewport_size(DESKTOP)
    form.get_by_role("button", name="Next").click()

    step_heading(admin, "Check and assign")
    review_step = form.locator(".assign-review")
    for text in (TITLE, "Every day", RATIONALE, WHEN_WHERE, FIRST_STEP, f"If {OBSTACLE}, then I will {RESPONSE}",
                 "7 out of 10"):
        expect(review_step).to_contain_text(text)
    snapshot(admin, checks, "story-assign-plan-4-review")
    form.get_by_role("button", name="Assign homework").click()

    expect(admin.get_by_role("heading", level=1, name=CLIENT_NAME)).to_be_visible()
    expect(admin.get_by_text(f"“{TITLE}” is assigned.")).to_be_visible()
    homework = admin.locator("article", has=admin.get_by_role("heading", level=3, name=TITLE))
    expect(homework).to_contain_text("confidence 7/10")
    snapshot(admin, checks, "story-assign-plan-5-assigned")

    admin.get_by_role("button", name="Create link", exact=True).click()
    link = admin.get_by_label("The client's link")
    expect(link).to_have_value(re.compile(r"/client/#token=[A-Za-z0-9_-]{20,}$"))
    client_link = link.input_value()

    # -- the client, in a fresh browser on a phone: the plan above the worksheet ----------------
    phone = checks.watch(new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page(), "client")
    phone.goto(client_link)
    expect(phone.get_by_role("heading", level=1, name="Hello, Riley")).to_be_visible()
    phone.get_by_role("link", name=TITLE).first.click()
    plan = phone.locator("section.plan")
    expect(plan.get_by_role("heading", name="Your plan")).to_be_visible()
    for text in (RATIONALE, WHEN_WHERE, FIRST_STEP, "7 out of 10"):
        expect(plan).to_contain_text(text)

    plan.get_by_role("button", name="Edit my plan").click()
    confidence_to(phone, "How sure are you that you'll do it?", 4)
    expect(phone.locator(".confidence-readout")).to_have_text("4 out of 10")
    phone.get_by_role("button", name="Save my plan").click()
    kind = phone.get_by_role("textbox", name="That's OK. What would make it easier?")
    expect(kind).to_be_visible()
    expect(plan.locator(".plan-view")).to_contain_text("4 out of 10")
    kind.fill(WHAT_WOULD_HELP)
    plan.get_by_role("button", name="Send").click()
    expect(kind).to_have_count(0)
    expect(plan.locator(".plan-view")).to_contain_text(WHAT_WOULD_HELP)
    plan_box, form_box = plan.bounding_box(), phone.locator("form.homework-form").bounding_box()
    assert plan_box and form_box and plan_box["y"] < form_box["y"], "the plan sits above the worksheet"
    snapshot(phone, checks, "story-client-plan-390")
    phone.set_viewport_size(DESKTOP)
    snapshot(phone, checks, "story-client-plan-desktop")
    phone.set_viewport_size(PHONE)

    # -- and something to talk about next time ---------------------------------------------------
    phone.get_by_role("link", name="Notes").click()
    expect(phone.get_by_role("heading", level=1, name="Things I want to talk about")).to_be_visible()
    phone.get_by_label("What would you like to talk about?").fill(NOTE)
    phone.get_by_role("button", name="Add to my list").click()
    expect(phone.get_by_text("Added. Your clinician will see it too.")).to_be_visible()

    # -- the clinician opens the session review -------------------------------------------------
    admin.reload()
    expect(admin.get_by_role("heading", level=1, name=CLIENT_NAME)).to_be_visible()
    expect(admin.locator(".plan-flag").first).to_contain_text("Plan needs adjusting: confidence 4/10")
    admin.get_by_role("link", name="Prepare for session").click()
    expect(admin.get_by_role("heading", level=1, name=f"Session review: {CLIENT_NAME}")).to_be_visible()
    flag = admin.locator(".plan-flag")
    expect(flag).to_contain_text("Plan needs adjusting: confidence 4/10")
    expect(flag).to_contain_text(TITLE)
    assigned = admin.locator("table", has=admin.get_by_role("row", name=re.compile(re.escape(TITLE))))
    expect(assigned.get_by_role("row", name=re.compile(re.escape(TITLE)))).to_contain_text("4/10")
    plans = admin.locator("section, div", has=admin.get_by_role("heading", name="Plans and confidence")).last
    expect(plans).to_contain_text("7 → 4 (client")
    expect(plans).to_contain_text(WHEN_WHERE)
    notes = admin.locator("section, div", has=admin.get_by_role("heading", name="The client's notes for the session")).last
    expect(notes).to_contain_text(NOTE)
    snapshot(admin, checks, "story-session-review-desktop")
    admin.set_viewport_size(PHONE)
    expect(admin.get_by_role("heading", level=1, name=f"Session review: {CLIENT_NAME}")).to_be_visible()
    snapshot(admin, checks, "story-session-review-390")
    admin.set_viewport_size(DESKTOP)

    # -- "Adjust the plan" leads to the plan, with the client's own words ---------------------
    flag.get_by_role("link", name="Adjust the plan").click()
    expect(admin.get_by_text(WHAT_WOULD_HELP).first).to_be_visible()
    snapshot(admin, checks, "story-adjust-plan")
