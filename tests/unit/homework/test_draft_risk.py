"""Rules for risk answers left unsent in a draft (homework/draft_risk.py)."""
from __future__ import annotations

from datetime import datetime, UTC

from chalicelib.homework import draft_risk
from chalicelib.homework.library import get_library_template
from chalicelib.homework.scoring import RiskFlag

NOW = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)


def _flag(value: int = 1, item: str = "phq9_9") -> RiskFlag:
    return RiskFlag(item=item, value=value, label="Thoughts of self-harm", message="Call", answer="Several days")


def test_risk_items_are_the_items_the_risk_rules_read():
    phq9 = get_library_template("phq-9").model_dump(mode="json")
    assert draft_risk.risk_items(phq9) == ["phq9_9"]
    assert draft_risk.risk_items({"items": [], "scoring": None}) == []


def test_a_waiting_risk_answer_is_due_after_the_practices_hours_and_autosaves_keep_the_start():
    first = draft_risk.marker(None, None, "2027-01-11", [_flag()], NOW, 12)
    assert first == {"risk_since": "2027-01-11T09:00:00Z", "risk_due_at": "2027-01-11T21:00:00Z"}
    later = datetime(2027, 1, 11, 20, 0, tzinfo=UTC)
    assert draft_risk.marker({**first, "occurrence_id": "2027-01-11"}, None, "2027-01-11", [_flag()], later, 12) \
        == first
    # Taken back: no wait. Back again later: the wait starts again.
    assert draft_risk.marker({**first, "occurrence_id": "2027-01-11"}, None, "2027-01-11", [], later, 12) == {}
    assert draft_risk.marker({"occurrence_id": "2027-01-11"}, None, "2027-01-11", [_flag()], later, 3)["risk_due_at"] \
        == "2027-01-11T23:00:00Z"


def test_answers_alerted_once_are_not_waiting_again_but_a_higher_one_is():
    record = draft_risk.record_after(None, "2027-01-11", "alert-1", [_flag(1)])
    assert record == {"occurrence_id": "2027-01-11", "alert_id": "alert-1",
                      "alerted": [{"item": "phq9_9", "value": 1}]}
    assert draft_risk.marker(None, record, "2027-01-11", [_flag(1)], NOW, 12) == {}
    assert draft_risk.pending(record, "2027-01-11", [_flag(2)]) == [_flag(2)]
    assert draft_risk.pending(record, "2027-01-18", [_flag(1)]) == [_flag(1)]  # next week's draft is news


def test_a_submission_recognises_the_draft_alert_only_when_it_said_everything():
    record = draft_risk.record_after(None, "2027-01-11", "alert-1", [_flag(1)])
    assert draft_risk.covering_alert(record, "2027-01-11", [_flag(1)]) == "alert-1"
    assert draft_risk.covering_alert(record, "2027-01-11", [_flag(3)]) is None
    assert draft_risk.covering_alert(record, "2027-01-18", [_flag(1)]) is None
    assert draft_risk.covering_alert(None, "2027-01-11", [_flag(1)]) is None
    # A draft saved without naming its occurrence was for the one being sent.
    loose = draft_risk.record_after(None, None, "alert-2", [_flag(1)])
    assert draft_risk.covering_alert(loose, "2027-01-11", [_flag(1)]) == "alert-2"


def test_the_practice_time_defaults_to_12_hours():
    assert draft_risk.hours_of(None) == draft_risk.hours_of({}) == 12
    assert draft_risk.hours_of({"draft_risk_hours": 6}) == 6
