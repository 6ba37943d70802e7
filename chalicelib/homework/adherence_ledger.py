"""The adherence ledger: what happened to each occurrence, kept in the client's summary
(STATS) so caseload-wide adherence is computed from the caseload index, never a Scan.

    stats["outcomes"] = {assignment ulid: {occurrence id (local date): {
        "c": "complete" | "partial" | "skipped",
        "q": the client's own rating 1-5 or None,
        "r": the clinician's quality rating 1-5 or None,
        "t": when it was answered, kept only for an answer given before the occurrence fell
             due (it counts from then: schedule.counted)}}}

Occurrences older than KEEP_DAYS drop out, so the summary stays small.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

KEEP_DAYS = 400  # a year of adherence, with room for a `from` a little over a year back
Outcome = Literal["complete", "partial", "skipped"]


def _pruned(outcomes: dict[str, dict[str, Any]], today: date) -> dict[str, dict[str, Any]]:
    oldest = (today - timedelta(days=KEEP_DAYS)).isoformat()
    kept = {ulid: {occ: o for occ, o in by_occurrence.items() if occ >= oldest}
            for ulid, by_occurrence in outcomes.items()}
    return {ulid: by_occurrence for ulid, by_occurrence in kept.items() if by_occurrence}


def with_outcome(stats: dict[str, Any], assignment_ulid: str, occurrence_id: str, outcome: Outcome,
                 client_rating: int | None, today: date, *, answered_early_at: str | None = None) -> dict[str, Any]:
    """The summary after an occurrence was submitted or skipped (a clinician's rating already given
    stays); `answered_early_at` is the time of an answer given before the occurrence fell due."""
    outcomes = stats.get("outcomes", {})
    by_occurrence = outcomes.get(assignment_ulid, {})
    previous = by_occurrence.get(occurrence_id, {})
    entry = {"c": outcome, "q": client_rating, "r": previous.get("r")}
    if answered_early_at:
        entry["t"] = answered_early_at
    outcomes = {**outcomes, assignment_ulid: {**by_occurrence, occurrence_id: entry}}
    return {**stats, "outcomes": _pruned(outcomes, today)}


def with_quality_rating(stats: dict[str, Any], assignment_ulid: str, occurrence_id: str, quality: int | None,
                        today: date) -> dict[str, Any]:
    """The summary after the clinician rated a submission's quality."""
    outcomes = stats.get("outcomes", {})
    by_occurrence = outcomes.get(assignment_ulid, {})
    previous = by_occurrence.get(occurrence_id) or {"c": "complete", "q": None}
    entry = {**previous, "r": quality}
    outcomes = {**outcomes, assignment_ulid: {**by_occurrence, occurrence_id: entry}}
    return {**stats, "outcomes": _pruned(outcomes, today)}
