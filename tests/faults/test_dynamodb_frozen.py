"""DynamoDB stops answering (its process frozen with SIGSTOP) while people use the app.

Every answer is a 503 problem with Retry-After, given within the request deadline;
after the thaw everything acknowledged is there, nothing is half-written, and a
retried submission with the same Idempotency-Key gets one receipt.
"""
from __future__ import annotations

import time

from tests.faults.conftest import DEADLINE_SECONDS, LOW_PHQ9, MARGIN_SECONDS, call, expect


def _timed(api, method, path, headers, body=None):
    started = time.monotonic()
    response = call(api, method, path, headers, body)
    return response, time.monotonic() - started


def _assert_fast_503(response, elapsed: float) -> None:
    assert response.status_code == 503, (response.status_code, response.body)
    assert response.headers["Content-Type"] == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    assert elapsed < DEADLINE_SECONDS + MARGIN_SECONDS, f"answered after {elapsed:.2f} s"


def _stored_state(world):
    """The assignment's occurrences and its submissions, read consistently from the table."""
    from chalicelib.store import keys, table

    ulid = keys.split_child_id(world.assignment_id)[1]
    assignment = table.get(keys.assignment(world.client_id, ulid).as_dict(), consistent=True)
    partition = keys.client_partition(world.client_id)
    submissions = list(table.query_all(partition, sk_prefix=keys.submissions_of_assignment_prefix(ulid),
                                       consistent=True))
    return assignment.get("occurrences", {}), submissions


def test_reads_answer_503_within_the_deadline_while_dynamodb_is_frozen(api, world, services):
    path = f"/v1/client/assignments/{world.assignment_id}"
    expect(call(api, "GET", path, world.client()), 200)  # warm: connections open, clients built
    with services.dynamodb_frozen():
        for method, route, headers in [("GET", "/v1/client/assignments", world.client()),
                                       ("GET", path, world.client()),
                                       ("GET", "/v1/clients", world.clinician()),
                                       ("GET", f"/v1/clients/{world.client_id}", world.clinician())]:
            response, elapsed = _timed(api, method, route, headers)
            _assert_fast_503(response, elapsed)
    # Thawed: the same requests work again without a restart.
    expect(call(api, "GET", "/v1/client/assignments", world.client()), 200)
    expect(call(api, "GET", "/v1/clients", world.clinician()), 200)


def test_a_submission_cut_short_by_the_freeze_settles_on_one_receipt(api, world, services):
    from chalicelib import aws

    path = f"/v1/client/assignments/{world.assignment_id}/submissions"
    ddb = aws.client("dynamodb")
    frozen = []

    def freeze_before_the_write(**_):
        # The reads went through; the transaction is sent into a frozen DynamoDB.
        if not frozen:
            frozen.append(1)
            services.freeze_dynamodb()

    ddb.meta.events.register("before-send.dynamodb.TransactWriteItems", freeze_before_the_write)
    try:
        response, elapsed = _timed(api, "POST", path, world.client("freeze-key-0001"), {"answers": LOW_PHQ9})
        # A clinician looking at the same client meanwhile gets a quick 503 too.
        clinician, clinician_elapsed = _timed(api, "GET", f"/v1/clients/{world.client_id}", world.clinician())
    finally:
        ddb.meta.events.unregister("before-send.dynamodb.TransactWriteItems", freeze_before_the_write)
        services.thaw_dynamodb()
    assert frozen, "the freeze did not happen"
    _assert_fast_503(response, elapsed)
    _assert_fast_503(clinician, clinician_elapsed)

    # Whether or not DynamoDB applied the transaction after the thaw, the state is whole:
    # the occurrence is submitted exactly when its submission item exists.
    time.sleep(0.5)
    occurrences, submissions = _stored_state(world)
    submitted = {o["submission_id"] for o in occurrences.values() if o.get("state") == "submitted"}
    assert submitted == {s["submission_id"] for s in submissions}
    assert len(submissions) <= 1

    # The client's app retries with the same key: one receipt, however often it asks.
    first = expect(call(api, "POST", path, world.client("freeze-key-0001"), {"answers": LOW_PHQ9}), 201)
    again = expect(call(api, "POST", path, world.client("freeze-key-0001"), {"answers": LOW_PHQ9}), 201)
    assert first == again
    occurrences, submissions = _stored_state(world)
    assert [s["submission_id"] for s in submissions] == [first["submission_id"]]
    assert occurrences[first["occurrence_id"]]["submission_id"] == first["submission_id"]
    history = expect(call(api, "GET", "/v1/client/submissions", world.client()), 200)
    assert [s["submission_id"] for s in history["items"]] == [first["submission_id"]]


def test_without_a_request_the_sweep_keeps_its_longer_timeouts(env):
    """The deadline belongs to requests: outside dispatch no AWS call is cut short."""
    from chalicelib import aws, deadline

    assert deadline.remaining() is None
    seen = []
    ddb = aws.client("dynamodb")

    def record(request, **_):
        seen.append(request.context.get("read_timeout"))

    # Last on the generic event, so it sees what the deadline hook decided.
    ddb.meta.events.register_last("before-send", record)
    try:
        ddb.describe_table(TableName=env.table_name)
        with deadline.request_deadline(5):
            ddb.describe_table(TableName=env.table_name)
    finally:
        ddb.meta.events.unregister("before-send", record)
    assert seen[0] is None  # the client's own read timeout (10 s) applies
    assert 0 < seen[1] <= deadline.REQUEST_READ_TIMEOUT_SECONDS
    assert deadline.remaining() is None
