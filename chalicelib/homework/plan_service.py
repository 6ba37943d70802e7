"""The plan on every assignment, from both sides: the clinician reads and saves the whole
plan, the client reads it and changes their part from their link. Each save is a new
version with a history entry; a stale `version` is a 409, a missing one is retried.

An assignment nobody wrote a plan for has none stored: it reads as a blank plan, version
0, and the first save creates it.

For the client's assignment page (one BatchGet, no extra request): add `detail_keys(...)`
to that BatchGet and build the plan with `plan_for_client_view(found, ...)`, or, holding
the plan item and the practice's threshold already, `plan_view(item_or_None, assignment,
threshold)`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from chalicelib.errors import Conflict, NotFound
from chalicelib.fields import iso, utc_now
from chalicelib.homework import plans as rules
from chalicelib.homework.plan_models import ClientPlanUpdate, PlanDraft, PlanView, PlanWrite
from chalicelib.identity.principals import ClientPrincipal, Clinician
from chalicelib.store import homework as homework_store
from chalicelib.store import keys, table
from chalicelib.store import plans as store
from chalicelib.store.table import retry_on_conflict


# -- views ---------------------------------------------------------------------------------

def plan_key(client_id: str, assignment_ulid: str) -> keys.Key:
    return store.key(client_id, assignment_ulid)


def plan_view(item: Mapping[str, Any] | None, assignment: Mapping[str, Any], threshold: int, *,
              for_client: bool = True) -> PlanView:
    """The plan of `assignment` (blank, version 0, when `item` is None). The client's view
    names clinicians in the history by name and role, never by account id."""
    plan = dict(item) if item else rules.blank(assignment["assignment_id"], assignment["client_id"])
    history = list(plan.get("history") or [])
    return PlanView(
        assignment_id=assignment["assignment_id"],
        **{field: plan.get(field) for field in rules.FIELDS if field != "obstacles"},
        obstacles=plan.get("obstacles") or [],
        version=int(plan.get("version") or 0),
        needs_adjustment=bool(plan.get("needs_adjustment")),
        confidence_threshold=threshold,
        ask_what_would_help=rules.is_low(plan.get("confidence"), threshold),
        updated_at=plan.get("updated_at"),
        updated_by_role=plan.get("updated_by_role"),
        history=rules.history_for_client(history) if for_client else history,
    )


def detail_keys(principal: ClientPrincipal, assignment_ulid: str) -> list[keys.Key]:
    """What the client's assignment page adds to its BatchGet to show the plan: the plan and
    the practice (its confidence threshold)."""
    return [plan_key(principal.client_id, assignment_ulid), keys.practice(principal.practice_id)]


def plan_for_client_view(found: Mapping[Any, Mapping[str, Any]], principal: ClientPrincipal, assignment_ulid: str,
                         assignment: Mapping[str, Any]) -> PlanView:
    """The plan for the client's assignment page, from a BatchGet that included `detail_keys`
    (`found` by sort key, as store.homework.get_many returns, or by Key)."""
    plan_k, practice_k = detail_keys(principal, assignment_ulid)
    plan = found.get(plan_k.sk) or found.get(plan_k)
    practice = found.get(practice_k.sk) or found.get(practice_k)
    return plan_view(plan, assignment, rules.threshold_of(dict(practice) if practice else None))


# -- reading -------------------------------------------------------------------------------

def _ids(assignment_id: str) -> tuple[str, str]:
    parts = keys.split_child_id(assignment_id)
    if parts is None:
        raise NotFound("No such assignment.")
    return parts


class _Read:
    """Everything a plan route needs, from one BatchGet: the profile, the assignment, the plan
    (blank when none) and the practice's threshold."""

    def __init__(self, client_id: str, ulid: str, practice_id: str | None):
        wanted = [keys.client_profile(client_id), keys.assignment(client_id, ulid), plan_key(client_id, ulid),
                  keys.client_stats(client_id)]
        if practice_id:
            wanted.append(keys.practice(practice_id))
        found = store.get_many(wanted)
        self.profile: dict[str, Any] = found.get(keys.client_profile(client_id)) or {}
        self.stats: dict[str, Any] = found.get(keys.client_stats(client_id)) or {}
        self.ulid = ulid
        self.assignment: dict[str, Any] = found.get(keys.assignment(client_id, ulid)) or {}
        self.stored = found.get(plan_key(client_id, ulid))
        practice = found.get(keys.practice(practice_id)) if practice_id else None
        self.threshold = rules.threshold_of(practice)
        self.plan: dict[str, Any] = self.stored or (rules.blank(self.assignment["assignment_id"], client_id)
                                                    if self.assignment else {})


