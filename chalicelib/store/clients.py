"""Clients: profiles and caseloads."""
from __future__ import annotations

from typing import Any, overload

from chalicelib.store import keys, table

PROFILE_FIELDS_EXCLUDED = {"pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "gsi4pk",
                           "gsi4sk"}


def is_discharged(profile: dict[str, Any]) -> bool:
    return profile.get("status") == "discharged"


def _with_keys(profile: dict[str, Any]) -> dict[str, Any]:
    client_id = profile["client_id"]
    caseload, practice = keys.client_list_partitions(profile)
    # Discharged: the profile waits in the retention index (gsi3) until its erasure is due.
    retention = ({"gsi3pk": keys.RETENTION_INDEX,
                  "gsi3sk": keys.retention_index_sort(profile["erase_after"], client_id)}
                 if is_discharged(profile) and profile.get("erase_after") else {})
    return {
        **profile,
        **keys.client_profile(client_id).as_dict(),
        "gsi1pk": caseload,
        "gsi1sk": keys.client_index_sort(client_id),
        "gsi2pk": practice,
        "gsi2sk": keys.client_index_sort(client_id),
        **retention,
        **keys.review_feed_keys(client_id, keys.review_feed_always("profile")),
    }


@overload
def _strip(item: dict[str, Any]) -> dict[str, Any]: ...
@overload
def _strip(item: None) -> None: ...
@overload
def _strip(item: dict[str, Any] | None) -> dict[str, Any] | None: ...
def _strip(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {k: v for k, v in item.items() if k not in PROFILE_FIELDS_EXCLUDED}


def _put(profile: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
    """Write the profile, and its contact lookups in the same transaction when they change."""
    from chalicelib.store import contacts

    synced, lookups = contacts.sync(profile)
    if not lookups:
        return _strip(table.put_versioned(_with_keys(synced), expected_version))
    action, written = table.versioned_put_action(_with_keys(synced), expected_version)
    table.transact([action, *lookups])
    return _strip(written)


def _save_actions(profile: dict[str, Any], expected_version: int | None) -> tuple[list[dict[str, Any]],
                                                                                  dict[str, Any]]:
    from chalicelib.store import contacts

    synced, lookups = contacts.sync(profile)
    action, written = table.versioned_put_action(_with_keys(synced), expected_version)
    return [action, *lookups], _strip(written)


def create(profile: dict[str, Any]) -> dict[str, Any]:
    return _put(profile, None)


def get(client_id: str, *, consistent: bool = False) -> dict[str, Any] | None:
    return _strip(table.get(keys.client_profile(client_id).as_dict(), consistent=consistent))


def save(profile: dict[str, Any]) -> dict[str, Any]:
    """Write a changed profile if nobody else changed it since it was read."""
    return _put(profile, profile["version"])


def get_stats(client_id: str) -> dict[str, Any] | None:
    return _strip(table.get(keys.client_stats(client_id).as_dict(), consistent=True))


def save_with_stats(profile: dict[str, Any]) -> dict[str, Any]:
    """Save a profile whose clinician changed, moving its STATS item and its open alerts
    along in the indexes, so the new clinician sees them."""
    from chalicelib.store.homework import alert_item, stats_put_action, strip

    actions, written = save_actions(profile)
    stats = get_stats(profile["client_id"])
    if stats is not None:
        actions.append(stats_put_action(profile, stats)[0])
    open_alerts = [a for a in table.query_all(keys.client_partition(profile["client_id"]), sk_prefix=keys.ALERT_PREFIX,
                                              consistent=True) if a.get("status") == "open"]
    for alert in open_alerts:
        actions.append(table.put_action(alert_item({**strip(alert), "clinician_id": profile["clinician_id"]}),
                                        condition="#s = :open", names={"#s": "status"}, values={":open": "open"}))
    table.transact(actions)
    return written


def save_actions(profile: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """`save` as transaction actions (the profile, then any change to its contact lookups):
    (actions, the profile as it will be stored)."""
    return _save_actions(profile, profile["version"])


def save_action(profile: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`save` as one transaction action, for a change that leaves email and phone alone
    (the contact lookups stay as they are; use `save_actions` otherwise)."""
    action, written = table.versioned_put_action(_with_keys(profile), profile["version"])
    return action, _strip(written)


def _paired(index: str, partition: str, limit: int, next_token: str | None) -> table.Page:
    """Profiles with their STATS item (adjacent in the index), `limit` clients a page, in
    one Query: items come as [profile, stats, profile, stats, ...]."""
    page = table.query(partition, index=index, sk_prefix=keys.CLIENT_INDEX_PREFIX, limit=limit * 2 + 1,
                       next_token=next_token)
    pairs: list[dict[str, Any]] = []
    last_taken: dict[str, Any] | None = None
    more = page.next_token is not None
    for item in page.items:
        if keys.is_client_stats(item):
            if pairs and pairs[-1]["client_id"] == item["client_id"]:
                pairs[-1]["stats"] = _strip(item)
                last_taken = item
            continue
        if len(pairs) == limit:
            more = True
            break
        pairs.append({**_strip(item), "stats": None})
        last_taken = item
    token = table.page_token_for(last_taken, index) if more and last_taken else None
    return table.Page(pairs, token)


def list_caseload(clinician_id: str, *, limit: int, next_token: str | None,
                  discharged: bool = False) -> table.Page:
    index = keys.discharged_caseload_index if discharged else keys.caseload_index
    return _paired("gsi1", index(clinician_id), limit, next_token)


def list_practice(practice_id: str, *, limit: int, next_token: str | None,
                  discharged: bool = False) -> table.Page:
    index = keys.discharged_practice_clients_index if discharged else keys.practice_clients_index
    return _paired("gsi2", index(practice_id), limit, next_token)


def due_for_erasure(until_iso: str, *, page_size: int = 25):
    """Pages of discharged profiles whose retention ended by `until_iso`, oldest first (no Scan)."""
    for page in table.query_pages(keys.RETENTION_INDEX, index="gsi3",
                                  sk_at_most=keys.retention_index_sort_until(until_iso), page_size=page_size):
        yield [_strip(item) for item in page]


def erase_profile(client_id: str) -> None:
    """Delete the profile: erasure's last step (see chalicelib/clients/erasure.py), because
    the profile is what lets a repeated erasure find the client and finish the job."""
    from chalicelib.store import contacts

    profile = get(client_id, consistent=True)
    if profile is not None:
        contacts.erase(profile)
    table.delete(keys.client_profile(client_id).as_dict())
