"""Homework templates as data, and the rules a template must follow.

A template is `{id, version, title, kind, description, instructions, licence,
items[], scoring?}`. Items carry stable ids (FHIR `linkId`); scoring refers to
item ids only. These models double as request bodies for clinicians' own
templates, so every model forbids unknown fields and every string is bounded.

Checks that need more than one field (unique ids, scoring references, bands)
run after the fields parse and are reported together, each at its own field
path, as one pydantic ``ValidationError``.
"""

from __future__ import annotations

from typing import Annotated, Any, Iterator, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

# Hard limits: they bound the work done on every request that carries a template.
MAX_ITEMS = 100
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
TemplateId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
        description="Library slug (e.g. 'phq-9') or an opaque id.",
    ),
]
OptionValue = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", description="Stored value of an option.")
]
Number = Annotated[Union[int, float], Field(allow_inf_nan=False)]

Title = Annotated[str, Field(min_length=1, max_length=200)]
Label = Annotated[str, Field(min_length=1, max_length=500)]
ShortLabel = Annotated[str, Field(min_length=1, max_length=200)]
HelpText = Annotated[str, Field(min_length=1, max_length=1_000)]
Unit = Annotated[str, Field(min_length=1, max_length=30)]

Kind = Literal["questionnaire", "worksheet", "diary", "log", "plan", "exercise"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


# --------------------------------------------------------------------------- items


class _ItemBase(_Model):
    id: ItemId
    label: Label = Field(description="The question or prompt shown to the client.")
    help: HelpText | None = Field(default=None, description="Optional help shown under the label.")
    required: bool = False

    def is_scorable(self) -> bool:
        """Whether scoring may use this item's answer as a number."""
        return False

    def score_range(self) -> tuple[float, float] | None:
        """Lowest and highest number this item can contribute, when bounded."""
        return None


class TextItem(_ItemBase):
    type: Literal["text"]
    max_length: int = Field(default=500, ge=1, le=MAX_TEXT_LENGTH)


class LongTextItem(_ItemBase):
    type: Literal["long_text"]
    max_length: int = Field(default=5_000, ge=1, le=MAX_LONG_TEXT_LENGTH)


class NumberItem(_ItemBase):
    type: Literal["number"]
    min: Number | None = None
    max: Number | None = None
    step: Number | None = Field(default=None, gt=0, description="Allowed increments, counted from min (or 0).")
    unit: Unit | None = None

    @model_validator(mode="after")
    def _check_range(self) -> NumberItem:
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise_problems(
                "NumberItem", [(("max",), "range_invalid", "max must be greater than min")], self.max
            )
        return self

    def is_scorable(self) -> bool:
        return True

    def score_range(self) -> tuple[float, float] | None:
        if self.min is None or self.max is None:
            return None
        return (self.min, self.max)


class Anchor(_Model):
    value: int
    label: Annotated[str, Field(min_length=1, max_length=100)]


class ScaleItem(_ItemBase):
    type: Literal["scale"]
    min: int = Field(ge=-1_000, le=1_000)
    max: int = Field(ge=-1_000, le=1_000)
    step: int = Field(default=1, ge=1, le=1_000)
    anchors: list[Anchor] = Field(default_factory=list, max_length=21, description="Labels for chosen points.")

    @model_validator(mode="after")
    def _check_scale(self) -> ScaleItem:
        problems: list[Problem] = []
        if self.min >= self.max:
            problems.append((("max",), "range_invalid", "max must be greater than min"))
        elif (self.max - self.min) % self.step:
            problems.append((("step",), "step_invalid", "max - min must be a whole number of steps"))
        seen: set[int] = set()
        for k, anchor in enumerate(self.anchors):
            if anchor.value in seen:
                problems.append((("anchors", k, "value"), "duplicate_value", "two anchors share this value"))
            seen.add(anchor.value)
            if not self.min <= anchor.value <= self.max:
                problems.append((("anchors", k, "value"), "out_of_range", "anchor lies outside min..max"))
            elif (anchor.value - self.min) % self.step:
                problems.append((("anchors", k, "value"), "not_on_step", "anchor is not on a step of the scale"))
        raise_problems("ScaleItem", problems, self.anchors)
        return self

    def is_scorable(self) -> bool:
        return True

    def score_range(self) -> tuple[float, float] | None:
        return (self.min, self.max)


class Option(_Model):
    value: OptionValue
    label: ShortLabel
    score: Number | None = Field(default=None, description="Number this option contributes to scoring.")


class _ChoiceBase(_ItemBase):
    options: list[Option] = Field(max_length=MAX_OPTIONS)

    @model_validator(mode="after")
    def _check_options(self) -> _ChoiceBase:
        problems: list[Problem] = []
        if len(self.options) < 2:
            problems.append((("options",), "options_missing", "a choice item needs at least two options"))
        seen: set[str] = set()
        for k, option in enumerate(self.options):
            if option.value in seen:
                problems.append((("options", k, "value"), "duplicate_value", "two options share this value"))
            seen.add(option.value)
        scored = [option.score is not None for option in self.options]
        if any(scored) and not all(scored):
            problems.append((("options",), "scores_incomplete", "give every option a score, or none"))
        raise_problems(type(self).__name__, problems, self.options)
        return self

    def is_scorable(self) -> bool:
        return bool(self.options) and all(option.score is not None for option in self.options)

    def option(self, value: str) -> Option | None:
        return next((option for option in self.options if option.value == value), None)


class SingleChoiceItem(_ChoiceBase):
    type: Literal["single_choice"]

    def score_range(self) -> tuple[float, float] | None:
        if not self.is_scorable():
            return None
        scores = [option.score for option in self.options]
        return (min(scores), max(scores))  # type: ignore[type-var]


class MultiChoiceItem(_ChoiceBase):
    type: Literal["multi_choice"]

    def score_range(self) -> tuple[float, float] | None:
        if not self.is_scorable():
            return None
        scores = [option.score for option in self.options]
        return (sum(min(s, 0) for s in scores), sum(max(s, 0) for s in scores))  # type: ignore[arg-type]


class BooleanItem(_ItemBase):
    type: Literal["boolean"]

    def is_scorable(self) -> bool:
        return True  # yes = 1, no = 0

    def score_range(self) -> tuple[float, float] | None:
        return (0, 1)


class DateItem(_ItemBase):
    type: Literal["date"]


class TimeItem(_ItemBase):
    type: Literal["time"]


class DateTimeItem(_ItemBase):
    type: Literal["datetime"]


_FIELD_ITEM_TYPES = (TextItem, LongTextItem, NumberItem, ScaleItem, SingleChoiceItem, MultiChoiceItem,
                     BooleanItem, DateItem, TimeItem, DateTimeItem)
FieldItem = Annotated[Union[_FIELD_ITEM_TYPES], Field(discriminator="type")]


class GroupItem(_ItemBase):
    """Repeatable rows, each answered with the group's own items (one level deep)."""

    type: Literal["group"]
    items: list[FieldItem] = Field(min_length=1, max_length=MAX_GROUP_ITEMS)
    min_rows: int = Field(default=0, ge=0, le=MAX_ROWS_LIMIT)
    max_rows: int = Field(default=20, ge=1, le=MAX_ROWS_LIMIT)

    @model_validator(mode="after")
    def _check_rows(self) -> GroupItem:
        if self.min_rows > self.max_rows:
            raise_problems(
                "GroupItem", [(("min_rows",), "range_invalid", "min_rows must not exceed max_rows")], self.min_rows
            )
        return self


Item = Annotated[Union[(*_FIELD_ITEM_TYPES, GroupItem)], Field(discriminator="type")]

# --------------------------------------------------------------------------- scoring


class Band(_Model):
    """An inclusive range of the total with its label, e.g. 5–9 'Mild'."""

    min: Number
    max: Number
    label: Annotated[str, Field(min_length=1, max_length=100)]
    description: Annotated[str, Field(max_length=500)] | None = None


class Subscale(_Model):
    id: ItemId
    label: ShortLabel
    items: list[ItemId] = Field(min_length=1, max_length=MAX_ITEMS)
    method: Literal["sum", "mean"] = "sum"


class RiskRule(_Model):
    """Flags an answer whose score is at or above `threshold`."""

    item: ItemId
    threshold: Number
    label: ShortLabel = Field(description="Short description for the clinician's alert.")
    message: Annotated[str, Field(min_length=1, max_length=2_000)] = Field(
        description="Shown to the client: what to do now, with crisis resources."
    )


class _DerivedBase(_Model):
    id: ItemId
    label: ShortLabel
    unit: Unit | None = None
    decimals: int = Field(default=0, ge=0, le=3, description="Rounding (half up) of the result.")


class MinutesBetween(_DerivedBase):
    """Minutes from `start` to `end`; two times of day wrap past midnight."""

    op: Literal["minutes_between"]
    start: ItemId
    end: ItemId


class Subtract(_DerivedBase):
    op: Literal["subtract"]
    value: ItemId
    minus: list[ItemId] = Field(min_length=1, max_length=20)


class Sum(_DerivedBase):
    op: Literal["sum"]
    operands: list[ItemId] = Field(min_length=1, max_length=50)


class RatioPercent(_DerivedBase):
    """100 × numerator / denominator (no value when the denominator is 0)."""

    op: Literal["ratio_percent"]
    numerator: ItemId
    denominator: ItemId


class Aggregate(_DerivedBase):
    """Count, sum, mean, min or max of one column of a group's rows."""

    op: Literal["aggregate"]
    function: Literal["count", "sum", "mean", "min", "max"]
    group: ItemId
    item: ItemId | None = Field(default=None, description="Column; without it, count counts rows.")


Derived = Annotated[
    Union[MinutesBetween, Subtract, Sum, RatioPercent, Aggregate],
    Field(discriminator="op"),
]


class Scoring(_Model):
    total_items: list[ItemId] = Field(default_factory=list, max_length=MAX_ITEMS)
    reverse_items: list[ItemId] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Scored as (min + max − answer)."
    )
    missing: Literal["no_score", "prorate"] = Field(
        default="no_score",
        description="With items missing: no total, or prorate (sum × n / answered) when at most max_missing are missing.",
    )
    max_missing: int = Field(default=0, ge=0, le=MAX_ITEMS)
    subscales: list[Subscale] = Field(default_factory=list, max_length=20)
    bands: list[Band] = Field(default_factory=list, max_length=20)
    risk: list[RiskRule] = Field(default_factory=list, max_length=50)
    derived: list[Derived] = Field(default_factory=list, max_length=50)
    reliable_change: Number | None = Field(
        default=None, gt=0, description="Smallest change in total counted as reliable."
    )
    higher_is_better: bool = False


