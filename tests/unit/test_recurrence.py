"""Recurrence: which local dates an assignment falls on, and when each falls due in UTC.

Expected series are built here with dateutil.rrule directly and, where it helps to see
them, written out by hand. Expected UTC instants are written out by hand from each
zone's published offsets.
"""
from __future__ import annotations

import time as time_module
from datetime import date, datetime, time, timedelta, UTC
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule
from pydantic import ValidationError

from chalicelib.homework.recurrence import (
    MAX_OCCURRENCES,
    Recurrence,
    load_zone,
    local_to_utc,
    occurrences,
)

UTC = UTC


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local_dates(found) -> list[date]:
    return [occurrence.local_date for occurrence in found]


def rrule_dates(freq, start: date, **kwargs) -> list[date]:
    return [moment.date() for moment in rrule.rrule(freq, dtstart=datetime.combine(start, time()), **kwargs)]


def days(*isodates: str) -> list[date]:
    return [date.fromisoformat(value) for value in isodates]


# --------------------------------------------------------------------------- series shape


def test_daily_with_count_matches_rrule_and_crosses_month_end():
    rule = Recurrence(frequency="daily", count=5)
    found = occurrences(rule, start=date(2026, 1, 29), due_time=time(9), tz="Europe/London")
    assert local_dates(found) == rrule_dates(rrule.DAILY, date(2026, 1, 29), count=5)
    assert local_dates(found) == days("2026-01-29", "2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02")


def test_daily_until_is_inclusive():
    rule = Recurrence(frequency="daily", until=date(2026, 2, 2))
    found = occurrences(rule, start=date(2026, 1, 30), due_time=time(9), tz="UTC")
    assert local_dates(found) == days("2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02")
    assert local_dates(found) == rrule_dates(rrule.DAILY, date(2026, 1, 30), until=datetime(2026, 2, 2))


def test_daily_across_february_in_a_leap_year_and_a_common_year():
    leap = occurrences(Recurrence(frequency="daily", count=4), start=date(2028, 2, 27), due_time=time(9), tz="UTC")
    assert local_dates(leap) == days("2028-02-27", "2028-02-28", "2028-02-29", "2028-03-01")
    common = occurrences(Recurrence(frequency="daily", count=3), start=date(2027, 2, 27), due_time=time(9), tz="UTC")
    assert local_dates(common) == days("2027-02-27", "2027-02-28", "2027-03-01")


def test_weekly_on_monday_wednesday_friday_until_a_date():
    rule = Recurrence(frequency="weekly", weekdays=["fri", "mon", "wed"], until=date(2026, 3, 9))
    # 2026-02-25 is a Wednesday.
    found = occurrences(rule, start=date(2026, 2, 25), due_time=time(18), tz="Europe/London")
    assert local_dates(found) == days(
        "2026-02-25", "2026-02-27", "2026-03-02", "2026-03-04", "2026-03-06", "2026-03-09"
    )
    expected = rrule_dates(
        rrule.WEEKLY, date(2026, 2, 25), byweekday=(rrule.MO, rrule.WE, rrule.FR), until=datetime(2026, 3, 9)
    )
    assert local_dates(found) == expected
    assert rule.weekdays == ["mon", "wed", "fri"]


def test_weekly_starting_on_an_unchosen_day_begins_at_the_next_chosen_day():
    rule = Recurrence(frequency="weekly", weekdays=["mon", "fri"], count=4)
    # 2026-03-03 is a Tuesday.
    found = occurrences(rule, start=date(2026, 3, 3), due_time=time(8), tz="UTC")
    assert local_dates(found) == days("2026-03-06", "2026-03-09", "2026-03-13", "2026-03-16")
    assert local_dates(found) == rrule_dates(
        rrule.WEEKLY, date(2026, 3, 3), byweekday=(rrule.MO, rrule.FR), count=4
    )


def test_every_three_days_across_the_year_end():
    rule = Recurrence(frequency="every_n_days", interval=3, count=5)
    found = occurrences(rule, start=date(2026, 12, 26), due_time=time(20), tz="UTC")
    assert local_dates(found) == days("2026-12-26", "2026-12-29", "2027-01-01", "2027-01-04", "2027-01-07")
    assert local_dates(found) == rrule_dates(rrule.DAILY, date(2026, 12, 26), interval=3, count=5)


def test_daily_across_the_year_end():
    found = occurrences(Recurrence(frequency="daily", count=3), start=date(2026, 12, 30), due_time=time(7), tz="UTC")
    assert local_dates(found) == days("2026-12-30", "2026-12-31", "2027-01-01")


def test_once_is_the_start_date_only():
    found = occurrences(Recurrence(frequency="once"), start=date(2026, 5, 4), due_time=time(17, 30), tz="UTC")
    assert [(o.occurrence_id, o.due_at) for o in found] == [("2026-05-04", utc(2026, 5, 4, 17, 30))]


