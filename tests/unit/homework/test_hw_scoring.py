"""Scoring mechanics on small custom templates, with expected values worked by hand."""

import pytest

from chalicelib.homework.scoring import ScoreResult, reliable_change, score
from chalicelib.homework.templates import Template


def make(scoring: dict, extra_items: list | None = None) -> Template:
    items = [
        {"id": "a", "type": "scale", "label": "A", "min": 0, "max": 4},
        {"id": "b", "type": "scale", "label": "B", "min": 0, "max": 4},
        {"id": "c", "type": "scale", "label": "C", "min": 0, "max": 4},
        {"id": "d", "type": "scale", "label": "D", "min": 0, "max": 4},
    ]
    return Template.model_validate(
        {"id": "mechanics", "title": "Mechanics", "kind": "questionnaire", "items": items + (extra_items or []),
         "scoring": scoring}
    )


def test_reverse_items_score_from_the_other_end():
    template = make({"total_items": ["a", "b", "c", "d"], "reverse_items": ["b", "d"]})
    # a=1, b=4→0, c=3, d=1→3  → 7
    assert score(template, {"a": 1, "b": 4, "c": 3, "d": 1}).total == 7


def test_no_total_when_items_are_missing_by_default():
    template = make({"total_items": ["a", "b", "c", "d"]})
    result = score(template, {"a": 1, "b": 2, "c": 3})
    assert (result.total, result.missing_items, result.prorated) == (None, ["d"], False)


def test_prorating_within_the_allowed_number_of_missing_items():
    template = make({"total_items": ["a", "b", "c", "d"], "missing": "prorate", "max_missing": 1})
    # 1 + 2 + 2 = 5 over 3 answered → 5 × 4 / 3 = 6.67 → 7
    result = score(template, {"a": 1, "b": 2, "c": 2})
    assert (result.total, result.missing_items, result.prorated) == (7, ["d"], True)
    # 1 + 1 + 0 = 2 → 2 × 4 / 3 = 2.67 → 3
    assert score(template, {"a": 1, "b": 1, "c": 0}).total == 3
    assert score(template, {"a": 1}).total is None  # three missing: too many


def test_prorated_totals_round_half_up():
    extra = [{"id": "e", "type": "scale", "label": "E", "min": 0, "max": 4}]
    template = make({"total_items": ["a", "b", "c", "d", "e"], "missing": "prorate", "max_missing": 1}, extra)
    # 1 + 1 + 0 + 0 = 2 → 2 × 5 / 4 = 2.5 → 3 (not 2, as banker's rounding would give)
    assert score(template, {"a": 1, "b": 1, "c": 0, "d": 0}).total == 3


def test_subscales_sum_and_mean_and_never_prorate():
    template = make(
        {
            "total_items": ["a", "b", "c", "d"],
            "subscales": [
                {"id": "first", "label": "First", "items": ["a", "b"]},
                {"id": "second", "label": "Second", "items": ["b", "c", "d"], "method": "mean"},
            ],
        }
    )
    assert score(template, {"a": 1, "b": 2, "c": 3, "d": 3}).subscales == {"first": 3, "second": 2.67}
    assert score(template, {"a": 1, "b": 2, "c": 3}).subscales == {"first": 3, "second": None}


def test_bands_pick_the_right_label_and_fractional_totals_fall_to_the_lower_band():
    extra = [{"id": "half", "type": "single_choice", "label": "H",
              "options": [{"value": "no", "label": "No", "score": 0}, {"value": "some", "label": "Some", "score": 0.5}]}]
    template = make(
        {
            "total_items": ["a", "half"],
            "bands": [{"min": 0, "max": 1, "label": "Low"}, {"min": 2, "max": 4.5, "label": "High"}],
        },
        extra,
    )
    assert score(template, {"a": 1, "half": "some"}).band == "Low"  # 1.5
    assert score(template, {"a": 2, "half": "no"}).band == "High"
    assert score(template, {"a": 4, "half": "some"}).model_dump()["total"] == 4.5


def test_choice_and_boolean_items_score_as_numbers():
    extra = [
        {"id": "tick", "type": "multi_choice", "label": "T", "options": [
            {"value": "x", "label": "X", "score": 1}, {"value": "y", "label": "Y", "score": 2},
            {"value": "z", "label": "Z", "score": 4}]},
        {"id": "yes", "type": "boolean", "label": "Y"},
    ]
    template = make({"total_items": ["tick", "yes"]}, extra)
    assert score(template, {"tick": ["x", "z"], "yes": True}).total == 6
    assert score(template, {"tick": [], "yes": False}).total is None  # nothing ticked counts as unanswered


def test_risk_flags_use_the_raw_answer_even_for_reversed_items_and_with_missing_items():
    template = make(
        {
            "total_items": ["a", "b"],
            "reverse_items": ["b"],
            "risk": [{"item": "b", "threshold": 3, "label": "B high", "message": "Please call"}],
        }
    )
    result = score(template, {"b": 3})
    assert result.total is None
    assert [(flag.item, flag.value, flag.message) for flag in result.risk_flags] == [("b", 3, "Please call")]
    assert score(template, {"a": 4, "b": 2}).risk_flags == []


