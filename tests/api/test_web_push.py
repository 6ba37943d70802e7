"""Web push as a reminder channel, against a push service on loopback (tests/support/push_receiver.py):
the sweep sends one encrypted, VAPID-signed push per due occurrence carrying only {title, url};
a 410 removes the subscription; 429/5xx are sent again later; the client subscribes, lists and
unsubscribes browsers; bad subscriptions get 422 with sentences; erasure removes them."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, UTC

import pytest
import time_machine

from tests.api.conftest import use_table
from tests.api.reminder_support import SIGNING_SECRET, new_practice, verify_sender
from tests.support.push_receiver import Browser, PushReceiver

DUE = datetime(2026, 12, 7, 18, 30, tzinfo=UTC)  # London on GMT: local = UTC


@pytest.fixture
def vapid(aws, monkeypatch) -> str:
    """A VAPID key pair as `make run` makes one; returns the public key."""
    from chalicelib.channels.web_push import new_private_key, public_key_of

    private_key = new_private_key()
    monkeypatch.setenv("EMOTIPAL_VAPID_PRIVATE_KEY", private_key)
    monkeypatch.setenv("EMOTIPAL_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("EMOTIPAL_API_URL", "https://api.emotipal.test")
    verify_sender()
    return public_key_of(private_key)


@pytest.fixture
def receiver():
    with PushReceiver() as running:
        yield running


@pytest.fixture
def fresh_table(aws):
    use_table(f"emotipal-webpush-{uuid.uuid4().hex[:8]}")


def _client_with_browsers(receiver: PushReceiver, *names: str, channels=("web_push",)):
    """A client who chose browser reminders at 18:30 for a daily thought record, subscribed from `names`."""
    from chalicelib.reminders import devices

    practice = new_practice()
    client = practice.add_client(timezone="Europe/London", reminder_time="18:30", reminder_channels=list(channels))
    assignment = practice.assign(client["client_id"], start_date="2026-12-07", due_time="23:00")
    browsers = {}
    for name in names:
        browser = Browser(receiver.endpoint(f"{name}-{uuid.uuid4().hex[:6]}"))
        keys = browser.subscription()["keys"]
        devices.subscribe(practice.principal(client), browser.endpoint, keys["p256dh"], keys["auth"])
        browsers[name] = browser
    return practice, client, assignment, browsers


def _pushes_to(receiver: PushReceiver, browser: Browser):
    return receiver.pushes(browser.endpoint.rpartition("/")[2])


def _sweeps(clock, start: datetime, count: int, step=timedelta(minutes=5)):
    from chalicelib.reminders import sweep

    reports = []
    for n in range(count):
        moment = start + n * step
        clock.move_to(moment)
        reports.append(sweep.run(now=moment))
    return reports


def test_the_sweep_sends_one_encrypted_signed_push_per_due_occurrence_with_only_title_and_link(
        vapid, receiver, fresh_table):
    with time_machine.travel(DUE - timedelta(hours=6), tick=False) as clock:
        _practice, _client, assignment, browsers = _client_with_browsers(receiver, "phone")
        phone = browsers["phone"]
        _sweeps(clock, DUE, 4)  # the due sweep, then more: nothing twice
        [push] = _pushes_to(receiver, phone)
        assert phone.decrypt(push) == {"title": assignment["title"], "url": "https://app.emotipal.test/client/"}
        claims = phone.check_vapid(push, vapid, audience=receiver.origin)
        assert claims["sub"] == "mailto:no-reply@emotipal.test"
        assert int(push.headers["ttl"]) > 0 and push.headers["urgency"] == "normal"
        assert push.headers["content-encoding"] == "aes128gcm"
        # The next day's occurrence: exactly one more.
        _sweeps(clock, DUE + timedelta(days=1), 3)
        pushes = _pushes_to(receiver, phone)
        assert len(pushes) == 2
        assert phone.decrypt(pushes[1])["title"] == assignment["title"]


def test_a_410_removes_that_subscription_and_the_other_browser_still_gets_the_reminder(vapid, receiver, fresh_table):
    from chalicelib.reminders import devices
    from chalicelib.store import reminders as reminder_store

    with time_machine.travel(DUE - timedelta(hours=6), tick=False) as clock:
        practice, client, _assignment, browsers = _client_with_browsers(receiver, "old-laptop", "phone")
        gone = browsers["old-laptop"].endpoint.rpartition("/")[2]
        receiver.answer(gone, 410)
        report = _sweeps(clock, DUE, 1)[0]
        assert report.sent == 1 and report.failed == 0
        assert len(receiver.pushes(gone)) == 1 and len(_pushes_to(receiver, browsers["phone"])) == 1
        remaining = devices.list_subscriptions(client["client_id"])
        assert [d["endpoint"] for d in remaining] == [browsers["phone"].endpoint]
        # What the gone one leaves until its TTL: no endpoint, no keys.
        stale = [d for d in reminder_store.list_devices(client["client_id"], include_disabled=True)
                 if d.get("disabled_at")]
        assert len(stale) == 1 and not {"endpoint", "p256dh", "auth"} & set(stale[0])
        assert stale[0]["expires_at"] > DUE.timestamp()
        # The next day only the phone is asked.
        _sweeps(clock, DUE + timedelta(days=1), 2)
        assert len(receiver.pushes(gone)) == 1 and len(_pushes_to(receiver, browsers["phone"])) == 2


def test_when_every_subscription_is_gone_the_clinician_sees_the_channel_failing(vapid, receiver, fresh_table):
    from chalicelib.store import clients as client_store

    with time_machine.travel(DUE - timedelta(hours=6), tick=False) as clock:
        _practice, client, _assignment, browsers = _client_with_browsers(receiver, "phone")
        receiver.answer(browsers["phone"].endpoint.rpartition("/")[2], 410)
        assert _sweeps(clock, DUE, 1)[0].failed == 1
        status = client_store.get(client["client_id"])["delivery_web_push"]
        assert status["state"] == "failed" and status["reason"] == "subscription_gone"
        # The next occurrence: no subscription left, nothing sent, the reason says why.
        _sweeps(clock, DUE + timedelta(days=1), 1)
        assert len(receiver.pushes()) == 1
        assert client_store.get(client["client_id"])["delivery_web_push"]["reason"] == "no_device"


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_push_service_gets_the_reminder_again_later_and_it_arrives_once(vapid, receiver, fresh_table, status):
    with time_machine.travel(DUE - timedelta(hours=6), tick=False) as clock:
        _practice, _client, assignment, browsers = _client_with_browsers(receiver, "phone")
        push_id = browsers["phone"].endpoint.rpartition("/")[2]
        receiver.answer(push_id, status)
        first = _sweeps(clock, DUE, 1)[0]
        assert first.retried == 1 and first.sent == 0
        receiver.answer(push_id, 201)
        _sweeps(clock, DUE + timedelta(minutes=6), 4)
        delivered = [p for p in receiver.pushes(push_id) if p.status == 201]
        assert len(delivered) == 1
        assert browsers["phone"].decrypt(delivered[0])["title"] == assignment["title"]


def test_email_and_browser_reminders_go_side_by_side(vapid, receiver, fresh_table):
    with time_machine.travel(DUE - timedelta(hours=6), tick=False) as clock:
        _practice, _client, _assignment, browsers = _client_with_browsers(receiver, "phone",
                                                                         channels=("email", "web_push"))
        report = _sweeps(clock, DUE, 2)[0]
        assert report.sent == 2
        assert len(_pushes_to(receiver, browsers["phone"])) == 1


# -- the client's routes ------------------------------------------------------------------------------------

def _client_headers(world) -> dict:
    return world.headers(token=world.links["a1"])


def test_the_page_gets_the_public_key_then_subscribes_lists_and_unsubscribes_a_browser(api, world, vapid, receiver):
    headers = _client_headers(world)
    key = api.http.get("/v1/client/push-key", headers=headers)
    assert key.status_code == 200 and json.loads(key.body) == {"public_key": vapid}

    browser = Browser(receiver.endpoint("route-test"))
    created = api.http.post("/v1/client/push-subscriptions", headers=headers, body=json.dumps(browser.subscription()))
    assert created.status_code == 201, created.body
    assert json.loads(created.body)["endpoint"] == browser.endpoint
    again = api.http.post("/v1/client/push-subscriptions", headers=headers, body=json.dumps(browser.subscription()))
    assert again.status_code == 201  # the same browser again: still one subscription
    listed = json.loads(api.http.get("/v1/client/push-subscriptions", headers=headers).body)["items"]
    assert [s["endpoint"] for s in listed] == [browser.endpoint]
    assert "p256dh" not in json.dumps(listed) and "auth" not in listed[0]

    gone = api.http.delete("/v1/client/push-subscriptions", headers=headers,
                           body=json.dumps({"endpoint": browser.endpoint}))
    assert gone.status_code == 204
    assert json.loads(api.http.get("/v1/client/push-subscriptions", headers=headers).body)["items"] == []
    assert api.http.delete("/v1/client/push-subscriptions", headers=headers,
                           body=json.dumps({"endpoint": browser.endpoint})).status_code == 204


def test_the_push_key_is_not_found_where_web_push_is_not_set_up(api, world, monkeypatch):
    monkeypatch.delenv("EMOTIPAL_VAPID_PRIVATE_KEY", raising=False)
    monkeypatch.delenv("EMOTIPAL_VAPID_SECRET_ARN", raising=False)
    response = api.http.get("/v1/client/push-key", headers=_client_headers(world))
    assert response.status_code == 404
    assert "not set up" in json.loads(response.body)["detail"]


def test_the_vapid_key_is_read_once_from_secrets_manager(api, world, monkeypatch):
    import boto3

    from chalicelib.channels.web_push import new_private_key, public_key_of
    from chalicelib.notifications import settings

    private_key = new_private_key()
    arn = boto3.client("secretsmanager", region_name="eu-west-2").create_secret(
        Name=f"emotipal-vapid-{uuid.uuid4().hex[:6]}", SecretString=private_key)["ARN"]
    monkeypatch.delenv("EMOTIPAL_VAPID_PRIVATE_KEY", raising=False)
    monkeypatch.setenv("EMOTIPAL_VAPID_SECRET_ARN", arn)
    calls = []
    real = settings._secret_from_arn.__wrapped__
    settings._secret_from_arn.cache_clear()
    monkeypatch.setattr(settings, "_secret_from_arn", settings.lru_cache(maxsize=4)(lambda a: calls.append(a) or real(a)))
    for _ in range(3):
        response = api.http.get("/v1/client/push-key", headers=_client_headers(world))
        assert json.loads(response.body) == {"public_key": public_key_of(private_key)}
    assert calls == [arn]


GOOD = Browser("https://push.example.com/send/abc").subscription()


def _with(**changes) -> dict:
    body = json.loads(json.dumps(GOOD))
    for name, value in changes.items():
        if name in ("p256dh", "auth"):
            body["keys"][name] = value
        else:
            body[name] = value
    return body


@pytest.mark.parametrize("body, field", [
    (_with(endpoint="http://push.example.com/send/abc"), "endpoint"),
    (_with(endpoint="http://127.0.0.2:8080/push/abc"), "endpoint"),
    (_with(endpoint="https://10.0.0.5/push/abc"), "endpoint"),
    (_with(endpoint="https://localhost/push/abc"), "endpoint"),
    (_with(endpoint="https://user:pw@push.example.com/abc"), "endpoint"),
    (_with(endpoint="https://push.example.com:8443/abc"), "endpoint"),
    (_with(endpoint="javascript:alert(1)//abc"), "endpoint"),
    (_with(p256dh="B" + "A" * 86), "keys.p256dh"),  # the right length, not a point on the curve
    (_with(p256dh="not base64!"), "keys.p256dh"),
    (_with(auth="c2hvcnQ"), "keys.auth"),
    (_with(auth="AAAAAAAAAAAAAAAAA=="), "keys.auth"),  # padding in the wrong place
    ({"endpoint": GOOD["endpoint"]}, "keys"),
    ({**GOOD, "extra": 1}, "extra"),
])
def test_a_bad_subscription_is_a_422_that_says_what_to_fix(api, world, vapid, body, field):
    response = api.http.post("/v1/client/push-subscriptions", headers=_client_headers(world), body=json.dumps(body))
    assert response.status_code == 422, response.body
    [error] = json.loads(response.body)["errors"]
    assert error["field"] == field
    message = error["message"]
    assert message[0].isupper() or message[0].islower()
    assert len(message.split()) >= 3 and "pattern" not in message and "Value error" not in message
    assert "abc" not in message  # the address is never echoed


def test_erasure_removes_browser_subscriptions(api, world, vapid, receiver):
    from chalicelib.store import reminders as reminder_store

    browser = Browser(receiver.endpoint("erasure"))
    assert api.http.post("/v1/client/push-subscriptions", headers=_client_headers(world),
                         body=json.dumps(browser.subscription())).status_code == 201
    client_id = world.resources["client_id"]
    assert api.http.delete(f"/v1/clients/{client_id}", headers=world.headers("a1")).status_code == 204
    assert reminder_store.list_devices(client_id, include_disabled=True) == []


def test_a_client_keeps_at_most_ten_browsers_and_a_new_one_replaces_the_oldest(vapid, receiver, fresh_table):
    from chalicelib.channels.web_push import MAX_SUBSCRIPTIONS
    from chalicelib.reminders import devices

    with time_machine.travel(DUE - timedelta(hours=6), tick=False) as clock:
        practice, client, _assignment, _none = _client_with_browsers(receiver)
        browsers = [Browser(receiver.endpoint(f"b{n}-{uuid.uuid4().hex[:6]}")) for n in range(MAX_SUBSCRIPTIONS + 2)]
        for browser in browsers:
            clock.shift(timedelta(minutes=1))
            keys = browser.subscription()["keys"]
            devices.subscribe(practice.principal(client), browser.endpoint, keys["p256dh"], keys["auth"])
        kept = {d["endpoint"] for d in devices.list_subscriptions(client["client_id"])}
    assert kept == {b.endpoint for b in browsers[2:]}
