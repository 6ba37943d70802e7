"""`multi_choice`: any number of options; scores add up."""

from __future__ import annotations

from typing import Any, Literal

from chalicelib.homework.items._choice import ChoiceItem
from chalicelib.homework.items.base import MAX_OPTIONS, AnswerChecker, FhirContext, Score, plain_text, tidy


class MultiChoiceItem(ChoiceItem):
    type: Literal["multi_choice"]

    fhir_repeats = True

    def score_range(self) -> tuple[float, float] | None:
        if not self.is_scorable():
            return None
        scores = [option.score for option in self.options if option.score is not None]
        return (sum(min(s, 0) for s in scores), sum(max(s, 0) for s in scores))

    def check_answer(self, value: Any, path: str, checker: AnswerChecker) -> None:
        if not isinstance(value, list):
            checker.add(path, "wrong_type", "Answer with a list of options.")
            return
        if len(value) > MAX_OPTIONS:
            checker.add(path, "too_long", f"Choose at most {MAX_OPTIONS} options.")
            return
        seen: set[str] = set()
        for k, choice in enumerate(value):
            if not isinstance(choice, str):
                checker.add(f"{path}[{k}]", "wrong_type", "Choose from the options.")
            elif self.option(choice) is None:
                checker.add(f"{path}[{k}]", "unknown_option", "That is not one of the options.")
            elif choice in seen:
                checker.add(f"{path}[{k}]", "duplicate_option", "This option is chosen twice.")
            else:
                seen.add(choice)

    def condition_keys(self, value: Any) -> list[Any]:
        return [self.condition_key(v) for v in value] if isinstance(value, list) else []

    def normalise(self, value: Any) -> Any:
        chosen = set(value)
        return [option.value for option in self.options if option.value in chosen]  # the template's order

    def score_value(self, value: Any) -> Score | None:
        if not isinstance(value, list):
            return None
        chosen = {v for v in value if isinstance(v, str)}
        return tidy(sum(option.score for option in self.options if option.value in chosen))  # type: ignore[misc]

    def readable(self, value: Any) -> str:
        """The chosen options' wording, as the client saw it."""
        chosen = value if isinstance(value, list) else [value]
        options = [self.option(v) if isinstance(v, str) else None for v in chosen]
        return ", ".join(o.label if o is not None else plain_text(v) for o, v in zip(options, chosen, strict=True))

    def fhir_answers(self, value: Any, context: FhirContext) -> list[dict[str, Any]]:
        return [self.coding(v, context) for v in (value if isinstance(value, list) else [value])]
