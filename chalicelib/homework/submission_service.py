"""The client's side of homework (list, draft, submit, skip, history) and what a
submission sets off: scoring, risk alerts, the caseload summary."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from chalicelib.errors import Conflict, FieldErrors, NotFound
from chalicelib.fields import iso, new_id, utc_now
from chalicelib.homework import adherence_ledger
from chalicelib.homework import barriers as barrier_rules
from chalicelib.homework import draft_risk, localized
from chalicelib.homework import measure_outcomes, plan_service
from chalicelib.homework import schedule as rules
from chalicelib.homework.answers import normalise_answers, validate_answers
from chalicelib.homework.assignment_service import client_instructions, occurrence_view, parse_assignment_id
from chalicelib.homework.crisis import SAFETY_PLAN_TEMPLATE
from chalicelib.homework.models import (BarrierReportCreate, BarrierReportView, ClientAssignmentDetail,
                                        ClientAssignmentList, ClientAssignmentSummary, ClientBarriers,
                                        ClientFeedback, ClientSubmissionDetail, ClientSubmissionList,
                                        ClientSubmissionView, CrisisResources, DraftSave, DraftView,
                                        SkipCreate, SkipReceipt, SubmissionCreate, SubmissionReceipt)
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
KEEP_SCORES = 200  # an assignment's score series (for the session review), newest last


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


def _with_translations(template: dict[str, Any] | None) -> dict[str, Any] | None:
    """A template snapshot with the library's translations when it was taken before the library
    template had them (same id and version: the same questions, so the same words apply)."""
    if not template or template.get("translations"):
        return template
    from chalicelib.homework.library import get_library_template

    library = get_library_template(template.get("id") or "")
    if library is None or library.version != template.get("version") or not library.translations:
        return template
    return {**template, "translations": {k: v.model_dump(mode="json", exclude_none=True)
                                         for k, v in library.translations.items()}}


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
    language = localized.language_of(profile)
    summaries = []
    for item in items:
        if keys.is_draft(item) or item["status"] == "cancelled":
            continue
        schedule = rules.Schedule.of(item, profile["timezone"])
        done = item.get("occurrences", {})
        draft = drafts.get(item["sk"])
        current = rules.current_occurrence(schedule, done, now)
        upcoming = rules.next_due(schedule, done, now)
        words = localized.library_words(item.get("template_id")) if language != localized.DEFAULT_LANGUAGE else None
        shown = client_instructions(item)
        shown["template_instructions"] = localized.stem(words, shown["template_instructions"], language)
        summaries.append(ClientAssignmentSummary(
            assignment_id=item["assignment_id"], title=localized.title(words, item["title"], language),
            kind=item["kind"], **shown, status=item["status"],
            current=occurrence_view(current, rules.state_of(schedule, current, done, draft.get(
                "occurrence_id") if draft else None, now), done) if current else None,
            next_due_at=iso(upcoming.due_at) if upcoming else None, has_draft=draft is not None,
            ask_barriers_for=barrier_rules.ask_barriers_for(item, schedule, now)))
    summaries.sort(key=lambda s: (s.current is None, s.current.due_at if s.current else s.next_due_at or "~"))
    return ClientAssignmentList(items=summaries)


def get_assignment(principal: ClientPrincipal, assignment_id: str) -> ClientAssignmentDetail:
    """The homework page in one BatchGet: the assignment, its form, the draft and the plan."""
    ulid = _own(principal, assignment_id)
    found = _load(principal, ulid, *plan_service.detail_keys(principal, ulid))
    client_id = principal.client_id
    assignment = found[keys.assignment(client_id, ulid).sk]
    draft = found.get(keys.draft(client_id, ulid).sk)
    schedule = rules.Schedule.of(assignment, found[keys.client_profile(client_id).sk]["timezone"])
    done = assignment.get("occurrences", {})
    now = utc_now()
    current = rules.current_occurrence(schedule, done, now)
    upcoming = rules.next_due(schedule, done, now)
    snapshot = _with_translations(found[keys.assignment_template(client_id, ulid).sk]["template"])
    assert snapshot is not None
    language = localized.language_of(found[keys.client_profile(client_id).sk])
    plan = plan_service.plan_for_client_view(found, principal, ulid, store.strip(assignment))
    shown = client_instructions(assignment, snapshot.get("instructions") or "")
    shown["template_instructions"] = localized.stem(snapshot, shown["template_instructions"], language)
    return ClientAssignmentDetail(
        assignment_id=assignment_id, title=localized.title(snapshot, assignment["title"], language),
        **shown, status=assignment["status"],
        template=localized.localize(snapshot, language),
        current=occurrence_view(current, rules.state_of(schedule, current, done, draft.get(
            "occurrence_id") if draft else None, now), done) if current else None,
        next_due_at=iso(upcoming.due_at) if upcoming else None, draft=_draft_view(draft) if draft else None,
        plan=plan.model_dump(mode="json"), ask_barriers_for=barrier_rules.ask_barriers_for(assignment, schedule, now),
        risk_items=draft_risk.risk_items(snapshot))


# -- drafts ------------------------------------------------------------------------------

def save_draft(principal: ClientPrincipal, assignment_id: str, body: DraftSave) -> DraftView:
    ulid = _own(principal, assignment_id)
    found = _load(principal, ulid, keys.practice(principal.practice_id), keys.draft_risk(principal.client_id, ulid))
    client_id = principal.client_id
    template = Template.model_validate(found[keys.assignment_template(client_id, ulid).sk]["template"])
    errors = validate_answers(template, body.answers, partial=True)
    if errors:
        raise _answer_problems(errors)
    stored = found.get(keys.draft(client_id, ulid).sk)
    if (stored["version"] if stored else None) != body.version:
        raise Conflict("This draft was saved from somewhere else.", current=_draft_view(stored).model_dump()
                       if stored else None)
    answers, now = normalise_answers(template, body.answers), utc_now()
    draft = {**keys.draft(client_id, ulid).as_dict(), "assignment_id": assignment_id,
             "occurrence_id": body.occurrence_id, "answers": answers, "saved_at": iso(now)}
    if template.scoring and template.scoring.risk:  # a risk answer waiting unsent is due for the sweep
        flags = score(template, answers).risk_flags
        marker = draft_risk.marker(stored, found.get(keys.draft_risk(client_id, ulid).sk), body.occurrence_id, flags,
                                   now, draft_risk.hours_of(found.get(keys.practice(principal.practice_id).sk)))
        draft.update(reminder_store.draft_risk_fields(marker, client_id, ulid, now))
    try:
        written = table.put_versioned(draft, body.version)
    except table.ConditionFailed:
        latest = table.get(keys.draft(client_id, ulid).as_dict(), consistent=True)
        raise Conflict("This draft was saved from somewhere else.",
                       current=_draft_view(latest).model_dump() if latest else None) from None
    return _draft_view(written)


# -- submitting ----------------------------------------------------------------------------

# Fields added after the fingerprint was first defined: left out while unset, so a retry
# that reaches a newer release within the key's 24 hours hashes as it did before.
_LATER_FIELDS = ("barriers", "other")


def _request_hash(body: SubmissionCreate) -> str:
    fields = body.model_dump(mode="json")
    for name in _LATER_FIELDS:
        if fields.get(name) is None:
            fields.pop(name, None)
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
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
                      keys.reminder(client_id, ulid), keys.draft_risk(client_id, ulid))
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
    snapshot = _with_translations(found[keys.assignment_template(client_id, ulid).sk]["template"])
    template = Template.model_validate(snapshot)
    language = localized.language_of(profile)
    now = utc_now()
    schedule = rules.Schedule.of(assignment, profile["timezone"])
    done = assignment.get("occurrences", {})
    errors = validate_answers(template, body.answers, partial=body.completion == "partial")
    if errors:
        raise _answer_problems(errors)
    occurrence = _pick_occurrence(schedule, done, body.occurrence_id, now)
    answers = normalise_answers(template, body.answers)
    result = score(template, answers) if template.scoring else None
    reported = _barrier_record(body.barriers, body.other, "partial", now) \
        if body.completion == "partial" else None

    assignment_id = assignment["assignment_id"]
    submission_id = keys.child_id(assignment_id, new_id())
    risk_flags = result.risk_flags if result else []
    # Answers already alerted from the draft (not sent by the client) open no second alert.
    draft_alert = draft_risk.covering_alert(found.get(keys.draft_risk(client_id, ulid).sk),
                                            occurrence.occurrence_id, risk_flags)
    alert_id = keys.child_id(client_id, new_id()) if risk_flags and not draft_alert else None
    submission = store.submission_item({
        "submission_id": submission_id, "assignment_id": assignment_id, "client_id": client_id,
        "practice_id": profile["practice_id"], "template_id": template.id, "template_version": template.version,
        "title": assignment["title"], "kind": assignment["kind"], "occurrence_id": occurrence.occurrence_id,
        "due_at": iso(occurrence.due_at), "submitted_at": iso(now), "answers": answers,
        "score": result.model_dump(mode="json") if result else None, "completion": body.completion,
        "rating": body.rating, "obstacles": body.obstacles, "note_for_session": body.note_for_session,
        "alert_id": alert_id or draft_alert, "version": 1, "language": language,
    })
    receipt = SubmissionReceipt(
        submission_id=submission_id, assignment_id=assignment_id, occurrence_id=occurrence.occurrence_id,
        submitted_at=iso(now),
        crisis_resources=[CrisisResources(message=m) for m in dict.fromkeys(
            localized.risk_message(snapshot, f.item, f.message, language) for f in risk_flags)])
    updated = {**assignment, "occurrences": {**done, occurrence.occurrence_id: {
        "state": "submitted", "submission_id": submission_id, "at": iso(now)}}, "updated_at": iso(now)}
    if reported:
        updated["barriers"] = barrier_rules.with_record(assignment.get("barriers"), occurrence.occurrence_id,
                                                        reported)
    if result is not None and result.total is not None:
        updated["scores"] = [*(assignment.get("scores") or []), {
            "occurrence_id": occurrence.occurrence_id, "submitted_at": iso(now), "total": result.total,
            "band": result.band}][-KEEP_SCORES:]
    stats = store.strip(found.get(keys.client_stats(client_id).sk)) or {}
    stats = adherence_ledger.with_outcome(
        _updated_stats(stats, ulid, occurrence, alert=alert_id is not None, now=now), ulid,
        occurrence.occurrence_id, body.completion, body.rating, rules.local_today(profile["timezone"], now),
        answered_early_at=iso(now) if now < occurrence.due_at else None)
    if template.id == SAFETY_PLAN_TEMPLATE:  # the crisis panel links to it without listing submissions
        stats["safety_plan"] = {"submission_id": submission_id, "submitted_at": iso(now), "title": assignment["title"]}
    stats, deterioration = _measure_change(stats, profile, template, assignment, submission_id, result, now)
    stats_action, _ = store.stats_put_action(profile, stats)
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
        if found.get(keys.draft_risk(client_id, ulid).sk):
            actions.append(table.delete_action(keys.draft_risk(client_id, ulid).as_dict()))
    if alert_id:
        alert = {
            "alert_id": alert_id, "client_id": client_id, "practice_id": profile["practice_id"],
            "clinician_id": profile["clinician_id"], "assignment_id": assignment_id,
            "submission_id": submission_id, "template_title": template.title, "status": "open",
            "created_at": iso(now),
            "items": [{"item": f.item, "label": f.label, "value": f.value, "answer": f.answer} for f in risk_flags],
        }
        # The alert also waits in the due-index until the clinician has been told: at once
        # after this transaction, or by the next sweep if that fails (a retried submission
        # replays its receipt, so the alert and its notice exist once).
        alert_item = {**store.alert_item(alert), "kind": "alert",
                      **reminder_store.alert_due_keys(alert, now)}
        actions.append(table.put_action(alert_item, condition="attribute_not_exists(pk)"))
    else:
        alert_item = None
    if deterioration:
        actions.append(table.put_action(deterioration, condition="attribute_not_exists(pk)"))
    table.transact(actions)
    return receipt, alert_item


def _measure_change(stats: dict[str, Any], profile: dict[str, Any], template: Template, assignment: dict[str, Any],
                    submission_id: str, result, now: datetime) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The caseload summary with this total classified (measure_outcomes), and a deterioration
    alert when the total is reliably worse than the client's first on this measure and the
    assignment has no deterioration alert open (one per assignment until acknowledged)."""
    if result is None or result.total is None:
        return stats, None
    ulid = keys.child_parts(assignment["assignment_id"])[1]
    change = measure_outcomes.ChangeRules.of(template.scoring)
    measures = stats.get("measures") or {}
    summary = measures.get(template.id)
    if summary is None:  # scored before the summary kept measures: start from this assignment's own totals
        for earlier in assignment.get("scores") or []:
            summary = measure_outcomes.with_score(summary, change, earlier["total"], title=template.title,
                                                  at=earlier["submitted_at"], assignment_ulid=ulid)
    summary = measure_outcomes.with_score(summary, change, result.total, title=template.title, at=iso(now),
                                          assignment_ulid=ulid)
    stats = {**stats, "measures": {**measures, template.id: summary}}
    open_by_assignment = stats.get("deterioration_alerts") or {}
    if summary["vs_baseline"] != "reliable_deterioration" or ulid in open_by_assignment or change is None:
        return stats, None
    client_id, alert_ulid = profile["client_id"], new_id()
    alert = {
        "alert_id": keys.child_id(client_id, alert_ulid), "client_id": client_id,
        "practice_id": profile["practice_id"], "clinician_id": profile["clinician_id"],
        "assignment_id": assignment["assignment_id"], "submission_id": submission_id,
        "template_title": template.title, "status": "open", "created_at": iso(now), "alert_kind": "deterioration",
        "change": {"template_id": template.id, "baseline": summary["baseline"], "total": result.total,
                   "change": result.total - summary["baseline"], "reliable_change": change.reliable_change,
                   "classification": summary["vs_baseline"]},
        # one line in the shape risk alerts use, so every list of alerts can show it as it is
        "items": [{"item": "total", "label": f"Reliable deterioration on {template.title} since the first score",
                   "value": result.total,
                   "answer": f"{summary['baseline']} → {result.total} (a reliable change is {change.reliable_change})"}],
    }
    stats = {**stats, "open_alerts": stats.get("open_alerts", 0) + 1,
             "deterioration_alerts": {**open_by_assignment, ulid: alert_ulid}}
    return stats, store.alert_item(alert)


