"""A client's review feed (gsi4): everything the next-session review shows, in one Query.

Items that every review shows sort under "~KIND#id" (profile, summary, assignments, plans,
open alerts); dated ones under "<iso time>#KIND#id" (submissions, notes, acknowledged alerts,
earlier review marks). "~" sorts after every ISO time, so `gsi4sk >= since` is the whole
review since `since`, and no condition at all is the whole feed.
"""
from __future__ import annotations

from typing import Any

from chalicelib.store import keys, table

_KEY_FIELDS = {"pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "gsi4pk", "gsi4sk"}


def read(client_id: str, since_iso: str | None) -> dict[str, list[dict[str, Any]]]:
    """The feed since `since_iso` (all of it when None), by KIND in lower case ("profile",
    "stats", "assignment", "plan", "submission", "alert", "note", "sessionreview"), key
    attributes removed, each kind in sort-key order.

    One Query; a second page is read only when DynamoDB stops at 1 MB, which takes years of
    daily homework since the last review.
    """
    feed: dict[str, list[dict[str, Any]]] = {}
    for item in table.query_all(keys.review_feed_index(client_id), index="gsi4", sk_from=since_iso):
        kind = keys.review_feed_kind(item["gsi4sk"]).lower()
        feed.setdefault(kind, []).append({k: v for k, v in item.items() if k not in _KEY_FIELDS})
    return feed


def session_review_put_action(mark: dict[str, Any]) -> dict[str, Any]:
    """A session review marked done, in its client's partition and feed (at the time it was marked)."""
    client_id = mark["client_id"]
    review_ulid = keys.child_parts(mark["review_id"])[1]
    item = {**keys.session_review(client_id, review_ulid).as_dict(), **mark,
            **keys.review_feed_keys(client_id, keys.review_feed_at(mark["reviewed_at"], "sessionreview",
                                                                   review_ulid))}
    return table.put_action(item, condition="attribute_not_exists(pk)")
