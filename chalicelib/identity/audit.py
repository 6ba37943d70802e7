"""Audit events for every clinician read or write of client data."""
from __future__ import annotations

from collections.abc import Iterable

from chalicelib.fields import iso, new_id, utc_now
from chalicelib.identity.principals import Clinician
from chalicelib.store import audit as audit_store


def record(actor: Clinician, action: str, client_ids: Iterable[str], *, detail: str | None = None,
           request_id: str | None = None) -> None:
    """Write one event per client. `detail` must never hold client data: ids and verbs only."""
    at = iso(utc_now())
    events = [{
        "event_id": new_id(),
        "client_id": client_id,
        "at": at,
        "actor_sub": actor.sub,
        "actor_role": actor.role.value,
        "practice_id": actor.practice_id,
        "action": action,
        "detail": detail,
        "request_id": request_id,
    } for client_id in dict.fromkeys(client_ids)]
    audit_store.record(events)


def list_for_client(client_id: str, *, limit: int, next_token: str | None):
    return audit_store.list_for_client(client_id, limit=limit, next_token=next_token)
