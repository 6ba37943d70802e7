"""The next-session review from a hand-made review feed: every rule, with figures worked out by hand."""
from __future__ import annotations

from datetime import datetime, UTC

import pytest

from chalicelib.homework import session_review
from chalicelib.homework.schedule import Schedule

CLIENT = "01CLIENT00000000000000000A"
DIARY = f"{CLIENT}-01DIARY000000000000000000A"
PHQ9 = f"{CLIENT}-01PHQ90000000000000000000A"
SINCE = datetime(2026, 11, 10, tzinfo=UTC)
UNTIL = datetime(2026, 11, 17, tzinfo=UTC)


def _at(text: str) -> str:
    return f"2026-{text}Z"


def _submission(assignment_id, occurrence, submitted, *, rating=None, quality=None, completion="complete",
                note=None, score=None, template="thought-record"):
    return {"submission_id": f"{assignment_id}-01SUB{occurrence.replace('-', '')}000000000",
            "assignment_id": assignment_id, "client_id": CLIENT, "template_id": template, "title": "Homework",
            "occurrence_id": occurrence, "submitted_at": _at(submitted), "completion": completion, "rating": rating,
            "note_for_session": note, "score": score,
            "review": {"feedback": "Thanks", "quality_rating": quality} if quality else None}


def _feed():
    """A daily thought record due 20:00 London (= UTC in November), paused on the 14th's due time;
    a weekly PHQ-9. The review runs from 10 Nov 00:00 to 17 Nov 00:00 UTC."""
    diary = {
        "assignment_id": DIARY, "client_id": CLIENT, "template_id": "thought-record",
        "template_title": "Thought record", "title": "Catch a thought", "kind": "worksheet", "status": "active",
        "recurrence": {"frequency": "daily"}, "start_date": "2026-11-01", "due_time": "20:00",
        "status_history": [{"status": "active", "at": _at("10-31T12:00:00")},
                           {"status": "paused", "at": _at("11-14T12:00:00")},
                           {"status": "active", "at": _at("11-15T12:00:00")}],
        "occurrences": {
            "2026-11-09": {"state": "submitted", "at": _at("11-09T19:00:00")},   # before the review
            "2026-11-10": {"state": "submitted", "at": _at("11-10T19:00:00")},   # partial (ledger)
            "2026-11-11": {"state": "submitted", "at": _at("11-11T21:00:00")},   # late, still counts
            "2026-11-12": {"state": "skipped", "at": _at("11-12T18:00:00")},
            "2026-11-17": {"state": "submitted", "at": _at("11-16T23:00:00")},   # done early: due after until
            "2026-11-18": {"state": "submitted", "at": _at("11-17T09:00:00")},   # done after the review
        },
        # 13th, 15th and 16th missed; the 14th fell due while paused, so it is not due at all.
        "barriers": {
            "2026-11-13": {"barriers": ["forgot", "no_time"], "other": None, "context": "missed",
                           "reported_at": _at("11-14T09:00:00")},
            "2026-11-12": {"barriers": ["too_hard"], "other": None, "context": "skipped",
                           "reported_at": _at("11-12T18:00:00")},
            "2026-11-15": {"barriers": [], "other": None, "context": "missed",
                           "reported_at": _at("11-16T08:00:00")},                # "not now"
            "2026-11-02": {"barriers": ["forgot"], "other": None, "context": "missed",
                           "reported_at": _at("11-03T08:00:00")},                # before the review
            "2026-11-08": {"barriers": ["other"], "other": "Away at a wedding", "context": "missed",
                           "reported_at": _at("11-10T08:00:00")},                # reported inside it
        },
        "measure": None,
    }
    phq9 = {
        "assignment_id": PHQ9, "client_id": CLIENT, "template_id": "phq-9", "template_title": "PHQ-9",
        "title": "Mood check", "kind": "questionnaire", "status": "active",
        "recurrence": {"frequency": "weekly", "weekdays": ["mon"]}, "start_date": "2026-11-02", "due_time": "09:00",
        "status_history": [{"status": "active", "at": _at("11-01T12:00:00")}],
        "occurrences": {day: {"state": "submitted", "at": _at(f"{day[5:]}T08:00:00")}
                        for day in ("2026-11-02", "2026-11-09", "2026-11-16")},
        "measure": {"reliable_change": 6, "higher_is_better": False, "bands": []},
        "scores": [{"occurrence_id": "2026-11-02", "submitted_at": _at("11-02T08:00:00"), "total": 16,
                    "band": "Moderately severe"},
                   {"occurrence_id": "2026-11-09", "submitted_at": _at("11-09T08:00:00"), "total": 14,
                    "band": "Moderate"},
                   {"occurrence_id": "2026-11-16", "submitted_at": _at("11-16T08:00:00"), "total": 8,
                    "band": "Mild"}],
    }
    plan = {"assignment_id": DIARY, "confidence": 8, "needs_adjustment": False, "when_where": "After dinner",
            "first_step": "Open the page", "history": [
                {"version": 1, "at": _at("11-01T10:00:00"), "by_role": "clinician",
                 "changes": {"confidence": 6, "when_where": "Evenings"}},
                {"version": 2, "at": _at("11-11T10:00:00"), "by_role": "client", "changes": {"confidence": 4}},
                {"version": 3, "at": _at("11-12T10:00:00"), "by_role": "clinician",
                 "changes": {"when_where": "After dinner"}},
                {"version": 4, "at": _at("11-13T10:00:00"), "by_role": "client", "changes": {"confidence": 8}},
                {"version": 5, "at": _at("11-18T10:00:00"), "by_role": "client", "changes": {"confidence": 9}},
            ]}
    submissions = [
        _submission(DIARY, "2026-11-09", "11-09T19:00:00", rating=1, quality=1, note="Old note"),
        _submission(DIARY, "2026-11-10", "11-10T19:00:00", rating=3, quality=4, completion="partial"),
        _submission(DIARY, "2026-11-11", "11-11T21:00:00", rating=5, note="Talk about sleep"),
        _submission(DIARY, "2026-11-17", "11-16T23:00:00", rating=4, quality=2),
        _submission(PHQ9, "2026-11-16", "11-16T08:00:00", template="phq-9",
                    score={"total": 8, "band": "Mild"}),
    ]
    return {
        "profile": [{"client_id": CLIENT, "display_name": "Robin", "timezone": "Europe/London"}],
        "stats": [{"session_reviewed_at": _at("11-10T00:00:00"),
                   "outcomes": {DIARY.rsplit("-", 1)[1]: {"2026-11-10": {"c": "partial", "q": 3, "r": 4}}}}],
        "assignment": [phq9, diary],
        "plan": [plan],
        "submission": submissions,
        "alert": [{"alert_id": f"{CLIENT}-01ALERT1", "assignment_id": PHQ9, "submission_id": "s", "status": "open",
                   "template_title": "PHQ-9", "created_at": _at("11-16T08:00:00"),
                   "items": [{"item": "phq9_9", "label": "Thoughts of self-harm", "value": 1}]},
                  {"alert_id": f"{CLIENT}-01ALERT2", "assignment_id": PHQ9, "submission_id": "t",
                   "status": "acknowledged", "template_title": "PHQ-9", "created_at": _at("11-09T08:00:00"),
                   "items": []}],
        "note": [{"note_id": f"{CLIENT}-01NOTE1", "text": "I want to talk about work", "created_at": _at("11-12T07:00:00")},
                 {"note_id": f"{CLIENT}-01NOTE0", "text": "Old", "created_at": _at("11-05T07:00:00")}],
    }


