"""Fail fast, continued: sends cut short by the deadline, batches DynamoDB holds back,
a slow identity provider, and routes whose work is long by nature.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from types import SimpleNamespace

import pytest
from botocore.exceptions import ReadTimeoutError

from tests.faults import faults
from tests.faults.conftest import DEADLINE_SECONDS, MARGIN_SECONDS, call, expect


def _timed(api, method, path, headers, body=None):
    started = time.monotonic()
    response = call(api, method, path, headers, body)
    return response, time.monotonic() - started


def _assert_503(response, elapsed: float) -> None:
    assert response.status_code == 503, (response.status_code, response.body)
    assert response.headers["Content-Type"] == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    assert elapsed < DEADLINE_SECONDS + MARGIN_SECONDS, f"answered after {elapsed:.2f} s"


# -- 1. a send cut short by the deadline is a failed delivery ----------------------

def test_an_access_link_whose_send_outlasts_the_deadline_is_shown_once_as_not_sent(api, world):
    from chalicelib import aws, deadline

    ses = aws.client("sesv2")
    hung = []

    def hang_until_the_deadline(**_):
        # SES accepts the connection and says nothing until the time left has run out.
        hung.append(deadline.remaining())
        time.sleep(max(0.0, deadline.remaining() or 0.0) + 0.05)
        raise ReadTimeoutError(endpoint_url="https://email.test")

    event = "before-send.sesv2.SendEmail"
    ses.meta.events.register_first(event, hang_until_the_deadline)
    try:
        response, elapsed = _timed(api, "POST", f"/v1/clients/{world.client_id}/access-link", world.clinician(),
                                   {"send_via": "email"})
    finally:
        ses.meta.events.unregister(event, hang_until_the_deadline)
    assert hung, "the send was never attempted"
    issued = expect(response, 201)
    assert elapsed < DEADLINE_SECONDS + MARGIN_SECONDS, f"answered after {elapsed:.2f} s"
    assert (issued["sent_via"], issued["delivery"], issued["delivery_reason"]) == (
        "email", "failed", "temporarily_unavailable")
    # The URL the clinician was shown is the one that works; the old link does not.
    new_token = issued["url"].split("#token=")[1]
    expect(call(api, "GET", "/v1/client/me", {"Authorization": f"Bearer {new_token}"}), 200)
    assert call(api, "GET", "/v1/client/me", world.client()).status_code == 401
    # And the issue and the attempted send are on the audit trail.
    trail = expect(call(api, "GET", f"/v1/clients/{world.client_id}/audit", world.clinician()), 200)
    assert {"link.issue", "link.send.email"} <= {e["action"] for e in trail["items"]}


def test_a_send_cut_short_by_the_deadline_is_tried_again_later():
    from chalicelib import deadline
    from chalicelib.notifications.outcomes import Outcome, outcome_of

    assert outcome_of(deadline.DeadlineExceeded()) == Outcome("retry", "temporarily_unavailable")


def test_a_reserve_ends_calls_early_and_gives_the_time_back():
    from chalicelib import deadline

    assert deadline.remaining() is None
    with deadline.reserve(1.0):  # outside a request: nothing to reserve from
        assert deadline.remaining() is None
    with deadline.request_deadline(3.0):
        with deadline.reserve(1.0):
            assert 1.5 < deadline.remaining() <= 2.0
        assert 2.5 < deadline.remaining() <= 3.0


# -- 2. batches DynamoDB keeps holding back answer 503 ----------------------------

def test_a_batch_dynamodb_keeps_holding_back_answers_503_with_retry_after(api, world, monkeypatch):
    from chalicelib.store import table

    # A second client: listing two writes their audit events in one BatchWriteItem.
    expect(call(api, "POST", "/v1/clients", world.clinician(), {
        "display_name": "Client G", "email": f"g-{world.sub}@example.com", "timezone": "Europe/London",
        "reminder_channels": ["email"], "reminder_time": "18:30"}), 201)
    # The backoff itself is not under test: no pauses, so every attempt is made.
    monkeypatch.setattr(table.random, "uniform", lambda low, high: low)
    monkeypatch.setattr(table, "_sleep", lambda _: None)

    def held_back(request, _attempt):
        items = json.loads(request.body)["RequestItems"]
        return faults.response(200, json.dumps({"UnprocessedItems": items}),
                               {"Content-Type": "application/x-amz-json-1.0"})

    with faults.inject("dynamodb", "BatchWriteItem", held_back) as seen:
        response, elapsed = _timed(api, "GET", "/v1/clients", world.clinician())
    assert seen.attempts == table.BATCH_ATTEMPTS
    _assert_503(response, elapsed)


def test_every_503_carries_retry_after():
    from chalicelib.errors import Unavailable
    from chalicelib.http.framework import domain_problem
    from chalicelib.store.table import Unprocessed

    for error in (Unavailable(), Unprocessed("DynamoDB left 3 keys unprocessed")):
        problem = domain_problem(error)
        assert problem.status == 503 and int(problem.headers["Retry-After"]) >= 1
        assert "DynamoDB" not in (problem.detail or "")  # how the store works is not the caller's business


def test_a_batch_backoff_that_would_outlast_the_deadline_stops_at_once(monkeypatch):
    from chalicelib import deadline
    from chalicelib.store import table

    slept = []
    monkeypatch.setattr(table, "_sleep", slept.append)
    monkeypatch.setattr(table.random, "uniform", lambda low, high: high)
    with deadline.request_deadline(0.5):
        table._backoff(1)  # 0.1 s: fits
        with pytest.raises(deadline.DeadlineExceeded):
            table._backoff(4)  # 0.8 s: would wake after the deadline
    assert slept == [pytest.approx(0.1)]


# -- 3. the identity provider's keys, fetched within the deadline -----------------

@pytest.fixture
def silent_jwks(env, monkeypatch):
    """The JWKS URL points at a loopback server that accepts and never answers."""
    from chalicelib.identity import tokens

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    cache = tokens.JwksCache(f"http://127.0.0.1:{server.getsockname()[1]}/jwks.json")
    monkeypatch.setitem(tokens._caches, env.jwks_url, cache)
    try:
        yield cache
    finally:
        server.close()


def test_signing_keys_that_do_not_come_in_time_answer_503_not_401(api, world, silent_jwks, monkeypatch):
    import urllib.request

    timeouts = []
    real = urllib.request.urlopen

    def urlopen(url, timeout):
        timeouts.append(timeout)
        return real(url, timeout=timeout)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    response, elapsed = _timed(api, "GET", "/v1/clients", world.clinician())
    _assert_503(response, elapsed)
    assert timeouts and 0 < timeouts[0] <= DEADLINE_SECONDS, timeouts


def test_a_cached_key_needs_no_fetch(api, world, env, monkeypatch):
    from chalicelib.identity import tokens

    expect(call(api, "GET", "/v1/clients", world.clinician()), 200)  # the key is cached now

    def down(url, timeout):
        raise OSError("the identity provider is down")

    monkeypatch.setattr(tokens.urllib.request, "urlopen", down)
    expect(call(api, "GET", "/v1/clients", world.clinician()), 200)


def test_outside_a_request_the_fetch_keeps_its_own_timeout():
    from chalicelib import deadline

    assert deadline.seconds_left(5.0) == 5.0
    with deadline.request_deadline(1.0):
        assert 0.5 < deadline.seconds_left(5.0) <= 1.0
        assert deadline.seconds_left(0.25) == 0.25
    with deadline.request_deadline(-1.0), pytest.raises(deadline.DeadlineExceeded):
        deadline.seconds_left(5.0)


# -- 4. routes whose work is long by nature have a longer deadline ----------------

def _spec(method: str, path: str):
    from chalicelib.http.framework import ROUTES

    return next(s for s in ROUTES if (s.method, s.path) == (method, path))


@pytest.mark.parametrize("method, path", [("DELETE", "/v1/clients/{client_id}"), ("POST", "/v1/exports"),
                                          ("POST", "/v1/client/exports")])
def test_erasure_and_exports_declare_a_longer_deadline(api, env, method, path):
    spec = _spec(method, path)
    assert spec.deadline_seconds is not None and env.request_deadline_seconds < spec.deadline_seconds <= 25


def test_dispatch_opens_the_routes_own_deadline(env):
    from dataclasses import replace

    from chalicelib import deadline
    from chalicelib.http.framework import dispatch

    seen = []
    spec = replace(_spec("GET", "/v1/openapi.json"), deadline_seconds=12,
                   handler=lambda _call: seen.append(deadline.remaining()) or {})
    request = SimpleNamespace(headers={}, query_params=None, raw_body=b"", context={})
    assert dispatch(spec, request, {}).status_code == 200
    assert 11 < seen[0] <= 12
    assert deadline.remaining() is None


def test_a_route_deadline_beyond_api_gateways_is_refused():
    from chalicelib.http.framework import Router

    with pytest.raises(ValueError, match="deadline_seconds"):
        Router("test-only").route("/v1/never", "GET", auth="public", summary="never", deadline_seconds=29)


def test_an_erasure_waits_out_a_stall_longer_than_the_default_deadline(api, world, services):
    from chalicelib import aws

    stall = DEADLINE_SECONDS + 0.7  # longer than any other route would wait
    ddb = aws.client("dynamodb")
    frozen: list[threading.Timer] = []

    def freeze_on_the_first_erasure_write(**_):
        if not frozen:
            services.freeze_dynamodb()
            frozen.append(threading.Timer(stall, services.thaw_dynamodb))
            frozen[0].start()

    writes = ("BatchWriteItem", "DeleteItem", "TransactWriteItems")
    for operation in writes:
        ddb.meta.events.register(f"before-send.dynamodb.{operation}", freeze_on_the_first_erasure_write)
    try:
        response, elapsed = _timed(api, "DELETE", f"/v1/clients/{world.client_id}", world.clinician())
    finally:
        for operation in writes:
            ddb.meta.events.unregister(f"before-send.dynamodb.{operation}", freeze_on_the_first_erasure_write)
        for timer in frozen:
            timer.join()
        services.thaw_dynamodb()
    assert frozen, "the freeze did not happen"
    assert response.status_code == 204, (response.status_code, response.body, f"{elapsed:.2f} s")
    assert elapsed > DEADLINE_SECONDS, "the stall did not outlast the default deadline"
    expect(call(api, "GET", f"/v1/clients/{world.client_id}", world.clinician()), 404)
