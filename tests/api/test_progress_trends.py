"""Progress through the API: PCL-5 cluster series, sleep efficiency by week, exposure distress
per practice, dated in the client's time zone, within progress's request budget."""
from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from tests.api.test_request_budget import _besides_authentication, counted
from tests.api.test_session_review import Clinic

PCL5 = ["not_at_all", "a_little_bit", "moderately", "quite_a_bit", "extremely"]


def _t(text: str) -> datetime:
    return datetime.fromisoformat(f"2026-{text}+00:00")


def night(night_of: str, bedtime: str, latency: int, wake: int, final_wake: str, rise: str) -> dict:
    return {"night_of": night_of, "bedtime": bedtime, "sleep_latency_minutes": latency, "wake_minutes": wake,
            "final_wake_time": final_wake, "rise_time": rise}


def practice(day: str, before: int, peak: int, after: int) -> dict:
    return {"practice_date": day, "practice_step": "Ride the lift two floors", "suds_before": before,
            "suds_peak": peak, "suds_after": after}


@pytest.fixture(scope="module")
def history(aws, api):
    """A client in New York with two weeks of sleep diaries, two exposure practices and two PCL-5s."""
    with time_machine.travel(_t("02-02T14:00:00"), tick=False) as clock:
        clinic = Clinic(api)
        client = clinic.add_client("Tess Trend", timezone="America/New_York")
        base = f"/v1/clients/{client}/assignments"

        def assign(template_id: str, recurrence: dict) -> str:
            return clinic.call("POST", base, "c1", {"template_id": template_id, "recurrence": recurrence,
                                                    "start_date": "2026-02-02", "due_time": "23:59"},
                               expect=201)["assignment_id"]

        ids = {"sleep": assign("sleep-diary", {"frequency": "daily"}),
               "exposure": assign("exposure-practice", {"frequency": "daily"}),
               "pcl5": assign("pcl-5", {"frequency": "every_n_days", "interval": 30})}
        clinic.submit(client, ids["pcl5"], "2026-02-02", {f"pcl5_{n}": PCL5[3] for n in range(1, 21)})
        # Each morning's diary is about the night before. Monday 9 Feb's is about Sunday night,
        # which belongs to the week of 2 Feb.
        for occurrence, answers in [
            ("2026-02-03", night("2026-02-02", "23:00", 30, 30, "06:00", "07:00")),  # 360 of 480 min asleep
            ("2026-02-04", night("2026-02-03", "02:00", 0, 0, "06:00", "06:00")),  # 240 of 240
            ("2026-02-09", night("2026-02-08", "22:00", 60, 0, "06:00", "06:00")),  # 420 of 480
            ("2026-02-10", night("2026-02-09", "23:00", 15, 15, "06:30", "07:00")),  # 420 of 480
        ]:
            clock.move_to(_t(f"{occurrence[5:]}T13:00:00"))
            clinic.submit(client, ids["sleep"], occurrence, answers)
            if occurrence in ("2026-02-03", "2026-02-04"):
                day = occurrence
                clinic.submit(client, ids["exposure"], day, practice(day, *{"2026-02-03": (70, 85, 40),
                                                                             "2026-02-04": (60, 75, 20)}[day]))
        # 23:30 in New York on 4 March is already 5 March in UTC: the point is dated the 4th
        clock.move_to(_t("03-05T04:30:00"))
        link = clinic.call("POST", f"/v1/clients/{client}/access-link", "c1", {}, expect=201)  # the first expired
        clinic.links[client] = link["url"].split("#token=")[1]
        clinic.submit(client, ids["pcl5"], "2026-03-04", {f"pcl5_{n}": PCL5[1] for n in range(1, 21)})
        yield clinic, client, ids


def test_pcl5_clusters_as_series(history):
    clinic, client, _ = history
    progress = clinic.call("GET", f"/v1/clients/{client}/progress", "c1", expect=200)
    [pcl] = progress["subscales"]
    assert (pcl["template_id"], [s["id"] for s in pcl["subscales"]]) == (
        "pcl-5", ["cluster_b", "cluster_c", "cluster_d", "cluster_e"])
    assert [s["max"] for s in pcl["subscales"]] == [20, 8, 28, 24]
    # items at 3 (5, 2, 7 and 6 of them), then at 1
    assert [(p["date"], p["values"]) for p in pcl["points"]] == [
        ("2026-02-02", {"cluster_b": 15, "cluster_c": 6, "cluster_d": 21, "cluster_e": 18}),
        ("2026-03-04", {"cluster_b": 5, "cluster_c": 2, "cluster_d": 7, "cluster_e": 6})]
    assert [m["template_id"] for m in progress["measures"]] == ["pcl-5"]  # the totals are untouched


def test_sleep_efficiency_by_week_and_exposure_distress_per_practice(history):
    clinic, client, _ = history
    progress = clinic.call("GET", f"/v1/clients/{client}/progress", "c1", expect=200)
    trends = {t["id"]: t for t in progress["worksheet_trends"]}
    assert set(trends) == {"sleep-diary.sleep_efficiency.week", "exposure-practice.ratings.0-100"}

    sleep = trends["sleep-diary.sleep_efficiency.week"]
    assert (sleep["label"], sleep["unit"], sleep["per"]) == ("Sleep efficiency by week", "%", "week")
    # week of 2 Feb: (360 + 240 + 420) / (480 + 240 + 480) = 85 %; week of 9 Feb: 420 / 480 = 87.5 %
    assert [(p["date"], p["values"]["sleep_efficiency"], p["count"]) for p in sleep["points"]] == [
        ("2026-02-02", 85, 3), ("2026-02-09", 87.5, 1)]

    exposure = trends["exposure-practice.ratings.0-100"]
    assert [line["id"] for line in exposure["lines"]] == ["suds_before", "suds_peak", "suds_after"]
    assert [(p["date"], list(p["values"].values())) for p in exposure["points"]] == [
        ("2026-02-03", [70, 85, 40]), ("2026-02-04", [60, 75, 20])]


def test_progress_reads_no_more_for_its_series(history):
    """The series come from the submissions progress reads anyway: one Query for them all, and
    nothing per submission."""
    clinic, client, _ = history
    with counted() as calls:
        clinic.call("GET", f"/v1/clients/{client}/progress", "c1", expect=200)
    requests = _besides_authentication(calls)
    prefixes = [params["ExpressionAttributeValues"][":prefix"]["S"] for name, params in calls if name == "Query"]
    assert prefixes.count("SUBMISSION#") == 1, prefixes
    # the client, its assignments, their templates, the submissions and the audit event
    assert len(requests) <= 5, requests
    assert requests.count("GetItem") <= 1 and "BatchGetItem" not in requests
