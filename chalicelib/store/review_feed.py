"""A client's review feed (gsi4): everything the next-session review shows, in one Query.

Items that every review shows sort under "~KIND#id" (profile, summary, assignments, plans,
open alerts); dated ones under "<iso time>#KIND#id" (submissions, notes, acknowledged alerts,
earlier review marks). "~" sorts after every ISO time, so `gsi4sk >= since` is the whole
review since `since`.
"""
from __future__ import annotations

from typing import Any

from chalicelib.store import keys, table

_KEY_FIELDS = {"pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "gsi4pk", "gsi4sk"}
Feed = dict[str, list[dict[str, Any]]]


def _add(feed: Feed, item: dict[str, Any]) -> None:
    kind = keys.review_feed_kind(item["gsi4sk"]).lower()
    feed.setdefault(kind, []).append({k: v for k, v in item.items() if k not in _KEY_FIELDS})


def read(client_id: str, since_iso: str, *, page_size: int | None = None) -> Feed:
    """The feed since `since_iso`, by KIND in lower case ("profile", "stats", "assignment", "plan",
    "submission", "alert", "note", "sessionreview"), key attributes removed.

    One Query; a second page only when DynamoDB stops at 1 MB (years of daily homework).
    """
    feed: Feed = {}
    for item in table.query_all(keys.review_feed_index(client_id), index="gsi4", sk_from=since_iso,
                                page_size=page_size):
        _add(feed, item)
    return feed


def read_since_last_review(client_id: str, *, page_size: int | None = None) -> tuple[Feed, str | None]:
    """The feed since the last review marked done (the summary's `session_reviewed_at`; all of it
    when there is none), and that time.

    Newest first: the "~" items (summary included) come before every dated one, then the dated
    ones from the newest back, so reading stops at the first page that reaches back past the last
    review; however long the client's history, that is one Query unless the review itself
    passes 1 MB.
    """
    feed: Feed = {}
    since: str | None = None
    for page in table.query_pages(keys.review_feed_index(client_id), index="gsi4", forward=False,
                                  page_size=page_size):
        reached = False
        for item in page:
            sort = item["gsi4sk"]
            if sort.startswith(keys.REVIEW_FEED_ALWAYS):
                if keys.is_client_stats(item):
                    since = item.get("session_reviewed_at")
            elif since is not None and sort < since:
                reached = True
                break
            _add(feed, item)
        if reached:
            break
    return feed, since


def session_review_put_action(mark: dict[str, Any]) -> dict[str, Any]:
    """A session review marked done, in its client's partition and feed (at the time it was marked)."""
    client_id = mark["client_id"]
    review_ulid = keys.child_parts(mark["review_id"])[1]
    item = {**keys.session_review(client_id, review_ulid).as_dict(), **mark,
            **keys.review_feed_keys(client_id, keys.review_feed_at(mark["reviewed_at"], "sessionreview",
                                                                   review_ulid))}
    return table.put_action(item, condition="attribute_not_exists(pk)")
