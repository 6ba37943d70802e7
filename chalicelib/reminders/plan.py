"""Which reminder an assignment sends next, and whether a due one may still go out.

Plain Python over the stored assignment and client profile: no storage, no AWS.

For each occurrence an assignment sends a first reminder (number 0) at the client's
preferred local time on the occurrence's local date (or the assignment's own time),
moved out of quiet hours, then up to ``max_follow_ups`` follow-ups, each
``follow_up_after_hours`` after the previous one (also moved out of quiet hours).

A reminder goes out only while the assignment is active and the occurrence is not
done. With ``only_while_open`` (the default) it must also fall while the occurrence is
open: from its local start of day until its due time. Without it, reminders may also
go out before the occurrence opens or after it is due, for as long as it can still be
completed late; never once it is done.

After an outage the sweep sends the reminder it finds due once, then plans from the
present: reminders whose time passed meanwhile are skipped, so each occurrence gets
one catch-up reminder, never a storm.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from pydantic import ValidationError

from chalicelib import channels as registry
from chalicelib.homework import schedule as rules
from chalicelib.reminders.timing import (QuietHours, ReminderPreferences, _out_of_quiet_hours, follow_up_instant,
                                         reminder_instant)

# How far back the write paths still plan a reminder whose time has just passed: a change
# made moments after a reminder fell due (before the next sweep) must not swallow it.
WRITE_GRACE = timedelta(minutes=15)
# Follow-ups can trail the first reminder by up to 3 x 72 hours.
_LOOKBACK = timedelta(days=10)
_OCCURRENCE_LIMIT = 40


@dataclass(frozen=True, order=True)
class Planned:
    send_at: datetime
    occurrence_id: str
    number: int

    @property
    def position(self) -> tuple[str, int]:
        return self.occurrence_id, self.number


@dataclass(frozen=True)
class AssignmentReminders:
    """An assignment's reminder settings with the client's preferences filled in."""

    enabled: bool
    channels: tuple[str, ...]
    preferences: ReminderPreferences
    only_while_open: bool
    follow_up_delay: timedelta | None
    max_follow_ups: int

    @classmethod
    def of(cls, assignment: dict[str, Any], profile: dict[str, Any]) -> AssignmentReminders:
        settings = assignment.get("reminders") or {}
        preferences = ReminderPreferences(
            timezone=profile["timezone"],
            reminder_time=time.fromisoformat(settings.get("time") or profile.get("reminder_time") or "18:00"),
            quiet_hours=stored_quiet_hours(profile.get("quiet_hours")),
        )
        delay_hours = settings.get("follow_up_after_hours")
        return cls(
            enabled=bool(settings.get("enabled", True)),
            channels=effective_channels(assignment, profile),
            preferences=preferences,
            only_while_open=bool(settings.get("only_while_open", True)),
            follow_up_delay=timedelta(hours=delay_hours) if delay_hours else None,
            max_follow_ups=int(settings.get("max_follow_ups", 1)) if delay_hours else 0,
        )


def stored_quiet_hours(quiet: dict[str, str] | None) -> QuietHours | None:
    """A profile's quiet hours as the timing rules read them.

    `QuietHours` holds the one rule (start and end must differ); the client models apply
    it too, refusing a breach with a 422. A record saved before they did (start == end)
    quiets nothing, so it reads as no quiet hours rather than failing every write."""
    if not quiet:
        return None
    try:
        return QuietHours(start=time.fromisoformat(quiet["start"]), end=time.fromisoformat(quiet["end"]))
    except ValidationError as error:
        if all(e["type"] == "quiet_hours_empty" for e in error.errors()):  # the error QuietHours raises
            return None
        raise


def effective_channels(assignment: dict[str, Any], profile: dict[str, Any]) -> tuple[str, ...]:
    """The assignment's channels (or the client's), less those the client unsubscribed from
    and those there is no address for."""
    chosen = (assignment.get("reminders") or {}).get("channels")
    if chosen is None:
        chosen = profile.get("reminder_channels") or []
    unsubscribed = set(profile.get("unsubscribed") or [])
    return tuple(c.name for c in registry.all_channels()
                 if c.name in chosen and c.name not in unsubscribed and c.reachable(profile))


def _in_window(schedule: rules.Schedule, occurrence, moment: datetime, only_while_open: bool) -> bool:
    if only_while_open:
        return schedule.opens_at(occurrence) <= moment <= occurrence.due_at
    return moment <= occurrence.due_at + rules.LATE_GRACE


def _sends_of(schedule: rules.Schedule, occurrence, settings: AssignmentReminders) -> list[Planned]:
    first = reminder_instant(occurrence.local_date, settings.preferences)
    planned = [Planned(first, occurrence.occurrence_id, 0)]
    delay = settings.follow_up_delay
    if delay is None:  # no delay, no follow-ups (max_follow_ups is 0 then)
        return planned
    for number in range(1, settings.max_follow_ups + 1):
        planned.append(Planned(follow_up_instant(first, delay * number, settings.preferences),
                               occurrence.occurrence_id, number))
    return planned


def next_reminder(assignment: dict[str, Any], profile: dict[str, Any], *, not_before: datetime,
                  after: tuple[str, int] | None = None, now: datetime | None = None) -> Planned | None:
    """The earliest reminder at or after `not_before` (and after position `after`, the last
    one sent), or None when the assignment sends no more reminders. One planned a moment in
    the past goes out at `now`, so it needs the assignment active then."""
    now = now or not_before
    if assignment.get("status") != "active":
        return None
    settings = AssignmentReminders.of(assignment, profile)
    if not settings.enabled or not settings.channels:
        return None
    schedule = rules.Schedule.of(assignment, profile["timezone"])
    done = assignment.get("occurrences") or {}
    best: Planned | None = None
    for occurrence in schedule.occurrences(window_start=not_before - _LOOKBACK, limit=_OCCURRENCE_LIMIT):
        if best is not None and schedule.opens_at(occurrence) - timedelta(days=1) > best.send_at:
            break
        if occurrence.occurrence_id in done or not schedule.counts(occurrence):
            continue
        for planned in _sends_of(schedule, occurrence, settings):
            if planned.send_at < not_before or (after is not None and planned.position <= after):
                continue
            if not schedule.active_at(max(planned.send_at, now)):
                continue
            if not _in_window(schedule, occurrence, planned.send_at, settings.only_while_open):
                continue
            if best is None or planned < best:
                best = planned
            break  # later follow-ups of this occurrence come later still
    return best


def still_due(assignment: dict[str, Any], profile: dict[str, Any], occurrence_id: str,
              now: datetime) -> tuple[bool, tuple[str, ...]]:
    """Whether a reminder for `occurrence_id` may go out now, and on which channels."""
    if assignment.get("status") != "active":
        return False, ()
    settings = AssignmentReminders.of(assignment, profile)
    if not settings.enabled or not settings.channels:
        return False, ()
    schedule = rules.Schedule.of(assignment, profile["timezone"])
    if occurrence_id in (assignment.get("occurrences") or {}) or not schedule.active_at(now):
        return False, ()
    occurrence = schedule.find(occurrence_id)
    if occurrence is None or not schedule.counts(occurrence):
        return False, ()
    if not _in_window(schedule, occurrence, now, settings.only_while_open):
        return False, ()
    return True, settings.channels


def quiet_until(assignment: dict[str, Any], profile: dict[str, Any], now: datetime) -> datetime | None:
    """The end of the quiet hours `now` falls in (a late reminder waits for it), or None."""
    later = _out_of_quiet_hours(now, AssignmentReminders.of(assignment, profile).preferences)
    return later if later > now else None
