"""Clients' routes for their homework: list, open, autosave, submit, skip, history."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.http.common import ListQuery, page_token_errors
from chalicelib.http.framework import Call, Router, model_refs

if TYPE_CHECKING:
    from chalicelib.homework.models import (ClientAssignmentDetail, ClientAssignmentList, ClientSubmissionList, DraftSave,
                                            DraftView, SkipCreate, SkipReceipt, SubmissionCreate, SubmissionReceipt)
else:  # named, not imported: a model loads with the first request that needs it (cold start)
    (ClientAssignmentDetail, ClientAssignmentList, ClientSubmissionList, DraftSave, DraftView, SkipCreate,
     SkipReceipt, SubmissionCreate, SubmissionReceipt) = model_refs(
        "chalicelib.homework.models", "ClientAssignmentDetail", "ClientAssignmentList",
        "ClientSubmissionList", "DraftSave", "DraftView", "SkipCreate", "SkipReceipt", "SubmissionCreate",
        "SubmissionReceipt")

router = Router("client_homework")
TAGS = ("client",)


@router.route("/v1/client/assignments", "GET", auth="client", response=ClientAssignmentList,
              summary="Your homework: what is open now and what is due when", tags=TAGS)
def client_assignments(call: Call) -> ClientAssignmentList:
    from chalicelib.homework import submission_service

    return submission_service.list_assignments(call.principal)


@router.route("/v1/client/assignments/{assignment_id}", "GET", auth="client", response=ClientAssignmentDetail,
              summary="One homework with its form and your saved draft", tags=TAGS)
def client_assignment(call: Call) -> ClientAssignmentDetail:
    from chalicelib.homework import submission_service

    return submission_service.get_assignment(call.principal, call.params["assignment_id"])


@router.route("/v1/client/assignments/{assignment_id}/draft", "PUT", auth="client", body=DraftSave,
              response=DraftView, summary="Autosave a draft (409 with the stored draft if it changed elsewhere)",
              tags=TAGS)
def save_draft(call: Call) -> DraftView:
    from chalicelib.homework import submission_service

    return submission_service.save_draft(call.principal, call.params["assignment_id"], call.body)


@router.route("/v1/client/assignments/{assignment_id}/submissions", "POST", auth="client", body=SubmissionCreate,
              response=SubmissionReceipt, status=201, headers=("Idempotency-Key",),
              summary="Submit homework; send the same Idempotency-Key when retrying", tags=TAGS)
def submit(call: Call) -> SubmissionReceipt:
    key = call.header("Idempotency-Key")
    assert key is not None  # present and well-formed: the framework checks declared headers
    from chalicelib.homework import submission_service

    return submission_service.submit(call.principal, call.params["assignment_id"], call.body, key)


@router.route("/v1/client/assignments/{assignment_id}/skip", "POST", auth="client", body=SkipCreate,
              response=SkipReceipt, summary="Skip this time, saying why", tags=TAGS)
def skip(call: Call) -> SkipReceipt:
    from chalicelib.homework import submission_service

    return submission_service.skip(call.principal, call.params["assignment_id"], call.body)


@router.route("/v1/client/submissions", "GET", auth="client", query=ListQuery, response=ClientSubmissionList,
              summary="What you have sent, with your clinician's feedback", tags=TAGS)
def client_submissions(call: Call) -> ClientSubmissionList:
    from chalicelib.homework import submission_service

    with page_token_errors():
        return submission_service.history(call.principal, limit=call.query.limit, next_token=call.query.next_token)
