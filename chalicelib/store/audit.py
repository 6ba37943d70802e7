"""The audit trail: one partition per client, newest last."""
from __future__ import annotations

from typing import Any

from chalicelib.store import keys, table


def _item(event: dict[str, Any]) -> dict[str, Any]:
    key = keys.audit_event(event["client_id"], event["at"], event["event_id"])
    return {**key.as_dict(), **event}


def record(events: list[dict[str, Any]]) -> None:
    """Append events (each with client_id, at, event_id, actor, action)."""
    if len(events) == 1:
        table.put(_item(events[0]))
    elif events:
        table.batch_write(puts=[_item(e) for e in events])


def list_for_client(client_id: str, *, limit: int, next_token: str | None) -> table.Page:
    page = table.query(keys.audit_partition(client_id), limit=limit, next_token=next_token, forward=False)
    return table.Page([{k: v for k, v in i.items() if k not in ("pk", "sk")} for i in page.items],
                      page.next_token)
