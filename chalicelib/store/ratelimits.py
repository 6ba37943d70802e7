"""Fixed-window counters of failed sign-ins (one item per subject, TTL'd).

Expiry is checked on every read and write: DynamoDB deletes expired items lazily and
moto / DynamoDB Local never do.
"""
from __future__ import annotations

from typing import Any

from chalicelib.aws import client
from chalicelib.config import get_settings
from chalicelib.store import keys, table


def _ddb() -> Any:
    return client("dynamodb")


def current(scope: str, subject_hash: str, *, now: int) -> tuple[int, int]:
    """(failures in the live window, epoch second the window ends); (0, now) if none."""
    item = table.get(keys.sign_in_attempts(scope, subject_hash).as_dict(), consistent=True)
    if not item or int(item.get("expires_at", 0)) <= now:
        return 0, now
    return int(item.get("failures", 0)), int(item["expires_at"])


def record_failure(scope: str, subject_hash: str, *, now: int, window_seconds: int) -> tuple[int, int]:
    """Count one failure; a window that has ended starts afresh. Returns (failures, window end)."""
    from botocore.exceptions import ClientError

    key = table.serialize(keys.sign_in_attempts(scope, subject_hash).as_dict())
    for _ in range(3):  # a concurrent writer may start the new window first: count into theirs
        try:
            response = _ddb().update_item(
                TableName=get_settings().table_name, Key=key,
                UpdateExpression="ADD failures :one", ConditionExpression="expires_at > :now",
                ExpressionAttributeValues=table.serialize({":one": 1, ":now": now}), ReturnValues="ALL_NEW")
            item = table.deserialize(response["Attributes"])
            return int(item["failures"]), int(item["expires_at"])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
        try:
            table.put({**keys.sign_in_attempts(scope, subject_hash).as_dict(), "failures": 1,
                       "expires_at": now + window_seconds},
                      condition="attribute_not_exists(pk) OR expires_at <= :now", values={":now": now})
            return 1, now + window_seconds
        except table.ConditionFailed:
            continue
    return current(scope, subject_hash, now=now)


def clear(scope: str, subject_hash: str) -> None:
    table.delete(keys.sign_in_attempts(scope, subject_hash).as_dict())
