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
- Reverse items score as (lowest + highest − answer) of that item.
- Bands are inclusive ranges; a total between two bands (only possible with
  fractional scores) belongs to the lower band.
- Risk flags use the answer's own score (never reversed) and trigger at or
  above the threshold, whether or not other items are missing.
- Derived values are rounded half up to their `decimals`; a derived value
  whose inputs are missing has no value.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, TypedDict, Union

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.homework.answers import is_empty, parse_datetime, parse_time
from chalicelib.homework.templates import (
    Aggregate,
    GroupItem,
    MinutesBetween,
    RatioPercent,
    Scoring,
    Subtract,
    Sum,
    TemplateContent,
)

Number = Union[int, float]


class RiskFlag(BaseModel):
    model_config = ConfigDict(frozen=True)

    item: str
    value: Number
    label: str
    message: str


class ScoreResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    total: Number | None = None
    band: str | None = None
    subscales: dict[str, Number | None] = Field(default_factory=dict)
    derived: dict[str, Number | None] = Field(default_factory=dict)
    risk_flags: list[RiskFlag] = Field(default_factory=list)
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
    total, missing, prorated = _total(scoring, top, answers)
    return ScoreResult(
        total=total,
        band=band_for(scoring, total),
        subscales=_subscales(scoring, top, answers),
        derived=_derived(scoring, top, answers),
        risk_flags=_risk_flags(scoring, top, answers),
        missing_items=missing,
        prorated=prorated,
    )


def band_for(scoring: Scoring, total: Number | None) -> str | None:
    if total is None or not scoring.bands or total > scoring.bands[-1].max:
        return None
    label = None
    for band in scoring.bands:
        if band.min <= total:
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
    if is_empty(value) or not item.is_scorable():
        return None
    kind = item.type
    if kind in ("number", "scale"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return _tidy(value)
    if kind == "boolean":
        return int(value) if isinstance(value, bool) else None
    if kind == "single_choice":
        option = item.option(value) if isinstance(value, str) else None
        return option.score if option is not None else None
    if kind == "multi_choice":
        if not isinstance(value, list):
            return None
        chosen = set(v for v in value if isinstance(v, str))
        return _tidy(sum(option.score for option in item.options if option.value in chosen))
    return None


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
            result[subscale.id] = _round(sum(values) / len(values), 2)  # type: ignore[arg-type]
        else:
            result[subscale.id] = _tidy(sum(values))  # type: ignore[arg-type]
    return result


def _risk_flags(scoring: Scoring, top: dict[str, Any], answers: dict[str, Any]) -> list[RiskFlag]:
    flags = []
    for rule in scoring.risk:
        value = item_score(top[rule.item], answers.get(rule.item))
        if value is not None and value >= rule.threshold:
            flags.append(RiskFlag(item=rule.item, value=value, label=rule.label, message=rule.message))
    return flags


def _derived(scoring: Scoring, top: dict[str, Any], answers: dict[str, Any]) -> dict[str, Number | None]:
    results: dict[str, Number | None] = {}

    def operand(ref: str) -> Number | None:
        if ref in results:
            return results[ref]
        return item_score(top[ref], answers.get(ref))

    for rule in scoring.derived:
        value: float | None
        if isinstance(rule, MinutesBetween):
            value = _minutes_between(top[rule.start].type, answers.get(rule.start), answers.get(rule.end))
        elif isinstance(rule, Subtract):
            parts = [operand(rule.value)] + [operand(ref) for ref in rule.minus]
            value = None if None in parts else parts[0] - sum(parts[1:])  # type: ignore[operator,arg-type]
        elif isinstance(rule, Sum):
            parts = [operand(ref) for ref in rule.operands]
            value = None if None in parts else sum(parts)  # type: ignore[arg-type]
        elif isinstance(rule, RatioPercent):
            numerator, denominator = operand(rule.numerator), operand(rule.denominator)
            value = None if numerator is None or not denominator else 100 * numerator / denominator
        elif isinstance(rule, Aggregate):
            value = _aggregate(rule, top[rule.group], answers.get(rule.group))
        else:  # pragma: no cover - the union above is exhaustive
            value = None
        results[rule.id] = None if value is None else _round(value, rule.decimals)
    return results


def _minutes_between(kind: str, start: Any, end: Any) -> float | None:
    if kind == "time":
        first, second = parse_time(start), parse_time(end)
        if first is None or second is None:
            return None
        seconds = (_seconds(second) - _seconds(first)) % 86_400  # wraps past midnight
        return seconds / 60
    first_dt, second_dt = parse_datetime(start), parse_datetime(end)
    if first_dt is None or second_dt is None or _aware(first_dt) != _aware(second_dt):
        return None
    return (second_dt - first_dt).total_seconds() / 60


def _seconds(value: Any) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second


def _aware(value: datetime) -> bool:
    return value.tzinfo is not None


def _aggregate(rule: Aggregate, group: GroupItem, rows: Any) -> float | None:
    rows = [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []
    rows = rows[: group.max_rows]
    if rule.item is None:
        return len(rows)
    if rule.function == "count":
        return sum(1 for row in rows if not is_empty(row.get(rule.item)))
    column = next(child for child in group.items if child.id == rule.item)
    values = [v for v in (item_score(column, row.get(rule.item)) for row in rows) if v is not None]
    if rule.function == "sum":
        return sum(values)
    if not values:
        return None
    if rule.function == "mean":
        return sum(values) / len(values)
    return min(values) if rule.function == "min" else max(values)


def _as_total(value: Number | ScoreResult | None) -> Number | None:
    if isinstance(value, ScoreResult):
        return value.total
    return value


def _round(value: float, decimals: int) -> Number:
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return int(rounded) if decimals == 0 else _tidy(float(rounded))


def _tidy(value: float) -> Number:
    """Whole numbers as int so they read (and serialise) as 6, not 6.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
