"""Work sent early counts at once: the caseload row, the client detail, progress and the session
review agree with each other and with a count by hand.

A client in New York (UTC-5 in November). On Monday 2 November 2026 at 09:00 their time the
clinician sets three pieces of homework, all due at 21:00 New York time:
- a daily thought record, sent in at 10:00 (eleven hours early);
- a one-off PHQ-9 due on Thursday the 5th, sent in at 10:00 (three days early);
- a daily mood diary, skipped at 10:00 (a skip is an answer: it counts, but is not done).
Read at 11:00 New York time, before anything has fallen due: by hand, 3 occurrences count
(the three answered), 2 are done, 1 skipped, 0 missed.
"""
from __future__ import annotations

import json
from datetime import datetime

import pytest
import time_machine

from tests.api.conftest import phq9_answers
from tests.api.test_session_review import THOUGHT_RECORD, Clinic


def _t(text: str) -> datetime:
    return datetime.fromisoformat(f"2026-11-{text}+00:00")


@pytest.fixture(scope="module")
def early(aws, api):
    with time_machine.travel(_t("02T14:00:00"), tick=False) as clock:
        clinic = Clinic(api)
        client = clinic.add_client("Early Bird", timezone="America/New_York")
        base = f"/v1/clients/{client}/assignments"
        ids = {
            "thought": clinic.call("POST", base, "c1", {
                "template_id": "thought-record", "recurrence": {"frequency": "daily"}, "start_date": "2026-11-02",
                "due_time": "21:00"}, expect=201)["assignment_id"],
            "phq9": clinic.call("POST", base, "c1", {
                "template_id": "phq-9", "recurrence": {"frequency": "once"}, "start_date": "2026-11-02",
                "due_date": "2026-11-05", "due_time": "21:00"}, expect=201)["assignment_id"],
            "mood": clinic.call("POST", base, "c1", {
                "template_id": "mood-diary", "recurrence": {"frequency": "daily"}, "start_date": "2026-11-02",
                "due_time": "21:00"}, expect=201)["assignment_id"],
        }
        clock.move_to(_t("02T15:00:00"))  # 10:00 in New York
        clinic.submit(client, ids["thought"], "2026-11-02", THOUGHT_RECORD, rating=4)
        clinic.submit(client, ids["phq9"], "2026-11-02", phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 0))
        clinic.call("POST", f"/v1/client/assignments/{ids['mood']}/skip", client,
                    {"occurrence_id": "2026-11-02", "reason": "Busy day"}, expect=200)
        clock.move_to(_t("02T16:00:00"))  # 11:00 in New York: nothing has fallen due yet
        yield clinic, client, ids


def test_the_caseload_row_and_the_client_detail_count_early_work(early):
    clinic, client, _ = early
    row = next(c for c in clinic.call("GET", "/v1/clients", "c1", expect=200)["items"] if c["client_id"] == client)
    detail = clinic.call("GET", f"/v1/clients/{client}", "c1", expect=200)
    for view in (row, detail):
        for window in ("completion_7d", "completion_28d"):
            assert view[window] == {"done": 2, "due": 3, "ratio": 0.667}, (window, view[window])


def test_progress_counts_early_work_per_assignment_and_overall(early):
    clinic, client, ids = early
    progress = clinic.call("GET", f"/v1/clients/{client}/progress", "c1", expect=200)
    rows = {row["assignment_id"]: row for row in progress["assignments"]}
    assert (rows[ids["thought"]]["done"], rows[ids["thought"]]["due"]) == (1, 1)
    assert (rows[ids["thought"]]["current_streak"], rows[ids["thought"]]["longest_streak"]) == (1, 1)
    assert (rows[ids["phq9"]]["done"], rows[ids["phq9"]]["due"], rows[ids["phq9"]]["completion"]) == (1, 1, 1.0)
    assert (rows[ids["mood"]]["done"], rows[ids["mood"]]["due"]) == (0, 1)
    assert progress["overall"] == {"done": 2, "due": 3, "completion": 0.667}


def test_the_session_review_counts_early_work(early):
    clinic, client, ids = early
    review = clinic.call("GET", f"/v1/clients/{client}/session-review", "c1", expect=200)
    by_id = {a["assignment_id"]: a["completion"] for a in review["assignments"]}
    assert by_id[ids["thought"]] == {"due": 1, "done": 1, "partial": 0, "skipped": 0, "missed": 0}
    assert by_id[ids["phq9"]] == {"due": 1, "done": 1, "partial": 0, "skipped": 0, "missed": 0}
    assert by_id[ids["mood"]] == {"due": 1, "done": 0, "partial": 0, "skipped": 1, "missed": 0}
    assert review["completion"] == {"due": 3, "done": 2, "partial": 0, "skipped": 1, "missed": 0}


def test_the_clients_own_page_shows_the_early_work_as_sent(early):
    clinic, client, ids = early
    listing = clinic.call("GET", "/v1/client/assignments", client, expect=200)["items"]
    by_id = {a["assignment_id"]: a for a in listing}
    # Today's thought record is sent: nothing to do until tomorrow's opens.
    assert by_id[ids["thought"]]["current"] is None
    assert by_id[ids["thought"]]["next_due_at"] == "2026-11-04T02:00:00Z"
    assert by_id[ids["phq9"]]["current"] is None and by_id[ids["phq9"]]["next_due_at"] is None
    detail = clinic.call("GET", f"/v1/assignments/{ids['thought']}", "c1", expect=200)
    states = {o["occurrence_id"]: o["state"] for o in detail.get("recent") or []}
    assert states.get("2026-11-02") == "submitted", json.dumps(detail)[:500]
