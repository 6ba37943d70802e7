"""The plan's rules, without storage: who may change what, when a plan needs adjusting, and
what its history records."""
from __future__ import annotations

import pytest

from chalicelib.homework import plans

AID, CID = "CLIENT-ASSIGNMENT", "CLIENT"
DRAFT = {"rationale": "Noticing a thought is the first step to questioning it.",
         "when_where": "After dinner, at the kitchen table", "first_step": "Save the link tonight",
         "obstacles": [{"obstacle": "Too tired", "response": "Write one line"}], "confidence": None,
         "what_would_help": None}


def _clinician(plan, values, at="2026-12-01T10:00:00Z", threshold=7):
    return plans.apply(plan, values, role="clinician", by_id="sub-a1", by_name="Dr A", at=at, threshold=threshold)


def _client(plan, values, at="2026-12-02T08:00:00Z", threshold=7):
    return plans.apply(plan, values, role="client", by_id="client", by_name=None, at=at, threshold=threshold)


@pytest.fixture
def drafted():
    plan = plans.first_draft(AID, CID, DRAFT, by_id="sub-a1", by_name="Dr A", at="2026-12-01T09:00:00Z")
    assert plan is not None
    return plan


def test_a_plan_nobody_wrote_is_blank_at_version_0():
    blank = plans.blank(AID, CID)
    assert blank["version"] == 0 and blank["history"] == [] and blank["obstacles"] == []
    assert all(blank[field] is None for field in plans.FIELDS if field != "obstacles")
    assert blank["needs_adjustment"] is False


def test_an_empty_draft_stores_no_plan():
    assert plans.first_draft(AID, CID, plans.normalised({"rationale": "  ", "obstacles": []}), by_id="sub-a1",
                             by_name="Dr A", at="2026-12-01T09:00:00Z") is None


def test_the_clinicians_draft_is_version_1_with_its_history_line(drafted):
    assert drafted["version"] == 1 and drafted["updated_by_role"] == "clinician"
    assert drafted["needs_adjustment"] is False
    (entry,) = drafted["history"]
    assert entry == {"version": 1, "at": "2026-12-01T09:00:00Z", "by_role": "clinician", "by_id": "sub-a1",
                     "by_name": "Dr A", "changes": {k: v for k, v in DRAFT.items() if v is not None}}


def test_a_low_confidence_from_the_client_marks_the_plan_and_the_clinician_clears_it(drafted):
    low = _client(drafted, {"when_where": "After breakfast", "confidence": 4})
    assert low["needs_adjustment"] is True and low["version"] == 2
    assert low["history"][-1] == {"version": 2, "at": "2026-12-02T08:00:00Z", "by_role": "client",
                                  "by_id": "client", "by_name": None,
                                  "changes": {"when_where": "After breakfast", "confidence": 4,
                                              "needs_adjustment": True}}
    adjusted = _clinician(low, {**DRAFT, "when_where": "After breakfast", "first_step": "Open the link",
                                "confidence": 4})
    assert adjusted["needs_adjustment"] is False and adjusted["version"] == 3
    assert adjusted["history"][-1]["changes"] == {"first_step": "Open the link", "needs_adjustment": False}
    raised = _client(adjusted, {"confidence": 8})
    assert raised["needs_adjustment"] is False
    assert raised["history"][-1]["changes"] == {"confidence": 8}
    assert [e["version"] for e in raised["history"]] == [1, 2, 3, 4]


def test_the_client_raising_confidence_to_the_threshold_clears_the_mark(drafted):
    low = _client(drafted, {"confidence": 6})
    assert low["needs_adjustment"] is True
    at_threshold = _client(low, {"confidence": 7})
    assert at_threshold["needs_adjustment"] is False
    assert at_threshold["history"][-1]["changes"] == {"confidence": 7, "needs_adjustment": False}


@pytest.mark.parametrize("threshold,confidence,needs", [(7, 6, True), (7, 7, False), (4, 3, True), (4, 4, False),
                                                        (10, 9, True), (1, 0, True), (1, 1, False)])
