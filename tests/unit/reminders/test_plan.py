"""Which reminder comes next: overrides, follow-ups, the open window, pauses, channels."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

from chalicelib.reminders.plan import effective_channels, next_reminder, still_due

NOW = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)  # London is on GMT in January


def _profile(**overrides):
    return {"client_id": "C1", "timezone": "Europe/London", "reminder_time": "18:30", "reminder_channels": ["email"],
            "email": "c@example.com", "quiet_hours": None, **overrides}


def _assignment(**overrides):
    return {"assignment_id": "C1-01ARZ3NDEKTSV4RRFFQ69G5FAV", "status": "active", "start_date": "2027-01-11",
            "due_date": None, "due_time": "23:00", "recurrence": {"frequency": "daily"}, "occurrences": {},
            "status_history": [{"status": "active", "at": "2027-01-01T00:00:00Z"}],
            "reminders": {"enabled": True, "channels": None, "time": None, "only_while_open": True,
                          "follow_up_after_hours": None, "max_follow_ups": 1}, **overrides}


def test_the_first_reminder_is_at_the_clients_time_and_an_override_wins():
    planned = next_reminder(_assignment(), _profile(), not_before=NOW)
    assert (planned.send_at, planned.occurrence_id, planned.number) == (
        datetime(2027, 1, 11, 18, 30, tzinfo=UTC), "2027-01-11", 0)
    override = _assignment(reminders={**_assignment()["reminders"], "time": "07:45"})
    planned = next_reminder(override, _profile(), not_before=NOW)
    assert planned.send_at == datetime(2027, 1, 12, 7, 45, tzinfo=UTC)  # 07:45 today has passed


def test_follow_ups_come_after_the_delay_up_to_the_count_and_only_while_open():
    settings = {**_assignment()["reminders"], "follow_up_after_hours": 2, "max_follow_ups": 3}
    assignment = _assignment(reminders=settings)
    after_first = next_reminder(assignment, _profile(), not_before=NOW, after=("2027-01-11", 0))
    assert (after_first.send_at.hour, after_first.number) == (20, 1)
    after_second = next_reminder(assignment, _profile(), not_before=NOW, after=("2027-01-11", 1))
    assert (after_second.send_at.hour, after_second.number) == (22, 2)
    # A third follow-up at 00:30 would fall after the 23:00 due time: tomorrow's first comes next.
    after_third = next_reminder(assignment, _profile(), not_before=NOW, after=("2027-01-11", 2))
    assert (after_third.occurrence_id, after_third.number) == ("2027-01-12", 0)
    # Without the open-window rule the third follow-up goes out after the due time.
    loose = _assignment(reminders={**settings, "only_while_open": False})
    late = next_reminder(loose, _profile(), not_before=NOW, after=("2027-01-11", 2))
    assert (late.occurrence_id, late.number, late.send_at.hour) == ("2027-01-11", 3, 0)


def test_done_paused_disabled_or_unreachable_assignments_send_nothing_for_it():
    done = _assignment(occurrences={"2027-01-11": {"state": "submitted"}})
    assert next_reminder(done, _profile(), not_before=NOW).occurrence_id == "2027-01-12"
    assert next_reminder(_assignment(status="paused"), _profile(), not_before=NOW) is None
    off = _assignment(reminders={**_assignment()["reminders"], "enabled": False})
    assert next_reminder(off, _profile(), not_before=NOW) is None
    assert next_reminder(_assignment(), _profile(unsubscribed=["email"]), not_before=NOW) is None
    assert next_reminder(_assignment(), _profile(email=None), not_before=NOW) is None


def test_channels_follow_the_assignment_then_the_client_less_unsubscribed_ones():
    profile = _profile(reminder_channels=["email", "sms"], phone="+447911123456", unsubscribed=["sms"])
    assert effective_channels(_assignment(), profile) == ("email",)
    override = _assignment(reminders={**_assignment()["reminders"], "channels": ["push", "sms"]})
    assert effective_channels(override, profile) == ("push",)


def test_a_due_reminder_is_dropped_once_the_occurrence_is_done_or_closed():
    assignment = _assignment()
    evening = datetime(2027, 1, 11, 18, 35, tzinfo=UTC)
    assert still_due(assignment, _profile(), "2027-01-11", evening) == (True, ("email",))
    assert still_due(assignment, _profile(), "2027-01-11", evening + timedelta(hours=5))[0] is False
    done = _assignment(occurrences={"2027-01-11": {"state": "skipped"}})
    assert still_due(done, _profile(), "2027-01-11", evening)[0] is False


def test_a_stored_record_whose_quiet_hours_start_and_end_alike_plans_as_if_it_had_none():
    # Saved before the client models refused it: it must not fail every later write.
    legacy = _profile(quiet_hours={"start": "18:30", "end": "18:30"})
    planned = next_reminder(_assignment(), legacy, not_before=NOW)
    assert planned.send_at == datetime(2027, 1, 11, 18, 30, tzinfo=UTC)
    # Real quiet hours still move the reminder.
    quiet = _profile(quiet_hours={"start": "18:00", "end": "19:00"})
    assert next_reminder(_assignment(), quiet, not_before=NOW).send_at == datetime(2027, 1, 11, 19, 0,
                                                                                  tzinfo=UTC)


def test_the_client_models_refuse_what_the_plan_would_read_as_no_quiet_hours():
    import pytest
    from pydantic import ValidationError

    from chalicelib.clients.models import ClientPreferencesUpdate, QuietHours

    with pytest.raises(ValidationError) as raised:
        ClientPreferencesUpdate.model_validate({"quiet_hours": {"start": "22:00", "end": "22:00"}})
    assert [(e["loc"], e["type"]) for e in raised.value.errors()] == [(("quiet_hours",), "quiet_hours_empty")]
    assert QuietHours(start="22:00", end="07:00").end == "07:00"
