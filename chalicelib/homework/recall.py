"""A measure keeps its meaning: how often a questionnaire may be sent, given its recall period.

A measure that asks about "the last 2 weeks" (PHQ-9, GAD-7) answered daily counts the same
fortnight fourteen times over, so its totals stop meaning what their bands and reliable change
say. A schedule is measured by the shortest gap between two of its consecutive occurrences,
read from the series itself (so `until` and `count` are honoured):

* once, or any series with a single occurrence (``count: 1``, or an ``until`` before the
  second date): no gap, always fits;
* daily: 1 day; every N days: N days;
* weekly: the fewest days between two chosen weekdays, across the week's end (Mon+Thu = 3,
  one day a week = 7).

The series fits when that gap is at least the recall period. A clinician may still send it more
often, with a reason, which the assignment keeps.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from chalicelib.homework.recurrence import WEEKDAYS, Recurrence, occurrences

# Eight dates hold every gap of a weekly cycle (at most seven weekdays), and two any other rule's.
_DATES_READ = 8
_DAY_NAMES = {"mon": "Mondays", "tue": "Tuesdays", "wed": "Wednesdays", "thu": "Thursdays", "fri": "Fridays",
              "sat": "Saturdays", "sun": "Sundays"}


@dataclass(frozen=True, slots=True)
class RecallConflict:
    """A schedule that sends a measure more often than its recall period."""

    measure: str
    recall_period_days: int
    shortest_gap_days: int
    message: str

    def record(self) -> dict[str, Any]:
        return {"recall_period_days": self.recall_period_days, "shortest_gap_days": self.shortest_gap_days}


def shortest_gap_days(recurrence: Recurrence, start: date) -> int | None:
    """Fewest days between two consecutive occurrences of the series, or None with one or none."""
    days = [o.local_date for o in occurrences(recurrence, start=start, due_time=time(12), tz="UTC",
                                              limit=_DATES_READ)]
    gaps = [(later - earlier).days for earlier, later in itertools.pairwise(days)]
    return min(gaps) if gaps else None


def period_words(days: int) -> str:
    """How the measure itself puts its recall period: "the last 2 weeks", "the past month"."""
    if days in (28, 30, 31):
        return "the past month"
    if days == 7:
        return "the past week"
    if days % 7 == 0:
        return f"the last {days // 7} weeks"
    return "the past day" if days == 1 else f"the last {days} days"


def schedule_words(recurrence: Recurrence, gap: int) -> str:
    if recurrence.frequency == "weekly":
        if len(recurrence.weekdays) == 1:
            return "every week"
        names = [_DAY_NAMES[d] for d in sorted(recurrence.weekdays, key=WEEKDAYS.index)]
        listed = ", ".join(names[:-1]) + " and " + names[-1]
        return f"on {listed}, as little as {gap} day{'s' if gap != 1 else ''} apart"
    return "every day" if gap == 1 else f"every {gap} days"


def short_name(title: str) -> str:
    """'PHQ-9: Patient Health Questionnaire' reads as 'PHQ-9' in a sentence."""
    head, colon, _rest = title.partition(":")
    return head.strip() if colon and head.strip() else title


def check(recall_period_days: int | None, recurrence: Recurrence, start: date, title: str) -> RecallConflict | None:
    """The conflict when the schedule would have the client answer more often than the measure's
    recall period allows; None when it fits (or the template has no recall period)."""
    if not recall_period_days or recall_period_days <= 1:
        return None
    gap = shortest_gap_days(recurrence, start)
    if gap is None or gap >= recall_period_days:
        return None
    name = short_name(title)
    message = (f"{name} asks about {period_words(recall_period_days)}, so it can be sent at most every "
               f"{recall_period_days} days. This schedule sends it {schedule_words(recurrence, gap)}. "
               f"Choose a schedule at least {recall_period_days} days apart, or send it more often anyway "
               f"with a reason.")
    return RecallConflict(measure=name, recall_period_days=recall_period_days, shortest_gap_days=gap,
                          message=message)

