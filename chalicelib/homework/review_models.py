"""Request and response models for the next-session review and caseload adherence."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

from chalicelib.fields import RequestModel, ResponseModel
from chalicelib.homework.draft_risk import AlertSource

# -- the next-session review ---------------------------------------------------------------


class SessionReviewQuery(RequestModel):
    since: datetime | None = Field(
        default=None, description="Start of the review (ISO date and time; without an offset it is UTC). "
        "Default: when the last review was marked done, or everything when none was.")


class ReviewCompletion(ResponseModel):
    due: int = Field(description="Occurrences that fell due in the review while the homework was active.")
    done: int = Field(description="Of those, sent in (complete or partial).")
    partial: int = Field(description="Of the ones sent in, partly done.")
    skipped: int
    missed: int


class ConfidenceChange(ResponseModel):
    at: str
    from_: int | None = Field(alias="from", serialization_alias="from")
    to: int | None
    by_role: str

    model_config = ConfigDict(populate_by_name=True, defer_build=True)


class ReviewPlan(ResponseModel):
    confidence: int | None = None
    confidence_changes: list[ConfidenceChange] = Field(default_factory=list)
    needs_adjustment: bool = False
    when_where: str | None = None
    first_step: str | None = None


class BarrierReport(ResponseModel):
    occurrence_id: str
    barriers: list[str]
    other: str | None = None
    context: str | None = None
    reported_at: str | None = None


class ReviewAssignment(ResponseModel):
    assignment_id: str
    title: str
    kind: str
    template_id: str
    status: str
    completion: ReviewCompletion
    client_ratings: list[int]
    clinician_ratings: list[int]
    plan: ReviewPlan
    barriers: dict[str, int] = Field(description="How often each barrier was ticked, by code.")
    barrier_reports: list[BarrierReport]


class ReviewQuality(ResponseModel):
    client_mean: float | None = None
    clinician_mean: float | None = None
    client_ratings: list[int]
    clinician_ratings: list[int]


class ScorePoint(ResponseModel):
    total: float | int
    band: str | None = None
    at: str


class ReviewScore(ResponseModel):
    template_id: str
    title: str
    baseline: ScorePoint | None = Field(default=None, description="The last score at or before `since`, "
                                        "else the first one in the review.")
    latest: ScorePoint
    change: float | int | None = None
    reliable: bool | None = Field(default=None, description="Whether the change reaches the measure's "
                                  "reliable-change threshold (None: the measure has none).")
    direction: Literal["improved", "worsened", "no_change"] | None = None


AlertKind = Literal["risk", "deterioration"]


def alert_kind(item: dict[str, Any]) -> AlertKind:
    """An alert's own kind. A stored alert's `kind` names the entity (the due index's
    "alert"); its kind is `alert_kind`, absent on risk alerts from before deterioration ones."""
    return "deterioration" if item.get("alert_kind") == "deterioration" else "risk"


class ReviewAlert(ResponseModel):
    alert_id: str
    assignment_id: str | None = None
    submission_id: str | None = None
    template_title: str | None = None
    created_at: str
    items: list[dict[str, Any]] = Field(description="The risk answers: item id, its wording, the answer's score.")
    source: AlertSource = Field(default="submission", description="`draft`: left unsent in a draft; not sent by "
                                                                  "the client.")
    kind: AlertKind = Field(default="risk", description="`risk` or `deterioration` (see `change`).")
    change: dict[str, Any] | None = Field(default=None, description="For a deterioration alert: template_id, "
                                                                    "baseline, total, change, reliable_change, "
                                                                    "classification.")


class ReviewNote(ResponseModel):
    note_id: str
    text: str
    created_at: str
    source: Literal["note", "submission"] = "note"
    assignment_id: str | None = None


class ReviewSubmission(ResponseModel):
    submission_id: str
    assignment_id: str
    title: str
    occurrence_id: str
    submitted_at: str
    completion: str
    rating: int | None = None
    quality_rating: int | None = None
    score: dict[str, Any] | None = None


class SessionReview(ResponseModel):
    client_id: str
    display_name: str
    timezone: str
    since: str | None
    until: str
    assignments: list[ReviewAssignment]
    completion: ReviewCompletion
    barrier_counts: dict[str, int]
    quality: ReviewQuality
    scores: list[ReviewScore]
    open_alerts: list[ReviewAlert]
    notes: list[ReviewNote]
    submissions: list[ReviewSubmission]
    last_reviewed_at: str | None = Field(default=None, description="Where the last review marked done ended.")
    last_review_note: str | None = Field(default=None, description="The clinician's note on that review.")


class SessionReviewDone(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "until": "2026-11-30T10:00:00Z", "note": "Reviewed together; kept the thought record, moved it to mornings."}]})

    until: datetime | None = Field(default=None, description="The end of what was reviewed (default now); the "
                                   "next review starts here. Without an offset it is UTC.")
    note: str | None = Field(default=None, max_length=2_000)


class SessionReviewMark(ResponseModel):
    review_id: str
    client_id: str
    since: str | None = None
    until: str
    reviewed_at: str
    reviewed_by: str
    note: str | None = None


# -- adherence across the caseload ------------------------------------------------------------


class AdherenceQuery(RequestModel):
    model_config = ConfigDict(populate_by_name=False, defer_build=True, extra="forbid", str_max_length=10_000)

    from_: date = Field(alias="from", description="First local date (YYYY-MM-DD).")
    to: date = Field(description="Last local date (YYYY-MM-DD), at most 366 days after `from`.")
    scope: Literal["mine", "practice"] | None = Field(
        default=None, description="Owners and admins see the practice unless they ask for `mine`.")


class AdherenceFigures(ResponseModel):
    due: int
    done: int = Field(description="Sent in, complete or partial (a skip is not done).")
    partial: int
    skipped: int
    rate: float | None = Field(description="done ÷ due (None when nothing was due).")
    client_quality: float | None = Field(description="Mean of the client's own ratings (1-5) of what was done.")
    clinician_quality: float | None = Field(description="Mean of the clinician's quality ratings (1-5).")


class Adherence(ResponseModel):
    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    scope: Literal["mine", "practice"]
    clients: int
    overall: AdherenceFigures
    by_kind: dict[str, AdherenceFigures]
    by_channel: dict[str, AdherenceFigures]
    by_time_of_day: dict[str, AdherenceFigures]

    model_config = ConfigDict(populate_by_name=True, defer_build=True)
