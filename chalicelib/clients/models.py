"""Request and response models for clients."""
from __future__ import annotations

from datetime import time
from enum import Enum
from typing import TYPE_CHECKING, Literal, TypeAlias

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from chalicelib import channels
from chalicelib.fields import (REQUEST_CONFIG, DisplayName, Email, Flag, Identifier, LocalTime, PhoneE164, RequestModel,
                               ResponseModel, TimeZoneName)

if TYPE_CHECKING:  # built from the registry at run time; a type checker sees a str enum / any channel name
    class Channel(str, Enum):
        pass

    LinkChannel: TypeAlias = str
else:
    # The reminder channels the registry knows (chalicelib/channels), in its order.
    Channel = Enum("Channel", [(name, name) for name in channels.NAMES], type=str, module=__name__)
    # Channels that can carry a client's access link (`send_via`).
    LinkChannel = Literal[tuple(c.name for c in channels.all_channels() if c.send_link)]
MAX_CHANNELS = len(channels.NAMES)


# The languages a client can have: the client page, translated templates, reminders and notices
# (English is the fallback for anything not translated).
Language = Literal["en", "es"]
LANGUAGE_HELP = ("The client's language: 'en' (English) or 'es' (Spanish). Their page, homework (where the "
                 "template is translated), reminders and notices use it.")


class QuietHours(RequestModel):
    """Local hours when no reminder is sent; may wrap midnight (22:00–07:00). Start and
    end must differ."""

    start: LocalTime
    end: LocalTime

    @model_validator(mode="after")
    def _as_the_reminders_read_them(self) -> QuietHours:
        # The reminders' own QuietHours holds the rule, so what is saved here can be planned.
        from chalicelib.reminders.timing import QuietHours as Rule

        try:
            Rule(start=time.fromisoformat(self.start), end=time.fromisoformat(self.end))
        except ValidationError as error:
            first = error.errors()[0]
            raise PydanticCustomError(first["type"], first["msg"]) from None
        return self


class QuietHoursView(ResponseModel):
    """Quiet hours as stored (a record from before the rule above may have start == end,
    which quiets nothing: showing it must not fail)."""

    start: str
    end: str


def _unique_channels(value: list[Channel] | None) -> list[Channel] | None:
    if value is not None and len(set(value)) != len(value):
        raise ValueError("each channel may appear once")
    return value


class ClientCreate(RequestModel):
    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [{
        "display_name": "Sam Taylor", "email": "sam@example.com", "phone": "+447911123456",
        "timezone": "Europe/London", "reminder_channels": ["email"], "reminder_time": "18:30",
        "quiet_hours": {"start": "22:00", "end": "07:30"}}]})

    display_name: DisplayName
    email: Email | None = None
    phone: PhoneE164 | None = None
    timezone: TimeZoneName
    language: Language = Field(default="en", description=LANGUAGE_HELP)
    reminder_channels: list[Channel] = Field(default_factory=list, max_length=MAX_CHANNELS)
    reminder_time: LocalTime = "18:00"
    quiet_hours: QuietHours | None = None
    clinician_id: Identifier | None = Field(
        default=None, description="Owners and admins may assign the client to another clinician.")

    _channels = field_validator("reminder_channels")(_unique_channels)


class ClientUpdate(RequestModel):
    """Partial update: fields left out stay as they are; `null` clears an optional field."""

    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [{
        "reminder_time": "19:00", "quiet_hours": None}]})

    display_name: DisplayName | None = None
    email: Email | None = None
    phone: PhoneE164 | None = None
    timezone: TimeZoneName | None = None
    language: Language | None = Field(default=None, description=LANGUAGE_HELP)
    reminder_channels: list[Channel] | None = Field(default=None, max_length=MAX_CHANNELS)
    reminder_time: LocalTime | None = None
    quiet_hours: QuietHours | None = None
    clinician_id: Identifier | None = None
    version: int | None = Field(default=None, ge=1, description="Send the version you read to detect concurrent edits.")

    _channels = field_validator("reminder_channels")(_unique_channels)


class ClientPreferencesUpdate(RequestModel):
    """What a client may change about their own reminders."""

    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [{
        "timezone": "America/New_York", "reminder_time": "08:15", "reminder_channels": ["email"]}]})

    timezone: TimeZoneName | None = None
    language: Language | None = Field(default=None, description=LANGUAGE_HELP)
    reminder_channels: list[Channel] | None = Field(default=None, max_length=MAX_CHANNELS)
    reminder_time: LocalTime | None = None
    quiet_hours: QuietHours | None = None
    version: int | None = Field(default=None, ge=1)

    _channels = field_validator("reminder_channels")(_unique_channels)


class AccessLinkStatus(ResponseModel):
    active: bool
    expires_at: str | None = None
    expires_soon: bool = Field(default=False, description="Active and ending within 7 days: offer to renew it.")


class AccessLinkRenewed(AccessLinkStatus):
    renewed: bool = Field(description="False when the link is already at the practice's maximum length.")


class SessionCreate(RequestModel):
    """A sign-in token from a reminder or notice (`#signin=` in its link), used once."""

    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [{
        "signin_token": "Vq3h0mJ0yTqfQn6y0k2l0x9W1cY8rX0m4b5Z7aL2e1s", "shared_device": False}]})

    signin_token: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")
    shared_device: Flag = Field(default=False, description="A shared device signs out after 12 hours.")


