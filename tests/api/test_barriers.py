"""Barriers through the API: ticked when skipping or sending part of the homework, asked once
about the latest missed occurrence (or dismissed with "not now"), and the adherence ledger
written with every submission, skip and review.

The clock travels to a fixed week so that occurrences can be missed: the assignment is made
on Monday 1 March 2027 (London, GMT) and the client comes back on Thursday.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import time_machine

from tests.api.conftest import DAILY_MEASURE, phq9_answers, post

MONDAY = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
THURSDAY_NOON = datetime(2027, 3, 4, 12, 0, tzinfo=UTC)  # 1, 2 and 3 March are past due (20:00)


@contextmanager
def at(moment: datetime):
    with time_machine.travel(moment, tick=False):
        yield


class Week:
    """A1's client, a fresh link, and homework assigned on Monday (daily, due 20:00)."""

    def __init__(self, api, world, template_id: str = "thought-record"):
        self.api, self.world = api, world
        self.client_id = world.resources["client_id"]
        with at(MONDAY):
            link = post(api, f"/v1/clients/{self.client_id}/access-link", self.clinician(), {})
            self.link = link["url"].split("#token=")[1]
            self.assignment_id = self.assign(template_id)

    def clinician(self) -> dict:
        """A1's headers with a token minted at the travelled time."""
        return self.world.headers(token=self.world.token("a1", expires_in=3600))

    def client(self, key: str | None = None) -> dict:
        headers = self.world.headers(token=self.link)
        return {**headers, "Idempotency-Key": key} if key else headers

    def assign(self, template_id: str) -> str:
        return post(self.api, f"/v1/clients/{self.client_id}/assignments", self.clinician(), {
            "template_id": template_id, "start_date": "2027-03-01", "due_time": "20:00",
            "recurrence": {"frequency": "daily"}, **DAILY_MEASURE})["assignment_id"]

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        response = self.api.http.request(method=method, path=path, headers=headers or self.client(),
                                         body=json.dumps(body) if body is not None else b"")
        return response.status_code, json.loads(response.body) if response.body else None

    def detail(self, assignment_id: str | None = None) -> dict:
        status, body = self.call("GET", f"/v1/client/assignments/{assignment_id or self.assignment_id}")
        assert status == 200, body
        return body

    def stored(self, assignment_id: str | None = None) -> dict:
        from chalicelib.store import keys, table

        ulid = (assignment_id or self.assignment_id)[-26:]
        return table.get(keys.assignment(self.client_id, ulid).as_dict(), consistent=True)

    def ledger(self, assignment_id: str | None = None) -> dict:
        from chalicelib.store import keys, table

        stats = table.get(keys.client_stats(self.client_id).as_dict(), consistent=True) or {}
        return (stats.get("outcomes") or {}).get((assignment_id or self.assignment_id)[-26:], {})


@pytest.fixture
def week(api, world) -> Week:
    return Week(api, world)


def _fields(problem: dict) -> list[str]:
    return [e["field"] for e in problem["errors"]]


def test_the_latest_missed_occurrence_is_asked_about_once_then_answered(week):
    with at(THURSDAY_NOON):
        detail = week.detail()
        assert detail["ask_barriers_for"] == "2027-03-03"
        assert detail["plan"]["assignment_id"] == week.assignment_id and detail["plan"]["version"] == 0
        listed = week.call("GET", "/v1/client/assignments")[1]["items"]
        assert next(i for i in listed if i["assignment_id"] == week.assignment_id)["ask_barriers_for"] == "2027-03-03"

        status, body = week.call("POST", f"/v1/client/assignments/{week.assignment_id}/barriers", {
            "occurrence_id": "2027-03-03", "barriers": ["too_hard", "no_time", "too_hard"],
            "other": "  Visitors all week  "})
        assert status == 200, body
        assert body == {"assignment_id": week.assignment_id, "occurrence_id": "2027-03-03",
                        "barriers": ["no_time", "too_hard", "other"], "other": "Visitors all week",
                        "context": "missed"}
        assert week.detail()["ask_barriers_for"] is None
        record = week.stored()["barriers"]["2027-03-03"]
        assert {k: record[k] for k in ("barriers", "other", "context")} == {
            "barriers": ["no_time", "too_hard", "other"], "other": "Visitors all week", "context": "missed"}
        assert record["reported_at"] == "2027-03-04T12:00:00Z"


