"""Fixed-window counters of failed sign-ins (one item per subject, TTL'd).

Expiry is checked on every read and write: DynamoDB deletes expired items lazily and
moto / DynamoDB Local never do.
"""
from __future__ import annotations

from chalicelib.store import keys, table


class _StillContended(Exception):
    """Every attempt met a concurrent writer starting a new window."""


def current(scope: str, subject_hash: str, *, now: int) -> tuple[int, int]:
    """(failures in the live window, epoch second the window ends); (0, now) if none."""
    item = table.get(keys.sign_in_attempts(scope, subject_hash).as_dict(), consistent=True)
    if not item or int(item.get("expires_at", 0)) <= now:
        return 0, now
    return int(item.get("failures", 0)), int(item["expires_at"])


def record_failure(scope: str, subject_hash: str, *, now: int, window_seconds: int) -> tuple[int, int]:
    """Count one failure; a window that has ended starts afresh. Returns (failures, window end)."""
    key = keys.sign_in_attempts(scope, subject_hash).as_dict()

    def count_one() -> tuple[int, int]:
        try:
            item = table.update(key, add={"failures": 1}, condition="expires_at > :now", values={":now": now},
                                return_item=True)
            return int(item["failures"]), int(item["expires_at"])
        except table.ConditionFailed:
            pass  # no live window: start one
        # A concurrent writer may start the new window first (ConditionFailed): count into theirs.
        table.put({**key, "failures": 1, "expires_at": now + window_seconds},
                  condition="attribute_not_exists(pk) OR expires_at <= :now", values={":now": now})
        return 1, now + window_seconds

    try:
        return table.retry_on_conflict(count_one, give_up=_StillContended)
    except _StillContended:
        return current(scope, subject_hash, now=now)


def clear(scope: str, subject_hash: str) -> None:
    table.delete(keys.sign_in_attempts(scope, subject_hash).as_dict())
