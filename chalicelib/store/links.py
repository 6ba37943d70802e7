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
    save, updated = clients.save_action({**profile, "link_hash": token_hash,
                                         "link_expires_at": link["expires_at"]})
    actions.append(save)
    table.transact(actions)
    return updated


def revoke(profile: dict[str, Any]) -> dict[str, Any]:
    """Remove the client's current link. Returns the updated profile."""
    if not profile.get("link_hash"):
        return profile
    save, updated = clients.save_action({**profile, "link_hash": None, "link_expires_at": None})
    table.transact([table.delete_action(keys.access_link(profile["link_hash"]).as_dict()), save])
    return updated


def get(token_hash: str) -> dict[str, Any] | None:
    return table.get(keys.access_link(token_hash).as_dict())


def erase_client(client_id: str) -> None:
    """Delete the client's access link (found through the profile, which erasure keeps till last)."""
    profile = clients.get(client_id, consistent=True)
    if profile and profile.get("link_hash"):
        table.delete(keys.access_link(profile["link_hash"]).as_dict())
