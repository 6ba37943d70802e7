"""The next-session review, built from a client's review feed. Plain Python: no storage, no HTTP.

The feed (see chalicelib/store/review_feed.py) holds the profile, the caseload summary
(STATS: the adherence ledger and when the last review was marked done), every assignment
with its barriers and scores, every plan with its history, open alerts, and the dated things
(submissions, session notes) since the review's start. Everything below reads only that.

Rules:
- Which occurrences count, and which are done, is schedule.counted's rule (the same as the
  caseload's and progress'): one that fell due in [since, until] while the homework was
  active, or one answered (sent in or skipped) inside the review before it fell due. It is
  done (sent in: complete or partial), skipped, or else missed.
- Ratings are those of the submissions sent in during the review: the client's own rating and
  the clinician's quality rating from their review of it.
- Barriers count when they were reported during the review or belong to an occurrence in it;
  an empty report ("not now") is a dismissal, not a barrier.
- Confidence changes are the plan history entries in the review that set a confidence.
- Scores per measure: the baseline is the last score at or before `since`, else the first
  one in the review; the latest is the last one in the review; the change is reliable when
  it reaches the measure's reliable-change threshold; the direction follows whether a higher
  total is better.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from collections.abc import Iterable, Iterator

from chalicelib.fields import iso
from chalicelib.homework.items.base import tidy
from chalicelib.homework.recurrence import MAX_OCCURRENCES, Occurrence
from chalicelib.homework.review_models import (BarrierReport, ConfidenceChange, ReviewAlert, ReviewAssignment,
                                               ReviewCompletion, alert_kind, ReviewNote, ReviewPlan, ReviewQuality,
                                               ReviewScore, ReviewSubmission, ScorePoint, SessionReview)
from chalicelib.homework.schedule import Schedule, answers_from_records, counted

Feed = dict[str, list[dict[str, Any]]]


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _within(at: str | None, since: str | None, until: str) -> bool:
    """Whether an ISO time (as the product writes them) lies in [since, until]."""
    return at is not None and (since is None or at >= since) and at <= until


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def due_between(schedule: Schedule, since: datetime | None, until: datetime) -> Iterator[Occurrence]:
    """Occurrences that fell due in [since, until] while the assignment was active."""
    window_start = since
    end = until + timedelta(microseconds=1)  # `occurrences` takes a half-open window
    while True:
        batch = schedule.occurrences(window_start, end, limit=MAX_OCCURRENCES)
        yield from (o for o in batch if schedule.counts(o))
        if len(batch) < MAX_OCCURRENCES:
            return
        window_start = batch[-1].due_at + timedelta(seconds=1)


def _completion(assignment: dict[str, Any], schedule: Schedule, outcomes: dict[str, Any],
                partial_submissions: set[str], since: datetime | None, until: datetime) -> ReviewCompletion:
    counts = Counter[str]()
    found = counted(schedule, answers_from_records(assignment.get("occurrences")), until, since)
    for item in found:
        counts[item.outcome] += 1
        occurrence_id = item.occurrence.occurrence_id
        if item.outcome == "done" and ((outcomes.get(occurrence_id) or {}).get("c") == "partial"
                                       or occurrence_id in partial_submissions):
            counts["partial"] += 1
    return ReviewCompletion(due=len(found), done=counts["done"], partial=counts["partial"],
                            skipped=counts["skipped"], missed=counts["missed"])


def _plan(plan: dict[str, Any] | None, since: str | None, until: str) -> ReviewPlan:
    if not plan:
        return ReviewPlan()
    changes = []
    previous = None
    for entry in plan.get("history") or []:
        fields = entry.get("changes") or {}
        if "confidence" not in fields:
            continue
        if _within(entry.get("at"), since, until):
            changes.append(ConfidenceChange(at=entry["at"], from_=previous, to=fields["confidence"],
                                            by_role=entry.get("by_role") or "clinician"))
        previous = fields["confidence"]
    return ReviewPlan(confidence=plan.get("confidence"), confidence_changes=changes,
                      needs_adjustment=bool(plan.get("needs_adjustment")), when_where=plan.get("when_where"),
                      first_step=plan.get("first_step"))


def _barrier_reports(assignment: dict[str, Any], schedule: Schedule, since: datetime | None,
                     until: datetime) -> list[BarrierReport]:
    since_iso, until_iso = (iso(since) if since else None), iso(until)
    reports = []
    for occurrence_id, record in sorted((assignment.get("barriers") or {}).items()):
        if not record.get("barriers"):
            continue  # "not now": the client dismissed the question
        occurrence = schedule.find(occurrence_id)
        in_review = occurrence is not None and (since is None or occurrence.due_at >= since) \
            and occurrence.due_at <= until
        if in_review or _within(record.get("reported_at"), since_iso, until_iso):
            reports.append(BarrierReport(occurrence_id=occurrence_id, barriers=list(record["barriers"]),
                                         other=record.get("other"), context=record.get("context"),
                                         reported_at=record.get("reported_at")))
    return reports


def _quality_rating(submission: dict[str, Any]) -> int | None:
    return (submission.get("review") or {}).get("quality_rating")


def _score_points(assignments: list[dict[str, Any]], submissions: list[dict[str, Any]]) -> dict[str, list[dict]]:
    """Every known score by template: the assignments' score lists, and the submissions in the
    feed (in case an assignment's list is shorter), once per occurrence."""
    by_template: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
    for assignment in assignments:
        for score in assignment.get("scores") or []:
            if score.get("total") is None:
                continue
            by_template.setdefault(assignment["template_id"], {})[(assignment["assignment_id"],
                                                                    score["occurrence_id"])] = {
                "total": score["total"], "band": score.get("band"), "at": score["submitted_at"]}
    for submission in submissions:
        total = (submission.get("score") or {}).get("total")
        if total is None:
            continue
        by_template.setdefault(submission["template_id"], {}).setdefault(
            (submission["assignment_id"], submission["occurrence_id"]),
            {"total": total, "band": submission["score"].get("band"), "at": submission["submitted_at"]})
    return {template_id: sorted(points.values(), key=lambda p: p["at"]) for template_id, points in by_template.items()}


def score_change(measure: dict[str, Any] | None, baseline: dict[str, Any] | None,
                 latest: dict[str, Any]) -> tuple[Any, bool | None, str | None]:
    """(change, reliable, direction) from baseline to latest under a measure's rules
    ({reliable_change, higher_is_better}); all None without a separate baseline."""
    if baseline is None or baseline is latest:
        return None, None, None
    change = tidy(latest["total"] - baseline["total"])
    measure = measure or {}
    threshold = measure.get("reliable_change")
    reliable = abs(change) >= threshold if threshold else None
    if change == 0:
        direction = "no_change"
    elif (change > 0) == bool(measure.get("higher_is_better")):
        direction = "improved"
    else:
        direction = "worsened"
    return change, reliable, direction


def _scores(assignments: list[dict[str, Any]], submissions: list[dict[str, Any]], since: str | None,
            until: str) -> list[ReviewScore]:
    measures: dict[str, dict[str, Any]] = {}
    titles: dict[str, str] = {}
    for assignment in assignments:
        if assignment.get("measure") and assignment["template_id"] not in measures:
            measures[assignment["template_id"]] = assignment["measure"]
        titles.setdefault(assignment["template_id"], assignment.get("template_title") or assignment["title"])
    results = []
    for template_id, points in _score_points(assignments, submissions).items():
        inside = [p for p in points if _within(p["at"], since, until)]
        if not inside:
            continue
        before = [p for p in points if since is not None and p["at"] <= since]
        latest = inside[-1]
        baseline = before[-1] if before else inside[0]
        change, reliable, direction = score_change(measures.get(template_id), baseline, latest)
        results.append(ReviewScore(
            template_id=template_id, title=titles.get(template_id, template_id),
            baseline=ScorePoint(**baseline), latest=ScorePoint(**latest), change=change, reliable=reliable,
            direction=direction))
    return sorted(results, key=lambda s: s.title)


def _sum(completions: Iterable[ReviewCompletion]) -> ReviewCompletion:
    total = Counter[str]()
    for completion in completions:
        total.update(completion.model_dump())
    return ReviewCompletion(**{name: total[name] for name in ReviewCompletion.model_fields})


def build(feed: Feed, *, since: datetime | None, until: datetime) -> SessionReview:
    """The review of [since, until] (since None: from the start) from one read of the feed."""
    profile = feed["profile"][0]
    stats = (feed.get("stats") or [{}])[0]
    timezone = profile["timezone"]
    since_iso, until_iso = (iso(since) if since else None), iso(until)
    ledger = stats.get("outcomes") or {}
    submissions = sorted((s for s in feed.get("submission", []) if _within(s.get("submitted_at"), since_iso,
                                                                            until_iso)),
                         key=lambda s: s["submitted_at"])
    plans = {p.get("assignment_id"): p for p in feed.get("plan", [])}
    assignments = sorted(feed.get("assignment", []), key=lambda a: a["assignment_id"])

    reviewed = []
    for assignment in assignments:
        assignment_id = assignment["assignment_id"]
        ulid = assignment_id.rsplit("-", 1)[1]
        schedule = Schedule.of(assignment, timezone)
        own = [s for s in submissions if s["assignment_id"] == assignment_id]
        partial = {s["occurrence_id"] for s in own if s.get("completion") == "partial"}
        reports = _barrier_reports(assignment, schedule, since, until)
        reviewed.append(ReviewAssignment(
            assignment_id=assignment_id, title=assignment["title"], kind=assignment.get("kind") or "other",
            template_id=assignment["template_id"], status=assignment["status"],
            completion=_completion(assignment, schedule, ledger.get(ulid) or {}, partial, since, until),
            client_ratings=[s["rating"] for s in own if s.get("rating") is not None],
            clinician_ratings=[r for s in own if (r := _quality_rating(s)) is not None],
            plan=_plan(plans.get(assignment_id), since_iso, until_iso),
            barriers=dict(sorted(Counter(code for r in reports for code in r.barriers).items())),
            barrier_reports=reports))

    client_ratings = [s["rating"] for s in submissions if s.get("rating") is not None]
    clinician_ratings = [r for s in submissions if (r := _quality_rating(s)) is not None]
    notes = [ReviewNote(note_id=n["note_id"], text=n["text"], created_at=n["created_at"])
             for n in feed.get("note", []) if _within(n.get("created_at"), since_iso, until_iso)]
    notes += [ReviewNote(note_id=s["submission_id"], text=s["note_for_session"], created_at=s["submitted_at"],
                         source="submission", assignment_id=s["assignment_id"])
              for s in submissions if s.get("note_for_session")]
    marks = sorted(feed.get("sessionreview", []), key=lambda m: m["reviewed_at"])
    barrier_counts = Counter[str]()
    for item in reviewed:
        barrier_counts.update(item.barriers)
    return SessionReview(
        client_id=profile["client_id"], display_name=profile["display_name"], timezone=timezone,
        since=since_iso, until=until_iso, assignments=reviewed,
        completion=_sum(a.completion for a in reviewed),
        barrier_counts=dict(sorted(barrier_counts.items())),
        quality=ReviewQuality(client_mean=_mean(client_ratings), clinician_mean=_mean(clinician_ratings),
                              client_ratings=client_ratings, clinician_ratings=clinician_ratings),
        scores=_scores(assignments, submissions, since_iso, until_iso),
        open_alerts=[ReviewAlert(**{k: a.get(k) for k in ReviewAlert.model_fields if k != "kind"}, kind=alert_kind(a))
                     for a in sorted(feed.get("alert", []), key=lambda a: a["created_at"]) if a.get("status") == "open"],
        notes=sorted(notes, key=lambda n: n.created_at),
        submissions=[ReviewSubmission(
            submission_id=s["submission_id"], assignment_id=s["assignment_id"], title=s["title"],
            occurrence_id=s["occurrence_id"], submitted_at=s["submitted_at"], completion=s.get("completion") or
            "complete", rating=s.get("rating"), quality_rating=_quality_rating(s),
            score={"total": s["score"].get("total"), "band": s["score"].get("band")} if s.get("score") else None)
            for s in submissions],
        last_reviewed_at=stats.get("session_reviewed_at"),
        last_review_note=marks[-1].get("note") if marks else None,
    )
