"""Conditional questions: `enable_when` on a template item, one-to-one with FHIR R4
`Questionnaire.item.enableWhen` (and `enableBehavior`).

An item with conditions is shown (enabled) only when they hold: all of them, or any of
them with ``enable_behavior: "any"``. A condition names an earlier top-level question, an
operator and an answer:

- ``exists`` (answer ``true`` or ``false``): whether the question has an answer;
- ``=`` / ``!=``: at least one answer equals the condition's answer / no answer does
  (so ``!=`` also holds while the question is unanswered, as FHIR defines it);
- ``>``, ``<``, ``>=``, ``<=``: at least one answer compares so (ordered types only).

The condition's answer is a value the question itself accepts: an option's stored value
for a choice item (FHIR ``answerCoding``; a condition on an option's score has no FHIR
form, so there is none), a number for number and scale items, true/false for a boolean,
text, a date or a time. Which operators fit which item type is the item type's (see
`ItemType.condition_operators`). A date-time item accepts only ``exists``: a wall-clock
time and one with an offset cannot be ordered.

A disabled item is neither required nor stored: its answer is dropped when a draft is
saved or the homework is sent (a client who changes an earlier answer should not be
refused for an answer they can no longer see), and scoring never sees it. A question
that is itself disabled counts as unanswered for the conditions that name it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Operator = Literal["exists", "=", "!=", ">", "<", ">=", "<="]
ORDERING = ("exists", "=", "!=", ">", "<", ">=", "<=")
MAX_CONDITIONS = 50  # PHQ-9's difficulty question needs 27 (three options on each of nine items)

# Scalars only: a condition compares one value, never a list or an object.
ConditionAnswer = Annotated[
    bool | int | float | Annotated[str, Field(min_length=1, max_length=500)],
    Field(description="What the answer is compared with: an option's value, a number, true/false, text, "
                      "a date (YYYY-MM-DD) or a time (HH:MM); true or false for `exists`."),
]


class Condition(BaseModel):
    """One `enableWhen`: the question (an earlier item's id), an operator and an answer."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    question: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$",
                                   description="The id of an earlier top-level item.")]
    operator: Operator
    answer: ConditionAnswer


Conditions = Annotated[list[Condition], Field(max_length=MAX_CONDITIONS, description=(
    "Show this item only when these hold (FHIR enableWhen); see chalicelib/homework/enable_when.py."))]
Behavior = Literal["all", "any"]


def holds(condition: Condition, question: Any, value: Any, answered: bool) -> bool:
    """Whether one condition holds for the question's (normalised, enabled) answer."""
    if condition.operator == "exists":
        return answered is condition.answer
    if not answered:
        return condition.operator == "!="  # no answer equals it
    keys = question.condition_keys(value)
    target = question.condition_key(condition.answer)
    if target is None:
        return False
    if condition.operator == "=":
        return target in keys
    if condition.operator == "!=":
        return target not in keys
    try:
        return any(_compare(key, condition.operator, target) for key in keys if key is not None)
    except TypeError:  # e.g. a number compared with text: never true
        return False


def _compare(key: Any, operator: str, target: Any) -> bool:
    if operator == ">":
        return bool(key > target)
    if operator == "<":
        return bool(key < target)
    if operator == ">=":
        return bool(key >= target)
    return bool(key <= target)


def disabled_items(items: list[Any], answers: dict[str, Any], is_empty: Any) -> set[str]:
    """The ids of the top-level items these answers leave disabled, in template order, so a
    disabled question reads as unanswered to the items after it."""
    index = {item.id: item for item in items}
    disabled: set[str] = set()
    for item in items:
        conditions = item.enable_when
        if not conditions:
            continue
        results = []
        for condition in conditions:
            question = index.get(condition.question)
            if question is None:  # the template check refuses this; a stored oddity reads as false
                results.append(False)
                continue
            value = answers.get(condition.question)
            answered = condition.question not in disabled and not is_empty(value)
            results.append(holds(condition, question, value, answered))
        enabled = any(results) if item.enable_behavior == "any" else all(results)
        if not enabled:
            disabled.add(item.id)
    return disabled


def fhir_enable_when(item: Any, index: dict[str, Any], context: Any) -> dict[str, Any]:
    """`enableWhen` and `enableBehavior` of a Questionnaire.item (empty without conditions)."""
    if not item.enable_when:
        return {}
    entries = []
    for condition in item.enable_when:
        entry: dict[str, Any] = {"question": condition.question, "operator": condition.operator}
        if condition.operator == "exists":
            entry["answerBoolean"] = bool(condition.answer)
        else:
            entry.update(index[condition.question].fhir_condition_answer(condition.answer, context))
        entries.append(entry)
    out: dict[str, Any] = {"enableWhen": entries}
    if len(entries) > 1:  # FHIR requires enableBehavior with more than one condition (que-12)
        out["enableBehavior"] = item.enable_behavior
    return out
