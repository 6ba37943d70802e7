"""Throttling, transaction conflicts and SES/S3/SNS errors, injected per attempt.

Each request answers 503 + Retry-After within its deadline or succeeds after
botocore's retry; nothing is half-written and nothing acknowledged is lost.
"""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, UTC
from urllib.parse import parse_qs

import pytest

from tests.faults import faults
from tests.faults.conftest import DEADLINE_SECONDS, LOW_PHQ9, MARGIN_SECONDS, call, expect


def _assert_503(response, elapsed: float, within: float = DEADLINE_SECONDS) -> None:
    assert response.status_code == 503, (response.status_code, response.body)
    assert response.headers["Content-Type"] == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    assert elapsed < within + MARGIN_SECONDS, f"answered after {elapsed:.2f} s"


def _timed(api, method, path, headers, body=None):
    started = time.monotonic()
    response = call(api, method, path, headers, body)
    return response, time.monotonic() - started


def throttled():
    return faults.dynamodb_error("ProvisionedThroughputExceededException")


def test_get_item_throttled_throughout_answers_503_after_botocore_retried(api, world):
    with faults.inject("dynamodb", "GetItem", faults.always(throttled)) as seen:
        response, elapsed = _timed(api, "GET", "/v1/client/assignments", world.client())
    _assert_503(response, elapsed)
    assert seen.attempts >= 2, "botocore's retry did not run"


def test_get_item_throttled_once_succeeds_after_botocore_retry(api, world):
    with faults.inject("dynamodb", "GetItem", faults.first(1, throttled)) as seen:
        response = call(api, "GET", "/v1/client/assignments", world.client())
    assert seen.failed == 1 and seen.attempts >= 2
    items = expect(response, 200)["items"]
    assert [a["assignment_id"] for a in items] == [world.assignment_id]


def _submissions(world) -> list[dict]:
    from chalicelib.store import keys, table

    ulid = keys.split_child_id(world.assignment_id)[1]
    return list(table.query_all(keys.client_partition(world.client_id),
                                sk_prefix=keys.submissions_of_assignment_prefix(ulid), consistent=True))


def _occurrences(world) -> dict:
    from chalicelib.store import keys, table

    ulid = keys.split_child_id(world.assignment_id)[1]
    return table.get(keys.assignment(world.client_id, ulid).as_dict(), consistent=True).get("occurrences", {})


def test_a_submission_whose_transaction_conflicts_answers_503_and_its_retry_one_receipt(api, world):
    path = f"/v1/client/assignments/{world.assignment_id}/submissions"
    headers = world.client("conflict-key-0001")
    with faults.inject("dynamodb", "TransactWriteItems", faults.always(faults.transaction_conflict)) as seen:
        response, elapsed = _timed(api, "POST", path, headers, {"answers": LOW_PHQ9})
    _assert_503(response, elapsed)
    assert seen.failed >= 1
    assert _submissions(world) == [] and _occurrences(world) == {}, "something was half-written"

    first = expect(call(api, "POST", path, headers, {"answers": LOW_PHQ9}), 201)
    again = expect(call(api, "POST", path, headers, {"answers": LOW_PHQ9}), 201)
    assert first == again
    assert [s["submission_id"] for s in _submissions(world)] == [first["submission_id"]]
    assert _occurrences(world)[first["occurrence_id"]]["submission_id"] == first["submission_id"]


def test_a_failing_ses_still_issues_the_link_and_says_it_was_not_sent(api, world):
    def ses_down():
        return faults.rest_json_error(503, "ServiceUnavailable")

    with faults.inject("sesv2", "SendEmail", faults.always(ses_down)) as seen:
        response, elapsed = _timed(api, "POST", f"/v1/clients/{world.client_id}/access-link", world.clinician(),
                                   {"send_via": "email"})
    assert seen.attempts >= 2, "botocore's retry did not run"
    assert elapsed < DEADLINE_SECONDS + MARGIN_SECONDS
    issued = expect(response, 201)
    assert issued["delivery"] == "failed"
    new_token = issued["url"].split("#token=")[1]
    # The link the clinician was shown works; the one it replaced does not.
    expect(call(api, "GET", "/v1/client/me", {"Authorization": f"Bearer {new_token}"}), 200)
    assert call(api, "GET", "/v1/client/me", world.client()).status_code == 401