def test_the_practice_threshold_decides(drafted, threshold, confidence, needs):
    assert _client(drafted, {"confidence": confidence}, threshold=threshold)["needs_adjustment"] is needs
    assert plans.is_low(confidence, threshold) is needs


def test_a_confidence_set_by_the_clinician_asks_but_does_not_mark(drafted):
    plan = _clinician(drafted, {**DRAFT, "confidence": 3})
    assert plan["needs_adjustment"] is False and plans.is_low(plan["confidence"], 7)


def test_the_client_resending_the_same_confidence_changes_nothing(drafted):
    low = _client(drafted, {"confidence": 4})
    adjusted = _clinician(low, {**DRAFT, "confidence": 4})
    assert _client(adjusted, {"confidence": 4, "when_where": DRAFT["when_where"]}) is None


def test_the_client_clearing_confidence_keeps_the_mark(drafted):
    low = _client(drafted, {"confidence": 2})
    cleared = _client(low, {"confidence": None})
    assert cleared["needs_adjustment"] is True and cleared["confidence"] is None


def test_a_save_that_changes_nothing_writes_no_version(drafted):
    assert _clinician(drafted, dict(DRAFT)) is None


def test_history_keeps_the_last_30(drafted):
    plan = drafted
    for n in range(40):
        plan = _client(plan, {"first_step": f"step {n}"}, at=f"2026-12-03T00:00:{n:02d}Z")
    assert plan["version"] == 41 and len(plan["history"]) == plans.HISTORY_KEPT
    assert plan["history"][0]["version"] == 12 and plan["history"][-1]["changes"] == {"first_step": "step 39"}


def test_only_plan_fields_can_be_changed(drafted):
    with pytest.raises(ValueError):
        _client(drafted, {"needs_adjustment": False})
    with pytest.raises(ValueError):
        _clinician(drafted, {"version": 9})


def test_text_is_trimmed_and_blank_text_is_none():
    assert plans.normalised({"rationale": "  why  ", "first_step": "   ", "confidence": 0,
                             "obstacles": [{"obstacle": " rain ", "response": " "}]}) == {
        "rationale": "why", "first_step": None, "confidence": 0, "obstacles": [{"obstacle": "rain", "response": None}]}


def test_the_client_sees_clinicians_by_name_never_by_account(drafted):
    history = _client(drafted, {"confidence": 4})["history"]
    shown = plans.history_for_client(history)
    assert [(e["by_role"], e["by_id"], e["by_name"]) for e in shown] == [("clinician", "clinician", "Dr A"),
                                                                          ("client", "client", None)]
    assert "sub-a1" not in repr(shown)
    assert history[0]["by_id"] == "sub-a1"  # the clinician's own view keeps it


def test_confidence_changes_read_from_the_history(drafted):
    plan = _client(drafted, {"confidence": 4}, at="2026-12-02T08:00:00Z")
    plan = _clinician(plan, {**DRAFT, "confidence": 4, "first_step": "Smaller"}, at="2026-12-03T08:00:00Z")
    plan = _client(plan, {"confidence": 8}, at="2026-12-04T08:00:00Z")
    assert plans.confidence_changes(plan["history"]) == [
        {"at": "2026-12-02T08:00:00Z", "from": None, "to": 4, "by_role": "client"},
        {"at": "2026-12-04T08:00:00Z", "from": 4, "to": 8, "by_role": "client"}]


@pytest.mark.parametrize("practice,threshold", [(None, 7), ({}, 7), ({"plan_confidence_threshold": 4}, 4),
                                                ({"plan_confidence_threshold": 0}, 7),
                                                ({"plan_confidence_threshold": 11}, 7),
                                                ({"plan_confidence_threshold": "5"}, 7)])
def test_threshold_of_a_practice(practice, threshold):
    assert plans.threshold_of(practice) == threshold
