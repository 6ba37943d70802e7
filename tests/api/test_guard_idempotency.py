"""Submission idempotency at its own level: a key is scoped to one assignment of one
client and kept in that client's partition, and the request fingerprint is stable."""
from __future__ import annotations

import hashlib

from tests.api.conftest import phq9_answers, post


def _assignment(api, world) -> str:
    client_id = world.clients["a1"]["client_id"]
    return post(api, f"/v1/clients/{client_id}/assignments", world.headers("a1"), {
        "template_id": "phq-9", "recurrence": {"frequency": "daily"}, "due_time": "23:59"})["assignment_id"]


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
