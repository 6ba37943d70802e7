"""Sign-in tokens and device sessions, stored by the hash of their token only.

Both are bound to the hash of the access link they came from: a request checks that the
link still exists, so revoking or reissuing the link ends them. `expires_at` is the
table's TTL attribute (deleted lazily by DynamoDB; expiry is always checked on read).
"""
from __future__ import annotations

from typing import Any

from chalicelib.store import keys, table


def put_signin(token_hash: str, record: dict[str, Any]) -> None:
    table.put({**keys.signin_token(token_hash).as_dict(), **record}, condition="attribute_not_exists(pk)")


def use_signin(token_hash: str, *, now: int, used_at: str) -> dict[str, Any] | None:
    """Mark a sign-in token used, once: the record, or None if it is unknown, used or expired."""
    try:
        return table.update(keys.signin_token(token_hash).as_dict(), set={"used_at": used_at},
                            condition="attribute_exists(pk) AND attribute_not_exists(used_at) AND expires_at > :now",
                            values={":now": now}, return_item=True)
    except table.ConditionFailed:
        return None


def put_session(token_hash: str, record: dict[str, Any]) -> None:
    table.put({**keys.device_session(token_hash).as_dict(), **record}, condition="attribute_not_exists(pk)")


def get_session(token_hash: str) -> dict[str, Any] | None:
    return table.get(keys.device_session(token_hash).as_dict())


def delete_session(token_hash: str) -> None:
    table.delete(keys.device_session(token_hash).as_dict())
