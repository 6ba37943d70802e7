"""`date`: a calendar date, stored as YYYY-MM-DD."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from chalicelib.homework.items.base import (AnswerChecker, FhirContext, ItemType, Score, Writer, parse_date,
                                            plain_text)


class DateItem(ItemType):
    type: Literal["date"]

    fhir_type = "date"
    condition_answer = "answerDate"
    condition_ordered = True  # ISO dates order as text

    def check_answer(self, value: Any, path: str, checker: AnswerChecker) -> None:
        if parse_date(value) is None:
            checker.add(path, "invalid_date", "Give a date as YYYY-MM-DD.")

    def normalise(self, value: Any) -> Any:
        return parse_date(value).isoformat()  # type: ignore[union-attr]

    def score_value(self, value: Any) -> Score | None:
        return None

    def calendar_day(self, value: Any) -> date | None:
        return parse_date(value)

    def written(self, value: Any, writer: Writer, *, scored: bool = False) -> str:
        parsed = parse_date(value)
        return writer.day(parsed) if parsed is not None else self.readable(value)

    def readable(self, value: Any) -> str:
        return plain_text(value)

    def fhir_answers(self, value: Any, context: FhirContext) -> list[dict[str, Any]]:
        return [{"valueDate": value}]
