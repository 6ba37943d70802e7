"""What the write paths add to their transaction so an assignment's next reminder
follows every change: the assignment's own, a submission or skip, or the client's
preferences (timezone, time, channels, quiet hours, contact details)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.fields import new_id
from chalicelib.reminders.plan import WRITE_GRACE, next_reminder
from chalicelib.store import keys
from chalicelib.store import reminders as store

# Profile fields a reminder depends on.
PREFERENCE_FIELDS = ("timezone", "reminder_time", "reminder_channels", "quiet_hours", "email", "phone",
                     "unsubscribed")


def reminder_put_action(assignment: dict[str, Any], profile: dict[str, Any], now: datetime,
                        stored: dict[str, Any] | None = None) -> dict[str, Any]:
    """A transaction action writing the assignment's next reminder (or an idle item).

    `stored` is the current reminder item when the caller has read it: its record of the
    last reminder sent keeps that one from being planned again. Without it, a reminder
    planned again is still sent only once (send records guard every send).
    """
    client_id, ulid = keys.child_parts(assignment["assignment_id"])
    last_sent = (stored or {}).get("last_sent")
    after = (last_sent["occurrence_id"], int(last_sent["number"])) if last_sent else None
    planned = next_reminder(assignment, profile, not_before=now - WRITE_GRACE, after=after, now=now)
    return store.put_action(store.reminder_item(client_id=client_id, assignment_ulid=ulid, planned=planned,
                                                last_sent=last_sent, now=now, rev=new_id()))


def preferences_changed(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return any(before.get(name) != after.get(name) for name in PREFERENCE_FIELDS)


def client_reminder_actions(profile: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """Re-plan every assignment of a client whose preferences changed (one Query)."""
    from chalicelib.store import homework as homework_store

    items = homework_store.list_assignments_with_drafts(profile["client_id"])
    return [reminder_put_action(homework_store.strip(i), profile, now)
            for i in items if not keys.is_draft(i)]
