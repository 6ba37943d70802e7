"""Outcomes through the API: each new PHQ-9 and GAD-7 total classified against the first and the
previous (NHS Talking Therapies definitions), one deterioration alert per assignment until it is
acknowledged, the caseload sorted by outcome and flagging no reliable change after N totals.

The done-when of issue 13: PHQ-9 20 → 12 → 8 and GAD-7 5 → 14 get the published classification
for each step, and exactly one deterioration alert.
"""
from __future__ import annotations

import json
from datetime import datetime

import pytest
import time_machine

from tests.api.conftest import DAILY_MEASURE, PHQ9_OPTIONS, phq9_answers
from tests.api.test_request_budget import _besides_authentication, counted
from tests.api.test_session_review import Clinic


def _t(text: str) -> datetime:
    return datetime.fromisoformat(f"2026-02-{text}+00:00")  # February: London is on UTC


def gad7_answers(*scores: int) -> dict:
    return {f"gad7_{n}": PHQ9_OPTIONS[value] for n, value in enumerate(scores, start=1)}


PHQ9 = {20: phq9_answers(3, 3, 3, 3, 3, 3, 1, 1, 0), 12: phq9_answers(2, 2, 2, 2, 2, 2, 0, 0, 0),
        8: phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 0), 14: phq9_answers(2, 2, 2, 2, 2, 2, 2, 0, 0),
        13: phq9_answers(2, 2, 2, 2, 2, 2, 1, 0, 0), 15: phq9_answers(2, 2, 2, 2, 2, 2, 2, 1, 0)}
GAD7 = {5: gad7_answers(1, 1, 1, 1, 1, 0, 0), 14: gad7_answers(2, 2, 2, 2, 2, 2, 2),
        15: gad7_answers(3, 2, 2, 2, 2, 2, 2), 16: gad7_answers(3, 3, 2, 2, 2, 2, 2)}


def _daily(clinic: Clinic, client: str, template_id: str) -> str:
    return clinic.call("POST", f"/v1/clients/{client}/assignments", "c1", {
        "template_id": template_id, "recurrence": {"frequency": "daily"}, "start_date": "2026-02-02",
        "due_time": "23:59", **DAILY_MEASURE}, expect=201)["assignment_id"]


@pytest.fixture(scope="module")
def month(aws, api):
    """Three clients: one whose GAD-7 worsens while the PHQ-9 recovers, one whose PHQ-9 does not
    move, one with no scores; yields (clinic, client ids by name, assignment ids, clock)."""
    with time_machine.travel(_t("02T08:00:00"), tick=False) as clock:
        clinic = Clinic(api)
        clients = {name: clinic.add_client(name) for name in ("Nia Nochange", "Dana Decline", "Una Unscored")}
        dana, nia = clients["Dana Decline"], clients["Nia Nochange"]
        ids = {"phq9": _daily(clinic, dana, "phq-9"), "gad7": _daily(clinic, dana, "gad-7"),
               "nia_phq9": _daily(clinic, nia, "phq-9")}
        for day, phq, gad, nia_phq in [("02", 20, 5, 14), ("03", 12, 14, 13), ("04", 8, None, 15)]:
            clock.move_to(_t(f"{day}T10:00:00"))
            occurrence = f"2026-02-{day}"
            clinic.submit(dana, ids["phq9"], occurrence, PHQ9[phq])
            if gad is not None:
                clinic.submit(dana, ids["gad7"], occurrence, GAD7[gad])
            clinic.submit(nia, ids["nia_phq9"], occurrence, PHQ9[nia_phq])
        clock.move_to(_t("04T12:00:00"))
        yield clinic, clients, ids, clock


def _measure(progress: dict, template_id: str) -> dict:
    return next(m for m in progress["measures"] if m["template_id"] == template_id)


