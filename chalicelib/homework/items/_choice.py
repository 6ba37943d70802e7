"""What the two choice types share: options with stored values, labels and optional scores."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from chalicelib.homework.items.base import (
    MAX_OPTIONS,
    ItemType,
    Model,
    Number,
    OptionValue,
    Problem,
    ShortLabel,
    raise_problems,
)


class Option(Model):
    value: OptionValue
    label: ShortLabel
    score: Number | None = Field(default=None, description="Number this option contributes to scoring.")


class ChoiceItem(ItemType):
    options: list[Option] = Field(max_length=MAX_OPTIONS)

    fhir_type = "choice"
    fhir_repeats: ClassVar[bool]  # several options may be chosen

    @model_validator(mode="after")
    def _check_options(self) -> ChoiceItem:
        problems: list[Problem] = []
        if len(self.options) < 2:
            problems.append((("options",), "options_missing", "a choice item needs at least two options"))
        seen: set[str] = set()
        for k, option in enumerate(self.options):
            if option.value in seen:
                problems.append((("options", k, "value"), "duplicate_value", "two options share this value"))
            seen.add(option.value)
        scored = [option.score is not None for option in self.options]
        if any(scored) and not all(scored):
            problems.append((("options",), "scores_incomplete", "give every option a score, or none"))
        raise_problems(type(self).__name__, problems, self.options)
        return self

    def is_scorable(self) -> bool:
        return bool(self.options) and all(option.score is not None for option in self.options)

    def option(self, value: str) -> Option | None:
        return next((option for option in self.options if option.value == value), None)

    def coding(self, value: Any) -> dict[str, Any]:
        option = self.option(value)
        return {"valueCoding": {"code": value, "display": option.label if option else value}}

    def fhir_question(self) -> dict[str, Any]:
        entry = super().fhir_question()
        entry["answerOption"] = [{"valueCoding": {"code": o.value, "display": o.label}} for o in self.options]
        entry["repeats"] = self.fhir_repeats
        return entry
