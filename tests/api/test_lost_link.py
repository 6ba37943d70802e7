""""Lost your link?": the email address or phone number on file gets a fresh link (the old
one stops working); the answer is the same words whether or not it matched; requests
are limited per address and per source; the lookup is a keyed hash kept with the
profile (changed with it, deleted by erasure); the address is never logged."""
from __future__ import annotations

import hashlib
import json
import re

import pytest

from tests.api.conftest import post
from tests.api.reminder_support import SIGNING_SECRET, Recorder

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def sent(world, monkeypatch):
    monkeypatch.setenv("EMOTIPAL_SIGNING_SECRET", SIGNING_SECRET)
    recorder = Recorder()
    recorder.attach()
    yield recorder
    recorder.detach()


def _client(api, world, email: str = "Lena.Lost@Example.com", phone: str = "+447911123422") -> dict:
    client = post(api, "/v1/clients", world.headers("a1"), {
        "display_name": "Lena Lost", "email": email, "phone": phone, "timezone": "Europe/London"})
    link = post(api, f"/v1/clients/{client['client_id']}/access-link", world.headers("a1"), {})
    return {**client, "link": link["url"].split("#token=")[1]}


def _lost(api, contact: str):
    return api.http.post("/v1/client/lost-link", headers=JSON, body=json.dumps({"contact": contact}))


def _me(api, world, token: str) -> int:
    return api.http.get("/v1/client/me", headers=world.headers(token=token)).status_code


def _lookups(contact_kind: str, value: str) -> list[dict]:
    from chalicelib.store import contacts, keys, table

    return table.query(keys.contact_lookup_partition(contacts.contact_hash(contact_kind, value))).items


def test_a_match_and_no_match_get_the_same_answer_and_only_a_match_gets_a_link(api, world, sent, capsys):
    client = _client(api, world)
    matched = _lost(api, "  lena.lost@example.COM ")
    unmatched = _lost(api, "nobody@example.com")
    assert matched.status_code == unmatched.status_code == 202
    assert matched.body == unmatched.body
    assert "If this matches" in json.loads(matched.body)["message"]

    assert sent.to("nobody@example.com") == []
    [message] = sent.to(client["email"])
    new_token = message.text.split("#token=")[1].split()[0]
    assert _me(api, world, new_token) == 200
    assert _me(api, world, client["link"]) == 401, "the lost link stops working"
    assert "lena.lost" not in capsys.readouterr().out.lower(), "the address is never logged"


def test_a_phone_number_gets_the_link_by_text(api, world, sent):
    client = _client(api, world)
    assert _lost(api, "+44 7911 123422").status_code == 202
    [text] = sent.to(client["phone"])
    assert _me(api, world, text.text.split("#token=")[1].split()[0]) == 200
    assert sent.to(client["email"]) == []


def test_the_lookup_is_a_keyed_hash_that_follows_the_profile_and_erasure_removes_it(api, world, sent):
    from chalicelib.store import keys, table

    client = _client(api, world, email="kim@example.com", phone="+447911123433")
    [lookup] = _lookups("email", "kim@example.com")
    assert lookup["client_id"] == client["client_id"]
    assert "kim" not in json.dumps(lookup) and hashlib.sha256(b"kim@example.com").hexdigest() not in lookup["pk"]
    assert len(_lookups("phone", "+447911123433")) == 1

    patched = api.http.patch(f"/v1/clients/{client['client_id']}", headers=world.headers("a1"),
                             body=json.dumps({"email": "kim.new@example.com", "phone": None}))
    assert patched.status_code == 200, patched.body
    assert _lookups("email", "kim@example.com") == [] and _lookups("phone", "+447911123433") == []
    assert len(_lookups("email", "kim.new@example.com")) == 1
    _lost(api, "kim@example.com")
    assert sent.to("kim@example.com") == []

    erased = api.http.delete(f"/v1/clients/{client['client_id']}", headers=world.headers("a1"))
    assert erased.status_code == 204, erased.body
    assert _lookups("email", "kim.new@example.com") == []
    assert table.query(keys.client_partition(client["client_id"])).items == []
    assert _lost(api, "kim.new@example.com").status_code == 202
    assert sent.to("kim.new@example.com") == []


