"""What every item type shares: the common fields, the bounded string types, the
problem-reporting helper, and `ItemType`, the contract each type module fulfils.

An item type owns everything that depends on its `type`: the shape of its
definition, how an answer is checked and normalised, the number it gives to
scoring, how it reads in an export, and how it maps to FHIR R4. Nothing outside
`chalicelib/homework/items/` switches on an item's type string.
"""

from __future__ import annotations

import math
import re
from abc import abstractmethod
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from chalicelib.homework.enable_when import ORDERING, Behavior, Conditions

# Hard limits: they bound the work done on every request that carries a template.
MAX_GROUP_ITEMS = 30
MAX_OPTIONS = 50
MAX_ROWS_LIMIT = 100
MAX_TEXT_LENGTH = 2_000
MAX_LONG_TEXT_LENGTH = 20_000

ItemId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$",
        description="Stable item id (FHIR linkId): a letter, then letters, digits, '_' or '-'.",
    ),
]
OptionValue = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", description="Stored value of an option.")
]
Number = Annotated[int | float, Field(allow_inf_nan=False)]
Score = int | float

Label = Annotated[str, Field(min_length=1, max_length=500)]
ShortLabel = Annotated[str, Field(min_length=1, max_length=200)]
HelpText = Annotated[str, Field(min_length=1, max_length=1_000)]
Unit = Annotated[str, Field(min_length=1, max_length=30)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Coding(Model):
    """A code from a published terminology (e.g. LOINC) that means this template, item,
    option or score: exports carry it so another system knows what was asked."""

    system: Annotated[str, Field(pattern=r"^https?://[^\s|]+$", max_length=200)] = Field(
        description="The terminology's URI, e.g. http://loinc.org.")
    code: Annotated[str, Field(pattern=r"^[^\s]+( [^\s]+)*$", max_length=64)]
    display: Annotated[str, Field(min_length=1, max_length=300)] | None = None


Codes = Annotated[list[Coding], Field(max_length=5, description="Published codes for this (e.g. LOINC).")]


@dataclass(frozen=True)
class FhirContext:
    """What an item needs to map itself to FHIR besides its own definition."""

    questionnaire_url: str  # canonical URL of the template's Questionnaire (without version)
    zone: tzinfo = UTC  # the client's zone: a date-time stored as wall-clock time is read in it

    def option_system(self, item_id: str) -> str:
        """The code system of an item's own options (those without a published code)."""
        return f"{self.questionnaire_url}/options/{item_id}"


Problem = tuple[tuple[Any, ...], str, str]  # (field path, error type, message)


def raise_problems(title: str, problems: list[Problem], value: Any) -> None:
    """Raise every problem at once, each at its own field path."""
    if not problems:
        return
    details = [
        InitErrorDetails(type=PydanticCustomError(kind, message), loc=loc, input=value)
        for loc, kind, message in problems
    ]
    raise ValidationError.from_exception_data(title, details)


def fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def tidy(value: float) -> Score:
    """Whole numbers as int so they read (and serialise) as 6, not 6.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --------------------------------------------------------------------------- answer values

# Patterns as strings: `re` compiles (and caches) them on first use, not at `import app`.
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_TIME = r"^\d{2}:\d{2}(:\d{2})?$"
_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$"
# Control characters other than tab and newlines have no place in an answer.
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def is_empty(value: Any) -> bool:
    """Unanswered: absent, null, blank text or an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    return False


def is_number(value: Any) -> bool:
    # bool is an int in Python but never a number answer.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def on_step(value: float, base: float, step: float) -> bool:
    # Decimal of the shortest repr: 0.3 is on a 0.1 step, 0.30000000000000004 is not.
    return (Decimal(str(value)) - Decimal(str(base))) % Decimal(str(step)) == 0


def describe_range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"between {fmt(low)} and {fmt(high)}"
    if low is not None:
        return f"of at least {fmt(low)}"
    return f"of at most {fmt(high)}"  # type: ignore[arg-type]


def parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not re.match(_DATE, value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_time(value: Any) -> time | None:
    if not isinstance(value, str) or not re.match(_TIME, value):
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: Any) -> datetime | None:
    """ISO 8601 date and time; with an offset or Z, or local wall-clock time without."""
    if not isinstance(value, str) or not re.match(_DATETIME, value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def plain_text(value: Any) -> str:
    """Any stored answer as one line of text (rows of a group joined with ' | ')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return " | ".join("; ".join(f"{k}: {plain_text(v)}" for k, v in row.items()) for row in value)
        return ", ".join(plain_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain_text(v)}" for k, v in value.items())
    return str(value)


# --------------------------------------------------------------------------- the contract


class Writer(Protocol):
    """How a printed record writes days, clock times and instants for its reader (the
    client's zone and locale bound in)."""

    def day(self, value: date) -> str: ...

    def clock(self, value: time) -> str: ...

    def moment(self, value: Any) -> str: ...


class AnswerChecker(Protocol):
    """Where an item reports what is wrong with an answer (see `answers.validate_answers`)."""

    partial: bool

    def add(self, path: str, code: Any, message: str) -> None: ...

    def check_items(self, items: list[Any], values: dict[str, Any], prefix: str) -> None: ...


class ItemType(Model):
    """One question of a template. Subclasses are the item types; see `items/__init__.py`.

    The answer-level methods are only called with an answer that is not empty
    (`is_empty`); `normalise` only with one that passed `check_answer`.
    """

    id: ItemId
    label: Label = Field(description="The question or prompt shown to the client.")
    help: HelpText | None = Field(default=None, description="Optional help shown under the label.")
    required: bool = False
    codes: Codes = Field(default_factory=list)
    enable_when: Conditions = Field(default_factory=list)
    enable_behavior: Behavior = Field(default="all", description="With several conditions: all must hold, or any.")

    fhir_type: ClassVar[str]  # Questionnaire.item.type
    # What an `enable_when` on this item's answer may use (see chalicelib/homework/enable_when.py):
    # the FHIR answer[x] a condition's answer maps to (None: only `exists`), and whether answers
    # are ordered (>, <, >=, <=).
    condition_answer: ClassVar[str | None] = None
    condition_ordered: ClassVar[bool] = False
    container: ClassVar[bool] = False  # holds rows of other items, so cannot sit inside a group
    clock: ClassVar[str | None] = None  # what minutes_between measures on it: "time_of_day" | "instant"
    rating: ClassVar[bool] = False  # a bounded rating asked afresh each entry: progress trends it per entry

    @classmethod
    def type_name(cls) -> str:
        """The `type` this class answers to (the value of its `type` Literal)."""
        annotation = cls.model_fields["type"].annotation
        return annotation.__args__[0]  # type: ignore[union-attr]

    def children(self) -> list[ItemType]:
        """The items inside this one (a container's columns)."""
        return []

    def rows(self, value: Any) -> list[dict[str, Any]]:
        """The readable rows of a container's answer; other items have none."""
        return []

    def is_scorable(self) -> bool:
        """Whether scoring may use this item's answer as a number."""
        return False

    def score_range(self) -> tuple[float, float] | None:
        """Lowest and highest number this item can contribute, when bounded."""
        return None

    @abstractmethod
    def check_answer(self, value: Any, path: str, checker: AnswerChecker) -> None:
        """Report through `checker` every problem with a non-empty answer."""

    @abstractmethod
    def normalise(self, value: Any) -> Any:
        """The canonical stored form of a valid answer."""

    @abstractmethod
    def score_value(self, value: Any) -> Score | None:
        """The number the answer contributes to scoring (None for an odd value)."""

    @abstractmethod
    def readable(self, value: Any) -> str:
        """The answer as one line of text, for the PDF and CSV exports."""

    @abstractmethod
    def fhir_answers(self, value: Any, context: FhirContext) -> list[dict[str, Any]]:
        """QuestionnaireResponse.item.answer: a list of `value[x]` objects."""

    def written(self, value: Any, writer: Writer, *, scored: bool = False) -> str:
        """The answer as a reader of a printed record reads it: `readable`, with days, times
        and instants written out by `writer`, units and scale ends added, and with `scored`
        the points a scored option gave (as a clinician adds them up on paper)."""
        return self.readable(value)

    def minutes_between(self, start: Any, end: Any) -> float | None:
        """Minutes from one answer of this item type to another (clock types only)."""
        return None

    def calendar_day(self, value: Any) -> date | None:
        """The calendar day an answer names (a date question's), else None: what progress dates an entry by."""
        return None

    def zoned(self, value: Any, zone: tzinfo) -> Any:
        """The answer placed in the client's zone where its type has a zone to take (a
        date-time kept as wall-clock time); other answers as they are."""
        return value

    def has_score_column(self) -> bool:
        """Whether the answer in words hides a number (an option's score), so a table
        shows that number beside it."""
        return False

    # -- conditions on this item's answer (enable_when)

    def condition_operators(self) -> tuple[str, ...]:
        if self.condition_answer is None:
            return ("exists",)
        return ORDERING if self.condition_ordered else ORDERING[:3]

    def condition_problem(self, value: Any) -> str | None:
        """Why `value` cannot be a condition's answer on this item (None when it can)."""
        collected = _Collect()
        self.check_answer(value, "", collected)
        return collected.messages[0] if collected.messages else None

    def condition_key(self, value: Any) -> Any:
        """What a condition compares: the answer in canonical form (None for an odd one)."""
        collected = _Collect()
        self.check_answer(value, "", collected)
        return None if collected.messages or is_empty(value) else self.normalise(value)

    def condition_keys(self, value: Any) -> list[Any]:
        """The answer's values as conditions compare them (several for a multiple choice)."""
        return [self.condition_key(value)]

    def fhir_condition_answer(self, value: Any, context: FhirContext) -> dict[str, Any]:
        """enableWhen.answer[x] for a condition's answer on this item."""
        return {str(self.condition_answer): self.condition_key(value)}

    def fhir_question(self, context: FhirContext) -> dict[str, Any]:
        """Questionnaire.item for this item."""
        entry: dict[str, Any] = {"linkId": self.id}
        if self.codes:
            entry["code"] = [code.model_dump(exclude_none=True) for code in self.codes]
        return {**entry, "text": self.label, "type": self.fhir_type, "required": bool(self.required)}

    def fhir_response(self, value: Any, context: FhirContext) -> list[dict[str, Any]]:
        """QuestionnaireResponse.item entries for a non-empty answer."""
        return [{"linkId": self.id, "text": self.label, "answer": self.fhir_answers(value, context)}]


class _Collect:
    """An `AnswerChecker` that only gathers messages (to test one value outside a form)."""

    partial = True

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, path: str, code: Any, message: str) -> None:
        self.messages.append(message)

    def check_items(self, items: list[Any], values: dict[str, Any], prefix: str) -> None:
        self.messages.append("A condition compares one value.")


def score_of(item: ItemType, value: Any) -> Score | None:
    """The number an answer contributes to scoring, or None if it has none."""
    if is_empty(value) or not item.is_scorable():
        return None
    return item.score_value(value)


def normalise_items(items: list[ItemType], values: dict[str, Any]) -> dict[str, Any]:
    """Canonical answers for these items: blanks dropped, each answer normalised by its type."""
    result: dict[str, Any] = {}
    for item in items:
        value = values.get(item.id)
        if is_empty(value):
            continue
        normalised = item.normalise(value)
        if not is_empty(normalised):
            result[item.id] = normalised
    return result


def fhir_response_items(items: list[ItemType], answers: dict[str, Any], context: FhirContext) -> list[dict[str, Any]]:
    """QuestionnaireResponse.item for the answered items, in the template's order."""
    out: list[dict[str, Any]] = []
    for item in items:
        if item.id not in answers or is_empty(answers[item.id]):
            continue
        out.extend(item.fhir_response(answers[item.id], context))
    return out


# --------------------------------------------------------------------------- shared checks


def check_text(item: Any, value: Any, path: str, checker: AnswerChecker) -> None:
    if not isinstance(value, str):
        checker.add(path, "wrong_type", "Answer with text.")
    elif len(value) > item.max_length:
        checker.add(path, "too_long", f"Keep this to {item.max_length} characters or fewer.")
    elif re.search(_CONTROL, value):
        checker.add(path, "invalid_characters", "This answer contains characters that cannot be stored.")


def check_range_and_step(
    value: float, low: float | None, high: float | None, step: float | None, path: str, checker: AnswerChecker
) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        checker.add(path, "out_of_range", f"Answer {describe_range(low, high)}.")
    elif step is not None and not on_step(value, low if low is not None else 0, step):
        checker.add(path, "not_on_step", f"Answer in steps of {fmt(step)}.")


def whole_if_whole(value: float) -> Any:
    return int(value) if float(value).is_integer() else value


def numeric_score(value: Any) -> Score | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return tidy(value)
