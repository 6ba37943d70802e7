"""When an assignment's occurrences fall due, in the client's own timezone.

A recurrence is a rule over local calendar dates (daily, weekly on given days, every N
days, or once), bounded by an ``until`` date or a ``count``. Each local date it yields is
one occurrence, identified by that date (``YYYY-MM-DD``), and falls due at the
assignment's local due time on that date in the client's timezone.

Daylight-saving rules, applied the same way everywhere (reminders included):

* the local wall-clock time is kept across changes, so the UTC instant shifts;
* a local time that does not exist that day (clocks go forward) moves forward to the
  first instant that exists, i.e. the moment the clocks changed (01:30 on the day
  London goes from 01:00 GMT to 02:00 BST becomes 02:00 BST);
* a local time that happens twice (clocks go back) takes the first of the two.

All work is bounded: a call returns at most ``MAX_OCCURRENCES`` occurrences and never
walks an open-ended series from its start.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, UTC
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from chalicelib.timezones import load_zone

MAX_OCCURRENCES = 366
MAX_INTERVAL_DAYS = 365
MAX_COUNT = 366

Frequency = Literal["once", "daily", "weekly", "every_n_days"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

def _transition_instant(zone: ZoneInfo, earliest: datetime, latest: datetime) -> datetime:
    """First UTC instant in (earliest, latest] whose offset differs from ``earliest``'s.

    A binary search down to the microsecond: about 32 steps for an hour's gap.
    """
    offset_before = earliest.astimezone(zone).utcoffset()
    low, high = earliest, latest
    while high - low > timedelta(microseconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return high


def local_to_utc(local_date: date, local_time: time, zone: str | ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a local date in ``zone``.

    A time inside a spring-forward gap moves forward to the first valid instant (the
    transition itself); an ambiguous time in a fall-back overlap takes the first
    (``fold=0``, the earlier instant).
    """
    if local_time.tzinfo is not None:
        raise ValueError("local time must not carry a timezone")
    zone = load_zone(zone)
    wall = datetime.combine(local_date, local_time)
    first = wall.replace(tzinfo=zone, fold=0)
    as_utc = first.astimezone(UTC)
    if as_utc.astimezone(zone).replace(tzinfo=None) == wall:
        return as_utc
    # The wall time does not exist. zoneinfo reads it with the offset from before the
    # change (fold=0) or after it (fold=1); the change itself lies between the two.
    after_change = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    earliest, latest = sorted((as_utc, after_change))
    return _transition_instant(zone, earliest, latest)


# --------------------------------------------------------------------------- the rule


