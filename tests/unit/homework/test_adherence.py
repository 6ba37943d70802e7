"""Adherence figures from (profile, STATS) pairs, worked out by hand."""
from __future__ import annotations

from datetime import date, datetime, UTC

import pytest

from chalicelib.errors import FieldErrors
from chalicelib.homework import adherence

FROM, TO = date(2026, 11, 2), date(2026, 11, 8)  # Monday to Sunday
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
SET = [{"status": "active", "at": "2026-10-31T00:00:00Z"}]


def _summary(kind, recurrence, start, due_time, *, channels=None, enabled=True, history=SET):
    return {"kind": kind, "template_id": "t", "recurrence": recurrence, "start_date": start, "due_date": None,
            "due_time": due_time, "status_history": history, "reminders_enabled": enabled, "channels": channels}


def _o(c, q=None, r=None):
    return {"c": c, "q": q, "r": r}


def _caseload():
    london = {"client_id": "A", "timezone": "Europe/London", "reminder_channels": ["email"]}
    stats_a = {"assignments": {
        # daily, 08:00 (morning), the client's own channel (email)
        "a1": _summary("worksheet", {"frequency": "daily"}, "2026-11-01", "08:00"),
        # Mondays 22:30 (night) by SMS and push
        "a2": _summary("questionnaire", {"frequency": "weekly", "weekdays": ["mon"]}, "2026-11-02", "22:30",
                       channels=["sms", "push"]),
        # every other day 13:00 (afternoon), reminders off; paused from 4 Nov 12:00 to 7 Nov: the 4th and 6th
        # fell due while paused, so only the 2nd and the 8th are due
        "a3": _summary("diary", {"frequency": "every_n_days", "interval": 2}, "2026-11-02", "13:00", enabled=False,
                       history=[*SET, {"status": "paused", "at": "2026-11-04T12:00:00Z"},
                                {"status": "active", "at": "2026-11-07T00:00:00Z"}]),
    }, "outcomes": {
        "a1": {"2026-11-01": _o("complete", 5, 5),  # before `from`
               "2026-11-02": _o("complete", 4, 5), "2026-11-03": _o("partial", 2), "2026-11-04": _o("skipped"),
               "2026-11-06": _o("complete", None, 3), "2026-11-08": _o("complete", 5)},
        "a2": {"2026-11-02": _o("complete", 3)},
        "a3": {"2026-11-02": _o("complete", 1, 1)},
    }}
    new_york = {"client_id": "B", "timezone": "America/New_York", "reminder_channels": []}
    stats_b = {"assignments": {
        # once on 5 Nov at 18:00 (evening); no channel of the client's: "none"
        "a4": _summary("worksheet", {"frequency": "once"}, "2026-11-05", "18:00"),
        # daily 19:00 from the 7th, cancelled on 8 Nov 12:00 UTC: only the 7th is due (skipped)
        "a5": _summary("diary", {"frequency": "daily"}, "2026-11-07", "19:00", channels=["email"],
                       history=[*SET, {"status": "cancelled", "at": "2026-11-08T12:00:00Z"}]),
    }, "outcomes": {"a5": {"2026-11-07": _o("skipped")}}}
    no_homework = {"client_id": "C", "timezone": "Europe/Paris", "reminder_channels": ["sms"]}
    return [(london, stats_a), (new_york, stats_b), (no_homework, None)]


def _f(due, done, partial=0, skipped=0, rate=None, q=None, r=None):
    return {"due": due, "done": done, "partial": partial, "skipped": skipped, "rate": rate, "client_quality": q,
            "clinician_quality": r}


