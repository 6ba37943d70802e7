"""`boolean`: yes or no; scores 1 or 0."""

from __future__ import annotations

from typing import Any, Literal

from chalicelib.homework.items.base import AnswerChecker, FhirContext, ItemType, Score, Writer, plain_text


class BooleanItem(ItemType):
    type: Literal["boolean"]

    fhir_type = "boolean"
    condition_answer = "answerBoolean"

    def is_scorable(self) -> bool:
        return True  # yes = 1, no = 0

    def score_range(self) -> tuple[float, float] | None:
        return (0, 1)

    def check_answer(self, value: Any, path: str, checker: AnswerChecker) -> None:
        if not isinstance(value, bool):
            checker.add(path, "wrong_type", "Answer yes (true) or no (false).")

    def normalise(self, value: Any) -> Any:
        return value

    def score_value(self, value: Any) -> Score | None:
        return int(value) if isinstance(value, bool) else None

    def written(self, value: Any, writer: Writer, *, scored: bool = False) -> str:
        return ("Yes" if value else "No") if isinstance(value, bool) else self.readable(value)

    def readable(self, value: Any) -> str:
        return plain_text(value)

    def fhir_answers(self, value: Any, context: FhirContext) -> list[dict[str, Any]]:
        return [{"valueBoolean": bool(value)}]
