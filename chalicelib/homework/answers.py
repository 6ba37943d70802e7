"""Checking a client's answers against the template they answer.

Answers are a JSON object keyed by item id; a group's answer is a list of rows,
each an object keyed by the group's own item ids. `validate_answers` reports
every problem (never just the first), each with a path such as
``emotions[1].intensity``. Messages never repeat what the client wrote: they
may reach logs and error reports.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from chalicelib.homework.templates import (
    MAX_OPTIONS,
    GroupItem,
    MultiChoiceItem,
    NumberItem,
    ScaleItem,
    SingleChoiceItem,
    TemplateContent,
)

# A whole answer set, serialised as compact UTF-8 JSON; keeps a submission well
# inside DynamoDB's 400 KB item limit together with its metadata.
MAX_ANSWERS_BYTES = 200_000
_MAX_KEY_IN_PATH = 64

AnswerErrorCode = Literal[
    "missing_required",
    "wrong_type",
    "too_long",
    "invalid_characters",
    "out_of_range",
    "not_on_step",
    "unknown_option",
    "duplicate_option",
    "unknown_item",
    "too_many_rows",
    "too_few_rows",
    "invalid_date",
    "invalid_time",
    "invalid_datetime",
    "too_large",
]


class AnswerError(BaseModel):
    model_config = ConfigDict(frozen=True)

    item: str  # path, e.g. "emotions[1].intensity"; "" for the answer set as a whole
    code: AnswerErrorCode
    message: str


class InvalidAnswers(ValueError):
    def __init__(self, errors: list[AnswerError]) -> None:
        super().__init__(f"{len(errors)} answer error(s)")
        self.errors = errors


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$")
# Control characters other than tab and newlines have no place in an answer.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def answers_size(answers: Any) -> int | None:
    """Size in bytes of the answers as compact JSON, or None if not JSON."""
    try:
        return len(json.dumps(answers, ensure_ascii=False, separators=(",", ":")).encode())
    except (TypeError, ValueError):
        return None


def is_empty(value: Any) -> bool:
    """Unanswered: absent, null, blank text or an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    return False


def validate_answers(template: TemplateContent, answers: Any, *, partial: bool = False) -> list[AnswerError]:
    """Every problem with `answers`; an empty list means they fit the template.

    `partial=True` is for drafts: required items and minimum rows may be missing,
    but whatever is there must still be of the right type and within limits.
    """
    if not isinstance(answers, dict):
        return [AnswerError(item="", code="wrong_type", message="Answers must be an object keyed by item id.")]
    size = answers_size(answers)
    if size is None:
        return [AnswerError(item="", code="wrong_type", message="Answers must be plain JSON values.")]
    if size > MAX_ANSWERS_BYTES:
        return [
            AnswerError(
                item="",
                code="too_large",
                message=f"Answers are too large ({size} bytes; the limit is {MAX_ANSWERS_BYTES}).",
            )
        ]
    checker = _Checker(partial)
    checker.check_items(template.items, answers, prefix="")
    return checker.errors


