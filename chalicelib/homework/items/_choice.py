"""What the two choice types share: options with stored values, labels and optional scores."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from chalicelib.homework.items.base import (
    MAX_OPTIONS,
    Codes,
    FhirContext,
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
    codes: Codes = Field(default_factory=list)


class ChoiceItem(ItemType):
    options: list[Option] = Field(max_length=MAX_OPTIONS)

    fhir_type = "choice"
    condition_answer = "answerCoding"  # a condition names an option by its stored value
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

    def has_score_column(self) -> bool:
        return self.is_scorable()

    def _coding(self, option: Option, context: FhirContext) -> dict[str, Any]:
        # The option's published code when it has one (the same Coding in question and answer,
        # so a validator can match them); otherwise its stored value in the item's own system.
        if option.codes:
            code = option.codes[0]
            return {"system": code.system, "code": code.code, "display": code.display or option.label}
        return {"system": context.option_system(self.id), "code": option.value, "display": option.label}

    def condition_problem(self, value: Any) -> str | None:
        return None if self.condition_key(value) is not None else "That is not one of the options."

    def condition_key(self, value: Any) -> Any:
        return value if isinstance(value, str) and self.option(value) is not None else None

    def fhir_condition_answer(self, value: Any, context: FhirContext) -> dict[str, Any]:
        option = self.option(value)
        return {"answerCoding": self._coding(option, context)} if option is not None else {}

    def coding(self, value: Any, context: FhirContext) -> dict[str, Any]:
        option = self.option(value)
        if option is None:  # an option since removed: keep what was stored, in the item's own system
            return {"valueCoding": {"system": context.option_system(self.id), "code": str(value)}}
        return {"valueCoding": self._coding(option, context)}

    def fhir_question(self, context: FhirContext) -> dict[str, Any]:
        entry = super().fhir_question(context)
        entry["repeats"] = self.fhir_repeats
        entry["answerOption"] = []
        for option in self.options:
            answer: dict[str, Any] = {"valueCoding": self._coding(option, context)}
            if option.score is not None:  # R4's place for an option's score
                answer["extension"] = [{"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue",
                                        "valueDecimal": option.score}]
            entry["answerOption"].append(answer)
        return entry