def _exports(world) -> list[dict]:
    from chalicelib.store import keys, table

    return list(table.query_all(keys.client_partition(world.client_id), sk_prefix=keys.EXPORT_PREFIX,
                                consistent=True))


def test_an_export_whose_upload_fails_answers_503_and_records_nothing(api, world):
    def slow_down():
        return faults.xml_error(503, "SlowDown")

    from chalicelib import deadline

    body = {"client_id": world.client_id, "format": "csv"}
    with faults.inject("s3", "PutObject", faults.always(slow_down)) as seen:
        response, elapsed = _timed(api, "POST", "/v1/exports", world.clinician(), body)
    # Exports have a longer deadline of their own: botocore's throttling back-off may run its course.
    _assert_503(response, elapsed, within=deadline.LONG_WORK_SECONDS)
    assert seen.attempts >= 2
    assert _exports(world) == [], "an export was recorded without its file"
    export = expect(call(api, "POST", "/v1/exports", world.clinician(), body), 201)
    assert [e["export_id"] for e in _exports(world)] == [export["export_id"]]


@pytest.fixture
def sweep_table(env, monkeypatch):
    """A table of its own: the sweep reads every due reminder, and time travels here."""
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.store.schema import ensure_table

    name = f"emotipal-faults-sweep-{uuid.uuid4().hex[:8]}"
    ensure_table(aws.client("dynamodb"), name)
    monkeypatch.setenv("EMOTIPAL_TABLE", name)
    get_settings.cache_clear()
    yield name
    monkeypatch.undo()
    get_settings.cache_clear()


class SentSMS:
    """Phone numbers SNS accepted a Publish for (after botocore's retries)."""

    def __init__(self) -> None:
        from chalicelib import aws

        self.events = aws.client("sns").meta.events
        self.numbers: list[str] = []

    def _note(self, params, context, **_):
        body = params.get("body")
        context["fault_phone"] = body.get("PhoneNumber") if isinstance(body, dict) else None

    def _record(self, http_response, context, **_):
        if http_response.status_code < 300 and context.get("fault_phone"):
            self.numbers.append(context["fault_phone"])

    def __enter__(self) -> SentSMS:
        self.events.register("before-call.sns.Publish", self._note)
        self.events.register("after-call.sns.Publish", self._record)
        return self

    def __exit__(self, *_) -> None:
        self.events.unregister("before-call.sns.Publish", self._note)
        self.events.unregister("after-call.sns.Publish", self._record)


def test_one_clients_sms_failure_never_blocks_another_and_is_sent_later(env, sweep_table):
    import time_machine

    from chalicelib.reminders import sweep
    from tests.api.reminder_support import new_practice

    noon = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    failing_phone, working_phone = "+447911000001", "+447911000002"

    def sns_down_for_one(request, attempt):
        body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
        if parse_qs(body).get("PhoneNumber") == [failing_phone]:
            return faults.query_error(500, "InternalError")
        return None

    with time_machine.travel(noon, tick=False) as clock, SentSMS() as sent:
        practice = new_practice()
        for phone in (failing_phone, working_phone):
            profile = practice.add_client(timezone="Europe/London", reminder_time="18:30",
                                          reminder_channels=["sms"], phone=phone, email=None)
            practice.assign(profile["client_id"], start_date="2026-12-07", due_time="23:00")
        sent.numbers.clear()  # each client was told of the new homework; only reminders count below
        moment = datetime(2026, 12, 7, 18, 30, tzinfo=UTC)
        with faults.inject("sns", "Publish", sns_down_for_one) as seen:
            clock.move_to(moment)
            first = sweep.run(now=moment)
        assert seen.failed >= 2, "the fault injection did not bite (or botocore did not retry)"
        assert sent.numbers == [working_phone], "one client's failure blocked another's reminder"
        assert first.retried >= 1
        later = moment + sweep.RETRY_AFTER + timedelta(minutes=1)
        clock.move_to(later)
        sweep.run(now=later)
    assert sorted(sent.numbers) == [failing_phone, working_phone], "a reminder was lost or sent twice"
