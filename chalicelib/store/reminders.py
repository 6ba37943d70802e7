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
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

from chalicelib.aws import client
from chalicelib.fields import iso
from chalicelib.store import keys, table

BUCKET = timedelta(minutes=5)
SHARDS = 4
INDEX = "gsi3"
SEND_RECORD_TTL = timedelta(days=90)
_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


# -- due-index geometry ---------------------------------------------------------------

def bucket_start(moment: datetime) -> datetime:
    moment = moment.astimezone(timezone.utc)
    return moment - ((moment - _EPOCH) % BUCKET)


def bucket_name(start: datetime) -> str:
    return start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def parse_bucket(name: str) -> datetime:
    return datetime.strptime(name, "%Y-%m-%dT%H:%MZ").replace(tzinfo=timezone.utc)


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
    start = None
    while True:
        kwargs: dict[str, Any] = {
            "TableName": table._table(), "IndexName": INDEX, "Limit": page_size,
            "KeyConditionExpression": "gsi3pk = :pk AND gsi3sk <= :until",
            "ExpressionAttributeValues": table.serialize({":pk": keys.due_index(bucket, shard),
                                                          ":until": until_iso + "#~"}),
        }
        if start:
            kwargs["ExclusiveStartKey"] = start
        response = client("dynamodb").query(**kwargs)
        items = [table.deserialize(i) for i in response.get("Items", [])]
        if items:
            yield items
        start = response.get("LastEvaluatedKey")
        if not start:
            return


