"""Validation problems as plain sentences a clinician or client can act on.

pydantic's messages ("Input should be less than or equal to 10", "Value error, …") name
types and paths; the pages show these sentences next to the field instead. Only the
limits in the error's context are used, never the submitted value (it may be client data).
"""
from __future__ import annotations

from typing import Any


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _characters(count: Any) -> str:
    return "1 character" if count == 1 else f"{count} characters"


def _choices(expected: Any) -> str:
    return str(expected).replace("'", "").replace(" or ", ", or ")


_BY_TYPE: dict[str, Any] = {
    "missing": lambda c: "This is required.",
    "extra_forbidden": lambda c: "This is not something that can be set here.",
    "string_too_short": lambda c: "Please fill this in." if c.get("min_length") == 1
    else f"Use at least {_characters(c.get('min_length'))}.",
    "string_too_long": lambda c: f"Use at most {_characters(c.get('max_length'))}.",
    "too_short": lambda c: f"Choose at least {c.get('min_length')}.",
    "too_long": lambda c: f"Choose at most {c.get('max_length')}.",
    "less_than_equal": lambda c: f"Choose a number no larger than {_number(c.get('le'))}.",
    "less_than": lambda c: f"Choose a number below {_number(c.get('lt'))}.",
    "greater_than_equal": lambda c: f"Choose a number no smaller than {_number(c.get('ge'))}.",
    "greater_than": lambda c: f"Choose a number above {_number(c.get('gt'))}.",
    "int_type": lambda c: "Enter a whole number.",
    "int_parsing": lambda c: "Enter a whole number.",
    "int_from_float": lambda c: "Enter a whole number.",
    "float_type": lambda c: "Enter a number.",
    "float_parsing": lambda c: "Enter a number.",
    "bool_type": lambda c: "Choose yes or no.",
    "bool_parsing": lambda c: "Choose yes or no.",
    "string_type": lambda c: "Enter text here.",
    "date_type": lambda c: "Enter a date (YYYY-MM-DD).",
    "date_parsing": lambda c: "Enter a date (YYYY-MM-DD).",
    "date_from_datetime_parsing": lambda c: "Enter a date (YYYY-MM-DD).",
    "datetime_type": lambda c: "Enter a date and time.",
    "datetime_parsing": lambda c: "Enter a date and time.",
    "datetime_from_date_parsing": lambda c: "Enter a date and time.",
    "literal_error": lambda c: f"Choose one of: {_choices(c.get('expected'))}.",
    "enum": lambda c: f"Choose one of: {_choices(c.get('expected'))}.",
    "list_type": lambda c: "Choose from the list.",
    "dict_type": lambda c: "This needs to be a set of answers.",
    "model_type": lambda c: "This needs to be filled in as a form.",
    "string_pattern_mismatch": lambda c: "This is not in the expected format.",
}


def as_sentence(text: str) -> str:
    """A message as one sentence: capital first letter, full stop at the end."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else f"{text}."


def plain(error_type: str, message: str, context: dict[str, Any] | None) -> str:
    """The sentence for one pydantic error (its own message, tidied, when the type has none)."""
    made = _BY_TYPE.get(error_type)
    if made is not None:
        return str(made(context or {}))
    if error_type in ("value_error", "assertion_error"):
        message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return as_sentence(message)
