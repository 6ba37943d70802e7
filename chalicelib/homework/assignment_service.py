"""Assignments: a template personalised for one client, on a schedule in the client's
timezone. Clinicians create and change them; pausing and cancelling keep history."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chalicelib.clients import service as clients
from chalicelib.errors import Conflict, FieldErrors, NotFound
from chalicelib.fields import iso, new_id, utc_now
from chalicelib.homework import schedule as rules
from chalicelib.homework import plan_service, recall, template_service
from chalicelib.homework.models import AssignmentCreate, AssignmentUpdate, AssignmentView, OccurrenceView
from chalicelib.homework.library import get_library_template
from chalicelib.homework.recurrence import Recurrence
from chalicelib.identity.principals import Clinician
from chalicelib.reminders import hooks as reminder_hooks
from chalicelib.store import homework as store
from chalicelib.store import keys, table
from chalicelib.store.table import retry_on_conflict


def parse_assignment_id(assignment_id: str) -> tuple[str, str]:
    """(client_id, assignment ulid), or NotFound for an id we never issued."""
    parts = keys.split_child_id(assignment_id)
    if parts is None:
        raise NotFound("No such assignment.")
    return parts


def occurrence_view(occurrence, state: str, done: dict[str, Any]) -> OccurrenceView:
    record = done.get(occurrence.occurrence_id) or {}
    return OccurrenceView(occurrence_id=occurrence.occurrence_id, local_date=occurrence.local_date.isoformat(),
                          due_at=iso(occurrence.due_at), state=state, submission_id=record.get("submission_id"))


def view(assignment: dict[str, Any], timezone_name: str, draft: dict[str, Any] | None = None,
         now: datetime | None = None) -> AssignmentView:
    now = now or utc_now()
    schedule = rules.Schedule.of(assignment, timezone_name)
    done = assignment.get("occurrences", {})
    draft_occurrence = draft.get("occurrence_id") if draft else None
    current = rules.current_occurrence(schedule, done, now)
    upcoming = rules.next_due(schedule, done, now)
    return AssignmentView(
        **{k: assignment.get(k) for k in ("assignment_id", "client_id", "template_id", "template_version",
                                           "template_title", "kind", "title", "instructions", "start_date",
                                           "due_date", "due_time", "recurrence", "reminders", "status",
                                           "status_history", "created_at", "updated_at", "version")},
        change_history=assignment.get("change_history") or [],
        recall_overrides=assignment.get("recall_overrides") or [],
        current=occurrence_view(current, rules.state_of(schedule, current, done, draft_occurrence, now), done)
        if current else None,
        next_due_at=iso(upcoming.due_at) if upcoming else None,
        recent=[occurrence_view(o, s, done) for o, s in rules.recent(schedule, done, draft_occurrence, now)],
    )


def schedule_summary(assignment: dict[str, Any]) -> dict[str, Any]:
    """What the caseload summary keeps of an assignment: enough to count due occurrences, and to
    group adherence by homework type, reminder channel and local time of day."""
    reminders = assignment.get("reminders") or {}
    return {**{k: assignment.get(k) for k in ("recurrence", "start_date", "due_date", "due_time", "status_history",
                                              "kind", "template_id")},
            "reminders_enabled": bool(reminders.get("enabled", True)),
            "channels": reminders.get("channels")}  # None: the client's own channels


def client_instructions(assignment: dict[str, Any], stem: str | None = None) -> dict[str, str]:
    """What the client reads above the questions: the template's own instructions (a measure's
    timeframe stem), always, and the clinician's words beside them, left empty when they only
    repeat the template's (assignments made before the two were kept apart)."""
    stem = (assignment.get("template_instructions") if stem is None else stem) or ""
    own = assignment.get("instructions") or ""
    return {"template_instructions": stem, "instructions": "" if own.strip() == stem.strip() else own}


RECALL_OVERRIDES_KEPT = 30


def _recall_period(assignment: dict[str, Any]) -> int | None:
    measure = assignment.get("measure") or {}
    if "recall_period_days" in measure:
        return measure["recall_period_days"]
    library = get_library_template(assignment["template_id"])  # assigned before measures kept it
    return library.scoring.recall_period_days if library and library.scoring else None


def _recall_override(assignment: dict[str, Any], recurrence: dict[str, Any], start: str, override: bool,
                     reason: str | None, actor: Clinician, at: str) -> dict[str, Any] | None:
    """Refuses a schedule that sends the measure more often than its recall period (422 on
    `recurrence`), unless overridden with a reason: then the record to keep of that decision."""
    conflict = recall.check(_recall_period(assignment), Recurrence.model_validate(recurrence),
                            date.fromisoformat(start), assignment.get("template_title") or assignment["title"])
    if conflict is None:
        return None
    if not override:
        raise FieldErrors.one("recurrence", conflict.message, "recall_period")
    return {"at": at, "by": actor.sub, "by_name": actor.display_name or None, "reason": reason,
            "recurrence": recurrence, **conflict.record()}


def _load_stats(client_id: str) -> dict[str, Any]:
    return store.strip(table.get(keys.client_stats(client_id).as_dict(), consistent=True)) or {}


