"""Assignment plans: one item per assignment, beside it in the client's partition, and
in the client's review feed (gsi4) for as long as its assignment is."""
from __future__ import annotations

from typing import Any

from chalicelib.store import keys, table
from chalicelib.store.homework import strip


def key(client_id: str, assignment_ulid: str) -> keys.Key:
    return keys.plan(client_id, assignment_ulid)


def feed_sort(assignment_ulid: str, cancelled_at: str | None = None) -> str:
    """Every review shows the plan of a live assignment; once cancelled, only reviews since then."""
    if cancelled_at:
        return keys.review_feed_at(cancelled_at, "plan", assignment_ulid)
    return keys.review_feed_always("plan", assignment_ulid)


def item(plan: dict[str, Any], cancelled_at: str | None = None) -> dict[str, Any]:
    client_id = plan["client_id"]
    ulid = keys.child_parts(plan["assignment_id"])[1]
    return {**key(client_id, ulid).as_dict(), **plan,
            **keys.review_feed_keys(client_id, feed_sort(ulid, cancelled_at))}


def put_action(plan: dict[str, Any], cancelled_at: str | None = None) -> dict[str, Any]:
    """A transact Put of `plan` (its `version` already the new one): new when version 1, else
    only over the version before it (ConditionFailed otherwise)."""
    action, _ = table.versioned_put_action(item(plan, cancelled_at), (plan["version"] - 1) or None)
    return action


def refeed_action(plan: dict[str, Any], cancelled_at: str) -> dict[str, Any]:
    """A transact Put of `plan` unchanged (same version) but placed in the review feed at
    `cancelled_at`, only over the version read (ConditionFailed otherwise)."""
    return table.put_action(item(plan, cancelled_at), condition="#v = :v", names={"#v": "version"},
                            values={":v": plan["version"]})


def put(plan: dict[str, Any]) -> None:
    table.transact([put_action(plan)])


def get_many(wanted: list[keys.Key], *, consistent: bool = True) -> dict[keys.Key, dict[str, Any]]:
    """The plan and whatever else a plan route reads (assignment, profile, practice) in one
    BatchGet, by key and without key attributes; missing items are absent."""
    found = table.batch_get([k.as_dict() for k in wanted], consistent=consistent)
    return {keys.Key(i["pk"], i["sk"]): strip(i) for i in found}
