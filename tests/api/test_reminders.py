"""Reminders end to end in-process (moto): exactly once under throttling, delivery status,
one-click unsubscribe, preferences that move pending reminders, risk-alert notices,
push registration and the daily digest."""
from __future__ import annotations

import json
import random
import uuid
from datetime import datetime, timedelta, UTC
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from tests.api.conftest import DAILY_MEASURE, submit_risk_answer, use_table
from tests.api.reminder_support import SIGNING_SECRET, Recorder, new_practice, verify_sender

NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # London is on GMT: local = UTC


@pytest.fixture
def env(aws, monkeypatch):
    from botocore.retries import standard

    monkeypatch.setenv("EMOTIPAL_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("EMOTIPAL_API_URL", "https://api.emotipal.test")
    # botocore's standard mode is the one retry layer; its backoff (up to seconds) is cut short here.
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
    verify_sender()
    recorder = Recorder()
    yield recorder
    recorder.detach()


@pytest.fixture
def fresh_table(aws):
    use_table(f"emotipal-reminders-{uuid.uuid4().hex[:8]}")


def _reminder_item(client_id: str, assignment_id: str) -> dict:
    from chalicelib.store import keys, table

    return table.get(keys.reminder(client_id, assignment_id.rsplit("-", 1)[1]).as_dict(), consistent=True)


def _throttle_ses(rate: float, seed: int):
    """A before-send hook answering a share of SES SendEmail attempts with a throttling error,
    as SES does: botocore's retry handler sees it like a real 429."""
    from botocore.awsrequest import AWSResponse

    chooser = random.Random(seed)
    throttled = []

    def hook(**_):
        if chooser.random() < rate:
            throttled.append(1)
            response = AWSResponse("https://email.test", 429, {"x-amzn-ErrorType": "TooManyRequestsException"}, None)
            response._content = json.dumps({"message": "Maximum sending rate exceeded."}).encode()
            return response
        return None

    return hook, throttled


class _Delivered:
    """The recipients of SendEmail calls that succeeded (after botocore's retries)."""

    def __init__(self) -> None:
        self.to: list[str] = []

    def before(self, model, params, context, **_):
        recorder = Recorder()
        recorder._record_email(model, params)
        context["emotipal_to"] = recorder.sent[0].to

    def after(self, http_response, context, **_):
        if http_response.status_code < 300:
            self.to.append(context["emotipal_to"])


def test_with_30_percent_of_ses_calls_throttled_every_reminder_goes_exactly_once(env, fresh_table):
    from chalicelib import aws
    from chalicelib.reminders import sweep

    with time_machine.travel(NOON - timedelta(hours=6), tick=False) as clock:
        practice = new_practice()
        clients = [practice.add_client(timezone="Europe/London", reminder_time="18:30") for _ in range(40)]
        for client in clients:
            practice.assign(client["client_id"], start_date="2026-12-07", due_time="23:00")
        hook, throttled = _throttle_ses(0.3, seed=7)
        delivered = _Delivered()
        ses = aws.client("sesv2")
        ses.meta.events.register_first("before-send.sesv2.SendEmail", hook)
        ses.meta.events.register("before-call.sesv2.SendEmail", delivered.before)
        ses.meta.events.register("after-call.sesv2.SendEmail", delivered.after)
        try:
            moment = datetime(2026, 12, 7, 18, 30, tzinfo=UTC)
            for _ in range(4):  # the due sweep, then a few more (retries, and nothing twice)
                clock.move_to(moment)
                sweep.run(now=moment)
                moment += timedelta(minutes=5)
        finally:
            ses.meta.events.unregister("before-send.sesv2.SendEmail", hook)
            ses.meta.events.unregister("before-call.sesv2.SendEmail", delivered.before)
            ses.meta.events.unregister("after-call.sesv2.SendEmail", delivered.after)
    assert len(throttled) >= 10, "the fault injection did not bite"
    per_client = {c["email"]: delivered.to.count(c["email"]) for c in clients}
    assert set(per_client.values()) == {1}, per_client


def test_throttling_is_retried_by_botocore_alone_and_what_outlasts_it_waits_for_the_next_sweep(env, fresh_table):
    """One retry layer: SES throttled on every attempt is tried as often as botocore tries (not
    botocore's attempts times an application loop's), then the reminder is filed for later."""
    from chalicelib import aws
    from chalicelib.reminders import sweep
    from chalicelib.store import reminders as reminder_store

    with time_machine.travel(NOON - timedelta(hours=6), tick=False) as clock:
        practice = new_practice()
        client = practice.add_client(timezone="Europe/London", reminder_time="18:30")
        assignment = practice.assign(client["client_id"], start_date="2026-12-07", due_time="23:00")
        hook, throttled = _throttle_ses(1.0, seed=1)
        ses = aws.client("sesv2")
        ses.meta.events.register_first("before-send.sesv2.SendEmail", hook)
        moment = datetime(2026, 12, 7, 18, 30, tzinfo=UTC)
        clock.move_to(moment)
        try:
            report = sweep.run(now=moment)
        finally:
            ses.meta.events.unregister("before-send.sesv2.SendEmail", hook)
        assert len(throttled) == ses.meta.config.retries["total_max_attempts"] == 5  # botocore: 1 try + 4 retries
        assert report.retried == 1 and report.sent == 0
        item = _reminder_item(client["client_id"], assignment["assignment_id"])
        assert item["state"] == "pending" and item["send_at"] > "2026-12-07T18:30"
        env.attach()
        later = moment + sweep.RETRY_AFTER + reminder_store.BUCKET
        clock.move_to(later)
        assert sweep.run(now=later).sent == 1
    assert len(env.to(client["email"])) == 1


def test_opted_out_sms_is_recorded_and_shown_to_the_clinician(api, world, env):
    from chalicelib.reminders import sweep

    # The world's client takes email and SMS; moto treats numbers ending in 99 as opted out.
    client_id = world.resources["client_id"]
    env.attach()
    view = json.loads(api.http.get(f"/v1/clients/{client_id}", headers=world.headers("a1")).body)
    assert view["delivery"] == []
    # Make a reminder due now on both channels.
    assignment = json.loads(api.http.post(
        f"/v1/clients/{client_id}/assignments", headers=world.headers("a1"),
        body=json.dumps({"template_id": "gad-7", "recurrence": {"frequency": "daily"}, "due_time": "23:59",
                         "reminders": {"time": _now_local_hhmm(), "only_while_open": False},
                         **DAILY_MEASURE})).body)
    item = _reminder_item(client_id, assignment["assignment_id"])
    assert item["state"] == "pending"
    sweep.run(now=datetime.now(UTC) + timedelta(minutes=1))
    sms = [s for s in env.sent if s.channel == "sms"]
    assert sms == [], "an opted-out number was texted"
    # (The client was also told of the new homework: that notice is not a reminder.)
    emails = [e for e in env.to(world.clients["a1"]["email"]) if e.subject.startswith("Reminder")]
    assert len(emails) == 1
    view = json.loads(api.http.get(f"/v1/clients/{client_id}", headers=world.headers("a1")).body)
    assert [(d["channel"], d["state"], d["reason"]) for d in view["delivery"]] == [("sms", "failed", "opted_out")]
    # No clinical content, no access token: the title and a link to the client page only.
    body = emails[0].text
    assert world.links["a1"] not in body and "#token=" not in body
    assert "https://app.emotipal.test/client/" in body
    assert emails[0].headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert emails[0].headers["List-Unsubscribe"].startswith("<https://api.emotipal.test/v1/unsubscribe?token=")


def _now_local_hhmm() -> str:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/London")).strftime("%H:%M")


def _unsubscribe_token(recorded) -> str:
    url = recorded.headers["List-Unsubscribe"].strip("<>")
    return parse_qs(urlsplit(url).query)["token"][0]


def test_one_click_unsubscribe_stops_the_channel_and_shows_in_preferences(api, world, env):
    from chalicelib.notifications.unsubscribe import make_token

    client_id = world.resources["client_id"]
    token = make_token(client_id, "email")
    page = api.http.get(f"/v1/unsubscribe?token={token}")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert b"<form method=\"post\"" in page.body
    me = json.loads(api.http.get("/v1/client/me", headers=world.headers(token=world.links["a1"])).body)
    assert "email" in me["reminder_channels"]  # showing the page changed nothing
    # RFC 8058: the mail client POSTs a form body.
    done = api.http.post(f"/v1/unsubscribe?token={token}", body="List-Unsubscribe=One-Click",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert done.status_code == 200, done.body
    me = json.loads(api.http.get("/v1/client/me", headers=world.headers(token=world.links["a1"])).body)
    assert "email" not in me["reminder_channels"] and me["unsubscribed"] == ["email"]
    # A tampered token (another channel, same signature) and garbage are refused.
    forged = token.split(".")[0].replace(token.split(".")[0], make_token(client_id, "sms").split(".")[0]) \
        + "." + token.split(".")[1]
    for bad in (forged, "not-a-token-at-all", token[:-4] + "AAAA"):
        response = api.http.post(f"/v1/unsubscribe?token={bad}", body="",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert response.status_code == 400, bad
    # Choosing email again in preferences is a fresh opt-in.
    api.http.patch("/v1/client/me", headers=world.headers(token=world.links["a1"]),
                   body=json.dumps({"reminder_channels": ["email"]}))
    me = json.loads(api.http.get("/v1/client/me", headers=world.headers(token=world.links["a1"])).body)
    assert me["reminder_channels"] == ["email"] and me["unsubscribed"] == []


def test_pending_reminders_follow_preference_changes_by_client_and_clinician(api, world, env):
    client_id = world.resources["client_id"]
    assignment_id = world.resources["assignment_id"]
    before = _reminder_item(client_id, assignment_id)
    assert before["state"] == "pending"
    response = api.http.patch("/v1/client/me", headers=world.headers(token=world.links["a1"]),
                              body=json.dumps({"timezone": "America/New_York", "reminder_time": "07:15"}))
    assert response.status_code == 200, response.body
    moved = _reminder_item(client_id, assignment_id)
    from zoneinfo import ZoneInfo

    local = datetime.fromisoformat(moved["send_at"].replace("Z", "+00:00")).astimezone(ZoneInfo("America/New_York"))
    assert local.strftime("%H:%M") == "07:15"
    api.http.patch(f"/v1/clients/{client_id}", headers=world.headers("a1"),
                   body=json.dumps({"quiet_hours": {"start": "06:00", "end": "08:00"}}))
    quiet = _reminder_item(client_id, assignment_id)
    local = datetime.fromisoformat(quiet["send_at"].replace("Z", "+00:00")).astimezone(ZoneInfo("America/New_York"))
    assert local.strftime("%H:%M") == "08:00"
    # Pausing takes the assignment out of the due-index; resuming puts it back.
    api.http.patch(f"/v1/assignments/{assignment_id}", headers=world.headers("a1"), body=json.dumps({"status": "paused"}))
    paused = _reminder_item(client_id, assignment_id)
    assert paused["state"] == "idle" and "gsi3pk" not in paused
    api.http.patch(f"/v1/assignments/{assignment_id}", headers=world.headers("a1"), body=json.dumps({"status": "active"}))
    assert "gsi3pk" in _reminder_item(client_id, assignment_id)


def test_a_risk_alert_tells_the_clinician_at_once_and_only_once_with_no_client_data(api, world, env):
    from chalicelib.reminders import sweep

    env.attach()
    receipt = submit_risk_answer(api, world, "risk-alert-notice-1")
    assert receipt["crisis_resources"]
    # Told at once, before any sweep runs; later sweeps do not tell again.
    assert len(env.to("a1@example.com")) == 1
    sweep.run(now=datetime.now(UTC) + timedelta(seconds=5))
    sweep.run(now=datetime.now(UTC) + timedelta(minutes=6))
    to_clinician = env.to("a1@example.com")
    assert len(to_clinician) == 1
    text = to_clinician[0].text
    assert "risk alert" in text.lower()
    for private in (world.clients["a1"]["display_name"], world.clients["a1"]["email"], world.resources["client_id"],
                    "PHQ", "phq"):
        assert private not in text and private not in to_clinician[0].subject


def test_the_sweep_tells_the_clinician_when_the_immediate_notice_failed(api, world, env, monkeypatch):
    from chalicelib.channels import email
    from chalicelib.notifications.outcomes import Outcome
    from chalicelib.reminders import sweep

    env.attach()
    real = email.send
    monkeypatch.setattr(email, "send", lambda message: Outcome("retry", "throttled"))
    submit_risk_answer(api, world, "risk-alert-notice-2")
    assert env.to("a1@example.com") == []
    monkeypatch.setattr(email, "send", real)
    sweep.run(now=datetime.now(UTC) + timedelta(minutes=11))
    assert len(env.to("a1@example.com")) == 1


def test_shards_spread_clients():
    from chalicelib.store import reminders as reminder_store

    shards = {reminder_store.shard_of(f"client{n}", "A") for n in range(200)}
    assert shards == set(range(reminder_store.SHARDS))


def test_clinicians_opt_into_a_morning_digest_and_alert_texts(api, world, env):
    from zoneinfo import ZoneInfo

    from chalicelib.reminders import sweep

    headers = world.headers("a1")
    refused = api.http.patch("/v1/me/notifications", headers=headers, body=json.dumps({"digest": True}))
    assert refused.status_code == 422  # a digest at 08:00 needs to know whose 08:00
    response = api.http.patch("/v1/me/notifications", headers=headers, body=json.dumps(
        {"digest": True, "timezone": "Europe/London", "phone": "+447911123456"}))
    assert response.status_code == 200, response.body
    assert json.loads(api.http.get("/v1/me/notifications", headers=headers).body) == {
        "email": "a1@example.com", "phone": "+447911123456", "digest": True, "timezone": "Europe/London"}
    env.attach()
    sweep.run()  # the schedule's first run: the world's risk alert goes out now
    london = ZoneInfo("Europe/London")
    morning = datetime.now(london).replace(hour=8, minute=5, second=0, microsecond=0)
    if morning <= datetime.now(london):
        morning += timedelta(days=1)
    morning = morning.astimezone(UTC)
    for later in (timedelta(0), timedelta(minutes=15), timedelta(hours=1)):
        sweep.run(now=morning + later)
    to_clinician = env.to("a1@example.com")
    digests = [s for s in to_clinician if "daily summary" in s.subject]
    assert len(digests) == 1, [s.subject for s in to_clinician]
    assert "1 client sent homework" in digests[0].text and "1 alert is open" in digests[0].text
    assert world.clients["a1"]["display_name"] not in digests[0].text
    # With a phone on file, a risk alert is texted too, at once.
    submit_risk_answer(api, world, "risk-alert-text-1")
    texts = [s for s in env.sent if s.channel == "sms" and s.to == "+447911123456"]
    assert len(texts) == 1 and "risk alert" in texts[0].text
    # Opting out takes the clinician off the digest list.
    api.http.patch("/v1/me/notifications", headers=headers, body=json.dumps({"digest": False}))
    sweep.run(now=morning + timedelta(days=1))
    assert len([s for s in env.to("a1@example.com") if "daily summary" in s.subject]) == 1


def test_quiet_hours_that_start_when_they_end_are_a_field_error_and_old_records_with_them_still_plan(api, world, env):
    from chalicelib.store import keys, table

    equal = {"start": "21:00", "end": "21:00"}
    created = api.http.post("/v1/clients", headers=world.headers("a1"), body=json.dumps(
        {"display_name": "Equal Quiet", "timezone": "Europe/London", "quiet_hours": equal}))
    assert created.status_code == 422, created.body
    assert created.headers["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in json.loads(created.body)["errors"]] == ["quiet_hours"]
    client_id = world.resources["client_id"]
    for path, headers in ((f"/v1/clients/{client_id}", world.headers("a1")),
                          ("/v1/client/me", world.headers(token=world.links["a1"]))):
        patched = api.http.patch(path, headers=headers, body=json.dumps({"quiet_hours": equal}))
        assert patched.status_code == 422 and json.loads(patched.body)["errors"][0]["field"] == "quiet_hours"
    # A record saved before the rule was enforced: new assignments and edits still work (they answered 500).
    profile = table.get(keys.client_profile(client_id).as_dict(), consistent=True)
    table.put({**profile, "quiet_hours": equal})
    assigned = api.http.post(f"/v1/clients/{client_id}/assignments", headers=world.headers("a1"),
                             body=json.dumps({"template_id": "gad-7", "recurrence": {"frequency": "daily"},
                                              **DAILY_MEASURE}))
    assert assigned.status_code == 201, assigned.body
    assert _reminder_item(client_id, json.loads(assigned.body)["assignment_id"])["state"] == "pending"
    moved = api.http.patch(f"/v1/clients/{client_id}", headers=world.headers("a1"),
                           body=json.dumps({"reminder_time": "19:15"}))
    assert moved.status_code == 200, moved.body
    fixed = api.http.patch(f"/v1/clients/{client_id}", headers=world.headers("a1"),
                           body=json.dumps({"quiet_hours": {"start": "22:00", "end": "07:00"}}))
    assert fixed.status_code == 200 and json.loads(fixed.body)["quiet_hours"] == {"start": "22:00", "end": "07:00"}