def _for_clinician(actor: Clinician, assignment_id: str) -> _Read:
    client_id, ulid = _ids(assignment_id)
    read = _Read(client_id, ulid, actor.practice_id)
    if not read.profile or not actor.can_see_client(read.profile) or not read.assignment:
        raise NotFound("No such assignment.")
    return read


def _for_client(principal: ClientPrincipal, assignment_id: str) -> _Read:
    client_id, ulid = _ids(assignment_id)
    if client_id != principal.client_id:
        raise NotFound("No such assignment.")
    read = _Read(client_id, ulid, principal.practice_id)
    if not read.profile or read.profile.get("practice_id") != principal.practice_id or not read.assignment:
        raise NotFound("No such assignment.")
    return read


def get_for_clinician(actor: Clinician, assignment_id: str) -> PlanView:
    read = _for_clinician(actor, assignment_id)
    return plan_view(read.stored, read.assignment, read.threshold, for_client=False)


def get_for_client(principal: ClientPrincipal, assignment_id: str) -> PlanView:
    read = _for_client(principal, assignment_id)
    return plan_view(read.stored, read.assignment, read.threshold)


# -- writing -------------------------------------------------------------------------------

def _stale() -> Conflict:
    return Conflict("The plan was changed by someone else since you opened it; reload it and try again.")


def _busy() -> Conflict:
    return Conflict("The plan is being changed by someone else right now; try again.")


def _save(read_plan: Callable[[], _Read], values: dict[str, Any], expected: int | None, role: rules.Role, by_id: str,
          by_name: str | None, for_client: bool) -> PlanView:
    def attempt() -> PlanView:
        read = read_plan()
        if read.assignment.get("status") == "cancelled":
            raise Conflict("This homework was cancelled, so its plan can no longer change.")
        if expected is not None and expected != int(read.plan.get("version") or 0):
            raise _stale()
        updated = rules.apply(read.plan, values, role=role, by_id=by_id, by_name=by_name, at=iso(utc_now()),
                              threshold=read.threshold)
        if updated is None:
            return plan_view(read.stored, read.assignment, read.threshold, for_client=for_client)
        actions = [store.put_action(updated)]
        flags = rules.with_adjustment_flag(read.stats.get("plans_to_adjust") or {}, read.ulid, updated,
                                           read.assignment)
        if flags != (read.stats.get("plans_to_adjust") or {}):  # the caseload shows plans to adjust
            stats_action, _ = homework_store.stats_put_action(read.profile, {**read.stats, "plans_to_adjust": flags})
            actions.append(stats_action)
        table.transact(actions)
        return plan_view(updated, read.assignment, read.threshold, for_client=for_client)

    # A conflict may be the caseload summary changing under us, not the plan: try again, and
    # the version check above still refuses a stale plan.
    return retry_on_conflict(attempt, give_up=_busy)


def put_for_clinician(actor: Clinician, assignment_id: str, body: PlanWrite) -> PlanView:
    """Save the whole plan (every field replaced); clears the mark for adjustment."""
    return _save(lambda: _for_clinician(actor, assignment_id), body.values(), body.version, "clinician",
                 actor.sub, actor.display_name or None, for_client=False)


def patch_for_client(principal: ClientPrincipal, assignment_id: str, body: ClientPlanUpdate) -> PlanView:
    """Change the fields the client sent; a confidence under the practice's threshold marks
    the plan for the clinician to adjust, one at or above it clears the mark."""
    return _save(lambda: _for_client(principal, assignment_id), body.values(), body.version, "client",
                 rules.CLIENT_ID_IN_HISTORY, None, for_client=True)


# -- hooks for the assignment's own writes ----------------------------------------------------

def create_action(assignment: Mapping[str, Any], draft: PlanDraft | None, actor: Clinician,
                  at: str) -> dict[str, Any] | None:
    """The transact Put of the plan drafted with a new assignment (version 1), or None when
    no plan was drafted (none is stored; it reads as a blank plan)."""
    if draft is None:
        return None
    plan = rules.first_draft(assignment["assignment_id"], assignment["client_id"], draft.values(),
                             by_id=actor.sub, by_name=actor.display_name or None, at=at)
    return store.put_action(plan) if plan else None


def cancel_action(assignment: Mapping[str, Any], cancelled_at: str) -> dict[str, Any] | None:
    """When an assignment is cancelled its plan leaves the "always" part of the review feed
    (reviews since the cancellation still show it): the transact Put that moves it, over
    the version just read (ConditionFailed if it changed), or None when there is no plan."""
    client_id, ulid = keys.child_parts(assignment["assignment_id"])
    plan = store.get_many([plan_key(client_id, ulid)]).get(plan_key(client_id, ulid))
    return store.refeed_action(plan, cancelled_at) if plan else None

