"""Guard rules that need no table: the idempotency fingerprint of a submission and the
direction of a reliable change, at the edges the wider suites do not reach."""
from __future__ import annotations

import pytest

from chalicelib.homework.models import SubmissionCreate
from chalicelib.homework.scoring import reliable_change
from chalicelib.homework.templates import Template


def test_a_retry_with_its_answers_in_another_order_is_the_same_request():
    from chalicelib.homework.submission_service import _request_hash

    first = SubmissionCreate.model_validate({"answers": {"a": 1, "b": "two"}, "completion": "complete"})
    again = SubmissionCreate.model_validate({"completion": "complete", "answers": {"b": "two", "a": 1}})
    other = SubmissionCreate.model_validate({"answers": {"a": 2, "b": "two"}, "completion": "complete"})
    assert _request_hash(first) == _request_hash(again)
    assert _request_hash(first) != _request_hash(other)
    assert len(_request_hash(first)) == 64


def _template(higher_is_better: bool) -> Template:
    return Template.model_validate({
        "id": "edges", "title": "Edges", "kind": "questionnaire",
        "items": [{"id": "a", "type": "scale", "label": "A", "min": 0, "max": 4}],
        "scoring": {"total_items": ["a"], "reliable_change": 2, "higher_is_better": higher_is_better}})


@pytest.mark.parametrize("higher_is_better, first, latest, direction, reliable", [
    (False, 10, 11, "worsened", False),
    (False, 11, 10, "improved", False),
    (True, 10, 11, "improved", False),
    (True, 11, 10, "worsened", False),
    (False, 10, 12, "worsened", True),
    (True, 12, 10, "worsened", True),
    (True, 10, 10, "no_change", False),
])
def test_a_change_of_one_point_already_has_a_direction(higher_is_better, first, latest, direction, reliable):
    result = reliable_change(_template(higher_is_better), first, latest)
    assert (result["change"], result["direction"], result["reliable"]) == (latest - first, direction, reliable)


def _scored_template(**scoring) -> Template:
    return Template.model_validate({
        "id": "edges", "title": "Edges", "kind": "questionnaire",
        "items": [{"id": "a", "type": "scale", "label": "A", "min": 0, "max": 4},
                  {"id": "b", "type": "scale", "label": "B", "min": 0, "max": 4}],
        "scoring": scoring})


@pytest.mark.parametrize("scoring, answers, prorated", [
    ({"total_items": ["a", "b"], "missing": "prorate", "max_missing": 1}, {"a": 2, "b": 1}, False),
    ({"total_items": ["a", "b"], "missing": "prorate", "max_missing": 1}, {"a": 2}, True),
    ({"subscales": [{"id": "s", "label": "S", "items": ["a", "b"]}]}, {"a": 2}, False),
])
def test_only_a_total_made_up_for_missing_answers_is_marked_prorated(scoring, answers, prorated):
    """The clinician is told a total was estimated only when it was."""
    from chalicelib.homework.scoring import score

    assert score(_scored_template(**scoring), answers).prorated is prorated


def test_a_count_below_the_lowest_band_has_no_band_rather_than_a_blank_one():
    """Open-ended counts (no maximum) may have bands that start above zero."""
    from chalicelib.homework.scoring import score

    template = Template.model_validate({
        "id": "drinks", "title": "Drinks", "kind": "questionnaire",
        "items": [{"id": "n", "type": "number", "label": "Drinks today"}],
        "scoring": {"total_items": ["n"], "bands": [{"min": 3, "max": 100, "label": "Above guidance"}]}})
    assert score(template, {"n": 1}).band is None
    assert score(template, {"n": 5}).band == "Above guidance"
