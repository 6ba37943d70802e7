"""Message content, unsubscribe tokens and how a failed send is classified, without AWS."""
from __future__ import annotations

import pytest

from chalicelib.notifications import messages, outcomes, unsubscribe


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


def test_what_outlasts_botocores_retries_waits_for_a_later_sweep_and_a_rejection_is_final():
    from botocore.exceptions import ClientError

    throttled = ClientError({"Error": {"Code": "TooManyRequestsException"}, "ResponseMetadata": {"HTTPStatusCode": 429}},
                            "SendEmail")
    assert outcomes.outcome_of(throttled) == outcomes.Outcome("retry", "temporarily_unavailable")
    rejected = ClientError({"Error": {"Code": "MessageRejected"}, "ResponseMetadata": {"HTTPStatusCode": 400}},
                           "SendEmail")
    assert outcomes.outcome_of(rejected) == outcomes.Outcome("failed", "message_rejected")
    server = ClientError({"Error": {"Code": "Oops"}, "ResponseMetadata": {"HTTPStatusCode": 503}}, "SendEmail")
    assert outcomes.outcome_of(server).state == "retry"
    # One call, no retry loop of its own: botocore's standard mode is the retry layer.
    calls = []

    def throttled_call():
        calls.append(1)
        raise throttled

    assert outcomes.sending(throttled_call).state == "retry" and len(calls) == 1
    unknown = ClientError({"Error": {"Code": "AccessDenied"}, "ResponseMetadata": {"HTTPStatusCode": 403}}, "SendEmail")
    with pytest.raises(ClientError):
        outcomes.outcome_of(unknown)


def test_tokens_name_only_channels_the_registry_knows():
    from chalicelib import channels

    for name in channels.NAMES:
        assert unsubscribe.read_token(unsubscribe.make_token("CLIENT1", name)).channel == name
    assert unsubscribe.read_token(unsubscribe.make_token("CLIENT1", "fax")) is None
