"""Barriers, the pure rules: the codes and their words, tidying a report, and which missed
occurrence (if any) to ask the client about."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.homework import barriers
from chalicelib.homework.schedule import Schedule

LONDON = "Europe/London"
CREATED = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a Monday; London is on GMT


def daily(**extra):
    return {"recurrence": {"frequency": "daily"}, "start_date": "2027-03-01", "due_date": None, "due_time": "20:00",
            "status": "active", "status_history": [{"status": "active", "at": "2027-03-01T09:00:00Z"}],
            "occurrences": {}, **extra}


def ask(assignment, now):
    return barriers.ask_barriers_for(assignment, Schedule.of(assignment, LONDON), now)


def test_the_codes_are_the_issue_s_list_in_order_with_client_words():
    assert barriers.CODES == ("forgot", "no_time", "did_not_understand", "too_hard", "did_not_see_point",
                              "felt_worse", "other")
    assert barriers.labels(["felt_worse", "other"]) == ["I felt worse doing it", "Something else"]
    assert all(label[0].isupper() and "_" not in label for label in barriers.LABELS.values())


def test_normalise_keeps_each_code_once_in_list_order_and_trims_the_text():
    assert barriers.normalise(["other", "forgot", "forgot"], "  my shift changed \n") == \
        (["forgot", "other"], "my shift changed")
    assert barriers.normalise([], None) == ([], None)
    assert barriers.normalise(None, "   ") == ([], None)


def test_words_under_something_else_tick_it():
    assert barriers.normalise(["no_time"], "Visitors came") == (["no_time", "other"], "Visitors came")
    assert barriers.normalise([], "Visitors came") == (["other"], "Visitors came")


@pytest.mark.parametrize("codes,other,field", [(["bored"], None, "barriers"), (["forgot"], "x" * 501, "other")])
def test_a_report_that_does_not_fit_names_the_field_in_a_sentence(codes, other, field):
    with pytest.raises(barriers.BarrierProblem) as refused:
        barriers.normalise(codes, other)
    assert refused.value.field == field
    assert refused.value.message[0].isupper() and refused.value.message.endswith(".")
    assert "bored" not in refused.value.message  # never the value sent


def test_records_keep_the_newest_occurrences_only():
    records = {}
    for n in range(barriers.KEEP_RECORDS + 3):
        day = (datetime(2025, 1, 1) + timedelta(days=n)).date().isoformat()
        records = barriers.with_record(records, day, barriers.record(["forgot"], None, "missed", "t"))
    assert len(records) == barriers.KEEP_RECORDS
    assert min(records) == (datetime(2025, 1, 4)).date().isoformat()


def test_not_now_is_a_missed_record_without_barriers():
    assert barriers.is_dismissed(barriers.record([], None, "missed", "t"))
    assert not barriers.is_dismissed(barriers.record(["forgot"], None, "missed", "t"))
    assert not barriers.is_dismissed(barriers.record([], None, "skipped", "t"))
    assert not barriers.is_dismissed(None)


def test_nothing_to_ask_before_anything_was_missed():
    assert ask(daily(), CREATED + timedelta(hours=10)) is None  # due 20:00, now 19:00


def test_the_latest_missed_occurrence_is_asked_about():
    now = datetime(2027, 3, 4, 12, 0, tzinfo=UTC)  # 1, 2 and 3 March have fallen due
    assignment = daily(occurrences={"2027-03-01": {"state": "submitted"}})
    assert ask(assignment, now) == "2027-03-03"


def test_done_occurrences_are_not_missed():
    now = datetime(2027, 3, 4, 12, 0, tzinfo=UTC)
    assignment = daily(occurrences={"2027-03-03": {"state": "skipped"}})
    assert ask(assignment, now) == "2027-03-02"


def test_an_answer_or_not_now_means_no_more_asking_about_that_lapse():
    now = datetime(2027, 3, 4, 12, 0, tzinfo=UTC)
    for entry in (barriers.record([], None, "missed", "t"), barriers.record(["no_time"], None, "missed", "t")):
        assert ask(daily(barriers={"2027-03-03": entry}), now) is None
    # An older lapse with its own answer does not stop the question about the latest.
    assert ask(daily(barriers={"2027-03-02": barriers.record(["forgot"], None, "missed", "t")}), now) == "2027-03-03"


def test_only_the_last_seven_days_are_asked_about():
    assignment = daily(recurrence={"frequency": "once"}, start_date="2027-03-01")
    assert ask(assignment, datetime(2027, 3, 8, 19, 0, tzinfo=UTC)) == "2027-03-01"
    assert ask(assignment, datetime(2027, 3, 8, 21, 0, tzinfo=UTC)) is None


def test_occurrences_due_while_paused_or_after_cancelling_are_not_asked_about():
    paused = daily(status="paused", status_history=[{"status": "active", "at": "2027-03-01T09:00:00Z"},
                                                    {"status": "paused", "at": "2027-03-02T09:00:00Z"}])
    assert ask(paused, datetime(2027, 3, 4, 12, 0, tzinfo=UTC)) == "2027-03-01"
    cancelled = daily(status="cancelled", status_history=[{"status": "active", "at": "2027-03-01T09:00:00Z"},
                                                          {"status": "cancelled", "at": "2027-03-02T09:00:00Z"}])
    assert ask(cancelled, datetime(2027, 3, 4, 12, 0, tzinfo=UTC)) is None


def test_why_an_occurrence_was_not_missed():
    assignment = daily(occurrences={"2027-03-01": {"state": "submitted"}, "2027-03-02": {"state": "skipped"}})
    schedule = Schedule.of(assignment, LONDON)
    now = datetime(2027, 3, 4, 12, 0, tzinfo=UTC)
    done = assignment["occurrences"]

    def reason(day):
        return barriers.missed_reason(schedule, schedule.find(day), done, now)

    assert reason("2027-03-03") is None
    assert "done" in reason("2027-03-01")
    assert "skipped" in reason("2027-03-02")
    assert "not due yet" in reason("2027-03-04")
    assert "not due" in barriers.missed_reason(schedule, schedule.find("2027-02-27"), done, now)
    assert all(reason(day).endswith(".") for day in ("2027-03-01", "2027-03-02", "2027-03-04"))