def test_not_now_dismisses_the_question_for_that_occurrence(week):
    with at(THURSDAY_NOON):
        status, body = week.call("POST", f"/v1/client/assignments/{week.assignment_id}/barriers",
                                 {"occurrence_id": "2027-03-03", "barriers": []})
        assert status == 200 and body["barriers"] == [] and body["other"] is None, body
        assert week.detail()["ask_barriers_for"] is None
        assert week.stored()["barriers"]["2027-03-03"]["barriers"] == []
    # The next lapse is a new question.
    with at(datetime(2027, 3, 5, 12, 0, tzinfo=UTC)):
        assert week.detail()["ask_barriers_for"] == "2027-03-04"


def test_barriers_only_for_an_occurrence_that_was_missed(week):
    url = f"/v1/client/assignments/{week.assignment_id}/barriers"
    with at(THURSDAY_NOON):
        receipt = post(week.api, f"/v1/client/assignments/{week.assignment_id}/submissions",
                       week.client("late-one-0001"), {"occurrence_id": "2027-03-02", "answers": {},
                                                       "completion": "partial"})
        assert receipt["occurrence_id"] == "2027-03-02"
        for occurrence_id, fragment in [("2027-03-02", "done"), ("2027-03-04", "not due yet")]:
            status, problem = week.call("POST", url, {"occurrence_id": occurrence_id, "barriers": ["forgot"]})
            assert status == 409, problem
            assert fragment in problem["detail"] and problem["detail"].endswith("."), problem
        for occurrence_id in ("2027-02-27", "2027-02-31"):
            status, problem = week.call("POST", url, {"occurrence_id": occurrence_id, "barriers": ["forgot"]})
            assert status == 422 and _fields(problem) == ["occurrence_id"], problem
            assert problem["errors"][0]["message"] == "This homework was not due on that day."
        assert "barriers" not in week.stored()


def test_a_barrier_report_that_does_not_fit_names_the_field(week):
    url = f"/v1/client/assignments/{week.assignment_id}/barriers"
    with at(THURSDAY_NOON):
        for body, field in [({"occurrence_id": "2027-03-03", "barriers": ["bored"]}, "barriers[0]"),
                            ({"occurrence_id": "2027-03-03", "barriers": ["forgot"], "other": "x" * 501}, "other"),
                            ({"occurrence_id": "3 March", "barriers": []}, "occurrence_id"),
                            ({"occurrence_id": "2027-03-03"}, "barriers")]:
            status, problem = week.call("POST", url, body)
            assert status == 422 and _fields(problem) == [field], problem
            message = problem["errors"][0]["message"]
            assert message[0].isupper() and message.endswith("."), message
        assert week.detail()["ask_barriers_for"] == "2027-03-03"


def test_skipping_with_barriers_needs_no_reason_and_is_in_the_ledger(week):
    url = f"/v1/client/assignments/{week.assignment_id}/skip"
    with at(THURSDAY_NOON):
        status, problem = week.call("POST", url, {"occurrence_id": "2027-03-04"})
        assert status == 422 and _fields(problem) == ["reason"], problem
        assert problem["errors"][0]["message"] == "Say why you are skipping, or tick what got in the way."
        status, body = week.call("POST", url, {"occurrence_id": "2027-03-04", "barriers": ["felt_worse"]})
        assert status == 200, body
        assert body == {"assignment_id": week.assignment_id, "occurrence_id": "2027-03-04", "state": "skipped"}
        status, body = week.call("POST", url, {"occurrence_id": "2027-03-02", "reason": "I was away."})
        assert status == 200, body
        stored = week.stored()
        assert stored["occurrences"]["2027-03-04"]["state"] == "skipped"
        assert {k: stored["barriers"]["2027-03-04"][k] for k in ("barriers", "other", "context")} == {
            "barriers": ["felt_worse"], "other": None, "context": "skipped"}
        assert "2027-03-02" not in stored["barriers"]  # a reason alone is not a barrier record
        # Today's skip came before its 20:00 due time: the ledger keeps when (it counts from then).
        assert week.ledger() == {"2027-03-04": {"c": "skipped", "q": None, "r": None, "t": "2027-03-04T12:00:00Z"},
                                 "2027-03-02": {"c": "skipped", "q": None, "r": None}}


