"""Request and response models for templates, assignments, drafts, submissions,
reviews, alerts and progress."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.clients.models import Channel
from chalicelib.fields import Flag, LocalTime, RequestModel, ResponseModel
from chalicelib.homework.barriers import CODES as BARRIER_CODES
from chalicelib.homework.barriers import LABELS as BARRIER_LABELS
from chalicelib.homework.barriers import OTHER_MAX_LENGTH, BarrierCode
from chalicelib.homework.draft_risk import AlertSource
from chalicelib.homework.plan_models import PlanDraft
from chalicelib.homework.recurrence import Recurrence
from chalicelib.homework.templates import TemplateContent

AssignmentStatus = Literal["active", "paused", "cancelled"]
OccurrenceState = Literal["upcoming", "open", "draft", "submitted", "skipped", "missed"]


# -- templates ------------------------------------------------------------------------

class TemplateCreate(RequestModel):
    """A custom template: its content, whether the practice shares it, and where it came from."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "content": {"title": "Evening wind-down", "kind": "diary", "instructions": "Note how you wound down.",
                    "items": [{"id": "what", "type": "long_text", "label": "What did you do?", "required": True}]},
        "shared": True}]})

    content: TemplateContent
    shared: Flag = True
    based_on: str | None = Field(default=None, max_length=80,
                                 description="Id of the template this one was adapted from (e.g. a library slug).")


class TemplateUpdate(RequestModel):
    """Replaces the content with a new version; earlier versions stay readable."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "content": {"title": "Evening wind-down (v2)", "kind": "diary",
                    "items": [{"id": "what", "type": "long_text", "label": "What did you do?", "required": True}]},
        "shared": True, "version": 1}]})

    content: TemplateContent
    shared: Flag | None = None
    version: int = Field(ge=1, description="The latest version you read (a stale one is a 409).")


class TemplateSummary(ResponseModel):
    template_id: str
    version: int
    title: str
    kind: str
    description: str = ""
    source: Literal["library", "practice"]
    shared: bool = True
    owner_id: str | None = None
    licence: str | None = None


class TemplateList(ResponseModel):
    items: list[TemplateSummary]


class TemplateDetail(ResponseModel):
    template_id: str
    version: int
    latest_version: int
    source: Literal["library", "practice"]
    shared: bool = True
    owner_id: str | None = None
    based_on: str | None = None
    archived: bool = Field(default=False, description="Hidden from the list and refused for new assignments.")
    content: dict[str, Any]


class TemplateQuery(RequestModel):
    version: int | None = Field(default=None, ge=1, le=999_999)


# -- assignments ------------------------------------------------------------------------

class ReminderSettings(RequestModel):
    """How this assignment reminds; unset fields follow the client's own preferences."""

    enabled: Flag = True
    channels: list[Channel] | None = Field(default=None, max_length=len(Channel))
    time: LocalTime | None = Field(default=None, description="Local reminder time instead of the client's.")
    only_while_open: Flag = True
    follow_up_after_hours: int | None = Field(default=None, ge=1, le=72)
    max_follow_ups: int = Field(default=1, ge=0, le=3)

    @field_validator("channels")
    @classmethod
    def _unique(cls, value: list[Channel] | None) -> list[Channel] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("each channel may appear once")
        return value


OverrideRecall = Annotated[bool, Field(description=(
    "Send a measure more often than its recall period allows (e.g. PHQ-9, which asks about the last 2 weeks, "
    "daily); needs `override_reason`, which the assignment keeps in `recall_overrides`."))]
OverrideReason = Annotated[str | None, Field(max_length=500, validate_default=True, description=(
    "Why the measure is sent more often than its recall period (required with `override_recall_period`)."))]


def _checked_reason(reason: str | None, info: ValidationInfo) -> str | None:
    reason = (reason or "").strip() or None
    if info.data.get("override_recall_period") and reason is None:
        raise PydanticCustomError("missing", "Say why it should be sent more often than the measure's recall "
                                             "period allows.")
    return reason


class AssignmentCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "template_id": "thought-record", "title": "Catch one upsetting thought a day",
        "instructions": "When you notice your mood drop, pause and fill this in.",
        "start_date": "2026-12-01", "due_time": "21:00",
        "recurrence": {"frequency": "daily", "count": 14},
        "reminders": {"enabled": True, "follow_up_after_hours": 2},
        "plan": {"rationale": "Catching the thought is the first step to questioning it.",
                 "when_where": "After dinner, at the kitchen table, on weekdays",
                 "first_step": "Save the link on my phone's home screen tonight",
                 "obstacles": [{"obstacle": "Too tired after work", "response": "Write just the situation"}],
                 "confidence": 6}}]})

    template_id: str = Field(min_length=1, max_length=80)
    template_version: int | None = Field(default=None, ge=1)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    instructions: str | None = Field(default=None, max_length=5_000)
    start_date: date | None = Field(default=None, description="Client-local date of the first occurrence (default today).")
    due_date: date | None = Field(default=None, description="One-off assignments: the local due date (default start).")
    due_time: LocalTime = "20:00"
    recurrence: Recurrence = Field(default_factory=lambda: Recurrence(frequency="once"))
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)
    plan: PlanDraft | None = Field(default=None, description="The plan drafted with the client (the client can "
                                                             "finish it); without one the plan starts blank.")
    override_recall_period: OverrideRecall = False
    override_reason: OverrideReason = None

    @field_validator("override_reason")
    @classmethod
    def _reason_needs_override(cls, reason: str | None, info: ValidationInfo) -> str | None:
        return _checked_reason(reason, info)

    @model_validator(mode="after")
    def _dates(self) -> AssignmentCreate:
        if self.due_date is not None:
            if self.recurrence.frequency != "once":
                raise ValueError("a due date applies to one-off homework; repeating homework is due each time")
            if self.start_date is not None and self.due_date < self.start_date:
                raise ValueError("the due date is before the start date")
        return self


