"""The plan on every assignment, made together: why this homework, when and where (an
implementation intention), the first small step, obstacles with what the client will do,
and the client's confidence that they will do it (0-10).

Pure rules, no storage: what each side may change, when a plan needs the clinician to
adjust it, and how each change is written into the plan's history.

A plan is a plain dict (the stored item without its keys):

    {assignment_id, client_id, rationale, when_where, first_step, obstacles: [{obstacle, response}],
     confidence, what_would_help, needs_adjustment, version, updated_at, updated_by_role,
     history: [{version, at, by_role, by_id, by_name, changes: {field: new value}}]}   # newest last

`needs_adjustment` is set when the client sets a confidence under the practice's threshold
(the clinician is asked to adjust the plan) and cleared when the clinician saves the plan, or
when the client raises their confidence to the threshold or above. `ask_what_would_help` is
shown to whoever reads the plan whenever a confidence is set and under the threshold.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

DEFAULT_CONFIDENCE_THRESHOLD = 7
MIN_CONFIDENCE_THRESHOLD = 1
MAX_CONFIDENCE_THRESHOLD = 10
MIN_CONFIDENCE = 0
MAX_CONFIDENCE = 10
HISTORY_KEPT = 30

# Field limits (the request models use them; the admin and client pages show them).
RATIONALE_MAX = 1_000
WHEN_WHERE_MAX = 500
FIRST_STEP_MAX = 500
WHAT_WOULD_HELP_MAX = 500
OBSTACLE_MAX = 200
RESPONSE_MAX = 300
OBSTACLES_MAX = 5

# Every field of a plan that a person writes, in the order they are talked through.
FIELDS = ("rationale", "when_where", "first_step", "obstacles", "confidence", "what_would_help")
# What the client may change from their link (their part of the plan: all of it, in their own words).
CLIENT_FIELDS = FIELDS
# What a history entry may record besides those fields.
MARK = "needs_adjustment"

Role = Literal["clinician", "client"]
CLIENT_ID_IN_HISTORY = "client"


def blank(assignment_id: str, client_id: str) -> dict[str, Any]:
    """The plan of an assignment nobody has written a plan for yet (version 0, not stored)."""
    return {"assignment_id": assignment_id, "client_id": client_id,
            **dict.fromkeys(FIELDS), "obstacles": [],
            "needs_adjustment": False, "version": 0, "updated_at": None, "updated_by_role": None, "history": []}


def threshold_of(practice: dict[str, Any] | None) -> int:
    """The practice's confidence threshold (the default when it never set one)."""
    value = (practice or {}).get("plan_confidence_threshold")
    if isinstance(value, int) and MIN_CONFIDENCE_THRESHOLD <= value <= MAX_CONFIDENCE_THRESHOLD:
        return value
    return DEFAULT_CONFIDENCE_THRESHOLD


def is_low(confidence: int | None, threshold: int) -> bool:
    """A confidence that asks what would make the homework easier."""
    return confidence is not None and confidence < threshold


def normalised(values: dict[str, Any]) -> dict[str, Any]:
    """Plan fields as stored: text trimmed, blank text as None, obstacles as a list of
    {obstacle, response} with a blank response as None."""
    result: dict[str, Any] = {}
    for field, value in values.items():
        if field == "obstacles":
            result[field] = [{"obstacle": _text(o.get("obstacle")) or "", "response": _text(o.get("response"))}
                             for o in (value or [])]
        elif field == "confidence":
            result[field] = value
        else:
            result[field] = _text(value)
    return result


def _text(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def changed_fields(plan: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The fields of `values` whose value differs from the plan's."""
    return {field: value for field, value in values.items() if plan.get(field) != value}


def apply(plan: dict[str, Any], values: dict[str, Any], *, role: Role, by_id: str, by_name: str | None,
          at: str, threshold: int) -> dict[str, Any] | None:
    """The plan after `role` saved `values` (already normalised, only fields of FIELDS), or
    None when nothing would change (no new version is written).

    The clinician's save clears `needs_adjustment` (they adjusted it); the client's change of
    confidence sets it when under `threshold` and clears it at or above. The new version is
    `plan["version"] + 1`, and the history gains one entry naming who changed what (the new
    values), keeping the last HISTORY_KEPT.
    """
    unknown = set(values) - set(FIELDS if role == "clinician" else CLIENT_FIELDS)
    if unknown:
        raise ValueError(f"not plan fields: {sorted(unknown)}")
    changes = changed_fields(plan, values)
    needs = bool(plan.get("needs_adjustment"))
    if role == "clinician":
        needs = False
    elif "confidence" in changes and changes["confidence"] is not None:
        needs = is_low(changes["confidence"], threshold)
    if needs != bool(plan.get("needs_adjustment")):
        changes[MARK] = needs
    if not changes:
        return None
    version = int(plan.get("version") or 0) + 1
    entry = history_entry(version=version, at=at, role=role, by_id=by_id, by_name=by_name, changes=changes)
    return {**plan, **values, "needs_adjustment": needs, "version": version, "updated_at": at,
            "updated_by_role": role, "history": [*(plan.get("history") or []), entry][-HISTORY_KEPT:]}


def first_draft(assignment_id: str, client_id: str, values: dict[str, Any], *, by_id: str, by_name: str | None,
                at: str) -> dict[str, Any] | None:
    """The plan a clinician drafts while assigning the homework (version 1), or None if the
    draft is empty (no plan is stored; the assignment shows a blank one)."""
    return apply(blank(assignment_id, client_id), values, role="clinician", by_id=by_id, by_name=by_name, at=at,
                 threshold=DEFAULT_CONFIDENCE_THRESHOLD)


def history_entry(*, version: int, at: str, role: Role, by_id: str, by_name: str | None,
                  changes: dict[str, Any]) -> dict[str, Any]:
    """One line of a plan's history: who (role and id; the client is "client"), when, and the new values."""
    return {"version": version, "at": at, "by_role": role,
            "by_id": by_id if role == "clinician" else CLIENT_ID_IN_HISTORY,
            "by_name": by_name if role == "clinician" else None, "changes": changes}


def history_for_client(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same history the clinician sees, without clinicians' account ids (their name stays)."""
    return [{**entry, "by_id": "clinician" if entry.get("by_role") == "clinician" else CLIENT_ID_IN_HISTORY}
            for entry in history]


def confidence_changes(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each change of confidence in a history: [{at, from, to, by_role}], oldest first."""
    result, current = [], None
    for entry in history:
        changes = entry.get("changes") or {}
        if "confidence" in changes and changes["confidence"] != current:
            result.append({"at": entry["at"], "from": current, "to": changes["confidence"],
                           "by_role": entry["by_role"]})
            current = changes["confidence"]
    return result


def with_adjustment_flag(flags: Mapping[str, Any], ulid: str, plan: Mapping[str, Any],
                         assignment: Mapping[str, Any]) -> dict[str, Any]:
    """The caseload summary's `plans_to_adjust` ({assignment ulid: {title, confidence,
    what_would_help}}) after `plan` was saved: present while the plan is marked for adjusting."""
    rest = {k: v for k, v in flags.items() if k != ulid}
    if not plan.get("needs_adjustment"):
        return rest
    return {**rest, ulid: {"title": assignment.get("title"), "confidence": plan.get("confidence"),
                           "what_would_help": plan.get("what_would_help")}}
