"""The whole story in a real browser: a clinician sets a client up, the client does their
homework on a phone, the clinician follows up, and the client reads the feedback."""
from __future__ import annotations

import json
import re
from pathlib import Path
from datetime import datetime, UTC
from typing import Any

from playwright.sync_api import Page, expect

from devstack.processes import REPO_ROOT
from tests.browser.conftest import Checks

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
LIBRARY = REPO_ROOT / "chalicelib" / "homework" / "library"


def midday_time_zone(now: datetime) -> str:
    """A fixed-offset zone where it is around midday now, so today's daily homework is open
    whatever time the suite runs (Etc/GMT-N is N hours *ahead* of UTC)."""
    offset = max(-11, min(12, 12 - now.hour))
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def owner_login(stack: dict[str, Any]) -> dict[str, str]:
    return next(login for login in stack["logins"] if login["role"] == "owner")


PHQ9_STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
OWN_WORDS = "Fill this in on the evening before our session."
DAILY_REASON = "Daily for two weeks while the medication changes, agreed with the GP"


def assign(page: Page, template_title: str, checks: Checks, step: str, recall_days: int | None = None) -> None:
    page.get_by_role("link", name="Assign homework").first.click()
    form = page.locator("form.assign-form")
    form.get_by_label("Template").select_option(label=template_title)
    form.get_by_role("button", name="Next").click()
    expect(form.get_by_label("Title the client sees")).to_have_value(template_title)
    if recall_days:
        # A measure: its recall period is said, the schedule starts from one that fits, and the
        # template's own instructions are shown beside the clinician's, not copied into them.
        expect(form.locator(".recall-note")).to_contain_text(
            f"asks about the last 2 weeks, so it can be sent at most every {recall_days} days")
        expect(form.get_by_label("How often")).to_have_value("every_n_days")
        expect(form.get_by_label("Every how many days")).to_have_value(str(recall_days))
        expect(form.locator(".template-stem")).to_contain_text(PHQ9_STEM)
        expect(form.get_by_label("Your instructions for this client")).to_have_value("")
        form.get_by_label("Your instructions for this client").fill(OWN_WORDS)
        form.get_by_label("How often").select_option("daily")
        warning = form.locator(".recall-warning")
        expect(warning).to_contain_text("This schedule sends it every day.")
        form.get_by_role("button", name="Next").click()  # refused until the clinician chooses to
        expect(form.locator('[data-field="override_recall_period"] .field-error')).to_contain_text(
            "tick “Send more often anyway” and say why")
        form.get_by_label("Send more often anyway").check()
        form.get_by_label("Why send it more often?").fill(DAILY_REASON)
        form.get_by_label("Due by (time)").fill("23:59")
        page.screenshot(path=str(checks.artifacts / "admin-assign-phq9-recall.png"), full_page=True)
    form.get_by_label("How often").select_option("daily")
    form.get_by_label("Due by (time)").fill("23:59")
    expect(form.get_by_label("Send reminders for this homework")).to_be_checked()
    form.get_by_label("Reminder time").fill("09:00")
    checks.step(page, step)
    form.get_by_role("button", name="Next").click()  # the plan: left for the client
    form.get_by_role("button", name="Next").click()
    form.get_by_role("button", name="Assign homework").click()
    expect(page.get_by_role("heading", level=3, name=re.compile(re.escape(template_title.split(":")[0])))).to_be_visible()


