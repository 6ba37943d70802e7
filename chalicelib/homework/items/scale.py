"""`scale`: a whole number from min to max in steps, with labelled anchor points."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from chalicelib.homework.items._numeric import NumericItem
from chalicelib.homework.items.base import (
    AnswerChecker,
    FhirContext,
    Model,
    Problem,
    Writer,
    check_range_and_step,
    fmt,
    is_number,
    raise_problems,
)


class Anchor(Model):
    value: int
    label: Annotated[str, Field(min_length=1, max_length=100)]


class ScaleItem(NumericItem):
    type: Literal["scale"]
    min: int = Field(ge=-1_000, le=1_000)
    max: int = Field(ge=-1_000, le=1_000)
    step: int = Field(default=1, ge=1, le=1_000)
    anchors: list[Anchor] = Field(default_factory=list, max_length=21, description="Labels for chosen points.")

    fhir_type = "integer"
    condition_answer = "answerInteger"
    condition_ordered = True
    rating = True

    @model_validator(mode="after")
    def _check_scale(self) -> ScaleItem:
        problems: list[Problem] = []
        if self.min >= self.max:
            problems.append((("max",), "range_invalid", "max must be greater than min"))
        elif (self.max - self.min) % self.step:
            problems.append((("step",), "step_invalid", "max - min must be a whole number of steps"))
        seen: set[int] = set()
        for k, anchor in enumerate(self.anchors):
            if anchor.value in seen:
                problems.append((("anchors", k, "value"), "duplicate_value", "two anchors share this value"))
            seen.add(anchor.value)
            if not self.min <= anchor.value <= self.max:
                problems.append((("anchors", k, "value"), "out_of_range", "anchor lies outside min..max"))
            elif (anchor.value - self.min) % self.step:
                problems.append((("anchors", k, "value"), "not_on_step", "anchor is not on a step of the scale"))
        raise_problems("ScaleItem", problems, self.anchors)
        return self

    def score_range(self) -> tuple[float, float] | None:
        return (self.min, self.max)

    def written(self, value: Any, writer: Writer, *, scored: bool = False) -> str:
        """"6 of 10 (Very)": the scale's end when it counts from 0, and the anchor at that point."""
        text = self.readable(value)
        anchor = next((a.label for a in self.anchors if a.value == value), None)
        out_of = f" of {fmt(self.max)}" if self.min == 0 else ""
        return f"{text}{out_of}" + (f" ({anchor})" if anchor else "")

    def check_answer(self, value: Any, path: str, checker: AnswerChecker) -> None:
        if not is_number(value) or not float(value).is_integer():
            checker.add(path, "wrong_type", "Answer with a whole number on the scale.")
            return
        check_range_and_step(value, self.min, self.max, self.step, path, checker)

    def fhir_answers(self, value: Any, context: FhirContext) -> list[dict[str, Any]]:
        return [{"valueInteger": int(value)}]

    def fhir_question(self, context: FhirContext) -> dict[str, Any]:
        entry = super().fhir_question(context)
        entry["extension"] = [{"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": self.min},
                              {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": self.max}]
        return entry
