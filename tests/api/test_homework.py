"""Homework end to end through the API: assign, draft, submit, score, alert, review, progress."""
from __future__ import annotations

import json

import pytest

from tests.api.conftest import DAILY_MEASURE, phq9_answers, post


def _json(response):
    return json.loads(response.body)


def _client(world, key: str | None = None) -> dict:
    headers = world.headers(token=world.links["a1"])
    if key:
        headers["Idempotency-Key"] = key
    return headers


def _assign(api, world, body: dict) -> dict:
    return post(api, f"/v1/clients/{world.resources['client_id']}/assignments", world.headers("a1"), body)


THOUGHT_RECORD = {
    "situation": "Colleague did not reply to my message",
    "emotions": [{"emotion": "Anxious", "intensity": 70}, {"emotion": "Sad", "intensity": 40}],
    "automatic_thoughts": "They are annoyed with me.",
    "balanced_thought": "They are busy; they replied late before and it was fine.",
}


def test_client_sees_open_homework_and_its_form(api, world):
    assignment = _assign(api, world, {"template_id": "thought-record", "title": "One thought a day",
                                      "recurrence": {"frequency": "daily", "count": 7}, "due_time": "23:59"})
    listed = _json(api.http.get("/v1/client/assignments", headers=_client(world)))["items"]
    mine = next(a for a in listed if a["assignment_id"] == assignment["assignment_id"])
    assert mine["title"] == "One thought a day" and mine["current"]["state"] == "open"
    detail = _json(api.http.get(f"/v1/client/assignments/{assignment['assignment_id']}", headers=_client(world)))
    assert [i["id"] for i in detail["template"]["items"]][:2] == ["situation", "emotions"]
    assert detail["draft"] is None


def test_draft_autosave_restores_and_conflicts_return_the_stored_draft(api, world):
    assignment = _assign(api, world, {"template_id": "thought-record", "recurrence": {"frequency": "daily"},
                                      "due_time": "23:59"})
    path = f"/v1/client/assignments/{assignment['assignment_id']}/draft"
    first = api.http.put(path, headers=_client(world), body=json.dumps({"answers": {"situation": "At work"}}))
    assert first.status_code == 200, first.body
    saved = _json(first)
    second = api.http.put(path, headers=_client(world), body=json.dumps(
        {"answers": {"situation": "At work, after lunch"}, "version": saved["version"]}))
    assert _json(second)["version"] == saved["version"] + 1
    stale = api.http.put(path, headers=_client(world), body=json.dumps(
        {"answers": {"situation": "Stale tab"}, "version": saved["version"]}))
    assert stale.status_code == 409
    assert _json(stale)["current"]["answers"] == {"situation": "At work, after lunch"}
    restored = _json(api.http.get(f"/v1/client/assignments/{assignment['assignment_id']}", headers=_client(world)))
    assert restored["draft"]["answers"] == {"situation": "At work, after lunch"}
    bad = api.http.put(path, headers=_client(world), body=json.dumps(
        {"answers": {"emotions": [{"emotion": "x", "intensity": 500}]}, "version": _json(second)["version"]}))
    assert bad.status_code == 422


def test_invalid_answers_list_every_bad_item_and_store_nothing(api, world):
    assignment = _assign(api, world, {"template_id": "thought-record", "recurrence": {"frequency": "daily"},
                                      "due_time": "23:59"})
    answers = {"emotions": [{"emotion": "Anxious", "intensity": 170}, {"intensity": "high"}],
               "automatic_thoughts": "x" * 6000, "surprise": "?"}
    response = api.http.post(f"/v1/client/assignments/{assignment['assignment_id']}/submissions",
                             headers=_client(world, "bad-answers-1"), body=json.dumps({"answers": answers}))
    assert response.status_code == 422
    fields = {(e["field"], e["type"]) for e in _json(response)["errors"]}
    assert ("answers.situation", "missing_required") in fields
    assert ("answers.balanced_thought", "missing_required") in fields
    assert ("answers.emotions[0].intensity", "out_of_range") in fields
    assert ("answers.emotions[1].emotion", "missing_required") in fields
    assert ("answers.emotions[1].intensity", "wrong_type") in fields
    assert ("answers.automatic_thoughts", "too_long") in fields
    assert ("answers.surprise", "unknown_item") in fields
    history = _json(api.http.get("/v1/client/submissions", headers=_client(world)))["items"]
    assert [h for h in history if h["assignment_id"] == assignment["assignment_id"]] == []