def skip(principal: ClientPrincipal, assignment_id: str, body: SkipCreate) -> SkipReceipt:
    """Skip an occurrence, saying why and/or what got in the way; the adherence ledger in the
    caseload summary records it in the same transaction."""
    ulid = _own(principal, assignment_id)
    client_id = principal.client_id
    profile_sk = keys.client_profile(client_id).sk

    def attempt() -> SkipReceipt:
        found = _load(principal, ulid, keys.reminder(client_id, ulid), keys.client_stats(client_id))
        profile = found[profile_sk]
        assignment = found[keys.assignment(client_id, ulid).sk]
        schedule = rules.Schedule.of(assignment, profile["timezone"])
        done = assignment.get("occurrences", {})
        now = utc_now()
        occurrence = _pick_occurrence(schedule, done, body.occurrence_id, now)
        reported = _barrier_record(body.barriers, body.other, "skipped", now)
        updated = {**assignment, "updated_at": iso(now), "occurrences": {**done, occurrence.occurrence_id: {
            "state": "skipped", "reason": body.reason, "at": iso(now)}}}
        if reported:
            updated["barriers"] = barrier_rules.with_record(assignment.get("barriers"), occurrence.occurrence_id,
                                                            reported)
        stats = adherence_ledger.with_outcome(
            store.strip(found.get(keys.client_stats(client_id).sk)) or {}, ulid, occurrence.occurrence_id,
            "skipped", None, rules.local_today(profile["timezone"], now),
            answered_early_at=iso(now) if now < occurrence.due_at else None)
        stats_action, _ = store.stats_put_action(profile, stats)
        assignment_action, _ = store.assignment_put_action(store.strip(updated), assignment["version"])
        table.transact([assignment_action, stats_action, reminder_hooks.reminder_put_action(
            store.strip(updated), profile, now, found.get(keys.reminder(client_id, ulid).sk))])
        return SkipReceipt(assignment_id=assignment_id, occurrence_id=occurrence.occurrence_id)

    return retry_on_conflict(attempt, give_up=_busy)


