"""Adherence across a caseload, from the caseload index (profile + STATS pairs): never a Scan."""
from __future__ import annotations

from typing import Any

from chalicelib.errors import Forbidden
from chalicelib.fields import utc_now
from chalicelib.homework import adherence
from chalicelib.homework.review_models import Adherence, AdherenceQuery
from chalicelib.identity.principals import Clinician
from chalicelib.store import clients as client_store

PAGE = 100  # clients a Query (each with its summary beside it)


def _caseload(actor: Clinician, scope: str) -> list[dict[str, Any]]:
    """Every client in scope with its summary, a page (one Query) at a time."""
    pairs: list[dict[str, Any]] = []
    token = None
    while True:
        if scope == "practice":
            page = client_store.list_practice(actor.practice_id, limit=PAGE, next_token=token)
        else:
            page = client_store.list_caseload(actor.sub, limit=PAGE, next_token=token)
        pairs += [p for p in page.items if actor.can_see_client(p)]
        token = page.next_token
        if not token:
            return pairs


def report(actor: Clinician, query: AdherenceQuery) -> tuple[Adherence, list[str]]:
    """The figures, and the ids of the clients they were read from (for the audit trail)."""
    adherence.check_range(query.from_, query.to)
    scope = query.scope or ("practice" if actor.manages_practice else "mine")
    if scope == "practice" and not actor.manages_practice:
        raise Forbidden("Only owners and admins can see the whole practice; ask for scope=mine.")
    pairs = _caseload(actor, scope)
    figures = adherence.figures(((p, p.get("stats")) for p in pairs), query.from_, query.to, utc_now())
    result = Adherence.model_validate({"from": query.from_.isoformat(), "to": query.to.isoformat(),
                                       "scope": scope, **figures})
    return result, [p["client_id"] for p in pairs]
