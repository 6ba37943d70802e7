"""The "lost your link?" lookup: one sparse item per email address or phone number of a
client, keyed by a keyed hash (HMAC with the signing secret) of the normalised contact,
so a client is found without a Scan and no address is stored in the key.

The lookup items are written, moved and deleted with the profile (store/clients.py);
the profile remembers their hashes (`contact_keys`) so a change knows what to delete.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache
from typing import Any

from chalicelib.store import keys, table

_PURPOSE = b"emotipal-contact-v1"
CONTACT_FIELDS = ("email", "phone")
PROFILE_ATTRIBUTE = "contact_keys"


def _email(value: str) -> str:
    return value.strip().lower()


def _phone(value: str) -> str:
    return ("+" if value.strip().startswith("+") else "") + re.sub(r"\D", "", value)


_NORMALISERS = {"email": _email, "phone": _phone}


def normalise(kind: str, value: str) -> str:
    """One spelling of an address: an email in lower case, a phone number as +digits."""
    return _NORMALISERS[kind](value)


def contact_hash(kind: str, value: str) -> str:
    """The keyed hash of a contact. Raises RuntimeError when no signing secret is configured."""
    from chalicelib.notifications.settings import signing_secret

    message = _PURPOSE + b"\0" + kind.encode() + b"\0" + normalise(kind, value).encode()
    return hmac.new(signing_secret(), message, hashlib.sha256).hexdigest()


def _wanted(profile: dict[str, Any]) -> list[str] | None:
    """The lookup hashes the profile should have (None: no signing secret here, leave them be)."""
    try:
        return sorted({contact_hash(kind, profile[kind]) for kind in CONTACT_FIELDS if profile.get(kind)})
    except RuntimeError:
        _warn_once()
        return None


@lru_cache(maxsize=1)
def _warn_once() -> None:
    from chalicelib.observability import logger

    logger.warning("contact lookups not written: no signing secret is configured")


def sync(profile: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(profile with its `contact_keys`, transaction actions that make the lookups match it)."""
    wanted = _wanted(profile)
    if wanted is None:
        return profile, []
    had = list(profile.get(PROFILE_ATTRIBUTE) or [])
    if had == wanted:
        return profile, []
    client_id = profile["client_id"]
    actions = [table.delete_action(keys.contact_lookup(h, client_id).as_dict()) for h in had if h not in wanted]
    actions += [table.put_action({**keys.contact_lookup(h, client_id).as_dict(), "client_id": client_id})
                for h in wanted if h not in had]
    return {**profile, PROFILE_ATTRIBUTE: wanted}, actions


def find(kind: str, value: str) -> list[str]:
    """Ids of the clients with this contact: one Query (or none without a signing secret)."""
    try:
        digest = contact_hash(kind, value)
    except RuntimeError:
        return []
    page = table.query(keys.contact_lookup_partition(digest), sk_prefix=keys.CLIENT_INDEX_PREFIX, limit=10)
    return [item["client_id"] for item in page.items]


def erase(profile: dict[str, Any]) -> None:
    """Delete the client's lookups (erasure)."""
    # With what its contacts would have, for a profile from before its lookups were recorded.
    for digest in sorted({*(profile.get(PROFILE_ATTRIBUTE) or []), *(_wanted(profile) or [])}):
        table.delete(keys.contact_lookup(digest, profile["client_id"]).as_dict())

