"""Answer validation reports every bad item at once, with a path and a code."""

import pytest

from chalicelib.homework.answers import (
    MAX_ANSWERS_BYTES,
    InvalidAnswers,
    normalise_answers,
    validate_answers,
)
from chalicelib.homework.templates import Template

TEMPLATE = Template.model_validate(
    {
        "id": "answer-check",
        "title": "Everything",
        "kind": "worksheet",
        "items": [
            {"id": "situation", "type": "text", "label": "Situation", "required": True, "max_length": 20},
            {"id": "story", "type": "long_text", "label": "Story"},
            {"id": "minutes", "type": "number", "label": "Minutes", "min": 0, "max": 120, "step": 5},
            {"id": "dose", "type": "number", "label": "Dose", "step": 0.1},
            {"id": "mood", "type": "scale", "label": "Mood", "min": 0, "max": 10, "required": True},
            {
                "id": "place",
                "type": "single_choice",
                "label": "Place",
                "options": [{"value": "home", "label": "Home"}, {"value": "work", "label": "Work"}],
            },
            {
                "id": "feelings",
                "type": "multi_choice",
                "label": "Feelings",
                "options": [
                    {"value": "sad", "label": "Sad"},
                    {"value": "calm", "label": "Calm"},
                    {"value": "angry", "label": "Angry"},
                ],
            },
            {"id": "alone", "type": "boolean", "label": "Alone?"},
            {"id": "day", "type": "date", "label": "Day"},
            {"id": "at", "type": "time", "label": "At"},
            {"id": "when", "type": "datetime", "label": "When"},
            {
                "id": "emotions",
                "type": "group",
                "label": "Emotions",
                "required": True,
                "min_rows": 2,
                "max_rows": 3,
                "items": [
                    {"id": "emotion", "type": "text", "label": "Emotion", "required": True, "max_length": 30},
                    {"id": "intensity", "type": "scale", "label": "Intensity", "min": 0, "max": 100, "required": True},
                ],
            },
        ],
    }
)

GOOD = {
    "situation": "  Meeting at work ",
    "story": "Line one\r\nLine two",
    "minutes": 45,
    "dose": 0.3,
    "mood": 4.0,
    "place": "work",
    "feelings": ["calm", "sad"],
    "alone": False,
    "day": "2025-03-09",
    "at": "07:30:00",
    "when": "2025-03-09T07:30:00Z",
    "emotions": [{"emotion": "anxious", "intensity": 70}, {"emotion": "sad", "intensity": 40}],
}


def codes(errors):
    return sorted((error.item, error.code) for error in errors)


def test_good_answers_have_no_errors():
    assert validate_answers(TEMPLATE, GOOD) == []


def test_every_bad_item_is_reported_at_once():
    answers = {
        # situation (required) missing
        "story": 42,
        "minutes": 130,
        "dose": 0.25,
        "mood": 11,
        "place": "garden",
        "feelings": ["sad", "joy", "sad", 3],
        "alone": "no",
        "day": "2025-02-30",
        "at": "25:00",
        "when": "yesterday",
        "emotions": [
            {"emotion": "x" * 31, "intensity": 101},
            {"intensity": "high", "colour": "blue"},
            {"emotion": "ok", "intensity": 5},
            {"emotion": "extra", "intensity": 5},
        ],
        "surprise": "hello",
    }
    assert codes(validate_answers(TEMPLATE, answers)) == sorted(
        [
            ("situation", "missing_required"),
            ("story", "wrong_type"),
            ("minutes", "out_of_range"),
            ("dose", "not_on_step"),
            ("mood", "out_of_range"),
            ("place", "unknown_option"),
            ("feelings[1]", "unknown_option"),
            ("feelings[2]", "duplicate_option"),
            ("feelings[3]", "wrong_type"),
            ("alone", "wrong_type"),
            ("day", "invalid_date"),
            ("at", "invalid_time"),
            ("when", "invalid_datetime"),
            ("emotions", "too_many_rows"),
            ("emotions[0].emotion", "too_long"),
            ("emotions[0].intensity", "out_of_range"),
            ("emotions[1].emotion", "missing_required"),
            ("emotions[1].intensity", "wrong_type"),
            ("emotions[1].colour", "unknown_item"),
            ("surprise", "unknown_item"),
        ]
    )


