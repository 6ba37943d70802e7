"""`group`: repeatable rows, each answered with the group's own items (one level deep),
e.g. one thought-record entry per situation. Its answer is a list of rows keyed by
the group's item ids."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from chalicelib.homework.items.base import (
    MAX_GROUP_ITEMS,
    MAX_ROWS_LIMIT,
    AnswerChecker,
    FhirContext,
    ItemType,
    Score,
    fhir_response_items,
    normalise_items,
    plain_text,
    raise_problems,
)

if TYPE_CHECKING:
    from chalicelib.homework.items import FieldItem


class GroupItem(ItemType):
    """Repeatable rows, each answered with the group's own items (one level deep)."""

    type: Literal["group"]
    # FieldItem (every type that is not a container) is resolved by the registry.
    items: list[FieldItem] = Field(min_length=1, max_length=MAX_GROUP_ITEMS)
    min_rows: int = Field(default=0, ge=0, le=MAX_ROWS_LIMIT)
    max_rows: int = Field(default=20, ge=1, le=MAX_ROWS_LIMIT)

    fhir_type = "group"
    container = True

    @model_validator(mode="after")
    def _check_rows(self) -> GroupItem:
        if self.min_rows > self.max_rows:
            raise_problems(
                "GroupItem", [(("min_rows",), "range_invalid", "min_rows must not exceed max_rows")], self.min_rows
            )
        return self

    def children(self) -> list[ItemType]:
        return list(self.items)

    def rows(self, value: Any) -> list[dict[str, Any]]:
        """The rows of an answer that can be read (objects, up to max_rows)."""
        rows = [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []
        return rows[: self.max_rows]

    def check_answer(self, value: Any, path: str, checker: AnswerChecker) -> None:
        if not isinstance(value, list):
            checker.add(path, "wrong_type", "Answer with a list of rows.")
            return
        if len(value) > self.max_rows:
            checker.add(path, "too_many_rows", f"Add at most {self.max_rows} rows.")
        elif len(value) < self.min_rows and not checker.partial:
            checker.add(path, "too_few_rows", f"Add at least {self.min_rows} rows.")
        for row_number, row in enumerate(value[: self.max_rows]):
            row_path = f"{path}[{row_number}]"
            if not isinstance(row, dict):
                checker.add(row_path, "wrong_type", "Each row must be an object keyed by item id.")
                continue
            checker.check_items(list(self.items), row, prefix=f"{row_path}.")

    def normalise(self, value: Any) -> Any:
        rows = (normalise_items(list(self.items), row) for row in value)
        return [row for row in rows if row]

    def score_value(self, value: Any) -> Score | None:
        return None  # scoring reaches into rows through an aggregate

    def readable(self, value: Any) -> str:
        if not isinstance(value, list) or not value or not all(isinstance(row, dict) for row in value):
            return plain_text(value)
        columns = {child.id: child for child in self.items}

        def cell(key: str, cell_value: Any) -> str:
            child = columns.get(key)
            return child.readable(cell_value) if child is not None else plain_text(cell_value)

        return " | ".join("; ".join(f"{k}: {cell(k, v)}" for k, v in row.items()) for row in value)

    def fhir_answers(self, value: Any, context: FhirContext) -> list[dict[str, Any]]:
        return []  # a group answers with nested items, one set per row (see fhir_response)

    def fhir_question(self, context: FhirContext) -> dict[str, Any]:
        entry = super().fhir_question(context)
        entry["repeats"] = True
        entry["item"] = [child.fhir_question(context) for child in self.items]
        return entry

    def fhir_response(self, value: Any, context: FhirContext) -> list[dict[str, Any]]:
        # One repetition per row; a row with nothing answered has no items, so it is left out.
        rows = (fhir_response_items(list(self.items), row, context) for row in self.rows(value))
        return [{"linkId": self.id, "text": self.label, "item": items} for items in rows if items]

