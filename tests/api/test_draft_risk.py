"""A risk answer left unsent in a draft reaches the clinician (issue #13's done-when).

The client saves a PHQ-9 draft with item 9 at "several days" at 09:00 and never sends it; the
practice's time is the default 12 hours. An autosave at 20:00 does not postpone it; the sweep at
20:30 finds nothing yet; the sweep at 21:05 opens exactly one alert marked as not sent by the
client, and running it again opens no other. Sending the homework afterwards with the same answer
opens no second alert (the submission carries the draft alert's id).
"""
from __future__ import annotations

import json
from datetime import datetime

import pytest
import time_machine

from tests.api.conftest import phq9_answers
from tests.api.test_session_review import Clinic


def _t(text: str) -> datetime:
    return datetime.fromisoformat(f"2027-01-{text}+00:00")  # January: London is on UTC


def _sweep(at: datetime):
    from chalicelib.reminders import sweep

    return sweep.run(now=at, concurrency=2)


def _alerts(clinic: Clinic, client: str) -> list[dict]:
    items = clinic.call("GET", "/v1/alerts", "c1", expect=200)["items"]
    return [a for a in items if a["client_id"] == client]


@pytest.fixture(scope="module")
def story(aws, api):
    with time_machine.travel(_t("11T08:00:00"), tick=False) as clock:
        clinic = Clinic(api)
        client = clinic.add_client("Dana Draft")
        other = clinic.add_client("Olly Other")
        assign = {"template_id": "phq-9", "recurrence": {"frequency": "once"}, "start_date": "2027-01-11",
                  "due_date": "2027-01-15", "due_time": "21:00"}
        phq9 = clinic.call("POST", f"/v1/clients/{client}/assignments", "c1", assign, expect=201)["assignment_id"]
        changed = clinic.call("POST", f"/v1/clients/{other}/assignments", "c1", assign, expect=201)["assignment_id"]
        steps: dict = {"assignment_id": phq9, "detail": clinic.call("GET", f"/v1/client/assignments/{phq9}", client,
                                                                     expect=200)}
        draft_url = f"/v1/client/assignments/{phq9}/draft"

        clock.move_to(_t("11T09:00:00"))
        risky = phq9_answers(1, 1, 1, 1, 0, 0, 0, 0, 1)
        first = clinic.call("PUT", draft_url, client, {"occurrence_id": "2027-01-11", "answers": risky}, expect=200)
        # The other client answers item 9 the same way, then takes it back before the time is up.
        other_url = f"/v1/client/assignments/{changed}/draft"
        saved = clinic.call("PUT", other_url, other, {"occurrence_id": "2027-01-11", "answers": risky}, expect=200)
        clinic.call("PUT", other_url, other, {"occurrence_id": "2027-01-11", "version": saved["version"],
                                              "answers": phq9_answers(1, 1, 1, 1, 0, 0, 0, 0, 0)}, expect=200)

        clock.move_to(_t("11T20:00:00"))  # an autosave keeps the wait's start
        clinic.call("PUT", draft_url, client, {"occurrence_id": "2027-01-11", "version": first["version"],
                                              "answers": {**risky, "phq9_5": "several_days"}}, expect=200)
        clock.move_to(_t("11T20:30:00"))
        steps["early_sweep"] = _sweep(_t("11T20:30:00"))
        steps["before"] = _alerts(clinic, client)
        clock.move_to(_t("11T21:05:00"))
        steps["sweep"] = _sweep(_t("11T21:05:00"))
        steps["after"] = _alerts(clinic, client)
        steps["other_alerts"] = _alerts(clinic, other)
        clock.move_to(_t("11T21:20:00"))
        steps["again"] = _sweep(_t("11T21:20:00"))
        steps["after_again"] = _alerts(clinic, client)
        steps["caseload"] = clinic.call("GET", f"/v1/clients/{client}", "c1", expect=200)
        steps["review"] = clinic.call("GET", f"/v1/clients/{client}/session-review", "c1", expect=200)

        clock.move_to(_t("12T08:00:00"))  # the client sends it after all
        steps["receipt"] = clinic.submit(client, phq9, "2027-01-11", {**risky, "phq9_5": "several_days"})
        clock.move_to(_t("12T08:10:00"))
        _sweep(_t("12T08:10:00"))
        steps["after_send"] = _alerts(clinic, client)
        steps["submission"] = clinic.call("GET", f"/v1/submissions/{steps['receipt']['submission_id']}", "c1",
                                          expect=200)
        yield clinic, client, steps


def test_the_client_page_is_told_which_answers_the_clinician_will_see(story):
    _, _, steps = story
    assert steps["detail"]["risk_items"] == ["phq9_9"]


def test_the_practice_sets_the_time_default_12_hours(story):
    clinic, _, _ = story
    assert clinic.call("GET", "/v1/practice", "owner", expect=200)["draft_risk_hours"] == 12
    changed = clinic.call("PATCH", "/v1/practice", "owner", {"draft_risk_hours": 6}, expect=200)
    assert changed["draft_risk_hours"] == 6
    refused = clinic.api.http.request(method="PATCH", path="/v1/practice", headers=clinic.headers("owner"),
                                      body=json.dumps({"draft_risk_hours": 0}))
    content_type = {k.lower(): v for k, v in refused.headers.items()}["content-type"]
    assert refused.status_code == 422 and content_type.startswith("application/problem+json")
    assert [e["field"] for e in json.loads(refused.body)["errors"]] == ["draft_risk_hours"]
    clinic.call("PATCH", "/v1/practice", "owner", {"draft_risk_hours": 12}, expect=200)


def test_nothing_before_the_time_is_up_even_with_an_autosave(story):
    _, _, steps = story
    assert steps["before"] == [] and steps["early_sweep"].draft_alerts == 0


def test_one_alert_marked_not_sent_by_the_client_after_the_time(story):
    _, _, steps = story
    assert steps["sweep"].draft_alerts == 1
    [alert] = steps["after"]
    assert alert["source"] == "draft" and alert["submission_id"] is None
    assert alert["assignment_id"] == steps["assignment_id"] and alert["template_title"].startswith("PHQ-9")
    assert [(i["item"], i["value"], i["answer"]) for i in alert["items"]] == [("phq9_9", 1, "Several days")]
    # The sweep meets the draft once; running it again opens nothing more.
    assert steps["again"].draft_alerts == 0 and [a["alert_id"] for a in steps["after_again"]] == [alert["alert_id"]]
    assert steps["caseload"]["open_alerts"] == 1
    [shown] = steps["review"]["open_alerts"]
    assert shown["alert_id"] == alert["alert_id"] and shown["source"] == "draft"


def test_a_risk_answer_taken_back_in_time_opens_nothing(story):
    _, _, steps = story
    assert steps["other_alerts"] == []


def test_sending_it_afterwards_opens_no_second_alert(story):
    _, _, steps = story
    [alert] = steps["after"]
    assert steps["receipt"]["crisis_resources"], "the client still sees what to do now"
    assert [a["alert_id"] for a in steps["after_send"]] == [alert["alert_id"]]
    assert steps["submission"]["alert_id"] == alert["alert_id"]