def _error(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(f"recurrence_{kind}", message)


class Recurrence(BaseModel):
    """How often an assignment repeats.

    ``interval`` applies only to ``every_n_days``; ``weekdays`` only (and always) to
    ``weekly``; ``until`` (inclusive local date) and ``count`` bound a repeating series
    and exclude each other; ``once`` takes neither. Fields that do not apply may be left
    at their defaults (``interval`` 1, ``weekdays`` empty) so a dumped rule validates again.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    frequency: Frequency
    interval: Annotated[int, Field(strict=True, ge=1, le=MAX_INTERVAL_DAYS)] = Field(
        default=1, description="Every N days; only for every_n_days."
    )
    weekdays: list[Weekday] = Field(
        default_factory=list,
        validate_default=True,
        description="Days of the week; required for weekly and only for weekly.",
    )
    until: date | None = Field(default=None, description="Last local date a series may fall on (inclusive).")
    count: Annotated[int, Field(strict=True, ge=1, le=MAX_COUNT)] | None = Field(
        default=None, description="Number of occurrences in the series."
    )

    # Field validators (rather than one model validator) so that each problem is
    # reported against the field that has to change. They see the fields declared
    # before them in ``info.data``; a field that failed on its own is absent there.

    @field_validator("interval")
    @classmethod
    def _interval_only_for_every_n_days(cls, interval: int, info: ValidationInfo) -> int:
        frequency = info.data.get("frequency")
        if frequency is not None and frequency != "every_n_days" and interval != 1:
            raise _error("interval_not_allowed", "the interval applies only to homework repeating every few days")
        return interval

    @field_validator("weekdays")
    @classmethod
    def _weekdays_for_weekly(cls, weekdays: list[Weekday], info: ValidationInfo) -> list[Weekday]:
        frequency = info.data.get("frequency")
        if len(set(weekdays)) != len(weekdays):
            raise _error("weekdays_repeated", "choose each day only once")
        if frequency == "weekly" and not weekdays:
            raise _error("weekdays_required", "choose at least one day for weekly homework")
        if frequency is not None and frequency != "weekly" and weekdays:
            raise _error("weekdays_not_allowed", "days of the week apply only to weekly homework")
        return sorted(weekdays, key=WEEKDAYS.index)

    @field_validator("until")
    @classmethod
    def _until_for_series(cls, until: date | None, info: ValidationInfo) -> date | None:
        if until is not None and info.data.get("frequency") == "once":
            raise _error("until_not_allowed", "one-off homework has no end date")
        return until

    @field_validator("count")
    @classmethod
    def _count_for_series(cls, count: int | None, info: ValidationInfo) -> int | None:
        if count is None:
            return count
        if info.data.get("frequency") == "once":
            raise _error("count_not_allowed", "one-off homework has no number of times")
        if info.data.get("until") is not None:
            raise _error("count_with_until", "give an end date or a number of times, not both")
        return count


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One instance of an assignment: its local date and the UTC instant it falls due."""

    occurrence_id: str
    local_date: date
    due_at: datetime


# --------------------------------------------------------------------------- date arithmetic
# Pattern = the rule without until/count. Jumping straight to the first pattern date of a
# window keeps the work proportional to the window however long the series.


def _weekday_numbers(recurrence: Recurrence) -> frozenset[int]:
    return frozenset(WEEKDAYS.index(day) for day in recurrence.weekdays)


def _first_pattern_date_from(recurrence: Recurrence, start: date, day: date) -> date:
    """The first pattern date on or after ``day`` (which may be before ``start``)."""
    if day <= start or recurrence.frequency == "once":
        return start
    if recurrence.frequency == "weekly":
        chosen = _weekday_numbers(recurrence)
        return next(day + timedelta(days=n) for n in range(7) if (day.weekday() + n) % 7 in chosen)
    steps = -(-(day - start).days // recurrence.interval)
    return start + timedelta(days=steps * recurrence.interval)


# --------------------------------------------------------------------------- generation


def _rrule_for(recurrence: Recurrence, dtstart: datetime, until: datetime | None, count: int | None):
    from dateutil import rrule

    if recurrence.frequency == "once":
        return rrule.rrule(rrule.DAILY, dtstart=dtstart, count=1)
    if recurrence.frequency == "weekly":
        days = [rrule.weekdays[WEEKDAYS.index(day)] for day in recurrence.weekdays]
        return rrule.rrule(rrule.WEEKLY, dtstart=dtstart, byweekday=days, until=until, count=count)
    return rrule.rrule(rrule.DAILY, dtstart=dtstart, interval=recurrence.interval, until=until, count=count)


def _local_dates(
    recurrence: Recurrence, *, start: date, from_date: date, through: date | None
) -> Iterator[date]:
    """The series' local dates on or after ``from_date`` and (if given) on or before ``through``.

    rrule runs on naive local dates. A series bounded by ``count`` is walked from its start
    (at most MAX_COUNT dates, since its numbering depends on it); an open-ended or
    ``until``-bounded series is started at the first pattern date on or after ``from_date``,
    which keeps the work proportional to what is asked for.
    """
    last_allowed = recurrence.until
    if through is not None:
        last_allowed = through if last_allowed is None else min(last_allowed, through)
    if recurrence.count is not None:
        first = start
    else:
        first = _first_pattern_date_from(recurrence, start, from_date)
    if last_allowed is not None and first > last_allowed:
        return iter(())
    if recurrence.count is not None:
        # rrule refuses count together with until (RFC 5545): bound the counted series here.
        rule = _rrule_for(recurrence, datetime.combine(first, time()), None, recurrence.count)
        dates: Iterator[date] = (moment.date() for moment in rule)
        if last_allowed is not None:
            dates = itertools.takewhile(lambda day: day <= last_allowed, dates)
    else:
        until = datetime.combine(last_allowed, time()) if last_allowed is not None else None
        dates = (moment.date() for moment in _rrule_for(recurrence, datetime.combine(first, time()), until, None))
    return (day for day in dates if day >= from_date)


def _require_local(due_time: time) -> None:
    if due_time.tzinfo is not None:
        raise ValueError("due_time must be a local time without a timezone")


def _require_aware(value: datetime | None, name: str) -> None:
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def _local_date_of(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def _shift(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def _occurrence(day: date, due_time: time, zone: ZoneInfo) -> Occurrence:
    return Occurrence(occurrence_id=day.isoformat(), local_date=day, due_at=local_to_utc(day, due_time, zone))


def occurrences(
    recurrence: Recurrence,
    *,
    start: date,
    due_time: time,
    tz: str | ZoneInfo,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    limit: int = MAX_OCCURRENCES,
) -> list[Occurrence]:
    """Occurrences in date order whose ``due_at`` lies in [window_start, window_end).

    ``start`` is the local date the series starts on; ``due_time`` the local wall-clock
    time each occurrence falls due. Window bounds are aware datetimes (start inclusive,
    end exclusive); either may be omitted. At most ``limit`` (1..MAX_OCCURRENCES)
    occurrences are returned: page on by passing the last ``due_at`` plus a moment as
    the next ``window_start``.
    """
    if not 1 <= limit <= MAX_OCCURRENCES:
        raise ValueError(f"limit must be between 1 and {MAX_OCCURRENCES}")
    _require_local(due_time)
    _require_aware(window_start, "window_start")
    _require_aware(window_end, "window_end")
    zone = load_zone(tz)
    if window_start is not None and window_end is not None and window_end <= window_start:
        return []
    # Local dates around the window edges: a due time can sit a day either side of the
    # UTC date, and a skipped local time moves forward, so allow a two-day margin and
    # then filter on the exact instant.
    from_date = _shift(_local_date_of(window_start, zone), -2) if window_start else start
    through = _shift(_local_date_of(window_end, zone), 2) if window_end else None
    found: list[Occurrence] = []
    for day in _local_dates(recurrence, start=start, from_date=from_date, through=through):
        occurrence = _occurrence(day, due_time, zone)
        if window_start is not None and occurrence.due_at < window_start:
            continue
        if window_end is not None and occurrence.due_at >= window_end:
            break
        found.append(occurrence)
        if len(found) == limit:
            break
    return found
