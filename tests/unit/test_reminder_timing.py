"""Reminder timing: the client's preferred local time, outside quiet hours, across DST.

Quiet hours run from start (inclusive) to end (exclusive) on the client's local clock.
Expected UTC instants are written out by hand from each zone's published offsets.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, UTC

import pytest
from pydantic import ValidationError

from chalicelib.reminders.timing import (
    QuietHours,
    ReminderPreferences,
    follow_up_instant,
    in_quiet_hours,
    reminder_instant,
)

UTC = UTC


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def prefs(zone: str = "Europe/London", at: str = "18:30", quiet: tuple[str, str] | None = None) -> ReminderPreferences:
    quiet_hours = {"start": quiet[0], "end": quiet[1]} if quiet else None
    return ReminderPreferences(timezone=zone, reminder_time=at, quiet_hours=quiet_hours)


# --------------------------------------------------------------------------- preferred time and DST


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        ("Europe/London", date(2026, 3, 28), utc(2026, 3, 28, 8)),  # GMT
        ("Europe/London", date(2026, 3, 29), utc(2026, 3, 29, 7)),  # BST from 01:00 UTC that day
        ("Europe/London", date(2026, 10, 24), utc(2026, 10, 24, 7)),
        ("Europe/London", date(2026, 10, 25), utc(2026, 10, 25, 8)),
        ("America/New_York", date(2026, 3, 7), utc(2026, 3, 7, 13)),  # EST
        ("America/New_York", date(2026, 3, 8), utc(2026, 3, 8, 12)),  # EDT
        ("America/New_York", date(2026, 10, 31), utc(2026, 10, 31, 12)),
        ("America/New_York", date(2026, 11, 1), utc(2026, 11, 1, 13)),
        ("Australia/Sydney", date(2026, 4, 4), utc(2026, 4, 3, 21)),  # AEDT
        ("Australia/Sydney", date(2026, 4, 5), utc(2026, 4, 4, 22)),  # AEST
        ("Australia/Sydney", date(2026, 10, 3), utc(2026, 10, 2, 22)),
        ("Australia/Sydney", date(2026, 10, 4), utc(2026, 10, 3, 21)),
    ],
)
def test_preferred_local_time_is_kept_across_daylight_saving(zone, day, expected):
    assert reminder_instant(day, prefs(zone, "08:00")) == expected


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        ("Europe/London", date(2026, 3, 29), "01:30", utc(2026, 3, 29, 1)),  # → 02:00 BST
        ("America/New_York", date(2026, 3, 8), "02:30", utc(2026, 3, 8, 7)),  # → 03:00 EDT
        ("Australia/Sydney", date(2026, 10, 4), "02:30", utc(2026, 10, 3, 16)),  # → 03:00 AEDT
    ],
)
def test_a_preferred_time_skipped_by_the_clocks_moves_forward_to_the_change(zone, day, at, expected):
    assert reminder_instant(day, prefs(zone, at)) == expected


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        ("Europe/London", date(2026, 10, 25), "01:30", utc(2026, 10, 25, 0, 30)),  # first 01:30 is BST
        ("America/New_York", date(2026, 11, 1), "01:30", utc(2026, 11, 1, 5, 30)),  # first 01:30 is EDT
        ("Australia/Sydney", date(2026, 4, 5), "02:30", utc(2026, 4, 4, 15, 30)),  # first 02:30 is AEDT
    ],
)
def test_a_preferred_time_that_happens_twice_takes_the_first(zone, day, at, expected):
    assert reminder_instant(day, prefs(zone, at)) == expected


# --------------------------------------------------------------------------- quiet hours


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("21:59", utc(2026, 1, 14, 21, 59)),  # just before quiet hours
        ("22:00", utc(2026, 1, 15, 7)),  # start is quiet: next morning at the end
        ("23:30", utc(2026, 1, 15, 7)),
        ("00:00", utc(2026, 1, 14, 7)),  # after midnight: the end is the same morning
        ("06:59", utc(2026, 1, 14, 7)),
        ("07:00", utc(2026, 1, 14, 7)),  # end is not quiet
    ],
)
def test_quiet_hours_wrapping_midnight(at, expected):
    assert reminder_instant(date(2026, 1, 14), prefs("Europe/London", at, ("22:00", "07:00"))) == expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("12:59", utc(2026, 7, 14, 16, 59)),  # New York in July is UTC-4
        ("13:00", utc(2026, 7, 14, 19)),
        ("14:10", utc(2026, 7, 14, 19)),
        ("15:00", utc(2026, 7, 14, 19)),
        ("15:01", utc(2026, 7, 14, 19, 1)),
    ],
)
def test_quiet_hours_within_a_day(at, expected):
    assert reminder_instant(date(2026, 7, 14), prefs("America/New_York", at, ("13:00", "15:00"))) == expected


def test_quiet_hours_ending_after_the_clocks_go_forward_use_the_new_offset():
    # 23:30 on Saturday 28 March is quiet; the end, 07:00 on Sunday, is already BST.
    p = prefs("Europe/London", "23:30", ("22:00", "07:00"))
    assert reminder_instant(date(2026, 3, 28), p) == utc(2026, 3, 29, 6)


def test_a_skipped_time_that_lands_in_quiet_hours_moves_to_their_end():
    # 01:30 does not exist; it moves to 02:00 BST, which is quiet until 03:00 BST (02:00 UTC).
    p = prefs("Europe/London", "01:30", ("02:00", "03:00"))
    assert reminder_instant(date(2026, 3, 29), p) == utc(2026, 3, 29, 2)


def test_quiet_hours_ending_at_a_skipped_time_end_at_the_change():
    # 01:00 EST is quiet until 02:30, which New York skips on 8 March: 03:00 EDT = 07:00 UTC.
    p = prefs("America/New_York", "01:00", ("23:00", "02:30"))
    assert reminder_instant(date(2026, 3, 8), p) == utc(2026, 3, 8, 7)


@pytest.mark.parametrize(
    ("instant", "quiet"),
    [
        (utc(2026, 1, 14, 21, 59, 59), False),
        (utc(2026, 1, 14, 22), True),
        (utc(2026, 1, 15, 3), True),
        (utc(2026, 1, 15, 6, 59, 59), True),
        (utc(2026, 1, 15, 7), False),
        (utc(2026, 1, 15, 12), False),
    ],
)
def test_in_quiet_hours_boundaries_wrapping_midnight(instant, quiet):
    assert in_quiet_hours(instant, prefs("Europe/London", "18:00", ("22:00", "07:00"))) is quiet


@pytest.mark.parametrize(
    ("instant", "quiet"),
    [
        # Sydney in January is UTC+11: 13:00 local is 02:00 UTC.
        (utc(2026, 1, 14, 1, 59, 59), False),
        (utc(2026, 1, 14, 2), True),
        (utc(2026, 1, 14, 3, 59, 59), True),
        (utc(2026, 1, 14, 4), False),
    ],
)
def test_in_quiet_hours_boundaries_within_a_day_on_the_clients_clock(instant, quiet):
    assert in_quiet_hours(instant, prefs("Australia/Sydney", "18:00", ("13:00", "15:00"))) is quiet


def test_no_quiet_hours_is_never_quiet():
    assert in_quiet_hours(utc(2026, 1, 14, 3), prefs("Europe/London", "03:00")) is False
    assert reminder_instant(date(2026, 1, 14), prefs("Europe/London", "03:00")) == utc(2026, 1, 14, 3)


def test_in_quiet_hours_refuses_a_naive_instant():
    with pytest.raises(ValueError):
        in_quiet_hours(datetime(2026, 1, 14, 3), prefs("Europe/London", "18:00", ("22:00", "07:00")))


# --------------------------------------------------------------------------- follow-ups


def test_follow_up_outside_quiet_hours_is_the_plain_delay():
    p = prefs("Europe/London", "18:00", ("22:00", "07:00"))
    assert follow_up_instant(utc(2026, 1, 14, 18), timedelta(hours=3), p) == utc(2026, 1, 14, 21)


def test_follow_up_landing_in_quiet_hours_moves_to_their_end():
    p = prefs("Europe/London", "18:00", ("22:00", "07:00"))
    assert follow_up_instant(utc(2026, 1, 14, 18), timedelta(hours=4), p) == utc(2026, 1, 15, 7)


def test_follow_up_delay_is_elapsed_time_across_the_clocks_going_back():
    # 23:30 BST on 24 October plus 3 hours elapsed is 01:30 GMT (the second 01:30),
    # inside quiet hours 01:00-06:00, so it moves to 06:00 GMT.
    p = prefs("Europe/London", "23:30", ("01:00", "06:00"))
    first = utc(2026, 10, 24, 22, 30)
    assert follow_up_instant(first, timedelta(hours=3), p) == utc(2026, 10, 25, 6)
    # Without quiet hours it is simply three hours later.
    assert follow_up_instant(first, timedelta(hours=3), prefs("Europe/London", "23:30")) == utc(2026, 10, 25, 1, 30)


def test_follow_up_needs_a_positive_delay_and_an_aware_instant():
    p = prefs()
    with pytest.raises(ValueError):
        follow_up_instant(utc(2026, 1, 14, 18), timedelta(0), p)
    with pytest.raises(ValueError):
        follow_up_instant(datetime(2026, 1, 14, 18), timedelta(hours=1), p)


# --------------------------------------------------------------------------- validation


def errors_of(**fields) -> list[tuple[tuple, str]]:
    with pytest.raises(ValidationError) as caught:
        ReminderPreferences(**fields)
    return [(error["loc"], error["type"]) for error in caught.value.errors()]


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "europe/london", "America/Argentina", "localtime", "", "../x"])
def test_unknown_timezone_is_refused_on_timezone(name):
    assert errors_of(timezone=name, reminder_time="18:00") == [(("timezone",), "timezone_unknown")]


def test_timezone_error_message_names_the_expected_form():
    with pytest.raises(ValidationError) as caught:
        ReminderPreferences(timezone="Mars/Olympus_Mons", reminder_time="18:00")
    assert "IANA" in caught.value.errors()[0]["msg"]


def test_times_are_local_and_to_the_minute():
    assert errors_of(timezone="Europe/London", reminder_time="18:00:30") == [
        (("reminder_time",), "local_time_precision")
    ]
    assert errors_of(timezone="Europe/London", reminder_time="18:00+01:00") == [
        (("reminder_time",), "local_time_with_zone")
    ]
    assert errors_of(timezone="Europe/London", reminder_time="25:00")[0][0] == ("reminder_time",)
    assert errors_of(timezone="Europe/London", reminder_time="18:00", quiet_hours={"start": "22:00:01", "end": "07:00"}) == [
        (("quiet_hours", "start"), "local_time_precision")
    ]


def test_quiet_hours_must_not_be_empty_and_take_no_extra_fields():
    assert errors_of(timezone="UTC", reminder_time="18:00", quiet_hours={"start": "22:00", "end": "22:00"}) == [
        (("quiet_hours",), "quiet_hours_empty")
    ]
    assert errors_of(timezone="UTC", reminder_time="18:00", quiet_hours={"start": "22:00"})[0][0] == (
        "quiet_hours", "end"
    )
    assert errors_of(timezone="UTC", reminder_time="18:00", channel="sms") == [(("channel",), "extra_forbidden")]


def test_preferences_round_trip_through_json():
    p = prefs("Australia/Sydney", "07:15", ("21:30", "06:45"))
    assert ReminderPreferences.model_validate_json(p.model_dump_json()) == p
    assert p.quiet_hours == QuietHours(start=time(21, 30), end=time(6, 45))
    assert p.quiet_hours.wraps_midnight
