"""The next-session review through the API, with the clock moved through a week of homework.

Three assignments (a daily thought record with a plan, a weekly PHQ-9, a daily mood diary); the
clinician marks a review done on Monday; during the week the client sends homework in (one part
done), skips one, misses others and says what got in the way of one, rates their homework, lowers
their plan confidence and writes a note for the session; the clinician rates one submission; the
PHQ-9 falls by 6 points (PHQ-9's reliable change) with a risk answer. The next Monday's review
shows all of it, read in one DynamoDB request besides authentication and the audit write.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime

import pytest
import time_machine

from tests.api.conftest import WEEKLY_MEASURE, mint, phq9_answers, use_table
from tests.api.test_request_budget import counted

THOUGHT_RECORD = {
    "situation": "Colleague did not reply to my message",
    "emotions": [{"emotion": "Anxious", "intensity": 70}],
    "automatic_thoughts": "They are annoyed with me.",
    "balanced_thought": "They are busy; they replied late before and it was fine.",
}


def _t(text: str) -> datetime:
    return datetime.fromisoformat(f"2026-01-{text}+00:00")  # January: London is on UTC


class Clinic:
    """A practice of its own on a table of its own; tokens minted at the (travelled) time of each call."""

    def __init__(self, api):
        from chalicelib.identity import practices
        from chalicelib.identity.principals import Role

        self.api = api
        run = uuid.uuid4().hex[:8]
        self.settings = use_table(f"emotipal-review-{run}")
        self.practice_id = practices.create_practice("Harbour Psychology")["practice_id"]
        other = practices.create_practice("Northside Counselling")["practice_id"]
        self.subs = {}
        for name, practice, role in [("c1", self.practice_id, Role.clinician), ("c2", self.practice_id, Role.clinician),
                                     ("owner", self.practice_id, Role.owner), ("stranger", other, Role.owner)]:
            self.subs[name] = f"sub-{name}-{run}"
            practices.add_member(practice, self.subs[name], email=f"{name}-{run}@example.com",
                                 display_name=name, role=role)
        self.links: dict[str, str] = {}

    def headers(self, who: str) -> dict[str, str]:
        token = self.links[who] if who in self.links else mint(self.settings, self.subs[who])
        return {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, who: str, body: dict | None = None, expect: int | None = None,
             **headers: str):
        response = self.api.http.request(method=method, path=path, headers={**self.headers(who), **headers},
                                         body=json.dumps(body) if body is not None else b"")
        if expect is not None:
            assert response.status_code == expect, response.body
        return json.loads(response.body) if response.body else None

    def add_client(self, name: str, **profile) -> str:
        client = self.call("POST", "/v1/clients", "c1", {
            "display_name": name, "email": f"{uuid.uuid4().hex[:8]}@example.com", "timezone": "Europe/London",
            "reminder_channels": ["email"], **profile}, expect=201)
        link = self.call("POST", f"/v1/clients/{client['client_id']}/access-link", "c1", {}, expect=201)
        self.links[client["client_id"]] = link["url"].split("#token=")[1]
        return client["client_id"]

    def submit(self, client_id: str, assignment_id: str, occurrence_id: str, answers: dict, **extra) -> dict:
        return self.call("POST", f"/v1/client/assignments/{assignment_id}/submissions", client_id,
                         {"occurrence_id": occurrence_id, "answers": answers, **extra}, expect=201,
                         **{"Idempotency-Key": uuid.uuid4().hex})


@pytest.fixture(scope="module")
def week(aws, api):
    """The week of homework; yields (clinic, client id, assignment ids by name, clock)."""
    with time_machine.travel(_t("05T07:00:00"), tick=False) as clock:
        clinic = Clinic(api)
        client = clinic.add_client("Robin Review")
        base = f"/v1/clients/{client}/assignments"
        ids = {
            "thought": clinic.call("POST", base, "c1", {
                "template_id": "thought-record", "title": "Catch a thought", "recurrence": {"frequency": "daily"},
                "start_date": "2026-01-05", "due_time": "20:00",
                "plan": {"rationale": "Noticing the thought is the first step.", "when_where": "After dinner",
                         "first_step": "Open the link", "confidence": 7}}, expect=201)["assignment_id"],
            "phq9": clinic.call("POST", base, "c1", {
                "template_id": "phq-9", "recurrence": {"frequency": "weekly", "weekdays": ["mon"]},
                "start_date": "2026-01-05", "due_time": "09:00", **WEEKLY_MEASURE}, expect=201)["assignment_id"],
            "mood": clinic.call("POST", base, "c1", {
                "template_id": "mood-diary", "recurrence": {"frequency": "daily"}, "start_date": "2026-01-06",
                "due_time": "10:00"}, expect=201)["assignment_id"],
        }
        clock.move_to(_t("05T08:30:00"))  # PHQ-9 before the last review: 16, the baseline
        clinic.submit(client, ids["phq9"], "2026-01-05", phq9_answers(2, 2, 2, 2, 2, 2, 2, 2, 0))
        clock.move_to(_t("05T12:00:00"))
        clinic.call("POST", f"/v1/clients/{client}/session-review", "c1", {"note": "First session"}, expect=201)

        clock.move_to(_t("05T19:00:00"))
        first = clinic.submit(client, ids["thought"], "2026-01-05", THOUGHT_RECORD, rating=4,
                              note_for_session="I want to talk about the meeting")
        clock.move_to(_t("06T09:00:00"))
        clinic.submit(client, ids["mood"], "2026-01-06", {"diary_date": "2026-01-06", "mood_rating": 4}, rating=3)
        clock.move_to(_t("06T21:00:00"))
        clinic.submit(client, ids["thought"], "2026-01-06", {"situation": "Late train"}, completion="partial",
                      rating=2)
        clock.move_to(_t("07T09:00:00"))
        clinic.call("POST", f"/v1/submissions/{first['submission_id']}/review", "c1",
                    {"feedback": "Well spotted.", "quality_rating": 4}, expect=200)
        clock.move_to(_t("07T15:00:00"))
        clinic.call("PATCH", f"/v1/client/assignments/{ids['thought']}/plan", client, {"confidence": 4}, expect=200)
        clock.move_to(_t("07T18:00:00"))
        clinic.call("POST", f"/v1/client/assignments/{ids['thought']}/skip", client,
                    {"occurrence_id": "2026-01-07", "reason": "Felt unwell"}, expect=200)
        clock.move_to(_t("08T09:00:00"))  # the mood diary of the 7th was due at 10:00 yesterday: missed
        clinic.call("POST", f"/v1/client/assignments/{ids['mood']}/barriers", client,
                    {"occurrence_id": "2026-01-07", "barriers": ["forgot", "no_time"]}, expect=200)
        clock.move_to(_t("10T11:00:00"))
        clinic.call("POST", "/v1/client/session-notes", client, {"text": "Sleep has been worse"}, expect=201)
        clock.move_to(_t("12T08:30:00"))  # PHQ-9 10 (6 points down) with a risk answer: an open alert
        clinic.submit(client, ids["phq9"], "2026-01-12", phq9_answers(1, 1, 1, 1, 1, 1, 1, 2, 1))
        clock.move_to(_t("12T09:30:00"))
        clinic.submit(client, ids["mood"], "2026-01-12", {"diary_date": "2026-01-12", "mood_rating": 6}, rating=5)
        clock.move_to(_t("12T13:00:00"))
        yield clinic, client, ids, clock


@pytest.fixture(scope="module")
def review(week):
    clinic, client, _, _ = week
    with counted() as calls:
        response = clinic.api.http.get(f"/v1/clients/{client}/session-review", headers=clinic.headers("c1"))
    assert response.status_code == 200, response.body
    return json.loads(response.body), calls


def _by_id(review: dict, assignment_id: str) -> dict:
    return next(a for a in review["assignments"] if a["assignment_id"] == assignment_id)


def test_the_review_is_read_in_one_request_besides_authentication_and_the_audit_write(review):
    _, calls = review
    names = [name for name, params in calls
             if not (name == "GetItem" and params["Key"]["pk"]["S"].startswith("USER#"))]
    assert len(calls) - len(names) == 1, "authentication was not seen"
    assert names == ["Query", "PutItem"], calls
    query = next(params for name, params in calls if name == "Query")
    # No `since` given: the feed newest first (the summary, which says where the last review ended, comes
    # before every dated item), stopping at the last review.
    assert query["IndexName"] == "gsi4" and query["KeyConditionExpression"] == "#pk = :pk"
    assert query["ScanIndexForward"] is False
    put = next(params for name, params in calls if name == "PutItem")
    assert put["Item"]["pk"]["S"].startswith("AUDIT#CLIENT#")


def test_it_starts_where_the_last_review_ended(review):
    body, _ = review
    assert (body["since"], body["until"]) == ("2026-01-05T12:00:00Z", "2026-01-12T13:00:00Z")
    assert body["last_reviewed_at"] == "2026-01-05T12:00:00Z" and body["last_review_note"] == "First session"
    assert body["display_name"] == "Robin Review" and body["timezone"] == "Europe/London"


def test_completion_per_assignment(review, week):
    body, _ = review
    ids = week[2]
    # Thought record, due daily 20:00: the 5th to the 11th fell due (7); the 5th done, the 6th partly done,
    # the 7th skipped, the 8th to the 11th missed.
    assert _by_id(body, ids["thought"])["completion"] == {"due": 7, "done": 2, "partial": 1, "skipped": 1,
                                                          "missed": 4}
    # PHQ-9 on Mondays 09:00: only the 12th is inside the review (the 5th fell due before it began).
    assert _by_id(body, ids["phq9"])["completion"] == {"due": 1, "done": 1, "partial": 0, "skipped": 0, "missed": 0}
    # Mood diary, daily 10:00 from the 6th: 7 due; the 6th and the 12th done; the 7th to the 11th missed.
    assert _by_id(body, ids["mood"])["completion"] == {"due": 7, "done": 2, "partial": 0, "skipped": 0, "missed": 5}
    assert body["completion"] == {"due": 15, "done": 5, "partial": 1, "skipped": 1, "missed": 9}
    # In the order they were set.
    assert [a["assignment_id"] for a in body["assignments"]] == [ids["thought"], ids["phq9"], ids["mood"]]
    assert [a["kind"] for a in body["assignments"]] == ["worksheet", "questionnaire", "diary"]


def test_quality_ratings_from_both_sides(review, week):
    body, _ = review
    thought = _by_id(body, week[2]["thought"])
    assert thought["client_ratings"] == [4, 2] and thought["clinician_ratings"] == [4]
    assert body["quality"] == {"client_mean": 3.5, "clinician_mean": 4.0, "client_ratings": [4, 3, 2, 5],
                               "clinician_ratings": [4]}
    first = next(s for s in body["submissions"] if s["occurrence_id"] == "2026-01-05")
    assert first["rating"] == 4 and first["quality_rating"] == 4 and first["completion"] == "complete"


def test_a_missed_occurrence_with_two_barriers(review, week):
    body, _ = review
    mood = _by_id(body, week[2]["mood"])
    assert mood["barriers"] == {"forgot": 1, "no_time": 1}
    assert mood["barrier_reports"][0]["occurrence_id"] == "2026-01-07"
    assert mood["barrier_reports"][0]["barriers"] == ["forgot", "no_time"]
    assert mood["barrier_reports"][0]["context"] == "missed"
    assert body["barrier_counts"] == {"forgot": 1, "no_time": 1}


def test_plan_confidence_and_its_change(review, week):
    body, _ = review
    plan = _by_id(body, week[2]["thought"])["plan"]
    assert plan["confidence"] == 4 and plan["needs_adjustment"] is True
    assert plan["when_where"] == "After dinner" and plan["first_step"] == "Open the link"
    assert [{k: c[k] for k in ("from", "to", "by_role")} for c in plan["confidence_changes"]] == [
        {"from": 7, "to": 4, "by_role": "client"}]
    assert plan["confidence_changes"][0]["at"] == "2026-01-07T15:00:00Z"


def test_phq9_change_of_six_points_is_reliable(review):
    body, _ = review
    [score] = body["scores"]
    assert score["template_id"] == "phq-9"
    assert score["baseline"] == {"total": 16, "band": "Moderately severe", "at": "2026-01-05T08:30:00Z"}
    assert score["latest"] == {"total": 10, "band": "Moderate", "at": "2026-01-12T08:30:00Z"}
    assert (score["change"], score["reliable"], score["direction"]) == (-6, True, "improved")


def test_open_alerts_with_the_answer_and_the_clients_notes(review):
    body, _ = review
    [alert] = body["open_alerts"]
    assert alert["items"][0]["item"] == "phq9_9" and alert["items"][0]["value"] == 1
    assert "self-harm" in alert["items"][0]["label"]
    assert [(n["text"], n["source"]) for n in body["notes"]] == [
        ("I want to talk about the meeting", "submission"), ("Sleep has been worse", "note")]


def test_the_read_is_audited(week, review):
    clinic, client, _, _ = week
    trail = clinic.call("GET", f"/v1/clients/{client}/audit", "c1", expect=200)["items"]
    assert "session_review.read" in [e["action"] for e in trail]
    assert "session_review.done" in [e["action"] for e in trail]


def test_an_explicit_since_and_plain_sentences_for_bad_ones(week, review):
    clinic, client, ids, _ = week
    path = f"/v1/clients/{client}/session-review"
    with counted() as calls:
        everything = clinic.call("GET", f"{path}?since=2026-01-01T00:00:00Z", "c1", expect=200)
    [query] = [params for name, params in calls if name == "Query"]
    assert query["KeyConditionExpression"] == "#pk = :pk AND #sk >= :from"
    assert query["ExpressionAttributeValues"][":from"] == {"S": "2026-01-01T00:00:00Z"}
    assert everything["since"] == "2026-01-01T00:00:00Z"
    # Now the PHQ-9 of the 5th is inside: its baseline is the first score, 16, and it counts as due and done.
    assert _by_id(everything, ids["phq9"])["completion"]["due"] == 2
    assert everything["scores"][0]["baseline"]["total"] == 16
    naive = clinic.call("GET", f"{path}?since=2026-01-08T00:00:00", "c1", expect=200)
    assert naive["since"] == "2026-01-08T00:00:00Z"
    assert _by_id(naive, ids["thought"])["completion"] == {"due": 4, "done": 0, "partial": 0, "skipped": 0,
                                                            "missed": 4}
    future = clinic.call("GET", f"{path}?since=2026-02-01T00:00:00Z", "c1", expect=422)
    assert future["errors"] == [{"field": "since", "message": "Choose a time that is not in the future.",
                                 "type": "future_time"}]
    garbled = clinic.call("GET", f"{path}?since=last-tuesday", "c1", expect=422)
    assert garbled["errors"][0]["field"] == "since" and garbled["errors"][0]["message"].endswith(".")


def test_only_the_clients_clinician_and_the_practice_managers_see_it(week, review):
    clinic, client, _, _ = week
    path = f"/v1/clients/{client}/session-review"
    assert clinic.call("GET", path, "owner", expect=200)["client_id"] == client
    for intruder in ("c2", "stranger"):
        refused = clinic.call("GET", path, intruder, expect=404)
        assert "Robin" not in json.dumps(refused)
        clinic.call("POST", path, intruder, {}, expect=404)
    clinic.call("GET", "/v1/clients/01ARZ3NDEKTSV4RRFFQ69G5FAV/session-review", "c1", expect=404)


def test_marking_done_starts_the_next_review_there(week, review):
    clinic, client, ids, clock = week
    path = f"/v1/clients/{client}/session-review"
    future = clinic.call("POST", path, "c1", {"until": "2026-01-13T00:00:00Z"}, expect=422)
    assert future["errors"][0]["message"] == "Choose a time that is not in the future."
    mark = clinic.call("POST", path, "c1", {"until": "2026-01-12T12:00:00Z", "note": "Reviewed together"},
                       expect=201)
    assert mark["since"] == "2026-01-05T12:00:00Z" and mark["until"] == "2026-01-12T12:00:00Z"
    assert mark["reviewed_at"] == "2026-01-12T13:00:00Z" and mark["reviewed_by"] == clinic.subs["c1"]
    clock.move_to(_t("12T14:00:00"))
    following = clinic.call("GET", path, "c1", expect=200)
    assert following["since"] == "2026-01-12T12:00:00Z" and following["last_reviewed_at"] == "2026-01-12T12:00:00Z"
    assert following["last_review_note"] == "Reviewed together"
    # Since noon: nothing fell due (thought record at 20:00, mood diary was at 10:00); nothing sent in.
    assert following["completion"] == {"due": 0, "done": 0, "partial": 0, "skipped": 0, "missed": 0}
    assert following["submissions"] == [] and following["notes"] == [] and following["scores"] == []
    assert len(following["open_alerts"]) == 1, "an open alert is in every review until it is acknowledged"
    assert _by_id(following, ids["thought"])["plan"]["confidence"] == 4



def test_a_long_history_before_the_last_review_is_not_read(week, review):
    """Reading newest first stops at the first page that reaches back past the last review: with pages
    of 4 items it reads the pages holding what the review shows, and never the history before it."""
    import math

    from chalicelib.store import review_feed

    clinic, client, _, _ = week

    def items(feed):
        return sorted(json.dumps([kind, item], sort_keys=True) for kind, found in feed.items() for item in found)

    with counted() as calls:
        feed, since = review_feed.read_since_last_review(client, page_size=4)
    assert since in ("2026-01-05T12:00:00Z", "2026-01-12T12:00:00Z")  # as marked, whatever ran before
    assert items(feed) == items(review_feed.read(client, since)), "the same as reading forward from `since`"
    wanted = len(items(feed))
    assert len(calls) == math.ceil((wanted + 1) / 4), "the first item older than the review ends the read"
    history = review_feed.read(client, "2026-01-01T00:00:00Z")
    assert len(items(history)) > wanted and len(history["submission"]) == 6
    assert all(s["submitted_at"] >= since for s in feed.get("submission", []))
