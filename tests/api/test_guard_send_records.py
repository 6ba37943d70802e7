"""The double-send guards at their own level (moto): send-record claims, the sweep's lease,
the reminder's revision check, the forward-only checkpoint, and claim-send-record."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from tests.api.conftest import use_table

NOW = datetime(2027, 2, 8, 18, 31, tzinfo=UTC)
STALE = timedelta(minutes=10)


@pytest.fixture
def store(aws):
    from chalicelib.store import reminders

    use_table(f"emotipal-records-{uuid.uuid4().hex[:8]}")
    return reminders


def _key(channel: str = "email"):
    from chalicelib.store import keys

    return keys.reminder_send(f"client{uuid.uuid4().hex[:6]}", "01ASSIGNMENT", "2027-02-08", 0, channel)


# -- claims -------------------------------------------------------------------------------------

def test_a_claim_is_taken_once_and_records_who_when_and_for_how_long(store):
    key = _key()
    assert store.claim(key, NOW, stale_after=STALE, detail={"kind": "reminder", "channel": "email"}) is True
    record = store.get_record(key)
    assert record["state"] == "sending" and record["claimed_at"] == "2027-02-08T18:31:00Z"
    assert record["kind"] == "reminder" and record["channel"] == "email"
    assert record["expires_at"] == int((NOW + timedelta(days=90)).timestamp())
    assert store.claim(key, NOW, stale_after=STALE, detail={}) is False


def test_a_claim_left_by_a_dead_sweep_is_taken_over_only_once_stale(store):
    key = _key()
    assert store.claim(key, NOW, stale_after=STALE, detail={})
    assert not store.claim(key, NOW + timedelta(minutes=9, seconds=59), stale_after=STALE, detail={})
    assert not store.claim(key, NOW + STALE, stale_after=STALE, detail={}), "exactly stale is not yet stale"
    assert store.claim(key, NOW + STALE + timedelta(seconds=1), stale_after=STALE, detail={})
    assert store.get_record(key)["claimed_at"] == "2027-02-08T18:41:01Z"
    # The new claim is fresh again for the next comer.
    assert not store.claim(key, NOW + STALE + timedelta(seconds=2), stale_after=STALE, detail={})


@pytest.mark.parametrize("outcome, claimable", [("sent", False), ("failed", False), ("skipped", False),
                                                 ("retry", True)])
def test_only_a_transient_outcome_can_be_claimed_again(store, outcome, claimable):
    key = _key()
    assert store.claim(key, NOW, stale_after=STALE, detail={})
    store.finish(key, NOW + timedelta(seconds=5), state=outcome, detail={"reason": "r"})
    record = store.get_record(key)
    assert (record["state"], record["finished_at"], record["reason"]) == (outcome, "2027-02-08T18:31:05Z", "r")
    later = NOW + timedelta(days=1)
    assert store.claim(key, later, stale_after=STALE, detail={}) is claimable


# -- the lease ----------------------------------------------------------------------------------

def _due_entry(store, send_at: datetime = NOW - timedelta(minutes=1), client_id: str | None = None) -> dict:
    from chalicelib.store import table

    item = store.reminder_item(client_id=client_id or f"client{uuid.uuid4().hex[:6]}", assignment_ulid="01ASSIGNMENT",
                               planned=SimpleNamespace(occurrence_id="2027-02-08", number=0, send_at=send_at),
                               last_sent=None, now=send_at, rev="rev-0")
    table.put(item)
    return item


def test_a_lease_moves_the_entry_to_the_bucket_of_its_end_in_the_same_shard(store):
    from chalicelib.store import table

    entry = _due_entry(store, client_id="client-b")  # its shard differs from a wrong own id's
    until = NOW + timedelta(minutes=10)
    assert store.lease(entry, until=until, now=NOW, rev="rev-1") is True
    leased = table.get({"pk": entry["pk"], "sk": entry["sk"]}, consistent=True)
    assert store.shard_of("client-b", "01ASSIGNMENT") == 2
    assert leased["gsi3pk"] == "DUE#2027-02-08T18:40Z#2"
    assert leased["gsi3sk"] == entry["gsi3sk"]
    assert (leased["rev"], leased["leased_until"]) == ("rev-1", "2027-02-08T18:41:00Z")


def test_a_lease_on_what_another_sweep_took_or_moved_fails_without_an_error(store):
    entry = _due_entry(store)
    assert store.lease(entry, until=NOW + STALE, now=NOW, rev="rev-1")
    # A second sweeper holding the entry as it was read from the index.
    assert store.lease(entry, until=NOW + STALE, now=NOW, rev="rev-2") is False
    moved = {**entry, "gsi3pk": store.due_keys(NOW + STALE, NOW, entry["client_id"], "01ASSIGNMENT")["gsi3pk"],
             "gsi3sk": "2027-02-08T19:00:00Z#other#01ASSIGNMENT"}
    assert store.lease(moved, until=NOW + STALE, now=NOW, rev="rev-3") is False


def test_a_lease_surfaces_errors_that_are_not_a_lost_race(store):
    from botocore.awsrequest import AWSResponse

    from chalicelib import aws

    def refuse(**_):
        return (AWSResponse("https://dynamodb.test", 400, {}, None),
                {"Error": {"Code": "ValidationException", "Message": "refused"},
                 "ResponseMetadata": {"HTTPStatusCode": 400}})

    entry = _due_entry(store)
    events = aws.client("dynamodb").meta.events
    events.register_first("before-call.dynamodb.UpdateItem", refuse)
    try:
        with pytest.raises(Exception) as raised:
            store.lease(entry, until=NOW + STALE, now=NOW, rev="rev-1")
    finally:
        events.unregister("before-call.dynamodb.UpdateItem", refuse)
    assert "ValidationException" in str(raised.value)


def test_a_reminder_moves_on_only_from_the_revision_the_sweep_took(store):
    from chalicelib.store import table

    entry = _due_entry(store)
    assert store.replace_if_unchanged({**entry, "rev": "rev-9", "state": "idle"}, "rev-other") is False
    assert table.get({"pk": entry["pk"], "sk": entry["sk"]}, consistent=True)["rev"] == "rev-0"
    assert store.replace_if_unchanged({**entry, "rev": "rev-9", "state": "idle"}, "rev-0") is True
    assert table.get({"pk": entry["pk"], "sk": entry["sk"]}, consistent=True)["rev"] == "rev-9"


def test_the_checkpoint_only_moves_forward(store):
    store.advance_checkpoint("2027-02-08T18:25Z")
    store.advance_checkpoint("2027-02-08T18:20Z")  # an overlapping, older sweep: ignored quietly
    store.advance_checkpoint("2027-02-08T18", "digest")
    assert store.get_checkpoints()["reminders"] == "2027-02-08T18:25Z"
    store.advance_checkpoint("2027-02-08T18:30Z")
    checkpoints = store.get_checkpoints()
    assert (checkpoints["reminders"], checkpoints["digest"]) == ("2027-02-08T18:30Z", "2027-02-08T18")


# -- claim, send, record ----------------------------------------------------------------------------

def test_deliver_sends_once_and_records_the_outcome(store):
    from chalicelib.notifications.outcomes import Outcome
    from chalicelib.reminders import delivery

    key, calls = _key(), []

    def send():
        calls.append(1)
        return Outcome("sent", None, "message-1")

    assert delivery._deliver(key, NOW, {"channel": "email"}, send) == "sent"
    record = store.get_record(key)
    assert (record["state"], record["message_id"]) == ("sent", "message-1")
    assert "reason" not in record
    assert delivery._deliver(key, NOW + timedelta(hours=1), {"channel": "email"}, send) == "done"
    assert len(calls) == 1


def test_a_send_that_raised_is_retried_once_by_a_later_sweep(store, caplog):
    from chalicelib.notifications.outcomes import Outcome
    from chalicelib.reminders import delivery

    key, calls = _key(), []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("provider went away")
        return Outcome("sent", None, "message-2")

    assert delivery._deliver(key, NOW, {"channel": "sms"}, flaky) == "retry"
    warning = [r for r in caplog.records if r.getMessage() == "send failed unexpectedly"]
    assert [(r.error_type, r.channel) for r in warning] == [("ConnectionError", "sms")]
    assert not any("provider went away" in json.dumps(r.__dict__, default=str) for r in caplog.records), \
        "an error's message can carry client data"
    record = store.get_record(key)
    assert (record["state"], record["reason"]) == ("retry", "unexpected_error")
    assert delivery._deliver(key, NOW + timedelta(minutes=5), {"channel": "sms"}, flaky) == "sent"
    assert delivery._deliver(key, NOW + timedelta(minutes=10), {"channel": "sms"}, flaky) == "done"
    assert len(calls) == 2