@pytest.fixture(scope="module")
def review():
    return session_review.build(_feed(), since=SINCE, until=UNTIL)


def test_completion_counts_due_done_partial_skipped_and_missed_in_the_clients_time(review):
    diary, phq9 = (next(a for a in review.assignments if a.assignment_id == i) for i in (DIARY, PHQ9))
    # Due 10..16 Nov at 20:00, less the 14th (paused): 6; plus the 17th, done early inside the review: 7.
    # Done: 10 (partial), 11, 17; skipped: 12; missed: 13, 15, 16.
    assert diary.completion.model_dump() == {"due": 7, "done": 3, "partial": 1, "skipped": 1, "missed": 3}
    assert phq9.completion.model_dump() == {"due": 1, "done": 1, "partial": 0, "skipped": 0, "missed": 0}
    assert review.completion.model_dump() == {"due": 8, "done": 4, "partial": 1, "skipped": 1, "missed": 3}
    assert [a.assignment_id for a in review.assignments] == sorted([DIARY, PHQ9])


def test_ratings_from_both_sides_are_those_of_submissions_in_the_review(review):
    diary = next(a for a in review.assignments if a.assignment_id == DIARY)
    assert diary.client_ratings == [3, 5, 4] and diary.clinician_ratings == [4, 2]
    assert review.quality.model_dump() == {"client_mean": 4.0, "clinician_mean": 3.0, "client_ratings": [3, 5, 4],
                                           "clinician_ratings": [4, 2]}
    assert [s.occurrence_id for s in review.submissions] == ["2026-11-10", "2026-11-11", "2026-11-16", "2026-11-17"]
    assert review.submissions[0].completion == "partial" and review.submissions[0].quality_rating == 4
    assert review.submissions[2].score == {"total": 8, "band": "Mild"}


def test_barriers_in_the_review_are_counted_and_a_dismissal_is_not_a_barrier(review):
    diary = next(a for a in review.assignments if a.assignment_id == DIARY)
    assert diary.barriers == {"forgot": 1, "no_time": 1, "other": 1, "too_hard": 1}
    assert [r.occurrence_id for r in diary.barrier_reports] == ["2026-11-08", "2026-11-12", "2026-11-13"]
    assert diary.barrier_reports[0].other == "Away at a wedding"
    assert review.barrier_counts == {"forgot": 1, "no_time": 1, "other": 1, "too_hard": 1}


