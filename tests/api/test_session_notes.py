"""Notes for the next session: the client adds them from their link at any time and sees the
ones still waiting; a session review marked done closes them; at most 20 wait at once."""
from __future__ import annotations

import json

from tests.api.conftest import post

NOTES = "/v1/client/session-notes"


def _client(world, who: str = "a1") -> dict:
    return world.headers(token=world.links[who])


def _list(api, world, who: str = "a1") -> dict:
    response = api.http.get(NOTES, headers=_client(world, who))
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def _mark_reviewed(client_id: str, at: str) -> None:
    """What marking a session review done leaves behind: STATS.session_reviewed_at."""
    from chalicelib.store import keys, table

    stats = table.get(keys.client_stats(client_id).as_dict(), consistent=True)
    table.put({**stats, "session_reviewed_at": at})


def test_a_client_adds_notes_and_sees_them_oldest_first(api, world):
    assert _list(api, world) == {"items": [], "since": None}
    first = post(api, NOTES, _client(world), {"text": "  The argument with my sister.  "})
    second = post(api, NOTES, _client(world), {"text": "Sleep has been worse\nsince the move."})
    client_id = world.resources["client_id"]
    assert first["note_id"].startswith(f"{client_id}-") and len(first["note_id"]) == len(client_id) + 27
    assert first["text"] == "The argument with my sister."
    assert first["created_at"].endswith("Z")
    listed = _list(api, world)
    assert [n["text"] for n in listed["items"]] == ["The argument with my sister.", "Sleep has been worse\nsince the move."]
    assert listed["items"][1] == second and listed["since"] is None


def test_notes_are_in_the_client_s_review_feed_at_their_time(api, world):
    from chalicelib.store import keys, table

    note = post(api, NOTES, _client(world), {"text": "Work stress"})
    client_id = world.resources["client_id"]
    stored = table.get(keys.session_note(client_id, note["note_id"][-26:]).as_dict(), consistent=True)
    assert stored["gsi4pk"] == keys.review_feed_index(client_id)
    assert stored["gsi4sk"] == keys.review_feed_at(note["created_at"], "note", note["note_id"][-26:])
    assert keys.review_feed_kind(stored["gsi4sk"]) == "NOTE"


def test_a_review_marked_done_closes_the_notes_before_it(api, world):
    import time_machine

    client_id = world.resources["client_id"]
    with time_machine.travel("2026-12-01T10:00:00Z", tick=False):
        world.links["a1"] = _fresh_link(api, world, client_id)
        post(api, NOTES, _client(world), {"text": "Before the session"})
        _mark_reviewed(client_id, "2026-12-01T10:00:01Z")
        assert _list(api, world) == {"items": [], "since": "2026-12-01T10:00:01Z"}
    with time_machine.travel("2026-12-02T10:00:00Z", tick=False):
        after = post(api, NOTES, _client(world), {"text": "After the session"})
        assert _list(api, world) == {"items": [after], "since": "2026-12-01T10:00:01Z"}


def _fresh_link(api, world, client_id: str) -> str:
    link = post(api, f"/v1/clients/{client_id}/access-link", world.headers(token=world.token("a1", expires_in=3600)),
                {})
    return link["url"].split("#token=")[1]


def test_at_most_twenty_notes_wait_at_once(api, world):
    for n in range(20):
        post(api, NOTES, _client(world), {"text": f"Note {n}"})
    response = api.http.post(NOTES, headers=_client(world), body=json.dumps({"text": "One more"}))
    assert response.status_code == 409, response.body
    problem = json.loads(response.body)
    assert problem["detail"].startswith("You already have 20 notes for your next session.")
    assert len(_list(api, world)["items"]) == 20
    # After the session the list starts again.
    _mark_reviewed(world.resources["client_id"], "2999-01-01T00:00:00Z")
    assert _list(api, world)["items"] == []


def test_bad_notes_are_refused_with_sentences(api, world):
    for body, message in [({"text": ""}, "Please fill this in."), ({"text": "   \n "}, "Please fill this in."),
                          ({"text": "x" * 2001}, "Use at most 2000 characters."), ({}, "This is required.")]:
        response = api.http.post(NOTES, headers=_client(world), body=json.dumps(body))
        assert response.status_code == 422, response.body
        assert [(e["field"], e["message"]) for e in json.loads(response.body)["errors"]] == [("text", message)]
    assert _list(api, world)["items"] == []


def test_each_client_sees_only_their_own_notes(api, world):
    post(api, NOTES, _client(world), {"text": "Private to a1's client"})
    assert _list(api, world, "b1")["items"] == []
    assert len(_list(api, world)["items"]) == 1