def test_derived_operations():
    extra = [
        {"id": "start", "type": "datetime", "label": "Start"},
        {"id": "end", "type": "datetime", "label": "End"},
        {"id": "bed", "type": "time", "label": "Bed"},
        {"id": "up", "type": "time", "label": "Up"},
        {"id": "rows", "type": "group", "label": "Rows", "items": [
            {"id": "n", "type": "number", "label": "N"}, {"id": "word", "type": "text", "label": "W"}]},
    ]
    template = make(
        {
            "derived": [
                {"id": "span", "label": "Span", "op": "minutes_between", "start": "start", "end": "end"},
                {"id": "night", "label": "Night", "op": "minutes_between", "start": "bed", "end": "up"},
                {"id": "ab", "label": "A+B", "op": "sum", "operands": ["a", "b"]},
                {"id": "rest", "label": "Rest", "op": "subtract", "value": "ab", "minus": ["c"]},
                {"id": "pct", "label": "Pct", "op": "ratio_percent", "numerator": "c", "denominator": "ab", "decimals": 2},
                {"id": "count_rows", "label": "Rows", "op": "aggregate", "function": "count", "group": "rows"},
                {"id": "count_words", "label": "Words", "op": "aggregate", "function": "count", "group": "rows", "item": "word"},
                {"id": "sum_n", "label": "Sum", "op": "aggregate", "function": "sum", "group": "rows", "item": "n"},
                {"id": "mean_n", "label": "Mean", "op": "aggregate", "function": "mean", "group": "rows", "item": "n", "decimals": 1},
                {"id": "min_n", "label": "Min", "op": "aggregate", "function": "min", "group": "rows", "item": "n"},
                {"id": "max_n", "label": "Max", "op": "aggregate", "function": "max", "group": "rows", "item": "n"},
            ]
        },
        extra,
    )
    answers = {
        "a": 3, "b": 3, "c": 2,
        "start": "2025-03-29T22:00:00+00:00", "end": "2025-03-30T01:30:00+01:00",  # 2.5 h later in UTC
        "bed": "22:45", "up": "06:15",  # wraps past midnight: 7.5 h
        "rows": [{"n": 2, "word": "x"}, {"n": 7}, {"word": "y"}, {"n": 4}],
    }
    assert score(template, answers).derived == {
        "span": 150, "night": 450, "ab": 6, "rest": 4, "pct": 33.33,
        "count_rows": 4, "count_words": 2, "sum_n": 13, "mean_n": 4.3, "min_n": 2, "max_n": 7,
    }
    empty = score(template, {}).derived
    assert empty == {
        "span": None, "night": None, "ab": None, "rest": None, "pct": None,
        "count_rows": 0, "count_words": 0, "sum_n": 0, "mean_n": None, "min_n": None, "max_n": None,
    }
    assert score(template, {"a": 0, "b": 0, "c": 1}).derived["pct"] is None  # no division by zero


def test_template_without_scoring_scores_nothing():
    template = Template.model_validate(
        {"id": "plain", "title": "Plain", "kind": "worksheet", "items": [{"id": "t", "type": "text", "label": "T"}]}
    )
    assert score(template, {"t": "hello"}) == ScoreResult()


@pytest.mark.parametrize(
    ("first", "latest", "higher_is_better", "expected"),
    [
        (18, 11, False, {"change": -7, "reliable": True, "direction": "improved"}),
        (18, 12, False, {"change": -6, "reliable": True, "direction": "improved"}),
        (18, 13, False, {"change": -5, "reliable": False, "direction": "improved"}),
        (10, 16, False, {"change": 6, "reliable": True, "direction": "worsened"}),
        (10, 10, False, {"change": 0, "reliable": False, "direction": "no_change"}),
        (10, 16, True, {"change": 6, "reliable": True, "direction": "improved"}),
        (16, 12, True, {"change": -4, "reliable": False, "direction": "worsened"}),
    ],
)
def test_reliable_change(first, latest, higher_is_better, expected):
    template = make({"total_items": ["a", "b", "c", "d"], "reliable_change": 6, "higher_is_better": higher_is_better})
    assert reliable_change(template, first, latest) == expected


def test_reliable_change_accepts_score_results_and_needs_a_threshold():
    with_threshold = make({"total_items": ["a", "b", "c", "d"], "reliable_change": 6})
    first = score(with_threshold, {"a": 4, "b": 4, "c": 4, "d": 4})
    latest = score(with_threshold, {"a": 1, "b": 1, "c": 1, "d": 1})
    assert reliable_change(with_threshold, first, latest) == {"change": -12, "reliable": True, "direction": "improved"}
    assert reliable_change(with_threshold, first, ScoreResult()) is None
    assert reliable_change(make({"total_items": ["a"]}), 1, 9) is None