def test_until_before_start_yields_nothing():
    rule = Recurrence(frequency="daily", until=date(2026, 1, 1))
    assert occurrences(rule, start=date(2026, 2, 1), due_time=time(9), tz="UTC") == []


def test_occurrence_ids_are_local_dates_and_due_at_is_aware_utc():
    found = occurrences(
        Recurrence(frequency="daily", count=2), start=date(2026, 7, 1), due_time=time(23, 30), tz="America/New_York"
    )
    assert [o.occurrence_id for o in found] == ["2026-07-01", "2026-07-02"]
    # 23:30 EDT (UTC-4) is 03:30 UTC the next calendar day.
    assert [o.due_at for o in found] == [utc(2026, 7, 2, 3, 30), utc(2026, 7, 3, 3, 30)]
    assert all(o.due_at.tzinfo is UTC for o in found)


@pytest.mark.parametrize(
    ("rule", "freq", "rrule_kwargs"),
    [
        (Recurrence(frequency="daily", count=40), rrule.DAILY, {"count": 40}),
        (Recurrence(frequency="every_n_days", interval=4, until=date(2026, 9, 1)), rrule.DAILY,
         {"interval": 4, "until": datetime(2026, 9, 1)}),
        (Recurrence(frequency="weekly", weekdays=["tue", "sat"], count=25), rrule.WEEKLY,
         {"byweekday": (rrule.TU, rrule.SA), "count": 25}),
        (Recurrence(frequency="every_n_days", interval=7, count=12), rrule.DAILY, {"interval": 7, "count": 12}),
    ],
)
def test_series_agree_with_rrule(rule, freq, rrule_kwargs):
    start = date(2026, 2, 10)
    expected = rrule_dates(freq, start, **rrule_kwargs)
    assert local_dates(occurrences(rule, start=start, due_time=time(12), tz="UTC")) == expected


# --------------------------------------------------------------------------- windows and bounds


def test_window_start_is_inclusive_and_window_end_exclusive():
    rule = Recurrence(frequency="daily")
    found = occurrences(
        rule, start=date(2026, 1, 1), due_time=time(9), tz="UTC",
        window_start=utc(2026, 1, 5, 9), window_end=utc(2026, 1, 8, 9),
    )
    assert local_dates(found) == days("2026-01-05", "2026-01-06", "2026-01-07")


def test_window_far_into_an_open_series_matches_rrule_between():
    rule = Recurrence(frequency="every_n_days", interval=3)
    start = date(2026, 1, 1)
    found = occurrences(
        rule, start=start, due_time=time(9), tz="UTC", window_start=utc(2031, 6, 10), window_end=utc(2031, 7, 1)
    )
    series = rrule.rrule(rrule.DAILY, dtstart=datetime(2026, 1, 1, 9), interval=3)
    expected = [m.date() for m in series.between(datetime(2031, 6, 10), datetime(2031, 7, 1), inc=True)]
    assert local_dates(found) == expected
    assert len(expected) == 7


def test_window_inside_a_counted_series_keeps_the_count():
    rule = Recurrence(frequency="weekly", weekdays=["mon", "thu"], count=10)
    found = occurrences(rule, start=date(2026, 1, 1), due_time=time(9), tz="UTC", window_start=utc(2026, 1, 20))
    expected = [d for d in rrule_dates(rrule.WEEKLY, date(2026, 1, 1), byweekday=(rrule.MO, rrule.TH), count=10)
                if d >= date(2026, 1, 20)]
    assert local_dates(found) == expected


def test_open_series_is_capped_by_limit():
    rule = Recurrence(frequency="daily")
    assert len(occurrences(rule, start=date(2026, 1, 1), due_time=time(9), tz="UTC")) == MAX_OCCURRENCES
    assert local_dates(occurrences(rule, start=date(2026, 1, 1), due_time=time(9), tz="UTC", limit=2)) == days(
        "2026-01-01", "2026-01-02"
    )
    with pytest.raises(ValueError):
        occurrences(rule, start=date(2026, 1, 1), due_time=time(9), tz="UTC", limit=MAX_OCCURRENCES + 1)
    with pytest.raises(ValueError):
        occurrences(rule, start=date(2026, 1, 1), due_time=time(9), tz="UTC", limit=0)


def test_naive_window_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        occurrences(Recurrence(frequency="daily"), start=date(2026, 1, 1), due_time=time(9), tz="UTC",
                    window_start=datetime(2026, 1, 2))


