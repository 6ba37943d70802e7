"""Every reminder and notice opens the homework: it carries `#signin=<token>`, a one-use
token valid 72 hours, bound to the client's current access link and stored only as a
hash. POST /v1/client/session exchanges it once for a device session (the link's length,
or 12 hours on a shared device); a used, expired or orphaned token is a 401 that says so
and asks for the lost-link form. Revoking or reissuing the link ends every session."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.api.conftest import post
from tests.api.reminder_support import SIGNING_SECRET, Recorder

SIGNIN = re.compile(r"https://app\.emotipal\.test/client/#signin=([A-Za-z0-9_-]+)")
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def sent(world, monkeypatch):
    monkeypatch.setenv("EMOTIPAL_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("EMOTIPAL_API_URL", "https://api.emotipal.test")
    recorder = Recorder()
    recorder.attach()
    yield recorder
    recorder.detach()


def _client(api, world, email: str = "ines@example.com", phone: str = "+447911123411") -> dict:
    client = post(api, "/v1/clients", world.headers("a1"), {
        "display_name": "Ines Client", "email": email, "phone": phone, "timezone": "Europe/London",
        "reminder_channels": ["email", "sms"]})
    link = post(api, f"/v1/clients/{client['client_id']}/access-link", world.headers("a1"), {})
    return {**client, "link": link["url"].split("#token=")[1]}


def _assign(api, world, client_id: str) -> dict:
    return post(api, f"/v1/clients/{client_id}/assignments", world.headers("a1"), {
        "template_id": "thought-record", "title": "Notice one thought", "recurrence": {"frequency": "daily"},
        "due_time": "23:59"})


def _remind(client_id: str, assignment: dict, occurrence: str = "2030-01-01") -> None:
    from chalicelib.fields import utc_now
    from chalicelib.reminders import delivery
    from chalicelib.store import clients as client_store

    profile = client_store.get(client_id, consistent=True)
    outcomes = delivery.remind(profile, assignment, occurrence, 0, ("email", "sms"), utc_now())
    assert outcomes == {"email": "sent", "sms": "sent"}, outcomes


def _token_in(message) -> str:
    found = set(SIGNIN.findall(message.text))
    assert len(found) == 1, message.text
    return found.pop()


def _exchange(api, token: str, shared: bool = False):
    return api.http.post("/v1/client/session", headers=JSON,
                         body=json.dumps({"signin_token": token, "shared_device": shared}))


def _session(api, token: str, shared: bool = False) -> dict:
    response = _exchange(api, token, shared)
    assert response.status_code == 201, response.body
    return json.loads(response.body)


def _me(api, world, bearer: str) -> int:
    return api.http.get("/v1/client/me", headers=world.headers(token=bearer)).status_code


def _refused(response) -> None:
    assert response.status_code == 401, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    body = json.loads(response.body)
    assert body["lost_link"] is True
    assert body["detail"].startswith("This sign-in link has been used or has expired.")


def test_a_reminder_opens_the_homework_once_with_a_token_of_its_own(api, world, sent):
    from chalicelib.store import keys, table

    client = _client(api, world)
    assignment = _assign(api, world, client["client_id"])
    notice = _token_in(sent.to("ines@example.com")[0])          # "you have new homework"
    _remind(client["client_id"], assignment)
    reminder_email = [m for m in sent.to("ines@example.com") if m.subject.startswith("Reminder")][0]
    by_email, by_sms = _token_in(reminder_email), _token_in(sent.to("+447911123411")[-1])
    assert len({notice, by_email, by_sms}) == 3, "a fresh token per message"
    assert len(by_email) >= 43

    # Stored only as a hash, bound to the link, never with the token itself.
    stored = table.get(keys.signin_token(hashlib.sha256(by_email.encode()).hexdigest()).as_dict())
    assert stored and by_email not in json.dumps(stored, default=str)
    assert stored["link_hash"] == hashlib.sha256(client["link"].encode()).hexdigest()

    session = _session(api, by_email)
    assert session["session_token"].startswith("s.") and session["shared_device"] is False
    homework = api.http.get("/v1/client/assignments", headers=world.headers(token=session["session_token"]))
    assert homework.status_code == 200
    assert [a["assignment_id"] for a in json.loads(homework.body)["items"]] == [assignment["assignment_id"]]
    assert session["session_token"] not in json.dumps(table.get(keys.device_session(
        hashlib.sha256(session["session_token"].encode()).hexdigest()).as_dict()), default=str)

    _refused(_exchange(api, by_email))                 # once only
    assert _me(api, world, _session(api, by_sms)["session_token"]) == 200   # each message's own works
    _refused(_exchange(api, "no-such-token"))


def test_a_sign_in_token_lasts_72_hours(api, world, sent):
    client = _client(api, world)
    assignment = _assign(api, world, client["client_id"])
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        _remind(client["client_id"], assignment)
    reminder = [m for m in sent.to("ines@example.com") if m.subject.startswith("Reminder")][0]
    by_email, by_sms = _token_in(reminder), _token_in(sent.to("+447911123411")[-1])
    with time_machine.travel(start + timedelta(hours=72) - timedelta(seconds=5), tick=False):
        assert _me(api, world, _session(api, by_email)["session_token"]) == 200
    with time_machine.travel(start + timedelta(hours=72), tick=False):
        _refused(_exchange(api, by_sms))


def test_revoking_or_reissuing_the_link_ends_every_session(api, world, sent):
    client = _client(api, world)
    _assign(api, world, client["client_id"])
    first = _token_in(sent.to("ines@example.com")[0])
    session = _session(api, first)["session_token"]
    _assign(api, world, client["client_id"])
    unused = _token_in(sent.to("ines@example.com")[1])

    api.http.post(f"/v1/clients/{client['client_id']}/access-link", headers=world.headers("a1"), body="{}")
    assert _me(api, world, session) == 401
    _refused(_exchange(api, unused))                  # bound to the link that was replaced

    _assign(api, world, client["client_id"])
    after = _session(api, _token_in(sent.to("ines@example.com")[2]))["session_token"]
    assert _me(api, world, after) == 200
    response = api.http.delete(f"/v1/clients/{client['client_id']}/access-link", headers=world.headers("a1"))
    assert response.status_code == 204
    assert _me(api, world, after) == 401


def test_a_shared_device_signs_out_after_12_hours_and_a_personal_one_lasts_as_the_link(api, world, sent):
    from chalicelib.store import clients as client_store

    client = _client(api, world)
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        for _ in range(2):
            _assign(api, world, client["client_id"])
        shared = _session(api, _token_in(sent.to("ines@example.com")[0]), shared=True)
        personal = _session(api, _token_in(sent.to("ines@example.com")[1]))
    link_end = client_store.get(client["client_id"])["link_expires_at"]
    assert datetime.fromisoformat(shared["expires_at"]) == start + timedelta(hours=12)
    assert datetime.fromisoformat(personal["expires_at"]).timestamp() == link_end
    with time_machine.travel(start + timedelta(hours=12) - timedelta(seconds=1), tick=False):
        assert _me(api, world, shared["session_token"]) == 200
    with time_machine.travel(start + timedelta(hours=12), tick=False):
        assert _me(api, world, shared["session_token"]) == 401
        assert _me(api, world, personal["session_token"]) == 200
    with time_machine.travel(datetime.fromtimestamp(link_end, UTC), tick=False):
        assert _me(api, world, personal["session_token"]) == 401


def test_sign_out_on_this_device_ends_only_this_session(api, world, sent):
    client = _client(api, world)
    for _ in range(2):
        _assign(api, world, client["client_id"])
    here = _session(api, _token_in(sent.to("ines@example.com")[0]))["session_token"]
    elsewhere = _session(api, _token_in(sent.to("ines@example.com")[1]))["session_token"]
    response = api.http.delete("/v1/client/session", headers=world.headers(token=here))
    assert response.status_code == 204
    assert _me(api, world, here) == 401
    assert _me(api, world, elsewhere) == 200 and _me(api, world, client["link"]) == 200
    assert api.http.delete("/v1/client/session", headers=world.headers()).status_code == 401


def test_a_client_without_a_working_link_gets_the_page_without_a_token(api, world, sent):
    client = post(api, "/v1/clients", world.headers("a1"), {
        "display_name": "No Link", "email": "nolink@example.com", "timezone": "Europe/London",
        "reminder_channels": ["email"]})
    _assign(api, world, client["client_id"])
    message = sent.to("nolink@example.com")[0]
    assert "#signin=" not in message.text and "https://app.emotipal.test/client/" in message.text


def test_after_erasure_sign_in_tokens_and_device_sessions_open_nothing_and_name_no_one(api, world, sent):
    """Erasure leaves these records to their TTL: keyed by a token's hash, they hold only the
    hash of a link that no longer exists and their times — nothing that names the client."""
    from chalicelib.store import keys, table

    client = _client(api, world, email="erased@example.com", phone="+447911123477")
    assignment = _assign(api, world, client["client_id"])
    _remind(client["client_id"], assignment)
    unused = _token_in([m for m in sent.to("erased@example.com") if m.subject.startswith("Reminder")][0])
    session = _session(api, _token_in(sent.to("+447911123477")[-1]))["session_token"]
    assert _me(api, world, session) == 200

    deleted = api.http.delete(f"/v1/clients/{client['client_id']}", headers=world.headers("a1"))
    assert deleted.status_code == 204, deleted.body

    assert _me(api, world, session) == 401
    _refused(_exchange(api, unused))
    for key in (keys.signin_token(hashlib.sha256(unused.encode()).hexdigest()),
                keys.device_session(hashlib.sha256(session.encode()).hexdigest())):
        record = table.get(key.as_dict())
        if record is None:
            continue
        assert set(record) <= {"pk", "sk", "link_hash", "shared_device", "created_at", "used_at", "expires_at"}, record
        assert table.get(keys.access_link(record["link_hash"]).as_dict()) is None