def create(actor: Clinician, client_id: str, body: AssignmentCreate) -> AssignmentView:
    profile = clients.get_for_clinician(actor, client_id, consistent=True)
    if profile.get("status") == "discharged":
        raise Conflict("This client is discharged: re-open them before assigning homework.")
    template, _facts = template_service.resolve_for_new_assignment(actor, body.template_id, body.template_version)
    now = utc_now()
    start = body.start_date or rules.local_today(profile["timezone"], now)
    ulid = new_id()
    assignment = {
        "assignment_id": keys.child_id(client_id, ulid),
        "client_id": client_id,
        "practice_id": profile["practice_id"],
        "template_id": template.id,
        "template_version": template.version,
        "template_title": template.title,
        "kind": template.kind,
        "title": body.title or template.title,
        # The clinician's own words only: the template's are kept apart and always shown too.
        "instructions": body.instructions or "",
        "template_instructions": template.instructions,
        "start_date": start.isoformat(),
        "due_date": body.due_date.isoformat() if body.due_date else None,
        "due_time": body.due_time,
        "recurrence": body.recurrence.model_dump(mode="json"),
        "reminders": body.reminders.model_dump(mode="json"),
        # What a review needs to read a score's change without the template snapshot.
        "measure": {"reliable_change": template.scoring.reliable_change,
                    "higher_is_better": template.scoring.higher_is_better,
                    "bands": [b.model_dump(mode="json") for b in template.scoring.bands],
                    "recall_period_days": template.scoring.recall_period_days}
        if template.scoring else None,
        "status": "active",
        "status_history": [{"status": "active", "at": iso(now), "by": actor.sub}],
        "occurrences": {},
        "created_by": actor.sub,
        "created_at": iso(now),
        "updated_at": iso(now),
    }
    override = _recall_override(assignment, assignment["recurrence"], assignment["start_date"],
                                body.override_recall_period, body.override_reason, actor, iso(now))
    if override:
        assignment["recall_overrides"] = [override]
    snapshot = {"template": template.model_dump(mode="json")}
    # The plan drafted with the client is written with the assignment, or not at all.
    plan_action = plan_service.create_action(assignment, body.plan, actor, iso(now))

    def attempt() -> AssignmentView:
        stats = _load_stats(client_id)
        stats = {**stats, "assignments": {**stats.get("assignments", {}), ulid: schedule_summary(assignment)}}
        stats_action, _ = store.stats_put_action(profile, stats)
        action, written = store.assignment_put_action(assignment, None)
        table.transact([action, store.template_snapshot_put_action(client_id, ulid, snapshot), stats_action,
                        reminder_hooks.reminder_put_action(assignment, profile, now),
                        *([plan_action] if plan_action else [])])
        return view(store.strip(written), profile["timezone"], now=now)

    created = retry_on_conflict(attempt, give_up=lambda: Conflict(
        "The client's homework is being changed by someone else; try again."))
    from chalicelib.notifications import client_notices  # the client hears of it by their own channels

    client_notices.new_homework(profile, assignment, now)  # a failed send never fails the request
    return created


