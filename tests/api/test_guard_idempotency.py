"""Submission idempotency at its own level: a key is scoped to one assignment of one
client and kept in that client's partition, and the request fingerprint is stable."""
from __future__ import annotations

import hashlib

import pytest

from tests.api.conftest import DAILY_MEASURE, phq9_answers, post


def _assignment(api, world) -> str:
    client_id = world.clients["a1"]["client_id"]
    return post(api, f"/v1/clients/{client_id}/assignments", world.headers("a1"), {
        "template_id": "phq-9", "recurrence": {"frequency": "daily"}, "due_time": "23:59",
        **DAILY_MEASURE})["assignment_id"]


def test_one_key_used_on_two_assignments_stores_two_submissions_in_the_clients_partition(api, world):
    from chalicelib.store import keys, table

    headers = {**world.headers(token=world.links["a1"]), "Idempotency-Key": "same-key-on-two-assignments"}
    receipts = []
    for assignment_id in (_assignment(api, world), _assignment(api, world)):
        receipts.append(post(api, f"/v1/client/assignments/{assignment_id}/submissions", headers,
                             {"answers": phq9_answers(0, 1, 0, 1, 0, 1, 0, 1, 0)}))
        client_id, ulid = keys.split_child_id(assignment_id)
        key_hash = hashlib.sha256(b"same-key-on-two-assignments").hexdigest()
        record = table.get(keys.idempotency(client_id, ulid, key_hash).as_dict(), consistent=True)
        assert record and record["receipt"]["submission_id"] == receipts[-1]["submission_id"]
    assert receipts[0]["submission_id"] != receipts[1]["submission_id"]


def test_the_request_fingerprint_is_stable_across_releases():
    """A retry may reach a newer release within the key's 24 hours: same body, same hash."""
    from chalicelib.homework.models import SubmissionCreate
    from chalicelib.homework.submission_service import _request_hash

    body = SubmissionCreate.model_validate({"answers": {"b": [1, 2], "a": "x"}, "completion": "complete"})
    canonical = ('{"answers":{"a":"x","b":[1,2]},"completion":"complete","note_for_session":null,'
                 '"obstacles":null,"occurrence_id":null,"rating":null}')
    assert _request_hash(body) == hashlib.sha256(canonical.encode()).hexdigest()


# -- what a retry gets: the idempotency record decides, not the assignment's state ----------------

def _submission_path(assignment_id: str) -> str:
    return f"/v1/client/assignments/{assignment_id}/submissions"


def _headers(world, key: str) -> dict[str, str]:
    return {**world.headers(token=world.links["a1"]), "Idempotency-Key": key}


def _record_key(assignment_id: str, key: str):
    from chalicelib.store import keys

    client_id, ulid = keys.split_child_id(assignment_id)
    return keys.idempotency(client_id, ulid, hashlib.sha256(key.encode()).hexdigest())


def _stored_record(assignment_id: str, key: str, body: dict, *, expires_in: int) -> dict:
    """An idempotency record as a first request with `key` left it, expiring `expires_in` s from now."""
    import time

    from chalicelib.homework.models import SubmissionCreate
    from chalicelib.homework.submission_service import _request_hash
    from chalicelib.store import keys, table

    client_id, _ = keys.split_child_id(assignment_id)
    receipt = {"submission_id": keys.child_id(assignment_id, "01JC0000000000000000000000"),
               "assignment_id": assignment_id, "occurrence_id": "2026-01-01", "submitted_at": "2026-01-01T09:00:00Z",
               "crisis_resources": []}
    table.put({**_record_key(assignment_id, key).as_dict(), "receipt": receipt,
               "request_hash": _request_hash(SubmissionCreate.model_validate(body)),
               "expires_at": int(time.time()) + expires_in})
    return receipt


def _submissions(api, world, assignment_id: str) -> list[dict]:
    import json

    return json.loads(api.http.get(f"/v1/assignments/{assignment_id}/submissions",
                                   headers=world.headers("a1")).body)["items"]


BODY = {"answers": phq9_answers(0, 1, 0, 1, 0, 1, 0, 1, 0)}


def test_a_retry_within_the_keys_24_hours_gets_the_first_receipt_and_stores_nothing_new(api, world):
    assignment_id = _assignment(api, world)
    receipt = _stored_record(assignment_id, "retry-within-a-day", BODY, expires_in=3600)
    replayed = post(api, _submission_path(assignment_id), _headers(world, "retry-within-a-day"), BODY)
    assert replayed["submission_id"] == receipt["submission_id"]
    assert _submissions(api, world, assignment_id) == [], "no second submission"


def test_a_retry_after_the_key_expired_is_a_new_submission(api, world):
    assignment_id = _assignment(api, world)
    stale = _stored_record(assignment_id, "retry-after-a-day", BODY, expires_in=-60)
    fresh = post(api, _submission_path(assignment_id), _headers(world, "retry-after-a-day"), BODY)
    assert fresh["submission_id"] != stale["submission_id"]
    assert [s["submission_id"] for s in _submissions(api, world, assignment_id)] == [fresh["submission_id"]]



