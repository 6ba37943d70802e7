"""Message content, unsubscribe tokens and the retry policy, without AWS."""
from __future__ import annotations

import pytest

from chalicelib.notifications import channels, messages, unsubscribe


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("EMOTIPAL_SIGNING_SECRET", "unit-test-signing-secret-0123456789abcdef")
    monkeypatch.setenv("EMOTIPAL_API_URL", "https://api.example.test")


def test_tokens_name_their_client_and_channel_and_cannot_be_altered():
    token = unsubscribe.make_token("CLIENT1", "email")
    assert unsubscribe.read_token(token) == unsubscribe.Unsubscribe("CLIENT1", "email")
    payload, signature = token.split(".")
    other = unsubscribe.make_token("CLIENT2", "email").split(".")[0]
    assert unsubscribe.read_token(f"{other}.{signature}") is None
    assert unsubscribe.read_token(f"{payload}.{signature[:-2]}xx") is None
    assert unsubscribe.read_token("garbage") is None


def test_tokens_need_a_secret_outside_the_local_stage(monkeypatch):
    from chalicelib.config import get_settings

    monkeypatch.delenv("EMOTIPAL_SIGNING_SECRET")
    monkeypatch.setenv("EMOTIPAL_STAGE", "prod")
    get_settings.cache_clear()
    try:
        with pytest.raises(RuntimeError):
            unsubscribe.make_token("CLIENT1", "email")
    finally:
        get_settings.cache_clear()


def test_html_escapes_the_title_and_the_text_keeps_it():
    email = messages.reminder_email(to="c@example.com", title="<b>Tom & Jerry</b>", homework_url="https://x/client/",
                                    unsubscribe_url="https://api/v1/unsubscribe?token=a.b", follow_up=False)
    assert "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;" in email.html and "<b>Tom" not in email.html
    assert "<b>Tom & Jerry</b>" in email.text
    assert email.headers == {"List-Unsubscribe": "<https://api/v1/unsubscribe?token=a.b>",
                             "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def test_sms_is_short_and_carries_the_link():
    text = messages.reminder_sms(title="A very long homework title that keeps going and going",
                                 homework_url="https://x/client/", unsubscribe_url="https://api/u?token=t")
    assert "https://x/client/" in text and "…" in text and len(text) < 200


def test_throttling_is_retried_and_a_rejection_is_not():
    from botocore.exceptions import ClientError

    calls = []

    def throttled_twice():
        calls.append(1)
        if len(calls) < 3:
            raise ClientError({"Error": {"Code": "ThrottlingException"}, "ResponseMetadata": {"HTTPStatusCode": 400}},
                              "SendEmail")
        return "ok"

    assert channels.with_retries(throttled_twice, sleep=lambda s: None) == "ok" and len(calls) == 3
    rejected = ClientError({"Error": {"Code": "MessageRejected"}, "ResponseMetadata": {"HTTPStatusCode": 400}},
                           "SendEmail")
    assert channels._outcome_of(rejected) == channels.Outcome("failed", "message_rejected")
    server = ClientError({"Error": {"Code": "Oops"}, "ResponseMetadata": {"HTTPStatusCode": 503}}, "SendEmail")
    assert channels._outcome_of(server).state == "retry"
