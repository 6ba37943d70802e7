"""PHQ-9's difficulty question in a real browser: hidden while every problem is "Not at all",
shown as soon as one is not, hidden again (and its answer not sent) when that answer goes back.
Screenshots at 390 px: before and after the difficulty question appears."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.browser.test_client_plan import PHONE, clinician_api, midday_time_zone
from tests.browser.test_template_editor import DESKTOP, api_get, question, sign_in


def test_the_difficulty_question_follows_a_problem_and_its_hidden_answer_is_not_sent(stack, new_context, checks):
    clinician = clinician_api(stack)
    client = clinician.call("POST", "/v1/clients", {"display_name": "Kit Follow",
                                                    "timezone": midday_time_zone(datetime.now(UTC))},
                            expect_status=201)
    assignment = clinician.call("POST", f"/v1/clients/{client['client_id']}/assignments", {
        "template_id": "phq-9", "title": "Mood questionnaire", "due_time": "23:59",
        "recurrence": {"frequency": "once"}}, expect_status=201)
    link = clinician.call("POST", f"/v1/clients/{client['client_id']}/access-link", {}, expect_status=201)["url"]

    page = checks.watch(new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page(), "client")
    page.goto(link)
    page.get_by_role("link", name="Start: Mood questionnaire").click()
    expect(page.get_by_role("heading", level=1, name="Mood questionnaire")).to_be_visible()
    difficulty = page.locator('[data-path="difficulty"]')
    expect(difficulty).to_be_hidden()  # nothing answered yet
    for number in range(1, 10):
        page.locator(f"#q-phq9_{number}-0").check()
    expect(difficulty).to_be_hidden()  # every problem "Not at all"
    checks.step(page, "client-difficulty-hidden-390")

    page.locator("#q-phq9_3-1").check()  # "Several days"
    expect(difficulty).to_be_visible()
    expect(page.locator("#announcer")).to_have_text(re.compile(r"^A further question is now shown: If you checked off"))
    expect(difficulty.get_by_role("radio", name="Somewhat difficult")).to_be_visible()
    difficulty.get_by_role("radio", name="Very difficult").check()
    difficulty.scroll_into_view_if_needed()
    page.screenshot(path=str(checks.artifacts / "difficulty-shown-390.png"))
    checks.step(page, "client-difficulty-shown-390")

    page.locator("#q-phq9_3-0").check()  # back to "Not at all": the question goes
    expect(difficulty).to_be_hidden()
    page.get_by_role("button", name="Send to my clinician").click()
    page.get_by_role("button", name="Yes, send it").click()
    expect(page.get_by_role("heading", level=1, name="Thank you. It's sent.")).to_be_visible()

    sent = clinician.call("GET", f"/v1/assignments/{assignment['assignment_id']}/submissions")["items"]
    assert len(sent) == 1
    assert sent[0]["answers"] == {f"phq9_{n}": "not_at_all" for n in range(1, 10)}  # no hidden answer


SLEEP = "How well did you sleep?"
AWAKE = "What kept you awake?"


def test_the_template_editor_sets_one_condition_and_the_preview_follows_it(stack, new_context, checks):
    admin = checks.watch(new_context(viewport=DESKTOP).new_page(), "admin")
    sign_in(admin, stack)
    admin.get_by_role("link", name="Templates").click()
    admin.get_by_role("link", name="New template").click()
    editor = admin.locator("form.editor-form")
    editor.get_by_label("Title", exact=True).fill("Night check")
    sleep = question(editor, 1)
    sleep.get_by_label("Question", exact=True).fill(SLEEP)
    sleep.get_by_label("Kind of answer").select_option("scale")
    expect(sleep.get_by_label("Earlier question")).to_have_count(0)  # nothing above it to depend on
    editor.get_by_role("button", name="Add a question").click()
    awake = question(editor, 2)
    awake.get_by_label("Question", exact=True).fill(AWAKE)
    awake.get_by_label("Kind of answer").select_option("long_text")
    shown_when = awake.get_by_role("group", name="Show this question only when … (optional)")
    shown_when.get_by_label("Earlier question").select_option(label=f"1. {SLEEP}")
    shown_when.get_by_label("Its answer").select_option(label="is at most")
    shown_when.get_by_label("This number").fill("3")

    preview = admin.locator(".preview-body")
    expect(preview.get_by_text(SLEEP)).to_be_visible()
    expect(preview.get_by_text(AWAKE)).to_be_hidden()  # the scale is not answered yet
    checks.step(admin, "admin-template-editor-condition")
    editor.get_by_role("button", name="Create template").click()
    expect(admin.locator(".te-status .notice-success")).to_contain_text("Saved “Night check”, version 1.")
    template_id = admin.url.rsplit("/", 1)[1]
    items = api_get(admin, stack, f"/v1/templates/{template_id}")["content"]["items"]
    assert items[1]["enable_when"] == [{"question": items[0]["id"], "operator": "<=", "answer": 3}]
    assert not items[0].get("enable_when")