def test_each_score_gets_the_published_classification(month):
    clinic, clients, _, _ = month
    progress = clinic.call("GET", f"/v1/clients/{clients['Dana Decline']}/progress", "c1", expect=200)
    phq, gad = _measure(progress, "phq-9"), _measure(progress, "gad-7")
    assert [(p["total"], p["vs_baseline"], p["vs_previous"], p["case"]) for p in phq["series"]] == [
        (20, None, None, True),
        (12, "reliable_improvement", "reliable_improvement", True),  # down 8 (>= 6), still 10 or more
        (8, "reliable_recovery", "recovery", False),  # from 20: down 12 and under 10; from 12: under 10, down 4
    ]
    assert [(p["total"], p["vs_baseline"], p["vs_previous"]) for p in gad["series"]] == [
        (5, None, None), (14, "reliable_deterioration", "reliable_deterioration")]  # up 9 (>= 4)
    assert (phq["outcome"], gad["outcome"]) == ("reliable_recovery", "reliable_deterioration")
    assert (phq["change_rules"]["reliable_change"], phq["change_rules"]["clinical_cutoff"]) == (6, 10)
    assert (gad["change_rules"]["reliable_change"], gad["change_rules"]["clinical_cutoff"]) == (4, 8)
    assert {s["for"] for s in gad["change_rules"]["sources"]} >= {"reliable_change", "clinical_cutoff"}


def test_exactly_one_deterioration_alert(month):
    clinic, clients, ids, _ = month
    deterioration = clinic.call("GET", "/v1/alerts?kind=deterioration", "c1", expect=200)["items"]
    assert len(deterioration) == 1
    alert = deterioration[0]
    assert (alert["kind"], alert["client_id"], alert["assignment_id"]) == ("deterioration", clients["Dana Decline"],
                                                                           ids["gad7"])
    assert {k: alert["change"][k] for k in ("baseline", "total", "change", "reliable_change", "classification")} == \
        {"baseline": 5, "total": 14, "change": 9, "reliable_change": 4, "classification": "reliable_deterioration"}
    assert clinic.call("GET", "/v1/alerts?kind=risk", "c1", expect=200)["items"] == []  # item 9 was 0 throughout
    both = clinic.call("GET", "/v1/alerts", "c1", expect=200)["items"]
    assert [a["kind"] for a in both] == ["deterioration"]
    client = clinic.call("GET", f"/v1/clients/{clients['Dana Decline']}", "c1", expect=200)
    assert client["open_alerts"] == 1
    # The next-session review says which kind it is and what changed, as the alerts list does.
    review = clinic.call("GET", f"/v1/clients/{clients['Dana Decline']}/session-review", "c1", expect=200)
    [reviewed] = review["open_alerts"]
    assert (reviewed["kind"], reviewed["change"]) == ("deterioration", alert["change"])


def test_the_caseload_sorts_by_outcome_and_flags_non_response(month):
    clinic, clients, _, _ = month
    rows = clinic.call("GET", "/v1/clients?sort=outcome", "c1", expect=200)["items"]
    assert [r["display_name"] for r in rows] == ["Dana Decline", "Nia Nochange", "Una Unscored"]
    assert [r["outcome"] for r in rows] == ["reliable_deterioration", "no_reliable_change", None]
    assert rows[2]["measure_outcomes"] == [] and rows[1]["non_response"] == []  # 3 totals, default 6

    assert clinic.call("GET", "/v1/practice", "owner", expect=200)["non_response_after"] == 6
    assert clinic.call("PATCH", "/v1/practice", "owner", {"non_response_after": 3},
                       expect=200)["non_response_after"] == 3
    try:
        rows = clinic.call("GET", "/v1/clients?sort=outcome&limit=2", "c1", expect=200)
        assert [(r["display_name"], r["outcome"], r["non_response"]) for r in rows["items"]] == [
            ("Dana Decline", "reliable_deterioration", []), ("Nia Nochange", "non_response", ["phq-9"])]
        assert next(m for m in rows["items"][1]["measure_outcomes"] if m["template_id"] == "phq-9")["non_response"]
        rest = clinic.call("GET", f"/v1/clients?sort=outcome&limit=2&next_token={rows['next_token']}", "c1",
                           expect=200)
        assert [r["display_name"] for r in rest["items"]] == ["Una Unscored"] and rest["next_token"] is None
        unsorted = clinic.call("GET", "/v1/clients", "c1", expect=200)["items"]
        assert next(r for r in unsorted if r["display_name"] == "Nia Nochange")["non_response"] == ["phq-9"]
        one = clinic.call("GET", f"/v1/clients/{clients['Nia Nochange']}", "c1", expect=200)
        assert (one["outcome"], one["non_response"]) == ("non_response", ["phq-9"])
    finally:
        clinic.call("PATCH", "/v1/practice", "owner", {"non_response_after": 6}, expect=200)