def test_plan_confidence_and_its_changes_in_the_review(review):
    plan = next(a for a in review.assignments if a.assignment_id == DIARY).plan
    assert plan.confidence == 8 and plan.when_where == "After dinner" and plan.first_step == "Open the page"
    assert [c.model_dump(by_alias=True) for c in plan.confidence_changes] == [
        {"at": _at("11-11T10:00:00"), "from": 6, "to": 4, "by_role": "client"},
        {"at": _at("11-13T10:00:00"), "from": 4, "to": 8, "by_role": "client"}]
    empty = next(a for a in review.assignments if a.assignment_id == PHQ9).plan
    assert empty.model_dump() == {"confidence": None, "confidence_changes": [], "needs_adjustment": False,
                                  "when_where": None, "first_step": None}


def test_score_change_from_the_last_score_before_the_review_is_reliable_at_the_measures_threshold(review):
    [score] = review.scores
    assert score.template_id == "phq-9" and score.title == "PHQ-9"
    assert score.baseline.model_dump() == {"total": 14, "band": "Moderate", "at": _at("11-09T08:00:00")}
    assert score.latest.model_dump() == {"total": 8, "band": "Mild", "at": _at("11-16T08:00:00")}
    assert (score.change, score.reliable, score.direction) == (-6, True, "improved")


def test_open_alerts_notes_and_the_last_review(review):
    assert [a.alert_id for a in review.open_alerts] == [f"{CLIENT}-01ALERT1"]
    assert review.open_alerts[0].items == [{"item": "phq9_9", "label": "Thoughts of self-harm", "value": 1}]
    # Oldest first: the note sent with the 11th's homework (21:00), then the one written on the 12th.
    assert [(n.text, n.source) for n in review.notes] == [("Talk about sleep", "submission"),
                                                         ("I want to talk about work", "note")]
    assert review.last_reviewed_at == _at("11-10T00:00:00")
    assert (review.since, review.until) == (_at("11-10T00:00:00"), _at("11-17T00:00:00"))


@pytest.mark.parametrize("measure, before, after, expected", [
    ({"reliable_change": 6, "higher_is_better": False}, 14, 9, (-5, False, "improved")),
    ({"reliable_change": 6, "higher_is_better": False}, 9, 15, (6, True, "worsened")),
    ({"reliable_change": 5, "higher_is_better": True}, 20, 26, (6, True, "improved")),
    ({"reliable_change": 5, "higher_is_better": True}, 20, 20, (0, False, "no_change")),
    ({"reliable_change": None, "higher_is_better": False}, 10, 2, (-8, None, "improved")),
    (None, 10, 12, (2, None, "worsened")),
])
def test_score_change_rules(measure, before, after, expected):
    baseline, latest = {"total": before}, {"total": after}
    assert session_review.score_change(measure, baseline, latest) == expected
    assert session_review.score_change(measure, None, latest) == (None, None, None)
    assert session_review.score_change(measure, latest, latest) == (None, None, None)


def test_a_first_score_inside_the_review_is_its_own_baseline_without_a_change():
    feed = _feed()
    phq9 = feed["assignment"][0]
    phq9["scores"] = [s for s in phq9["scores"] if s["occurrence_id"] == "2026-11-16"]
    [score] = session_review.build(feed, since=SINCE, until=UNTIL).scores
    assert score.baseline == score.latest and score.change is None and score.reliable is None


def test_without_a_since_the_review_covers_everything_and_scores_start_at_the_first():
    review = session_review.build(_feed(), since=None, until=UNTIL)
    diary = next(a for a in review.assignments if a.assignment_id == DIARY)
    # 1..16 Nov less the 14th = 15 due, plus the 17th done early: 16. Done 9, 10, 11, 17; skipped 12;
    # missed the other 11 (1-8, 13, 15, 16).
    assert diary.completion.model_dump() == {"due": 16, "done": 4, "partial": 1, "skipped": 1, "missed": 11}
    [score] = review.scores
    assert (score.baseline.total, score.latest.total, score.change, score.reliable) == (16, 8, -8, True)
    assert review.since is None


def test_due_between_pages_past_a_years_worth_of_occurrences():
    schedule = Schedule.of({"recurrence": {"frequency": "daily"}, "start_date": "2025-01-01", "due_time": "08:00",
                            "status_history": [{"status": "active", "at": "2024-12-31T00:00:00Z"}]}, "Europe/London")
    found = list(session_review.due_between(schedule, None, datetime(2026, 12, 31, 12, tzinfo=UTC)))
    assert len(found) == 365 + 365 and found[-1].occurrence_id == "2026-12-31"
