"""The one rule of which occurrences count and which are done (schedule.counted), table-driven.

All in New York, across the end of daylight saving on Sunday 1 November 2026 (02:00 EDT becomes
01:00 EST): a 21:00 due time is 01:00 UTC the next day until 31 October's, 02:00 UTC from
1 November's; a Sunday 09:00 due time is 13:00 UTC on 25 October and 14:00 UTC from 1 November.
"""
from __future__ import annotations

from datetime import datetime, UTC

import pytest

from chalicelib.homework import schedule as rules

NY = "America/New_York"
ACTIVE = [{"status": "active", "at": "2026-10-20T12:00:00Z"}]


def _t(text: str) -> datetime:
    return datetime.fromisoformat(f"2026-{text}").replace(tzinfo=UTC)


def _schedule(recurrence, start, due_time, due_date=None, history=ACTIVE):
    return rules.Schedule.of({"recurrence": recurrence, "start_date": start, "due_date": due_date,
                              "due_time": due_time, "status_history": history}, NY)


DAILY = _schedule({"frequency": "daily"}, "2026-10-29", "21:00")
WEEKLY = _schedule({"frequency": "weekly", "weekdays": ["sun"]}, "2026-10-25", "09:00")
ONCE = _schedule({"frequency": "once"}, "2026-10-30", "21:00", due_date="2026-11-02")
# Daily, paused from 1 November 16:00 UTC (after that day's early skip) to the 3rd.
PAUSED = _schedule({"frequency": "daily"}, "2026-10-29", "21:00", history=[
    *ACTIVE, {"status": "paused", "at": "2026-11-01T16:00:00Z"}, {"status": "active", "at": "2026-11-03T12:00:00Z"}])

SENT, SKIPPED = True, False
DAILY_ANSWERS = {
    # 29 Oct: no answer (missed).
    "2026-10-30": (SENT, "10-30T20:00:00"),     # on time: 16:00 EDT, before its 21:00 due time
    "2026-10-31": (SENT, "11-01T12:00:00"),     # late: due 01:00 UTC on 1 Nov, sent within the grace
    "2026-11-01": (SKIPPED, "11-01T15:00:00"),  # skipped before it fell due (02:00 UTC on 2 Nov, EST)
    "2026-11-02": (SENT, "11-02T14:00:00"),     # early: still not due at "now"
}

CASES = [
    # (case, schedule, answers, now, since, expected [(occurrence, outcome)], (done, due))
    ("daily, all time", DAILY, DAILY_ANSWERS, "11-02T20:00:00", None,
     [("2026-10-29", "missed"), ("2026-10-30", "done"), ("2026-10-31", "done"), ("2026-11-01", "skipped"),
      ("2026-11-02", "done")], (3, 5)),
    ("daily, nothing sent early: only what fell due", DAILY,
     {k: v for k, v in DAILY_ANSWERS.items() if k != "2026-11-02"}, "11-02T20:00:00", None,
     [("2026-10-29", "missed"), ("2026-10-30", "done"), ("2026-10-31", "done"), ("2026-11-01", "skipped")], (2, 4)),
    # From 1 Nov 00:00 UTC: the 29th and 30th counted before (the 30th at its answer, 20:00 on the 30th);
    # the 31st by its due time (answered late); the 1st and 2nd at their early answers.
    ("daily, a window", DAILY, DAILY_ANSWERS, "11-02T20:00:00", "11-01T00:00:00",
     [("2026-10-31", "done"), ("2026-11-01", "skipped"), ("2026-11-02", "done")], (2, 3)),
    # A window ending before the early answer (a review that ended then) leaves it out.
    ("daily, a review that ended before the early answer", DAILY, DAILY_ANSWERS, "11-02T13:00:00", "11-01T00:00:00",
     [("2026-10-31", "done"), ("2026-11-01", "skipped")], (1, 2)),
    ("daily, the early answer's occurrence after it falls due", DAILY, DAILY_ANSWERS, "11-03T03:00:00", None,
     [("2026-10-29", "missed"), ("2026-10-30", "done"), ("2026-10-31", "done"), ("2026-11-01", "skipped"),
      ("2026-11-02", "done")], (3, 5)),
    # Paused over the 1st's and 2nd's due times: the 2nd is not due; the 1st counts, being answered.
    ("daily, answered before a pause", PAUSED, {"2026-11-01": (SKIPPED, "11-01T15:00:00")}, "11-03T20:00:00", None,
     [("2026-10-29", "missed"), ("2026-10-30", "missed"), ("2026-10-31", "missed"), ("2026-11-01", "skipped")],
     (0, 4)),
    ("weekly, late, missed and early", WEEKLY,
     {"2026-10-25": (SENT, "10-26T10:00:00"), "2026-11-08": (SENT, "11-08T11:00:00")}, "11-08T12:00:00", None,
     [("2026-10-25", "done"), ("2026-11-01", "missed"), ("2026-11-08", "done")], (2, 3)),
    ("weekly, skipped early", WEEKLY, {"2026-11-08": (SKIPPED, "11-08T11:00:00")}, "11-08T12:00:00", None,
     [("2026-10-25", "missed"), ("2026-11-01", "missed"), ("2026-11-08", "skipped")], (0, 3)),
    ("one-off sent three days early", ONCE, {"2026-10-30": (SENT, "10-31T12:00:00")}, "11-01T12:00:00", None,
     [("2026-10-30", "done")], (1, 1)),
    ("one-off not yet due and not sent", ONCE, {}, "11-01T12:00:00", None, [], (0, 0)),
    ("one-off missed", ONCE, {}, "11-03T03:00:00", None, [("2026-10-30", "missed")], (0, 1)),
    ("one-off sent late", ONCE, {"2026-10-30": (SENT, "11-03T05:00:00")}, "11-03T06:00:00", None,
     [("2026-10-30", "done")], (1, 1)),
    ("one-off skipped on time", ONCE, {"2026-10-30": (SKIPPED, "11-02T20:00:00")}, "11-03T06:00:00", None,
     [("2026-10-30", "skipped")], (0, 1)),
]