class _Checker:
    def __init__(self, partial: bool) -> None:
        self.partial = partial
        self.errors: list[AnswerError] = []

    def add(self, path: str, code: AnswerErrorCode, message: str) -> None:
        self.errors.append(AnswerError(item=path, code=code, message=message))

    def check_items(self, items: list[Any], values: dict[str, Any], prefix: str) -> None:
        for item in items:
            path = f"{prefix}{item.id}"
            value = values.get(item.id)
            if is_empty(value):
                if item.required and not self.partial:
                    self.add(path, "missing_required", "This question needs an answer.")
                continue
            self.check_value(item, value, path)
        known = {item.id for item in items}
        for key in values:
            if key not in known:
                self.add(f"{prefix}{str(key)[:_MAX_KEY_IN_PATH]}", "unknown_item", "This template has no such item.")

    def check_value(self, item: Any, value: Any, path: str) -> None:
        kind = item.type
        if kind in ("text", "long_text"):
            self._text(item, value, path)
        elif kind == "number":
            self._number(item, value, path)
        elif kind == "scale":
            self._scale(item, value, path)
        elif kind == "single_choice":
            self._single(item, value, path)
        elif kind == "multi_choice":
            self._multi(item, value, path)
        elif kind == "boolean":
            if not isinstance(value, bool):
                self.add(path, "wrong_type", "Answer yes (true) or no (false).")
        elif kind == "date":
            if parse_date(value) is None:
                self.add(path, "invalid_date", "Give a date as YYYY-MM-DD.")
        elif kind == "time":
            if parse_time(value) is None:
                self.add(path, "invalid_time", "Give a time of day as HH:MM (24-hour).")
        elif kind == "datetime":
            if parse_datetime(value) is None:
                self.add(path, "invalid_datetime", "Give a date and time as YYYY-MM-DDTHH:MM.")
        elif kind == "group":
            self._group(item, value, path)

    def _text(self, item: Any, value: Any, path: str) -> None:
        if not isinstance(value, str):
            self.add(path, "wrong_type", "Answer with text.")
        elif len(value) > item.max_length:
            self.add(path, "too_long", f"Keep this to {item.max_length} characters or fewer.")
        elif _CONTROL.search(value):
            self.add(path, "invalid_characters", "This answer contains characters that cannot be stored.")

    def _number(self, item: NumberItem, value: Any, path: str) -> None:
        if not _is_number(value):
            self.add(path, "wrong_type", "Answer with a number.")
            return
        self._range_and_step(value, item.min, item.max, item.step, path)

    def _scale(self, item: ScaleItem, value: Any, path: str) -> None:
        if not _is_number(value) or not float(value).is_integer():
            self.add(path, "wrong_type", "Answer with a whole number on the scale.")
            return
        self._range_and_step(value, item.min, item.max, item.step, path)

    def _range_and_step(self, value: float, low: float | None, high: float | None, step: float | None, path: str) -> None:
        if (low is not None and value < low) or (high is not None and value > high):
            self.add(path, "out_of_range", f"Answer {_describe_range(low, high)}.")
        elif step is not None and not _on_step(value, low if low is not None else 0, step):
            self.add(path, "not_on_step", f"Answer in steps of {_fmt(step)}.")

    def _single(self, item: SingleChoiceItem, value: Any, path: str) -> None:
        if not isinstance(value, str):
            self.add(path, "wrong_type", "Choose one of the options.")
        elif item.option(value) is None:
            self.add(path, "unknown_option", "That is not one of the options.")

    def _multi(self, item: MultiChoiceItem, value: Any, path: str) -> None:
        if not isinstance(value, list):
            self.add(path, "wrong_type", "Answer with a list of options.")
            return
        if len(value) > MAX_OPTIONS:
            self.add(path, "too_long", f"Choose at most {MAX_OPTIONS} options.")
            return
        seen: set[str] = set()
        for k, choice in enumerate(value):
            if not isinstance(choice, str):
                self.add(f"{path}[{k}]", "wrong_type", "Choose from the options.")
            elif item.option(choice) is None:
                self.add(f"{path}[{k}]", "unknown_option", "That is not one of the options.")
            elif choice in seen:
                self.add(f"{path}[{k}]", "duplicate_option", "This option is chosen twice.")
            else:
                seen.add(choice)

    def _group(self, item: GroupItem, value: Any, path: str) -> None:
        if not isinstance(value, list):
            self.add(path, "wrong_type", "Answer with a list of rows.")
            return
        if len(value) > item.max_rows:
            self.add(path, "too_many_rows", f"Add at most {item.max_rows} rows.")
        elif len(value) < item.min_rows and not self.partial:
            self.add(path, "too_few_rows", f"Add at least {item.min_rows} rows.")
        for row_number, row in enumerate(value[: item.max_rows]):
            row_path = f"{path}[{row_number}]"
            if not isinstance(row, dict):
                self.add(row_path, "wrong_type", "Each row must be an object keyed by item id.")
                continue
            self.check_items(item.items, row, prefix=f"{row_path}.")


# --------------------------------------------------------------------------- parsing helpers


def _is_number(value: Any) -> bool:
    # bool is an int in Python but never a number answer.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _on_step(value: float, base: float, step: float) -> bool:
    # Decimal of the shortest repr: 0.3 is on a 0.1 step, 0.30000000000000004 is not.
    return (Decimal(str(value)) - Decimal(str(base))) % Decimal(str(step)) == 0


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _describe_range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"between {_fmt(low)} and {_fmt(high)}"
    if low is not None:
        return f"of at least {_fmt(low)}"
    return f"of at most {_fmt(high)}"  # type: ignore[arg-type]


def parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_time(value: Any) -> time | None:
    if not isinstance(value, str) or not _TIME.match(value):
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: Any) -> datetime | None:
    """ISO 8601 date and time; with an offset or Z, or local wall-clock time without."""
    if not isinstance(value, str) or not _DATETIME.match(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


# --------------------------------------------------------------------------- normalising


def normalise_answers(template: TemplateContent, answers: dict[str, Any]) -> dict[str, Any]:
    """Canonical answers for storage: blanks dropped, text trimmed, numbers as
    int when whole, choices in the template's order, ISO dates and times.

    Works on drafts too. Raises `InvalidAnswers` when answers do not fit the
    template even as a draft.
    """
    errors = validate_answers(template, answers, partial=True)
    if errors:
        raise InvalidAnswers(errors)
    return _normalise_items(template.items, answers)


def _normalise_items(items: list[Any], values: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for item in items:
        value = values.get(item.id)
        if is_empty(value):
            continue
        normalised = _normalise_value(item, value)
        if not is_empty(normalised):
            result[item.id] = normalised
    return result


def _normalise_value(item: Any, value: Any) -> Any:
    kind = item.type
    if kind in ("text", "long_text"):
        return value.replace("\r\n", "\n").strip()
    if kind in ("number", "scale"):
        return int(value) if float(value).is_integer() else value
    if kind == "multi_choice":
        chosen = set(value)
        return [option.value for option in item.options if option.value in chosen]
    if kind == "date":
        return parse_date(value).isoformat()  # type: ignore[union-attr]
    if kind == "time":
        parsed = parse_time(value)
        return parsed.isoformat(timespec="seconds" if parsed.second else "minutes")  # type: ignore[union-attr]
    if kind == "datetime":
        return parse_datetime(value).isoformat()  # type: ignore[union-attr]
    if kind == "group":
        rows = (_normalise_items(item.items, row) for row in value)
        return [row for row in rows if row]
    return value