def get_consistent(item_keys: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Strongly consistent BatchGet (the due-index is eventually consistent; the table decides)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    unique = list({(k["pk"], k["sk"]): k for k in item_keys}.values())
    name = table._table()
    for offset in range(0, len(unique), 100):
        request = {name: {"Keys": [table.serialize(k) for k in unique[offset:offset + 100]], "ConsistentRead": True}}
        for _ in range(8):
            response = client("dynamodb").batch_get_item(RequestItems=request)
            for raw in response.get("Responses", {}).get(name, []):
                item = table.deserialize(raw)
                found[(item["pk"], item["sk"])] = item
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
    return found


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
    names = {"#s": "state", "#at": "finished_at"}
    values: dict[str, Any] = {":state": state, ":at": iso(now)}
    sets = ["#s = :state", "#at = :at"]
    for n, (name, value) in enumerate(detail.items()):
        names[f"#d{n}"] = name
        values[f":d{n}"] = value
        sets.append(f"#d{n} = :d{n}")
    client("dynamodb").update_item(
        TableName=table._table(), Key=table.serialize(key.as_dict()), UpdateExpression="SET " + ", ".join(sets),
        ExpressionAttributeNames=names, ExpressionAttributeValues=table.serialize(values))


def get_record(key: keys.Key) -> dict[str, Any] | None:
    return table.get(key.as_dict(), consistent=True)


# -- the sweep's checkpoint -------------------------------------------------------------------

def get_checkpoints() -> dict[str, Any]:
    """The sweep's checkpoints: `reminders` (last finished bucket), `digest` (last hour done)."""
    return table.get(keys.sweep_checkpoint().as_dict(), consistent=True) or {}


def advance_checkpoint(value: str, name: str = "reminders") -> None:
    """Move a checkpoint forward only (two overlapping sweeps never move it back)."""
    from botocore.exceptions import ClientError

    try:
        client("dynamodb").update_item(
            TableName=table._table(), Key=table.serialize(keys.sweep_checkpoint().as_dict()),
            UpdateExpression="SET #c = :v", ConditionExpression="attribute_not_exists(#c) OR #c < :v",
            ExpressionAttributeNames={"#c": name}, ExpressionAttributeValues=table.serialize({":v": value}))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise


# -- clients: delivery status, devices ----------------------------------------------------------

def set_delivery_status(client_id: str, channel: str, status: dict[str, Any] | None) -> None:
    """Record a channel's delivery status on the profile, bumping its version so a
    concurrent profile edit re-reads instead of overwriting it."""
    from botocore.exceptions import ClientError

    expression = ("SET #d = :status, #v = #v + :one" if status is not None else "REMOVE #d SET #v = #v + :one")
    values: dict[str, Any] = {":one": 1}
    if status is not None:
        values[":status"] = status
    try:
        client("dynamodb").update_item(
            TableName=table._table(), Key=table.serialize(keys.client_profile(client_id).as_dict()),
            UpdateExpression=expression, ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames={"#d": f"delivery_{channel}", "#v": "version"},
            ExpressionAttributeValues=table.serialize(values))
    except ClientError as error:  # the client was erased meanwhile
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise


def put_device(client_id: str, token_hash: str, device: dict[str, Any]) -> dict[str, Any]:
    item = {**keys.device(client_id, token_hash).as_dict(), **device}
    table.put(item)
    return item


def list_devices(client_id: str, *, include_disabled: bool = False) -> list[dict[str, Any]]:
    return [d for d in table.query_all(keys.client_partition(client_id), sk_prefix=keys.DEVICE_PREFIX,
                                       consistent=include_disabled)
            if include_disabled or not d.get("disabled_at")]


def disable_device(device: dict[str, Any], now: datetime) -> None:
    """The sweep deletes nothing: a dead endpoint is marked and expires through TTL."""
    table.put({**device, "disabled_at": iso(now), "expires_at": int((now + timedelta(days=7)).timestamp())})


# -- risk alerts waiting for their clinician notification ------------------------------------------

def alert_due_keys(alert: dict[str, Any], now: datetime) -> dict[str, str]:
    ulid = keys.split_child_id(alert["alert_id"])[1]
    return due_keys(now, now, alert["client_id"], f"ALERT{ulid}")


def alert_notified(alert_item: dict[str, Any]) -> None:
    """Take a risk alert out of the due-index once its clinician has been told."""
    from botocore.exceptions import ClientError

    try:
        client("dynamodb").update_item(
            TableName=table._table(), Key=table.serialize({"pk": alert_item["pk"], "sk": alert_item["sk"]}),
            UpdateExpression="REMOVE gsi3pk, gsi3sk SET notified = :yes",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues=table.serialize({":yes": True}))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise


# -- clinicians: notification settings and the daily digest ------------------------------------------

def update_clinician_notifications(sub: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Set phone / digest / timezone on a membership; digest subscribers sit in gsi3."""
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    sets, removes = [], []
    for n, (name, value) in enumerate(changes.items()):
        names[f"#f{n}"] = name
        if value is None:
            removes.append(f"#f{n}")
        else:
            values[f":f{n}"] = value
            sets.append(f"#f{n} = :f{n}")
    if "digest" in changes:
        names["#ipk"], names["#isk"] = "gsi3pk", "gsi3sk"
        if changes["digest"]:
            values[":ipk"], values[":isk"] = keys.DIGEST_SUBSCRIBERS_INDEX, sub
            sets += ["#ipk = :ipk", "#isk = :isk"]
        else:
            removes += ["#ipk", "#isk"]
    expression = (("SET " + ", ".join(sets)) if sets else "") + ((" REMOVE " + ", ".join(removes)) if removes else "")
    kwargs: dict[str, Any] = {}
    if values:
        kwargs["ExpressionAttributeValues"] = table.serialize(values)
    response = client("dynamodb").update_item(
        TableName=table._table(), Key=table.serialize(keys.membership(sub).as_dict()),
        UpdateExpression=expression.strip(), ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeNames=names, ReturnValues="ALL_NEW", **kwargs)
    return table.deserialize(response["Attributes"])


def digest_subscribers() -> Iterator[dict[str, Any]]:
    yield from table.query_all(keys.DIGEST_SUBSCRIBERS_INDEX, index=INDEX)


def lease(entry: dict[str, Any], *, until: datetime, now: datetime, rev: str) -> bool:
    """Take a due entry for this sweep by moving it to the bucket of `until`: an
    overlapping sweep finds it gone, and if this sweep dies it comes due again then."""
    client_id = entry["client_id"]
    target = due_keys(until, now, client_id, entry["gsi3sk"].split("#", 2)[2])
    try:
        client("dynamodb").update_item(
            TableName=table._table(), Key=table.serialize({"pk": entry["pk"], "sk": entry["sk"]}),
            UpdateExpression="SET gsi3pk = :newpk, rev = :rev, leased_until = :until",
            ConditionExpression="gsi3pk = :pk AND gsi3sk = :sk",
            ExpressionAttributeValues=table.serialize({":newpk": target["gsi3pk"], ":rev": rev,
                                                       ":until": iso(until), ":pk": entry["gsi3pk"],
                                                       ":sk": entry["gsi3sk"]}))
    except Exception as error:  # noqa: BLE001
        if getattr(error, "response", {}).get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True
