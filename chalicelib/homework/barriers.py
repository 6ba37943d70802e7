"""Barriers: what got in the way of a homework occurrence, in the client's words.

Plain Python over the stored assignment: no storage, no HTTP.

A client may tick barriers (with free text for "something else") when an occurrence is
missed, skipped or sent in part. They are kept on the assignment item:

    assignment["barriers"] = {occurrence id: {
        "barriers": [codes], "other": str | None,
        "context": "missed" | "skipped" | "partial", "reported_at": iso time}}

An empty `barriers` list with context "missed" means the client said "not now": that
occurrence is never asked about again.

The client is asked at the right moment, not every time: on skipping and on sending
part of the homework (the form offers the list), and once about the latest occurrence
missed in the last ASK_WITHIN (`ask_barriers_for`). Only that latest one: once it is
answered or dismissed, older misses are not brought up.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from chalicelib.homework.schedule import Schedule

BarrierCode = Literal["forgot", "no_time", "did_not_understand", "too_hard", "did_not_see_point", "felt_worse",
                      "other"]
Context = Literal["missed", "skipped", "partial"]

# In the order the client sees them, with the words they see.
LABELS: dict[str, str] = {
    "forgot": "I forgot",
    "no_time": "I didn't have time",
    "did_not_understand": "I didn't understand it",
    "too_hard": "It felt too hard",
    "did_not_see_point": "I didn't see the point",
    "felt_worse": "I felt worse doing it",
    "other": "Something else",
}
CODES: tuple[str, ...] = tuple(LABELS)
OTHER_MAX_LENGTH = 500
ASK_WITHIN = timedelta(days=7)
# Records kept on an assignment (by occurrence id, the newest): a year of daily homework
# stays well inside an item's size.
KEEP_RECORDS = 400


class BarrierProblem(ValueError):
    """A barrier report that does not fit: `field` names what to change, the message says how."""

    def __init__(self, field: str, message: str, code: str):
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


def normalise(codes: Sequence[str] | None, other: str | None) -> tuple[list[str], str | None]:
    """The codes once each, in the list's order, and the free text trimmed (None if blank).
    Words under "something else" tick it: the client wrote what got in the way."""
    text = other.strip() if other else ""
    chosen = set(codes or ())
    unknown = chosen - set(CODES)
    if unknown:
        raise BarrierProblem("barriers", "Choose from the list of things that got in the way.", "unknown_barrier")
    if len(text) > OTHER_MAX_LENGTH:
        raise BarrierProblem("other", f"Use at most {OTHER_MAX_LENGTH} characters.", "string_too_long")
    if text:
        chosen.add("other")
    return [c for c in CODES if c in chosen], text or None


def record(codes: Sequence[str], other: str | None, context: Context, reported_at: str) -> dict[str, Any]:
    return {"barriers": list(codes), "other": other, "context": context, "reported_at": reported_at}


def with_record(stored: dict[str, Any] | None, occurrence_id: str, entry: dict[str, Any]) -> dict[str, Any]:
    """The assignment's barrier records with `entry` for `occurrence_id` (the oldest drop
    out beyond KEEP_RECORDS)."""
    records = {**(stored or {}), occurrence_id: entry}
    if len(records) > KEEP_RECORDS:
        records = {k: records[k] for k in sorted(records)[-KEEP_RECORDS:]}
    return records


def is_dismissed(entry: dict[str, Any] | None) -> bool:
    """Whether the client answered "not now" about a missed occurrence."""
    return entry is not None and entry.get("context") == "missed" and not entry.get("barriers")


def missed_reason(schedule: Schedule, occurrence, done: dict[str, Any], now: datetime) -> str | None:
    """Why barriers cannot be reported as "missed" for this occurrence, or None if it was missed."""
    if occurrence is None or not schedule.counts(occurrence):
        return "This homework was not due that day."
    if occurrence.occurrence_id in done:
        state = done[occurrence.occurrence_id].get("state")
        return ("You skipped this one already; what got in the way can be told when skipping."
                if state == "skipped" else "This one was done, so nothing was missed.")
    if now <= occurrence.due_at:
        return "This one is not due yet, so it has not been missed."
    return None


def ask_barriers_for(assignment: dict[str, Any], schedule: Schedule, now: datetime) -> str | None:
    """The occurrence to ask the client about: the latest one missed in the last ASK_WITHIN,
    if it has no barrier record yet (not even "not now"); else None."""
    if assignment.get("status") == "cancelled":
        return None
    done = assignment.get("occurrences") or {}
    records = assignment.get("barriers") or {}
    latest = None
    for occurrence in schedule.occurrences(window_start=now - ASK_WITHIN, window_end=now, limit=60):
        if occurrence.due_at < now and occurrence.occurrence_id not in done and schedule.counts(occurrence):
            latest = occurrence
    if latest is None or latest.occurrence_id in records:
        return None
    return latest.occurrence_id


def labels(codes: Sequence[str]) -> list[str]:
    """The client-facing words of `codes`."""
    return [LABELS[c] for c in codes if c in LABELS]
