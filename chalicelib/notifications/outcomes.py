"""What became of one send, read from the error an AWS call raised.

Every channel sends through a boto3 client from `chalicelib.aws`, whose standard retry
mode is the one retry layer for throttling and transient faults (with backoff and
jitter, inside the call). What still fails after it becomes an Outcome:
`sent`; `failed` (permanent: a rejected address, an opted-out number, a disabled
endpoint; recorded and shown to the clinician); or `retry` (still throttled or
unavailable: the sweep files the reminder again minutes later, a wait no in-call retry
should make a Lambda sit through).
"""
from __future__ import annotations

from dataclasses import dataclass

# What botocore retries and still gave up on: worth another go at the next sweep.
TRANSIENT_CODES = frozenset({
    "Throttling", "ThrottlingException", "TooManyRequestsException", "ThrottledException",
    "LimitExceededException", "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure",
    "InternalError", "InternalErrorException", "InternalServiceError", "RequestTimeout", "RequestTimeoutException",
    "KMSThrottlingException",
})
OPTED_OUT_CODES = frozenset({"OptedOut", "OptedOutException"})
DISABLED_CODES = frozenset({"EndpointDisabled", "EndpointDisabledException"})
PERMANENT_CODES = frozenset({
    "MessageRejected", "MessageRejectedException", "InvalidParameter", "InvalidParameterException",
    "InvalidParameterValue", "BadRequestException", "NotFoundException", "AccountSuspendedException",
    "SendingPausedException", "MailFromDomainNotVerifiedException",
})


@dataclass(frozen=True)
class Outcome:
    state: str  # sent | failed | retry | skipped
    reason: str | None = None
    message_id: str | None = None

    @property
    def sent(self) -> bool:
        return self.state == "sent"


def error_code(error: Exception) -> tuple[str, int]:
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code", ""), int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def is_transient(error: Exception) -> bool:
    from botocore.exceptions import ClientError, ConnectionError as BotoConnectionError, HTTPClientError

    from chalicelib.deadline import DeadlineExceeded

    # A request's deadline cut the send short: the service may be fine, the answer came too late.
    if isinstance(error, (BotoConnectionError, HTTPClientError, DeadlineExceeded)):
        return True
    if isinstance(error, ClientError):
        code, status = error_code(error)
        return code in TRANSIENT_CODES or status >= 500 or status == 429
    return False


def outcome_of(error: Exception) -> Outcome:
    """The Outcome of a send that raised `error`; an error we cannot classify is re-raised."""
    from botocore.exceptions import ClientError

    if is_transient(error):
        return Outcome("retry", "temporarily_unavailable")
    if isinstance(error, ClientError):
        code, _ = error_code(error)
        if code in OPTED_OUT_CODES:
            return Outcome("failed", "opted_out")
        if code in DISABLED_CODES:
            return Outcome("failed", "endpoint_disabled")
        if code in PERMANENT_CODES:
            return Outcome("failed", _snake(code))
    raise error


def _snake(code: str) -> str:
    code = code.removesuffix("Exception")
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in code).lstrip("_")


def sending(call) -> Outcome:
    """Run one AWS send (`call` returns its response) and say what became of it."""
    try:
        response = call()
    except Exception as error:  # noqa: BLE001 - classified by outcome_of
        return outcome_of(error)
    return Outcome("sent", message_id=(response or {}).get("MessageId"))
