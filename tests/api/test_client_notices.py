"""The client is told, by their own channels, when new homework or feedback arrives: the
title and a link, never the homework's content, answers or feedback; not on channels they
left, not in their quiet hours; a failed send never fails the clinician's request. The
follow-up reminder (not the first) invites the client to say what got in the way."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.api.conftest import post
from tests.api.reminder_support import SIGNING_SECRET, Recorder

TITLE = "Catch one upsetting thought a day"
INSTRUCTIONS = "Write down the exact words of the thought about my mother."


@pytest.fixture
def sent(world, monkeypatch):
    monkeypatch.setenv("EMOTIPAL_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("EMOTIPAL_API_URL", "https://api.emotipal.test")
    recorder = Recorder()
    recorder.attach()
    yield recorder
    recorder.detach()


def _new_client(api, world, **fields) -> dict:
    body = {"display_name": "Noor Client", "email": "noor@example.com", "phone": "+447911123400",
            "timezone": "Europe/London", "reminder_channels": ["email", "sms"], **fields}
    return post(api, "/v1/clients", world.headers("a1"), body)


def _assign(api, world, client_id: str, headers: dict | None = None) -> dict:
    return post(api, f"/v1/clients/{client_id}/assignments", headers or world.headers("a1"), {
        "template_id": "thought-record", "title": TITLE, "instructions": INSTRUCTIONS,
        "recurrence": {"frequency": "daily"}, "due_time": "23:59"})


def test_new_homework_is_announced_by_email_and_sms_with_the_title_only(api, world, sent):
    client = _new_client(api, world)
    _assign(api, world, client["client_id"])
    email = sent.to("noor@example.com")
    sms = sent.to("+447911123400")
    assert len(email) == 1 and len(sms) == 1, sent.sent
    assert email[0].subject == "You have new homework in Emotipal"
    assert TITLE in email[0].text and "https://app.emotipal.test/client/" in email[0].text
    assert email[0].headers["List-Unsubscribe"].startswith("<https://api.emotipal.test/v1/unsubscribe?token=")
    assert TITLE[:39] in sms[0].text and "Stop texts: https://api.emotipal.test/v1/unsubscribe?token=" in sms[0].text
    for message in (email[0].text, sms[0].text):
        assert "mother" not in message and "#token=" not in message and "Noor" not in message


def test_feedback_is_announced_once_without_the_feedback_itself(api, world, sent):
    client = _new_client(api, world)
    assignment = _assign(api, world, client["client_id"])
    link = post(api, f"/v1/clients/{client['client_id']}/access-link", world.headers("a1"), {})["url"]
    receipt = post(api, f"/v1/client/assignments/{assignment['assignment_id']}/submissions",
                   {**world.headers(token=link.split("#token=")[1]), "Idempotency-Key": "notice-feedback-1"},
                   {"answers": {"situation": "The phone call with my mother"}, "completion": "partial"})
    before = len(sent.sent)
    post(api, f"/v1/submissions/{receipt['submission_id']}/review", world.headers("a1"),
         {"feedback": "You spotted the 'should' thought clearly.", "quality_rating": 4}, expect=200)
    told = sent.sent[before:]
    assert sorted(m.channel for m in told) == ["email", "sms"], told
    email = next(m for m in told if m.channel == "email")
    assert email.subject == "Your clinician has replied to your homework" and TITLE in email.text
    for message in told:
        assert "should" not in message.text and "mother" not in message.text
    # Editing the feedback is not news.
    post(api, f"/v1/submissions/{receipt['submission_id']}/review", world.headers("a1"),
         {"feedback": "Edited: you spotted it clearly.", "quality_rating": 5}, expect=200)
    assert len(sent.sent) == before + 2


def test_only_the_client_s_own_channels_they_have_not_left(api, world, sent):
    from chalicelib.notifications.unsubscribe import make_token

    email_only = _new_client(api, world, email="email.only@example.com", reminder_channels=["email"])
    _assign(api, world, email_only["client_id"])
    assert [m.channel for m in sent.to("email.only@example.com")] == ["email"]
    assert not sent.to("+447911123400")

    left_email = _new_client(api, world, email="left@example.com", phone="+447911123401")
    response = api.http.post(f"/v1/unsubscribe?token={make_token(left_email['client_id'], 'email')}",
                             headers={"Content-Type": "application/x-www-form-urlencoded"},
                             body="List-Unsubscribe=One-Click")
    assert response.status_code == 200, response.body
    _assign(api, world, left_email["client_id"])
    assert not sent.to("left@example.com") and len(sent.to("+447911123401")) == 1

    no_channels = _new_client(api, world, email="quiet.person@example.com", phone="+447911123402",
                              reminder_channels=[])
    _assign(api, world, no_channels["client_id"])
    assert not sent.to("quiet.person@example.com") and not sent.to("+447911123402")


def test_nothing_in_the_client_s_quiet_hours(api, world, sent):
    client = _new_client(api, world, email="night@example.com", quiet_hours={"start": "22:00", "end": "07:00"})
    with time_machine.travel(datetime(2027, 1, 12, 23, 30, tzinfo=UTC), tick=False):  # 23:30 in London
        _assign(api, world, client["client_id"], world.headers(token=world.token("a1", expires_in=3600)))
    assert not sent.to("night@example.com")
    with time_machine.travel(datetime(2027, 1, 13, 9, 0, tzinfo=UTC), tick=False):
        _assign(api, world, client["client_id"], world.headers(token=world.token("a1", expires_in=3600)))
    assert len(sent.to("night@example.com")) == 1


def test_a_failed_send_never_fails_the_request_and_is_shown_to_the_clinician(api, world, sent, monkeypatch):
    from chalicelib.channels import email, sms
    from chalicelib.notifications.outcomes import Outcome

    def boom(*_, **__):
        raise RuntimeError("provider exploded")

    monkeypatch.setattr(email, "send", lambda message: Outcome("failed", "message_rejected"))
    monkeypatch.setattr(sms, "send", boom)
    client = _new_client(api, world, email="bounce@example.com")
    _assign(api, world, client["client_id"])  # 201 regardless
    shown = json.loads(api.http.get(f"/v1/clients/{client['client_id']}", headers=world.headers("a1")).body)
    # The rejected address is shown; an error we cannot classify says nothing about the phone.
    assert [(d["channel"], d["state"], d["reason"]) for d in shown["delivery"]] == [
        ("email", "failed", "message_rejected")]

    # Once a notice goes through again, the failure is cleared.
    monkeypatch.setattr(email, "send", lambda message: Outcome("sent", message_id="m-1"))
    _assign(api, world, client["client_id"])
    shown = json.loads(api.http.get(f"/v1/clients/{client['client_id']}", headers=world.headers("a1")).body)
    assert shown["delivery"] == []


def test_the_follow_up_reminder_asks_what_got_in_the_way_and_the_first_does_not():
    from chalicelib.notifications import messages

    def email(follow_up: bool):
        return messages.reminder_email(to="c@example.com", title=TITLE, homework_url="https://app.test/client/",
                                       unsubscribe_url="https://api.test/v1/unsubscribe?token=a.b",
                                       follow_up=follow_up)

    first, follow_up = email(False), email(True)
    assert "got in the way" not in first.text and "got in the way" not in first.html
    assert "Tell us what got in the way: https://app.test/client/" in follow_up.text
    assert '<a href="https://app.test/client/">Tell us what got in the way</a>' in follow_up.html
    assert first.text.splitlines()[2].startswith("Your homework")
    sms = [messages.reminder_sms(title=TITLE, homework_url="https://app.test/client/",
                                 unsubscribe_url="https://api.test/u", follow_up=f) for f in (False, True)]
    assert "got in the way" not in sms[0] and "tell us what: https://app.test/client/" in sms[1]


@pytest.mark.parametrize("profile,moment,expected", [
    ({"reminder_channels": ["sms", "email", "push"]}, "12:00", (("email", "sms"), None)),  # push carries no notice
    ({"reminder_channels": ["email", "sms"], "unsubscribed": ["email"]}, "12:00", (("sms",), None)),
    ({"reminder_channels": ["email", "sms"], "phone": None}, "12:00", (("email",), None)),
    ({"reminder_channels": []}, "12:00", ((), "no_channel")),
    ({"reminder_channels": ["email"], "quiet_hours": {"start": "22:00", "end": "07:00"}}, "06:59", ((), "quiet_hours")),
    ({"reminder_channels": ["email"], "quiet_hours": {"start": "22:00", "end": "07:00"}}, "07:00", (("email",), None)),
    # A record saved before quiet hours had to differ quiets nothing, as for reminders.
    ({"reminder_channels": ["email"], "quiet_hours": {"start": "22:00", "end": "22:00"}}, "22:30", (("email",), None)),
])
def test_which_channels_a_notice_goes_by(profile, moment, expected):
    from chalicelib.notifications.client_notices import channels_for

    base = {"client_id": "c", "email": "c@example.com", "phone": "+447911123456", "timezone": "Europe/London"}
    # 1 July: London is on BST, so the local time is an hour ahead of UTC.
    hour, minute = map(int, moment.split(":"))
    now = datetime(2027, 7, 1, hour, minute, tzinfo=UTC) - timedelta(hours=1)
    assert channels_for({**base, **profile}, now) == expected


def test_an_sms_follow_up_reminder_is_worded_as_one(monkeypatch):
    from chalicelib.channels import sms

    sent: list[str] = []
    monkeypatch.setattr(sms, "send", lambda phone, text: sent.append(text))
    for number in (0, 1):
        sms.send_reminder({"phone": "+447911123456"}, title="Mood diary", homework_url="https://app.test/client/",
                          unsubscribe_url="https://api.test/u", number=number)
    assert "got in the way" not in sent[0] and "got in the way" in sent[1]
