"""Request and response models for assignment plans and the practice's plan settings."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from chalicelib.fields import DisplayName, RequestModel, ResponseModel
from chalicelib.homework import crisis
from chalicelib.homework import plans as rules
from chalicelib.homework.crisis import CrisisResource, CrisisResourceView

MAX_VERSION = 1_000_000

_EXAMPLE: dict[str, Any] = {
    "rationale": "Noticing thoughts as they happen is how we start to question them.",
    "when_where": "After dinner, at the kitchen table, on weekdays",
    "first_step": "Put the worksheet link on my phone's home screen tonight",
    "obstacles": [{"obstacle": "Too tired after work", "response": "Fill in just the first column"}],
    "confidence": 6,
    "what_would_help": None,
}


class Obstacle(RequestModel):
    """Something that might get in the way, and what the client will do if it happens."""

    obstacle: str = Field(min_length=1, max_length=rules.OBSTACLE_MAX, description="If this happens ...")
    response: str | None = Field(default=None, max_length=rules.RESPONSE_MAX, description="... then I will ...")


class PlanDraft(RequestModel):
    """A plan as the clinician drafts it (with the client, in session). Any part may be left
    empty for the client to finish."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    rationale: str | None = Field(default=None, max_length=rules.RATIONALE_MAX,
                                  description="Why this homework, in the clinician's or the client's words.")
    when_where: str | None = Field(default=None, max_length=rules.WHEN_WHERE_MAX,
                                   description="When, where and how often: 'after breakfast, at the kitchen table, "
                                               "on weekdays'.")
    first_step: str | None = Field(default=None, max_length=rules.FIRST_STEP_MAX,
                                   description="The first small step.")
    obstacles: list[Obstacle] = Field(default_factory=list, max_length=rules.OBSTACLES_MAX)
    confidence: int | None = Field(default=None, ge=rules.MIN_CONFIDENCE, le=rules.MAX_CONFIDENCE,
                                   description="How sure the client is that they will do it, 0-10.")
    what_would_help: str | None = Field(default=None, max_length=rules.WHAT_WOULD_HELP_MAX,
                                        description="What would make it easier (asked when confidence is low).")

    def values(self) -> dict[str, Any]:
        """The plan fields, normalised as stored."""
        return rules.normalised(self.model_dump(mode="json", include=set(rules.FIELDS)))


class PlanWrite(PlanDraft):
    """The whole plan, as the clinician saves it: it replaces every field."""

    model_config = ConfigDict(json_schema_extra={"examples": [{**_EXAMPLE, "version": 1}]})

    version: int | None = Field(default=None, ge=0, le=MAX_VERSION,
                                description="The version you read (0 for a plan not written yet); a stale one is "
                                            "a 409. Omit it to save over whatever is there.")


