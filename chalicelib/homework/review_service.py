"""The clinician's side of what comes back: submissions, reviews, risk alerts, progress."""
from __future__ import annotations

from typing import Any

from chalicelib.clients import service as clients
from chalicelib.errors import Conflict, NotFound
from chalicelib.fields import iso, utc_now
from chalicelib.homework import measure_outcomes
from chalicelib.homework import schedule as rules
from chalicelib.homework.assignment_service import parse_assignment_id
from chalicelib.homework.models import AlertView, Review, ReviewCreate, SubmissionView
from chalicelib.homework.review_models import alert_kind
from chalicelib.homework.scoring import reliable_change
from chalicelib.homework.templates import Template
from chalicelib.identity.principals import Clinician
from chalicelib.store import homework as store
from chalicelib.store import keys, table
from chalicelib.store.table import retry_on_conflict


def submission_view(item: dict[str, Any]) -> SubmissionView:
    return SubmissionView(
        **{k: item.get(k) for k in ("submission_id", "assignment_id", "client_id", "template_id",
                                     "template_version", "title", "occurrence_id", "submitted_at", "answers",
                                     "score", "completion", "rating", "obstacles", "note_for_session",
                                     "alert_id")},
        review=Review(**item["review"]) if item.get("review") else None, language=item.get("language") or "en")


def list_for_assignment(actor: Clinician, assignment_id: str, *, limit: int, next_token: str | None):
    client_id, ulid = parse_assignment_id(assignment_id)
    clients.get_for_clinician(actor, client_id)
    if table.get(keys.assignment(client_id, ulid).as_dict()) is None:
        raise NotFound("No such assignment.")
    page = store.list_submissions(client_id, assignment_ulid=ulid, limit=limit, next_token=next_token)
    return [submission_view(i) for i in page.items], page.next_token


def _locate(submission_id: str) -> tuple[str, str, str]:
    parts = keys.split_child_id(submission_id)
    if parts is None:
        raise NotFound("No such submission.")
    assignment_id, submission_ulid = parts
    client_id, assignment_ulid = parse_assignment_id(assignment_id)
    return client_id, assignment_ulid, submission_ulid


def _get(actor: Clinician, submission_id: str) -> dict[str, Any]:
    client_id, assignment_ulid, submission_ulid = _locate(submission_id)
    clients.get_for_clinician(actor, client_id)
    item = table.get(keys.submission(client_id, assignment_ulid, submission_ulid).as_dict(), consistent=True)
    if item is None:
        raise NotFound("No such submission.")
    return item


def get(actor: Clinician, submission_id: str) -> SubmissionView:
    return submission_view(_get(actor, submission_id))


def review(actor: Clinician, submission_id: str, body: ReviewCreate) -> SubmissionView:
    """Feedback and a quality rating on a submission. The rating goes into the adherence
    ledger (the caseload summary) in the same transaction; the client is then told, by their
    own channels, that feedback arrived (the first time only: an edit is not news)."""
    from chalicelib.homework import adherence_ledger

    client_id, assignment_ulid, submission_ulid = _locate(submission_id)
    profile = clients.get_for_clinician(actor, client_id)
    submission_key = keys.submission(client_id, assignment_ulid, submission_ulid)
    stats_key = keys.client_stats(client_id)

    def attempt() -> tuple[dict[str, Any], bool]:
        found = {i["sk"]: i for i in table.batch_get([submission_key.as_dict(), stats_key.as_dict()],
                                                     consistent=True)}
        item = found.get(submission_key.sk)
        if item is None:
            raise NotFound("No such submission.")
        now = utc_now()
        updated = {**item, "review": {"feedback": body.feedback, "quality_rating": body.quality_rating,
                                      "reviewed_at": iso(now), "reviewer_id": actor.sub}}
        occurrence_id, today = item["occurrence_id"], rules.local_today(profile["timezone"], now)
        stats = store.strip(found.get(stats_key.sk)) or {}
        if occurrence_id not in (stats.get("outcomes") or {}).get(assignment_ulid, {}):
            # Sent before the ledger was kept (or pruned since): record the outcome first.
            stats = adherence_ledger.with_outcome(stats, assignment_ulid, occurrence_id,
                                                  "partial" if item.get("completion") == "partial" else "complete",
                                                  item.get("rating"), today)
        stats = adherence_ledger.with_quality_rating(stats, assignment_ulid, occurrence_id, body.quality_rating,
                                                     today)
        submission_action, written = table.versioned_put_action(updated, item["version"])
        stats_action, _ = store.stats_put_action(profile, stats)
        table.transact([submission_action, stats_action])
        return written, not item.get("review")

    written, first_feedback = retry_on_conflict(attempt, give_up=lambda: Conflict(
        "The submission was reviewed at the same time; reload it."))
    if first_feedback:
        from chalicelib.notifications import client_notices

        client_notices.feedback(profile, written)  # a failed send never fails the request
    return submission_view(written)