def test_messages_are_readable_and_do_not_echo_answers():
    errors = validate_answers(TEMPLATE, {**GOOD, "situation": "my secret diary entry!!", "minutes": 999})
    by_item = {error.item: error for error in errors}
    assert by_item["situation"].message == "Keep this to 20 characters or fewer."
    assert by_item["minutes"].message == "Answer between 0 and 120."
    assert all("secret" not in error.message for error in errors)


def test_too_few_rows_and_required_group():
    assert codes(validate_answers(TEMPLATE, {**GOOD, "emotions": [GOOD["emotions"][0]]})) == [("emotions", "too_few_rows")]
    assert codes(validate_answers(TEMPLATE, {**GOOD, "emotions": []})) == [("emotions", "missing_required")]


@pytest.mark.parametrize("blank", [None, "", "   ", []])
def test_blank_answers_count_as_missing(blank):
    assert codes(validate_answers(TEMPLATE, {**GOOD, "situation": blank})) == [("situation", "missing_required")]


def test_draft_accepts_missing_items_but_still_checks_types():
    assert validate_answers(TEMPLATE, {}, partial=True) == []
    assert validate_answers(TEMPLATE, {"emotions": [{"emotion": "sad"}]}, partial=True) == []
    assert codes(validate_answers(TEMPLATE, {"mood": "fine", "emotions": [{}] * 4}, partial=True)) == [
        ("emotions", "too_many_rows"),
        ("mood", "wrong_type"),
    ]


@pytest.mark.parametrize(
    ("item", "value", "code"),
    [
        ("minutes", True, "wrong_type"),  # a bool is not a number
        ("minutes", float("nan"), "wrong_type"),
        ("minutes", "45", "wrong_type"),
        ("minutes", 47, "not_on_step"),
        ("mood", 4.5, "wrong_type"),
        ("alone", 0, "wrong_type"),
        ("day", "20250309", "invalid_date"),
        ("at", "7:30", "invalid_time"),
        ("when", "2025-03-09 07:30", "invalid_datetime"),
        ("feelings", "sad", "wrong_type"),
        ("emotions", {"emotion": "sad"}, "wrong_type"),
        ("situation", "tab\tok but nul\x00", "invalid_characters"),
    ],
)
def test_single_wrong_values(item, value, code):
    assert codes(validate_answers(TEMPLATE, {**GOOD, item: value})) == [(item, code)]


def test_answers_must_be_an_object():
    [error] = validate_answers(TEMPLATE, ["not", "an", "object"])
    assert (error.item, error.code) == ("", "wrong_type")


def test_oversized_answers_are_rejected_before_item_checks():
    huge = {**GOOD, "story": "x" * (MAX_ANSWERS_BYTES + 1)}
    [error] = validate_answers(TEMPLATE, huge)
    assert (error.item, error.code) == ("", "too_large")


def test_normalise_answers():
    assert normalise_answers(TEMPLATE, {**GOOD, "story": "", "emotions": GOOD["emotions"] + [{"emotion": " "}]}) == {
        "situation": "Meeting at work",
        "minutes": 45,
        "dose": 0.3,
        "mood": 4,
        "place": "work",
        "feelings": ["sad", "calm"],
        "alone": False,
        "day": "2025-03-09",
        "at": "07:30",
        "when": "2025-03-09T07:30:00+00:00",
        "emotions": [{"emotion": "anxious", "intensity": 70}, {"emotion": "sad", "intensity": 40}],
    }


def test_normalise_keeps_line_breaks_and_seconds():
    result = normalise_answers(TEMPLATE, {"story": "a\r\nb", "at": "07:30:15"})
    assert result == {"story": "a\nb", "at": "07:30:15"}


def test_normalise_refuses_invalid_answers():
    with pytest.raises(InvalidAnswers) as caught:
        normalise_answers(TEMPLATE, {"mood": 99})
    assert codes(caught.value.errors) == [("mood", "out_of_range")]
