"""`datetime`: a date and time, with an offset or as local wall-clock time."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any, Literal

from chalicelib.homework.items.base import (AnswerChecker, FhirContext, ItemType, Score, Writer, parse_datetime,
                                            plain_text)


class DateTimeItem(ItemType):
    type: Literal["datetime"]

    fhir_type = "dateTime"
    clock = "instant"

    def check_answer(self, value: Any, path: str, checker: AnswerChecker) -> None:
        if parse_datetime(value) is None:
            checker.add(path, "invalid_datetime", "Give a date and time as YYYY-MM-DDTHH:MM.")

    def normalise(self, value: Any) -> Any:
        return parse_datetime(value).isoformat()  # type: ignore[union-attr]

    def score_value(self, value: Any) -> Score | None:
        return None

    def minutes_between(self, start: Any, end: Any) -> float | None:
        first, second = parse_datetime(start), parse_datetime(end)
        # A local time and one with an offset cannot be compared.
        if first is None or second is None or (first.tzinfo is None) != (second.tzinfo is None):
            return None
        return (second - first).total_seconds() / 60

    def written(self, value: Any, writer: Writer, *, scored: bool = False) -> str:
        return writer.moment(value)

    def readable(self, value: Any) -> str:
        return plain_text(value)

    def zoned(self, value: Any, zone: tzinfo) -> Any:
        """With its offset: a wall-clock time is read in the client's zone (where they were
        asked), so other systems see the instant they meant."""
        moment = parse_datetime(value)
        if moment is None:
            return value
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")

    def fhir_answers(self, value: Any, context: FhirContext) -> list[dict[str, Any]]:
        return [{"valueDateTime": self.zoned(value, context.zone)}]
