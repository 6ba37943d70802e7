"""When an assignment's occurrences fall, which one a client is working on, what state
each is in, and completion over a window. Plain Python: no storage, no HTTP.

An occurrence opens at the start of its local date (a one-off assignment at its start
date) and falls due at the assignment's local due time. A client may still complete it
for LATE_GRACE after that; an occurrence past due with no submission or skip is missed.
Occurrences that fall due while the assignment is paused or cancelled, or before it was
created, are not counted as due at all unless the client answered them; `counted` below is
the one rule of which occurrences count and which are done.
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


# -- which occurrences count, and which are done ----------------------------------------------
#
# The one rule every completion figure uses (caseload, client detail, progress, streaks, session
# review, adherence insights):
# - An occurrence counts when it fell due (before `now`) while the homework was active, or when
#   the client already answered it: sent in (complete or partial) or skipped. Work sent early
#   counts at once; it does not wait for its due time.
# - A counted occurrence is done when sent in, skipped when skipped (counted, not done: the
#   client answered, but the homework was not done), else missed.
# - It belongs to a time window by its moment: when it fell due, or for an answer given before
#   it fell due, when the answer was given. So consecutive windows (session reviews) never
#   count it twice, and windows ending now include early work.

OUTCOMES = ("done", "skipped", "missed")


@dataclass(frozen=True)
class Answer:
    """The client's answer to one occurrence: sent in (`done`) or skipped, and when (None: unknown)."""

    done: bool
    at: datetime | None = None


def answers_from_records(records: dict[str, Any] | None) -> dict[str, Answer]:
    """Answers from an assignment's `occurrences` ({id: {"state", "at"}})."""
    return {occurrence_id: Answer(done=record.get("state") == "submitted",
                                  at=_parse(record["at"]) if record.get("at") else None)
            for occurrence_id, record in (records or {}).items() if record.get("state") in DONE_STATES}


def answers_from_ledger(outcomes: dict[str, Any] | None) -> dict[str, Answer]:
    """Answers from one assignment's adherence ledger ({id: {"c", "t"?}}, see adherence_ledger)."""
    return {occurrence_id: Answer(done=entry.get("c") in ("complete", "partial"),
                                  at=_parse(entry["t"]) if entry.get("t") else None)
            for occurrence_id, entry in (outcomes or {}).items() if entry.get("c")}


def counts_toward(schedule: Schedule, occurrence: Occurrence, answer: Answer | None, now: datetime) -> bool:
    """Whether the occurrence counts by `now`: answered, or fell due while active."""
    return answer is not None or (occurrence.due_at < now and schedule.counts(occurrence))


def outcome_of(answer: Answer | None) -> str:
    if answer is None:
        return "missed"
    return "done" if answer.done else "skipped"


def moment_of(occurrence: Occurrence, answer: Answer | None, now: datetime) -> datetime:
    """When a counted occurrence counts: its due time, or an earlier answer's time (unknown: now)."""
    if answer is None:
        return occurrence.due_at
    return min(occurrence.due_at, answer.at or now)


@dataclass(frozen=True)
class Counted:
    occurrence: Occurrence
    outcome: str  # one of OUTCOMES
    at: datetime  # its moment (see moment_of)


def counted(schedule: Schedule, answers: dict[str, Answer], now: datetime,
            since: datetime | None = None) -> list[Counted]:
    """Every occurrence that counts by `now` and whose moment lies in [since, now], in due order."""
    found: dict[str, Counted] = {}
    for occurrence in _fell_due(schedule, since, now):
        answer = answers.get(occurrence.occurrence_id)
        moment = moment_of(occurrence, answer, now)
        if counts_toward(schedule, occurrence, answer, now) and (since is None or moment >= since):
            found[occurrence.occurrence_id] = Counted(occurrence, outcome_of(answer), moment)
    for occurrence_id, answer in answers.items():  # answered before falling due
        if occurrence_id in found:
            continue
        early = schedule.find(occurrence_id)
        if early is None or early.due_at < now:
            continue
        moment = moment_of(early, answer, now)
        if (since is None or moment >= since) and moment <= now:  # `now` may be a review's end
            found[occurrence_id] = Counted(early, outcome_of(answer), moment)
    return sorted(found.values(), key=lambda c: c.occurrence.due_at)


def _fell_due(schedule: Schedule, window_start: datetime | None, now: datetime) -> Iterable[Occurrence]:
    """Every occurrence due in [window_start, now), whatever the status then."""
    while True:
        batch = schedule.occurrences(window_start, now, limit=366)
        yield from batch
        if len(batch) < 366:
            return
        window_start = batch[-1].due_at + timedelta(seconds=1)


@dataclass(frozen=True)
class Completion:
    done: int
    due: int

    @property
    def ratio(self) -> float | None:
        return round(self.done / self.due, 3) if self.due else None

    def __add__(self, other: Completion) -> Completion:
        return Completion(self.done + other.done, self.due + other.due)


def completion(schedule: Schedule, answers: dict[str, Answer], now: datetime, days: int | None = None) -> Completion:
    """Counted occurrences sent in ÷ counted occurrences (in the last `days`, or ever)."""
    found = counted(schedule, answers, now, now - timedelta(days=days) if days else None)
    return Completion(sum(c.outcome == "done" for c in found), len(found))


def streaks(schedule: Schedule, answers: dict[str, Answer], now: datetime) -> tuple[int, int]:
    """(current, longest) runs of consecutive counted occurrences that were sent in."""
    current = longest = 0
    for item in counted(schedule, answers, now):
        current = current + 1 if item.outcome == "done" else 0
        longest = max(longest, current)
    return current, longest


def local_today(timezone_name: str, now: datetime) -> date:
    return now.astimezone(load_zone(timezone_name)).date()


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def caseload_figures(stats: dict[str, Any] | None, timezone_name: str, now: datetime) -> dict[str, Any]:
    """Completion over the last 7 and 28 days and open alerts, from a client's caseload
    summary (the STATS item: `assignments` by ulid, the adherence ledger `outcomes`, and the
    older `submitted` as "<ulid>/<occurrence>")."""
    stats = stats or {}
    submitted = stats.get("submitted", {})
    figures: dict[str, Any] = {"open_alerts": stats.get("open_alerts", 0)}
    live = {ulid for ulid, summary in stats.get("assignments", {}).items()
            if (summary.get("status_history") or [{}])[-1].get("status") != "cancelled"}
    figures["plans_to_adjust"] = [{"assignment_ulid": ulid, **flag}
                                  for ulid, flag in sorted((stats.get("plans_to_adjust") or {}).items()) if ulid in live]
    ledger = stats.get("outcomes") or {}
    answers: dict[str, dict[str, Answer]] = {}
    for key in submitted:  # sent before the ledger was kept
        ulid, occurrence_id = key.split("/", 1)
        answers.setdefault(ulid, {})[occurrence_id] = Answer(done=True)
    for ulid, outcomes in ledger.items():
        answers.setdefault(ulid, {}).update(answers_from_ledger(outcomes))
    for days in (7, 28):
        total = Completion(0, 0)
        for ulid, summary in stats.get("assignments", {}).items():
            schedule = Schedule.of(summary, timezone_name)
            total += completion(schedule, answers.get(ulid, {}), now, days=days)
        figures[f"completion_{days}d"] = {"done": total.done, "due": total.due, "ratio": total.ratio}
    return figures
