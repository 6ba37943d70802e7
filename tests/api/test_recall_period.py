"""A measure keeps its meaning: the client always reads the template's own instructions (its
timeframe stem) beside the clinician's words, and a measure cannot be scheduled more often than
its recall period without a reason, which is kept and audited."""
from __future__ import annotations

import json

from tests.api.conftest import post

PHQ9_STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
REASON = "Weekly session-by-session measure agreed with the client"


def _json(response):
    return json.loads(response.body)


def _create(api, world, body: dict):
    return api.http.post(f"/v1/clients/{world.resources['client_id']}/assignments", headers=world.headers("a1"),
                         body=json.dumps(body))


def _patch(api, world, assignment_id: str, body: dict):
    return api.http.patch(f"/v1/assignments/{assignment_id}", headers=world.headers("a1"), body=json.dumps(body))


def _trail(api, world) -> list[dict]:
    response = api.http.get(f"/v1/clients/{world.resources['client_id']}/audit", headers=world.headers("owner_a"))
    assert response.status_code == 200, response.body
    return _json(response)["items"]


def test_a_daily_phq9_is_refused_with_a_plain_reason_and_nothing_is_stored(api, world):
    before = _json(api.http.get(f"/v1/clients/{world.resources['client_id']}/assignments",
                                headers=world.headers("a1")))["items"]
    response = _create(api, world, {"template_id": "phq-9", "recurrence": {"frequency": "daily"}})
    assert response.status_code == 422, response.body
    assert response.headers["Content-Type"].startswith("application/problem+json")
    (error,) = _json(response)["errors"]
    assert error["field"] == "recurrence" and error["type"] == "recall_period"
    assert error["message"].startswith("PHQ-9 asks about the last 2 weeks, so it can be sent at most every 14 days.")
    after = _json(api.http.get(f"/v1/clients/{world.resources['client_id']}/assignments",
                               headers=world.headers("a1")))["items"]
    assert len(after) == len(before)


def test_each_kind_of_schedule_is_measured_by_its_shortest_gap(api, world):
    refused = [({"frequency": "weekly", "weekdays": ["mon"]}, "gad-7"),
               ({"frequency": "every_n_days", "interval": 13}, "phq-9"),
               ({"frequency": "every_n_days", "interval": 29}, "pcl-5"),
               ({"frequency": "daily", "count": 2}, "dass-21")]
    for recurrence, template_id in refused:
        response = _create(api, world, {"template_id": template_id, "recurrence": recurrence})
        assert response.status_code == 422, (template_id, recurrence)
        assert _json(response)["errors"][0]["type"] == "recall_period"
    fits = [({"frequency": "once"}, "phq-9"),
            ({"frequency": "every_n_days", "interval": 14}, "gad-7"),
            ({"frequency": "weekly", "weekdays": ["tue"]}, "dass-21"),
            ({"frequency": "daily", "count": 1}, "pcl-5"),
            ({"frequency": "daily"}, "mood-diary")]  # no recall period: any schedule
    for recurrence, template_id in fits:
        made = _create(api, world, {"template_id": template_id, "recurrence": recurrence})
        assert made.status_code == 201, (template_id, recurrence, made.body)
        assert _json(made)["recall_overrides"] == []


def test_an_override_needs_a_reason_and_is_kept_in_history_and_audit(api, world):
    missing = _create(api, world, {"template_id": "phq-9", "recurrence": {"frequency": "weekly", "weekdays": ["mon"]},
                                   "override_recall_period": True})
    assert missing.status_code == 422
    assert [e["field"] for e in _json(missing)["errors"]] == ["override_reason"]

    made = post(api, f"/v1/clients/{world.resources['client_id']}/assignments", world.headers("a1"), {
        "template_id": "phq-9", "recurrence": {"frequency": "weekly", "weekdays": ["mon"]},
        "override_recall_period": True, "override_reason": f"  {REASON} "})
    (override,) = made["recall_overrides"]
    assert override["reason"] == REASON and override["by"] == world.sub("a1") and override["by_name"] == "A1"
    assert override["recall_period_days"] == 14 and override["shortest_gap_days"] == 7
    assert override["recurrence"]["weekdays"] == ["mon"] and override["at"] == made["created_at"]
    stored = _json(api.http.get(f"/v1/assignments/{made['assignment_id']}", headers=world.headers("a1")))
    assert stored["recall_overrides"] == made["recall_overrides"]
    events = [(e["action"], e["detail"]) for e in _trail(api, world)]
    assert ("assignment.recall_override", made["assignment_id"]) in events
    assert REASON not in json.dumps(_trail(api, world))  # the reason stays with the assignment

    # an override that is not needed is neither kept nor audited
    fits = post(api, f"/v1/clients/{world.resources['client_id']}/assignments", world.headers("a1"), {
        "template_id": "phq-9", "recurrence": {"frequency": "every_n_days", "interval": 14},
        "override_recall_period": True, "override_reason": REASON})
    assert fits["recall_overrides"] == []
    assert ("assignment.recall_override", fits["assignment_id"]) not in [
        (e["action"], e["detail"]) for e in _trail(api, world)]


