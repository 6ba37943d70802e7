"""Adherence across a caseload, from each client's profile and caseload summary (STATS).
Plain Python: no storage, no HTTP.

For every assignment in a client's summary, the occurrences whose local date lies in
[from, to] and that count by schedule.counted's rule (fell due while the assignment was
active, or already answered: sent in early or skipped) are *due*. An occurrence is *done*
when the adherence ledger says it was sent in, complete or partial; a skip is not done.
Quality is the mean of the client's own ratings and of the clinician's quality ratings of the
done occurrences (1-5; unrated ones left out).

Figures are grouped by homework type (the template's kind), by reminder channel (the
assignment's own channels, else the client's; "none" when its reminders are off or there is
no channel; an assignment reminded on two channels counts under both), and by the local time
of day it falls due: morning 05:00-11:59, afternoon 12:00-16:59, evening 17:00-21:59, night
22:00-04:59.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from collections.abc import Iterable, Iterator

from chalicelib.errors import FieldErrors
from chalicelib.homework.recurrence import MAX_OCCURRENCES, Occurrence, local_to_utc
from chalicelib.homework.schedule import Schedule, answers_from_ledger, counts_toward

MAX_SPAN_DAYS = 366
DONE = ("complete", "partial")
TIMES_OF_DAY = ("morning", "afternoon", "evening", "night")


def check_range(start: date, end: date) -> None:
    """422 with a sentence per field when the dates cannot make a report."""
    if end < start:
        raise FieldErrors.one("to", "Choose an end date on or after the start date.", "date_order")
    if (end - start).days > MAX_SPAN_DAYS:
        raise FieldErrors.one("to", f"Choose an end date at most {MAX_SPAN_DAYS} days after the start date.",
                              "date_span")


def time_of_day(due_time: str) -> str:
    hour = time.fromisoformat(due_time).hour
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


def channels_of(summary: dict[str, Any], profile: dict[str, Any]) -> list[str]:
    if not summary.get("reminders_enabled", True):
        return ["none"]
    chosen = summary.get("channels")
    if chosen is None:
        chosen = profile.get("reminder_channels") or []
    return list(dict.fromkeys(chosen)) or ["none"]


def occurrences_in(schedule: Schedule, start: date, end: date) -> Iterator[Occurrence]:
    """Occurrences whose local date is in [start, end] (whether they count is `counts_toward`'s)."""
    window_start = local_to_utc(start, time(0, 0), schedule.timezone)
    window_end = local_to_utc(end + timedelta(days=1), time(0, 0), schedule.timezone)
    while True:
        batch = schedule.occurrences(window_start, window_end, limit=MAX_OCCURRENCES)
        yield from (o for o in batch if start <= o.local_date <= end)
        if len(batch) < MAX_OCCURRENCES:
            return
        window_start = batch[-1].due_at + timedelta(seconds=1)


@dataclass
class Tally:
    due: int = 0
    done: int = 0
    partial: int = 0
    skipped: int = 0
    client_ratings: list[int] = field(default_factory=list)
    clinician_ratings: list[int] = field(default_factory=list)

    def add(self, outcome: dict[str, Any] | None) -> None:
        self.due += 1
        state = (outcome or {}).get("c")
        if state in DONE:
            self.done += 1
            self.partial += state == "partial"
            if outcome and outcome.get("q") is not None:
                self.client_ratings.append(outcome["q"])
            if outcome and outcome.get("r") is not None:
                self.clinician_ratings.append(outcome["r"])
        elif state == "skipped":
            self.skipped += 1

    def figures(self) -> dict[str, Any]:
        return {"due": self.due, "done": self.done, "partial": self.partial, "skipped": self.skipped,
                "rate": round(self.done / self.due, 3) if self.due else None,
                "client_quality": _mean(self.client_ratings), "clinician_quality": _mean(self.clinician_ratings)}


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def figures(pairs: Iterable[tuple[dict[str, Any], dict[str, Any] | None]], start: date, end: date,
            now: datetime) -> dict[str, Any]:
    """{clients, overall, by_kind, by_channel, by_time_of_day} over [start, end] from
    (profile, STATS or None) pairs; an occurrence not yet due by `now` counts only once answered."""
    overall = Tally()
    by_kind: dict[str, Tally] = {}
    by_channel: dict[str, Tally] = {}
    by_time = {name: Tally() for name in TIMES_OF_DAY}
    clients = 0
    for profile, stats in pairs:
        clients += 1
        stats = stats or {}
        ledger = stats.get("outcomes") or {}
        for ulid, summary in (stats.get("assignments") or {}).items():
            schedule = Schedule.of(summary, profile["timezone"])
            outcomes = ledger.get(ulid) or {}
            groups = [overall, by_kind.setdefault(summary.get("kind") or "other", Tally()),
                      by_time[time_of_day(summary["due_time"])],
                      *(by_channel.setdefault(name, Tally()) for name in channels_of(summary, profile))]
            answers = answers_from_ledger(outcomes)
            for occurrence in occurrences_in(schedule, start, end):
                if not counts_toward(schedule, occurrence, answers.get(occurrence.occurrence_id), now):
                    continue
                outcome = outcomes.get(occurrence.occurrence_id)
                for group in groups:
                    group.add(outcome)
    return {"clients": clients, "overall": overall.figures(),
            "by_kind": {name: t.figures() for name, t in sorted(by_kind.items())},
            "by_channel": {name: t.figures() for name, t in sorted(by_channel.items())},
            "by_time_of_day": {name: t.figures() for name, t in by_time.items()}}
