"""Conditional questions through the API: PHQ-9's difficulty question is asked only after a
problem, a hidden question's answer is never stored, a shown required one is required, a
template with a condition that cannot work is refused with its field path, and the PCL-5's
provisional diagnosis reaches the stored score."""
from __future__ import annotations

import json

from tests.api.conftest import phq9_answers, post


def _assign(api, world, body: dict) -> dict:
    return post(api, f"/v1/clients/{world.resources['client_id']}/assignments", world.headers("a1"),
                {"recurrence": {"frequency": "once"}, "due_time": "23:59", **body})


def _send(api, world, assignment: dict, answers: dict, key: str, expect: int = 201) -> dict:
    headers = {**world.headers(token=world.links["a1"]), "Idempotency-Key": key}
    return post(api, f"/v1/client/assignments/{assignment['assignment_id']}/submissions", headers,
                {"answers": answers}, expect=expect)


def _stored(api, world, assignment: dict) -> dict:
    response = api.http.get(f"/v1/assignments/{assignment['assignment_id']}/submissions", headers=world.headers("a1"))
    assert response.status_code == 200, response.body
    [submission] = json.loads(response.body)["items"]
    return submission


def test_phq9_all_zeros_without_the_difficulty_question_is_accepted_and_a_given_one_is_not_stored(api, world):
    silent = _assign(api, world, {"template_id": "phq-9"})
    _send(api, world, silent, phq9_answers(*[0] * 9, difficulty=None), "enable-when-zeros-0001")
    assert _stored(api, world, silent)["score"]["total"] == 0

    answered = _assign(api, world, {"template_id": "phq-9"})
    _send(api, world, answered, phq9_answers(*[0] * 9, difficulty="very_difficult"), "enable-when-zeros-0002")
    assert "difficulty" not in _stored(api, world, answered)["answers"]  # hidden, so not stored


def test_phq9_with_a_problem_keeps_the_difficulty_answer_and_accepts_none_as_published(api, world):
    with_answer = _assign(api, world, {"template_id": "phq-9"})
    _send(api, world, with_answer, phq9_answers(0, 0, 2, 0, 0, 0, 0, 0, 0, difficulty="somewhat_difficult"),
          "enable-when-problem-0001")
    stored = _stored(api, world, with_answer)
    assert stored["answers"]["difficulty"] == "somewhat_difficult" and stored["score"]["total"] == 2

    without = _assign(api, world, {"template_id": "phq-9"})  # the difficulty question is optional (required: false)
    _send(api, world, without, phq9_answers(0, 0, 2, 0, 0, 0, 0, 0, 0, difficulty=None), "enable-when-problem-0002")
    assert "difficulty" not in _stored(api, world, without)["answers"]


FOLLOW_UP = {"title": "Sleep check", "kind": "questionnaire", "items": [
    {"id": "slept", "type": "scale", "label": "How well did you sleep?", "min": 0, "max": 10, "required": True},
    {"id": "why", "type": "text", "label": "What kept you awake?", "required": True,
     "enable_when": [{"question": "slept", "operator": "<=", "answer": 3}]}]}


def test_a_shown_required_question_is_required_and_a_hidden_one_is_not(api, world):
    template = post(api, "/v1/templates", world.headers("a1"), {"shared": False, "content": FOLLOW_UP})
    assignment = _assign(api, world, {"template_id": template["template_id"]})
    refused = _send(api, world, assignment, {"slept": 3}, "enable-when-required-0001", expect=422)
    assert [(e["field"], e["type"]) for e in refused["errors"]] == [("answers.why", "missing_required")]
    _send(api, world, assignment, {"slept": 4, "why": "never shown"}, "enable-when-required-0002")
    assert _stored(api, world, assignment)["answers"] == {"slept": 4}


def test_a_condition_on_a_later_question_is_refused_with_its_field_path(api, world):
    items = [{**FOLLOW_UP["items"][1], "enable_when": [{"question": "slept", "operator": ">", "answer": 3}]},
             FOLLOW_UP["items"][0]]
    response = api.http.post("/v1/templates", headers=world.headers("a1"),
                             body=json.dumps({"content": {**FOLLOW_UP, "items": items}}))
    assert response.status_code == 422, response.body
    assert response.headers["Content-Type"].startswith("application/problem+json")
    fields = [e["field"] for e in json.loads(response.body)["errors"]]
    assert fields == ["content.items[0].enable_when[0].question"]


def test_the_pcl5_provisional_diagnosis_is_in_the_stored_score(api, world):
    assignment = _assign(api, world, {"template_id": "pcl-5"})
    answers = {f"pcl5_{n}": "not_at_all" for n in range(1, 21)}
    answers |= {f"pcl5_{n}": "moderately" for n in (1, 6, 8, 9, 15, 16)}
    _send(api, world, assignment, answers, "enable-when-pcl5-0001")
    rule = _stored(api, world, assignment)["score"]["cluster_rules"]["provisional_diagnosis"]
    assert rule["met"] is True
    assert rule["counts"] == {"cluster_b": 1, "cluster_c": 1, "cluster_d": 2, "cluster_e": 2}
    progress = json.loads(api.http.get(f"/v1/clients/{world.resources['client_id']}/progress",
                                       headers=world.headers("a1")).body)
    [pcl5] = [m for m in progress["measures"] if m["template_id"] == "pcl-5"]
    assert pcl5["series"][-1]["cluster_rules"]["provisional_diagnosis"] == rule  # progress reads it too


def test_a_draft_keeps_no_answer_to_a_hidden_question(api, world):
    assignment = _assign(api, world, {"template_id": "phq-9"})
    path = f"/v1/client/assignments/{assignment['assignment_id']}/draft"
    headers = world.headers(token=world.links["a1"])
    saved = api.http.put(path, headers=headers, body=json.dumps(
        {"answers": {"phq9_1": "not_at_all", "difficulty": "very_difficult"}}))
    assert saved.status_code == 200, saved.body
    assert json.loads(saved.body)["answers"] == {"phq9_1": "not_at_all"}
    shown = api.http.put(path, headers=headers, body=json.dumps(
        {"answers": {"phq9_1": "several_days", "difficulty": "very_difficult"}, "version": json.loads(saved.body)["version"]}))
    assert json.loads(shown.body)["answers"] == {"phq9_1": "several_days", "difficulty": "very_difficult"}
