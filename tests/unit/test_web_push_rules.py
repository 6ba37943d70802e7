"""Web push rules without AWS: what a push service's answer means, which push addresses are
taken, the VAPID key pair and its settings, and the local stack's key file."""
from __future__ import annotations

import json
import socket

import pytest

from chalicelib.channels import web_push
from chalicelib.notifications.outcomes import Outcome, http_outcome
from tests.support.push_receiver import Browser, PushReceiver


@pytest.mark.parametrize("status, outcome", [
    (201, Outcome("sent")), (202, Outcome("sent")),
    (404, Outcome("failed", "subscription_gone")), (410, Outcome("failed", "subscription_gone")),
    (429, Outcome("retry", "temporarily_unavailable")), (500, Outcome("retry", "temporarily_unavailable")),
    (503, Outcome("retry", "temporarily_unavailable")),
    (400, Outcome("failed", "http_400")), (403, Outcome("failed", "http_403")), (413, Outcome("failed", "http_413")),
])
def test_a_push_services_answer_is_sent_retry_or_failed(status, outcome):
    assert http_outcome(status) == outcome


@pytest.mark.parametrize("endpoint, local, ok", [
    ("https://fcm.googleapis.com/fcm/send/abc", False, True),
    ("https://updates.push.services.mozilla.com/wpush/v2/abc", False, True),
    ("https://web.push.apple.com:443/abc", False, True),
    ("http://127.0.0.1:8123/push/abc", True, True),
    ("http://127.0.0.1:8123/push/abc", False, False),  # deployed: never plain http
    ("http://localhost:8123/push/abc", True, False),
    ("http://push.example.com/abc", True, False),
    ("https://127.0.0.1/abc", False, False),
    ("https://[::1]/abc", False, False),
    ("https://169.254.169.254/latest", False, False),
    ("https://2130706433/abc", False, False),
    ("https://intranet/abc", False, False),
    ("https://push.localhost/abc", False, False),
    ("https://a:b@push.example.com/abc", False, False),
    ("https://push.example.com:8443/abc", False, False),
    ("https://push.example.com:notaport/abc", False, False),
    ("ftp://push.example.com/abc", False, False),
])
def test_only_push_service_addresses_are_taken(endpoint, local, ok):
    from chalicelib.errors import FieldErrors
    from chalicelib.reminders.devices import check_endpoint

    if ok:
        check_endpoint(endpoint, local=local)
    else:
        with pytest.raises(FieldErrors) as refused:
            check_endpoint(endpoint, local=local)
        [error] = refused.value.errors
        assert error["field"] == "endpoint" and error["message"].endswith(".")


def test_the_payload_is_the_title_and_the_link_only():
    assert json.loads(web_push.payload(title="Thought record", url="https://app.test/client/?s=x")) == {
        "title": "Thought record", "url": "https://app.test/client/?s=x"}


def test_a_new_private_key_gives_a_65_byte_public_key_and_anything_else_is_refused():
    from tests.support.push_receiver import b64url_decode

    key = web_push.new_private_key()
    public = web_push.public_key_of(key)
    assert len(b64url_decode(key)) == 32 and len(b64url_decode(public)) == 65 and b64url_decode(public)[0] == 4
    assert web_push.public_key_of(key) == public
    for bad in ("", "abc", web_push.new_private_key() + "AAAA", "!!!!"):
        with pytest.raises(ValueError):
            web_push.public_key_of(bad)


