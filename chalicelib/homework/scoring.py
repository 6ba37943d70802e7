"""Scores, bands, risk flags and derived values, computed from a template's
declarative `scoring` block. Nothing here evaluates text: each derived value is
one of a handful of fixed operations on item ids.

Rules worth knowing:
- Missing items. With `missing="no_score"` (the default, used by every library
  questionnaire) a total is only given when every total item is answered; a
  questionnaire submitted in full always has one, because its items are
  required. PHQ-9, GAD-7 and PCL-5 publish no prorating rule in their own
  scoring instructions, so none is applied. A custom template may choose
  `missing="prorate"`: with at most `max_missing` items missing the total is
  sum × items / answered, rounded half up to a whole number. Subscales are
  never prorated: any missing item leaves that subscale without a value.
- A subscale is its items' sum (or mean, to 2 decimals) times its `multiplier`
  (the DASS-21 doubles each scale to read on the DASS-42's published bands);
  a subscale with bands gets its band in `subscale_bands`, by the same rule as
  the total's.
- Reverse items score as (lowest + highest − answer) of that item.
- Bands are inclusive ranges; a total between two bands (only possible with
  fractional scores) belongs to the lower band.
- Risk flags use the answer's own score (never reversed) and trigger at or
  above the threshold, whether or not other items are missing.
- Derived values are rounded half up to their `decimals`; a derived value
  whose inputs are missing has no value.
- An item hidden by its conditions (`enable_when`) counts as unanswered: it
  raises no flag and feeds no derived value (the template check keeps such
  items out of totals and subscales).
- A cluster rule counts, per cluster (a subscale), the items whose scored value
  (reversed where listed) is at or above its `item_threshold`; it is met when
  every cluster reaches its `at_least` (any one, with `combine: "any"`). With
  items missing it is met only if the answered items already meet it, and
  unknown (None) when the missing ones could still decide it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.homework.enable_when import disabled_items
from chalicelib.homework.items.base import ItemType, is_empty, score_of, tidy
from chalicelib.homework.templates import Band, ClusterRule, Scoring, TemplateContent

Number = int | float
_tidy = tidy  # whole numbers as int, so they read (and serialise) as 6, not 6.0


class RiskFlag(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first use: keeps `import app` cheap

    item: str
    value: Number
    label: str
    message: str
    answer: str = ""  # the answer as the client saw it (e.g. "Several days"): what the clinician reads


class ClusterRuleResult(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    label: str
    met: bool | None = Field(description="None when unanswered items could still decide it.")
    counts: dict[str, int] = Field(description="Per cluster (subscale id), the answered items at or above the threshold.")


class ScoreResult(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    total: Number | None = None
    band: str | None = None
    subscales: dict[str, Number | None] = Field(default_factory=dict)
    subscale_bands: dict[str, str | None] = Field(
        default_factory=dict, description="The band of each subscale that has bands (None when it has no value).")
    derived: dict[str, Number | None] = Field(default_factory=dict)
    risk_flags: list[RiskFlag] = Field(default_factory=list)
    cluster_rules: dict[str, ClusterRuleResult] = Field(
        default_factory=dict, description="Each cluster rule by id, e.g. the PCL-5's provisional_diagnosis.")
    missing_items: list[str] = Field(default_factory=list, description="Scored items left unanswered.")
    prorated: bool = False


class ReliableChange(TypedDict):
    change: Number
    reliable: bool
    direction: Literal["improved", "worsened", "no_change"]


def score(template: TemplateContent, answers: dict[str, Any]) -> ScoreResult:
    """Score answers that passed `validate_answers`; odd values count as missing."""
    scoring = template.scoring
    if scoring is None:
        return ScoreResult()
    top = {item.id: item for item in template.items}
    hidden = disabled_items(template.items, answers, is_empty)
    if hidden:
        answers = {key: value for key, value in answers.items() if key not in hidden}
    total, missing, prorated = _total(scoring, top, answers)
    subscales = _subscales(scoring, top, answers)
    return ScoreResult(
        total=total,
        band=band_for(scoring, total),
        subscales=subscales,
        subscale_bands={s.id: _band_in(s.bands, subscales[s.id]) for s in scoring.subscales if s.bands},
        derived=_derived(scoring, top, answers),
        risk_flags=_risk_flags(scoring, top, answers),
        cluster_rules={rule.id: _cluster_rule(scoring, rule, top, answers) for rule in scoring.cluster_rules},
        missing_items=missing,
        prorated=prorated,
    )


def band_for(scoring: Scoring, total: Number | None) -> str | None:
    return _band_in(scoring.bands, total)


def _band_in(bands: list[Band], value: Number | None) -> str | None:
    if value is None or not bands or value > bands[-1].max:
        return None
    label = None
    for band in bands:
        if band.min <= value:
            label = band.label
    return label


def reliable_change(
    template: TemplateContent,
    first: Number | ScoreResult | None,
    latest: Number | ScoreResult | None,
) -> ReliableChange | None:
    """Change from `first` to `latest` total against the template's threshold.

    `direction` follows the sign of the change (lower is better unless the
    template says `higher_is_better`); `reliable` says whether the size of the
    change reaches the reliable-change threshold. None when the template has no
    threshold or either total is unknown.
    """
    scoring = template.scoring
    if scoring is None or scoring.reliable_change is None:
        return None
    before, after = _as_total(first), _as_total(latest)
    if before is None or after is None:
        return None
    change = _tidy(after - before)
    if change == 0:
        direction: Literal["improved", "worsened", "no_change"] = "no_change"
    elif (change > 0) == scoring.higher_is_better:
        direction = "improved"
    else:
        direction = "worsened"
    return {"change": change, "reliable": abs(change) >= scoring.reliable_change, "direction": direction}


# --------------------------------------------------------------------------- internals


def item_score(item: Any, value: Any) -> Number | None:
    """The number an answer contributes to scoring, or None if it has none."""
    return score_of(item, value)


def _scored(scoring: Scoring, item: Any, value: Any) -> Number | None:
    raw = item_score(item, value)
    if raw is None or item.id not in scoring.reverse_items:
        return raw
    low, high = item.score_range()
    return _tidy(low + high - raw)


def _total(scoring: Scoring, top: dict[str, Any], answers: dict[str, Any]) -> tuple[Number | None, list[str], bool]:
    if not scoring.total_items:
        return None, [], False
    scores = {item_id: _scored(scoring, top[item_id], answers.get(item_id)) for item_id in scoring.total_items}
    missing = [item_id for item_id, value in scores.items() if value is None]
    answered = [value for value in scores.values() if value is not None]
    if not missing:
        return _tidy(sum(answered)), [], False
    if scoring.missing == "prorate" and len(missing) <= scoring.max_missing and answered:
        prorated = sum(answered) * len(scores) / len(answered)
        return _round(prorated, 0), missing, True
    return None, missing, False


def _subscales(scoring: Scoring, top: dict[str, Any], answers: dict[str, Any]) -> dict[str, Number | None]:
    result: dict[str, Number | None] = {}
    for subscale in scoring.subscales:
        values = [_scored(scoring, top[item_id], answers.get(item_id)) for item_id in subscale.items]
        if any(value is None for value in values):
            result[subscale.id] = None
        elif subscale.method == "mean":
            mean = sum(values) / len(values)  # type: ignore[arg-type]
            result[subscale.id] = _round(mean * subscale.multiplier, 2)
        else:
            result[subscale.id] = _tidy(sum(values) * subscale.multiplier)  # type: ignore[arg-type]
    return result


def _risk_flags(scoring: Scoring, top: dict[str, Any], answers: dict[str, Any]) -> list[RiskFlag]:
    flags = []
    for rule in scoring.risk:
        value = item_score(top[rule.item], answers.get(rule.item))
        if value is not None and value >= rule.threshold:
            flags.append(RiskFlag(item=rule.item, value=value, label=rule.label, message=rule.message,
                                  answer=top[rule.item].readable(answers.get(rule.item))))
    return flags


def _cluster_rule(scoring: Scoring, rule: ClusterRule, top: dict[str, Any],
                  answers: dict[str, Any]) -> ClusterRuleResult:
    members = {s.id: s.items for s in scoring.subscales}
    counts: dict[str, int] = {}
    reached: list[bool] = []
    undecided: list[bool] = []  # could the missing items still reach the count?
    for cluster in rule.clusters:
        scores = [_scored(scoring, top[item_id], answers.get(item_id)) for item_id in members[cluster.subscale]]
        count = sum(1 for value in scores if value is not None and value >= rule.item_threshold)
        missing = sum(1 for value in scores if value is None)
        counts[cluster.subscale] = count
        reached.append(count >= cluster.at_least)
        undecided.append(count < cluster.at_least <= count + missing)
    combine = any if rule.combine == "any" else all
    if combine(reached):
        met: bool | None = True
    else:
        met = None if combine(r or u for r, u in zip(reached, undecided, strict=True)) else False
    return ClusterRuleResult(label=rule.label, met=met, counts=counts)


class _Inputs:
    """What derived kinds read (see `derived.DerivedInputs`): answers, and values so far."""

    def __init__(self, top: dict[str, ItemType], answers: dict[str, Any]) -> None:
        self.top = top
        self.answers = answers
        self.results: dict[str, Number | None] = {}

    def item(self, ref: str) -> ItemType:
        return self.top[ref]

    def answer(self, ref: str) -> Any:
        return self.answers.get(ref)

    def operand(self, ref: str) -> Number | None:
        if ref in self.results:
            return self.results[ref]
        return item_score(self.top[ref], self.answers.get(ref))


def _derived(scoring: Scoring, top: dict[str, Any], answers: dict[str, Any]) -> dict[str, Number | None]:
    inputs = _Inputs(top, answers)
    for rule in scoring.derived:
        value = rule.compute(inputs)
        inputs.results[rule.id] = None if value is None else _round(value, rule.decimals)
    return inputs.results


def _as_total(value: Number | ScoreResult | None) -> Number | None:
    if isinstance(value, ScoreResult):
        return value.total
    return value


def _round(value: float, decimals: int) -> Number:
    quantum = Decimal(1).scaleb(-decimals)
    with localcontext() as context:  # a ratio of bounded answers can pass 28 digits; a double always fits 400
        context.prec = 400
        rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return int(rounded) if decimals == 0 else _tidy(float(rounded))

