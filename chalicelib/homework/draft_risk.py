"""Risk answers left unsent in a draft. Plain Python: no storage, no HTTP.

A risk answer (one that meets a risk rule of the template's scoring, e.g. PHQ-9 item 9 at
"several days") that sits in a saved draft for the practice's `draft_risk_hours` without being
sent opens one alert marked as not sent by the client (`source: "draft"`).

How it is found without a Scan: when a draft save holds a risk answer not yet alerted, the
draft item itself carries `risk_since` (when such an answer was first saved; later saves keep
it, so autosaving does not postpone the alert), `risk_due_at` (risk_since + the practice's
hours, as set when it was first saved) and keys in the reminder due-index (gsi3), so the
reminder sweep meets it when it falls due. A save without such an answer takes the draft out
of the index.

What was alerted is kept beside the draft in a record of its own (DRAFTRISK#<assignment>:
the occurrence, the alert's id, the answers alerted as [{item, value}]), which only the sweep
writes, so a draft save racing the sweep can never wipe it. Those answers never open a second
alert, from the draft or from sending it: a submission whose every risk answer was alerted from
its draft opens no alert of its own and carries the draft alert's id as its `alert_id` (the
client still sees the crisis resources); sending deletes the record with the draft. A new or
higher risk answer is new news and is alerted as usual.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator

from chalicelib.fields import iso

DEFAULT_HOURS = 12
SOURCE = "draft"

# An alert's `source` as the API shows it; alerts stored before drafts could raise one have none.
AlertSource = Annotated[Literal["submission", "draft"], BeforeValidator(lambda value: value or "submission")]


def hours_of(practice: dict[str, Any] | None) -> int:
    """The practice's `draft_risk_hours` (default 12)."""
    return int((practice or {}).get("draft_risk_hours") or DEFAULT_HOURS)


def risk_items(template: dict[str, Any]) -> list[str]:
    """Ids of the items a risk rule reads, in the template's order of rules (no repeats): the
    client form says, before they are answered, that the clinician will see these answers."""
    rules = ((template.get("scoring") or {}).get("risk")) or []
    return list(dict.fromkeys(rule["item"] for rule in rules))


def _key(flag: Any) -> tuple[str, float]:
    item, value = (flag["item"], flag["value"]) if isinstance(flag, dict) else (flag.item, flag.value)
    return item, float(value)


def alerted(record: dict[str, Any] | None, occurrence_id: str | None) -> set[tuple[str, float]]:
    """The answers already alerted from the draft of this occurrence."""
    if not record or record.get("occurrence_id") != occurrence_id:
        return set()
    return {_key(entry) for entry in record.get("alerted") or []}


def pending(record: dict[str, Any] | None, occurrence_id: str | None, flags: list[Any]) -> list[Any]:
    """Risk flags of a draft of this occurrence not alerted yet."""
    done = alerted(record, occurrence_id)
    return [flag for flag in flags if _key(flag) not in done]


def marker(previous: dict[str, Any] | None, record: dict[str, Any] | None, occurrence_id: str | None,
           flags: list[Any], now: datetime, hours: int) -> dict[str, Any]:
    """`risk_since` and `risk_due_at` for a draft saved with answers that raise `flags`, while one
    of them waits to be alerted (a wait already running keeps its start); else {}."""
    if not pending(record, occurrence_id, flags):
        return {}
    if previous and previous.get("risk_due_at") and previous.get("occurrence_id") == occurrence_id:
        return {"risk_since": previous["risk_since"], "risk_due_at": previous["risk_due_at"]}
    return {"risk_since": iso(now), "risk_due_at": iso(now + timedelta(hours=hours))}


def record_after(record: dict[str, Any] | None, occurrence_id: str | None, alert_id: str,
                 flags: list[Any]) -> dict[str, Any]:
    """The record once `flags` of this occurrence's draft were alerted by `alert_id`."""
    entries = list(record.get("alerted") or []) if record and record.get("occurrence_id") == occurrence_id else []
    known = {_key(entry) for entry in entries}
    for flag in flags:
        if _key(flag) not in known:
            entries.append({"item": flag.item, "value": flag.value})
            known.add(_key(flag))
    return {"occurrence_id": occurrence_id, "alert_id": alert_id, "alerted": entries}


def covering_alert(record: dict[str, Any] | None, occurrence_id: str, flags: list[Any]) -> str | None:
    """The draft alert that already told the clinician every one of a submission's risk answers,
    or None (then the submission opens its own alert as usual). A draft saved without an
    occurrence was for the one being sent."""
    if not record or not flags or not record.get("alert_id"):
        return None
    draft_occurrence = record.get("occurrence_id") or occurrence_id
    return record["alert_id"] if not pending({**record, "occurrence_id": draft_occurrence}, occurrence_id,
                                             flags) else None
