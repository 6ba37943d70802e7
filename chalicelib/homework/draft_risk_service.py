"""The sweep's side of risk answers left unsent in a draft (rules: homework/draft_risk.py):
when a draft's wait is over, open one alert marked as not sent by the client."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.fields import iso, new_id
from chalicelib.homework import draft_risk
from chalicelib.homework.scoring import score
from chalicelib.homework.templates import Template
from chalicelib.store import homework as store
from chalicelib.store import keys, table
from chalicelib.store import reminders as reminder_store


def sweep_keys(entry: dict[str, Any]) -> list[dict[str, str]]:
    """What `open_alert` reads besides the draft, in the sweep's one consistent BatchGet."""
    client_id, ulid = keys.child_parts(entry["assignment_id"])
    return [keys.client_profile(client_id).as_dict(), keys.assignment_template(client_id, ulid).as_dict(),
            keys.client_stats(client_id).as_dict(), keys.draft_risk(client_id, ulid).as_dict()]


def open_alert(draft: dict[str, Any], found: dict, now: datetime) -> dict | None:
    """The alert item opened for the draft's waiting risk answers (once: the record of what was
    alerted, the alert and the caseload's count are one transaction, conditioned on the record
    as read), or None when nothing is to be alerted (the draft moved on, or the answers are gone)."""
    client_id, ulid = keys.child_parts(draft["assignment_id"])
    profile = found.get(tuple(keys.client_profile(client_id)))
    snapshot = found.get(tuple(keys.assignment_template(client_id, ulid)))
    record = found.get(tuple(keys.draft_risk(client_id, ulid)))
    stats = found.get(tuple(keys.client_stats(client_id)))
    if not profile or not snapshot or not draft.get("risk_due_at") or draft["risk_due_at"] > iso(now):
        return None  # erased meanwhile, or a save moved the wait on
    template = Template.model_validate(snapshot["template"])
    occurrence_id = draft.get("occurrence_id")
    flags = draft_risk.pending(record, occurrence_id, score(template, draft.get("answers") or {}).risk_flags)
    if not flags:
        reminder_store.draft_risk_done(draft)
        return None
    alert_id = keys.child_id(client_id, new_id())
    alert = {
        "alert_id": alert_id, "client_id": client_id, "practice_id": profile["practice_id"],
        "clinician_id": profile["clinician_id"], "assignment_id": draft["assignment_id"], "submission_id": None,
        "source": draft_risk.SOURCE, "occurrence_id": occurrence_id, "template_title": template.title,
        "status": "open", "created_at": iso(now), "draft_saved_at": draft.get("saved_at"),
        "items": [{"item": f.item, "label": f.label, "value": f.value, "answer": f.answer} for f in flags],
    }
    # Like a submission's risk alert, it waits in the due-index until the clinician is told.
    alert_item = {**store.alert_item(alert), "kind": "alert", **reminder_store.alert_due_keys(alert, now)}
    record_item = {**keys.draft_risk(client_id, ulid).as_dict(),
                   **draft_risk.record_after(record, occurrence_id, alert_id, flags)}
    record_action, _ = table.versioned_put_action(record_item, record["version"] if record else None)
    summary = store.strip(stats) or {}
    stats_action, _ = store.stats_put_action(profile, {**summary, "open_alerts": summary.get("open_alerts", 0) + 1})
    try:
        table.transact([table.put_action(alert_item, condition="attribute_not_exists(pk)"), record_action,
                        stats_action])
    except table.ConditionFailed:
        return None  # another sweep, or a submission, got there first: the lease brings it back to decide again
    reminder_store.draft_risk_done(draft)
    return alert_item
