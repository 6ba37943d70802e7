"""`long_text`: a free answer of several lines."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from chalicelib.homework.items.base import MAX_LONG_TEXT_LENGTH, AnswerChecker, ItemType, Score, plain_text, check_text


class LongTextItem(ItemType):
    type: Literal["long_text"]
    max_length: int = Field(default=5_000, ge=1, le=MAX_LONG_TEXT_LENGTH)

    fhir_type = "text"

    def check_answer(self, value: Any, path: str, checker: AnswerChecker) -> None:
        check_text(self, value, path, checker)

    def normalise(self, value: Any) -> Any:
        return value.replace("\r\n", "\n").strip()

    def score_value(self, value: Any) -> Score | None:
        return None

    def readable(self, value: Any) -> str:
        return plain_text(value)

    def fhir_answers(self, value: Any) -> list[dict[str, Any]]:
        return [{"valueString": str(value)}]
