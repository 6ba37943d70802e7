"""Client access links: a random token in the URL fragment, stored only as a hash."""
from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from chalicelib.config import get_settings
from chalicelib.fields import iso, utc_now
from chalicelib.identity.principals import ClientPrincipal
from chalicelib.store import links as link_store

TOKEN_BYTES = 32  # 256 random bits
_MAX_TOKEN_LENGTH = 128


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(token: str) -> str:
    # The fragment never reaches a server log or a Referer header.
    return f"{get_settings().web_client_url}#token={token}"


def issue_link(profile: dict, *, ttl_days: int | None = None) -> tuple[str, dict, dict]:
    """Issue a new link for `profile`, revoking the previous one.

    Returns (token, link record, updated profile). The token is shown once and never stored.
    """
    token = secrets.token_urlsafe(TOKEN_BYTES)
    days = ttl_days or get_settings().link_ttl_days
    now = utc_now()
    expires = now + timedelta(days=days)
    record = {
        "client_id": profile["client_id"],
        "practice_id": profile["practice_id"],
        "created_at": iso(now),
        "expires_at": int(expires.timestamp()),
    }
    updated = link_store.issue(profile, hash_token(token), record)
    return token, record, updated


def revoke_link(profile: dict) -> dict:
    return link_store.revoke(profile)


def authenticate_client(token: str) -> ClientPrincipal | None:
    """The client a link token opens, or None if unknown, revoked or expired."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    record = link_store.get(hash_token(token))
    # TTL deletion is lazy (and absent locally): expiry is always checked on read.
    if not record or int(record.get("expires_at", 0)) <= time.time():
        return None
    return ClientPrincipal(client_id=record["client_id"], practice_id=record["practice_id"])