class AssignmentUpdate(RequestModel):
    """Change an assignment already made; what changed, and what it was before, is kept in
    its `change_history`."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "title": "Thought record after difficult moments", "status": "paused", "version": 1}]})

    title: str | None = Field(default=None, min_length=1, max_length=200)
    instructions: str | None = Field(default=None, max_length=5_000)
    start_date: date | None = Field(default=None, description="Only before the homework has started, and not in "
                                                              "the past.")
    due_date: date | None = Field(default=None, description="One-off homework only (null: due on its start date).")
    due_time: LocalTime | None = None
    recurrence: Recurrence | None = None
    reminders: ReminderSettings | None = None
    status: AssignmentStatus | None = None
    version: int | None = Field(default=None, ge=1, le=1_000_000)
    override_recall_period: OverrideRecall = False
    override_reason: OverrideReason = None

    @field_validator("override_reason")
    @classmethod
    def _reason_needs_override(cls, reason: str | None, info: ValidationInfo) -> str | None:
        return _checked_reason(reason, info)


class OccurrenceView(ResponseModel):
    occurrence_id: str
    local_date: str
    due_at: str
    state: OccurrenceState
    submission_id: str | None = None


class AssignmentView(ResponseModel):
    assignment_id: str
    client_id: str
    template_id: str
    template_version: int
    template_title: str
    kind: str
    title: str
    instructions: str = Field(description="The clinician's own words for this client (may be empty); the "
                                          "template's own instructions are always shown to the client too.")
    start_date: str
    due_date: str | None = None
    due_time: str
    recurrence: dict[str, Any]
    reminders: dict[str, Any]
    status: AssignmentStatus
    status_history: list[dict[str, Any]]
    change_history: list[dict[str, Any]] = Field(
        default_factory=list, description="Changes made after it was assigned, oldest first (the last 30): "
                                          "{at, by, by_name, fields, before: {field: value before}}.")
    recall_overrides: list[dict[str, Any]] = Field(
        default_factory=list, description="Each time the measure was set to be sent more often than its recall "
                                          "period: {at, by, by_name, reason, recurrence, recall_period_days, "
                                          "shortest_gap_days}.")
    created_at: str
    updated_at: str
    version: int
    current: OccurrenceView | None = None
    next_due_at: str | None = None
    recent: list[OccurrenceView] = Field(default_factory=list)


class AssignmentList(ResponseModel):
    items: list[AssignmentView]


# -- the client's side --------------------------------------------------------------------

class ClientAssignmentSummary(ResponseModel):
    assignment_id: str
    title: str
    kind: str
    instructions: str = Field(description="The clinician's own words for this client; empty when they gave none.")
    template_instructions: str = Field(default="", description=(
        "The template's own instructions (a measure's timeframe stem, e.g. PHQ-9's 'Over the last 2 weeks, ...'): "
        "always shown with the questions."))
    status: AssignmentStatus
    current: OccurrenceView | None = None
    next_due_at: str | None = None
    has_draft: bool = False
    ask_barriers_for: str | None = Field(
        default=None, description="The occurrence (latest missed in the last 7 days, not yet answered) to ask "
                                  "what got in the way; null when there is nothing to ask.")


class ClientAssignmentList(ResponseModel):
    items: list[ClientAssignmentSummary]


class DraftView(ResponseModel):
    occurrence_id: str | None = None
    answers: dict[str, Any]
    version: int
    saved_at: str


class ClientAssignmentDetail(ResponseModel):
    assignment_id: str
    title: str
    instructions: str = Field(description="The clinician's own words for this client, shown beside the "
                                          "template's instructions (never instead); empty when they gave none.")
    template_instructions: str = Field(default="", description=(
        "The template's own instructions (a measure's timeframe stem, e.g. PHQ-9's 'Over the last 2 weeks, ...'): "
        "always shown with the questions."))
    status: AssignmentStatus
    template: dict[str, Any]
    current: OccurrenceView | None = None
    next_due_at: str | None = None
    draft: DraftView | None = None
    plan: dict[str, Any] | None = Field(default=None, description="The homework plan (as GET .../plan answers).")
    ask_barriers_for: str | None = Field(
        default=None, description="The occurrence (latest missed in the last 7 days, not yet answered) to ask "
                                  "what got in the way; null when there is nothing to ask.")
    risk_items: list[str] = Field(
        default_factory=list, description="Ids of the items whose answers reach the clinician even unsent (the "
                                          "template's risk rules): the form says so before the client answers them.")


class DraftSave(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "answers": {"situation": "Meeting at work"}, "version": None}]})

    occurrence_id: str | None = Field(default=None, max_length=10)
    answers: dict[str, Any]
    version: int | None = Field(default=None, ge=1, description="The draft version you have; omit for a new draft.")


BarrierList = Annotated[list[BarrierCode], Field(max_length=len(BARRIER_CODES), description=(
    "What got in the way: " + ", ".join(f"`{c}` ({w})" for c, w in BARRIER_LABELS.items()) + "."))]
OtherBarrier = Annotated[str | None, Field(default=None, max_length=OTHER_MAX_LENGTH,
                                           description="What else got in the way, in the client's words.")]


class SubmissionCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "answers": {"situation": "Meeting at work"}, "rating": 4, "completion": "partial",
        "obstacles": "Ran out of time in the evening.", "barriers": ["no_time"]}]})

    occurrence_id: str | None = Field(default=None, max_length=10)
    answers: dict[str, Any]
    completion: Literal["complete", "partial"] = "complete"
    rating: int | None = Field(default=None, ge=1, le=5, description="How it went, from the client's side.")
    obstacles: str | None = Field(default=None, max_length=2_000, description="What got in the way.")
    note_for_session: str | None = Field(default=None, max_length=2_000)
    barriers: BarrierList | None = None
    other: OtherBarrier = None

    @field_validator("barriers", "other")
    @classmethod
    def _only_when_partial(cls, value: Any, info: ValidationInfo) -> Any:
        if value and info.data.get("completion") == "complete":
            raise PydanticCustomError(
                "barriers_only_when_partial",
                "What got in the way is asked when you did part of it; choose \u201cI did part of it\u201d "
                "or leave this out")
        return value


class SkipCreate(RequestModel):
    """Skip this time: say why (`reason`), tick what got in the way (`barriers`, `other`), or both."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "reason": "I was unwell today.", "barriers": ["felt_worse"]}]})

    occurrence_id: str | None = Field(default=None, max_length=10)
    barriers: BarrierList | None = None
    other: OtherBarrier = None
    reason: str | None = Field(default=None, min_length=1, max_length=1_000, validate_default=True)

    @field_validator("reason")
    @classmethod
    def _reason_or_barriers(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and "barriers" in info.data and "other" in info.data \
                and not info.data["barriers"] and not (info.data["other"] or "").strip():
            raise PydanticCustomError("reason_or_barriers",
                                      "Say why you are skipping, or tick what got in the way")
        return value


class BarrierReportCreate(RequestModel):
    """What got in the way of a missed occurrence; `barriers: []` is "not now" (not asked again)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "occurrence_id": "2026-11-30", "barriers": ["no_time", "other"], "other": "My shift changed."}]})

    occurrence_id: str = Field(min_length=10, max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$",
                               description="The missed occurrence (its local date).")
    barriers: BarrierList
    other: OtherBarrier = None


class BarrierReportView(ResponseModel):
    assignment_id: str
    occurrence_id: str
    barriers: list[BarrierCode]
    other: str | None = None
    context: Literal["missed", "skipped", "partial"]


class CrisisResources(ResponseModel):
    message: str


class SubmissionReceipt(ResponseModel):
    submission_id: str
    assignment_id: str
    occurrence_id: str
    submitted_at: str
    crisis_resources: list[CrisisResources] = Field(default_factory=list)


class SkipReceipt(ResponseModel):
    assignment_id: str
    occurrence_id: str
    state: Literal["skipped"] = "skipped"


class Review(ResponseModel):
    feedback: str
    quality_rating: int | None = None
    reviewed_at: str
    reviewer_id: str


class ClientFeedback(ResponseModel):
    """The clinician's feedback as the client sees it (the words and when; not who by account)."""

    feedback: str
    reviewed_at: str


class ClientSubmissionView(ResponseModel):
    submission_id: str
    assignment_id: str
    title: str
    occurrence_id: str
    submitted_at: str
    completion: str
    rating: int | None = None
    feedback: ClientFeedback | None = None


class ClientSubmissionList(ResponseModel):
    items: list[ClientSubmissionView]
    next_token: str | None = None


class ClientBarriers(ResponseModel):
    barriers: list[BarrierCode]
    other: str | None = None
    context: Literal["missed", "skipped", "partial"]


class ClientSubmissionDetail(ResponseModel):
    """One of the client's own submissions, to re-read: the answers with the form they were
    given on (`template`, to render read-only), how it went and the clinician's feedback."""

    submission_id: str
    assignment_id: str
    title: str
    kind: str | None = None
    occurrence_id: str
    due_at: str | None = None
    submitted_at: str
    completion: str
    answers: dict[str, Any]
    template: dict[str, Any] | None = None
    score_band: str | None = None
    rating: int | None = None
    obstacles: str | None = None
    note_for_session: str | None = None
    barriers: ClientBarriers | None = None
    feedback: ClientFeedback | None = None


class SessionNoteCreate(RequestModel):
    """Something the client wants to talk about at the next session."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "text": "I'd like to talk about the argument with my sister."}]})

    text: str = Field(min_length=1, max_length=2_000)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError("string_too_short", "Please fill this in", {"min_length": 1})
        return value.strip()


class SessionNoteView(ResponseModel):
    note_id: str
    text: str
    created_at: str


class SessionNoteList(ResponseModel):
    items: list[SessionNoteView]
    since: str | None = Field(default=None, description="Notes since the last session review (null: all).")


# -- clinicians' review -----------------------------------------------------------------

class SubmissionView(ResponseModel):
    submission_id: str
    assignment_id: str
    client_id: str
    template_id: str
    template_version: int
    title: str
    occurrence_id: str
    submitted_at: str
    answers: dict[str, Any]
    score: dict[str, Any] | None = None
    completion: str
    rating: int | None = None
    obstacles: str | None = None
    note_for_session: str | None = None
    review: Review | None = None
    alert_id: str | None = None
    language: str = Field(default="en", description="The language the client answered in ('en' or 'es'); the "
                                                    "wording shown here stays English.")


class SubmissionList(ResponseModel):
    items: list[SubmissionView]
    next_token: str | None = None


class ReviewCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "feedback": "Great work noticing the thought and finding balanced evidence.", "quality_rating": 4}]})

    feedback: str = Field(min_length=1, max_length=5_000)
    quality_rating: int | None = Field(default=None, ge=1, le=5)


class AlertView(ResponseModel):
    alert_id: str
    client_id: str
    assignment_id: str
    submission_id: str | None = Field(default=None, description="The submission that raised it (none for an "
                                                                 "answer left unsent in a draft).")
    source: AlertSource = Field(
        default="submission", description="`draft`: the answer sat unsent in a draft for the practice's "
                                          "draft_risk_hours; the client did not send it.")
    template_title: str
    items: list[dict[str, Any]]
    status: Literal["open", "acknowledged"]
    created_at: str
    acknowledged_at: str | None = None
    acknowledged_by: str | None = None
    acknowledged_by_name: str | None = Field(default=None, description="The acknowledging clinician's name "
                                                                       "when they acknowledged it.")
    note: str | None = None
    kind: Literal["risk", "deterioration"] = Field(
        default="risk", description="`risk`: a risk answer; `deterioration`: a measure's total reliably worse "
                                    "than the client's first (see `change`).")
    change: dict[str, Any] | None = Field(
        default=None, description="For a deterioration alert: template_id, baseline, total, change, "
                                  "reliable_change, classification.")


class AlertList(ResponseModel):
    items: list[AlertView]
    next_token: str | None = None


class AlertQuery(RequestModel):
    status: Literal["open", "acknowledged"] = "open"
    kind: Literal["risk", "deterioration"] | None = Field(default=None, description="Only this kind (default: both).")
    limit: int = Field(default=50, ge=1, le=100)
    next_token: str | None = Field(default=None, max_length=1024)


class AlertAcknowledge(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "Called the client; safety plan reviewed."}]})

    note: str | None = Field(default=None, max_length=2_000)
