"""Homework domain: templates as data, answer checking, scoring and the built-in
library. Plain Python and pydantic only; the library's files load on first use.
"""

from chalicelib.homework.answers import (
    MAX_ANSWERS_BYTES,
    AnswerError,
    InvalidAnswers,
    normalise_answers,
    validate_answers,
)
from chalicelib.homework.library import LibraryError, get_library_template, list_library
from chalicelib.homework.scoring import ReliableChange, RiskFlag, ScoreResult, reliable_change, score
from chalicelib.homework.templates import Item, Scoring, Template, TemplateContent

__all__ = [
    "MAX_ANSWERS_BYTES",
    "AnswerError",
    "InvalidAnswers",
    "Item",
    "LibraryError",
    "ReliableChange",
    "RiskFlag",
    "ScoreResult",
    "Scoring",
    "Template",
    "TemplateContent",
    "get_library_template",
    "list_library",
    "normalise_answers",
    "reliable_change",
    "score",
    "validate_answers",
]
