"""Validation problems read as sentences, never as pydantic's type talk or the value sent."""
from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, ValidationError

from chalicelib.http.framework import validation_errors


class _Example(BaseModel):
    confidence: int = Field(ge=0, le=10)
    note: str = Field(max_length=5)
    kind: str = Field(pattern="^[a-z]+$")


@pytest.mark.parametrize(("body", "field", "sentence"), [
    ({"confidence": 11, "note": "ok", "kind": "a"}, "confidence", "Choose a number no larger than 10."),
    ({"confidence": -1, "note": "ok", "kind": "a"}, "confidence", "Choose a number no smaller than 0."),
    ({"confidence": "x", "note": "ok", "kind": "a"}, "confidence", "Enter a whole number."),
    ({"confidence": 1, "note": "secret words", "kind": "a"}, "note", "Use at most 5 characters."),
    ({"confidence": 1, "kind": "a"}, "note", "This is required."),
])
def test_each_problem_is_a_plain_sentence(body, field, sentence):
    with pytest.raises(ValidationError) as caught:
        _Example.model_validate(body)
    errors = {e["field"]: e["message"] for e in validation_errors(caught.value)}
    assert errors[field] == sentence
    assert all("secret" not in m and "Input should" not in m for m in errors.values())


def test_a_rule_of_the_product_reads_as_a_sentence():
    from chalicelib.homework.recurrence import Recurrence

    with pytest.raises(ValidationError) as caught:
        Recurrence.model_validate({"frequency": "weekly"})
    assert [e["message"] for e in validation_errors(caught.value)] == ["Choose at least one day for weekly homework."]