def test_sorting_reads_no_client_on_its_own(month):
    """The caseload index's Query (profiles with their summaries), the practice for
    non_response_after (a row has no reliable change), and the audit write: never a request per client."""
    clinic, _, _, _ = month
    with counted() as calls:
        rows = clinic.call("GET", "/v1/clients?sort=outcome", "c1", expect=200)["items"]
    assert len(rows) == 3
    assert sorted(_besides_authentication(calls)) == ["BatchWriteItem", "GetItem", "Query"], calls


@pytest.mark.parametrize("query, status, field", [
    ("sort=newest", 422, "sort"),
    ("sort=outcome&next_token=outcome:x", 400, "next_token"),
    ("sort=outcome&next_token=abc", 400, "next_token"),
])
def test_bad_caseload_queries_are_refused(month, query, status, field):
    clinic, _, _, _ = month
    response = clinic.api.http.get(f"/v1/clients?{query}", headers=clinic.headers("c1"))
    assert response.status_code == status, response.body
    assert field in [e["field"] for e in json.loads(response.body)["errors"]]


@pytest.mark.parametrize("value", [1, 53, "six"])
def test_non_response_after_is_checked(month, value):
    clinic, _, _, _ = month
    response = clinic.api.http.patch("/v1/practice", headers=clinic.headers("owner"),
                                     body=json.dumps({"non_response_after": value}))
    assert response.status_code == 422 and response.headers["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in json.loads(response.body)["errors"]] == ["non_response_after"]


def test_a_second_alert_waits_for_the_first_to_be_acknowledged(month):
    """Still worse the next day: no second alert; acknowledged, then worse again: a new one."""
    clinic, clients, ids, clock = month
    dana = clients["Dana Decline"]
    clock.move_to(_t("05T10:00:00"))
    clinic.submit(dana, ids["gad7"], "2026-02-05", GAD7[15])
    [alert] = clinic.call("GET", "/v1/alerts?kind=deterioration", "c1", expect=200)["items"]
    acknowledged = clinic.call("POST", f"/v1/alerts/{alert['alert_id']}/acknowledge", "c1",
                               {"note": "Talked it through; reviewing the plan."}, expect=200)
    assert (acknowledged["kind"], acknowledged["status"]) == ("deterioration", "acknowledged")
    assert clinic.call("GET", "/v1/alerts?kind=deterioration", "c1", expect=200)["items"] == []
    assert len(clinic.call("GET", "/v1/alerts?kind=deterioration&status=acknowledged", "c1",
                           expect=200)["items"]) == 1

    clock.move_to(_t("06T10:00:00"))
    clinic.submit(dana, ids["gad7"], "2026-02-06", GAD7[16])
    [again] = clinic.call("GET", "/v1/alerts?kind=deterioration", "c1", expect=200)["items"]
    assert again["alert_id"] != alert["alert_id"] and again["change"]["total"] == 16
    assert clinic.call("GET", f"/v1/clients/{dana}", "c1", expect=200)["open_alerts"] == 1


def test_a_client_scored_before_outcomes_were_kept(month):
    """A summary without `measures` (scores from before outcomes were kept): the next total is
    classified against the assignment's own first total, not taken as a new baseline."""
    from chalicelib.store import keys, table

    clinic, _, _, clock = month
    clock.move_to(_t("07T09:00:00"))
    lee = clinic.add_client("Lee Legacy")
    phq = _daily(clinic, lee, "phq-9")
    for day, total in [("07", 20), ("08", 15)]:
        clock.move_to(_t(f"{day}T10:00:00"))
        clinic.submit(lee, phq, f"2026-02-{day}", PHQ9[total])
    table.update(keys.client_stats(lee).as_dict(), remove=["measures"])
    clock.move_to(_t("09T10:00:00"))
    clinic.submit(lee, phq, "2026-02-09", PHQ9[14])
    [measure] = clinic.call("GET", f"/v1/clients/{lee}", "c1", expect=200)["measure_outcomes"]
    assert (measure["baseline"], measure["latest"], measure["count"], measure["vs_baseline"]) == \
        (20, 14, 3, "reliable_improvement")
