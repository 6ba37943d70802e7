"""Adherence across a seeded caseload of 22 clients, through the API, against figures worked out by hand.

The clock starts on Saturday 31 January 2026 (London is on UTC, New York UTC-5, Tokyo UTC+9) and
moves through the week Monday 2 February to Sunday 8 February, the report's range. Each client
has homework of one type, reminded on some channels, due at some local time; the client sends
occurrences in (some partly), skips some and misses others, rating some of them, and the
clinician rates the quality of some. Each occurrence is acted on the morning after (06:00 UTC),
those of Sunday the 8th at 17:00 UTC; the report is read at 18:00 UTC on the 8th, so a Sunday
occurrence due later that evening counts only if it was already done.

Codes below: "c" sent in complete, "p" partly, "s" skipped, a digit the client's rating, "/n" the
clinician's quality rating; an occurrence left out was missed.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import pytest
import time_machine

from tests.api.conftest import mint, use_table

LONDON, NEW_YORK, TOKYO = "Europe/London", "America/New_York", "Asia/Tokyo"
KINDS = ("worksheet", "diary", "log", "exercise", "questionnaire")
DAILY = {"frequency": "daily"}

# (client, clinician, time zone, the client's reminder channels)
CLIENTS = [
    ("C01", "c1", LONDON, ["email"]), ("C02", "c1", LONDON, ["sms"]), ("C03", "c1", LONDON, ["email", "sms"]),
    ("C04", "c1", LONDON, ["email"]), ("C05", "c1", LONDON, ["email"]), ("C06", "c1", LONDON, []),
    ("C07", "c1", LONDON, ["email"]), ("C08", "c1", LONDON, ["sms"]), ("C09", "c1", NEW_YORK, ["email"]),
    ("C10", "c1", NEW_YORK, ["sms"]), ("C11", "c1", TOKYO, ["email"]), ("C12", "c1", TOKYO, ["sms", "email"]),
    ("C13", "c1", LONDON, ["email"]), ("C14", "c1", LONDON, ["email"]), ("C15", "c1", LONDON, ["email"]),
    ("C16", "c1", LONDON, ["sms"]), ("C17", "c1", LONDON, ["email"]), ("C18", "c2", NEW_YORK, ["email"]),
    ("C19", "c2", LONDON, ["email"]), ("C20", "c2", TOKYO, ["email"]), ("C21", "c1", LONDON, ["email"]),
    ("C22", "c1", LONDON, ["email"]),
]

# name: (client, kind, assignment body, {occurrence: code})
ASSIGNMENTS = {
    "A01": ("C01", "worksheet", {"recurrence": DAILY, "start_date": "2026-02-02", "due_time": "08:00"},
            {"02": "c4/5", "03": "c3", "04": "s", "05": "p2", "07": "c5/4", "08": "c4"}),
    "A02": ("C02", "diary", {"recurrence": DAILY, "start_date": "2026-02-02", "due_time": "21:00"},
            {"02": "c2", "05": "c", "06": "s", "08": "c5"}),
    "A03": ("C03", "log", {"recurrence": {"frequency": "weekly", "weekdays": ["mon", "thu"]},
                           "start_date": "2026-02-02", "due_time": "12:30"},
            {"02": "c3/3", "05": "p4"}),
    "A04": ("C04", "exercise", {"recurrence": {"frequency": "every_n_days", "interval": 3},
                                "start_date": "2026-02-01", "due_time": "06:00", "reminders": {"channels": ["push"]}},
            {"01": "c5/5", "04": "c4"}),
    "A05": ("C05", "questionnaire", {"recurrence": {"frequency": "once"}, "start_date": "2026-02-03",
                                     "due_date": "2026-02-06", "due_time": "18:00", "reminders": {"enabled": False}},
            {"03": "c3/2"}),
    "A06": ("C06", "worksheet", {"recurrence": DAILY, "start_date": "2026-02-02", "due_time": "23:30"},
            {"02": "s", "03": "s", "04": "c1", "07": "c2/1"}),
    "A07": ("C07", "diary", {"recurrence": DAILY, "start_date": "2026-02-02", "due_time": "09:00"},
            {"02": "c4", "03": "c4/4", "06": "p3", "07": "c"}),
    "A08": ("C08", "log", {"recurrence": DAILY, "start_date": "2026-02-02", "due_time": "14:00",
                           "reminders": {"channels": ["email", "push"]}},
            {"02": "c5/5", "04": "c", "05": "s"}),
    "A09": ("C09", "worksheet", {"recurrence": DAILY, "start_date": "2026-02-02", "due_time": "07:30"},
            {"02": "c3", "03": "c3", "04": "c3/2", "05": "c", "06": "c", "07": "c", "08": "c4"}),
    "A10": ("C10", "exercise", {"recurrence": DAILY, "start_date": "2026-02-02", "due_time": "22:15"},
            {"03": "p2", "06": "s", "08": "c5"}),
    "A11": ("C11", "questionnaire", {"recurrence": {"frequency": "weekly", "weekdays": ["wed", "sat"]},
                                     "start_date": "2026-02-02", "due_time": "08:00"},
            {"04": "c4/3", "07": "c2"}),
    "A12": ("C12", "diary", {"recurrence": DAILY, "start_date": "2026-02-02", "due_time": "22:30"},
            {"02": "c", "08": "p1"}),
    "A13a": ("C13", "worksheet", {"recurrence": DAILY, "start_date": "2026-02-05", "due_time": "19:00"},
             {"05": "c4/4", "06": "c4/4", "07": "s"}),
    "A13b": ("C13", "questionnaire", {"recurrence": {"frequency": "weekly", "weekdays": ["sun"]},
                                      "start_date": "2026-02-01", "due_time": "10:00",
                                      "reminders": {"channels": ["sms"]}},
             {"01": "c5"}),
    "A14": ("C14", "log", {"recurrence": {"frequency": "every_n_days", "interval": 2}, "start_date": "2026-02-02",
                           "due_time": "16:59", "reminders": {"enabled": False}},
            {"02": "c3", "04": "p", "06": "c4/5", "08": "c3"}),
    "A15": ("C15", "exercise", {"recurrence": DAILY, "start_date": "2026-02-02", "due_time": "05:00",
                                "reminders": {"channels": ["push", "sms"]}}, {}),
    "A16": ("C16", "diary", {"recurrence": {"frequency": "once"}, "start_date": "2026-02-08", "due_time": "12:00"},
            {"08": "c5/5"}),
    "A17": ("C17", "worksheet", {"recurrence": DAILY, "start_date": "2026-02-06", "due_time": "17:00",
                                 "reminders": {"channels": ["email"]}},
            {"06": "c2/3", "07": "p3", "08": "s"}),
    "A18": ("C18", "diary", {"recurrence": DAILY, "start_date": "2026-02-02", "due_time": "11:00"},
            {"02": "c4", "03": "c4", "06": "c3/4", "08": "c5"}),
    "A19": ("C19", "log", {"recurrence": DAILY, "start_date": "2026-02-02", "due_time": "20:00",
                           "reminders": {"channels": ["sms"]}},
            {"02": "c", "04": "c2", "07": "c3/2"}),
    "A20": ("C20", "worksheet", {"recurrence": {"frequency": "weekly", "weekdays": ["mon"]},
                                 "start_date": "2026-02-02", "due_time": "13:00"},
            {"02": "p4/3"}),
    "A22": ("C22", "diary", {"recurrence": DAILY, "start_date": "2026-02-02", "due_time": "07:00"},
            {"02": "c2"}),
}

# Pauses and cancellations: (when, assignment, status).
STATUS_CHANGES = [
    ("2026-02-03T12:00:00", "A22", "paused"),      # never resumed: the 2nd and the 3rd (07:00) are due
    ("2026-02-04T10:00:00", "A07", "paused"),      # the 4th (due 09:00) still counts, the 5th does not
    ("2026-02-05T15:00:00", "A08", "cancelled"),   # after the 5th's 14:00: the 6th to the 8th never fall due
    ("2026-02-06T08:00:00", "A07", "active"),      # the 6th (due 09:00) counts again
]
# An occurrence acted on at another time than the morning after (the cancellation comes first).
ACT_AT = {("A08", "05"): "2026-02-05T14:30:00"}
NOW = "2026-02-08T18:00:00"


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+00:00")


def _figures(due, done, partial, skipped, rate, q, r):
    return {"due": due, "done": done, "partial": partial, "skipped": skipped, "rate": rate, "client_quality": q,
            "clinician_quality": r}


# -- the expectation, worked out by hand from the tables above ------------------------------------------
# Per assignment (due, done, partial, skipped; client ratings; clinician ratings), kind, channels, time of day:
#   A01 7 5 1 1 [4 3 2 5 4] [5 4]  worksheet      email        morning   (the 8th's 08:00 is past at 18:00)
#   A02 7 3 0 1 [2 5] []           diary          sms          evening   (the 8th, due 21:00, done early)
#   A03 2 2 1 0 [3 4] [3]          log            email, sms   afternoon (Mon 2nd, Thu 5th)
#   A04 2 1 0 0 [4] []             exercise       push         morning   (the 1st is before the range; 4th, 7th)
#   A05 1 1 0 0 [3] [2]            questionnaire  none         evening   (once, due the 6th; reminders off)
#   A06 6 2 0 2 [1 2] [1]          worksheet      none         night     (the 8th's 23:30 not yet due)
#   A07 6 4 1 0 [4 4 3] [4]        diary          email        morning   (the 5th fell due while paused)
#   A08 4 2 0 1 [5] [5]            log            email, push  afternoon (cancelled after the 5th)
#   A09 7 7 0 0 [3 3 3 4] [2]      worksheet      email        morning   (New York 07:30)
#   A10 7 2 1 1 [2 5] []           exercise       sms          night     (New York 22:15; the 8th done early)
#   A11 2 2 0 0 [4 2] [3]          questionnaire  email        morning   (Tokyo, Wed 4th and Sat 7th)
#   A12 7 2 1 0 [1] []             diary          sms, email   night     (Tokyo 22:30: the 8th is past)
#   A13a 3 2 0 1 [4 4] [4 4]       worksheet      email        evening   (from the 5th; the 8th's 19:00 not due)
#   A13b 1 0 0 0 [] []             questionnaire  sms          morning   (the 1st is before the range)
#   A14 4 4 1 0 [3 4 3] [5]        log            none         afternoon (every other day; reminders off)
#   A15 7 0 0 0 [] []              exercise       push, sms    morning
#   A16 1 1 0 0 [5] [5]            diary          sms          afternoon (once, the 8th)
#   A17 3 2 1 1 [2 3] [3]          worksheet      email        evening   (from the 6th)
#   A18 7 4 0 0 [4 4 3 5] [4]      diary          email        morning   (clinician c2; New York)
#   A19 6 3 0 0 [2 3] [2]          log            sms          evening   (clinician c2; the 8th's 20:00 not due)
#   A20 1 1 1 0 [4] [3]            worksheet      email        afternoon (clinician c2; Tokyo Mondays)
#   A22 2 1 0 0 [2] []             diary          email        morning   (paused at noon on the 3rd)
#   C21 has no homework.
PRACTICE = {
    "clients": 22,
    # due 93, done 51, partial 8, skipped 8; client ratings 140/42, clinician ratings 59/17
    "overall": _figures(93, 51, 8, 8, 0.548, 3.33, 3.47),
    "by_kind": {
        "diary": _figures(30, 15, 2, 1, 0.5, 3.5, 4.33),               # 42/12; 13/3
        "exercise": _figures(16, 3, 1, 1, 0.188, 3.67, None),          # 11/3
        "log": _figures(16, 11, 2, 1, 0.688, 3.38, 3.75),              # 27/8; 15/4
        "questionnaire": _figures(4, 3, 0, 0, 0.75, 3.0, 2.5),         # 9/3; 5/2
        "worksheet": _figures(27, 19, 3, 5, 0.704, 3.19, 3.25),        # 51/16; 26/8
    },
    "by_channel": {
        "email": _figures(51, 34, 6, 4, 0.667, 3.43, 3.67),             # 96/28; 44/12
        "none": _figures(11, 7, 1, 2, 0.636, 2.67, 2.67),              # 16/6; 8/3
        "push": _figures(13, 3, 0, 1, 0.231, 4.5, 5.0),                # 9/2; 5/1
        "sms": _figures(38, 13, 3, 2, 0.342, 3.2, 3.33),               # 32/10; 10/3
    },
    "by_time_of_day": {
        "morning": _figures(41, 24, 2, 1, 0.585, 3.5, 3.67),             # 70/20; 22/6
        "afternoon": _figures(12, 10, 3, 1, 0.833, 3.88, 4.2),         # 31/8; 21/5
        "evening": _figures(20, 11, 1, 3, 0.55, 3.11, 3.0),            # 28/9; 15/5
        "night": _figures(20, 6, 2, 3, 0.3, 2.2, 1.0),                 # 11/5; 1/1
    },
}
# Clinician c1 (all but C18-C20): due 93-14, done 51-8, partial 8-1; ratings 115/35 and 50/14.
C1_OVERALL = _figures(79, 43, 7, 8, 0.544, 3.29, 3.57)
# Clinician c2 (C18-C20): due 14, done 8, partial 1; ratings 25/7 and 9/3.
C2_OVERALL = _figures(14, 8, 1, 0, 0.571, 3.57, 3.0)


class Practice:
    def __init__(self, api):
        from chalicelib.identity import practices
        from chalicelib.identity.principals import Role

        self.api = api
        run = uuid.uuid4().hex[:8]
        self.settings = use_table(f"emotipal-adherence-{run}")
        practice = practices.create_practice("Harbour Psychology")["practice_id"]
        other = practices.create_practice("Northside Counselling")["practice_id"]
        self.subs = {}
        for name, at, role in [("c1", practice, Role.clinician), ("c2", practice, Role.clinician),
                               ("owner", practice, Role.owner), ("stranger", other, Role.owner)]:
            self.subs[name] = f"sub-{name}-{run}"
            practices.add_member(at, self.subs[name], email=f"{name}-{run}@example.com", display_name=name,
                                 role=role)
        self.links: dict[str, str] = {}

    def call(self, method: str, path: str, who: str, body: dict | None = None, expect: int | None = 200, **headers):
        token = self.links.get(who) or mint(self.settings, self.subs[who])
        response = self.api.http.request(
            method=method, path=path, body=json.dumps(body) if body is not None else b"",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}", **headers})
        if expect is not None:
            assert response.status_code == expect, (method, path, response.body)
        return json.loads(response.body) if response.body else None


def _code(code: str) -> tuple[str, int | None, int | None]:
    """("c4/5") -> ("complete", 4, 5)."""
    action = {"c": "complete", "p": "partial", "s": "skipped"}[code[0]]
    rating, _, quality = code[1:].partition("/")
    return action, int(rating) if rating else None, int(quality) if quality else None


@pytest.fixture(scope="module")
def caseload(aws, api):
    with time_machine.travel(_utc("2026-01-31T12:00:00"), tick=False) as clock:
        practice = Practice(api)
        templates = {kind: practice.call("POST", "/v1/templates", "c1", {"content": {
            "title": f"Practice {kind}", "kind": kind,
            "items": [{"id": "note", "type": "long_text", "label": "What did you do?", "required": True}]}},
            expect=201)["template_id"] for kind in KINDS}
        clients = {}
        for name, clinician, zone, channels in CLIENTS:
            client = practice.call("POST", "/v1/clients", clinician, {
                "display_name": f"Client {name}", "email": f"{name.lower()}-{uuid.uuid4().hex[:6]}@example.com",
                "phone": "+447911123456", "timezone": zone, "reminder_channels": channels}, expect=201)
            clients[name] = (client["client_id"], clinician)
            link = practice.call("POST", f"/v1/clients/{client['client_id']}/access-link", clinician, {}, expect=201)
            practice.links[client["client_id"]] = link["url"].split("#token=")[1]
        assignments = {}
        for name, (client, kind, body, _) in ASSIGNMENTS.items():
            client_id, clinician = clients[client]
            assignments[name] = practice.call("POST", f"/v1/clients/{client_id}/assignments", clinician,
                                              {"template_id": templates[kind], **body}, expect=201)["assignment_id"]

        timeline = [(_utc(at), "status", name, status) for at, name, status in STATUS_CHANGES]
        for name, (_, _, _, codes) in ASSIGNMENTS.items():
            for day, code in codes.items():
                occurrence = f"2026-02-{day}"
                at = ACT_AT.get((name, day)) or ("2026-02-08T17:00:00" if day == "08" else
                                                  f"{(datetime.fromisoformat(occurrence) + timedelta(days=1)).date()}"
                                                  f"T06:00:00")
                timeline.append((_utc(at), "act", name, (occurrence, code)))
        to_rate = []
        for at, what, name, detail in sorted(timeline, key=lambda t: (t[0], t[1], t[2])):
            clock.move_to(at)
            client_id, clinician = clients[ASSIGNMENTS[name][0]]
            if what == "status":
                if detail == "cancelled":
                    practice.call("DELETE", f"/v1/assignments/{assignments[name]}", clinician)
                else:
                    practice.call("PATCH", f"/v1/assignments/{assignments[name]}", clinician, {"status": detail})
                continue
            occurrence, code = detail
            action, rating, quality = _code(code)
            path = f"/v1/client/assignments/{assignments[name]}"
            if action == "skipped":
                practice.call("POST", f"{path}/skip", client_id, {"occurrence_id": occurrence, "reason": "Not today"})
                continue
            receipt = practice.call("POST", f"{path}/submissions", client_id, {
                "occurrence_id": occurrence, "answers": {"note": "Did it"} if action == "complete" else {},
                "completion": action, "rating": rating}, expect=201, **{"Idempotency-Key": uuid.uuid4().hex})
            if quality:
                to_rate.append((clinician, receipt["submission_id"], quality))
        clock.move_to(_utc("2026-02-08T17:30:00"))
        for clinician, submission_id, quality in to_rate:
            practice.call("POST", f"/v1/submissions/{submission_id}/review", clinician,
                          {"feedback": "Thank you.", "quality_rating": quality})
        clock.move_to(_utc(NOW))
        yield practice, clients


def _report(practice, who, query="from=2026-02-02&to=2026-02-08", expect=200):
    return practice.call("GET", f"/v1/insights/adherence?{query}", who, expect=expect)


def test_the_practice_matches_the_hand_computed_figures(caseload):
    practice, _ = caseload
    report = _report(practice, "owner")
    assert (report["from"], report["to"], report["scope"]) == ("2026-02-02", "2026-02-08", "practice")
    assert report["clients"] == PRACTICE["clients"]
    assert report["overall"] == PRACTICE["overall"]
    assert report["by_kind"] == PRACTICE["by_kind"]
    assert report["by_channel"] == PRACTICE["by_channel"]
    assert report["by_time_of_day"] == PRACTICE["by_time_of_day"]


def test_a_clinician_sees_their_own_caseload(caseload):
    practice, _ = caseload
    mine = _report(practice, "c1")
    assert (mine["scope"], mine["clients"], mine["overall"]) == ("mine", 19, C1_OVERALL)
    assert _report(practice, "c1", "from=2026-02-02&to=2026-02-08&scope=mine") == mine
    theirs = _report(practice, "c2")
    assert (theirs["scope"], theirs["clients"], theirs["overall"]) == ("mine", 3, C2_OVERALL)
    assert theirs["by_kind"].keys() == {"diary", "log", "worksheet"}


def test_owners_may_ask_for_their_own_caseload_and_clinicians_not_for_the_practice(caseload):
    practice, _ = caseload
    own = _report(practice, "owner", "from=2026-02-02&to=2026-02-08&scope=mine")
    assert own["clients"] == 0 and own["overall"] == _figures(0, 0, 0, 0, None, None, None)
    refused = _report(practice, "c1", "from=2026-02-02&to=2026-02-08&scope=practice", expect=403)
    assert refused["detail"].startswith("Only owners and admins")
    assert _report(practice, "stranger")["clients"] == 0


def test_one_query_for_the_whole_practice_and_never_a_scan(caseload):
    from tests.api.test_session_review import counted

    practice, clients = caseload
    with counted() as calls:
        _report(practice, "owner")
    names = [name for name, _ in calls]
    assert "Scan" not in names and names.count("Query") == 1, names
    query = next(params for name, params in calls if name == "Query")
    assert query["IndexName"] == "gsi2"
    # Every client read is in the audit trail.
    client_id, clinician = clients["C07"]
    trail = practice.call("GET", f"/v1/clients/{client_id}/audit", clinician)["items"]
    assert "adherence.read" in [e["action"] for e in trail]


def test_a_range_outside_the_homework_and_a_day_with_something_done_early(caseload):
    practice, _ = caseload
    assert _report(practice, "owner", "from=2025-01-01&to=2025-12-31")["overall"]["due"] == 0
    sunday = _report(practice, "owner", "from=2026-02-08&to=2026-02-08")
    # The 8th: A01, A07, A09, A12, A13b, A14, A15, A16, A17, A18 fell due by 18:00; A02 and A10 were done early.
    assert sunday["overall"]["due"] == 12 and sunday["overall"]["done"] == 8


@pytest.mark.parametrize("query, field, message", [
    ("to=2026-02-08", "from", "This is required."),
    ("from=2026-02-08&to=2026-02-01", "to", "Choose an end date on or after the start date."),
    ("from=2026-01-01&to=2027-01-03", "to", "Choose an end date at most 366 days after the start date."),
    ("from=2026-02-30&to=2026-03-01", "from", None),
    ("from=2026-02-01&to=2026-02-08&scope=everyone", "scope", "Choose one of: mine, or practice."),
])
def test_bad_ranges_are_refused_with_a_sentence(caseload, query, field, message):
    practice, _ = caseload
    problem = _report(practice, "c1", query, expect=422)
    [error] = [e for e in problem["errors"] if e["field"] == field]
    assert error["message"] == message if message else error["message"].endswith(".")