@pytest.mark.parametrize("case,schedule,answers,now,since,expected,figures", CASES, ids=[c[0] for c in CASES])
def test_which_occurrences_count_and_which_are_done(case, schedule, answers, now, since, expected, figures):
    given = {occurrence: rules.Answer(done=done, at=_t(at)) for occurrence, (done, at) in answers.items()}
    found = rules.counted(schedule, given, _t(now), _t(since) if since else None)
    assert [(c.occurrence.occurrence_id, c.outcome) for c in found] == expected
    if since is None:
        result = rules.completion(schedule, given, _t(now))
        assert (result.done, result.due) == figures


def test_due_times_follow_the_clock_change():
    assert DAILY.find("2026-10-31").due_at == _t("11-01T01:00:00")
    assert DAILY.find("2026-11-01").due_at == _t("11-02T02:00:00")
    assert WEEKLY.find("2026-10-25").due_at == _t("10-25T13:00:00")
    assert WEEKLY.find("2026-11-01").due_at == _t("11-01T14:00:00")


def test_every_reader_of_answers_agrees():
    """The assignment's records, the adherence ledger and the caseload's figures give the same count."""
    records = {"2026-10-30": {"state": "submitted", "at": "2026-10-30T20:00:00Z"},
               "2026-11-01": {"state": "skipped", "at": "2026-11-01T15:00:00Z"},
               "2026-11-02": {"state": "submitted", "at": "2026-11-02T14:00:00Z"}}
    ledger = {"2026-10-30": {"c": "complete", "q": 4, "r": None},
              "2026-11-01": {"c": "skipped", "q": None, "r": None},
              "2026-11-02": {"c": "partial", "q": None, "r": None, "t": "2026-11-02T14:00:00Z"}}
    now = _t("11-02T20:00:00")
    from_records = rules.completion(DAILY, rules.answers_from_records(records), now)
    from_ledger = rules.completion(DAILY, rules.answers_from_ledger(ledger), now)
    assert (from_records.done, from_records.due) == (from_ledger.done, from_ledger.due) == (2, 5)
    summary = {"recurrence": {"frequency": "daily"}, "start_date": "2026-10-29", "due_time": "21:00",
               "status_history": ACTIVE}
    figures = rules.caseload_figures({"assignments": {"A": summary}, "outcomes": {"A": ledger}}, NY, now)
    assert figures["completion_7d"] == {"done": 2, "due": 5, "ratio": 0.4}
    assert rules.streaks(DAILY, rules.answers_from_records(records), now) == (1, 1)