# -- alerts ----------------------------------------------------------------------------

def alert_view(item: dict[str, Any]) -> AlertView:
    return AlertView(**{k: item.get(k) for k in AlertView.model_fields if k != "kind"}, kind=alert_kind(item))


def list_alerts(actor: Clinician, *, status: str, limit: int, next_token: str | None, kind: str | None = None):
    """A page of alerts, newest first; with `kind`, only that kind (a page may then hold fewer)."""
    if actor.manages_practice:
        page = store.list_alerts(practice_id=actor.practice_id, status=status, limit=limit, next_token=next_token)
    else:
        page = store.list_alerts(clinician_sub=actor.sub, status=status, limit=limit, next_token=next_token)
    visible = [i for i in page.items if i.get("practice_id") == actor.practice_id
               and kind in (None, i.get("alert_kind") or "risk")]
    return [alert_view(i) for i in visible], page.next_token


def acknowledge(actor: Clinician, alert_id: str, note: str | None) -> AlertView:
    parts = keys.split_child_id(alert_id)
    if parts is None:
        raise NotFound("No such alert.")
    client_id, alert_ulid = parts
    profile = clients.get_for_clinician(actor, client_id, consistent=True)

    def attempt() -> AlertView:
        found = store.get_many([keys.alert(client_id, alert_ulid), keys.client_stats(client_id)])
        alert = found.get(keys.alert(client_id, alert_ulid).sk)
        if alert is None:
            raise NotFound("No such alert.")
        if alert["status"] == "acknowledged":
            return alert_view(alert)
        now = iso(utc_now())
        acknowledged = {**store.strip(alert), "status": "acknowledged", "acknowledged_at": now,
                        "acknowledged_by": actor.sub, "note": note,
                        # the name as it was then: it stays readable after the clinician leaves or is renamed
                        "acknowledged_by_name": actor.display_name}
        stats = store.strip(found.get(keys.client_stats(client_id).sk)) or {}
        stats = {**stats, "open_alerts": max(0, stats.get("open_alerts", 0) - 1)}
        if alert.get("alert_kind") == "deterioration":  # the assignment may open a new one from now on
            stats["deterioration_alerts"] = {a: u for a, u in (stats.get("deterioration_alerts") or {}).items()
                                             if u != alert_ulid}
        stats_action, _ = store.stats_put_action(profile, stats)
        table.transact([
            table.put_action(store.alert_item(acknowledged), condition="#s = :open",
                             names={"#s": "status"}, values={":open": "open"}),
            stats_action,
        ])
        return alert_view(acknowledged)

    return retry_on_conflict(attempt, give_up=lambda: Conflict("The alert is being changed at the same time; "
                                                               "try again."))


# -- progress ----------------------------------------------------------------------------

def _template_for(snapshots: dict[str, dict[str, Any]], assignment_ulid: str) -> Template | None:
    snapshot = snapshots.get(assignment_ulid)
    return Template.model_validate(snapshot["template"]) if snapshot else None


def _add_outcomes(measure: dict[str, Any], template: Template | None) -> None:
    """Each score classified against the first and the previous one, with the rules' numbers
    and their sources (see measure_outcomes); `outcome` is the latest score against the first."""
    scoring = template.scoring if template else None
    change = measure_outcomes.ChangeRules.of(scoring)
    series = measure["series"]
    totals = [p["total"] for p in series]
    for point, outcome in zip(series, measure_outcomes.classify_series(change, totals), strict=True):
        point.update(outcome)
    measure["outcome"] = series[-1]["vs_baseline"]
    measure["change_rules"] = {
        "rules": scoring.change_rules, "reliable_change": scoring.reliable_change,
        "clinical_cutoff": scoring.clinical_cutoff,
        "sources": [s.model_dump(mode="json") for s in scoring.sources]} if scoring and change else None