def test_an_open_series_is_not_walked_from_its_start():
    # Walking 2.6 million daily dates from 1900 takes seconds; starting near the window
    # takes about a millisecond. The bound is generous so a busy machine cannot trip it.
    began = time_module.perf_counter()
    found = occurrences(
        Recurrence(frequency="daily"), start=date(1900, 1, 1), due_time=time(9), tz="Europe/London",
        window_start=utc(9000, 6, 1), limit=2,
    )
    assert time_module.perf_counter() - began < 1.0
    assert local_dates(found) == days("9000-06-01", "9000-06-02")


# --------------------------------------------------------------------------- daylight saving

DST_CHANGES = [
    # zone, last day before, first day after, 08:00 local in UTC on each
    ("Europe/London", date(2026, 3, 28), date(2026, 3, 29), utc(2026, 3, 28, 8), utc(2026, 3, 29, 7)),
    ("Europe/London", date(2026, 10, 24), date(2026, 10, 25), utc(2026, 10, 24, 7), utc(2026, 10, 25, 8)),
    ("America/New_York", date(2026, 3, 7), date(2026, 3, 8), utc(2026, 3, 7, 13), utc(2026, 3, 8, 12)),
    ("America/New_York", date(2026, 10, 31), date(2026, 11, 1), utc(2026, 10, 31, 12), utc(2026, 11, 1, 13)),
    ("Australia/Sydney", date(2026, 4, 4), date(2026, 4, 5), utc(2026, 4, 3, 21), utc(2026, 4, 4, 22)),
    ("Australia/Sydney", date(2026, 10, 3), date(2026, 10, 4), utc(2026, 10, 2, 22), utc(2026, 10, 3, 21)),
]


@pytest.mark.parametrize(("zone", "before", "after", "utc_before", "utc_after"), DST_CHANGES)
def test_daily_eight_oclock_keeps_local_time_across_the_change(zone, before, after, utc_before, utc_after):
    found = occurrences(
        Recurrence(frequency="daily", count=5), start=before - timedelta(days=1), due_time=time(8), tz=zone
    )
    by_date = {o.local_date: o.due_at for o in found}
    assert by_date[before] == utc_before
    assert by_date[after] == utc_after
    assert abs(utc_after - utc_before) in (timedelta(hours=23), timedelta(hours=25))
    for o in found:
        local = o.due_at.astimezone(ZoneInfo(zone))
        assert (local.date(), local.time()) == (o.local_date, time(8))


@pytest.mark.parametrize(
    ("zone", "day", "wall", "expected"),
    [
        # London 2026-03-29: 01:00 GMT jumps to 02:00 BST; 01:30 becomes 02:00 BST = 01:00 UTC.
        ("Europe/London", date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1)),
        ("Europe/London", date(2026, 3, 29), time(1, 0), utc(2026, 3, 29, 1)),
        # New York 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 becomes 03:00 EDT = 07:00 UTC.
        ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7)),
        # Sydney 2026-10-04: 02:00 AEST jumps to 03:00 AEDT; 02:30 becomes 03:00 AEDT = 16:00 UTC the day before.
        ("Australia/Sydney", date(2026, 10, 4), time(2, 30), utc(2026, 10, 3, 16)),
        # Lord Howe moves by half an hour: 02:00 (+10:30) jumps to 02:30 (+11); 02:15 becomes 02:30 = 15:30 UTC.
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15), utc(2026, 10, 3, 15, 30)),
        # Samoa skipped 30 December 2011 (UTC-10 to UTC+14 at midnight): any time that day
        # becomes 00:00 on the 31st = 10:00 UTC on the 30th.
        ("Pacific/Apia", date(2011, 12, 30), time(10), utc(2011, 12, 30, 10)),
    ],
)
def test_a_time_that_does_not_exist_moves_forward_to_the_change(zone, day, wall, expected):
    assert local_to_utc(day, wall, zone) == expected
    [found] = occurrences(Recurrence(frequency="once"), start=day, due_time=wall, tz=zone)
    assert found.due_at == expected


@pytest.mark.parametrize(
    ("zone", "day", "wall", "expected"),
    [
        # London 2026-10-25: 01:00-02:00 happens twice; the first is BST (UTC+1).
        ("Europe/London", date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),
        # New York 2026-11-01: the first 01:30 is EDT (UTC-4).
        ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
        # Sydney 2026-04-05: 02:00-03:00 happens twice; the first is AEDT (UTC+11).
        ("Australia/Sydney", date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30)),
    ],
)
def test_an_ambiguous_time_takes_the_first(zone, day, wall, expected):
    assert local_to_utc(day, wall, zone) == expected


def test_a_daily_series_through_the_gap_only_moves_the_skipped_day():
    found = occurrences(
        Recurrence(frequency="daily", count=3), start=date(2026, 3, 28), due_time=time(1, 30), tz="Europe/London"
    )
    # 01:30 GMT, then the skipped 01:30 as 02:00 BST, then 01:30 BST.
    assert [o.due_at for o in found] == [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1), utc(2026, 3, 30, 0, 30)]


