"""The client's side of homework (list, draft, submit, skip, history) and what a
submission sets off: scoring, risk alerts, the caseload summary."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from chalicelib.errors import Conflict, FieldErrors, NotFound
from chalicelib.fields import iso, new_id, utc_now
from chalicelib.homework import schedule as rules
from chalicelib.homework.answers import normalise_answers, validate_answers
from chalicelib.homework.assignment_service import occurrence_view, parse_assignment_id
from chalicelib.homework.models import (ClientAssignmentDetail, ClientAssignmentList, ClientAssignmentSummary,
                                        ClientSubmissionList, ClientSubmissionView, CrisisResources, DraftSave,
                                        DraftView, Review, SkipCreate, SkipReceipt, SubmissionCreate,
                                        SubmissionReceipt)
from chalicelib.homework.scoring import score
from chalicelib.homework.templates import Template
from chalicelib.identity.principals import ClientPrincipal
from chalicelib.reminders import hooks as reminder_hooks
from chalicelib.store import homework as store
from chalicelib.store import keys, table
from chalicelib.store import reminders as reminder_store
from chalicelib.store.table import retry_on_conflict

IDEMPOTENCY_TTL = timedelta(hours=24)
STATS_WINDOW = timedelta(days=35)  # the caseload shows 7 and 28 days; keep a little more


def _own(principal: ClientPrincipal, assignment_id: str) -> str:
    client_id, ulid = parse_assignment_id(assignment_id)
    if client_id != principal.client_id:
        raise NotFound("No such assignment.")
    return ulid


def _load(principal: ClientPrincipal, ulid: str, *extra: keys.Key) -> dict[str, dict[str, Any]]:
    """One BatchGet: profile, assignment, template snapshot, draft and any `extra` keys."""
    client_id = principal.client_id
    wanted = [keys.client_profile(client_id), keys.assignment(client_id, ulid),
              keys.assignment_template(client_id, ulid), keys.draft(client_id, ulid), *extra]
    found = store.get_many(wanted)
    profile = found.get(keys.client_profile(client_id).sk)
    assignment = found.get(keys.assignment(client_id, ulid).sk)
    if not profile or profile.get("practice_id") != principal.practice_id or not assignment:
        raise NotFound("No such assignment.")
    return found


def _draft_view(draft: dict[str, Any]) -> DraftView:
    return DraftView(occurrence_id=draft.get("occurrence_id"), answers=draft.get("answers", {}),
                     version=draft["version"], saved_at=draft["saved_at"])


def _answer_problems(errors) -> FieldErrors:
    return FieldErrors([{"field": f"answers.{e.item}" if e.item else "answers", "type": e.code,
                         "message": e.message} for e in errors],
                       detail="Some answers do not fit this homework; nothing was saved.")


# -- reading ---------------------------------------------------------------------------

def list_assignments(principal: ClientPrincipal) -> ClientAssignmentList:
    profile = table.get(keys.client_profile(principal.client_id).as_dict())
    if not profile or profile.get("practice_id") != principal.practice_id:
        raise NotFound("No such client.")
    items = store.list_assignments_with_drafts(principal.client_id)
    drafts = keys.drafts_by_assignment_sk(items)
    now = utc_now()
    summaries = []
    for item in items:
        if keys.is_draft(item) or item["status"] == "cancelled":
            continue
        schedule = rules.Schedule.of(item, profile["timezone"])
        done = item.get("occurrences", {})
        draft = drafts.get(item["sk"])
        current = rules.current_occurrence(schedule, done, now)
        upcoming = rules.next_due(schedule, done, now)
        summaries.append(ClientAssignmentSummary(
            assignment_id=item["assignment_id"], title=item["title"], kind=item["kind"],
            instructions=item["instructions"], status=item["status"],
            current=occurrence_view(current, rules.state_of(schedule, current, done, draft.get(
                "occurrence_id") if draft else None, now), done) if current else None,
            next_due_at=iso(upcoming.due_at) if upcoming else None, has_draft=draft is not None))
    summaries.sort(key=lambda s: (s.current is None, s.current.due_at if s.current else s.next_due_at or "~"))
    return ClientAssignmentList(items=summaries)


def get_assignment(principal: ClientPrincipal, assignment_id: str) -> ClientAssignmentDetail:
    ulid = _own(principal, assignment_id)
    found = _load(principal, ulid)
    client_id = principal.client_id
    assignment = found[keys.assignment(client_id, ulid).sk]
    draft = found.get(keys.draft(client_id, ulid).sk)
    schedule = rules.Schedule.of(assignment, found[keys.client_profile(client_id).sk]["timezone"])
    done = assignment.get("occurrences", {})
    now = utc_now()
    current = rules.current_occurrence(schedule, done, now)
    upcoming = rules.next_due(schedule, done, now)
    snapshot = found[keys.assignment_template(client_id, ulid).sk]["template"]
    return ClientAssignmentDetail(
        assignment_id=assignment_id, title=assignment["title"], instructions=assignment["instructions"],
        status=assignment["status"], template=snapshot,
        current=occurrence_view(current, rules.state_of(schedule, current, done, draft.get(
            "occurrence_id") if draft else None, now), done) if current else None,
        next_due_at=iso(upcoming.due_at) if upcoming else None, draft=_draft_view(draft) if draft else None)


# -- drafts ------------------------------------------------------------------------------

def save_draft(principal: ClientPrincipal, assignment_id: str, body: DraftSave) -> DraftView:
    ulid = _own(principal, assignment_id)
    found = _load(principal, ulid)
    client_id = principal.client_id
    template = Template.model_validate(found[keys.assignment_template(client_id, ulid).sk]["template"])
    errors = validate_answers(template, body.answers, partial=True)
    if errors:
        raise _answer_problems(errors)
    stored = found.get(keys.draft(client_id, ulid).sk)
    if (stored["version"] if stored else None) != body.version:
        raise Conflict("This draft was saved from somewhere else.", current=_draft_view(stored).model_dump()
                       if stored else None)
    draft = {**keys.draft(client_id, ulid).as_dict(), "assignment_id": assignment_id,
             "occurrence_id": body.occurrence_id, "answers": normalise_answers(template, body.answers),
             "saved_at": iso(utc_now())}
    try:
        written = table.put_versioned(draft, body.version)
    except table.ConditionFailed:
        latest = table.get(keys.draft(client_id, ulid).as_dict(), consistent=True)
        raise Conflict("This draft was saved from somewhere else.",
                       current=_draft_view(latest).model_dump() if latest else None) from None
    return _draft_view(written)


# -- submitting ----------------------------------------------------------------------------

def _request_hash(body: SubmissionCreate) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _pick_occurrence(schedule: rules.Schedule, done: dict[str, Any], occurrence_id: str | None, now: datetime):
    if occurrence_id:
        occurrence = schedule.find(occurrence_id)
        if occurrence is None or not schedule.counts(occurrence):
            raise FieldErrors.one("occurrence_id", "not an occurrence of this homework", "unknown_occurrence")
    else:
        occurrence = rules.current_occurrence(schedule, done, now)
        if occurrence is None:
            raise Conflict("There is nothing to complete for this homework right now.")
    reason = rules.can_complete(schedule, occurrence, done, now)
    if reason:
        raise Conflict(reason)
    return occurrence


def _updated_stats(stats: dict[str, Any], ulid: str, occurrence, *, alert: bool, now: datetime) -> dict[str, Any]:
    cutoff = (now - STATS_WINDOW).timestamp()
    submitted = {k: v for k, v in stats.get("submitted", {}).items() if v >= cutoff}
    submitted[f"{ulid}/{occurrence.occurrence_id}"] = int(occurrence.due_at.timestamp())
    return {**stats, "submitted": submitted, "open_alerts": stats.get("open_alerts", 0) + (1 if alert else 0),
            "last_submission_at": iso(now)}



def _idempotency_record_live(record: dict[str, Any], now: datetime) -> bool:
    """A key's record answers retries until its expiry second; from then on the key is free.

    Whole seconds on both sides (here and in the write's condition): comparing a fractional
    "now" on read but a truncated one on write left a second in which a retry was neither
    replayed nor allowed to write, and ended in a 409.
    """
    return int(record.get("expires_at", 0)) > int(now.timestamp())
def submit(principal: ClientPrincipal, assignment_id: str, body: SubmissionCreate,
           idempotency_key: str) -> SubmissionReceipt:
    """Store a submission exactly once per Idempotency-Key; a retry gets the same receipt."""
    ulid = _own(principal, assignment_id)
    client_id = principal.client_id
    key_hash = hashlib.sha256(idempotency_key.encode()).hexdigest()
    idempotency_key_item = keys.idempotency(client_id, ulid, key_hash)
    request_hash = _request_hash(body)

    def attempt() -> tuple[SubmissionReceipt, dict[str, Any] | None]:
        # A conflict (ConditionFailed) means another request got there first: the same key
        # (a concurrent retry) or a change to the assignment. Reload and decide again.
        found = _load(principal, ulid, keys.client_stats(client_id), idempotency_key_item,
                      keys.reminder(client_id, ulid))
        previous = found.get(idempotency_key_item.sk)
        if previous and _idempotency_record_live(previous, utc_now()):
            return _replay(previous, request_hash), None
        try:
            return _submit_once(principal, ulid, body, found, idempotency_key_item, request_hash)
        except Conflict:
            # A BatchGet is not isolated from a concurrent transaction: it can show the
            # occurrence done by a duplicate of this request before its idempotency record.
            # A consistent read of the record settles it.
            previous = table.get(idempotency_key_item.as_dict(), consistent=True)
            if previous and _idempotency_record_live(previous, utc_now()):
                return _replay(previous, request_hash), None
            raise

    receipt, alert_item = retry_on_conflict(attempt, give_up=_busy)
    if alert_item:
        _tell_clinician_now(alert_item)
    return receipt


def _busy() -> Conflict:
    return Conflict("This homework is being changed at the same time; try again.")


def _tell_clinician_now(alert_item: dict[str, Any]) -> None:
    """Notify the clinician of a risk alert straight away (email, and SMS if they gave a phone).

    The alert is already in the due-index, so if this fails the next sweep tries again;
    the send records make sure the clinician is told once, whichever gets there first.
    """
    from chalicelib.observability import logger
    from chalicelib.reminders import delivery
    from chalicelib.store import practices as practice_store

    try:
        membership = practice_store.get_membership(alert_item["clinician_id"])
        if not membership:
            return
        outcomes = delivery.alert_clinician(alert_item, membership, utc_now())
        if outcomes and "retry" not in outcomes.values():
            reminder_store.alert_notified(alert_item)
    except Exception as error:  # noqa: BLE001 - the submission is stored; the sweep is the safety net
        logger.warning("immediate risk-alert notice failed; the sweep will retry",
                       extra={"error_type": type(error).__name__})


def _replay(previous: dict[str, Any], request_hash: str) -> SubmissionReceipt:
    if previous["request_hash"] != request_hash:
        raise FieldErrors.one("Idempotency-Key", "this key was already used for a different submission",
                              "idempotency_key_reused")
    return SubmissionReceipt.model_validate(previous["receipt"])


def _submit_once(principal, ulid, body: SubmissionCreate, found, idempotency_key_item, request_hash):
    client_id = principal.client_id
    profile = found[keys.client_profile(client_id).sk]
    assignment = found[keys.assignment(client_id, ulid).sk]
    template = Template.model_validate(found[keys.assignment_template(client_id, ulid).sk]["template"])
    now = utc_now()
    schedule = rules.Schedule.of(assignment, profile["timezone"])
    done = assignment.get("occurrences", {})
    errors = validate_answers(template, body.answers, partial=body.completion == "partial")
    if errors:
        raise _answer_problems(errors)
    occurrence = _pick_occurrence(schedule, done, body.occurrence_id, now)
    answers = normalise_answers(template, body.answers)
    result = score(template, answers) if template.scoring else None

    assignment_id = assignment["assignment_id"]
    submission_id = keys.child_id(assignment_id, new_id())
    risk_flags = result.risk_flags if result else []
    alert_id = keys.child_id(client_id, new_id()) if risk_flags else None
    submission = store.submission_item({
        "submission_id": submission_id, "assignment_id": assignment_id, "client_id": client_id,
        "practice_id": profile["practice_id"], "template_id": template.id, "template_version": template.version,
        "title": assignment["title"], "kind": assignment["kind"], "occurrence_id": occurrence.occurrence_id,
        "due_at": iso(occurrence.due_at), "submitted_at": iso(now), "answers": answers,
        "score": result.model_dump(mode="json") if result else None, "completion": body.completion,
        "rating": body.rating, "obstacles": body.obstacles, "note_for_session": body.note_for_session,
        "alert_id": alert_id, "version": 1,
    })
    receipt = SubmissionReceipt(
        submission_id=submission_id, assignment_id=assignment_id, occurrence_id=occurrence.occurrence_id,
        submitted_at=iso(now),
        crisis_resources=[CrisisResources(message=m) for m in
                          dict.fromkeys(f.message for f in risk_flags)])
    updated = {**assignment, "occurrences": {**done, occurrence.occurrence_id: {
        "state": "submitted", "submission_id": submission_id, "at": iso(now)}}, "updated_at": iso(now)}
    stats = found.get(keys.client_stats(client_id).sk) or {}
    stats_action, _ = store.stats_put_action(profile, _updated_stats(stats, ulid, occurrence,
                                                                     alert=alert_id is not None, now=now))
    assignment_action, _ = store.assignment_put_action(updated, assignment["version"])
    actions = [
        table.put_action(submission, condition="attribute_not_exists(pk)"),
        assignment_action,
        stats_action,
        table.put_action({**idempotency_key_item.as_dict(), "request_hash": request_hash,
                          "receipt": receipt.model_dump(mode="json"),
                          "expires_at": int((now + IDEMPOTENCY_TTL).timestamp())},
                         # Expired by the same whole-second rule as _idempotency_record_live.
                         condition="attribute_not_exists(pk) OR expires_at <= :now",
                         values={":now": int(now.timestamp())}),
    ]
    actions.append(reminder_hooks.reminder_put_action(updated, profile, now,
                                                      found.get(keys.reminder(client_id, ulid).sk)))
    draft = found.get(keys.draft(client_id, ulid).sk)
    if draft and draft.get("occurrence_id") in (None, occurrence.occurrence_id):
        actions.append(table.delete_action(keys.draft(client_id, ulid).as_dict()))
    if alert_id:
        alert = {
            "alert_id": alert_id, "client_id": client_id, "practice_id": profile["practice_id"],
            "clinician_id": profile["clinician_id"], "assignment_id": assignment_id,
            "submission_id": submission_id, "template_title": template.title, "status": "open",
            "created_at": iso(now),
            "items": [{"item": f.item, "label": f.label, "value": f.value} for f in risk_flags],
        }
        # The alert also waits in the due-index until the clinician has been told: at once
        # after this transaction, or by the next sweep if that fails (a retried submission
        # replays its receipt, so the alert and its notice exist once).
        alert_item = {**store.alert_item(alert), "kind": "alert",
                      **reminder_store.alert_due_keys(alert, now)}
        actions.append(table.put_action(alert_item, condition="attribute_not_exists(pk)"))
    else:
        alert_item = None
    table.transact(actions)
    return receipt, alert_item


def skip(principal: ClientPrincipal, assignment_id: str, body: SkipCreate) -> SkipReceipt:
    ulid = _own(principal, assignment_id)
    client_id = principal.client_id
    profile_sk = keys.client_profile(client_id).sk

    def attempt() -> SkipReceipt:
        found = _load(principal, ulid, keys.reminder(client_id, ulid))
        assignment = found[keys.assignment(client_id, ulid).sk]
        schedule = rules.Schedule.of(assignment, found[profile_sk]["timezone"])
        done = assignment.get("occurrences", {})
        now = utc_now()
        occurrence = _pick_occurrence(schedule, done, body.occurrence_id, now)
        updated = {**assignment, "updated_at": iso(now), "occurrences": {**done, occurrence.occurrence_id: {
            "state": "skipped", "reason": body.reason, "at": iso(now)}}}
        assignment_action, _ = store.assignment_put_action(store.strip(updated), assignment["version"])
        table.transact([assignment_action, reminder_hooks.reminder_put_action(
            store.strip(updated), found[profile_sk], now, found.get(keys.reminder(client_id, ulid).sk))])
        return SkipReceipt(assignment_id=assignment_id, occurrence_id=occurrence.occurrence_id)

    return retry_on_conflict(attempt, give_up=_busy)


def history(principal: ClientPrincipal, *, limit: int, next_token: str | None) -> ClientSubmissionList:
    page = store.list_submissions(principal.client_id, limit=limit, next_token=next_token)
    return ClientSubmissionList(items=[ClientSubmissionView(
        submission_id=s["submission_id"], assignment_id=s["assignment_id"], title=s["title"],
        occurrence_id=s["occurrence_id"], submitted_at=s["submitted_at"], completion=s["completion"],
        rating=s.get("rating"), feedback=Review(**s["review"]) if s.get("review") else None)
        for s in page.items], next_token=page.next_token)
