""""Lost your link?": a client gives the email address or phone number their clinician has
on file; if it is an active client's, a fresh access link goes to that address (the old
link stops working, and with it every device session). The answer never says whether it
matched. Requests are counted per address and per source address in fixed one-hour
windows (store/ratelimits.py); the address is never logged or stored, only keyed hashes.
"""
from __future__ import annotations

import hashlib
import time
from typing import Literal

from chalicelib.config import get_settings
from chalicelib.observability import logger
from chalicelib.store import ratelimits

Kind = Literal["email", "phone"]
WINDOW_SECONDS = 60 * 60
ADDRESS_LIMIT = 3   # requests per email address or phone number an hour
SOURCE_LIMIT = 10   # requests per source address an hour
_CHANNEL = {"email": "email", "phone": "sms"}


class Blocked(Exception):
    def __init__(self, retry_after: int):
        super().__init__("too many lost-link requests")
        self.retry_after = retry_after


def _hash(kind: str, value: str) -> str:
    settings = get_settings()
    key = f"emotipal-lost-link:{settings.stage}:{settings.cognito_pool_id}".encode()[:64]
    return hashlib.blake2b(f"{kind}:{value}".encode(), key=key, digest_size=20).hexdigest()


def _subjects(kind: Kind, contact: str, source: str | None) -> list[tuple[str, str, int]]:
    from chalicelib.store.contacts import normalise

    subjects = [("lostlink-address", _hash(kind, normalise(kind, contact)), ADDRESS_LIMIT)]
    if source:
        subjects.append(("lostlink-source", _hash("source", source), SOURCE_LIMIT))
    return subjects


def _count(kind: Kind, contact: str, source: str | None) -> None:
    """Count this request; Blocked if the address or the source has used up its window."""
    now = int(time.time())
    subjects = _subjects(kind, contact, source)
    waits = []
    for scope, subject, limit in subjects:
        used, ends = ratelimits.current(scope, subject, now=now)
        if used >= limit:
            waits.append(ends - now)
    if waits:
        raise Blocked(retry_after=max(1, max(waits)))
    for scope, subject, _limit in subjects:
        ratelimits.record_failure(scope, subject, now=now, window_seconds=WINDOW_SECONDS)


def request_link(kind: Kind, contact: str, source: str | None) -> int:
    """Send a fresh link to every active client with this contact. Returns how many were
    sent (for tests; the caller answers the same either way)."""
    from chalicelib.store import contacts

    _count(kind, contact, source)
    sent = 0
    for client_id in contacts.find(kind, contact):
        try:
            sent += _send_fresh_link(client_id, kind, contact)
        except Exception as error:  # noqa: BLE001 - the answer is the same whatever happened
            logger.warning("lost link not sent", extra={"error_type": type(error).__name__})
    logger.info("lost link requested", extra={"kind": kind, "sent": sent})
    return sent


def _send_fresh_link(client_id: str, kind: Kind, contact: str) -> int:
    from datetime import UTC, datetime

    from chalicelib import channels, deadline
    from chalicelib.identity import links
    from chalicelib.store import clients as client_store
    from chalicelib.store import contacts
    from chalicelib.store import practices as practice_store
    from chalicelib.store.table import retry_on_conflict

    def attempt():
        profile = client_store.get(client_id, consistent=True)
        # The lookup may trail a change of address: the profile has the last word.
        if not profile or not profile.get(kind) or profile.get("status") == "discharged" or \
                contacts.normalise(kind, profile[kind]) != contacts.normalise(kind, contact):
            return None
        return profile, links.issue_link(profile)

    issued = retry_on_conflict(attempt, give_up=lambda: RuntimeError("client busy"))
    if issued is None:
        return 0
    profile, (token, record, _) = issued
    practice = (practice_store.get_practice(profile["practice_id"]) or {}).get("name") or "Your clinician"
    send_link = channels.get(_CHANNEL[kind]).send_link
    assert send_link is not None
    with deadline.reserve():
        outcome = send_link(profile[kind], practice=practice, link_url=links.link_url(token),
                            expires=datetime.fromtimestamp(record["expires_at"], UTC).date().isoformat())
    return 1 if outcome.sent else 0