class ClientPlanUpdate(RequestModel):
    """The client's part of the plan: any of its fields; the ones left out stay as they are."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "when_where": "After breakfast, at the kitchen table", "confidence": 4,
        "what_would_help": "A shorter version on busy days", "version": 1}]})

    rationale: str | None = Field(default=None, max_length=rules.RATIONALE_MAX)
    when_where: str | None = Field(default=None, max_length=rules.WHEN_WHERE_MAX)
    first_step: str | None = Field(default=None, max_length=rules.FIRST_STEP_MAX)
    obstacles: list[Obstacle] | None = Field(default=None, max_length=rules.OBSTACLES_MAX)
    confidence: int | None = Field(default=None, ge=rules.MIN_CONFIDENCE, le=rules.MAX_CONFIDENCE)
    what_would_help: str | None = Field(default=None, max_length=rules.WHAT_WOULD_HELP_MAX)
    version: int | None = Field(default=None, ge=0, le=MAX_VERSION,
                                description="The version you read; a stale one is a 409.")

    def values(self) -> dict[str, Any]:
        """The fields sent (null obstacles: none), normalised as stored."""
        sent = self.model_dump(mode="json", include=set(rules.CLIENT_FIELDS), exclude_unset=True)
        if "obstacles" in sent and sent["obstacles"] is None:
            sent["obstacles"] = []
        return rules.normalised(sent)


class ObstacleView(ResponseModel):
    obstacle: str
    response: str | None = None


class PlanHistoryEntry(ResponseModel):
    version: int
    at: str
    by_role: Literal["clinician", "client"]
    by_id: str = Field(description="The clinician's id for clinicians (\"clinician\" on the client's side), "
                                   "\"client\" for the client.")
    by_name: str | None = Field(default=None, description="The clinician's name.")
    changes: dict[str, Any] = Field(description="The fields changed, with their new values.")


class PlanView(ResponseModel):
    assignment_id: str
    rationale: str | None = None
    when_where: str | None = None
    first_step: str | None = None
    obstacles: list[ObstacleView] = Field(default_factory=list)
    confidence: int | None = None
    what_would_help: str | None = None
    version: int = Field(description="0 until the plan is first written.")
    needs_adjustment: bool = Field(description="The client's confidence is under the practice's threshold: "
                                               "the clinician is asked to adjust the plan.")
    confidence_threshold: int
    ask_what_would_help: bool = Field(description="A confidence is set and under the threshold: ask, kindly, what "
                                                  "would make it easier.")
    updated_at: str | None = None
    updated_by_role: Literal["clinician", "client"] | None = None
    history: list[PlanHistoryEntry] = Field(default_factory=list)


# -- the practice's settings ------------------------------------------------------------------

class PracticeView(ResponseModel):
    practice_id: str
    name: str
    plan_confidence_threshold: int = Field(description="A client's confidence under this asks what would make "
                                                       "the homework easier and marks the plan for adjustment.")
    link_max_days: int = Field(default=180, description="The most days a client's access link may live from its "
                                                        "issue, however often it is renewed or slides forward.")
    non_response_after: int = Field(default=6, description="A measure still without reliable change from its first "
                                                           "score after this many scores is flagged on the caseload.")
    draft_risk_hours: int = Field(default=12, description="A risk answer left unsent in a draft this many hours "
                                                          "opens an alert marked as not sent by the client.")
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2: chooses the default crisis resources.")
    crisis_resources: list[CrisisResourceView] = Field(
        default_factory=list, description="The practice's own crisis resources (empty: the country's defaults apply).")
    default_crisis_resources: list[CrisisResourceView] = Field(
        default_factory=list, description="What clients are shown while the practice's own list is empty.")
    crisis_resources_editable: bool = Field(default=False, description="Whether you may change the country and "
                                                                       "crisis resources (the owner only).")
    retention_years: int = Field(default=7, description="Years a discharged client's record is kept before the "
                                                        "sweep erases it (owner only; 7 unless the owner chose).")
    retention_basis: str | None = Field(default=None, description="The law or guidance the retention period follows.")


class PracticeUpdate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"plan_confidence_threshold": 6,
                                                               "link_max_days": 180}]})

    plan_confidence_threshold: int | None = Field(default=None, ge=rules.MIN_CONFIDENCE_THRESHOLD,
                                                  le=rules.MAX_CONFIDENCE_THRESHOLD)
    name: DisplayName | None = None
    link_max_days: int | None = Field(default=None, ge=7, le=365,
                                      description="The most days a client's access link may live (7 to 365).")
    non_response_after: int | None = Field(default=None, ge=2, le=52,
                                           description="Scores without reliable change before the caseload flags "
                                                       "a measure (2 to 52).")
    draft_risk_hours: int | None = Field(default=None, ge=1, le=168,
                                         description="Hours a risk answer may sit unsent in a draft before it "
                                                     "alerts the clinician (1 to 168).")
    country: str | None = Field(default=None, min_length=2, max_length=2,
                                description="ISO 3166-1 alpha-2, e.g. GB (owner only).")
    retention_years: int | None = Field(default=None, ge=1, le=100,
                                        description="Years a discharged client's record is kept (1 to 100, owner "
                                                    "only); under 7 needs confirm_short_retention: true.")
    retention_basis: str | None = Field(default=None, min_length=1, max_length=500,
                                        description="The law or guidance you keep records under (owner only).")
    confirm_short_retention: bool | None = Field(default=None, description="true: yes, keep records for less "
                                                                           "than 7 years (not stored).")
    crisis_resources: list[CrisisResource] | None = Field(
        default=None, max_length=crisis.MAX_RESOURCES,
        description="The practice's own crisis resources, in the order clients see them; [] returns to the "
                    "country's defaults (owner only).")

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return crisis.valid_country(value)