@pytest.mark.parametrize("after_expiry", [0.0, 0.5, 0.999])
def test_a_retry_within_the_second_its_key_expires_is_a_new_submission(api, world, after_expiry):
    """Read and write judge expiry by the same whole second: no moment is left in which a
    retry is neither replayed nor allowed to store (it used to end in a 409)."""
    import time_machine

    from chalicelib.store import table

    assignment_id = _assignment(api, world)
    stale = _stored_record(assignment_id, "retry-at-expiry", BODY, expires_in=30)
    expiry = table.get(_record_key(assignment_id, "retry-at-expiry").as_dict())["expires_at"]
    with time_machine.travel(expiry + after_expiry, tick=False):
        fresh = post(api, _submission_path(assignment_id), _headers(world, "retry-at-expiry"), BODY)
    assert fresh["submission_id"] != stale["submission_id"]
    assert [s["submission_id"] for s in _submissions(api, world, assignment_id)] == [fresh["submission_id"]]


def test_a_retry_in_the_last_second_before_expiry_is_replayed(api, world):
    import time_machine

    from chalicelib.store import table

    assignment_id = _assignment(api, world)
    receipt = _stored_record(assignment_id, "retry-before-expiry", BODY, expires_in=30)
    expiry = table.get(_record_key(assignment_id, "retry-before-expiry").as_dict())["expires_at"]
    with time_machine.travel(expiry - 0.5, tick=False):
        replayed = post(api, _submission_path(assignment_id), _headers(world, "retry-before-expiry"), BODY)
    assert replayed["submission_id"] == receipt["submission_id"]
    assert _submissions(api, world, assignment_id) == []


@pytest.fixture
def batch_read_behind(monkeypatch):
    """The batch read misses idempotency records, as DynamoDB's BatchGet (not isolated from a
    concurrent transaction) can while a duplicate of the request is being stored."""
    from chalicelib.store import homework as homework_store

    read = homework_store.get_many

    def behind(items_keys):
        return {sk: item for sk, item in read(items_keys).items() if not sk.startswith("IDEMPOTENCY#")}

    monkeypatch.setattr(homework_store, "get_many", behind)


def test_a_duplicate_seen_only_as_a_done_occurrence_still_gets_its_receipt(api, world, batch_read_behind):
    assignment_id = _assignment(api, world)
    first = post(api, _submission_path(assignment_id), _headers(world, "duplicate-in-flight"), BODY)
    again = post(api, _submission_path(assignment_id), _headers(world, "duplicate-in-flight"), BODY)
    assert again == first
    reused = post(api, _submission_path(assignment_id), _headers(world, "duplicate-in-flight"),
                  {"answers": phq9_answers(3, 3, 3, 3, 3, 3, 3, 3, 0)}, expect=422)
    assert reused["errors"][0]["type"] == "idempotency_key_reused"
    assert len(_submissions(api, world, assignment_id)) == 1


def test_an_expired_key_on_a_done_occurrence_is_refused_not_replayed(api, world, batch_read_behind):
    from chalicelib.store import table

    assignment_id = _assignment(api, world)
    post(api, _submission_path(assignment_id), _headers(world, "expired-then-done"), BODY)
    table.update(_record_key(assignment_id, "expired-then-done").as_dict(), set={"expires_at": 1})
    refused = post(api, _submission_path(assignment_id), _headers(world, "expired-then-done"), BODY, expect=409)
    assert "already" in refused["detail"].lower() or "nothing" in refused["detail"].lower()


def test_a_submission_that_keeps_losing_the_race_is_told_to_try_again(api, world, monkeypatch):
    from chalicelib.store import table

    def always_beaten(actions):
        raise table.ConditionFailed("another writer got there first")

    assignment_id = _assignment(api, world)
    monkeypatch.setattr(table, "transact", always_beaten)
    busy = post(api, _submission_path(assignment_id), _headers(world, "always-beaten"), BODY, expect=409)
    assert busy["detail"] == "This homework is being changed at the same time; try again."


def test_a_risk_answer_tells_the_clinician_at_once_not_at_the_next_sweep(api, world):
    import json

    from chalicelib.store import keys, table
    from tests.api.conftest import submit_risk_answer

    receipt = submit_risk_answer(api, world, "risk-told-at-once")
    alerts = json.loads(api.http.get("/v1/alerts", headers=world.headers("a1")).body)["items"]
    alert = next(a for a in alerts if a["submission_id"] == receipt["submission_id"])
    client_id, ulid = keys.split_child_id(alert["alert_id"])
    stored = table.get(keys.alert(client_id, ulid).as_dict(), consistent=True)
    assert stored.get("notified") is True and "gsi3pk" not in stored, "out of the sweep's due-index"


def test_a_submission_keeps_the_record_of_the_last_reminder_sent(api, world):
    """So the sweep does not plan a reminder the client already had."""
    from chalicelib.store import keys, table

    assignment_id = _assignment(api, world)
    client_id, ulid = keys.split_child_id(assignment_id)
    reminder = table.get(keys.reminder(client_id, ulid).as_dict(), consistent=True)
    last_sent = {"occurrence_id": reminder.get("occurrence_id") or "2026-01-01", "number": 1}
    table.put({**reminder, "last_sent": last_sent})
    post(api, _submission_path(assignment_id), _headers(world, "keeps-last-sent"), BODY)
    after = table.get(keys.reminder(client_id, ulid).as_dict(), consistent=True)
    assert after["last_sent"] == last_sent
