"""The link a reminder or notice carries: the client page with a fresh sign-in token.

`web_client_url#signin=<token>`: a random token per message, valid 72 hours, good for
one exchange (POST /v1/client/session) for a device session, stored only as its hash
and bound to the client's current access link, so it dies with that link. A mailbox
therefore never holds a long-lived secret. A client without a live access link gets
the plain page address (the page offers "Lost your link?").
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from chalicelib.config import get_settings
from chalicelib.fields import iso, utc_now

SIGNIN_TTL = timedelta(hours=72)
TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signin_url(profile: dict[str, Any], now: datetime | None = None) -> str:
    """A one-use sign-in link for the client's current access link, or the page itself."""
    from chalicelib.store import signin as store

    now = now or utc_now()
    base = get_settings().web_client_url
    link_hash = profile.get("link_hash")
    if not link_hash or int(profile.get("link_expires_at") or 0) <= now.timestamp():
        return base
    token = secrets.token_urlsafe(TOKEN_BYTES)
    store.put_signin(hash_token(token), {"link_hash": link_hash, "created_at": iso(now),
                                         "expires_at": int((now + SIGNIN_TTL).timestamp())})
    # The fragment never reaches a server log or a Referer header.
    return f"{base}#signin={token}"
