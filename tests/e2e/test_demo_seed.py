"""`make run`'s demo is alive: a newcomer who signs in as the demo clinician, or opens the demo
client's link, finds something in every view (caseload, plan, session review, progress, the
client's homework and their past work with feedback); a second start adds nothing."""
from __future__ import annotations

import subprocess
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import requests

from devstack import demo_homework
from devstack.seed import DEMO_CLIENT_ID

SHUTDOWN_TIMEOUT = 20.0
CLINICIAN = "clinician@harbour.example.com"


class Api:
    def __init__(self, stack: dict[str, Any], token: str):
        self.base, self.headers = stack["api"], {"Authorization": f"Bearer {token}"}

    def get(self, path: str) -> Any:
        response = requests.get(f"{self.base}{path}", headers=self.headers, timeout=15)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        return response.json()


def _clinician(stack: dict[str, Any]) -> Api:
    login = next(login for login in stack["logins"] if login["email"] == CLINICIAN)
    response = requests.post(f"{stack['api']}/v1/auth/login",
                             json={"email": login["email"], "password": login["password"]}, timeout=15)
    assert response.status_code == 200, response.text
    return Api(stack, response.json()["access_token"])


def _client(stack: dict[str, Any]) -> Api:
    return Api(stack, parse_qs(urlsplit(stack["demo_client_link"]).fragment)["token"][0])


