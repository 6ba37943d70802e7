"""`single_choice`: one of a list of options."""

from __future__ import annotations

from typing import Any, Literal

from chalicelib.homework.items._choice import ChoiceItem
from chalicelib.homework.items.base import AnswerChecker, FhirContext, Score, Writer, fmt, plain_text


class SingleChoiceItem(ChoiceItem):
    type: Literal["single_choice"]

    fhir_repeats = False

    def score_range(self) -> tuple[float, float] | None:
        if not self.is_scorable():
            return None
        scores = [option.score for option in self.options if option.score is not None]
        return (min(scores), max(scores))

    def check_answer(self, value: Any, path: str, checker: AnswerChecker) -> None:
        if not isinstance(value, str):
            checker.add(path, "wrong_type", "Choose one of the options.")
        elif self.option(value) is None:
            checker.add(path, "unknown_option", "That is not one of the options.")

    def normalise(self, value: Any) -> Any:
        return value

    def score_value(self, value: Any) -> Score | None:
        option = self.option(value) if isinstance(value, str) else None
        return option.score if option is not None else None

    def written(self, value: Any, writer: Writer, *, scored: bool = False) -> str:
        text = self.readable(value)
        option = self.option(value) if scored and isinstance(value, str) else None
        return f"{text} ({fmt(option.score)})" if option is not None and option.score is not None else text

    def readable(self, value: Any) -> str:
        """The option's wording, as the client saw it."""
        option = self.option(value) if isinstance(value, str) else None
        return option.label if option is not None else plain_text(value)

    def fhir_answers(self, value: Any, context: FhirContext) -> list[dict[str, Any]]:
        return [self.coding(value, context)]
