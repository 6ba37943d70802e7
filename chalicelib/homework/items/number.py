"""`number`: any number, optionally bounded, stepped and with a unit."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from chalicelib.homework.items._numeric import NumericItem
from chalicelib.homework.items.base import (
    AnswerChecker,
    FhirContext,
    Number,
    Unit,
    Writer,
    check_range_and_step,
    is_number,
    raise_problems,
)


class NumberItem(NumericItem):
    type: Literal["number"]
    min: Number | None = None
    max: Number | None = None
    step: Number | None = Field(default=None, gt=0, description="Allowed increments, counted from min (or 0).")
    unit: Unit | None = None

    fhir_type = "decimal"
    condition_answer = "answerDecimal"
    condition_ordered = True

    @model_validator(mode="after")
    def _check_range(self) -> NumberItem:
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise_problems(
                "NumberItem", [(("max",), "range_invalid", "max must be greater than min")], self.max
            )
        return self

    def score_range(self) -> tuple[float, float] | None:
        if self.min is None or self.max is None:
            return None
        return (self.min, self.max)

    def written(self, value: Any, writer: Writer, *, scored: bool = False) -> str:
        text = self.readable(value)
        return f"{text} {self.unit}" if self.unit else text

    def check_answer(self, value: Any, path: str, checker: AnswerChecker) -> None:
        if not is_number(value):
            checker.add(path, "wrong_type", "Answer with a number.")
            return
        check_range_and_step(value, self.min, self.max, self.step, path, checker)

    def fhir_answers(self, value: Any, context: FhirContext) -> list[dict[str, Any]]:
        return [{"valueDecimal": value}]  # the type the question declares, whole or not