def _get(actor: Clinician, assignment_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    client_id, ulid = parse_assignment_id(assignment_id)
    profile = clients.get_for_clinician(actor, client_id, consistent=True)
    item = table.get(keys.assignment(client_id, ulid).as_dict(), consistent=True)
    if item is None:
        raise NotFound("No such assignment.")
    return profile, store.strip(item)


def get(actor: Clinician, assignment_id: str) -> AssignmentView:
    profile, assignment = _get(actor, assignment_id)
    return view(assignment, profile["timezone"])


def list_for_client(actor: Clinician, client_id: str) -> list[AssignmentView]:
    profile = clients.get_for_clinician(actor, client_id)
    items = store.list_assignments_with_drafts(client_id)
    drafts = keys.drafts_by_assignment_sk(items)
    now = utc_now()
    return [view(store.strip(i), profile["timezone"], drafts.get(i["sk"]), now) for i in items if not keys.is_draft(i)]


# What PATCH /v1/assignments/{id} records in `change_history` (with the value before).
TRACKED_FIELDS = ("title", "instructions", "start_date", "due_date", "due_time", "recurrence", "reminders", "status")
CHANGES_KEPT = 30
_NOT_NULL = ("title", "instructions", "start_date", "due_time", "recurrence", "reminders", "status")


def _first_due_passed(assignment: dict[str, Any], timezone_name: str, now: datetime) -> bool:
    first = rules.Schedule.of(assignment, timezone_name).occurrences(limit=1)
    return bool(first) and first[0].due_at <= now


def _check_dates(before: dict[str, Any], after: dict[str, Any], changes: dict[str, Any], timezone_name: str,
                 now: datetime) -> list[dict[str, str]]:
    """Problems with the dates of `after`, by the field to change. The start date moves only
    while nothing has fallen due or been done yet, and never into the past; a due date is for
    one-off homework; neither the due date nor a series' end may come before the start."""
    errors: list[dict[str, str]] = []

    def refuse(field: str, message: str, type_: str) -> None:
        if not any(e["field"] == field for e in errors):  # one problem per field: the first to fix
            errors.append({"field": field, "message": message, "type": type_})

    today = rules.local_today(timezone_name, now)
    once = Recurrence.model_validate(after["recurrence"]).frequency == "once"
    if changes.get("start_date") not in (None, before["start_date"]):
        if before.get("occurrences") or _first_due_passed(before, timezone_name, now):
            refuse("start_date", "This homework has already started, so its start date cannot change.", "started")
        elif date.fromisoformat(changes["start_date"]) < today:
            refuse("start_date", "Choose today or a later date.", "date_in_past")
    if changes.get("due_date") not in (None, before.get("due_date")):
        if not once:
            refuse("due_date", "A due date applies to one-off homework; repeating homework is due each time.",
                   "due_date_not_allowed")
        elif date.fromisoformat(changes["due_date"]) < today:
            refuse("due_date", "Choose today or a later date.", "date_in_past")
    if not once and "due_date" not in changes:
        after["due_date"] = None  # now repeating: each occurrence is due on its own date
    if once and after.get("due_date") and after["due_date"] < after["start_date"]:
        refuse("due_date" if "due_date" in changes else "start_date", "The due date is before the start date.",
               "due_before_start")
    until = (after.get("recurrence") or {}).get("until")
    if until and until < after["start_date"]:
        refuse("recurrence.until" if "recurrence" in changes else "start_date",
               "The last date is before the start date.", "until_before_start")
    return errors


def change_entry(before: dict[str, Any], after: dict[str, Any], actor: Clinician, at: str) -> dict[str, Any] | None:
    """The `change_history` entry for an edit: which tracked fields changed and their values
    before, or None when none did."""
    fields = [f for f in TRACKED_FIELDS if before.get(f) != after.get(f)]
    if not fields:
        return None
    return {"at": at, "by": actor.sub, "by_name": actor.display_name or None, "fields": fields,
            "before": {f: before.get(f) for f in fields}}


def update(actor: Clinician, assignment_id: str, body: AssignmentUpdate) -> AssignmentView:
    # The fields sent, each whole (a schedule or reminder settings as complete as at creation).
    changes = body.model_dump(mode="json", include=body.model_fields_set - {"version", "override_recall_period",
                                                                             "override_reason"})
    empty = [field for field in _NOT_NULL if field in changes and changes[field] is None]
    if empty:
        raise FieldErrors([{"field": field, "message": "This cannot be left empty.", "type": "missing"}
                           for field in empty])

    def attempt() -> AssignmentView:
        profile, assignment = _get(actor, assignment_id)
        if body.version is not None and body.version != assignment["version"]:
            raise _changed()
        moment = utc_now()
        now = iso(moment)
        updated = {**assignment, **changes, "updated_at": now}
        problems = _check_dates(assignment, updated, changes, profile["timezone"], moment)
        if problems:
            raise FieldErrors(problems)
        if updated["recurrence"] != assignment["recurrence"]:  # a new schedule: does it fit the measure?
            override = _recall_override(updated, updated["recurrence"], updated["start_date"],
                                        body.override_recall_period, body.override_reason, actor, now)
            if override:
                updated["recall_overrides"] = [*(assignment.get("recall_overrides") or []),
                                               override][-RECALL_OVERRIDES_KEPT:]
        cancelling = False
        if "status" in changes and changes["status"] != assignment["status"]:
            if assignment["status"] == "cancelled":
                raise FieldErrors.one("status", "A cancelled assignment cannot be restarted; assign it again.",
                                      "cancelled")
            updated["status_history"] = [*assignment["status_history"],
                                         {"status": changes["status"], "at": now, "by": actor.sub}]
            cancelling = changes["status"] == "cancelled"
        entry = change_entry(assignment, updated, actor, now)
        if entry:
            updated["change_history"] = [*(assignment.get("change_history") or []), entry][-CHANGES_KEPT:]
        ulid = parse_assignment_id(assignment_id)[1]
        stats = _load_stats(assignment["client_id"])
        stats = {**stats, "assignments": {**stats.get("assignments", {}), ulid: schedule_summary(updated)}}
        stats_action, _ = store.stats_put_action(profile, stats)
        action, written = store.assignment_put_action(updated, assignment["version"])
        actions = [action, stats_action, reminder_hooks.reminder_put_action(updated, profile, utc_now())]
        plan_action = plan_service.cancel_action(updated, now) if cancelling else None
        table.transact([*actions, *([plan_action] if plan_action else [])])
        return view(store.strip(written), profile["timezone"])

    return retry_on_conflict(attempt, retry=body.version is None, give_up=_changed if body.version is not None
                             else lambda: Conflict("The assignment is being changed by someone else; try again."))


def _changed() -> Conflict:
    return Conflict("The assignment was changed by someone else; reload and try again.")


def cancel(actor: Clinician, assignment_id: str) -> AssignmentView:
    """DELETE cancels: no more occurrences fall due, and everything done so far stays."""
    _, assignment = _get(actor, assignment_id)
    if assignment["status"] == "cancelled":
        return get(actor, assignment_id)
    return update(actor, assignment_id, AssignmentUpdate(status="cancelled"))
