"""Series for the progress page beyond the totals: each measure's subscales (PCL-5 clusters,
DASS-21 scales with their bands) and the trends of what worksheets record over time.

Plain functions over submissions already read (their stored answers and scores) and the
template each was answered on, so progress makes no extra request for them. Dates are the
client's own: an entry's date is the worksheet's first answered date question (the night
a sleep diary is about, the day of an exposure practice), otherwise the day it was sent in the
client's time zone; weeks start on Monday.

Worksheet trends are found from what a template records, not from its id, so a clinician's
copy of a library worksheet trends the same way:
- every percentage derived value (ratio_percent: sleep efficiency, activities completed) is
  pooled per week by its own rule (`derived.RatioPercent.pool`);
- a worksheet's 0–N ratings asked once per entry (scale questions sharing one range: distress
  before, at its peak and after an exposure practice) are a series per entry.
Questionnaires are left out of the second: their items are a measure's parts, not a trend.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.homework.derived import RatioPercent
from chalicelib.homework.items.base import Score, score_of, tidy
from chalicelib.homework.scoring import Number, _round
from chalicelib.homework.templates import Template, _subscale_range
from chalicelib.timezones import load_zone


@dataclass(frozen=True)
class Entry:
    """One submission as the series need it."""

    template: Template
    submission_id: str
    submitted_at: str  # ISO 8601 UTC
    answers: dict[str, Any]
    score: dict[str, Any]


def local_date(entry: Entry, timezone_name: str) -> date:
    """The day an entry is about (its first answered date question), else the day it was sent, locally."""
    for item in entry.template.items:
        day = item.calendar_day(entry.answers.get(item.id))
        if day is not None:
            return day
    sent = datetime.fromisoformat(entry.submitted_at.replace("Z", "+00:00"))
    return sent.astimezone(load_zone(timezone_name)).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def subscale_series(entries: list[Entry], timezone_name: str) -> list[dict[str, Any]]:
    """Per measure with subscales: their definitions (label, range, bands) and one point per
    submission, oldest first. `entries` may mix templates; the latest version names a measure."""
    by_template: dict[str, list[Entry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.submitted_at):
        if entry.template.scoring and entry.template.scoring.subscales:
            by_template[entry.template.id].append(entry)
    result = []
    for template_id, group in by_template.items():
        template = max((e.template for e in group), key=lambda t: t.version)
        scoring = template.scoring
        assert scoring is not None  # filtered above
        top = {item.id: item for item in template.items}
        definitions = []
        for subscale in scoring.subscales:
            ranges = [top[i].score_range() if i in top else None for i in subscale.items]
            bounds = _subscale_range(subscale, ranges)
            definitions.append({
                "id": subscale.id, "label": subscale.label,
                "min": _tidy(bounds[0]) if bounds else None, "max": _tidy(bounds[1]) if bounds else None,
                "bands": [b.model_dump(mode="json") for b in subscale.bands]})
        points = [{
            "submission_id": e.submission_id, "submitted_at": e.submitted_at,
            "date": local_date(e, timezone_name).isoformat(),
            "values": {s["id"]: (e.score.get("subscales") or {}).get(s["id"]) for s in definitions},
            "bands": {s["id"]: (e.score.get("subscale_bands") or {}).get(s["id"]) for s in definitions
                      if s["bands"]},
        } for e in group]
        result.append({"template_id": template_id, "title": template.title, "subscales": definitions,
                       "points": points})
    return result


def worksheet_trends(entries: list[Entry], timezone_name: str) -> list[dict[str, Any]]:
    """Named series of worksheet values: `{id, template_id, title, label, unit, per ("week" or
    "entry"), lines: [{id, label}], min, max, points: [{date, values: {line: value}, count}]}`."""
    by_template: dict[str, list[Entry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.submitted_at):
        by_template[entry.template.id].append(entry)
    result: list[dict[str, Any]] = []
    for template_id, group in by_template.items():
        template = max((e.template for e in group), key=lambda t: t.version)
        dated = sorted(((local_date(e, timezone_name), e) for e in group), key=lambda pair: pair[0])
        result.extend(_weekly_ratios(template_id, template, dated))
        if template.kind != "questionnaire":
            result.extend(_ratings_per_entry(template_id, template, dated))
    return result


def _weekly_ratios(template_id: str, template: Template, dated: list[tuple[date, Entry]]) -> list[dict[str, Any]]:
    if not template.scoring:
        return []
    top = {item.id: item for item in template.items}
    weeks: dict[date, list[dict[str, Score | None]]] = defaultdict(list)
    for day, entry in dated:
        weeks[week_start(day)].append(_operands(top, entry))
    series = []
    for rule in template.scoring.derived:
        if not isinstance(rule, RatioPercent):
            continue
        points: list[dict[str, Any]] = []
        for start, values in weeks.items():
            counted = [v for v in values if v.get(rule.numerator) is not None and v.get(rule.denominator) is not None]
            pooled = rule.pool(values)
            if pooled is not None:
                points.append({"date": start.isoformat(), "values": {rule.id: _round(pooled, rule.decimals)},
                               "count": len(counted)})
        if points:
            highest = max(p["values"][rule.id] for p in points)
            series.append({
                "id": f"{template_id}.{rule.id}.week", "template_id": template_id, "title": template.title,
                "label": f"{rule.label} by week", "unit": rule.unit, "per": "week",
                "lines": [{"id": rule.id, "label": rule.label}],
                "min": 0, "max": max(100, highest), "points": points})
    return series


def _operands(top: dict[str, Any], entry: Entry) -> dict[str, Score | None]:
    """An entry's derived values as stored, and the score of each top-level answer."""
    values: dict[str, Score | None] = {ref: score_of(item, entry.answers.get(ref)) for ref, item in top.items()
                                       if item.is_scorable()}
    values.update((entry.score or {}).get("derived") or {})
    return values


def _ratings_per_entry(template_id: str, template: Template,
                       dated: list[tuple[date, Entry]]) -> list[dict[str, Any]]:
    by_range: dict[tuple[float, float], list[Any]] = defaultdict(list)
    for item in template.items:
        bounds = item.score_range() if item.rating else None
        if bounds is not None:
            by_range[bounds].append(item)
    series = []
    for (low, high), items in by_range.items():
        points: list[dict[str, Any]] = []
        for day, entry in dated:
            values = {item.id: score_of(item, entry.answers.get(item.id)) for item in items}
            if any(v is not None for v in values.values()):
                points.append({"date": day.isoformat(), "values": values, "count": 1,
                               "submission_id": entry.submission_id})
        if points:
            series.append({
                "id": f"{template_id}.ratings.{_tidy(low)}-{_tidy(high)}", "template_id": template_id,
                "title": template.title, "label": f"Ratings ({_tidy(low)}–{_tidy(high)}) per entry",
                "unit": None, "per": "entry", "lines": [{"id": item.id, "label": item.label} for item in items],
                "min": _tidy(low), "max": _tidy(high), "points": points})
    return series


def _tidy(value: float) -> Number:
    return tidy(float(value))  # 20, not 20.0, for a bound computed from whole scores
