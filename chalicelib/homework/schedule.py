"""When an assignment's occurrences fall, which one a client is working on, what state
each is in, and completion over a window. Plain Python: no storage, no HTTP.

An occurrence opens at the start of its local date (a one-off assignment at its start
date) and falls due at the assignment's local due time. A client may still complete it
for LATE_GRACE after that; an occurrence past due with no submission or skip is missed.
Occurrences that fall due while the assignment is paused or cancelled, or before it was
created, are not counted as due at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, UTC
from typing import Any
from collections.abc import Iterable

from chalicelib.homework.recurrence import Occurrence, Recurrence, local_to_utc, occurrences
from chalicelib.timezones import load_zone

LATE_GRACE = timedelta(hours=48)
DONE_STATES = ("submitted", "skipped")


@dataclass(frozen=True)
class Schedule:
    recurrence: Recurrence
    start_date: date
    due_date: date | None
    due_time: time
    timezone: str
    # [(status, at)], oldest first: active, paused, cancelled.
    history: tuple[tuple[str, datetime], ...]

    @classmethod
    def of(cls, assignment: dict[str, Any], timezone_name: str) -> Schedule:
        return cls(
            recurrence=Recurrence.model_validate(assignment["recurrence"]),
            start_date=date.fromisoformat(assignment["start_date"]),
            due_date=date.fromisoformat(assignment["due_date"]) if assignment.get("due_date") else None,
            due_time=time.fromisoformat(assignment["due_time"]),
            timezone=timezone_name,
            history=tuple((h["status"], _parse(h["at"])) for h in assignment.get("status_history", [])),
        )

    def active_at(self, instant: datetime) -> bool:
        status = None
        for name, at in self.history:
            if at <= instant:
                status = name
        return status == "active"

    def occurrences(self, window_start: datetime | None = None, window_end: datetime | None = None,
                    limit: int = 366) -> list[Occurrence]:
        if self.recurrence.frequency == "once":
            day = self.due_date or self.start_date
            only = Occurrence(occurrence_id=self.start_date.isoformat(), local_date=day,
                              due_at=local_to_utc(day, self.due_time, self.timezone))
            inside = (window_start is None or only.due_at >= window_start) and \
                     (window_end is None or only.due_at < window_end)
            return [only] if inside else []
        return occurrences(self.recurrence, start=self.start_date, due_time=self.due_time, tz=self.timezone,
                           window_start=window_start, window_end=window_end, limit=limit)

    def opens_at(self, occurrence: Occurrence) -> datetime:
        day = self.start_date if self.recurrence.frequency == "once" else occurrence.local_date
        return local_to_utc(day, time(0, 0), self.timezone)

    def counts(self, occurrence: Occurrence) -> bool:
        """Whether this occurrence was ever expected of the client (active when it fell due)."""
        return self.active_at(occurrence.due_at)

    def find(self, occurrence_id: str) -> Occurrence | None:
        try:
            day = date.fromisoformat(occurrence_id)
        except ValueError:
            return None
        if self.recurrence.frequency == "once":
            found = self.occurrences()
            return found[0] if found[0].occurrence_id == occurrence_id else None
        window_start = local_to_utc(day, time(0, 0), self.timezone)
        for occurrence in self.occurrences(window_start, window_start + timedelta(days=2), limit=3):
            if occurrence.occurrence_id == occurrence_id:
                return occurrence
        return None


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def state_of(schedule: Schedule, occurrence: Occurrence, done: dict[str, Any], draft_occurrence: str | None,
             now: datetime) -> str:
    record = done.get(occurrence.occurrence_id)
    if record:
        return record["state"]
    if draft_occurrence == occurrence.occurrence_id:
        return "draft"
    if now < schedule.opens_at(occurrence):
        return "upcoming"
    if now <= occurrence.due_at:
        return "open"
    return "missed"


def current_occurrence(schedule: Schedule, done: dict[str, Any], now: datetime) -> Occurrence | None:
    """The occurrence the client can work on now: the earliest one that has opened, is not
    done, and is not more than LATE_GRACE past due. None while paused or cancelled."""
    if not schedule.active_at(now):
        return None
    for occurrence in schedule.occurrences(window_start=now - LATE_GRACE, limit=10):
        if schedule.opens_at(occurrence) > now:
            return None
        if occurrence.occurrence_id not in done and schedule.counts(occurrence):
            return occurrence
    return None


def can_complete(schedule: Schedule, occurrence: Occurrence, done: dict[str, Any], now: datetime) -> str | None:
    """Why the client cannot submit or skip this occurrence now, or None if they can."""
    if not schedule.active_at(now):
        return "This homework is paused or has ended."
    if occurrence.occurrence_id in done:
        return "This one is already done."
    if schedule.opens_at(occurrence) > now:
        return "This one has not started yet."
    if now > occurrence.due_at + LATE_GRACE:
        return "This one is too far past its due time."
    return None


def next_due(schedule: Schedule, done: dict[str, Any], now: datetime) -> Occurrence | None:
    if not schedule.active_at(now) and (not schedule.history or schedule.history[-1][0] == "cancelled"):
        return None
    for occurrence in schedule.occurrences(window_start=now, limit=10):
        if occurrence.occurrence_id not in done:
            return occurrence
    return None


def recent(schedule: Schedule, done: dict[str, Any], draft_occurrence: str | None, now: datetime,
           days: int = 14) -> list[tuple[Occurrence, str]]:
    window = schedule.occurrences(now - timedelta(days=days), now + timedelta(days=1), limit=60)
    return [(o, state_of(schedule, o, done, draft_occurrence, now)) for o in window if schedule.counts(o)]


@dataclass(frozen=True)
class Completion:
    done: int
    due: int

    @property
    def ratio(self) -> float | None:
        return round(self.done / self.due, 3) if self.due else None

    def __add__(self, other: Completion) -> Completion:
        return Completion(self.done + other.done, self.due + other.due)


def _counted(schedule: Schedule, window_start: datetime | None, now: datetime) -> Iterable[Occurrence]:
    """Every occurrence that fell due in [window_start, now) while the assignment was active."""
    while True:
        batch = schedule.occurrences(window_start, now, limit=366)
        yield from (o for o in batch if schedule.counts(o))
        if len(batch) < 366:
            return
        window_start = batch[-1].due_at + timedelta(seconds=1)


def completion(schedule: Schedule, submitted: Iterable[str], now: datetime, days: int | None = None) -> Completion:
    """Occurrences submitted ÷ occurrences that fell due (in the last `days`, or ever)."""
    submitted = set(submitted)
    due = done = 0
    for occurrence in _counted(schedule, now - timedelta(days=days) if days else None, now):
        due += 1
        done += occurrence.occurrence_id in submitted
    return Completion(done, due)


def streaks(schedule: Schedule, submitted: Iterable[str], now: datetime) -> tuple[int, int]:
    """(current, longest) runs of consecutive due occurrences that were submitted."""
    submitted = set(submitted)
    current = longest = 0
    for occurrence in _counted(schedule, None, now):
        current = current + 1 if occurrence.occurrence_id in submitted else 0
        longest = max(longest, current)
    return current, longest


def local_today(timezone_name: str, now: datetime) -> date:
    return now.astimezone(load_zone(timezone_name)).date()


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def caseload_figures(stats: dict[str, Any] | None, timezone_name: str, now: datetime) -> dict[str, Any]:
    """Completion over the last 7 and 28 days and open alerts, from a client's caseload
    summary (the STATS item: `assignments` by ulid, `submitted` as "<ulid>/<occurrence>")."""
    stats = stats or {}
    submitted = stats.get("submitted", {})
    figures: dict[str, Any] = {"open_alerts": stats.get("open_alerts", 0)}
    live = {ulid for ulid, summary in stats.get("assignments", {}).items()
            if (summary.get("status_history") or [{}])[-1].get("status") != "cancelled"}
    figures["plans_to_adjust"] = [{"assignment_ulid": ulid, **flag}
                                  for ulid, flag in sorted((stats.get("plans_to_adjust") or {}).items()) if ulid in live]
    for days in (7, 28):
        total = Completion(0, 0)
        for ulid, summary in stats.get("assignments", {}).items():
            schedule = Schedule.of(summary, timezone_name)
            done = {key.split("/", 1)[1] for key in submitted if key.startswith(f"{ulid}/")}
            total += completion(schedule, done, now, days=days)
        figures[f"completion_{days}d"] = {"done": total.done, "due": total.due, "ratio": total.ratio}
    return figures
