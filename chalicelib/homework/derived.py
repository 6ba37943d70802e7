"""Derived values of a template's scoring (sleep efficiency, time in bed, totals of a
group's column...): each kind is one class that owns its definition, the checks it
needs against the template, and its computation. Nothing here evaluates text.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Annotated, Any, Literal, Protocol, Union

from pydantic import Field

from chalicelib.homework.items.base import ItemId, ItemType, Model, Score, ShortLabel, Unit, is_empty, score_of


if TYPE_CHECKING:  # only for type checkers: building a Protocol class costs at import

    class DerivedChecks(Protocol):
        """What a derived kind may ask of the template checker (`templates._TemplateChecker`)."""

        top: dict[str, ItemType]

        def add(self, loc: tuple[Any, ...], kind: str, message: str) -> None: ...

        def operand(self, ref: str, loc: tuple[Any, ...]) -> None:
            """Report unless `ref` is a scorable top-level item or a derived value defined earlier."""

        def clock_item(self, ref: str, loc: tuple[Any, ...]) -> str | None:
            """The clock kind of a top-level time or datetime item; reports anything else."""


    class DerivedInputs(Protocol):
        """What a derived kind reads while scoring (see `scoring._derived`)."""

        def item(self, ref: str) -> ItemType: ...

        def answer(self, ref: str) -> Any: ...

        def operand(self, ref: str) -> Score | None:
            """An earlier derived value, or the score of a top-level item's answer."""


class DerivedRule(Model):
    id: ItemId
    label: ShortLabel
    unit: Unit | None = None
    decimals: int = Field(default=0, ge=0, le=3, description="Rounding (half up) of the result.")

    @abstractmethod
    def check(self, checks: DerivedChecks, loc: tuple[Any, ...]) -> None:
        """Report, at field paths under `loc`, every reference that does not fit."""

    @abstractmethod
    def compute(self, inputs: DerivedInputs) -> float | None:
        """The unrounded value, or None when an input is missing."""

    def pool(self, entries: list[dict[str, Score | None]]) -> float | None:
        """The value over several entries together (e.g. a week of diaries), from each entry's
        operands by id; None when this kind has no pooled meaning (see `RatioPercent.pool`)."""
        return None


class MinutesBetween(DerivedRule):
    """Minutes from `start` to `end`; two times of day wrap past midnight."""

    op: Literal["minutes_between"]
    start: ItemId
    end: ItemId

    def check(self, checks: DerivedChecks, loc: tuple[Any, ...]) -> None:
        kinds = [checks.clock_item(ref, loc + (name,)) for name, ref in (("start", self.start), ("end", self.end))]
        if None not in kinds and kinds[0] != kinds[1]:
            checks.add(loc + ("end",), "type_mismatch", "start and end must both be times or both datetimes")

    def compute(self, inputs: DerivedInputs) -> float | None:
        return inputs.item(self.start).minutes_between(inputs.answer(self.start), inputs.answer(self.end))


class Subtract(DerivedRule):
    op: Literal["subtract"]
    value: ItemId
    minus: list[ItemId] = Field(min_length=1, max_length=20)

    def check(self, checks: DerivedChecks, loc: tuple[Any, ...]) -> None:
        checks.operand(self.value, loc + ("value",))
        for m, ref in enumerate(self.minus):
            checks.operand(ref, loc + ("minus", m))

    def compute(self, inputs: DerivedInputs) -> float | None:
        parts = [inputs.operand(self.value)] + [inputs.operand(ref) for ref in self.minus]
        return None if None in parts else parts[0] - sum(parts[1:])  # type: ignore[operator,arg-type]


class Sum(DerivedRule):
    op: Literal["sum"]
    operands: list[ItemId] = Field(min_length=1, max_length=50)

    def check(self, checks: DerivedChecks, loc: tuple[Any, ...]) -> None:
        for m, ref in enumerate(self.operands):
            checks.operand(ref, loc + ("operands", m))

    def compute(self, inputs: DerivedInputs) -> float | None:
        parts = [inputs.operand(ref) for ref in self.operands]
        return None if None in parts else sum(parts)  # type: ignore[arg-type]


class RatioPercent(DerivedRule):
    """100 × numerator / denominator (no value when the denominator is 0)."""

    op: Literal["ratio_percent"]
    numerator: ItemId
    denominator: ItemId

    def check(self, checks: DerivedChecks, loc: tuple[Any, ...]) -> None:
        checks.operand(self.numerator, loc + ("numerator",))
        checks.operand(self.denominator, loc + ("denominator",))

    def compute(self, inputs: DerivedInputs) -> float | None:
        numerator, denominator = inputs.operand(self.numerator), inputs.operand(self.denominator)
        return None if numerator is None or not denominator else 100 * numerator / denominator

    def pool(self, entries: list[dict[str, Score | None]]) -> float | None:
        """Sum of numerators over sum of denominators, from the entries that have both: a week's
        sleep efficiency is its total sleep over its time in bed, so a short night does not
        weigh as much as a long one (an average of the nightly percentages would)."""
        pairs = [(e.get(self.numerator), e.get(self.denominator)) for e in entries]
        pairs = [(n, d) for n, d in pairs if n is not None and d is not None]
        denominator = sum(d for _, d in pairs)  # type: ignore[misc]
        return None if not pairs or not denominator else 100 * sum(n for n, _ in pairs) / denominator  # type: ignore[misc]


class Aggregate(DerivedRule):
    """Count, sum, mean, min or max of one column of a group's rows."""

    op: Literal["aggregate"]
    function: Literal["count", "sum", "mean", "min", "max"]
    group: ItemId
    item: ItemId | None = Field(default=None, description="Column; without it, count counts rows.")

    def check(self, checks: DerivedChecks, loc: tuple[Any, ...]) -> None:
        group = checks.top.get(self.group)
        if group is None or not group.container:
            checks.add(loc + ("group",), "unknown_group", f"no group has id '{self.group}'")
            return
        if self.item is None:
            if self.function != "count":
                checks.add(loc + ("item",), "missing", f"'{self.function}' needs the item to aggregate")
            return
        child = next((c for c in group.children() if c.id == self.item), None)
        if child is None:
            checks.add(loc + ("item",), "unknown_item", f"group '{group.id}' has no item '{self.item}'")
        elif self.function != "count" and not child.is_scorable():
            checks.add(loc + ("item",), "not_numeric", f"item '{self.item}' ({child.type}) has no numeric score")  # type: ignore[attr-defined]

    def compute(self, inputs: DerivedInputs) -> float | None:
        group = inputs.item(self.group)
        rows = group.rows(inputs.answer(self.group))
        if self.item is None:
            return len(rows)
        if self.function == "count":
            return sum(1 for row in rows if not is_empty(row.get(self.item)))
        column = next(child for child in group.children() if child.id == self.item)
        values = [v for v in (score_of(column, row.get(self.item)) for row in rows) if v is not None]
        if self.function == "sum":
            return sum(values)
        if not values:
            return None
        if self.function == "mean":
            return sum(values) / len(values)
        return min(values) if self.function == "min" else max(values)


# Every kind above, in the order of the schema's union.
_KINDS = (MinutesBetween, Subtract, Sum, RatioPercent, Aggregate)
for _kind in _KINDS:
    if _kind.__abstractmethods__:
        raise TypeError(f"derived kind {_kind.__name__} does not implement {sorted(_kind.__abstractmethods__)}")

if TYPE_CHECKING:  # a union built at run time; to a type checker, any derived kind
    Derived = DerivedRule
else:
    Derived = Annotated[Union[_KINDS], Field(discriminator="op")]  # noqa: UP007