# -- barriers ------------------------------------------------------------------------------

def _barrier_record(codes: Sequence[str] | None, other: str | None, context: barrier_rules.Context,
                    now: datetime) -> dict[str, Any] | None:
    """The record of what got in the way, or None when the client ticked nothing."""
    try:
        chosen, text = barrier_rules.normalise(codes, other)
    except barrier_rules.BarrierProblem as problem:
        raise FieldErrors.one(problem.field, problem.message, problem.code) from None
    return barrier_rules.record(chosen, text, context, iso(now)) if chosen else None


def report_barriers(principal: ClientPrincipal, assignment_id: str, body: BarrierReportCreate) -> BarrierReportView:
    """What got in the way of a missed occurrence; no barriers is "not now" (not asked again).
    Saying it again replaces what was said."""
    ulid = _own(principal, assignment_id)
    client_id = principal.client_id
    try:
        chosen, text = barrier_rules.normalise(body.barriers, body.other)
    except barrier_rules.BarrierProblem as problem:
        raise FieldErrors.one(problem.field, problem.message, problem.code) from None

    def attempt() -> BarrierReportView:
        found = store.get_many([keys.client_profile(client_id), keys.assignment(client_id, ulid)])
        profile = found.get(keys.client_profile(client_id).sk)
        assignment = found.get(keys.assignment(client_id, ulid).sk)
        if not profile or profile.get("practice_id") != principal.practice_id or not assignment:
            raise NotFound("No such assignment.")
        schedule = rules.Schedule.of(assignment, profile["timezone"])
        now = utc_now()
        occurrence = schedule.find(body.occurrence_id)
        if occurrence is None or not schedule.counts(occurrence):
            raise FieldErrors.one("occurrence_id", "This homework was not due on that day.", "unknown_occurrence")
        reason = barrier_rules.missed_reason(schedule, occurrence, assignment.get("occurrences") or {}, now)
        if reason:
            raise Conflict(reason)
        entry = barrier_rules.record(chosen, text, "missed", iso(now))
        updated = {**store.strip(assignment), "updated_at": iso(now),
                   "barriers": barrier_rules.with_record(assignment.get("barriers"), occurrence.occurrence_id, entry)}
        action, _ = store.assignment_put_action(updated, assignment["version"])
        table.transact([action])
        return BarrierReportView(assignment_id=assignment_id, occurrence_id=occurrence.occurrence_id,
                                 barriers=chosen, other=text, context="missed")

    return retry_on_conflict(attempt, give_up=_busy)


