"""Notes for the next session: things the client wants to talk about, added from their link
at any time. The clinician sees them in the session review; once a review is marked done
(STATS.session_reviewed_at), the notes before it are closed and the client's list starts
again."""
from __future__ import annotations

from typing import Any

from chalicelib.errors import Conflict, NotFound
from chalicelib.fields import iso, new_id, utc_now
from chalicelib.homework.models import SessionNoteCreate, SessionNoteList, SessionNoteView
from chalicelib.identity.principals import ClientPrincipal
from chalicelib.store import homework as store
from chalicelib.store import keys

MAX_OPEN_NOTES = 20
# Read a little past the cap: notes written side by side may have gone one or two over it.
_READ = MAX_OPEN_NOTES * 2


def _profile_and_since(principal: ClientPrincipal) -> str | None:
    """The start of the client's open notes (the last session review, or None: all of them)."""
    client_id = principal.client_id
    found = store.get_many([keys.client_profile(client_id), keys.client_stats(client_id)])
    profile = found.get(keys.client_profile(client_id).sk)
    if not profile or profile.get("practice_id") != principal.practice_id:
        raise NotFound("No such client.")
    return (found.get(keys.client_stats(client_id).sk) or {}).get("session_reviewed_at")


def _open_notes(client_id: str, since: str | None) -> list[dict[str, Any]]:
    notes = store.notes_newest_first(client_id, limit=_READ)
    return [n for n in reversed(notes) if since is None or n["created_at"] >= since]


def _view(note: dict[str, Any]) -> SessionNoteView:
    return SessionNoteView(note_id=note["note_id"], text=note["text"], created_at=note["created_at"])


def list_notes(principal: ClientPrincipal) -> SessionNoteList:
    """The client's notes since the last session review, oldest first."""
    since = _profile_and_since(principal)
    return SessionNoteList(items=[_view(n) for n in _open_notes(principal.client_id, since)], since=since)


def create(principal: ClientPrincipal, body: SessionNoteCreate) -> SessionNoteView:
    client_id = principal.client_id
    since = _profile_and_since(principal)
    if len(_open_notes(client_id, since)) >= MAX_OPEN_NOTES:
        raise Conflict(f"You already have {MAX_OPEN_NOTES} notes for your next session. They will be there when "
                       "you meet; you can add more after the session.")
    note = {"note_id": keys.child_id(client_id, new_id()), "client_id": client_id, "text": body.text,
            "created_at": iso(utc_now())}
    return _view(store.note_put(note))