# --------------------------------------------------------------------------- template


class TemplateContent(_Model):
    """Everything a clinician writes; the store adds id and version."""

    title: Title
    kind: Kind
    description: Annotated[str, Field(max_length=2_000)] = ""
    instructions: Annotated[str, Field(max_length=5_000)] = ""
    licence: Annotated[str, Field(max_length=2_000)] | None = None
    items: list[Item] = Field(min_length=1, max_length=MAX_ITEMS)
    scoring: Scoring | None = None

    @model_validator(mode="after")
    def _check_template(self) -> TemplateContent:
        raise_problems(type(self).__name__, _TemplateChecker(self).problems(), self.title)
        return self

    def iter_items(self) -> Iterator[tuple[Any, GroupItem | None]]:
        """Every item with its enclosing group (None at top level)."""
        for item in self.items:
            yield item, None
            if isinstance(item, GroupItem):
                for child in item.items:
                    yield child, item

    def item_index(self) -> dict[str, tuple[Any, GroupItem | None]]:
        return {item.id: (item, group) for item, group in self.iter_items()}

    def find_item(self, item_id: str) -> Any | None:
        for item, _group in self.iter_items():
            if item.id == item_id:
                return item
        return None


class Template(TemplateContent):
    id: TemplateId
    version: int = Field(default=1, ge=1)


