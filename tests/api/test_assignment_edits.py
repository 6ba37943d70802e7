"""Changing an assignment already made: title, instructions, schedule and reminders, with
what it was before kept in `change_history`; the rules for moving dates."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, UTC
from zoneinfo import ZoneInfo

import pytest

from tests.api.conftest import post


def _json(response):
    return json.loads(response.body)


def _today() -> date:
    return datetime.now(UTC).astimezone(ZoneInfo("Europe/London")).date()  # the world's client lives in London


def _assign(api, world, **body) -> dict:
    return post(api, f"/v1/clients/{world.resources['client_id']}/assignments", world.headers("a1"),
                {"template_id": "thought-record", **body})


def _patch(api, world, assignment_id: str, body: dict, who: str = "a1"):
    return api.http.patch(f"/v1/assignments/{assignment_id}", headers=world.headers(who), body=json.dumps(body))


def _ok(response) -> dict:
    assert response.status_code == 200, response.body
    return _json(response)


def _errors(response) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.body
    return [(e["field"], e["message"]) for e in _json(response)["errors"]]


def test_title_instructions_schedule_and_reminders_change_with_their_history(api, world):
    made = _assign(api, world, title="One thought a day", instructions="Fill it in when your mood drops.",
                   recurrence={"frequency": "daily", "count": 14}, due_time="21:00",
                   reminders={"enabled": True, "follow_up_after_hours": 2})
    assert made["change_history"] == []
    assignment_id = made["assignment_id"]

    renamed = _ok(_patch(api, world, assignment_id, {"title": "A thought after hard moments",
                                                     "instructions": "Only on days that felt hard.",
                                                     "version": made["version"]}))
    assert renamed["title"] == "A thought after hard moments" and renamed["version"] == made["version"] + 1
    (first,) = renamed["change_history"]
    assert first["fields"] == ["title", "instructions"] and first["by"] == world.sub("a1")
    assert first["by_name"] == "A1" and first["at"].endswith("Z")
    assert first["before"] == {"title": "One thought a day", "instructions": "Fill it in when your mood drops."}

    rescheduled = _ok(_patch(api, world, assignment_id, {
        "recurrence": {"frequency": "weekly", "weekdays": ["mon", "thu"]}, "due_time": "19:30",
        "reminders": {"enabled": False}}))
    assert rescheduled["recurrence"]["frequency"] == "weekly" and rescheduled["due_time"] == "19:30"
    assert rescheduled["reminders"]["enabled"] is False
    second = rescheduled["change_history"][-1]
    assert second["fields"] == ["due_time", "recurrence", "reminders"]
    assert second["before"]["due_time"] == "21:00"
    assert second["before"]["recurrence"] == {"frequency": "daily", "interval": 1, "weekdays": [], "until": None,
                                              "count": 14}
    assert second["before"]["reminders"]["enabled"] is True
    assert second["before"]["reminders"]["follow_up_after_hours"] == 2

    paused = _ok(_patch(api, world, assignment_id, {"status": "paused"}))
    assert paused["change_history"][-1]["fields"] == ["status"]
    assert paused["change_history"][-1]["before"] == {"status": "active"}
    assert [h["status"] for h in paused["status_history"]] == ["active", "paused"]

    # GET shows the same history, oldest first.
    read = _ok(api.http.get(f"/v1/assignments/{assignment_id}", headers=world.headers("a1")))
    assert [c["fields"] for c in read["change_history"]] == [
        ["title", "instructions"], ["due_time", "recurrence", "reminders"], ["status"]]


def test_an_edit_that_changes_nothing_adds_no_history(api, world):
    made = _assign(api, world, title="Same", recurrence={"frequency": "daily"})
    same = _ok(_patch(api, world, made["assignment_id"], {"title": "Same", "recurrence": {"frequency": "daily"}}))
    assert same["change_history"] == []


def test_history_keeps_the_last_30_changes(api, world):
    made = _assign(api, world, title="Title 0", recurrence={"frequency": "daily"})
    for n in range(1, 33):
        _ok(_patch(api, world, made["assignment_id"], {"title": f"Title {n}"}))
    history = _ok(api.http.get(f"/v1/assignments/{made['assignment_id']}", headers=world.headers("a1")))[
        "change_history"]
    assert len(history) == 30
    assert history[0]["before"] == {"title": "Title 2"} and history[-1]["before"] == {"title": "Title 31"}


def test_a_one_off_due_date_moves_and_a_repeating_one_has_none(api, world):
    today = _today()
    once = _assign(api, world, due_date=(today + timedelta(days=3)).isoformat())
    moved = _ok(_patch(api, world, once["assignment_id"], {"due_date": (today + timedelta(days=5)).isoformat()}))
    assert moved["due_date"] == (today + timedelta(days=5)).isoformat()
    assert moved["change_history"][-1] == {**moved["change_history"][-1], "fields": ["due_date"],
                                           "before": {"due_date": (today + timedelta(days=3)).isoformat()}}
    assert moved["current"]["local_date"] == (today + timedelta(days=5)).isoformat()
    assert _errors(_patch(api, world, once["assignment_id"], {"due_date": (today - timedelta(days=1)).isoformat()})) \
        == [("due_date", "Choose today or a later date.")]

    # Made repeating, the one-off due date goes (each occurrence is due on its own day), and is recorded.
    daily = _ok(_patch(api, world, once["assignment_id"], {"recurrence": {"frequency": "daily"}}))
    assert daily["due_date"] is None
    assert daily["change_history"][-1]["fields"] == ["due_date", "recurrence"]
    assert _errors(_patch(api, world, once["assignment_id"], {"due_date": today.isoformat()})) == [
        ("due_date", "A due date applies to one-off homework; repeating homework is due each time.")]


def test_the_start_date_moves_only_before_the_homework_starts(api, world):
    today = _today()
    later = _assign(api, world, start_date=(today + timedelta(days=7)).isoformat(),
                    recurrence={"frequency": "daily", "count": 5})
    moved = _ok(_patch(api, world, later["assignment_id"], {"start_date": (today + timedelta(days=2)).isoformat()}))
    assert moved["start_date"] == (today + timedelta(days=2)).isoformat()
    assert moved["next_due_at"].startswith((today + timedelta(days=2)).isoformat())
    assert moved["change_history"][-1]["before"] == {"start_date": (today + timedelta(days=7)).isoformat()}
    assert _errors(_patch(api, world, later["assignment_id"], {"start_date": (today - timedelta(days=1)).isoformat()})) \
        == [("start_date", "Choose today or a later date.")]

    started = _assign(api, world, start_date=(today - timedelta(days=3)).isoformat(),
                      recurrence={"frequency": "daily"}, due_time="00:01")
    assert _errors(_patch(api, world, started["assignment_id"], {"start_date": (today + timedelta(days=1)).isoformat()})) \
        == [("start_date", "This homework has already started, so its start date cannot change.")]


def test_dates_must_stay_in_order(api, world):
    today = _today()
    once = _assign(api, world, start_date=(today + timedelta(days=2)).isoformat(),
                   due_date=(today + timedelta(days=4)).isoformat())
    assert _errors(_patch(api, world, once["assignment_id"], {"start_date": (today + timedelta(days=6)).isoformat()})) \
        == [("start_date", "The due date is before the start date.")]
    assert _errors(_patch(api, world, once["assignment_id"], {"due_date": (today + timedelta(days=1)).isoformat()})) \
        == [("due_date", "The due date is before the start date.")]
    series = _assign(api, world, start_date=(today + timedelta(days=2)).isoformat(), recurrence={"frequency": "daily"})
    ends_early = {"frequency": "daily", "until": (today + timedelta(days=1)).isoformat()}
    assert _errors(_patch(api, world, series["assignment_id"], {"recurrence": ends_early})) == [
        ("recurrence.until", "The last date is before the start date.")]


@pytest.mark.parametrize("field", ["title", "instructions", "start_date", "due_time", "recurrence", "reminders",
                                   "status"])
def test_null_is_refused_in_a_sentence(api, world, field):
    made = _assign(api, world, recurrence={"frequency": "daily"})
    assert _errors(_patch(api, world, made["assignment_id"], {field: None})) == [
        (field, "This cannot be left empty.")]


def test_a_stale_version_is_409_and_changes_nothing(api, world):
    made = _assign(api, world, title="Before", recurrence={"frequency": "daily"})
    _ok(_patch(api, world, made["assignment_id"], {"title": "First edit", "version": made["version"]}))
    stale = _patch(api, world, made["assignment_id"], {"title": "Second tab", "version": made["version"]})
    assert stale.status_code == 409, stale.body
    read = _ok(api.http.get(f"/v1/assignments/{made['assignment_id']}", headers=world.headers("a1")))
    assert read["title"] == "First edit" and len(read["change_history"]) == 1


def test_a_cancelled_assignment_stays_cancelled(api, world):
    made = _assign(api, world, recurrence={"frequency": "daily"})
    _ok(_patch(api, world, made["assignment_id"], {"status": "cancelled"}))
    assert _errors(_patch(api, world, made["assignment_id"], {"status": "active"})) == [
        ("status", "A cancelled assignment cannot be restarted; assign it again.")]


def test_other_clinicians_cannot_edit(api, world):
    made = _assign(api, world, title="Mine", recurrence={"frequency": "daily"})
    for who in ("a2", "b1", "owner_b"):
        assert _patch(api, world, made["assignment_id"], {"title": "Theirs"}, who=who).status_code == 404
    edited = _ok(_patch(api, world, made["assignment_id"], {"title": "Owner's"}, who="owner_a"))
    assert edited["change_history"][-1]["by"] == world.sub("owner_a")
