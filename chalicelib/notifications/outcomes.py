"""Sending through SES v2 and SNS, with retries for throttling and transient faults.

Each send returns an Outcome: `sent`, `failed` (permanent: a rejected address, an
opted-out number, a disabled endpoint; recorded and shown to the clinician) or
`retry` (still failing after the retries; a later sweep tries again).
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Callable

from chalicelib.aws import client
from chalicelib.config import get_settings
from chalicelib.notifications.messages import Email
from chalicelib.notifications.settings import ses_configuration_set
from chalicelib.observability import logger

ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 0.2
BACKOFF_CAP_SECONDS = 5.0
TRANSIENT_CODES = frozenset({
    "Throttling", "ThrottlingException", "TooManyRequestsException", "ThrottledException",
    "LimitExceededException", "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure",
    "InternalError", "InternalErrorException", "InternalServiceError", "RequestTimeout", "RequestTimeoutException",
    "KMSThrottlingException",
})
OPTED_OUT_CODES = frozenset({"OptedOut", "OptedOutException"})
DISABLED_CODES = frozenset({"EndpointDisabled", "EndpointDisabledException"})

_random = random.Random()


@dataclass(frozen=True)
class Outcome:
    state: str  # sent | failed | retry
    reason: str | None = None
    message_id: str | None = None

    @property
    def sent(self) -> bool:
        return self.state == "sent"


def _error_code(error: Exception) -> tuple[str, int]:
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code", ""), int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def _is_transient(error: Exception) -> bool:
    from botocore.exceptions import ClientError, ConnectionError as BotoConnectionError, HTTPClientError

    if isinstance(error, (BotoConnectionError, HTTPClientError)):
        return True
    if isinstance(error, ClientError):
        code, status = _error_code(error)
        return code in TRANSIENT_CODES or status >= 500 or status == 429
    return False


def with_retries(call: Callable[[], Any], *, sleep: Callable[[float], None] | None = None) -> Any:
    """Run `call`, retrying transient errors with exponential backoff and full jitter."""
    sleep = sleep or time.sleep
    for attempt in range(ATTEMPTS):
        try:
            return call()
        except Exception as error:  # noqa: BLE001 - classified below
            if not _is_transient(error) or attempt == ATTEMPTS - 1:
                raise
            sleep(_random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** attempt)))
    raise AssertionError("unreachable")


def _outcome_of(error: Exception) -> Outcome:
    from botocore.exceptions import ClientError

    if _is_transient(error):
        return Outcome("retry", "temporarily_unavailable")
    if isinstance(error, ClientError):
        code, _ = _error_code(error)
        if code in OPTED_OUT_CODES:
            return Outcome("failed", "opted_out")
        if code in DISABLED_CODES:
            return Outcome("failed", "endpoint_disabled")
        if code in ("MessageRejected", "MessageRejectedException", "InvalidParameter", "InvalidParameterException",
                    "InvalidParameterValue", "BadRequestException", "NotFoundException", "AccountSuspendedException",
                    "SendingPausedException", "MailFromDomainNotVerifiedException"):
            return Outcome("failed", _snake(code))
    raise error


def _snake(code: str) -> str:
    code = code.removesuffix("Exception")
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in code).lstrip("_")


def _mime(email: Email, sender: str) -> bytes:
    message = EmailMessage()
    message["Subject"] = email.subject
    message["From"] = sender
    message["To"] = email.to
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    for name, value in email.headers.items():
        message[name] = value
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message.as_bytes()


def send_email(email: Email) -> Outcome:
    """SES v2 with Raw content, so the List-Unsubscribe headers travel with the message."""
    sender = get_settings().ses_sender
    # With Raw content SES takes the recipient from the message's own To header.
    kwargs: dict[str, Any] = {"FromEmailAddress": sender, "Content": {"Raw": {"Data": _mime(email, sender)}}}
    configuration_set = ses_configuration_set()
    if configuration_set:
        kwargs["ConfigurationSetName"] = configuration_set
    try:
        response = with_retries(lambda: client("sesv2").send_email(**kwargs))
    except Exception as error:  # noqa: BLE001
        return _outcome_of(error)
    return Outcome("sent", message_id=response.get("MessageId"))


def send_sms(phone: str, text: str) -> Outcome:
    """A transactional SMS, unless the number opted out (SNS keeps the opt-out list)."""
    sns = client("sns")
    try:
        opted_out = with_retries(lambda: sns.check_if_phone_number_is_opted_out(phoneNumber=phone))["isOptedOut"]
        if opted_out:
            return Outcome("failed", "opted_out")
        response = with_retries(lambda: sns.publish(PhoneNumber=phone, Message=text, MessageAttributes={
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}))
    except Exception as error:  # noqa: BLE001
        return _outcome_of(error)
    return Outcome("sent", message_id=response.get("MessageId"))


def send_push(endpoint_arn: str, message: str) -> Outcome:
    sns = client("sns")
    try:
        response = with_retries(lambda: sns.publish(TargetArn=endpoint_arn, Message=message, MessageStructure="json"))
    except Exception as error:  # noqa: BLE001
        return _outcome_of(error)
    return Outcome("sent", message_id=response.get("MessageId"))


def endpoint_enabled(endpoint_arn: str) -> bool:
    try:
        attributes = client("sns").get_endpoint_attributes(EndpointArn=endpoint_arn)["Attributes"]
    except Exception as error:  # noqa: BLE001 - a vanished endpoint is a disabled one
        code, _ = _error_code(error)
        if code in ("NotFound", "NotFoundException"):
            return False
        raise
    return attributes.get("Enabled", "true").lower() == "true"


def delete_endpoint(endpoint_arn: str) -> None:
    try:
        client("sns").delete_endpoint(EndpointArn=endpoint_arn)
    except Exception as error:  # noqa: BLE001 - cleaning up is best effort
        logger.warning("could not delete a disabled push endpoint", extra={"error_type": type(error).__name__})
