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
        "ttl_days": days,
    }
    updated = link_store.issue(profile, hash_token(token), record)
    return token, record, updated


def revoke_link(profile: dict) -> dict:
    return link_store.revoke(profile)


SESSION_PREFIX = "s."  # device-session tokens; "." never appears in a link token (base64url)
SOON = timedelta(days=7)  # a link ending within this is "expiring soon", and slides when used
DEFAULT_MAX_DAYS = 180
MIN_MAX_DAYS, MAX_MAX_DAYS = 7, 365


def link_limits(practice: dict | None) -> tuple[int, int]:
    """(days a renewal or slide adds, the most days a link may live from its issue) for a practice."""
    settings_ttl = get_settings().link_ttl_days
    ttl = (practice or {}).get("link_ttl_days") or settings_ttl
    maximum = (practice or {}).get("link_max_days") or DEFAULT_MAX_DAYS
    return int(ttl), max(MIN_MAX_DAYS, min(MAX_MAX_DAYS, int(maximum)))


def expires_soon(expires_at: int, now: float) -> bool:
    return now < expires_at <= now + SOON.total_seconds()


def authenticate_client(token: str) -> ClientPrincipal | None:
    """The client an access-link token or a device-session token opens, or None if it is
    unknown, revoked or expired. A session is only as good as its link: the link is read
    on every request (one GetItem each)."""
    from chalicelib.store import signin as signin_store

    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    now = time.time()
    if token.startswith(SESSION_PREFIX):
        session = signin_store.get_session(hash_token(token))
        if not session or int(session.get("expires_at", 0)) <= now:
            return None
        link_hash = session["link_hash"]
    else:
        link_hash = hash_token(token)
    record = link_store.get(link_hash)
    # TTL deletion is lazy (and absent locally): expiry is always checked on read.
    if not record or int(record.get("expires_at", 0)) <= now:
        return None
    if expires_soon(int(record["expires_at"]), now) and _slides(record):
        _slide(link_hash, record)
    return ClientPrincipal(client_id=record["client_id"], practice_id=record["practice_id"])


def _slides(record: dict) -> bool:
    """Only a link issued for longer than the "expiring soon" window slides: a short link a
    clinician chose on purpose ends when it says."""
    ttl = record.get("ttl_days")
    if ttl is None:  # a link from before `ttl_days` was recorded: its length as issued
        from datetime import datetime

        try:
            ttl = (int(record["expires_at"]) - datetime.fromisoformat(record["created_at"]).timestamp()) / 86400
        except (KeyError, ValueError):
            return False
    return float(ttl) > SOON.days


def _slide(link_hash: str, record: dict) -> None:
    """A link in use near its end moves forward by the practice's ttl, within its maximum:
    at most one write a day. Never fails the request it rides on."""
    from chalicelib.observability import logger
    from chalicelib.store import clients as client_store
    from chalicelib.store import practices as practice_store
    from chalicelib.store.table import ConditionFailed

    today = utc_now().date().isoformat()
    if record.get("slid_on") == today:
        return
    try:
        profile = client_store.get(record["client_id"], consistent=True)
        if not profile or profile.get("link_hash") != link_hash:
            return
        practice = practice_store.get_practice(record["practice_id"])
        old = int(record["expires_at"])
        new = _extended(record, old, practice)
        link_store.extend(profile, link_hash, old, max(new, old), link_extra={"slid_on": today})
    except ConditionFailed:
        pass  # renewed, slid or reissued meanwhile: theirs stands
    except Exception as error:  # noqa: BLE001 - sliding is a courtesy to the client, never a failed request
        logger.warning("access link not slid", extra={"error_type": type(error).__name__})


def _extended(record: dict, old: int, practice: dict | None) -> int:
    """The link's end moved forward by the ttl, but never past its maximum from issue."""
    from datetime import datetime

    ttl_days, max_days = link_limits(practice)
    created = datetime.fromisoformat(record["created_at"]).timestamp()
    return int(min(old + ttl_days * 86400, created + max_days * 86400))


def renew_link(profile: dict) -> tuple[dict, bool]:
    """Extend the client's current, unexpired link (same token) by the practice's ttl within
    its maximum. Returns (updated profile, whether the end moved). ValueError: no live link."""
    from chalicelib.store import practices as practice_store

    link_hash = profile.get("link_hash")
    record = link_store.get(link_hash) if link_hash else None
    if not link_hash or not record or int(record.get("expires_at", 0)) <= time.time():
        raise ValueError("no live link")
    old = int(record["expires_at"])
    new = _extended(record, old, practice_store.get_practice(profile["practice_id"]))
    if new <= old:
        return profile, False
    return link_store.extend(profile, link_hash, old, new), True
