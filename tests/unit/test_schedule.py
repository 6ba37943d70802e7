"""Occurrence states, the current occurrence, completion and streaks, in the client's timezone."""
from datetime import datetime, UTC

from chalicelib.homework import schedule as rules


def _assignment(**overrides):
    base = {"recurrence": {"frequency": "daily"}, "start_date": "2026-03-25", "due_time": "20:00",
            "status_history": [{"status": "active", "at": "2026-03-24T09:00:00Z"}]}
    return {**base, **overrides}


def _sent(*ids: str) -> dict[str, rules.Answer]:
    return {i: rules.Answer(done=True) for i in ids}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_states_follow_the_local_day_and_due_time_across_the_clock_change():
    schedule = rules.Schedule.of(_assignment(), "Europe/London")
    # 29 March 2026: clocks go forward, 20:00 BST is 19:00 UTC.
    occurrence = schedule.find("2026-03-29")
    assert occurrence.due_at == _at("2026-03-29T19:00:00")
    assert rules.state_of(schedule, occurrence, {}, None, _at("2026-03-28T23:30:00")) == "upcoming"
    assert rules.state_of(schedule, occurrence, {}, None, _at("2026-03-29T18:59:00")) == "open"
    assert rules.state_of(schedule, occurrence, {}, "2026-03-29", _at("2026-03-29T18:59:00")) == "draft"
    assert rules.state_of(schedule, occurrence, {}, None, _at("2026-03-29T19:01:00")) == "missed"
    done = {"2026-03-29": {"state": "submitted"}}
    assert rules.state_of(schedule, occurrence, done, None, _at("2026-03-30T10:00:00")) == "submitted"


def test_current_occurrence_allows_late_completion_within_the_grace():
    schedule = rules.Schedule.of(_assignment(), "Europe/London")
    now = _at("2026-03-27T09:00:00")
    assert rules.current_occurrence(schedule, {}, now).occurrence_id == "2026-03-25"  # missed, still in grace
    done = {"2026-03-25": {"state": "submitted"}, "2026-03-26": {"state": "skipped"}}
    assert rules.current_occurrence(schedule, done, now).occurrence_id == "2026-03-27"
    assert rules.can_complete(schedule, schedule.find("2026-03-28"), done, now) == "This one has not started yet."
    far = _at("2026-04-10T09:00:00")
    assert rules.can_complete(schedule, schedule.find("2026-03-25"), {}, far) == "This one is too far past its due time."


def test_paused_time_is_not_due_and_cancelled_has_no_next():
    history = [{"status": "active", "at": "2026-03-24T09:00:00Z"}, {"status": "paused", "at": "2026-03-27T00:00:00Z"},
               {"status": "active", "at": "2026-03-30T00:00:00Z"}]
    schedule = rules.Schedule.of(_assignment(status_history=history), "Europe/London")
    now = _at("2026-04-01T21:00:00")
    result = rules.completion(schedule, _sent("2026-03-25", "2026-03-30", "2026-04-01"), now)
    # Due: 25, 26 (before the pause) and 30, 31, 1 April (after) = 5; 27-29 fell in the pause.
    assert (result.done, result.due) == (3, 5)
    assert rules.streaks(schedule, _sent("2026-03-30", "2026-03-31", "2026-04-01"), now) == (3, 3)
    cancelled = rules.Schedule.of(_assignment(status_history=[*history, {"status": "cancelled",
                                                                         "at": "2026-04-01T22:00:00Z"}]),
                                  "Europe/London")
    assert rules.next_due(cancelled, {}, _at("2026-04-02T09:00:00")) is None
    assert rules.current_occurrence(cancelled, {}, _at("2026-04-02T09:00:00")) is None


def test_completion_over_a_window_and_ratio():
    schedule = rules.Schedule.of(_assignment(), "America/New_York")
    now = _at("2026-04-08T12:00:00")
    week = rules.completion(schedule, _sent("2026-04-05", "2026-04-06"), now, days=7)
    assert week.due == 7 and week.done == 2 and week.ratio == round(2 / 7, 3)
    assert rules.Completion(0, 0).ratio is None


def test_once_assignment_opens_at_start_and_is_due_on_its_due_date():
    schedule = rules.Schedule.of(_assignment(recurrence={"frequency": "once"}, due_date="2026-03-31"), "Australia/Sydney")
    (only,) = schedule.occurrences()
    assert only.occurrence_id == "2026-03-25" and only.local_date.isoformat() == "2026-03-31"
    assert rules.current_occurrence(schedule, {}, _at("2026-03-26T00:00:00")).occurrence_id == "2026-03-25"
    assert schedule.find("2026-03-26") is None