class SessionIssued(ResponseModel):
    session_token: str = Field(description="Send as `Authorization: Bearer <token>`; shown once, stored as a hash.")
    expires_at: str = Field(description="When the session ends at the latest (the link's end, or 12 hours).")
    shared_device: bool


def _contact_kind(value: str) -> str:
    from chalicelib.fields import _email, _phone_e164

    value = value.strip()
    if "@" in value:
        try:
            return _email(value)
        except ValueError:
            raise PydanticCustomError("contact", "Enter the email address your clinician has for you.") from None
    try:
        return _phone_e164(value.replace(" ", "").replace("-", ""))
    except ValueError:
        raise PydanticCustomError("contact", "Enter the email address or phone number your clinician has for you; "
                                             "give a phone number with its country code, for example "
                                             "+447911123456.") from None


class LostLinkRequest(RequestModel):
    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [{"contact": "sam@example.com"}]})

    contact: str = Field(min_length=3, max_length=254, description="The client's email address or phone number.")

    _checked = field_validator("contact")(_contact_kind)

    @property
    def kind(self) -> Literal["email", "phone"]:
        return "email" if "@" in self.contact else "phone"


class LostLinkAnswer(ResponseModel):
    message: str


class Completion(ResponseModel):
    done: int
    due: int
    ratio: float | None = None


class DeliveryStatus(ResponseModel):
    """A channel whose last reminder could not be delivered, and why."""

    channel: Channel
    state: str = Field(description="`failed`: the last reminder on this channel was not delivered.")
    reason: str = Field(description="e.g. `opted_out`, `message_rejected`, `no_device`, `endpoint_disabled`.")
    at: str


class PlanToAdjust(ResponseModel):
    """A plan the client marked as hard (confidence under the practice's threshold)."""

    assignment_id: str
    title: str | None = None
    confidence: int | None = None
    what_would_help: str | None = None


class MeasureOutcome(ResponseModel):
    """A measure's latest total against the client's first (NHS Talking Therapies classification)."""

    template_id: str
    title: str | None = None
    baseline: float | int | None = None
    latest: float | int | None = None
    count: int | None = Field(default=None, description="Totals so far.")
    vs_baseline: str | None = Field(default=None, description="reliable_recovery, recovery, reliable_improvement, "
                                                              "no_reliable_change or reliable_deterioration.")
    vs_previous: str | None = None
    case: bool | None = Field(default=None, description="At or past the clinical cut-off.")
    non_response: bool = Field(default=False, description="No reliable change after the practice's "
                                                          "non_response_after totals.")
    at: str | None = None


class ClientView(ResponseModel):
    client_id: str
    display_name: str
    email: str | None = None
    phone: str | None = None
    timezone: str
    language: Language = "en"
    reminder_channels: list[Channel]
    reminder_time: str
    quiet_hours: QuietHoursView | None = None
    clinician_id: str
    created_at: str
    updated_at: str
    version: int
    access_link: AccessLinkStatus
    completion_7d: Completion | None = None
    completion_28d: Completion | None = None
    open_alerts: int | None = None
    plans_to_adjust: list[PlanToAdjust] | None = None
    outcome: str | None = Field(default=None, description="The measure outcome most in need of attention: "
                                "reliable_deterioration, non_response, no_reliable_change, reliable_improvement, "
                                "recovery or reliable_recovery (`?sort=outcome` orders the caseload by it).")
    non_response: list[str] | None = Field(default=None, description="Measures (template ids) without reliable "
                                                                     "change after the practice's non_response_after.")
    measure_outcomes: list[MeasureOutcome] | None = None
    delivery: list[DeliveryStatus] = Field(default_factory=list,
                                           description="Channels on which reminders are failing.")
    status: Literal["active", "discharged"] = "active"
    discharged_at: str | None = None
    discharged_by: str | None = Field(default=None, description="The clinician who discharged the client (sub).")
    discharge_note: str | None = None
    erase_after: str | None = Field(default=None, description="When the practice's retention period ends and the "
                                                              "record is erased, unless the client is re-opened.")


class DischargeBody(RequestModel):
    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [{"note": "Goals met; ending by "
                                                                                          "agreement."}]})

    note: str | None = Field(default=None, max_length=2000, description="Why treatment ended (kept with the record).")


class ClientList(ResponseModel):
    items: list[ClientView]
    next_token: str | None = None


class ClientSelfView(ResponseModel):
    display_name: str
    timezone: str
    language: Language = Field(default="en", description="The language of the client page, homework and reminders.")
    reminder_channels: list[Channel]
    reminder_time: str
    quiet_hours: QuietHoursView | None = None
    has_email: bool
    has_phone: bool
    unsubscribed: list[Channel] = Field(default_factory=list, description="Channels stopped by an unsubscribe link.")
    version: int


class AccessLinkCreate(RequestModel):
    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [{"ttl_days": 30}]})

    ttl_days: int | None = Field(default=None, ge=1, le=90)
    send_via: LinkChannel | None = Field(
        default=None, description="Also send the link to the client's email address or phone.")


class AccessLinkIssued(ResponseModel):
    url: str = Field(description="Shown once: only a hash of its token is kept.")
    expires_at: str
    sent_via: LinkChannel | None = None
    delivery: Literal["sent", "failed"] | None = Field(
        default=None, description="With send_via: whether the message went; the link works either way.")
    delivery_reason: str | None = None
