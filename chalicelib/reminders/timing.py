"""When a client is reminded: their preferred local time, never inside quiet hours.

Times are wall-clock times in the client's own timezone. Across a daylight-saving change
the local time is kept (so the UTC instant moves by the change); a preferred time that
does not exist that day moves forward to the first instant that does (the moment the
clocks changed); a time that happens twice takes the first.

Quiet hours run from ``start`` (inclusive) to ``end`` (exclusive) in local wall-clock
time and may wrap midnight (22:00-07:00 covers 22:00:00 up to 06:59:59 the next
morning). A reminder that would land in them is moved to their end: for a period that
wraps midnight and a time in its evening part, that is the next morning.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, UTC
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.homework.recurrence import local_to_utc
from chalicelib.timezones import load_zone


def _minute_precision_local_time(value: time) -> time:
    if value.tzinfo is not None:
        raise PydanticCustomError("local_time_with_zone", "give a local time without a timezone, e.g. 18:30")
    if value.second or value.microsecond:
        raise PydanticCustomError("local_time_precision", "give the time to the minute, e.g. 18:30")
    return value


LocalTime = Annotated[time, AfterValidator(_minute_precision_local_time)]


class QuietHours(BaseModel):
    """A daily period without reminders, in local time; it may wrap midnight."""

    # Schemas build on first use (defer_build), which keeps `import app` cheap.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    start: LocalTime = Field(description="Local time quiet hours begin (inclusive).", examples=["22:00"])
    end: LocalTime = Field(description="Local time quiet hours end (exclusive).", examples=["07:00"])

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise PydanticCustomError("quiet_hours_empty", "quiet hours must start and end at different times")
        return self

    @property
    def wraps_midnight(self) -> bool:
        return self.end < self.start

    def contains(self, local_time: time) -> bool:
        """Whether a local wall-clock time is quiet (start inclusive, end exclusive)."""
        local_time = local_time.replace(tzinfo=None)
        if self.wraps_midnight:
            return local_time >= self.start or local_time < self.end
        return self.start <= local_time < self.end


class ReminderPreferences(BaseModel):
    """A client's reminder timing: their timezone, preferred local time and quiet hours."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    timezone: str = Field(description="IANA timezone name.", examples=["Europe/London"])
    reminder_time: LocalTime = Field(description="Preferred local time for reminders (HH:MM).", examples=["18:30"])
    quiet_hours: QuietHours | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        try:
            load_zone(name)
        except ValueError:
            raise PydanticCustomError(
                "timezone_unknown", "choose a time zone from the list (an IANA name such as Europe/London)"
            ) from None
        return name


def _require_aware(value: datetime, name: str) -> None:
    if value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def in_quiet_hours(instant: datetime, prefs: ReminderPreferences) -> bool:
    """Whether an instant falls in the client's quiet hours, read on their local clock."""
    _require_aware(instant, "instant")
    if prefs.quiet_hours is None:
        return False
    local = instant.astimezone(load_zone(prefs.timezone))
    return prefs.quiet_hours.contains(local.time())


def _out_of_quiet_hours(instant: datetime, prefs: ReminderPreferences) -> datetime:
    """``instant`` itself, or the end of the quiet period it falls in (as UTC)."""
    quiet = prefs.quiet_hours
    zone = load_zone(prefs.timezone)
    # The end of quiet hours can itself be skipped by a clock change and move forward;
    # two passes settle any real timezone, the third is a guard.
    for _ in range(3):
        if quiet is None or not quiet.contains(instant.astimezone(zone).time()):
            return instant.astimezone(UTC)
        local = instant.astimezone(zone)
        end_date = local.date()
        if quiet.wraps_midnight and local.time() >= quiet.start:
            end_date += timedelta(days=1)
        instant = local_to_utc(end_date, quiet.end, zone)
    raise RuntimeError("could not leave quiet hours")  # unreachable with real tz data


def reminder_instant(local_date: date, prefs: ReminderPreferences) -> datetime:
    """The UTC instant to remind the client about something on ``local_date``."""
    preferred = local_to_utc(local_date, prefs.reminder_time, prefs.timezone)
    return _out_of_quiet_hours(preferred, prefs)


def follow_up_instant(first_instant: datetime, delay: timedelta, prefs: ReminderPreferences) -> datetime:
    """A follow-up ``delay`` of elapsed time after the first reminder, moved out of quiet hours."""
    _require_aware(first_instant, "first_instant")
    if delay <= timedelta(0):
        raise ValueError("delay must be positive")
    return _out_of_quiet_hours(first_instant + delay, prefs)
