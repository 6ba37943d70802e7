"""Client access links, stored by the hash of their token only."""
from __future__ import annotations

from typing import Any

from chalicelib.store import clients, keys, table


def issue(profile: dict[str, Any], token_hash: str, link: dict[str, Any]) -> dict[str, Any]:
    """Store a new link and revoke the client's previous one, atomically.

    `profile` is the client as read (its version guards against a concurrent change).
    Returns the updated profile.
    """
    actions = []
    if profile.get("link_hash"):
        actions.append(table.delete_action(keys.access_link(profile["link_hash"]).as_dict()))
    actions.append(table.put_action({**keys.access_link(token_hash).as_dict(), **link},
                                    condition="attribute_not_exists(pk)"))
    saves, updated = clients.save_actions({**profile, "link_hash": token_hash,
                                           "link_expires_at": link["expires_at"]})
    table.transact(actions + saves)
    return updated


def revoke(profile: dict[str, Any]) -> dict[str, Any]:
    """Remove the client's current link. Returns the updated profile."""
    if not profile.get("link_hash"):
        return profile
    saves, updated = clients.save_actions({**profile, "link_hash": None, "link_expires_at": None})
    table.transact([table.delete_action(keys.access_link(profile["link_hash"]).as_dict()), *saves])
    return updated


def extend(profile: dict[str, Any], token_hash: str, old_expires_at: int, new_expires_at: int,
           link_extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Move the current link's end to `new_expires_at`, in the link and the profile at once.

    The link must still be the profile's and still end at `old_expires_at` (a concurrent
    renewal or slide wins; ConditionFailed). Returns the updated profile.
    """
    link_key = keys.access_link(token_hash).as_dict()
    current = table.get(link_key, consistent=True)
    if not current or int(current.get("expires_at", 0)) != old_expires_at:
        raise table.ConditionFailed("the link changed")
    saves, updated = clients.save_actions({**profile, "link_expires_at": new_expires_at})
    link = table.put_action({**current, "expires_at": new_expires_at, **(link_extra or {})},
                            condition="attribute_exists(pk) AND expires_at = :old", values={":old": old_expires_at})
    table.transact([link, *saves])
    return updated


def get(token_hash: str) -> dict[str, Any] | None:
    return table.get(keys.access_link(token_hash).as_dict())


def erase_client(client_id: str) -> None:
    """Delete the client's access link (found through the profile, which erasure keeps till last)."""
    profile = clients.get(client_id, consistent=True)
    if profile and profile.get("link_hash"):
        table.delete(keys.access_link(profile["link_hash"]).as_dict())
