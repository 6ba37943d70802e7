"""Clinicians' routes for the next-session review and adherence across the caseload."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.http.framework import Call, Router, model_refs

if TYPE_CHECKING:
    from chalicelib.homework.review_models import (Adherence, AdherenceQuery, SessionReview, SessionReviewDone,
                                                   SessionReviewMark, SessionReviewQuery)
else:  # named, not imported: a model loads with the first request that needs it (cold start)
    (Adherence, AdherenceQuery, SessionReview, SessionReviewDone, SessionReviewMark, SessionReviewQuery) = model_refs(
        "chalicelib.homework.review_models", "Adherence", "AdherenceQuery", "SessionReview", "SessionReviewDone",
        "SessionReviewMark", "SessionReviewQuery")

router = Router("review")


def _audit(call: Call, action: str, client_ids: list[str], detail: str | None = None) -> None:
    from chalicelib.identity import audit

    if client_ids:
        audit.record(call.principal, action, client_ids, detail=detail, request_id=call.request_id)


@router.route("/v1/clients/{client_id}/session-review", "GET", auth="clinician", query=SessionReviewQuery,
              response=SessionReview, summary="Everything to review at the next session, since the last review "
              "(or `since`): completion, ratings from both sides, barriers, plan confidence, score changes, "
              "open alerts and the client's notes", tags=("review",))
def get_session_review(call: Call) -> dict[str, Any]:
    from chalicelib.homework import session_review_service

    review = session_review_service.get(call.principal, call.params["client_id"], call.query.since)
    _audit(call, "session_review.read", [review.client_id])
    return review.model_dump(mode="json", by_alias=True)


@router.route("/v1/clients/{client_id}/session-review", "POST", auth="clinician", body=SessionReviewDone,
              response=SessionReviewMark, status=201,
              summary="Mark the session review done; the next one starts from its `until`", tags=("review",))
def mark_session_review_done(call: Call) -> SessionReviewMark:
    from chalicelib.homework import session_review_service

    mark = session_review_service.mark_done(call.principal, call.params["client_id"], call.body)
    _audit(call, "session_review.done", [mark.client_id], mark.review_id)
    return mark


@router.route("/v1/insights/adherence", "GET", auth="clinician", query=AdherenceQuery, response=Adherence,
              summary="Completion and quality by homework type, reminder channel and local time of day, for "
              "your caseload (owners and admins: the practice, unless scope=mine)", tags=("insights",),
              errors={403: "Only owners and admins can ask for the whole practice"})
def adherence(call: Call) -> dict[str, Any]:
    from chalicelib.homework import insights_service

    result, client_ids = insights_service.report(call.principal, call.query)
    _audit(call, "adherence.read", client_ids, f"{result.from_}..{result.to}")
    return result.model_dump(mode="json", by_alias=True)