def test_clinician_and_client_story(stack: dict[str, Any], new_context: Any, checks: Checks) -> None:
    login = owner_login(stack)
    client_name = "Robin Example"
    phq9 = json.loads((LIBRARY / "phq-9.json").read_text())
    thought_record = json.loads((LIBRARY / "thought-record.json").read_text())
    crisis_message = phq9["scoring"]["risk"][0]["message"]

    # -- the clinician signs in, adds a client, assigns homework and copies the link ----------
    admin_context = new_context(viewport=DESKTOP)
    admin_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack["web_admin"].split("/admin")[0])
    admin = checks.watch(admin_context.new_page(), "admin")
    admin.goto(stack["web_admin"])
    expect(admin.get_by_role("heading", name="Sign in")).to_be_visible()
    checks.step(admin, "admin-sign-in")
    admin.get_by_label("Email address").fill(login["email"])
    admin.get_by_label("Password").fill(login["password"])
    admin.get_by_role("button", name="Sign in").click()
    expect(admin.get_by_role("heading", level=1, name="Caseload")).to_be_visible()
    checks.step(admin, "admin-caseload")

    admin.get_by_label("Name the client goes by").fill(client_name)
    admin.get_by_label("Client's time zone").fill(midday_time_zone(datetime.now(UTC)))
    admin.get_by_label("Email (optional)").fill("robin@client.example.com")
    admin.get_by_role("button", name="Add client").click()
    expect(admin.get_by_role("heading", level=1, name=client_name)).to_be_visible()
    checks.step(admin, "admin-new-client")

    assign(admin, phq9["title"], checks, "admin-assign-phq9", recall_days=phq9["scoring"]["recall_period_days"])
    assign(admin, thought_record["title"], checks, "admin-assign-thought-record")
    homework = admin.locator("section", has=admin.get_by_role("heading", level=2, name="Homework"))
    expect(homework.get_by_text("Every day, due 23:59 · reminders on").first).to_be_visible()
    expect(homework.get_by_text("Every day, due 23:59 · reminders on")).to_have_count(2)

    admin.get_by_role("button", name="Create link").click()
    link_field = admin.get_by_label("The client's link")
    expect(link_field).to_have_value(re.compile(r"/client/#token=[A-Za-z0-9_-]{20,}$"))
    admin.get_by_role("button", name="Copy link").click()
    expect(admin.get_by_text("Link copied.")).to_be_visible()
    copied = admin.evaluate("() => navigator.clipboard.readText()")
    assert copied == link_field.input_value()
    checks.step(admin, "admin-link-copied")

    # -- the client opens the link on a phone and fills a thought record with two rows --------
    client_context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    client = checks.watch(client_context.new_page(), "client")
    client.goto(copied)
    expect(client.get_by_role("heading", level=1, name="Hello, Robin")).to_be_visible()
    assert "token" not in client.url, "the token must leave the address bar"
    expect(client.get_by_role("link", name="Start: Thought record")).to_be_visible()
    expect(client.get_by_role("link", name=f"Start: {phq9['title']}")).to_be_visible()
    checks.step(client, "client-homework-list")

    client.get_by_role("link", name="Start: Thought record").click()
    expect(client.get_by_role("heading", level=1, name="Thought record")).to_be_visible()
    client.locator("#q-situation").fill("Waiting for a reply to my message at work.")
    client.locator("#q-emotions-0-emotion").fill("anxious")
    client.locator("#q-emotions-0-intensity").focus()
    client.keyboard.press("End")
    emotions = client.locator('[data-path="emotions"]')
    emotions.get_by_role("button", name=re.compile(r"^Add another entry")).click()
    expect(client.locator("#q-emotions-1-emotion")).to_be_focused()
    client.locator("#q-emotions-1-emotion").fill("sad")
    client.locator("#q-emotions-1-intensity").focus()
    client.keyboard.press("Home")
    for _ in range(40):
        client.keyboard.press("ArrowRight")
    client.locator("#q-automatic_thoughts").fill("They are ignoring me because I did something wrong.")
    client.locator("#q-balanced_thought").fill("They are busy; people often reply late.")
    client.locator("#q-balanced_thought").blur()
    expect(client.locator(".save-status")).to_contain_text("Saved at")
    checks.step(client, "client-thought-record-filled")

    client.reload()
    expect(client.locator("#q-situation")).to_have_value("Waiting for a reply to my message at work.")
    expect(client.locator("#q-emotions-0-emotion")).to_have_value("anxious")
    expect(client.locator("#q-emotions-0-intensity")).to_have_value("100")
    expect(client.locator("#q-emotions-1-emotion")).to_have_value("sad")
    expect(client.locator("#q-emotions-1-intensity")).to_have_value("40")
    expect(client.locator("#q-balanced_thought")).to_have_value("They are busy; people often reply late.")
    expect(client.locator(".save-status")).to_contain_text("are back")
    checks.step(client, "client-draft-restored")

    client.get_by_label("I did part of it").check()
    client.get_by_label("Yes, I did all of it").check()
    client.locator("#rating-4").check()
    client.get_by_label("Did anything get in the way?").fill("I was tired after work.")
    client.get_by_role("button", name="Send to my clinician").click()
    client.get_by_role("button", name="Yes, send it").click()
    expect(client.get_by_role("heading", level=1, name="Thank you. It's sent.")).to_be_visible()
    expect(client.locator(".crisis")).to_have_count(0)
    checks.step(client, "client-thought-record-sent")

    # -- PHQ-9 with item 9 answered "several days": crisis resources, before and after sending --
    client.get_by_role("link", name="Back to your homework").click()
    client.get_by_role("link", name=f"Start: {phq9['title']}").click()
    expect(client.get_by_role("heading", level=1, name=phq9["title"])).to_be_visible()
    # The measure's own timeframe sits right above its questions; the clinician's words beside it.
    stem = client.locator("form.homework-form > .template-instructions")
    expect(stem).to_contain_text(PHQ9_STEM)
    assert client.evaluate("""() => document.querySelector('form.homework-form > .template-instructions')
        .nextElementSibling.contains(document.querySelector('[data-path="phq9_1"]'))""")
    expect(client.locator(".from-clinician")).to_contain_text(f"From your clinician{OWN_WORDS}")
    for number in range(1, 9):
        client.locator(f"#q-phq9_{number}-0").check()
    expect(client.locator(".crisis")).to_be_hidden()
    client.locator("#q-phq9_9-1").check()
    expect(client.locator(".crisis")).to_contain_text(crisis_message)
    checks.step(client, "client-phq9-risk-answer")
    client.get_by_role("button", name="Send to my clinician").click()
    client.get_by_role("button", name="Yes, send it").click()
    expect(client.get_by_role("heading", level=1, name="Thank you. It's sent.")).to_be_visible()
    crisis = client.get_by_role("alert").filter(has_text="If you need help now")
    expect(crisis).to_contain_text(crisis_message)
    expect(crisis).to_be_focused()
    checks.step(client, "client-phq9-crisis-resources")

    # -- the clinician sees and acknowledges the alert, reviews, and sees the chart ----------
    admin.get_by_role("link", name=re.compile(r"^Alerts")).click()
    expect(admin.get_by_role("heading", level=1, name="Open alerts")).to_be_visible()
    alert = admin.locator("article.alert-item", has=admin.get_by_role("link", name=client_name))
    expect(alert).to_contain_text("PHQ-9 item 9")
    checks.step(admin, "admin-alert-open")
    alert.get_by_label("Note").fill("Phoned the client; safety plan reviewed.")
    alert.get_by_role("button", name="Acknowledge").click()
    # This client's alert leaves the list (other stories' alerts may still be open).
    expect(alert).to_have_count(0)
    checks.step(admin, "admin-alert-acknowledged")

    admin.get_by_role("link", name="Caseload").click()
    admin.get_by_role("link", name=client_name).click()
    expect(admin.get_by_role("heading", level=1, name=client_name)).to_be_visible()
    record = admin.locator("article", has=admin.get_by_role("heading", level=3, name="Thought record"))
    expect(record).to_contain_text("What got in the way: I was tired after work.")
    record.locator("summary", has_text="Answers").click()
    expect(record.locator(".answers").first).to_contain_text("anxious")
    record.locator("summary", has_text="Review and give feedback").click()
    feedback = "Well spotted: you caught the hot thought and found a fairer view. Let's build on this."
    record.get_by_label("Feedback for the client").fill(feedback)
    record.get_by_label("Quality of the work").select_option("4")
    record.get_by_role("button", name="Send feedback").click()
    expect(record.locator(".review")).to_contain_text(feedback)

    chart = admin.locator("figure.chart-figure", has=admin.get_by_role("heading", name=phq9["title"]))
    expect(chart.locator("svg.chart")).to_be_visible()
    expect(chart.locator("rect.band")).to_have_count(len(phq9["scoring"]["bands"]))
    expect(chart.locator("circle.point")).to_have_count(1)
    for band in phq9["scoring"]["bands"]:
        expect(chart.locator("text.band-label", has_text=re.compile(f"^{re.escape(band['label'])}$"))).to_have_count(1)
    checks.step(admin, "admin-review-and-chart")

    # -- the clinician exports the record as CSV ---------------------------------------------
    admin.get_by_label("Format").select_option("csv")
    admin.get_by_role("button", name="Prepare export").click()
    link = admin.get_by_role("link", name="Download the export")
    expect(link).to_be_visible()
    with admin.expect_download() as download:
        link.click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert exported.startswith("submission:id,") and feedback in exported
    checks.step(admin, "admin-export")

    # -- the client reads the feedback -------------------------------------------------------
    client.get_by_role("link", name="History").click()
    expect(client.get_by_role("heading", level=1, name="What you have sent")).to_be_visible()
    entry = client.locator("li.card", has=client.get_by_role("heading", name="Thought record"))
    expect(entry.locator(".feedback")).to_contain_text(feedback)
    checks.step(client, "client-history-feedback")

    assert checks.steps == 17
    assert any(url.startswith(stack["api"]) for url in checks.requested)
