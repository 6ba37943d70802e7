"""`time`: a time of day, stored as HH:MM (or HH:MM:SS); durations wrap past midnight."""

from __future__ import annotations

from typing import Any, Literal

from chalicelib.homework.items.base import (AnswerChecker, FhirContext, ItemType, Score, Writer, parse_time,
                                            plain_text)


class TimeItem(ItemType):
    type: Literal["time"]

    fhir_type = "time"
    condition_answer = "answerTime"
    condition_ordered = True  # canonical HH:MM[:SS] orders as text
    clock = "time_of_day"

    def check_answer(self, value: Any, path: str, checker: AnswerChecker) -> None:
        if parse_time(value) is None:
            checker.add(path, "invalid_time", "Give a time of day as HH:MM (24-hour).")

    def normalise(self, value: Any) -> Any:
        parsed = parse_time(value)
        return parsed.isoformat(timespec="seconds" if parsed.second else "minutes")  # type: ignore[union-attr]

    def score_value(self, value: Any) -> Score | None:
        return None

    def minutes_between(self, start: Any, end: Any) -> float | None:
        first, second = parse_time(start), parse_time(end)
        if first is None or second is None:
            return None
        seconds = (_seconds(second) - _seconds(first)) % 86_400  # wraps past midnight
        return seconds / 60

    def written(self, value: Any, writer: Writer, *, scored: bool = False) -> str:
        parsed = parse_time(value)
        return writer.clock(parsed) if parsed is not None else self.readable(value)

    def readable(self, value: Any) -> str:
        return plain_text(value)

    def fhir_answers(self, value: Any, context: FhirContext) -> list[dict[str, Any]]:
        return [{"valueTime": value if len(value) == 8 else f"{value}:00"}]

    def fhir_condition_answer(self, value: Any, context: FhirContext) -> dict[str, Any]:
        return {"answerTime": self.fhir_answers(self.condition_key(value), context)[0]["valueTime"]}


def _seconds(value: Any) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second