def _stop(running) -> None:
    running.interrupt()
    try:
        code = running.process.wait(timeout=SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the stack did not stop within {SHUTDOWN_TIMEOUT:.0f} s of Ctrl-C") from None
    assert code == 0, running.output


def _what_is_there(clinician: Api) -> dict[str, Any]:
    """What a second start must leave exactly as it was."""
    review = clinician.get(f"/v1/clients/{DEMO_CLIENT_ID}/session-review")
    progress = clinician.get(f"/v1/clients/{DEMO_CLIENT_ID}/progress")
    return {
        "assignments": sorted(a["assignment_id"] for a in review["assignments"]),
        "submissions": sorted(s["submission_id"] for s in review["submissions"]),
        "notes": [n["note_id"] for n in review["notes"]],
        "series": {m["template_id"]: [p["submitted_at"] for p in m["series"]] for m in progress["measures"]},
        "plans": {a["assignment_id"]: a["plan"] for a in review["assignments"]},
        "alex_rows": [c["client_id"] for c in clinician.get("/v1/clients")["items"]
                      if c["display_name"] == "Alex Demo"],
    }


def test_a_newcomer_finds_every_view_with_content_and_a_second_start_adds_nothing(launch_stack, stack_ports,
                                                                                   tmp_path):
    local_dir = tmp_path / "state"
    first = launch_stack(stack_ports, local_dir)
    stack = first.wait_until_ready()
    clinician, client = _clinician(stack), _client(stack)
    today = datetime.now(ZoneInfo("Europe/London")).date().isoformat()

    # -- the caseload: Alex (once), with completion over 7 and 28 days -----------------------------
    [row] = [c for c in clinician.get("/v1/clients")["items"] if c["display_name"] == "Alex Demo"]
    assert row["client_id"] == DEMO_CLIENT_ID
    for window in ("completion_7d", "completion_28d"):
        assert 0 < row[window]["done"] < row[window]["due"], (window, row[window])  # most done, one missed
    assert row["open_alerts"] == 0

    # -- the session review: every assignment, barriers, plan confidence, scores, ratings, notes ---
    review = clinician.get(f"/v1/clients/{DEMO_CLIENT_ID}/session-review")
    by_title = {a["title"]: a for a in review["assignments"]}
    assert set(by_title) == {"PHQ-9: Patient Health Questionnaire", "GAD-7: Generalised Anxiety Disorder scale",
                             "Thought record: the presentation", "Mood diary"}
    mood = by_title["Mood diary"]
    # The diary falls due at 21:00 London time: once today's has, it is missed too until sent.
    london = datetime.now(ZoneInfo("Europe/London"))
    missed_today = int((london.hour, london.minute) >= (21, 0))
    assert mood["completion"]["missed"] == 1 + missed_today, mood["completion"]
    assert mood["completion"]["partial"] == 1 and mood["completion"]["done"] >= 4
    missed = next(r for r in mood["barrier_reports"] if r["context"] == "missed")
    assert missed["barriers"] == ["forgot", "no_time"]
    assert review["barrier_counts"] == {"forgot": 1, "no_time": 2}
    # The plan is marked for adjusting: the client lowered their confidence from 7 to 4.
    assert mood["plan"]["confidence"] == demo_homework.LOW_CONFIDENCE and mood["plan"]["needs_adjustment"] is True
    assert [(c["from"], c["to"], c["by_role"]) for c in mood["plan"]["confidence_changes"]][-1] == (7, 4, "client")
    scores = {s["template_id"]: s for s in review["scores"]}
    assert (scores["phq-9"]["baseline"]["total"], scores["phq-9"]["latest"]["total"]) == (17, 8)
    assert (scores["gad-7"]["baseline"]["total"], scores["gad-7"]["latest"]["total"]) == (15, 7)
    for measure in scores.values():
        assert measure["reliable"] is True and measure["direction"] == "improved"
        assert measure["baseline"]["band"] and measure["latest"]["band"] == "Mild"
    assert review["quality"]["clinician_ratings"] == [4] and review["quality"]["client_ratings"]
    reviewed = [s for s in review["submissions"] if s["quality_rating"] is not None]
    assert [s["title"] for s in reviewed] == ["Thought record: the presentation"]
    assert demo_homework.SESSION_NOTE in [n["text"] for n in review["notes"]]
    assert review["open_alerts"] == []

    # -- the plan, as the clinician's plan view shows it ------------------------------------------
    plan = clinician.get(f"/v1/assignments/{mood['assignment_id']}/plan")
    assert plan["needs_adjustment"] is True and plan["ask_what_would_help"] is True
    assert plan["what_would_help"] == demo_homework.WHAT_WOULD_HELP
    assert plan["when_where"] and plan["first_step"] and plan["obstacles"] and plan["rationale"]
    assert [entry["by_role"] for entry in plan["history"]] == ["clinician", "client"]

    # -- progress: PHQ-9 and GAD-7 over four weeks, with bands -------------------------------------
    progress = clinician.get(f"/v1/clients/{DEMO_CLIENT_ID}/progress")
    series = {m["template_id"]: m for m in progress["measures"]}
    assert [p["total"] for p in series["phq-9"]["series"]] == [17, 11, 9, 8]
    assert [p["band"] for p in series["phq-9"]["series"]] == ["Moderately severe", "Moderate", "Mild", "Mild"]
    assert [p["total"] for p in series["gad-7"]["series"]] == [15, 12, 9, 7]
    assert [p["band"] for p in series["gad-7"]["series"]] == ["Severe", "Moderate", "Mild", "Mild"]
    for measure in series.values():
        assert measure["bands"] and measure["reliable_change"]["reliable"] is True
        first_week, last_week = (datetime.fromisoformat(p["submitted_at"].replace("Z", "+00:00"))
                                 for p in (measure["series"][0], measure["series"][-1]))
        assert (last_week - first_week).days == 21

    # -- the client's side: homework due today, the plan, past work with the clinician's feedback ---
    homework = {a["title"]: a for a in client.get("/v1/client/assignments")["items"]}
    assert homework["Mood diary"]["current"]["local_date"] == today
    # The missed day was answered already (late in the evening, today's may be the one asked about).
    assert homework["Mood diary"]["ask_barriers_for"] in (None, today)
    detail = client.get(f"/v1/client/assignments/{mood['assignment_id']}")
    assert detail["plan"]["confidence"] == 4 and detail["plan"]["ask_what_would_help"] is True
    history = client.get("/v1/client/submissions")["items"]
    with_feedback = [s for s in history if s["feedback"]]
    assert [s["title"] for s in with_feedback] == ["Thought record: the presentation"]
    past = client.get(f"/v1/client/submissions/{with_feedback[0]['submission_id']}")
    assert past["feedback"]["feedback"] == demo_homework.FEEDBACK
    assert past["answers"]["balanced_thought"] == demo_homework.THOUGHT_RECORD["balanced_thought"]
    assert client.get("/v1/client/session-notes")["items"][0]["text"] == demo_homework.SESSION_NOTE

    # -- a second start on the same state adds nothing --------------------------------------------
    before = _what_is_there(clinician)
    _stop(first)
    second = launch_stack(stack_ports, local_dir)
    stack = second.wait_until_ready()
    assert _what_is_there(_clinician(stack)) == before
    _stop(second)
