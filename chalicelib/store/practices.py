"""Practices and clinician memberships."""
from __future__ import annotations

from typing import Any

from chalicelib.store import keys, table


def put_practice(practice_id: str, attributes: dict[str, Any]) -> dict[str, Any]:
    item = {**keys.practice(practice_id).as_dict(), "practice_id": practice_id, **attributes}
    table.put(item, condition="attribute_not_exists(pk)")
    return item


def get_practice(practice_id: str, *, consistent: bool = False) -> dict[str, Any] | None:
    return table.get(keys.practice(practice_id).as_dict(), consistent=consistent)


def update_practice(practice_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Set attributes of an existing practice; the practice as written (ConditionFailed if none)."""
    return table.update(keys.practice(practice_id).as_dict(), set=changes, condition="attribute_exists(pk)",
                        return_item=True)


def put_membership(sub: str, practice_id: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """Create a membership; a Cognito user belongs to exactly one practice."""
    index_pk, _ = keys.practice_members_index(practice_id)
    item = {
        **keys.membership(sub).as_dict(),
        "gsi1pk": index_pk,
        "gsi1sk": keys.member_index_sort(sub),
        "sub": sub,
        "practice_id": practice_id,
        **attributes,
    }
    table.put(item, condition="attribute_not_exists(pk)")
    return item


def get_membership(sub: str) -> dict[str, Any] | None:
    return table.get(keys.membership(sub).as_dict())


def list_members(practice_id: str, *, limit: int, next_token: str | None) -> table.Page:
    index_pk, prefix = keys.practice_members_index(practice_id)
    return table.query(index_pk, index="gsi1", sk_prefix=prefix, limit=limit, next_token=next_token)


def set_membership_status(sub: str, status: str, expected: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """Move a membership from status `expected` to `status` (ConditionFailed if it was not `expected`)."""
    item = {**(get_membership(sub) or {}), **attributes, "status": status}
    table.put(item, condition="attribute_exists(pk) AND #s = :expected", names={"#s": "status"},
              values={":expected": expected})
    return item
