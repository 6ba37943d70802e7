"""Checking a client's answers against the template they answer.

Answers are a JSON object keyed by item id; a group's answer is a list of rows,
each an object keyed by the group's own item ids. `validate_answers` reports
every problem (never just the first), each with a path such as
``emotions[1].intensity``. Messages never repeat what the client wrote: they
may reach logs and error reports.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from chalicelib.homework.enable_when import disabled_items
from chalicelib.homework.items.base import (  # noqa: F401 - parse_* and is_empty are used by callers
    is_empty,
    normalise_items,
    parse_date,
    parse_datetime,
    parse_time,
)
from chalicelib.homework.templates import TemplateContent

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
    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first use: keeps `import app` cheap

    item: str  # path, e.g. "emotions[1].intensity"; "" for the answer set as a whole
    code: AnswerErrorCode
    message: str


class InvalidAnswers(ValueError):
    def __init__(self, errors: list[AnswerError]) -> None:
        super().__init__(f"{len(errors)} answer error(s)")
        self.errors = errors


def answers_size(answers: Any) -> int | None:
    """Size in bytes of the answers as compact JSON, or None if not JSON."""
    try:
        return len(json.dumps(answers, ensure_ascii=False, separators=(",", ":")).encode())
    except (TypeError, ValueError):
        return None


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
    checker = _Checker(partial, disabled=disabled_items(template.items, answers, is_empty))
    checker.check_items(template.items, answers, prefix="")
    return checker.errors


class _Checker:
    def __init__(self, partial: bool, disabled: set[str] | None = None) -> None:
        self.partial = partial
        self.disabled = disabled or set()  # hidden by enable_when: neither required nor checked, then dropped
        self.errors: list[AnswerError] = []

    def add(self, path: str, code: AnswerErrorCode, message: str) -> None:
        self.errors.append(AnswerError(item=path, code=code, message=message))

    def check_items(self, items: list[Any], values: dict[str, Any], prefix: str) -> None:
        for item in items:
            if not prefix and item.id in self.disabled:
                continue
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
        item.check_answer(value, path, self)


# --------------------------------------------------------------------------- normalising


def normalise_answers(template: TemplateContent, answers: dict[str, Any]) -> dict[str, Any]:
    """Canonical answers for storage: blanks dropped, text trimmed, numbers as
    int when whole, choices in the template's order, ISO dates and times.

    Answers to items hidden by their conditions are dropped. Works on drafts too.
    Raises `InvalidAnswers` when answers do not fit the template even as a draft.
    """
    errors = validate_answers(template, answers, partial=True)
    if errors:
        raise InvalidAnswers(errors)
    # Dropped before normalising: a hidden answer was never checked, so it may not normalise.
    return normalise_items(template.items, enabled_answers(template, answers))


def enabled_answers(template: TemplateContent, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers without those to items their conditions hide (see enable_when.py): a hidden
    question's answer is never stored, so an answer the client can no longer see goes."""
    disabled = disabled_items(template.items, answers, is_empty)
    return {key: value for key, value in answers.items() if key not in disabled} if disabled else answers