def test_figures_by_kind_channel_and_time_of_day():
    figures = adherence.figures(_caseload(), FROM, TO, NOW)
    assert figures["clients"] == 3
    # Due: a1 7 + a2 1 + a3 2 + a4 1 + a5 1 = 12. Done: a1 4 (one partial) + a2 1 + a3 1 = 6.
    # Client ratings 4, 2, 5, 3, 1 (mean 3); clinician ratings 5, 3, 1 (mean 3).
    assert figures["overall"] == _f(12, 6, 1, 2, 0.5, 3.0, 3.0)
    assert figures["by_kind"] == {
        "diary": _f(3, 1, 0, 1, 0.333, 1.0, 1.0),                 # a3 + a5
        "questionnaire": _f(1, 1, 0, 0, 1.0, 3.0, None),          # a2
        "worksheet": _f(8, 4, 1, 1, 0.5, 3.67, 4.0),              # a1 + a4
    }
    assert figures["by_channel"] == {
        "email": _f(8, 4, 1, 2, 0.5, 3.67, 4.0),                  # a1 (client's own) + a5
        "none": _f(3, 1, 0, 0, 0.333, 1.0, 1.0),                  # a3 (reminders off) + a4 (no channel)
        "push": _f(1, 1, 0, 0, 1.0, 3.0, None),                   # a2, under both of its channels
        "sms": _f(1, 1, 0, 0, 1.0, 3.0, None),
    }
    assert figures["by_time_of_day"] == {
        "morning": _f(7, 4, 1, 1, 0.571, 3.67, 4.0),              # a1 08:00
        "afternoon": _f(2, 1, 0, 0, 0.5, 1.0, 1.0),               # a3 13:00
        "evening": _f(2, 0, 0, 1, 0.0, None, None),               # a4 18:00, a5 19:00
        "night": _f(1, 1, 0, 0, 1.0, 3.0, None),                  # a2 22:30
    }


def test_an_occurrence_not_yet_due_counts_only_once_done():
    profile = {"client_id": "A", "timezone": "Europe/London", "reminder_channels": ["email"]}
    stats = {"assignments": {"a": _summary("diary", {"frequency": "daily"}, "2026-11-07", "20:00"),
                             "b": _summary("diary", {"frequency": "daily"}, "2026-11-07", "21:00")},
             "outcomes": {"a": {"2026-11-08": _o("complete", 4)}}}
    morning = datetime(2026, 11, 8, 10, tzinfo=UTC)
    # a: the 7th (missed) and the 8th (done early); b: the 7th only.
    assert adherence.figures([(profile, stats)], FROM, TO, morning)["overall"] == _f(3, 1, 0, 0, 0.333, 4.0)


def test_local_dates_decide_what_is_in_range_across_time_zones():
    # 23:30 in Auckland on 8 Nov is 10:30 UTC on the 8th; on 1 Nov it is 10:30 UTC on 1 Nov: out of range.
    profile = {"client_id": "A", "timezone": "Pacific/Auckland", "reminder_channels": ["email"]}
    stats = {"assignments": {"a": _summary("diary", {"frequency": "daily"}, "2026-10-25", "23:30")}}
    figures = adherence.figures([(profile, stats)], FROM, TO, NOW)
    assert figures["overall"]["due"] == 7 and figures["by_time_of_day"]["night"]["due"] == 7


@pytest.mark.parametrize("hhmm, expected", [
    ("04:59", "night"), ("05:00", "morning"), ("11:59", "morning"), ("12:00", "afternoon"), ("16:59", "afternoon"),
    ("17:00", "evening"), ("21:59", "evening"), ("22:00", "night"), ("00:00", "night")])
def test_time_of_day_boundaries(hhmm, expected):
    assert adherence.time_of_day(hhmm) == expected


def test_channels_of():
    profile = {"reminder_channels": ["email", "sms"]}
    assert adherence.channels_of({"reminders_enabled": True, "channels": None}, profile) == ["email", "sms"]
    assert adherence.channels_of({"reminders_enabled": True, "channels": ["push"]}, profile) == ["push"]
    assert adherence.channels_of({"reminders_enabled": False, "channels": ["push"]}, profile) == ["none"]
    assert adherence.channels_of({"reminders_enabled": True, "channels": []}, profile) == ["none"]
    assert adherence.channels_of({"reminders_enabled": True, "channels": None}, {"reminder_channels": []}) == ["none"]


def test_range_rules_read_as_sentences():
    adherence.check_range(FROM, FROM)
    adherence.check_range(date(2026, 1, 1), date(2027, 1, 2))  # 366 days on
    with pytest.raises(FieldErrors) as backwards:
        adherence.check_range(TO, FROM)
    assert backwards.value.errors == [{"field": "to", "type": "date_order",
                                       "message": "Choose an end date on or after the start date."}]
    with pytest.raises(FieldErrors) as too_long:
        adherence.check_range(date(2026, 1, 1), date(2027, 1, 3))
    assert too_long.value.errors[0]["message"] == "Choose an end date at most 366 days after the start date."