def get_submission(principal: ClientPrincipal, submission_id: str) -> ClientSubmissionDetail:
    """One of the client's own submissions with the form it was made on, in one BatchGet."""
    parts = keys.split_child_id(submission_id)
    if parts is None:
        raise NotFound("No such submission.")
    assignment_id, submission_ulid = parts
    client_id, ulid = parse_assignment_id(assignment_id)
    if client_id != principal.client_id:
        raise NotFound("No such submission.")
    wanted = {"profile": keys.client_profile(client_id), "submission": keys.submission(client_id, ulid, submission_ulid),
              "template": keys.assignment_template(client_id, ulid), "assignment": keys.assignment(client_id, ulid)}
    found = store.get_many(list(wanted.values()))
    profile, item = found.get(wanted["profile"].sk), found.get(wanted["submission"].sk)
    if not profile or profile.get("practice_id") != principal.practice_id or not item:
        raise NotFound("No such submission.")
    assignment = found.get(wanted["assignment"].sk) or {}
    snapshot = found.get(wanted["template"].sk)
    template = _with_translations(snapshot["template"]) if snapshot else None
    language = localized.language_of(profile)
    reported = (assignment.get("barriers") or {}).get(item["occurrence_id"])
    return ClientSubmissionDetail(
        **{k: item.get(k) for k in ("submission_id", "assignment_id", "kind", "occurrence_id", "due_at",
                                     "submitted_at", "completion", "answers", "rating", "obstacles",
                                     "note_for_session")},
        title=localized.title(template, item["title"], language),
        template=localized.localize(template, language) if template else None,
        score_band=localized.band_label(template, (item.get("score") or {}).get("band"), language),
        barriers=ClientBarriers(**{k: reported.get(k) for k in ("barriers", "other", "context")})
        if reported else None,
        feedback=_client_feedback(item.get("review")))


def _client_feedback(review: dict[str, Any] | None) -> ClientFeedback | None:
    return ClientFeedback(feedback=review["feedback"], reviewed_at=review["reviewed_at"]) if review else None


def history(principal: ClientPrincipal, *, limit: int, next_token: str | None) -> ClientSubmissionList:
    page = store.list_submissions(principal.client_id, limit=limit, next_token=next_token)
    # Titles in the language each was answered in (the list reads no profile or form).
    return ClientSubmissionList(items=[ClientSubmissionView(
        submission_id=s["submission_id"], assignment_id=s["assignment_id"],
        title=localized.homework_title(s, s.get("template_id"), s["title"]),
        occurrence_id=s["occurrence_id"], submitted_at=s["submitted_at"], completion=s["completion"],
        rating=s.get("rating"), feedback=_client_feedback(s.get("review")))
        for s in page.items], next_token=page.next_token)
