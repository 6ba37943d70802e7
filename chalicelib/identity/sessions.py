"""Device sessions: a sign-in token from a reminder or notice, exchanged once for a bearer
token the client page keeps on this device.

A session is bound to the access link the sign-in token was bound to and is checked
against it on every request (identity/links.authenticate_client), so revoking or
reissuing the link ends every session. It lasts as long as the link, or 12 hours on a
device the client said is shared. Tokens are stored only as hashes.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chalicelib.fields import iso, utc_now
from chalicelib.identity.links import MAX_MAX_DAYS, SESSION_PREFIX, TOKEN_BYTES, hash_token
from chalicelib.notifications.signin_links import hash_token as hash_signin_token
from chalicelib.store import links as link_store
from chalicelib.store import signin as store

SHARED_DEVICE_HOURS = 12
_MAX_TOKEN_LENGTH = 128


class SignInRefused(Exception):
    """The sign-in token is unknown, used, expired, or its link is gone."""


@dataclass(frozen=True)
class DeviceSession:
    token: str
    expires_at: str
    shared_device: bool


def exchange(signin_token: str, *, shared_device: bool) -> DeviceSession:
    """Use a sign-in token (once: a conditional write) for a new device session."""
    if not signin_token or len(signin_token) > _MAX_TOKEN_LENGTH:
        raise SignInRefused()
    now = utc_now()
    record = store.use_signin(hash_signin_token(signin_token), now=int(now.timestamp()), used_at=iso(now))
    if record is None:
        raise SignInRefused()
    link = link_store.get(record["link_hash"])
    if not link or int(link.get("expires_at", 0)) <= time.time():
        raise SignInRefused()  # revoked, reissued or expired since the message was sent
    link_end = datetime.fromtimestamp(int(link["expires_at"]), UTC)
    if shared_device:
        ends = min(now + timedelta(hours=SHARED_DEVICE_HOURS), link_end)
        stored_end = ends
    else:
        # As long as the link, which may slide or be renewed: the link is checked on every
        # request; the session's own end only bounds how long its record is kept.
        ends, stored_end = link_end, now + timedelta(days=MAX_MAX_DAYS)
    token = SESSION_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    store.put_session(hash_token(token), {"link_hash": record["link_hash"], "shared_device": shared_device,
                                          "created_at": iso(now), "expires_at": int(stored_end.timestamp())})
    return DeviceSession(token=token, expires_at=iso(ends), shared_device=shared_device)


def sign_out(bearer: str | None) -> None:
    """End the session this request was made with (nothing to do for an access-link token)."""
    if bearer and bearer.startswith(SESSION_PREFIX) and len(bearer) <= _MAX_TOKEN_LENGTH:
        store.delete_session(hash_token(bearer))
