"""Answers and times as a clinician reads them: option wording rather than codes, dates
written out in the client's time zone ("Sun 1 Nov 2026, 19:00 GMT"), yes/no in words."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, UTC
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.homework.items.base import fmt, parse_date, parse_datetime

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):  # an unknown or malformed zone name
        return ZoneInfo("UTC")


def _us(locale: str | None) -> bool:
    """Month first (Nov 1, 2026) where the client's locale writes dates that way."""
    return bool(locale) and str(locale).replace("_", "-").lower() in ("en-us", "en-ph", "es-us")


def day(value: date, locale: str | None = None) -> str:
    if _us(locale):
        return f"{_DAYS[value.weekday()]} {_MONTHS[value.month - 1]} {value.day}, {value.year}"
    return f"{_DAYS[value.weekday()]} {value.day} {_MONTHS[value.month - 1]} {value.year}"


def clock(value: time, locale: str | None = None) -> str:
    if _us(locale):
        hour = value.hour % 12 or 12
        return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"
    return f"{value.hour:02d}:{value.minute:02d}"


def moment(value: str | datetime | None, zone: str, locale: str | None = None) -> str:
    """An instant in the client's time zone, with the zone's abbreviation; a wall-clock
    time stored without an offset is the client's own and is shown as it is."""
    when = value if isinstance(value, datetime) else parse_datetime(value)
    if when is None:
        return "" if value is None else str(value)
    if when.tzinfo is not None:
        when = when.astimezone(_zone(zone))
        suffix = f" {when.tzname()}" if when.tzname() else ""
    else:
        suffix = ""
    return f"{day(when.date(), locale)}, {clock(when.time(), locale)}{suffix}"


def short_day(value: date) -> str:
    return f"{value.day} {_MONTHS[value.month - 1]}"


def local_date(value: str, zone: str) -> date | None:
    when = parse_datetime(value)
    if when is None:
        return parse_date(value[:10]) if isinstance(value, str) else None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(_zone(zone)).date()


@dataclass(frozen=True)
class _Writer:
    """Days, clock times and instants for one client: their zone and locale bound in."""
    zone: str
    locale: str | None

    def day(self, value: date) -> str:
        return day(value, self.locale)

    def clock(self, value: time) -> str:
        return clock(value, self.locale)

    def moment(self, value: Any) -> str:
        return moment(value, self.zone, self.locale)


def answer(item: Any, value: Any, zone: str, locale: str | None = None, *, scored: bool = False) -> str:
    """One answer in words, as its item type writes it for a printed record (ItemType.written);
    an answer to an unknown question as plain text."""
    if value is None or value == "" or value == []:
        return ""
    if item is None:
        return _plain(value)
    return item.written(value, _Writer(zone, locale), scored=scored)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return fmt(value)
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return str(value)


def with_unit(value: Any, unit: str | None) -> str:
    if unit == "%":
        return f"{number(value)}%"
    return f"{number(value)} {unit}" if unit else number(value)


def number(value: Any) -> str:
    return fmt(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
