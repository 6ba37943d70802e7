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

from typing import Annotated, Any, Literal
from collections.abc import Iterator

from pydantic import ConfigDict, Field, model_validator

from chalicelib.homework.derived import (  # noqa: F401 - the names scoring rules use
    Aggregate,
    Derived,
    DerivedRule,
    MinutesBetween,
    RatioPercent,
    Subtract,
    Sum,
)
from chalicelib.homework.items import (  # noqa: F401 - the item types, by name, for callers
    ITEM_TYPES,
    BooleanItem,
    DateItem,
    DateTimeItem,
    FieldItem,
    GroupItem,
    Item,
    ItemType,
    LongTextItem,
    MultiChoiceItem,
    NumberItem,
    ScaleItem,
    SingleChoiceItem,
    TextItem,
    TimeItem,
)
from chalicelib.homework.items._choice import Option  # noqa: F401
from chalicelib.homework.items.base import (  # noqa: F401 - shared field types, re-exported
    MAX_GROUP_ITEMS,
    MAX_LONG_TEXT_LENGTH,
    MAX_OPTIONS,
    MAX_ROWS_LIMIT,
    MAX_TEXT_LENGTH,
    Codes,
    Coding,
    HelpText,
    ItemId,
    Label,
    Number,
    OptionValue,
    Problem,
    ShortLabel,
    Unit,
    raise_problems,
)
from chalicelib.homework.items.base import Model as _Model
from chalicelib.homework.items.base import fmt as _fmt
from chalicelib.homework.items.scale import Anchor  # noqa: F401

# Hard limit: it bounds the work done on every request that carries a template.
MAX_ITEMS = 100

TemplateId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
        description="Library slug (e.g. 'phq-9') or an opaque id.",
    ),
]

Title = Annotated[str, Field(min_length=1, max_length=200)]

Kind = Literal["questionnaire", "worksheet", "diary", "log", "plan", "exercise"]


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
    multiplier: Number = Field(default=1, gt=0, le=100, description=(
        "The sum or mean times this (e.g. 2 for the DASS-21, whose published bands are for the DASS-42)."))
    bands: list[Band] = Field(default_factory=list, max_length=20,
                              description="Inclusive ranges of this subscale's value with labels, as for the total.")
    codes: Codes = Field(default_factory=list)


class ClusterCount(_Model):
    subscale: ItemId = Field(description="A subscale whose items are counted.")
    at_least: int = Field(ge=1, le=MAX_ITEMS, description="How many of its items must reach the threshold.")


class ClusterRule(_Model):
    """Counts, per cluster (a subscale), the items scored at or above `item_threshold`, and is
    met when every cluster has at least its count (or any one, with `combine: any`), e.g. the
    PCL-5's provisional diagnosis: an item counts at 2 or more; 1 B, 1 C, 2 D and 2 E."""

    id: ItemId
    label: ShortLabel
    item_threshold: Number = Field(description="An item counts when its score is at or above this.")
    clusters: list[ClusterCount] = Field(min_length=1, max_length=20)
    combine: Literal["all", "any"] = "all"


class RiskRule(_Model):
    """Flags an answer whose score is at or above `threshold`."""

    item: ItemId
    threshold: Number
    label: ShortLabel = Field(description="Short description for the clinician's alert.")
    message: Annotated[str, Field(min_length=1, max_length=2_000)] = Field(
        description="Shown to the client: what to do now, with crisis resources."
    )


class Source(_Model):
    """A published source for one scoring field (`for`), so every number can be checked."""

    # "for" on the wire and in storage (a Python keyword, so `for_` in code)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, validate_by_name=True,
                              validate_by_alias=True, serialize_by_alias=True)

    for_: Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")] = Field(
        alias="for", description="The scoring field this source supports, e.g. reliable_change, clinical_cutoff, bands.")
    citation: Annotated[str, Field(min_length=1, max_length=500)]
    url: Annotated[str, Field(pattern=r"^https://\S+$", max_length=500)] | None = None
    note: Annotated[str, Field(max_length=500)] | None = Field(
        default=None, description="Which value of the source was taken and why (e.g. one of two samples).")