def test_part_of_the_homework_may_carry_barriers_a_complete_one_may_not(week):
    url = f"/v1/client/assignments/{week.assignment_id}/submissions"
    with at(THURSDAY_NOON):
        for body, field in [({"answers": {}, "barriers": ["no_time"]}, "barriers"),
                            ({"answers": {}, "completion": "complete", "other": "Too tired"}, "other")]:
            status, problem = week.call("POST", url, {"occurrence_id": "2027-03-03", **body},
                                        week.client("complete-barriers-1"))
            assert status == 422 and _fields(problem) == [field], problem
            assert "part of it" in problem["errors"][0]["message"]
        assert week.stored()["occurrences"] == {} and week.ledger() == {}

        status, receipt = week.call("POST", url, {
            "occurrence_id": "2027-03-03", "answers": {"situation": "Work meeting"}, "completion": "partial",
            "rating": 2, "barriers": ["did_not_understand"], "other": "The columns confused me"},
            week.client("partial-barriers-1"))
        assert status == 201, receipt
        stored = week.stored()
        assert {k: stored["barriers"]["2027-03-03"][k] for k in ("barriers", "other", "context")} == {
            "barriers": ["did_not_understand", "other"], "other": "The columns confused me", "context": "partial"}
        assert week.ledger() == {"2027-03-03": {"c": "partial", "q": 2, "r": None}}
        # A partial submission without barriers leaves no record.
        post(week.api, url, week.client("partial-plain-1"), {"occurrence_id": "2027-03-04", "answers": {},
                                                             "completion": "partial"})
        assert "2027-03-04" not in week.stored()["barriers"]
        assert week.ledger()["2027-03-04"] == {"c": "partial", "q": None, "r": None, "t": "2027-03-04T12:00:00Z"}

        # The clinician's quality rating joins the ledger in the review's transaction.
        review = post(week.api, f"/v1/submissions/{receipt['submission_id']}/review", week.clinician(),
                      {"feedback": "A good start with the first column.", "quality_rating": 3}, expect=200)
        assert review["review"]["quality_rating"] == 3
        assert week.ledger()["2027-03-03"] == {"c": "partial", "q": 2, "r": 3}


def test_scored_submissions_append_their_score_to_the_assignment(api, world):
    week = Week(api, world, template_id="phq-9")
    url = f"/v1/client/assignments/{week.assignment_id}/submissions"
    with at(THURSDAY_NOON):
        for n, (occurrence_id, value) in enumerate([("2027-03-02", 2), ("2027-03-03", 1)]):
            post(api, url, week.client(f"phq-score-{n:04d}"),
                 {"occurrence_id": occurrence_id, "answers": phq9_answers(*[value] * 8, 0)})
        scores = week.stored()["scores"]
    assert [(s["occurrence_id"], s["total"], s["band"]) for s in scores] == [
        ("2027-03-02", 16, "Moderately severe"), ("2027-03-03", 8, "Mild")]
    assert all(s["submitted_at"] == "2027-03-04T12:00:00Z" for s in scores)
    assert week.ledger() == {"2027-03-02": {"c": "complete", "q": None, "r": None},
                             "2027-03-03": {"c": "complete", "q": None, "r": None}}


def test_a_review_without_a_ledger_entry_records_the_outcome_and_the_rating(week):
    """A submission sent before the ledger was kept still gets its outcome with the rating."""
    from chalicelib.store import keys, table

    with at(THURSDAY_NOON):
        receipt = post(week.api, f"/v1/client/assignments/{week.assignment_id}/submissions",
                       week.client("before-ledger-1"), {"occurrence_id": "2027-03-03", "answers": {}, "rating": 4,
                                                         "completion": "partial"})
        stats = table.get(keys.client_stats(week.client_id).as_dict(), consistent=True)
        table.put({**stats, "outcomes": {}})
        post(week.api, f"/v1/submissions/{receipt['submission_id']}/review", week.clinician(),
             {"feedback": "Thank you.", "quality_rating": 5}, expect=200)
        assert week.ledger() == {"2027-03-03": {"c": "partial", "q": 4, "r": 5}}


def test_barriers_on_another_client_s_assignment_are_not_found(api, world, week):
    """Another practice's client, with a link that works, cannot report on this one's homework."""
    status, problem = week.call("POST", f"/v1/client/assignments/{week.assignment_id}/barriers",
                                {"occurrence_id": "2027-03-03", "barriers": ["forgot"]},
                                world.headers(token=world.links["b1"]))
    assert status == 404, problem
    assert "barriers" not in week.stored()