def test_window_edges_follow_the_instant_across_a_change():
    rule = Recurrence(frequency="daily")
    args = dict(start=date(2026, 1, 1), due_time=time(8), tz="America/New_York")
    # 2026-03-08 08:00 EDT is 12:00 UTC: a window ending at 12:00 excludes it, one at 12:01 includes it.
    assert local_dates(occurrences(rule, **args, window_start=utc(2026, 3, 7), window_end=utc(2026, 3, 8, 12))) == [
        date(2026, 3, 7)
    ]
    assert local_dates(occurrences(rule, **args, window_start=utc(2026, 3, 7), window_end=utc(2026, 3, 8, 12, 1))) == [
        date(2026, 3, 7), date(2026, 3, 8)
    ]


# --------------------------------------------------------------------------- validation


def errors_of(**fields) -> list[tuple[tuple, str]]:
    with pytest.raises(ValidationError) as caught:
        Recurrence(**fields)
    return [(error["loc"], error["type"]) for error in caught.value.errors()]


def test_weekly_without_weekdays_is_refused_on_weekdays():
    assert errors_of(frequency="weekly") == [(("weekdays",), "recurrence_weekdays_required")]
    assert errors_of(frequency="weekly", weekdays=[]) == [(("weekdays",), "recurrence_weekdays_required")]


def test_count_and_until_together_are_refused_on_count():
    assert errors_of(frequency="daily", until="2026-05-01", count=3) == [(("count",), "recurrence_count_with_until")]


@pytest.mark.parametrize("interval", [0, 366, -1])
def test_interval_out_of_range_is_refused(interval):
    errors = errors_of(frequency="every_n_days", interval=interval)
    assert [loc for loc, _ in errors] == [("interval",)]


def test_interval_and_weekdays_only_where_they_apply():
    assert errors_of(frequency="daily", interval=2) == [(("interval",), "recurrence_interval_not_allowed")]
    assert errors_of(frequency="daily", weekdays=["mon"]) == [(("weekdays",), "recurrence_weekdays_not_allowed")]


def test_once_takes_neither_until_nor_count():
    assert errors_of(frequency="once", count=1) == [(("count",), "recurrence_count_not_allowed")]
    assert errors_of(frequency="once", until="2026-05-01") == [(("until",), "recurrence_until_not_allowed")]


def test_other_bad_shapes_are_refused():
    assert errors_of(frequency="weekly", weekdays=["mon", "mon"]) == [(("weekdays",), "recurrence_weekdays_repeated")]
    assert errors_of(frequency="weekly", weekdays=["monday"])[0][0] == ("weekdays", 0)
    assert errors_of(frequency="daily", count=0)[0][0] == ("count",)
    assert errors_of(frequency="daily", count=367)[0][0] == ("count",)
    assert errors_of(frequency="daily", count=True)[0][0] == ("count",)
    assert errors_of(frequency="monthly")[0][0] == ("frequency",)
    assert errors_of(frequency="daily", every="day") == [(("every",), "extra_forbidden")]


def test_error_messages_say_what_to_change():
    with pytest.raises(ValidationError) as caught:
        Recurrence(frequency="weekly")
    assert caught.value.errors()[0]["msg"] == "choose at least one day for weekly homework"


def test_a_dumped_rule_validates_again():
    for rule in [
        Recurrence(frequency="once"),
        Recurrence(frequency="weekly", weekdays=["sun", "mon"], count=4),
        Recurrence(frequency="every_n_days", interval=3, until=date(2026, 6, 1)),
    ]:
        assert Recurrence.model_validate(rule.model_dump(mode="json")) == rule
        assert Recurrence.model_validate_json(rule.model_dump_json()) == rule


@pytest.mark.parametrize(
    "name", ["Mars/Olympus_Mons", "europe/london", "America/Argentina", "../etc/passwd", "/etc/localtime",
             "localtime", "Factory", "", "Europe/London ", "x" * 200]
)
def test_unknown_timezone_names_are_refused(name):
    with pytest.raises(ValueError):
        load_zone(name)
    with pytest.raises(ValueError):
        occurrences(Recurrence(frequency="once"), start=date(2026, 1, 1), due_time=time(9), tz=name)


def test_known_timezone_names_load():
    for name in ["Europe/London", "America/Argentina/Buenos_Aires", "UTC", "Asia/Kolkata"]:
        assert load_zone(name) == ZoneInfo(name)


def test_due_time_with_a_timezone_is_refused():
    with pytest.raises(ValueError):
        local_to_utc(date(2026, 1, 1), time(9, tzinfo=UTC), "Europe/London")
