"""The end of treatment: discharge, re-opening, and erasure once the retention period ends.

Discharging a client ends their active homework (each assignment is cancelled with a
status-history entry whose reason is "discharged", so its reminders leave the due-index),
revokes their access link (device sessions and sign-in tokens open nothing without it),
and moves the client and its STATS item to the discharged lists. The record stays
readable and exportable by the practice. The profile then waits in the retention index
(gsi3, keys.RETENTION_INDEX) until `erase_after`; re-opening before then takes it out
again, and nothing resumes by itself: the clinician assigns homework and issues a link anew.

The sweep (`erase_due`, run by the scheduled reminder sweep) erases a client whose period
has passed through the erasure workflow and writes one audit event that names only ids.
"""
from __future__ import annotations

import traceback
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.clients import erasure, retention
from chalicelib.clients import service as clients
from chalicelib.errors import Conflict
from chalicelib.fields import iso, utc_now
from chalicelib.identity.principals import Clinician
from chalicelib.observability import logger
from chalicelib.store import clients as client_store
from chalicelib.store import keys, table
from chalicelib.store.table import retry_on_conflict

# What ended assignments record as the reason of their "cancelled" status-history entry.
DISCHARGED = "discharged"
_ENDS = ("active", "paused")
_CHUNK = 99  # DynamoDB takes at most 100 actions in a transaction


def _busy() -> Conflict:
    return Conflict("The client is being changed by someone else; try again.")