def test_vapid_settings_read_the_key_the_placeholder_secret_and_refuse_a_bad_key(monkeypatch):
    from chalicelib.notifications import settings

    monkeypatch.delenv("EMOTIPAL_VAPID_SECRET_ARN", raising=False)
    monkeypatch.delenv("EMOTIPAL_VAPID_PRIVATE_KEY", raising=False)
    assert settings.vapid_keys() is None
    key = web_push.new_private_key()
    monkeypatch.setenv("EMOTIPAL_VAPID_PRIVATE_KEY", key)
    monkeypatch.setenv("EMOTIPAL_VAPID_SUBJECT", "https://clinic.example.org/contact")
    found = settings.vapid_keys()
    assert found.public_key == web_push.public_key_of(key) and found.subject == "https://clinic.example.org/contact"
    # The deployed secret before an operator filled it in: web push is simply off.
    monkeypatch.setenv("EMOTIPAL_VAPID_PRIVATE_KEY", json.dumps({"private_key": "", "placeholder": "x"}))
    assert settings.vapid_keys() is None
    monkeypatch.setenv("EMOTIPAL_VAPID_PRIVATE_KEY", json.dumps({"private_key": key}))
    assert settings.vapid_keys().public_key == found.public_key
    monkeypatch.setenv("EMOTIPAL_VAPID_PRIVATE_KEY", "not-a-key")
    with pytest.raises(RuntimeError) as refused:
        settings.vapid_keys()
    assert "not-a-key" not in str(refused.value)


def test_the_local_stack_makes_its_key_once_readable_by_its_owner_only(tmp_path):
    from devstack.stack import VAPID_KEY_FILE, local_vapid_private_key

    first = local_vapid_private_key(tmp_path / "state")
    assert local_vapid_private_key(tmp_path / "state") == first
    assert (tmp_path / "state" / VAPID_KEY_FILE).stat().st_mode & 0o077 == 0
    web_push.public_key_of(first)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_push_service_is_tried_again_later_and_no_key_means_failed(monkeypatch):
    monkeypatch.setenv("EMOTIPAL_VAPID_PRIVATE_KEY", web_push.new_private_key())
    browser = Browser(f"http://127.0.0.1:{_closed_port()}/push/x")
    stored = {"endpoint": browser.endpoint, **browser.subscription()["keys"]}
    assert web_push.send(stored, b"{}") == Outcome("retry", "temporarily_unavailable")
    monkeypatch.delenv("EMOTIPAL_VAPID_PRIVATE_KEY")
    monkeypatch.delenv("EMOTIPAL_VAPID_SECRET_ARN", raising=False)
    assert web_push.send(stored, b"{}") == Outcome("failed", "not_set_up")


def test_one_push_decrypts_with_the_browsers_key_and_carries_a_valid_vapid_jwt(monkeypatch):
    key = web_push.new_private_key()
    monkeypatch.setenv("EMOTIPAL_VAPID_PRIVATE_KEY", key)
    with PushReceiver() as receiver:
        browser = Browser(receiver.endpoint("one"))
        stored = {"endpoint": browser.endpoint, **browser.subscription()["keys"]}
        assert web_push.send(stored, web_push.payload(title="Mood diary", url="https://app.test/c")).sent
        [push] = receiver.pushes("one")
    assert browser.decrypt(push) == {"title": "Mood diary", "url": "https://app.test/c"}
    browser.check_vapid(push, web_push.public_key_of(key), audience=receiver.origin)
    assert int(push.headers["ttl"]) == web_push.TTL_SECONDS and push.headers["urgency"] == "normal"
    # Another browser's keys cannot read it.
    with pytest.raises(Exception):  # noqa: B017 - http_ece raises a bare InvalidTag/ECEException
        Browser(browser.endpoint).decrypt(push)


def test_a_redirect_from_the_push_service_is_never_followed(monkeypatch):
    monkeypatch.setenv("EMOTIPAL_VAPID_PRIVATE_KEY", web_push.new_private_key())
    with PushReceiver() as receiver:
        browser = Browser(receiver.endpoint("moved"))
        receiver.answer("moved", 307)
        stored = {"endpoint": browser.endpoint, **browser.subscription()["keys"]}
        assert web_push.send(stored, b"{}") == Outcome("failed", "redirected")
        assert receiver.pushes("elsewhere") == [] and len(receiver.pushes("moved")) == 1