class Scoring(_Model):
    total_items: list[ItemId] = Field(default_factory=list, max_length=MAX_ITEMS)
    total_codes: Codes = Field(default_factory=list, description="Published codes for the total (e.g. LOINC).")
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
    cluster_rules: list[ClusterRule] = Field(default_factory=list, max_length=10, description=(
        "Rules on how many items per cluster reach a threshold (e.g. a provisional diagnosis)."))
    derived: list[Derived] = Field(default_factory=list, max_length=50)
    reliable_change: Number | None = Field(
        default=None, gt=0, description="Smallest change in total counted as reliable."
    )
    higher_is_better: bool = False
    clinical_cutoff: Number | None = Field(
        default=None,
        description="Caseness: a total at or above this is a clinical case (at or below it when higher_is_better).")
    change_rules: Literal["nhs_talking_therapies"] | None = Field(
        default=None,
        description="How each new total is classified against the first and the previous one: "
                    "'nhs_talking_therapies' = reliable improvement, recovery, reliable recovery, no reliable "
                    "change and reliable deterioration as the NHS Talking Therapies (formerly IAPT) manual "
                    "defines them (see chalicelib/homework/measure_outcomes.py). Needs reliable_change.")
    recall_period_days: int | None = Field(
        default=None, ge=1, le=366,
        description="The period the questions ask about, in days (PHQ-9's 'over the last 2 weeks' = 14): the "
                    "measure may not be scheduled more often than this without a recorded reason.")
    sources: list[Source] = Field(default_factory=list, max_length=20,
                                  description="Where each published number or rule comes from.")


# --------------------------------------------------------------------------- translations

# The languages a template can be translated into (English is the template's own text).
TranslationLanguage = Literal["es"]


class ItemTranslation(_Model):
    """One item's words in another language. Option values and scores never change: only
    the labels shown for them (so answers and scores are the same in every language)."""

    label: Label | None = None
    help: HelpText | None = None
    options: dict[OptionValue, ShortLabel] = Field(default_factory=dict, max_length=MAX_OPTIONS,
                                                   description="Option value -> its label in this language.")
    anchors: dict[Annotated[str, Field(pattern=r"^-?[0-9]{1,4}$")], Annotated[str, Field(min_length=1, max_length=100)]] = \
        Field(default_factory=dict, max_length=21, description="Scale anchor value -> its label in this language.")
    unit: Unit | None = None


class ScoringTranslation(_Model):
    risk: dict[ItemId, Annotated[str, Field(min_length=1, max_length=2_000)]] = Field(
        default_factory=dict, max_length=50, description="Item id of a risk rule -> the message shown to the client.")
    bands: dict[Annotated[str, Field(min_length=1, max_length=100)], Annotated[str, Field(min_length=1, max_length=100)]] = \
        Field(default_factory=dict, max_length=40, description="Band label (total or subscale) -> its label here.")


class Translation(_Model):
    """A template's words in one language; anything left out is shown in English."""

    title: Title | None = None
    description: Annotated[str, Field(max_length=2_000)] | None = None
    instructions: Annotated[str, Field(max_length=5_000)] | None = None
    items: dict[ItemId, ItemTranslation] = Field(default_factory=dict, max_length=MAX_ITEMS * 2)
    scoring: ScoringTranslation | None = None
    source: Annotated[str, Field(max_length=1_000)] | None = Field(
        default=None, description="Where this translation comes from (e.g. the publisher's official version).")


# --------------------------------------------------------------------------- template