class _TemplateChecker:
    """Cross-field rules; collects every problem rather than stopping at the first."""

    def __init__(self, template: TemplateContent) -> None:
        self.template = template
        self.found: list[Problem] = []
        self.top: dict[str, Any] = {}
        self.nested: dict[str, GroupItem] = {}

    def add(self, loc: tuple[Any, ...], kind: str, message: str) -> None:
        self.found.append((loc, kind, message))

    def problems(self) -> list[Problem]:
        self._check_ids()
        if self.template.scoring is not None:
            self._check_scoring(self.template.scoring)
        return self.found

    def _check_ids(self) -> None:
        seen: set[str] = set()
        for i, item in enumerate(self.template.items):
            self._claim(item.id, ("items", i, "id"), seen)
            self.top.setdefault(item.id, item)
            if isinstance(item, GroupItem):
                for j, child in enumerate(item.items):
                    self._claim(child.id, ("items", i, "items", j, "id"), seen)
                    self.nested.setdefault(child.id, item)

    def _claim(self, item_id: str, loc: tuple[Any, ...], seen: set[str]) -> None:
        if item_id in seen:
            self.add(loc, "duplicate_id", f"item id '{item_id}' is used more than once")
        seen.add(item_id)

    # -- scoring

    def _scorable(self, item_id: str, loc: tuple[Any, ...]) -> Any | None:
        """The top-level scorable item named at `loc`, or None after reporting why not."""
        item = self.top.get(item_id)
        if item is None:
            if item_id in self.nested:
                group = self.nested[item_id].id
                self.add(loc, "not_top_level", f"'{item_id}' is inside group '{group}'; use an aggregate")
            else:
                self.add(loc, "unknown_item", f"no item has id '{item_id}'")
            return None
        if not item.is_scorable():
            self.add(loc, "not_numeric", f"item '{item_id}' ({item.type}) has no numeric score")
            return None
        return item

    def _check_scoring(self, scoring: Scoring) -> None:
        total_range = self._check_total(scoring)
        self._check_subscales(scoring)
        self._check_bands(scoring, total_range)
        if scoring.reliable_change is not None and not scoring.total_items:
            self.add(("scoring", "reliable_change"), "needs_total", "reliable_change needs total_items")
        self._check_risk(scoring)
        self._check_derived(scoring)

    def _check_total(self, scoring: Scoring) -> tuple[float, float] | None:
        low = high = 0.0
        bounded = True
        seen: set[str] = set()
        for k, item_id in enumerate(scoring.total_items):
            loc = ("scoring", "total_items", k)
            if item_id in seen:
                self.add(loc, "duplicate_id", f"'{item_id}' is listed twice")
                continue
            seen.add(item_id)
            item = self._scorable(item_id, loc)
            item_range = item.score_range() if item is not None else None
            if item_range is None:
                bounded = False
            else:
                low, high = low + item_range[0], high + item_range[1]

        subscale_items = {i for subscale in scoring.subscales for i in subscale.items}
        for k, item_id in enumerate(scoring.reverse_items):
            loc = ("scoring", "reverse_items", k)
            if item_id not in seen and item_id not in subscale_items:
                self.add(loc, "not_scored", f"'{item_id}' is reversed but not in the total or a subscale")
                continue
            item = self.top.get(item_id)
            if item is not None and item.score_range() is None:
                self.add(loc, "unbounded", f"'{item_id}' needs a min and max to be reversed")

        if scoring.missing == "no_score" and scoring.max_missing:
            self.add(("scoring", "max_missing"), "not_allowed", "max_missing applies only when missing is 'prorate'")
        if scoring.missing == "prorate" and not 0 < scoring.max_missing < len(scoring.total_items):
            self.add(
                ("scoring", "max_missing"),
                "range_invalid",
                "to prorate, max_missing must be at least 1 and less than the number of total_items",
            )
        return (low, high) if bounded and scoring.total_items else None

    def _check_subscales(self, scoring: Scoring) -> None:
        seen: set[str] = set()
        for k, subscale in enumerate(scoring.subscales):
            if subscale.id in seen:
                self.add(("scoring", "subscales", k, "id"), "duplicate_id", f"subscale id '{subscale.id}' is repeated")
            seen.add(subscale.id)
            members: set[str] = set()
            for m, item_id in enumerate(subscale.items):
                loc = ("scoring", "subscales", k, "items", m)
                if item_id in members:
                    self.add(loc, "duplicate_id", f"'{item_id}' is listed twice")
                members.add(item_id)
                self._scorable(item_id, loc)

    def _check_bands(self, scoring: Scoring, total_range: tuple[float, float] | None) -> None:
        bands = scoring.bands
        if not bands:
            return
        if not scoring.total_items:
            self.add(("scoring", "bands"), "needs_total", "bands need total_items")
            return
        labels: set[str] = set()
        for k, band in enumerate(bands):
            loc = ("scoring", "bands", k)
            if band.label in labels:
                self.add(loc + ("label",), "duplicate_label", f"band label '{band.label}' is repeated")
            labels.add(band.label)
            if band.min > band.max:
                self.add(loc + ("max",), "range_invalid", "band max is below its min")
            if k == 0:
                continue
            previous = bands[k - 1]
            if band.min <= previous.max:
                self.add(
                    loc + ("min",),
                    "bands_overlap",
                    f"band '{band.label}' starts at {_fmt(band.min)}, inside band "
                    f"'{previous.label}' ({_fmt(previous.min)}–{_fmt(previous.max)}); list bands in order without overlap",
                )
            elif band.min - previous.max > 1:
                self.add(
                    loc + ("min",),
                    "bands_gap",
                    f"gap between band '{previous.label}' (ends {_fmt(previous.max)}) "
                    f"and band '{band.label}' (starts {_fmt(band.min)})",
                )
        if total_range is not None:
            low, high = total_range
            if bands[0].min != low:
                self.add(
                    ("scoring", "bands", 0, "min"),
                    "bands_coverage",
                    f"the first band must start at the lowest possible total, {_fmt(low)}",
                )
            if bands[-1].max != high:
                self.add(
                    ("scoring", "bands", len(bands) - 1, "max"),
                    "bands_coverage",
                    f"the last band must end at the highest possible total, {_fmt(high)}",
                )

    def _check_risk(self, scoring: Scoring) -> None:
        for k, rule in enumerate(scoring.risk):
            item = self._scorable(rule.item, ("scoring", "risk", k, "item"))
            item_range = item.score_range() if item is not None else None
            if item_range is None:
                continue
            low, high = item_range
            if rule.threshold <= low:
                self.add(
                    ("scoring", "risk", k, "threshold"),
                    "threshold_invalid",
                    f"threshold must be above the lowest answer ({_fmt(low)}), or every answer raises a flag",
                )
            elif rule.threshold > high:
                self.add(
                    ("scoring", "risk", k, "threshold"),
                    "threshold_invalid",
                    f"threshold is above the highest answer ({_fmt(high)}), so it can never trigger",
                )

    def _check_derived(self, scoring: Scoring) -> None:
        taken = set(self.top) | set(self.nested) | {s.id for s in scoring.subscales}
        defined: set[str] = set()
        all_derived = {d.id for d in scoring.derived}
        for k, rule in enumerate(scoring.derived):
            loc = ("scoring", "derived", k)
            if rule.id in taken or rule.id in defined:
                self.add(loc + ("id",), "duplicate_id", f"derived id '{rule.id}' is already used")

            def operand(ref: str, field_loc: tuple[Any, ...]) -> None:
                if ref in defined:
                    return
                if ref in all_derived and ref not in taken:
                    self.add(field_loc, "order_invalid", f"'{ref}' must be defined before it is used")
                else:
                    self._scorable(ref, field_loc)

            if isinstance(rule, MinutesBetween):
                kinds = [self._clock_item(ref, loc + (name,)) for name, ref in (("start", rule.start), ("end", rule.end))]
                if None not in kinds and kinds[0] != kinds[1]:
                    self.add(loc + ("end",), "type_mismatch", "start and end must both be times or both datetimes")
            elif isinstance(rule, Subtract):
                operand(rule.value, loc + ("value",))
                for m, ref in enumerate(rule.minus):
                    operand(ref, loc + ("minus", m))
            elif isinstance(rule, Sum):
                for m, ref in enumerate(rule.operands):
                    operand(ref, loc + ("operands", m))
            elif isinstance(rule, RatioPercent):
                operand(rule.numerator, loc + ("numerator",))
                operand(rule.denominator, loc + ("denominator",))
            elif isinstance(rule, Aggregate):
                self._check_aggregate(rule, loc)
            defined.add(rule.id)

    def _clock_item(self, ref: str, loc: tuple[Any, ...]) -> str | None:
        item = self.top.get(ref)
        if item is None:
            self.add(loc, "unknown_item", f"no top-level item has id '{ref}'")
            return None
        if item.type not in ("time", "datetime"):
            self.add(loc, "type_mismatch", f"'{ref}' must be a time or datetime item")
            return None
        return item.type

    def _check_aggregate(self, rule: Aggregate, loc: tuple[Any, ...]) -> None:
        group = self.top.get(rule.group)
        if not isinstance(group, GroupItem):
            self.add(loc + ("group",), "unknown_group", f"no group has id '{rule.group}'")
            return
        if rule.item is None:
            if rule.function != "count":
                self.add(loc + ("item",), "missing", f"'{rule.function}' needs the item to aggregate")
            return
        child = next((c for c in group.items if c.id == rule.item), None)
        if child is None:
            self.add(loc + ("item",), "unknown_item", f"group '{group.id}' has no item '{rule.item}'")
        elif rule.function != "count" and not child.is_scorable():
            self.add(loc + ("item",), "not_numeric", f"item '{rule.item}' ({child.type}) has no numeric score")
