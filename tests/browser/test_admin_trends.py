"""Subscales and worksheet trends on the client page's progress (issue 13, item 7).

Set up through the API as the client would send it (each worksheet a one-off homework sent
today; the dates are the worksheets' own: the night a diary is about, the day of a practice,
the week an activity schedule plans): sleep diaries over two weeks, three exposure practices,
two activity schedules, PCL-5 twice and DASS-21 twice. In the browser (1366 px) the progress
section shows the PCL-5 clusters as labelled lines, the DASS-21 scales each on its own bands,
sleep efficiency and activities completed by week and distress per practice, each with a
sentence and a table of the same figures. Every state is checked by the conftest's Checks.
"""
from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import Checks
from tests.browser.test_admin_outcomes import Client
from tests.browser.test_admin_session import LAPTOP, sign_in, step
from tests.browser.test_client_plan import clinician_api

PCL5 = ["not_at_all", "a_little_bit", "moderately", "quite_a_bit", "extremely"]
DASS = ["did_not_apply", "some_of_the_time", "good_part_of_time", "most_of_the_time"]


def night(day: date, bedtime: str, latency: int, wake: int, final_wake: str, rise: str) -> dict:
    return {"night_of": day.isoformat(), "bedtime": bedtime, "sleep_latency_minutes": latency,
            "wake_minutes": wake, "final_wake_time": final_wake, "rise_time": rise}


def test_subscales_and_worksheet_trends(stack, new_context, checks: Checks) -> None:
    clinician = clinician_api(stack)
    tess = Client(stack, clinician, f"Tess Trend {uuid.uuid4().hex[:4]}")
    today = datetime.now(UTC).astimezone(ZoneInfo(tess.profile["timezone"])).date()
    this_monday = today - timedelta(days=today.weekday())
    last_monday = this_monday - timedelta(days=7)

    # Last week: 360 of 480, 240 of 240 and 420 of 480 minutes asleep: 1020 / 1200 = 85 %.
    # This week: 420 of 480 = 87.5 %.
    for n, answers in enumerate([night(last_monday, "23:00", 30, 30, "06:00", "07:00"),
                                 night(last_monday + timedelta(days=1), "02:00", 0, 0, "06:00", "06:00"),
                                 night(last_monday + timedelta(days=2), "22:00", 60, 0, "06:00", "06:00"),
                                 night(this_monday, "23:00", 15, 15, "06:30", "07:00")]):
        tess.sends("sleep-diary", f"Sleep diary {n + 1}", answers)
    for n, (day, before, peak, after) in enumerate([(last_monday + timedelta(days=1), 70, 85, 40),
                                                    (last_monday + timedelta(days=3), 65, 80, 30),
                                                    (this_monday, 50, 70, 20)]):
        tess.sends("exposure-practice", f"Lift practice {n + 1}", {
            "practice_date": day.isoformat(), "practice_step": "Ride the lift two floors", "suds_before": before,
            "suds_peak": peak, "suds_after": after})
    for n, (monday, done) in enumerate([(last_monday, [True, True, False, False]), (this_monday, [True, True, True])]):
        tess.sends("activity-schedule", f"Activity plan {n + 1}", {"week_of": monday.isoformat(), "activities": [
            {"planned_date": monday.isoformat(), "planned_activity": f"Walk {k}", "category": "pleasure", "done": d}
            for k, d in enumerate(done)]})
    tess.sends("pcl-5", "PCL-5 first", {f"pcl5_{n}": PCL5[3] for n in range(1, 21)})
    tess.sends("pcl-5", "PCL-5 again", {f"pcl5_{n}": PCL5[1] for n in range(1, 21)})
    tess.sends("dass-21", "DASS-21 first", {f"dass21_{n}": DASS[2] for n in range(1, 22)})
    tess.sends("dass-21", "DASS-21 again", {f"dass21_{n}": DASS[1] for n in range(1, 22)})

    page = checks.watch(new_context(viewport=LAPTOP).new_page(), "admin-trends")
    sign_in(page, stack)
    page.goto(f"{stack['web_admin']}#/clients/{tess.id}")
    expect(page.get_by_role("heading", level=1, name=tess.profile["display_name"])).to_be_visible()
    trends = page.locator(".trends")
    expect(trends.get_by_role("heading", level=3)).to_have_text(["Subscales", "Worksheet trends"])

    pcl = trends.locator("figure", has=page.get_by_role("heading", level=4, name="PCL-5 subscales"))
    # items at 3, then at 1: B 15 → 5 of 20, C 6 → 2 of 8, D 21 → 7 of 28, E 18 → 6 of 24
    expect(pcl.locator(".trend-reading")).to_contain_text(
        "Intrusions 5 of 20 (−10); Avoidance 2 of 8 (−4); Negative changes in thinking and mood 7 of 28 (−14); "
        "Changes in arousal and reactivity 6 of 24 (−12).")
    expect(pcl.locator(".trend-legend li")).to_have_text(
        ["Intrusions", "Avoidance", "Negative changes in thinking and mood", "Changes in arousal and reactivity"])
    expect(pcl.locator("svg polyline.trend-line")).to_have_count(4)

    dass = trends.locator("figure", has=page.get_by_role("heading", level=4, name="DASS-21 subscales"))
    # 7 items at 2, doubled: 28 each, then at 1: 14 each, on each scale's own bands
    expect(dass.locator(".trend-reading")).to_contain_text(
        "Depression 14, Moderate (−14); Anxiety 14, Moderate (−14); Stress 14, Normal (−14).")
    expect(dass.locator(".trend-panel-title")).to_have_text(["Depression", "Anxiety", "Stress"])
    expect(dass.locator("svg rect.band")).to_have_count(15)
    dass.get_by_text("Show the figures as a table").click()
    expect(dass.locator("tbody tr").first.locator("td")).to_have_text(
        ["28 (Extremely severe)", "28 (Extremely severe)", "28 (Severe)"])

    sleep = trends.locator("figure", has=page.get_by_role("heading", level=4, name=re.compile("sleep efficiency by week$")))
    expect(sleep.locator(".trend-reading")).to_have_text(re.compile(
        r"^Week starting .+: 87\.5% from 1 entry; week starting .+: 85% from 3 entries\.$"))
    sleep.get_by_text("Show the figures as a table").click()
    expect(sleep.locator("thead th")).to_have_text(["Week starting", "Sleep efficiency (%)", "Entries"])
    expect(sleep.locator("tbody tr td")).to_have_text(["85", "3", "87.5", "1"])

    activity = trends.locator("figure", has=page.get_by_role("heading", level=4, name=re.compile("completed by week$")))
    expect(activity.locator(".trend-reading")).to_have_text(re.compile(r"^Week starting .+: 100% from 1 entry; "
                                                                       r"week starting .+: 50% from 1 entry\.$"))
    exposure = trends.locator("figure", has=page.get_by_role("heading", level=4, name=re.compile("ratings per entry$")))
    expect(exposure.locator(".trend-reading")).to_have_text(re.compile(
        r"the latest of 3 entries: distress before you started 50, highest distress during the practice 70, "
        r"distress at the end 20 \(on 0–100\)\.$"))
    expect(exposure.locator(".trend-legend li")).to_have_count(3)
    expect(exposure.locator("svg.trend-chart .trend-point")).to_have_count(9)  # 3 lines × 3 practices
    trends.scroll_into_view_if_needed()
    step(page, checks, "admin-trends-progress-1366")
    trends.screenshot(path=str(checks.artifacts / "admin-trends-section-1366.png"))  # the section alone, to read
