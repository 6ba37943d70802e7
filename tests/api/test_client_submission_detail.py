"""A client re-reads one of their own past submissions: their answers with the form they were
given (to render read-only), the score band, their rating, what got in the way and the
clinician's feedback, in one read; anyone else's submission is simply not found."""
from __future__ import annotations

import json

from tests.api.conftest import phq9_answers, post
from tests.api.test_request_budget import _besides_authentication, counted


def _get(api, world, submission_id: str, who: str = "a1"):
    return api.http.get(f"/v1/client/submissions/{submission_id}", headers=world.headers(token=world.links[who]))


def test_the_client_re_reads_a_scored_submission_with_feedback(api, world):
    submission_id = world.resources["submission_id"]
    before = json.loads(_get(api, world, submission_id).body)
    assert before["feedback"] is None
    post(api, f"/v1/submissions/{submission_id}/review", world.headers("a1"),
         {"feedback": "Thank you for being honest about item 9; let's talk on Tuesday.", "quality_rating": 4},
         expect=200)
    with counted() as calls:
        response = _get(api, world, submission_id)
    assert response.status_code == 200, response.body
    assert len(_besides_authentication(calls)) <= 1, calls
    body = json.loads(response.body)
    assert body["submission_id"] == submission_id and body["assignment_id"] == world.resources["assignment_id"]
    assert body["answers"] == phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 1)
    assert body["template"]["id"] == "phq-9" and [i["id"] for i in body["template"]["items"]][:2] == [
        "phq9_1", "phq9_2"]
    assert body["score_band"] == "Mild" and body["completion"] == "complete" and body["kind"]
    assert body["feedback"]["feedback"].startswith("Thank you for being honest")
    assert body["feedback"]["reviewed_at"].endswith("Z")
    # The client sees the words, not who wrote them (no clinician account id), nor the risk flags.
    text = response.body.decode()
    assert world.sub("a1") not in text and "alert_id" not in text and "risk" not in json.dumps(
        {k: v for k, v in body.items() if k != "template"})


def test_a_partial_submission_shows_what_got_in_the_way(api, world):
    client_id = world.resources["client_id"]
    assignment = post(api, f"/v1/clients/{client_id}/assignments", world.headers("a1"), {
        "template_id": "thought-record", "recurrence": {"frequency": "daily"}, "due_time": "23:59"})
    receipt = post(api, f"/v1/client/assignments/{assignment['assignment_id']}/submissions",
                   {**world.headers(token=world.links["a1"]), "Idempotency-Key": "partial-detail-1"},
                   {"answers": {"situation": "Bus stop"}, "completion": "partial", "rating": 3,
                    "barriers": ["too_hard"], "note_for_session": "Ask about the evidence column"})
    body = json.loads(_get(api, world, receipt["submission_id"]).body)
    assert body["answers"] == {"situation": "Bus stop"} and body["completion"] == "partial"
    assert body["rating"] == 3 and body["score_band"] is None and body["feedback"] is None
    assert body["barriers"] == {"barriers": ["too_hard"], "other": None, "context": "partial"}
    assert body["note_for_session"] == "Ask about the evidence column"
    assert body["template"]["id"] == "thought-record"


def test_another_client_s_submission_is_not_found(api, world):
    submission_id = world.resources["submission_id"]
    for path_id in (submission_id,  # a1's client's submission, asked by b1's client
                    submission_id[:-26] + "01ARZ3NDEKTSV4RRFFQ69G5FAV"):  # no such submission
        response = _get(api, world, path_id, who="b1" if path_id == submission_id else "a1")
        assert response.status_code == 404, response.body
        assert world.resources["client_id"] not in response.body.decode()
    # b1's client's own id shape with a1's client's assignment: still not theirs.
    response = _get(api, world, submission_id, who="b1")
    assert json.loads(response.body)["detail"] == "No such submission."