def test_submission_is_idempotent_and_scored_and_reviewed(api, world):
    assignment = _assign(api, world, {"template_id": "gad-7", "recurrence": {"frequency": "weekly",
                                      "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]},
                                      "due_time": "23:59", **DAILY_MEASURE})
    path = f"/v1/client/assignments/{assignment['assignment_id']}/submissions"
    answers = {f"gad7_{n}": v for n, v in enumerate(
        ["several_days", "more_than_half_the_days", "several_days", "not_at_all", "nearly_every_day",
         "several_days", "several_days"], start=1)}
    body = json.dumps({"answers": answers, "rating": 4})
    first = api.http.post(path, headers=_client(world, "gad7-key-0001"), body=body)
    assert first.status_code == 201, first.body
    retry = api.http.post(path, headers=_client(world, "gad7-key-0001"), body=body)
    assert _json(retry) == _json(first)
    reused = api.http.post(path, headers=_client(world, "gad7-key-0001"), body=json.dumps({"answers": answers}))
    assert reused.status_code == 422
    again = api.http.post(path, headers=_client(world, "gad7-key-0002"), body=body)
    assert again.status_code == 409  # today's occurrence is already done
    assert api.http.post(path, headers=_client(world), body=body).status_code == 400  # no Idempotency-Key

    listed = _json(api.http.get(f"/v1/assignments/{assignment['assignment_id']}/submissions",
                                headers=world.headers("a1")))["items"]
    assert len(listed) == 1
    submission = listed[0]
    assert submission["score"]["total"] == 1 + 2 + 1 + 0 + 3 + 1 + 1
    assert submission["score"]["band"].lower().startswith("mild")
    reviewed = post(api, f"/v1/submissions/{submission['submission_id']}/review", world.headers("a1"),
                    {"feedback": "Well done for noticing the worry.", "quality_rating": 4}, expect=200)
    assert reviewed["review"]["quality_rating"] == 4
    seen = _json(api.http.get("/v1/client/submissions", headers=_client(world)))["items"]
    mine = next(s for s in seen if s["submission_id"] == submission["submission_id"])
    assert mine["feedback"]["feedback"] == "Well done for noticing the worry."
    assert "score" not in mine and "answers" not in mine


@pytest.mark.parametrize("item9,alerts", [(0, 0), (1, 1), (3, 1)])
def test_phq9_item9_opens_exactly_one_alert_per_submission(api, world, item9, alerts):
    assignment = _assign(api, world, {"template_id": "phq-9", "recurrence": {"frequency": "daily"},
                                      "due_time": "23:59", **DAILY_MEASURE})
    path = f"/v1/client/assignments/{assignment['assignment_id']}/submissions"
    body = json.dumps({"answers": phq9_answers(2, 2, 1, 1, 1, 1, 1, 1, item9)})
    receipt = _json(api.http.post(path, headers=_client(world, f"phq9-{item9}-key"), body=body))
    api.http.post(path, headers=_client(world, f"phq9-{item9}-key"), body=body)  # a retry adds nothing
    assert bool(receipt["crisis_resources"]) is bool(alerts)
    if alerts:
        assert "emergency" in receipt["crisis_resources"][0]["message"]
    open_alerts = _json(api.http.get("/v1/alerts", headers=world.headers("a1")))["items"]
    mine = [a for a in open_alerts if a["submission_id"] == receipt["submission_id"]]
    assert len(mine) == alerts
    if alerts:  # the clinician reads the answer as the client saw it, not only its score
        wording = {1: "Several days", 3: "Nearly every day"}[item9]
        assert [(i["item"], i["value"], i["answer"]) for i in mine[0]["items"]] == [("phq9_9", item9, wording)]


def test_alert_acknowledgement_is_audited_and_counted_on_the_caseload(api, world):
    alert_id = world.resources["alert_id"]
    caseload = _json(api.http.get("/v1/clients", headers=world.headers("a1")))["items"]
    assert caseload[0]["open_alerts"] == 1
    acknowledged = post(api, f"/v1/alerts/{alert_id}/acknowledge", world.headers("a1"),
                        {"note": "Phoned; safety plan reviewed."}, expect=200)
    assert acknowledged["status"] == "acknowledged" and acknowledged["acknowledged_by"] == world.sub("a1")
    assert acknowledged["acknowledged_by_name"] == "A1"  # a name for the page, not the sub
    assert _json(api.http.get("/v1/alerts", headers=world.headers("a1")))["items"] == []
    done = _json(api.http.get("/v1/alerts?status=acknowledged", headers=world.headers("owner_a")))["items"]
    assert [(a["alert_id"], a["acknowledged_by_name"]) for a in done] == [(alert_id, "A1")]
    assert _json(api.http.get("/v1/clients", headers=world.headers("a1")))["items"][0]["open_alerts"] == 0
    trail = _json(api.http.get(f"/v1/clients/{world.resources['client_id']}/audit", headers=world.headers("a1")))
    assert "alert.acknowledge" in [e["action"] for e in trail["items"]]


def test_caseload_shows_completion_over_7_and_28_days(api, world):
    row = _json(api.http.get("/v1/clients", headers=world.headers("a1")))["items"][0]
    # The world's daily PHQ-9 started today and today's occurrence is submitted (not yet due):
    # work sent early counts at once.
    assert row["completion_7d"]["done"] == 1 and row["completion_7d"]["due"] == 1
    assert row["completion_28d"]["ratio"] == 1.0


def test_skip_pause_and_cancel_keep_history(api, world):
    assignment = _assign(api, world, {"template_id": "mood-diary", "recurrence": {"frequency": "daily"},
                                      "due_time": "23:59"})
    aid = assignment["assignment_id"]
    skipped = post(api, f"/v1/client/assignments/{aid}/skip", _client(world), {"reason": "Unwell today"},
                   expect=200)
    assert skipped["state"] == "skipped"
    view = _json(api.http.get(f"/v1/assignments/{aid}", headers=world.headers("a1")))
    assert view["recent"][-1]["state"] == "skipped"
    paused = api.http.patch(f"/v1/assignments/{aid}", headers=world.headers("a1"),
                            body=json.dumps({"status": "paused", "version": view["version"]}))
    assert _json(paused)["status"] == "paused" and _json(paused)["current"] is None
    cancelled = _json(api.http.delete(f"/v1/assignments/{aid}", headers=world.headers("a1")))
    assert [h["status"] for h in cancelled["status_history"]] == ["active", "paused", "cancelled"]
    restart = api.http.patch(f"/v1/assignments/{aid}", headers=world.headers("a1"),
                             body=json.dumps({"status": "active"}))
    assert restart.status_code == 422
    assert aid not in [a["assignment_id"] for a in
                       _json(api.http.get("/v1/client/assignments", headers=_client(world)))["items"]]


def test_custom_templates_are_versioned_and_private_unless_shared(api, world):
    template_id = world.resources["template_id"]
    original = _json(api.http.get(f"/v1/templates/{template_id}", headers=world.headers("a1")))
    changed = api.http.put(f"/v1/templates/{template_id}", headers=world.headers("a1"), body=json.dumps({
        "version": original["version"], "content": {**original["content"], "title": "Renamed"}}))
    assert changed.status_code == 200, changed.body
    assert _json(changed)["version"] == 2
    old = _json(api.http.get(f"/v1/templates/{template_id}?version=1", headers=world.headers("a1")))
    assert old["content"]["title"] == "Victim private template"
    stale = api.http.put(f"/v1/templates/{template_id}", headers=world.headers("a1"), body=json.dumps({
        "version": 1, "content": original["content"]}))
    assert stale.status_code == 409
    assert api.http.get(f"/v1/templates/{template_id}", headers=world.headers("a2")).status_code == 404
    assert template_id not in [t["template_id"] for t in
                               _json(api.http.get("/v1/templates", headers=world.headers("a2")))["items"]]
    library = [t["template_id"] for t in _json(api.http.get("/v1/templates", headers=world.headers("a2")))["items"]]
    assert {"phq-9", "gad-7", "pcl-5", "thought-record", "safety-plan"} <= set(library)
    adapted = post(api, "/v1/templates", world.headers("a2"), {"based_on": "phq-9", "content": {
        **_json(api.http.get("/v1/templates/phq-9", headers=world.headers("a2")))["content"],
        "title": "PHQ-9 (our wording notes)"}})
    assert adapted["based_on"] == "phq-9" and adapted["content"]["scoring"]["bands"]
    assert api.http.put("/v1/templates/phq-9", headers=world.headers("owner_a"), body=json.dumps(
        {"version": 1, "content": original["content"]})).status_code == 403


def test_bad_template_definitions_are_refused_with_field_paths(api, world):
    response = api.http.post("/v1/templates", headers=world.headers("a1"), body=json.dumps({"content": {
        "title": "Broken", "kind": "questionnaire",
        "items": [{"id": "q", "type": "single_choice", "label": "Q", "options": []},
                  {"id": "q", "type": "text", "label": "Again"}],
        "scoring": {"total_items": ["missing_item"]}}}))
    assert response.status_code == 422
    assert all(e["field"].startswith("content") for e in _json(response)["errors"])


def test_progress_has_series_bands_reliable_change_and_completion(api, world):
    view = _json(api.http.get(f"/v1/clients/{world.resources['client_id']}/progress", headers=world.headers("a1")))
    phq = next(m for m in view["measures"] if m["template_id"] == "phq-9")
    assert phq["series"][0]["total"] == 9 and phq["series"][0]["band"].lower().startswith("mild")
    assert phq["bands"][0]["min"] == 0 and phq["reliable_change"] is None  # one point: no change yet
    daily = next(a for a in view["assignments"] if a["assignment_id"] == world.resources["assignment_id"])
    assert daily["done"] == 1 and daily["due"] == 1  # today's occurrence, sent before it fell due, counts


def test_assignment_validation_errors(api, world):
    client_id = world.resources["client_id"]
    for body, field in [({"template_id": "no-such-template"}, None),
                        ({"template_id": "phq-9", "recurrence": {"frequency": "weekly"}}, "recurrence.weekdays"),
                        ({"template_id": "phq-9", "recurrence": {"frequency": "daily", "count": 3,
                                                                 "until": "2027-01-01"}}, "recurrence.count"),
                        ({"template_id": "phq-9", "due_time": "24:00"}, "due_time")]:
        response = api.http.post(f"/v1/clients/{client_id}/assignments", headers=world.headers("a1"),
                                 body=json.dumps(body))
        assert response.status_code in (404, 422), response.body
        if field:
            assert field in [e["field"] for e in _json(response)["errors"]]


def test_reassigning_a_client_moves_open_alerts_to_the_new_clinician(api, world):
    client_id = world.resources["client_id"]
    current = json.loads(api.http.get(f"/v1/clients/{client_id}", headers=world.headers("owner_a")).body)
    moved = api.http.patch(f"/v1/clients/{client_id}", headers=world.headers("owner_a"), body=json.dumps(
        {"clinician_id": world.sub("a2"), "version": current["version"]}))
    assert moved.status_code == 200, moved.body
    assert [a["alert_id"] for a in _json(api.http.get("/v1/alerts", headers=world.headers("a2")))["items"]] == \
        [world.resources["alert_id"]]
    assert _json(api.http.get("/v1/alerts", headers=world.headers("a1")))["items"] == []
    assert [c["client_id"] for c in _json(api.http.get("/v1/clients", headers=world.headers("a2")))["items"]] == \
        [client_id]