def test_requests_are_limited_per_address_and_per_source(api, world, sent):
    from chalicelib.identity import lost_link

    client = _client(api, world)
    for _ in range(lost_link.ADDRESS_LIMIT):
        assert _lost(api, client["email"]).status_code == 202
    refused = _lost(api, client["email"])
    assert refused.status_code == 429, refused.body
    assert 0 < int(refused.headers["Retry-After"]) <= lost_link.WINDOW_SECONDS
    assert len(sent.to(client["email"])) == lost_link.ADDRESS_LIMIT

    source = "203.0.113.7"
    for n in range(lost_link.SOURCE_LIMIT):
        lost_link.request_link("email", f"someone{n}@example.com", source)
    with pytest.raises(lost_link.Blocked):
        lost_link.request_link("email", "someone-else@example.com", source)
    lost_link.request_link("email", "someone-else@example.com", "203.0.113.8")  # another source is not held up


def test_a_contact_that_is_neither_an_email_nor_a_phone_number_is_refused_plainly(api, world):
    response = _lost(api, "call me maybe")
    assert response.status_code == 422, response.body
    [error] = json.loads(response.body)["errors"]
    assert error["field"] == "contact" and error["message"].startswith("Enter the email address or phone number")


def test_the_operator_command_rebuilds_lookups_for_old_clients_and_after_a_new_signing_secret(
        api, world, sent, monkeypatch, capsys):
    from chalicelib import cli
    from chalicelib.store import contacts, keys, table

    client = _client(api, world, email="old.client@example.com", phone="+447911123499")
    # A client from before the lookups existed: none stored, none remembered on the profile.
    for digest in [contacts.contact_hash("email", client["email"]), contacts.contact_hash("phone", client["phone"])]:
        table.delete(keys.contact_lookup(digest, client["client_id"]).as_dict())
    table.update(keys.client_profile(client["client_id"]).as_dict(), remove=[contacts.PROFILE_ATTRIBUTE])
    assert _lookups("email", client["email"]) == []

    practice_id = world.actors["a1"].practice_id
    assert cli.main(["sync-contact-lookups", "--practice-id", practice_id]) == 0
    checked, updated = map(int, re.search(r"(\d+) clients checked, (\d+) updated", capsys.readouterr().out).groups())
    assert checked >= updated >= 1
    assert client["client_id"] in [item["client_id"] for item in _lookups("email", client["email"])]
    assert client["client_id"] in [item["client_id"] for item in _lookups("phone", client["phone"])]
    # Run again: nothing left to do.
    assert cli.main(["sync-contact-lookups", "--practice-id", practice_id]) == 0
    assert " clients checked, 0 updated\n" in capsys.readouterr().out

    # A new signing secret changes every keyed hash: the command moves the lookups over.
    old_digest = contacts.contact_hash("email", client["email"])
    monkeypatch.setenv("EMOTIPAL_SIGNING_SECRET", "a-new-signing-secret-of-enough-length-0123456789")
    from chalicelib.config import get_settings
    get_settings.cache_clear()
    assert cli.main(["sync-contact-lookups", "--practice-id", practice_id]) == 0
    assert table.query(keys.contact_lookup_partition(old_digest)).items == []
    assert client["client_id"] in [item["client_id"] for item in _lookups("email", client["email"])]
    lost = _lost(api, client["email"])
    assert lost.status_code == 202
    assert len(sent.to(client["email"])) == 1


def test_the_operator_command_names_an_unknown_practice(api, world, capsys):
    from chalicelib import cli

    assert cli.main(["sync-contact-lookups", "--practice-id", "no-such-practice"]) == 1
    assert "no practice" in capsys.readouterr().err
