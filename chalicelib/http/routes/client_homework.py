"""Clients' routes for their homework: list, open, autosave, submit, skip, say what got in the
way, history (and one past submission), notes for the next session."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.http.common import ListQuery, page_token_errors
from chalicelib.http.framework import Call, Router, model_refs

if TYPE_CHECKING:
    from chalicelib.homework.models import (BarrierReportCreate, BarrierReportView, ClientAssignmentDetail,
                                            ClientAssignmentList, ClientSubmissionDetail, ClientSubmissionList,
                                            DraftSave, DraftView, SessionNoteCreate, SessionNoteList,
                                            SessionNoteView, SkipCreate, SkipReceipt, SubmissionCreate,
                                            SubmissionReceipt)
else:  # named, not imported: a model loads with the first request that needs it (cold start)
    (ClientAssignmentDetail, ClientAssignmentList, ClientSubmissionList, DraftSave, DraftView, SkipCreate,
     SkipReceipt, SubmissionCreate, SubmissionReceipt) = model_refs(
        "chalicelib.homework.models", "ClientAssignmentDetail", "ClientAssignmentList",
        "ClientSubmissionList", "DraftSave", "DraftView", "SkipCreate", "SkipReceipt", "SubmissionCreate",
        "SubmissionReceipt")
    (BarrierReportCreate, BarrierReportView, ClientSubmissionDetail, SessionNoteCreate, SessionNoteList,
     SessionNoteView) = model_refs(
        "chalicelib.homework.models", "BarrierReportCreate", "BarrierReportView", "ClientSubmissionDetail",
        "SessionNoteCreate", "SessionNoteList", "SessionNoteView")

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
              response=SkipReceipt, summary="Skip this time, saying why or ticking what got in the way", tags=TAGS)
def skip(call: Call) -> SkipReceipt:
    from chalicelib.homework import submission_service

    return submission_service.skip(call.principal, call.params["assignment_id"], call.body)


@router.route("/v1/client/submissions", "GET", auth="client", query=ListQuery, response=ClientSubmissionList,
              summary="What you have sent, with your clinician's feedback", tags=TAGS)
def client_submissions(call: Call) -> ClientSubmissionList:
    from chalicelib.homework import submission_service

    with page_token_errors():
        return submission_service.history(call.principal, limit=call.query.limit, next_token=call.query.next_token)


@router.route("/v1/client/assignments/{assignment_id}/barriers", "POST", auth="client", body=BarrierReportCreate,
              response=BarrierReportView, tags=TAGS,
              summary="Say what got in the way of a missed occurrence (no barriers: \"not now\", not asked again)")
def report_barriers(call: Call) -> BarrierReportView:
    from chalicelib.homework import submission_service

    return submission_service.report_barriers(call.principal, call.params["assignment_id"], call.body)


@router.route("/v1/client/submissions/{submission_id}", "GET", auth="client", response=ClientSubmissionDetail,
              summary="One of your past submissions, to re-read, with your clinician's feedback", tags=TAGS)
def client_submission(call: Call) -> ClientSubmissionDetail:
    from chalicelib.homework import submission_service

    return submission_service.get_submission(call.principal, call.params["submission_id"])


@router.route("/v1/client/session-notes", "GET", auth="client", response=SessionNoteList,
              summary="Your notes for the next session (since the last one was reviewed)", tags=TAGS)
def session_notes(call: Call) -> SessionNoteList:
    from chalicelib.homework import notes_service

    return notes_service.list_notes(call.principal)


@router.route("/v1/client/session-notes", "POST", auth="client", body=SessionNoteCreate, response=SessionNoteView,
              status=201, summary="Add something you want to talk about at the next session", tags=TAGS)
def add_session_note(call: Call) -> SessionNoteView:
    from chalicelib.homework import notes_service

    return notes_service.create(call.principal, call.body)
