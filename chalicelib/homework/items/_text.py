"""What the two free-text types share: a checked string, kept as written but trimmed."""

from __future__ import annotations

from typing import Any

from chalicelib.homework.items.base import AnswerChecker, FhirContext, ItemType, Score, check_text, plain_text


class TextLikeItem(ItemType):
    max_length: int  # each type sets its own default and ceiling

    condition_answer = "answerString"

    def check_answer(self, value: Any, path: str, checker: AnswerChecker) -> None:
        check_text(self, value, path, checker)

    def normalise(self, value: Any) -> Any:
        return value.replace("\r\n", "\n").strip()

    def score_value(self, value: Any) -> Score | None:
        return None

    def readable(self, value: Any) -> str:
        return plain_text(value)

    def fhir_answers(self, value: Any, context: FhirContext) -> list[dict[str, Any]]:
        return [{"valueString": str(value)}]