class TemplateContent(_Model):
    """Everything a clinician writes; the store adds id and version."""

    title: Title
    kind: Kind
    description: Annotated[str, Field(max_length=2_000)] = ""
    instructions: Annotated[str, Field(max_length=5_000)] = ""
    licence: Annotated[str, Field(max_length=2_000)] | None = None
    codes: Codes = Field(default_factory=list)
    items: list[Item] = Field(min_length=1, max_length=MAX_ITEMS)
    scoring: Scoring | None = None
    translations: dict[TranslationLanguage, Translation] = Field(
        default_factory=dict, description="The template's words in other languages, e.g. {\"es\": {...}}; "
                                          "every key must name an item, option, anchor, risk rule or band that exists.")

    @model_validator(mode="after")
    def _check_template(self) -> TemplateContent:
        raise_problems(type(self).__name__, _TemplateChecker(self).problems(), self.title)
        return self

    def iter_items(self) -> Iterator[tuple[Any, Any | None]]:
        """Every item with its enclosing group (None at top level)."""
        for item in self.items:
            yield item, None
            for child in item.children():
                yield child, item

    def item_index(self) -> dict[str, tuple[Any, Any | None]]:
        return {item.id: (item, group) for item, group in self.iter_items()}

    def find_item(self, item_id: str) -> Any | None:
        for item, _group in self.iter_items():
            if item.id == item_id:
                return item
        return None


class Template(TemplateContent):
    id: TemplateId
    version: int = Field(default=1, ge=1)


def _subscale_range(subscale: Subscale, ranges: list[tuple[float, float] | None]) -> tuple[float, float] | None:
    """Lowest and highest value a subscale can take (None when an item is unbounded or invalid)."""
    bounded = [r for r in ranges if r is not None]
    if not ranges or len(bounded) < len(ranges):
        return None
    low: float = sum(r[0] for r in bounded)
    high: float = sum(r[1] for r in bounded)
    if subscale.method == "mean":
        low, high = low / len(bounded), high / len(bounded)
    return low * subscale.multiplier, high * subscale.multiplier


