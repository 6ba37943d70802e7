"""Reminders in the table: each assignment's next-reminder item and the due-index (gsi3),
send records that make each send happen once, the sweep's checkpoint, push devices,
clients' delivery status and clinicians' notification settings.

The due-index is sparse: only a reminder item with a pending send (or a risk alert
whose clinician has not been told yet) carries gsi3 keys. Its partitions are 5-minute
buckets of UTC time, split into SHARDS so no partition is hot; the sweep reads the
buckets that have come due and nothing else.
"""
from __future__ import annotations

import zlib
from datetime import datetime, timedelta, UTC
from typing import Any
from collections.abc import Iterator

from chalicelib.fields import iso
from chalicelib.store import keys, table

BUCKET = timedelta(minutes=5)
SHARDS = 4
INDEX = "gsi3"
SEND_RECORD_TTL = timedelta(days=90)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


# -- due-index geometry ---------------------------------------------------------------

def bucket_start(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return moment - ((moment - _EPOCH) % BUCKET)


def bucket_name(start: datetime) -> str:
    return start.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def parse_bucket(name: str) -> datetime:
    return datetime.strptime(name, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)


def shard_of(client_id: str, own_id: str) -> int:
    return zlib.crc32(f"{client_id}/{own_id}".encode()) % SHARDS


def due_keys(send_at: datetime, now: datetime, client_id: str, own_id: str) -> dict[str, str]:
    """gsi3 attributes of something due at `send_at`. It is filed under the bucket of the
    later of `send_at` and `now`, so an item written late never lands in a bucket the
    sweep has already finished."""
    bucket = bucket_name(bucket_start(max(send_at, now)))
    return {"gsi3pk": keys.due_index(bucket, shard_of(client_id, own_id)),
            "gsi3sk": keys.due_index_sort(iso(send_at), client_id, own_id)}


# -- reminder items -----------------------------------------------------------------------

def reminder_item(*, client_id: str, assignment_ulid: str, planned: Any | None, last_sent: dict | None,
                  now: datetime, rev: str) -> dict[str, Any]:
    """The item for an assignment's next reminder (`planned`), or an idle one (no gsi3 keys)."""
    item: dict[str, Any] = {
        **keys.reminder(client_id, assignment_ulid).as_dict(),
        "kind": "reminder", "client_id": client_id, "assignment_id": keys.child_id(client_id, assignment_ulid),
        "rev": rev, "updated_at": iso(now), "last_sent": last_sent,
    }
    if planned is not None:
        item.update({"state": "pending", "occurrence_id": planned.occurrence_id, "number": planned.number,
                     "send_at": iso(planned.send_at),
                     **due_keys(planned.send_at, now, client_id, assignment_ulid)})
    else:
        item["state"] = "idle"
    return item


def put_action(item: dict[str, Any]) -> dict[str, Any]:
    return table.put_action(item)


def replace_if_unchanged(item: dict[str, Any], expected_rev: str) -> bool:
    """The sweep moves a reminder on only if no write path replaced it meanwhile."""
    try:
        table.put(item, condition="#rev = :rev", names={"#rev": "rev"}, values={":rev": expected_rev})
    except table.ConditionFailed:
        return False
    return True


def query_due(bucket: str, shard: int, until_iso: str, page_size: int = 200) -> Iterator[list[dict[str, Any]]]:
    """Pages of due-index entries in one bucket and shard, due at or before `until_iso`."""
    yield from table.query_pages(keys.due_index(bucket, shard), index=INDEX,
                                 sk_at_most=keys.due_index_sort_until(until_iso), page_size=page_size)


def get_consistent(item_keys: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Strongly consistent BatchGet (the due-index is eventually consistent; the table decides)."""
    return {(item["pk"], item["sk"]): item for item in table.batch_get(item_keys, consistent=True)}


# -- send records: each (occurrence, channel, number) once ------------------------------------

def claim(key: keys.Key, now: datetime, *, stale_after: timedelta, detail: dict[str, Any]) -> bool:
    """Take the right to send. False if it was sent, failed for good, or another sweep is
    sending it now. A claim left by a sweep that died mid-send is taken over once stale."""
    item = {**key.as_dict(), **detail, "state": "sending", "claimed_at": iso(now),
            "expires_at": int((now + SEND_RECORD_TTL).timestamp())}
    try:
        table.put(item, condition="attribute_not_exists(pk) OR (#s = :sending AND claimed_at < :stale) "
                                  "OR #s = :retry",
                  names={"#s": "state"},
                  values={":sending": "sending", ":retry": "retry", ":stale": iso(now - stale_after)})
    except table.ConditionFailed:
        return False
    return True


def finish(key: keys.Key, now: datetime, *, state: str, detail: dict[str, Any]) -> None:
    """Record the outcome: sent, failed (permanent) or retry (transient; a later sweep may claim it)."""
    table.update(key.as_dict(), set={"state": state, "finished_at": iso(now), **detail})


def get_record(key: keys.Key) -> dict[str, Any] | None:
    return table.get(key.as_dict(), consistent=True)


# -- the sweep's checkpoint -------------------------------------------------------------------

def get_checkpoints() -> dict[str, Any]:
    """The sweep's checkpoints: `reminders` (last finished bucket), `digest` (last hour done)."""
    return table.get(keys.sweep_checkpoint().as_dict(), consistent=True) or {}


def advance_checkpoint(value: str, name: str = "reminders") -> None:
    """Move a checkpoint forward only (two overlapping sweeps never move it back)."""
    try:
        table.update(keys.sweep_checkpoint().as_dict(), set={name: value},
                     condition="attribute_not_exists(#c) OR #c < :v", names={"#c": name}, values={":v": value})
    except table.ConditionFailed:
        pass


# -- clients: delivery status, devices ----------------------------------------------------------

def set_delivery_status(client_id: str, channel: str, status: dict[str, Any] | None) -> None:
    """Record a channel's delivery status on the profile, bumping its version so a
    concurrent profile edit re-reads instead of overwriting it."""
    field = f"delivery_{channel}"
    try:
        table.update(keys.client_profile(client_id).as_dict(),
                     set={field: status} if status is not None else None,
                     remove=() if status is not None else (field,),
                     add={"version": 1}, condition="attribute_exists(pk)")
    except table.ConditionFailed:  # the client was erased meanwhile
        pass


def put_device(client_id: str, token_hash: str, device: dict[str, Any]) -> dict[str, Any]:
    item = {**keys.device(client_id, token_hash).as_dict(), **device}
    table.put(item)
    return item


def list_devices(client_id: str, *, include_disabled: bool = False) -> list[dict[str, Any]]:
    return [d for d in table.query_all(keys.client_partition(client_id), sk_prefix=keys.DEVICE_PREFIX,
                                       consistent=include_disabled)
            if include_disabled or not d.get("disabled_at")]


def delete_device(device: dict[str, Any]) -> None:
    table.delete({"pk": device["pk"], "sk": device["sk"]})


def disable_device(device: dict[str, Any], now: datetime) -> None:
    """The sweep deletes nothing: a dead endpoint is marked and expires through TTL."""
    table.put({**device, "disabled_at": iso(now), "expires_at": int((now + timedelta(days=7)).timestamp())})


# -- risk alerts waiting for their clinician notification ------------------------------------------

def alert_due_keys(alert: dict[str, Any], now: datetime) -> dict[str, str]:
    ulid = keys.child_parts(alert["alert_id"])[1]
    return due_keys(now, now, alert["client_id"], f"ALERT{ulid}")


def alert_notified(alert_item: dict[str, Any]) -> None:
    """Take a risk alert out of the due-index once its clinician has been told."""
    try:
        table.update({"pk": alert_item["pk"], "sk": alert_item["sk"]}, set={"notified": True},
                     remove=("gsi3pk", "gsi3sk"), condition="attribute_exists(pk)")
    except table.ConditionFailed:
        pass


# -- risk answers waiting unsent in a draft (chalicelib/homework/draft_risk.py) ----------------------

def draft_risk_fields(marker: dict[str, Any], client_id: str, assignment_ulid: str, now: datetime) -> dict[str, Any]:
    """A draft's due-index attributes while a risk answer waits in it (none otherwise, so a
    save without one takes the draft out of the index)."""
    if not marker.get("risk_due_at"):
        return {}
    due_at = datetime.fromisoformat(marker["risk_due_at"].replace("Z", "+00:00"))
    return {**marker, "kind": "draft_risk", "client_id": client_id,
            **due_keys(due_at, now, client_id, f"DRAFTRISK{assignment_ulid}")}


def draft_risk_done(draft: dict[str, Any]) -> None:
    """Take a draft out of the due-index (its risk answers were alerted, or are gone), unless
    the client saved it again meanwhile (that save decided afresh)."""
    try:
        table.update({"pk": draft["pk"], "sk": draft["sk"]},
                     remove=("gsi3pk", "gsi3sk", "kind", "risk_since", "risk_due_at", "leased_until", "rev"),
                     condition="#v = :v", names={"#v": "version"}, values={":v": draft["version"]})
    except table.ConditionFailed:
        pass


# -- clinicians: notification settings and the daily digest ------------------------------------------

def update_clinician_notifications(sub: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Set phone / digest / timezone on a membership; digest subscribers sit in gsi3."""
    sets = {name: value for name, value in changes.items() if value is not None}
    removes = [name for name, value in changes.items() if value is None]
    if "digest" in changes:
        if changes["digest"]:
            sets.update(gsi3pk=keys.DIGEST_SUBSCRIBERS_INDEX, gsi3sk=sub)
        else:
            removes += ["gsi3pk", "gsi3sk"]
    return table.update(keys.membership(sub).as_dict(), set=sets, remove=removes,
                        condition="attribute_exists(pk)", return_item=True)


def digest_subscribers() -> Iterator[dict[str, Any]]:
    yield from table.query_all(keys.DIGEST_SUBSCRIBERS_INDEX, index=INDEX)


def lease(entry: dict[str, Any], *, until: datetime, now: datetime, rev: str) -> bool:
    """Take a due entry for this sweep by moving it to the bucket of `until`: an
    overlapping sweep finds it gone, and if this sweep dies it comes due again then."""
    client_id = entry["client_id"]
    target = due_keys(until, now, client_id, keys.due_index_own_id(entry["gsi3sk"]))
    try:
        table.update({"pk": entry["pk"], "sk": entry["sk"]},
                     set={"gsi3pk": target["gsi3pk"], "rev": rev, "leased_until": iso(until)},
                     condition="gsi3pk = :pk AND gsi3sk = :sk",
                     values={":pk": entry["gsi3pk"], ":sk": entry["gsi3sk"]})
    except table.ConditionFailed:
        return False
    return True
