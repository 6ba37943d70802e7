"""Request and response models for clients."""
from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from chalicelib.fields import (REQUEST_CONFIG, DisplayName, Email, Identifier, LocalTime, PhoneE164, RequestModel,
                               ResponseModel, TimeZoneName)


class Channel(str, Enum):
    email = "email"
    sms = "sms"
    push = "push"


class QuietHours(RequestModel):
    """Local hours when no reminder is sent; may wrap midnight (22:00–07:00)."""

    start: LocalTime
    end: LocalTime


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
    reminder_channels: list[Channel] = Field(default_factory=list, max_length=3)
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
    reminder_channels: list[Channel] | None = Field(default=None, max_length=3)
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
    reminder_channels: list[Channel] | None = Field(default=None, max_length=3)
    reminder_time: LocalTime | None = None
    quiet_hours: QuietHours | None = None
    version: int | None = Field(default=None, ge=1)

    _channels = field_validator("reminder_channels")(_unique_channels)


class AccessLinkStatus(ResponseModel):
    active: bool
    expires_at: str | None = None


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


class ClientView(ResponseModel):
    client_id: str
    display_name: str
    email: str | None = None
    phone: str | None = None
    timezone: str
    reminder_channels: list[Channel]
    reminder_time: str
    quiet_hours: QuietHours | None = None
    clinician_id: str
    created_at: str
    updated_at: str
    version: int
    access_link: AccessLinkStatus
    completion_7d: Completion | None = None
    completion_28d: Completion | None = None
    open_alerts: int | None = None
    delivery: list[DeliveryStatus] = Field(default_factory=list,
                                           description="Channels on which reminders are failing.")


class ClientList(ResponseModel):
    items: list[ClientView]
    next_token: str | None = None


class ClientSelfView(ResponseModel):
    display_name: str
    timezone: str
    reminder_channels: list[Channel]
    reminder_time: str
    quiet_hours: QuietHours | None = None
    has_email: bool
    has_phone: bool
    unsubscribed: list[Channel] = Field(default_factory=list, description="Channels stopped by an unsubscribe link.")
    version: int


class AccessLinkCreate(RequestModel):
    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [{"ttl_days": 30}]})

    ttl_days: int | None = Field(default=None, ge=1, le=90)
    send_via: Literal["email", "sms"] | None = Field(
        default=None, description="Also send the link to the client's email address or phone.")


class AccessLinkIssued(ResponseModel):
    url: str = Field(description="Shown once: only a hash of its token is kept.")
    expires_at: str
    sent_via: Literal["email", "sms"] | None = None
    delivery: Literal["sent", "failed"] | None = Field(
        default=None, description="With send_via: whether the message went; the link works either way.")
    delivery_reason: str | None = None