class _TemplateChecker:
    """Cross-field rules; collects every problem rather than stopping at the first."""

    def __init__(self, template: TemplateContent) -> None:
        self.template = template
        self.found: list[Problem] = []
        self.top: dict[str, Any] = {}
        self.nested: dict[str, Any] = {}  # item id -> the group it sits in
        self.defined: set[str] = set()  # derived ids defined so far
        self.all_derived: set[str] = set()
        self.taken: set[str] = set()

    def add(self, loc: tuple[Any, ...], kind: str, message: str) -> None:
        self.found.append((loc, kind, message))

    def problems(self) -> list[Problem]:
        self._check_ids()
        self._check_conditions()
        if self.template.scoring is not None:
            self._check_scoring(self.template.scoring)
        for language, translation in self.template.translations.items():
            self._check_translation(translation, ("translations", language))
        return self.found

    # -- translations: every key names something that exists

    def _check_translation(self, translation: Translation, where: tuple[Any, ...]) -> None:
        index = self.template.item_index()
        for item_id, words in translation.items.items():
            loc = where + ("items", item_id)
            found = index.get(item_id)
            if found is None:
                self.add(loc, "unknown_item", f"no item has id '{item_id}'")
                continue
            item = found[0]
            values = {o.value for o in getattr(item, "options", None) or []}
            for value in words.options:
                if value not in values:
                    self.add(loc + ("options", value), "unknown_option", f"'{item_id}' has no option '{value}'")
            anchors = {str(a.value) for a in getattr(item, "anchors", None) or []}
            for value in words.anchors:
                if value not in anchors:
                    self.add(loc + ("anchors", value), "unknown_anchor", f"'{item_id}' has no anchor at {value}")
            if words.unit is not None and getattr(item, "unit", None) is None:
                self.add(loc + ("unit",), "unknown_unit", f"'{item_id}' has no unit to translate")
        scoring = self.template.scoring
        if translation.scoring is None:
            return
        risk_items = {rule.item for rule in scoring.risk} if scoring else set()
        for item_id in translation.scoring.risk:
            if item_id not in risk_items:
                self.add(where + ("scoring", "risk", item_id), "unknown_risk", f"no risk rule is on '{item_id}'")
        labels = {band.label for band in scoring.bands} | {
            band.label for sub in scoring.subscales for band in sub.bands} if scoring else set()
        for label in translation.scoring.bands:
            if label not in labels:
                self.add(where + ("scoring", "bands", label), "unknown_band", f"no band is labelled '{label}'")

    def _check_ids(self) -> None:
        seen: set[str] = set()
        for i, item in enumerate(self.template.items):
            self._claim(item.id, ("items", i, "id"), seen)
            self.top.setdefault(item.id, item)
            for j, child in enumerate(item.children()):
                self._claim(child.id, ("items", i, "items", j, "id"), seen)
                self.nested.setdefault(child.id, item)

    def _claim(self, item_id: str, loc: tuple[Any, ...], seen: set[str]) -> None:
        if item_id in seen:
            self.add(loc, "duplicate_id", f"item id '{item_id}' is used more than once")
        seen.add(item_id)

    # -- enable_when (see chalicelib/homework/enable_when.py)

    def _check_conditions(self) -> None:
        for i, item in enumerate(self.template.items):
            for j, child in enumerate(item.children()):
                if child.enable_when:
                    self.add(("items", i, "items", j, "enable_when"), "not_top_level",
                             "only a top-level item can have conditions")
            earlier = {other.id: other for other in self.template.items[:i]}
            for k, condition in enumerate(item.enable_when):
                self._check_condition(condition, earlier, ("items", i, "enable_when", k))

    def _check_condition(self, condition: Any, earlier: dict[str, Any], loc: tuple[Any, ...]) -> None:
        question = earlier.get(condition.question)
        if question is None:
            where = "a later or the same item" if condition.question in self.top else (
                "inside a group" if condition.question in self.nested else "no item")
            self.add(loc + ("question",), "unknown_question",
                     f"'{condition.question}' is {where}: a condition must name an earlier top-level question")
            return
        if question.container:
            self.add(loc + ("question",), "type_mismatch", f"'{question.id}' holds rows, not one answer")
            return
        operators = question.condition_operators()
        if condition.operator not in operators:
            self.add(loc + ("operator",), "operator_invalid",
                     f"'{condition.operator}' does not fit '{question.id}' ({question.type}); use one of "
                     + ", ".join(operators))
        elif condition.operator == "exists":
            if not isinstance(condition.answer, bool):
                self.add(loc + ("answer",), "answer_invalid", "'exists' takes true or false")
        else:
            problem = question.condition_problem(condition.answer)
            if problem is not None:
                self.add(loc + ("answer",), "answer_invalid", f"not an answer '{question.id}' accepts: {problem}")

    def _unconditional(self, item: Any, loc: tuple[Any, ...]) -> None:
        # A total or subscale over a question some clients never see would mean different things.
        if item is not None and item.enable_when:
            self.add(loc, "conditional_item", f"'{item.id}' is shown only on a condition, so it cannot be scored here")

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
        self._check_outcomes(scoring, total_range)
        self._check_risk(scoring)
        self._check_cluster_rules(scoring)
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
            self._unconditional(item, loc)
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
            ranges: list[tuple[float, float] | None] = []
            for m, item_id in enumerate(subscale.items):
                loc = ("scoring", "subscales", k, "items", m)
                if item_id in members:
                    self.add(loc, "duplicate_id", f"'{item_id}' is listed twice")
                members.add(item_id)
                item = self._scorable(item_id, loc)
                self._unconditional(item, loc)
                ranges.append(item.score_range() if item is not None else None)
            if subscale.bands:
                self._check_band_list(subscale.bands, ("scoring", "subscales", k, "bands"),
                                      _subscale_range(subscale, ranges), "value")

    def _check_bands(self, scoring: Scoring, total_range: tuple[float, float] | None) -> None:
        if not scoring.bands:
            return
        if not scoring.total_items:
            self.add(("scoring", "bands"), "needs_total", "bands need total_items")
            return
        self._check_band_list(scoring.bands, ("scoring", "bands"), total_range, "total")

    def _check_band_list(self, bands: list[Band], where: tuple[Any, ...],
                         value_range: tuple[float, float] | None, what: str) -> None:
        """Bands of a total or a subscale: in order, no overlap or gap, covering every possible value."""
        labels: set[str] = set()
        for k, band in enumerate(bands):
            loc = where + (k,)
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
        if value_range is not None:
            low, high = value_range
            if bands[0].min != low:
                self.add(
                    where + (0, "min"),
                    "bands_coverage",
                    f"the first band must start at the lowest possible {what}, {_fmt(low)}",
                )
            if bands[-1].max != high:
                self.add(
                    where + (len(bands) - 1, "max"),
                    "bands_coverage",
                    f"the last band must end at the highest possible {what}, {_fmt(high)}",
                )

    def _check_outcomes(self, scoring: Scoring, total_range: tuple[float, float] | None) -> None:
        cutoff = scoring.clinical_cutoff
        if cutoff is not None:
            if not scoring.total_items:
                self.add(("scoring", "clinical_cutoff"), "needs_total", "clinical_cutoff needs total_items")
            elif total_range is not None and not total_range[0] < cutoff <= total_range[1]:
                self.add(("scoring", "clinical_cutoff"), "range_invalid",
                         f"clinical_cutoff must be above the lowest total ({_fmt(total_range[0])}) and at most "
                         f"the highest ({_fmt(total_range[1])})")
        if scoring.change_rules is not None and scoring.reliable_change is None:
            self.add(("scoring", "change_rules"), "needs_reliable_change", "change_rules need a reliable_change")
        for k, source in enumerate(scoring.sources):
            if source.for_ == "sources" or source.for_ not in Scoring.model_fields:
                self.add(("scoring", "sources", k, "for"), "unknown_field", f"scoring has no field '{source.for_}'")
            elif getattr(scoring, source.for_) in (None, [], 0):
                self.add(("scoring", "sources", k, "for"), "nothing_to_cite",
                         f"this source is for '{source.for_}', which this scoring does not set")

    def _check_cluster_rules(self, scoring: Scoring) -> None:
        subscales = {s.id: s for s in scoring.subscales}
        seen: set[str] = set()
        for k, rule in enumerate(scoring.cluster_rules):
            loc = ("scoring", "cluster_rules", k)
            if rule.id in seen or rule.id in subscales:
                self.add(loc + ("id",), "duplicate_id", f"'{rule.id}' is already used")
            seen.add(rule.id)
            ranges: list[tuple[float, float]] = []
            for m, cluster in enumerate(rule.clusters):
                subscale = subscales.get(cluster.subscale)
                if subscale is None:
                    self.add(loc + ("clusters", m, "subscale"), "unknown_subscale",
                             f"no subscale has id '{cluster.subscale}'")
                    continue
                if cluster.at_least > len(subscale.items):
                    self.add(loc + ("clusters", m, "at_least"), "range_invalid",
                             f"'{subscale.id}' has only {len(subscale.items)} items")
                for item_id in subscale.items:
                    item = self.top.get(item_id)
                    item_range = item.score_range() if item is not None else None
                    if item_range is not None:
                        ranges.append(item_range)
            if ranges and not all(low < rule.item_threshold <= high for low, high in ranges):
                self.add(loc + ("item_threshold",), "threshold_invalid",
                         "item_threshold must be above every counted item's lowest score and at most its highest")

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
        self.taken = set(self.top) | set(self.nested) | {s.id for s in scoring.subscales}
        self.all_derived = {d.id for d in scoring.derived}
        for k, rule in enumerate(scoring.derived):
            loc = ("scoring", "derived", k)
            if rule.id in self.taken or rule.id in self.defined:
                self.add(loc + ("id",), "duplicate_id", f"derived id '{rule.id}' is already used")
            rule.check(self, loc)
            self.defined.add(rule.id)

    # -- what derived kinds ask of the template (see derived.DerivedChecks)

    def operand(self, ref: str, loc: tuple[Any, ...]) -> None:
        if ref in self.defined:
            return
        if ref in self.all_derived and ref not in self.taken:
            self.add(loc, "order_invalid", f"'{ref}' must be defined before it is used")
        else:
            self._scorable(ref, loc)

    def clock_item(self, ref: str, loc: tuple[Any, ...]) -> str | None:
        item = self.top.get(ref)
        if item is None:
            self.add(loc, "unknown_item", f"no top-level item has id '{ref}'")
            return None
        if item.clock is None:
            self.add(loc, "type_mismatch", f"'{ref}' must be a time or datetime item")
            return None
        return item.clock
