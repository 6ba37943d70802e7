"""Reusable validated field types for request and stored models."""
from __future__ import annotations

import re
from datetime import datetime, UTC
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, StringConstraints


def _timezone_name(value: str) -> str:
    from chalicelib.timezones import load_zone  # the one place zone names are checked

    load_zone(value)
    return value


def _phone_e164(value: str) -> str:
    import phonenumbers

    if not re.fullmatch(r"\+[1-9]\d{6,14}", value):
        raise ValueError("enter the number with its country code and no spaces, for example +447911123456")
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as error:
        raise ValueError("this is not a phone number") from error
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("this phone number does not exist; check the digits")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _hh_mm(value: str) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError("enter a time as hours and minutes, for example 18:30")
    return value


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


TimeZoneName = Annotated[str, StringConstraints(max_length=64), AfterValidator(_timezone_name),
                         Field(examples=["Europe/London"])]
PhoneE164 = Annotated[str, StringConstraints(max_length=16), AfterValidator(_phone_e164),
                      Field(examples=["+447911123456"])]
LocalTime = Annotated[str, StringConstraints(max_length=5), AfterValidator(_hh_mm), Field(examples=["18:30"])]
# Every request string is already free of control characters except tab, CR and LF
# (framework.py, at JSON ingress); one-line text refuses those too, since names and
# titles are shown in lists, headers and e-mails where a line break or tab would forge layout.
SINGLE_LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$"


def _single_line(value: str) -> str:
    if re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", value):
        raise ValueError("keep this to one line")
    return value


SingleLine = Annotated[str, AfterValidator(_single_line), Field(json_schema_extra={"pattern": SINGLE_LINE_PATTERN})]
DisplayName = Annotated[str, BeforeValidator(_strip), StringConstraints(min_length=1, max_length=100),
                        AfterValidator(_single_line), Field(json_schema_extra={"pattern": SINGLE_LINE_PATTERN})]
ShortText = Annotated[str, BeforeValidator(_strip), StringConstraints(max_length=200), AfterValidator(_single_line),
                      Field(json_schema_extra={"pattern": SINGLE_LINE_PATTERN})]
# JSON true/false only: lax bool would read "yes" or "0" as a decision the caller never made.
Flag = Annotated[bool, Strict()]
Identifier = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z_-]{1,64}$")]
# The `Idempotency-Key` header: a client-chosen retry key (a UUID fits).
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9._:-]{8,128}$"

def _email(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email  # deferred: slow to import

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(f"this is not an email address we can send to ({error})") from None


Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_email),
                  Field(json_schema_extra={"format": "email"}, examples=["name@example.com"])]

# Request models refuse unknown fields (typos must not be silently ignored) and strings
# that are longer than anyone would type. Schemas build on first use (defer_build), so
# importing the app stays cheap.
REQUEST_CONFIG = ConfigDict(extra="forbid", str_max_length=10_000, defer_build=True)


class RequestModel(BaseModel):
    model_config = REQUEST_CONFIG


class ResponseModel(BaseModel):
    model_config = ConfigDict(defer_build=True)


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def new_id() -> str:
    """An opaque, time-ordered id (ULID)."""
    from ulid import ULID

    return str(ULID())
