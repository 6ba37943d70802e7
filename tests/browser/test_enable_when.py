"""PHQ-9's difficulty question in a real browser: hidden while every problem is "Not at all",
shown as soon as one is not, hidden again (and its answer not sent) when that answer goes back.
Screenshots at 390 px: before and after the difficulty question appears."""
from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.browser.test_client_plan import PHONE, clinician_api, midday_time_zone


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