def _end_assignments(actor: Clinician, profile: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Cancel every active or paused assignment (reason "discharged"): its next reminder
    becomes idle (out of the due-index) and its plan leaves the review's "always" part.
    Returns the STATS item with the ended assignments' summaries, for the caller to write."""
    from chalicelib.homework import plan_service
    from chalicelib.homework.assignment_service import schedule_summary
    from chalicelib.reminders import hooks as reminder_hooks
    from chalicelib.store import homework as homework_store

    client_id = profile["client_id"]
    at = iso(now)
    stats = client_store.get_stats(client_id) or {}
    summaries = dict(stats.get("assignments") or {})
    actions: list[dict[str, Any]] = []
    for item in homework_store.list_assignments_with_drafts(client_id):
        if keys.is_draft(item) or item.get("status") not in _ENDS:
            continue
        assignment = homework_store.strip(item)
        ended = {**assignment, "status": "cancelled", "updated_at": at,
                 "status_history": [*assignment.get("status_history", []),
                                    {"status": "cancelled", "at": at, "by": actor.sub, "reason": DISCHARGED}]}
        action, _ = homework_store.assignment_put_action(ended, assignment["version"])
        plan = plan_service.cancel_action(ended, at)
        actions += [action, reminder_hooks.reminder_put_action(ended, profile, now), *([plan] if plan else [])]
        summaries[keys.child_parts(ended["assignment_id"])[1]] = schedule_summary(ended)
    # Each assignment is written over the version read (ConditionFailed: read all again);
    # an interrupted discharge finds the ones already ended cancelled and goes on.
    for start in range(0, len(actions), _CHUNK):
        table.transact(actions[start:start + _CHUNK])
    return {**stats, "assignments": summaries} if stats else stats


def discharge(actor: Clinician, client_id: str, note: str | None) -> dict[str, Any]:
    """Discharge a client the actor may change. Discharging again changes nothing."""
    from chalicelib.store import homework as homework_store
    from chalicelib.store import practices as practice_store

    def attempt() -> dict[str, Any]:
        profile = clients.get_for_clinician(actor, client_id, consistent=True)
        if client_store.is_discharged(profile):
            return profile
        now = utc_now()
        stats = _end_assignments(actor, profile, now)
        years = retention.years_of(practice_store.get_practice(actor.practice_id))
        updated = {**profile, "status": "discharged", "discharged_at": iso(now), "discharged_by": actor.sub,
                   "discharge_note": note or None, "erase_after": iso(retention.erase_after(now, years)),
                   "link_hash": None, "link_expires_at": None, "updated_at": iso(now)}
        for name in ("reopened_at", "reopened_by"):
            updated.pop(name, None)
        return _save_moved(profile, updated, stats, homework_store)

    return retry_on_conflict(attempt, give_up=_busy)


def _save_moved(before: dict[str, Any], updated: dict[str, Any], stats: dict[str, Any] | None,
                homework_store: Any) -> dict[str, Any]:
    """One transaction: the profile (with its new lists and retention entry), its STATS item
    moved along, and - when discharging - the access link deleted."""
    saves, written = client_store.save_actions(updated)
    actions = list(saves)
    if stats:
        actions.append(homework_store.stats_put_action(updated, stats)[0])
    if before.get("link_hash") and not updated.get("link_hash"):
        actions.append(table.delete_action(keys.access_link(before["link_hash"]).as_dict()))
    table.transact(actions)
    return written


def reopen(actor: Clinician, client_id: str) -> dict[str, Any]:
    """Put a discharged client back on the caseload, before their retention period ends."""
    from chalicelib.store import homework as homework_store

    def attempt() -> dict[str, Any]:
        profile = clients.get_for_clinician(actor, client_id, consistent=True)
        if not client_store.is_discharged(profile):
            raise Conflict("This client is not discharged.")
        now = utc_now()
        if profile.get("erasure_started_at") or (profile.get("erase_after") and profile["erase_after"] <= iso(now)):
            raise Conflict("The retention period has ended: this client's record is being erased.")
        updated = {k: v for k, v in profile.items()
                   if k not in ("discharged_at", "discharged_by", "discharge_note", "erase_after")}
        updated.update(status="active", reopened_at=iso(now), reopened_by=actor.sub, updated_at=iso(now))
        return _save_moved(profile, updated, client_store.get_stats(client_id), homework_store)

    return retry_on_conflict(attempt, give_up=_busy)


# -- erasure when the retention period ends (run by the scheduled sweep) ----------------------

# Time kept in hand when the Lambda's clock runs low: one client's erasure must finish.
RESERVE_MILLIS = 20_000
RETENTION_AUDIT_ACTION = "client.erased_after_retention"


def erase_due(now: datetime | None = None, remaining_millis: Callable[[], int] | None = None) -> int:
    """Erase every discharged client whose retention ended by `now` (one Query of the retention
    index, a page at a time), stopping between clients when time runs low; what is left waits
    for the next run. Each client goes through the erasure workflow, whose steps repeat safely.
    Returns how many clients were erased."""
    now = now or utc_now()
    erased = 0
    for page in client_store.due_for_erasure(iso(now)):
        for profile in page:
            if remaining_millis is not None and remaining_millis() < RESERVE_MILLIS:
                return erased
            try:
                erased += _erase_if_due(profile["client_id"], now)
            except Exception as error:  # noqa: BLE001 - one client's trouble must not stop the rest
                # Type and stack only: an AWS message can name an address. The next run retries.
                logger.error("retention erasure failed", extra={
                    "error_type": type(error).__name__,
                    "stack": "".join(traceback.format_tb(error.__traceback__))[-4000:]})
    if erased:
        logger.info("retention erasure", extra={"erased": erased})
    return erased


def _erase_if_due(client_id: str, now: datetime) -> int:
    from chalicelib.store import audit as audit_store
    from chalicelib.store import practices as practice_store

    profile = client_store.get(client_id, consistent=True)
    if not profile or not client_store.is_discharged(profile) or not profile.get("erase_after") \
            or profile["erase_after"] > iso(now):
        return 0  # re-opened (or refiled) since the index was read
    if not profile.get("erasure_started_at"):
        # The owner may have lengthened the period since the discharge: the later end wins.
        years = retention.years_of(practice_store.get_practice(profile["practice_id"]))
        later = iso(retention.erase_after(datetime.fromisoformat(profile["discharged_at"]), years))
        if later > profile["erase_after"]:
            client_store.save({**profile, "erase_after": later})  # ConditionFailed: changed meanwhile
            return 0
        # Marked first (over the version read), so a re-open racing with this is refused.
        profile = client_store.save({**profile, "erasure_started_at": iso(now)})
    started = profile["erasure_started_at"]
    steps = erasure.steps()
    for _name, step in steps[:-1]:
        step(client_id)
    # Keyed by the start of the erasure, so a repeated run writes the same event again.
    audit_store.record([{
        "event_id": "retention", "client_id": client_id, "at": started, "actor_sub": "system",
        "actor_role": "system", "practice_id": profile["practice_id"], "action": RETENTION_AUDIT_ACTION,
        "detail": None, "request_id": None}])
    steps[-1][1](client_id)  # the profile, last: until then the retention index finds the client again
    return 1
