"""Failed sign-ins are limited per account and per source address, on every stage
(the API counts them in DynamoDB; deployed stages add WAF rate rules in front)."""
from __future__ import annotations

import io
import json
import logging
import uuid

import boto3
import pytest

PASSWORD = "Correct-Horse-Battery-9"
JSON = {"Content-Type": "application/json"}


def _login(api, email, password):
    return api.http.post("/v1/auth/login", headers=JSON, body=json.dumps({"email": email, "password": password}))


@pytest.fixture
def account(aws, world):
    """A Cognito (moto) user with a permanent password, in a fresh world's table."""
    from chalicelib.identity import cognito, practices
    from chalicelib.identity.principals import Role

    email = f"limit-{uuid.uuid4().hex[:8]}@example.com"
    sub = cognito.create_user(email, "Lima Limit", temporary="Temp-Passw0rd!x", send_invite=False)
    cognito.set_permanent_password(email, PASSWORD)
    practices.add_member(world.actors["owner_a"].practice_id, sub, email=email, display_name="Lima", role=Role.owner)
    return email


@pytest.fixture
def source(monkeypatch):
    """Set the caller's source address (chalice's test client always reports 127.0.0.1)."""
    from chalicelib.http.routes import auth

    current = {"ip": "198.51.100.7"}
    monkeypatch.setattr(auth, "_source_ip", lambda: current["ip"])
    return current


def _clock(monkeypatch, offset):
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + offset)


def test_fifth_failure_then_429_with_retry_after_even_for_the_right_password(api, account, source):
    for _ in range(5):
        assert _login(api, account, "Wrong-Password-1").status_code == 401
    blocked = _login(api, account, PASSWORD)
    assert blocked.status_code == 429, blocked.body
    assert blocked.headers["Content-Type"] == "application/problem+json"
    retry = int(blocked.headers["Retry-After"])
    assert 0 < retry <= 15 * 60
    # The block is per account: the same source can still sign in as someone else.
    assert _login(api, "someone.else@example.com", "whatever-1").status_code == 401


def test_unknown_users_are_counted_and_answered_exactly_like_wrong_passwords(api, account, source):
    unknown = f"nobody-{uuid.uuid4().hex[:6]}@example.com"
    answers_known = [_login(api, account, "Wrong-Password-1") for _ in range(6)]
    answers_unknown = [_login(api, unknown, "Wrong-Password-1") for _ in range(6)]
    assert [r.status_code for r in answers_known] == [r.status_code for r in answers_unknown] == [401] * 5 + [429]
    assert [json.loads(r.body) for r in answers_known[:5]] == [json.loads(r.body) for r in answers_unknown[:5]]
    assert json.loads(answers_known[5].body) == json.loads(answers_unknown[5].body)


def test_success_resets_the_account_count(api, account, source):
    for _ in range(4):
        assert _login(api, account, "Wrong-Password-1").status_code == 401
    assert _login(api, account, PASSWORD).status_code == 200
    for _ in range(4):
        assert _login(api, account, "Wrong-Password-1").status_code == 401
    assert _login(api, account, PASSWORD).status_code == 200


def test_window_ends_although_moto_never_expires_items(api, account, source, monkeypatch):
    for _ in range(5):
        _login(api, account, "Wrong-Password-1")
    assert _login(api, account, PASSWORD).status_code == 429
    _clock(monkeypatch, 15 * 60 + 1)
    assert _login(api, account, PASSWORD).status_code == 200


def test_one_source_trying_many_accounts_is_limited(api, account, source):
    for n in range(20):
        assert _login(api, f"spray-{n}@example.com", "Summer2026!x").status_code == 401
    assert _login(api, account, PASSWORD).status_code == 429
    source["ip"] = "203.0.113.9"  # another source is not affected
    assert _login(api, account, PASSWORD).status_code == 200


def test_wrong_mfa_codes_count_against_the_account(api, account, source, monkeypatch):
    from tests.api.test_provider_errors import enable_totp, wrong_code

    enable_totp(api, account, PASSWORD, monkeypatch)
    statuses = []
    for _ in range(6):
        first = json.loads(_login(api, account, PASSWORD).body)
        if "session" not in first:
            statuses.append(first.get("status"))
            break
        answer = api.http.post("/v1/auth/challenge", headers=JSON, body=json.dumps(
            {"challenge": "SOFTWARE_TOKEN_MFA", "session": first["session"], "email": account, "code": wrong_code()}))
        statuses.append(answer.status_code)
    # Five wrong codes, then the account is blocked (at the password step or the code step).
    assert statuses == [401] * 5 + [429], statuses


def test_bad_refresh_tokens_are_limited_per_source(api, account, source):
    for _ in range(20):
        response = api.http.post("/v1/auth/refresh", headers=JSON, body=json.dumps({"refresh_token": "forged-token"}))
        assert response.status_code == 401, response.body
    blocked = api.http.post("/v1/auth/refresh", headers=JSON, body=json.dumps({"refresh_token": "forged-token"}))
    assert blocked.status_code == 429 and blocked.headers["Retry-After"]


def test_no_address_in_keys_or_log_lines(api, account, source, world):
    from chalicelib.observability import logger

    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    targets = [logging.getLogger(), logging.getLogger(logger.name)]
    for target in targets:
        target.addHandler(handler)
    try:
        for _ in range(6):
            _login(api, account, "Wrong-Password-1")
    finally:
        for target in targets:
            target.removeHandler(handler)
    assert account not in sink.getvalue() and source["ip"] not in sink.getvalue()
    ddb = boto3.client("dynamodb", region_name="eu-west-2")
    items = ddb.scan(TableName=world.table)["Items"]  # test-only inspection of the whole table
    throttles = [i for i in items if i["pk"]["S"].startswith("THROTTLE#")]
    assert {i["pk"]["S"].split("#")[1] for i in throttles} == {"account", "source"}
    dump = json.dumps(throttles)
    assert account not in dump and account.split("@")[0] not in dump and source["ip"] not in dump
