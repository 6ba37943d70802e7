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

from chalicelib.errors import aws_error_code

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


def is_transient(error: Exception) -> bool:
    """Worth sending again later: the same rule that answers a request 503 (chalicelib.deadline).
    A request's deadline cutting the send short counts too: the answer came too late."""
    from chalicelib.deadline import is_unavailable

    return is_unavailable(error)


def outcome_of(error: Exception) -> Outcome:
    """The Outcome of a send that raised `error`; an error we cannot classify is re-raised."""
    from botocore.exceptions import ClientError

    if is_transient(error):
        return Outcome("retry", "temporarily_unavailable")
    if isinstance(error, ClientError):
        code = aws_error_code(error)
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


def http_outcome(status: int, *, gone_reason: str = "subscription_gone") -> Outcome:
    """The Outcome of an HTTP send (web push) by its status, by the same rule as AWS errors:
    2xx sent; 429 and 5xx worth sending again later; 404/410 the address is gone for good;
    any other status a permanent failure named after it."""
    if 200 <= status < 300:
        return Outcome("sent")
    if status == 429 or status >= 500:
        return Outcome("retry", "temporarily_unavailable")
    if status in (404, 410):
        return Outcome("failed", gone_reason)
    return Outcome("failed", f"http_{status}")


def sending(call) -> Outcome:
    """Run one AWS send (`call` returns its response) and say what became of it."""
    try:
        response = call()
    except Exception as error:  # noqa: BLE001 - classified by outcome_of
        return outcome_of(error)
    return Outcome("sent", message_id=(response or {}).get("MessageId"))


def best_of(results: list[Outcome]) -> Outcome:
    """One reminder sent to each of a client's devices: sent if any got it, else "retry" if any
    may get it later, else the first failure. `results` is not empty."""
    if any(o.sent for o in results):
        return next(o for o in results if o.sent)
    if any(o.state == "retry" for o in results):
        return Outcome("retry", "temporarily_unavailable")
    return Outcome("failed", results[0].reason)