def progress(actor: Clinician, client_id: str) -> dict[str, Any]:
    profile = clients.get_for_clinician(actor, client_id)
    partition = keys.client_partition(client_id)
    assignments = [i for i in table.query_all(partition, sk_prefix=keys.ASSIGNMENT_PREFIX) if not keys.is_draft(i)]
    snapshots = {keys.assignment_ulid_of_template(i): i
                 for i in table.query_all(partition, sk_prefix=keys.ASSIGNMENT_TEMPLATE_PREFIX)}
    submissions = sorted(store.all_submissions(client_id), key=lambda s: s["submitted_at"])
    now = utc_now()

    measures: dict[str, dict[str, Any]] = {}
    for item in submissions:
        total = (item.get("score") or {}).get("total")
        if total is None:
            continue
        assignment_ulid = keys.child_parts(item["assignment_id"])[1]
        template = _template_for(snapshots, assignment_ulid)
        measure = measures.setdefault(item["template_id"], {
            "template_id": item["template_id"], "title": template.title if template else item["title"],
            "bands": [b.model_dump(mode="json") for b in template.scoring.bands]
            if template and template.scoring else [],
            "higher_is_better": bool(template and template.scoring and template.scoring.higher_is_better),
            "series": [], "_template": template})
        measure["series"].append({"submitted_at": item["submitted_at"], "occurrence_id": item["occurrence_id"],
                                  "total": total, "band": item["score"].get("band"),
                                  "subscales": item["score"].get("subscales", {}),
                                  "cluster_rules": item["score"].get("cluster_rules", {})})
    for measure in measures.values():
        template = measure.pop("_template")
        series = measure["series"]
        measure["reliable_change"] = (reliable_change(template, series[0]["total"], series[-1]["total"])
                                      if template and len(series) > 1 else None)
        _add_outcomes(measure, template)

    per_assignment = []
    overall = rules.Completion(0, 0)
    for assignment in assignments:
        schedule = rules.Schedule.of(assignment, profile["timezone"])
        answers = rules.answers_from_records(assignment.get("occurrences"))
        ratio = rules.completion(schedule, answers, now)
        current, longest = rules.streaks(schedule, answers, now)
        overall += ratio
        ratings = [s["rating"] for s in submissions if s["assignment_id"] == assignment["assignment_id"]
                   and s.get("rating")]
        per_assignment.append({
            "assignment_id": assignment["assignment_id"], "title": assignment["title"],
            "status": assignment["status"], "done": ratio.done, "due": ratio.due, "completion": ratio.ratio,
            "current_streak": current, "longest_streak": longest,
            "client_rating_average": round(sum(ratings) / len(ratings), 2) if ratings else None,
        })
    return {"client_id": client_id, "measures": list(measures.values()), "assignments": per_assignment,
            "overall": {"done": overall.done, "due": overall.due, "completion": overall.ratio},
            **_trends(submissions, snapshots, profile["timezone"])}


def _trends(submissions: list[dict[str, Any]], snapshots: dict[str, dict[str, Any]],
            timezone_name: str) -> dict[str, Any]:
    """Subscale series and worksheet trends from the submissions progress already read."""
    from chalicelib.homework import trends

    templates: dict[str, Template | None] = {}
    entries = []
    for item in submissions:
        assignment_ulid = keys.child_parts(item["assignment_id"])[1]
        if assignment_ulid not in templates:  # one validation per assignment, not per submission
            templates[assignment_ulid] = _template_for(snapshots, assignment_ulid)
        template = templates[assignment_ulid]
        if template is not None:
            entries.append(trends.Entry(template, item["submission_id"], item["submitted_at"],
                                        item.get("answers") or {}, item.get("score") or {}))
    return {"subscales": trends.subscale_series(entries, timezone_name),
            "worksheet_trends": trends.worksheet_trends(entries, timezone_name)}
