"""Clinicians' routes for templates, assignments, submissions, reviews, alerts and progress."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.fields import ResponseModel
from chalicelib.http.common import ListQuery, page_token_errors
from chalicelib.http.framework import Call, Router, model_refs

if TYPE_CHECKING:
    from chalicelib.homework.models import (AlertAcknowledge, AlertList, AlertQuery, AlertView, AssignmentCreate,
                                            AssignmentList, AssignmentUpdate, AssignmentView, ReviewCreate,
                                            SubmissionList, SubmissionView, TemplateCreate, TemplateDetail,
                                            TemplateList, TemplateQuery, TemplateUpdate)
else:  # named, not imported: a model loads with the first request that needs it (cold start)
    (AlertAcknowledge, AlertList, AlertQuery, AlertView, AssignmentCreate, AssignmentList, AssignmentUpdate,
     AssignmentView, ReviewCreate, SubmissionList, SubmissionView, TemplateCreate, TemplateDetail,
     TemplateList, TemplateQuery, TemplateUpdate) = model_refs(
        "chalicelib.homework.models", "AlertAcknowledge", "AlertList", "AlertQuery", "AlertView",
        "AssignmentCreate", "AssignmentList", "AssignmentUpdate", "AssignmentView", "ReviewCreate",
        "SubmissionList", "SubmissionView", "TemplateCreate", "TemplateDetail", "TemplateList",
        "TemplateQuery", "TemplateUpdate")

router = Router("homework")


def _audit(call: Call, action: str, client_id: str, detail: str | None = None) -> None:
    from chalicelib.identity import audit

    audit.record(call.principal, action, [client_id], detail=detail, request_id=call.request_id)


def _audit_recall_override(call: Call, view: AssignmentView) -> None:
    """A measure set to be sent more often than its recall period, on this request (the reason
    stays in the assignment's `recall_overrides`, not in the audit trail's detail)."""
    latest = view.recall_overrides[-1] if view.recall_overrides else None
    if call.body.override_recall_period and latest and latest["at"] == view.updated_at:
        _audit(call, "assignment.recall_override", view.client_id, view.assignment_id)


# -- templates ---------------------------------------------------------------------------

@router.route("/v1/templates", "GET", auth="clinician", response=TemplateList,
              summary="The library and the practice's own templates", tags=("templates",))
def list_templates(call: Call) -> TemplateList:
    from chalicelib.homework.models import TemplateList

    from chalicelib.homework import template_service

    return TemplateList(items=template_service.list_templates(call.principal))


@router.route("/v1/templates", "POST", auth="clinician", body=TemplateCreate, response=TemplateDetail, status=201,
              summary="Create a custom template (e.g. an adapted copy of a library one)", tags=("templates",))
def create_template(call: Call) -> TemplateDetail:
    from chalicelib.homework import template_service

    return template_service.create(call.principal, call.body)


@router.route("/v1/templates/{template_id}", "GET", auth="clinician", query=TemplateQuery, response=TemplateDetail,
              summary="A template; `?version=` reads an earlier version", tags=("templates",))
def get_template(call: Call) -> TemplateDetail:
    from chalicelib.homework import template_service

    return template_service.detail(*template_service.resolve(call.principal, call.params["template_id"],
                                                             call.query.version))


@router.route("/v1/templates/{template_id}", "PUT", auth="clinician", body=TemplateUpdate, response=TemplateDetail,
              summary="Save a new version of a custom template", tags=("templates",))
def update_template(call: Call) -> TemplateDetail:
    from chalicelib.homework import template_service

    return template_service.update(call.principal, call.params["template_id"], call.body)


@router.route("/v1/templates/{template_id}/archive", "POST", auth="clinician", response=TemplateDetail,
              summary="Archive a custom template: hidden from the list, refused for new assignments "
              "(existing ones keep working); its author, owners and admins", tags=("templates",))
def archive_template(call: Call) -> TemplateDetail:
    from chalicelib.homework import template_service

    return template_service.set_archived(call.principal, call.params["template_id"], True)


@router.route("/v1/templates/{template_id}/unarchive", "POST", auth="clinician", response=TemplateDetail,
              summary="Restore an archived custom template", tags=("templates",))
def unarchive_template(call: Call) -> TemplateDetail:
    from chalicelib.homework import template_service

    return template_service.set_archived(call.principal, call.params["template_id"], False)


# -- assignments -----------------------------------------------------------------------------

@router.route("/v1/clients/{client_id}/assignments", "GET", auth="clinician", response=AssignmentList,
              summary="A client's assignments with their current occurrence", tags=("assignments",))
def list_assignments(call: Call) -> AssignmentList:
    from chalicelib.homework.models import AssignmentList

    from chalicelib.homework import assignment_service

    items = assignment_service.list_for_client(call.principal, call.params["client_id"])
    _audit(call, "assignment.list", call.params["client_id"])
    return AssignmentList(items=items)


@router.route("/v1/clients/{client_id}/assignments", "POST", auth="clinician", body=AssignmentCreate,
              response=AssignmentView, status=201, summary="Assign homework to a client", tags=("assignments",))
def create_assignment(call: Call) -> AssignmentView:
    from chalicelib.homework import assignment_service

    created = assignment_service.create(call.principal, call.params["client_id"], call.body)
    _audit(call, "assignment.create", created.client_id, created.assignment_id)
    _audit_recall_override(call, created)
    return created


@router.route("/v1/assignments/{assignment_id}", "GET", auth="clinician", response=AssignmentView,
              summary="One assignment", tags=("assignments",))
def get_assignment(call: Call) -> AssignmentView:
    from chalicelib.homework import assignment_service

    found = assignment_service.get(call.principal, call.params["assignment_id"])
    _audit(call, "assignment.read", found.client_id, found.assignment_id)
    return found


@router.route("/v1/assignments/{assignment_id}", "PATCH", auth="clinician", body=AssignmentUpdate,
              response=AssignmentView, summary="Change, pause or resume an assignment", tags=("assignments",))
def update_assignment(call: Call) -> AssignmentView:
    from chalicelib.homework import assignment_service

    updated = assignment_service.update(call.principal, call.params["assignment_id"], call.body)
    _audit(call, "assignment.update", updated.client_id, updated.assignment_id)
    _audit_recall_override(call, updated)
    return updated


@router.route("/v1/assignments/{assignment_id}", "DELETE", auth="clinician", response=AssignmentView,
              summary="Cancel an assignment (its history stays)", tags=("assignments",))
def cancel_assignment(call: Call) -> AssignmentView:
    from chalicelib.homework import assignment_service

    cancelled = assignment_service.cancel(call.principal, call.params["assignment_id"])
    _audit(call, "assignment.cancel", cancelled.client_id, cancelled.assignment_id)
    return cancelled


# -- review --------------------------------------------------------------------------------

@router.route("/v1/assignments/{assignment_id}/submissions", "GET", auth="clinician", query=ListQuery,
              response=SubmissionList, summary="Submissions for an assignment, newest first", tags=("review",))
def list_submissions(call: Call) -> SubmissionList:
    from chalicelib.homework.models import SubmissionList

    from chalicelib.homework import assignment_service, review_service

    with page_token_errors():
        items, token = review_service.list_for_assignment(call.principal, call.params["assignment_id"],
                                                          limit=call.query.limit, next_token=call.query.next_token)
    client_id = assignment_service.parse_assignment_id(call.params["assignment_id"])[0]
    _audit(call, "submission.list", client_id, call.params["assignment_id"])
    return SubmissionList(items=items, next_token=token)


@router.route("/v1/submissions/{submission_id}", "GET", auth="clinician", response=SubmissionView,
              summary="One submission with its answers and scores", tags=("review",))
def get_submission(call: Call) -> SubmissionView:
    from chalicelib.homework import review_service

    found = review_service.get(call.principal, call.params["submission_id"])
    _audit(call, "submission.read", found.client_id, found.submission_id)
    return found


@router.route("/v1/submissions/{submission_id}/review", "POST", auth="clinician", body=ReviewCreate,
              response=SubmissionView, summary="Give feedback and rate the homework's quality", tags=("review",))
def review_submission(call: Call) -> SubmissionView:
    from chalicelib.homework import review_service

    reviewed = review_service.review(call.principal, call.params["submission_id"], call.body)
    _audit(call, "submission.review", reviewed.client_id, reviewed.submission_id)
    return reviewed


class Progress(ResponseModel):
    client_id: str
    measures: list[dict[str, Any]]
    assignments: list[dict[str, Any]]
    overall: dict[str, Any]
    subscales: list[dict[str, Any]] = []  # per measure with subscales: definitions and a point per score
    worksheet_trends: list[dict[str, Any]] = []  # named series of worksheet values (trends.worksheet_trends)


@router.route("/v1/clients/{client_id}/progress", "GET", auth="clinician", response=Progress,
              summary="Scores over time with bands, reliable change and each score's classification against "
              "the first and the previous (with the sources of the numbers); completion and streaks",
              tags=("review",))
def client_progress(call: Call) -> Progress:
    from chalicelib.homework import review_service

    result = review_service.progress(call.principal, call.params["client_id"])
    _audit(call, "progress.read", call.params["client_id"])
    return Progress(**result)


# -- alerts ----------------------------------------------------------------------------------

@router.route("/v1/alerts", "GET", auth="clinician", query=AlertQuery, response=AlertList,
              summary="Risk and deterioration alerts for your clients (owners and admins: the practice), "
              "newest first; `?kind=` one kind",
              tags=("alerts",))
def list_alerts(call: Call) -> AlertList:
    from chalicelib.homework.models import AlertList

    from chalicelib.homework import review_service

    with page_token_errors():
        items, token = review_service.list_alerts(call.principal, status=call.query.status, limit=call.query.limit,
                                                  next_token=call.query.next_token, kind=call.query.kind)
    for client_id in dict.fromkeys(a.client_id for a in items):
        _audit(call, "alert.list", client_id)
    return AlertList(items=items, next_token=token)


@router.route("/v1/alerts/{alert_id}/acknowledge", "POST", auth="clinician", body=AlertAcknowledge,
              response=AlertView, summary="Acknowledge a risk alert", tags=("alerts",))
def acknowledge_alert(call: Call) -> AlertView:
    from chalicelib.homework import review_service

    acknowledged = review_service.acknowledge(call.principal, call.params["alert_id"], call.body.note)
    _audit(call, "alert.acknowledge", acknowledged.client_id, acknowledged.alert_id)
    return acknowledged