def test_an_edit_to_a_too_frequent_schedule_is_refused_unless_overridden(api, world):
    made = post(api, f"/v1/clients/{world.resources['client_id']}/assignments", world.headers("a1"), {
        "template_id": "gad-7", "recurrence": {"frequency": "every_n_days", "interval": 14}})
    refused = _patch(api, world, made["assignment_id"], {"recurrence": {"frequency": "daily"}})
    assert refused.status_code == 422
    (error,) = _json(refused)["errors"]
    assert error["field"] == "recurrence" and error["message"].startswith(
        "GAD-7 asks about the last 2 weeks, so it can be sent at most every 14 days. This schedule sends it every day.")
    unchanged = _json(api.http.get(f"/v1/assignments/{made['assignment_id']}", headers=world.headers("a1")))
    assert unchanged["recurrence"]["frequency"] == "every_n_days" and unchanged["version"] == made["version"]

    # other changes never trip over the schedule
    renamed = _patch(api, world, made["assignment_id"], {"title": "Anxiety check-in"})
    assert renamed.status_code == 200, renamed.body

    overridden = _patch(api, world, made["assignment_id"], {
        "recurrence": {"frequency": "weekly", "weekdays": ["mon", "thu"]},
        "override_recall_period": True, "override_reason": REASON})
    assert overridden.status_code == 200, overridden.body
    body = _json(overridden)
    (override,) = body["recall_overrides"]
    assert override["shortest_gap_days"] == 3 and override["reason"] == REASON and override["at"] == body["updated_at"]
    assert body["change_history"][-1]["fields"] == ["recurrence"]
    assert ("assignment.recall_override", made["assignment_id"]) in [
        (e["action"], e["detail"]) for e in _trail(api, world)]


def test_the_client_reads_the_measures_stem_and_the_clinicians_words_beside_it(api, world):
    headers = world.headers(token=world.links["a1"])
    own = post(api, f"/v1/clients/{world.resources['client_id']}/assignments", world.headers("a1"), {
        "template_id": "phq-9", "instructions": "Do this on Sunday evenings, before we meet."})
    assert own["instructions"] == "Do this on Sunday evenings, before we meet."
    detail = _json(api.http.get(f"/v1/client/assignments/{own['assignment_id']}", headers=headers))
    assert detail["template_instructions"].startswith(PHQ9_STEM)
    assert detail["instructions"] == "Do this on Sunday evenings, before we meet."
    listed = next(a for a in _json(api.http.get("/v1/client/assignments", headers=headers))["items"]
                  if a["assignment_id"] == own["assignment_id"])
    assert listed["template_instructions"].startswith(PHQ9_STEM) and listed["instructions"] == own["instructions"]

    # no words of the clinician's own: the stem alone, never repeated as theirs
    plain = post(api, f"/v1/clients/{world.resources['client_id']}/assignments", world.headers("a1"),
                 {"template_id": "gad-7"})
    assert plain["instructions"] == ""
    plain_detail = _json(api.http.get(f"/v1/client/assignments/{plain['assignment_id']}", headers=headers))
    assert plain_detail["template_instructions"].startswith("Over the last 2 weeks")
    assert plain_detail["instructions"] == ""

    # a clinician who pastes the template's own text has added nothing of their own
    copied = post(api, f"/v1/clients/{world.resources['client_id']}/assignments", world.headers("a1"),
                  {"template_id": "phq-9", "instructions": detail["template_instructions"]})
    copied_detail = _json(api.http.get(f"/v1/client/assignments/{copied['assignment_id']}", headers=headers))
    assert copied_detail["template_instructions"] == detail["template_instructions"]
    assert copied_detail["instructions"] == ""


def test_the_openapi_document_describes_the_new_fields(api):
    spec = _json(api.http.get("/v1/openapi.json"))
    schemas = spec["components"]["schemas"]
    for name in ("AssignmentCreate", "AssignmentUpdate"):
        assert {"override_recall_period", "override_reason"} <= set(schemas[name]["properties"])
    assert "recall_overrides" in schemas["AssignmentView"]["properties"]
    for name in ("ClientAssignmentDetail", "ClientAssignmentSummary"):
        assert "template_instructions" in schemas[name]["properties"]
