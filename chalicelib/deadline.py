"""Fail fast: every request answers within its deadline, or 503 with Retry-After.

A person is waiting behind each API request, and API Gateway gives up after 29 s.
`dispatch()` opens a deadline for each request (a contextvar, so the reminder sweep,
which runs outside dispatch, keeps the clients' longer timeouts and no deadline).
Hooks on every boto3 client then:

- cap each attempt's read timeout at the time left;
- refuse to start an attempt once the deadline has passed;
- refuse a retry whose back-off could outlast the deadline.

botocore's standard retry mode stays the one retry layer (throttling, dropped
connections); this module only stops it from waiting past the deadline.

DynamoDB writes in the product are single conditional puts or TransactWriteItems
(with a client request token botocore reuses across its retries), so a request cut
short has written everything or nothing, and a retry with the same Idempotency-Key
settles on the stored receipt.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any
from collections.abc import Iterator

# Per attempt, while a request waits: long enough for any healthy DynamoDB/SES/SNS/S3
# call, short enough that a stalled one leaves time for a retry within the deadline.
REQUEST_READ_TIMEOUT_SECONDS = 2.0
RETRY_AFTER_SECONDS = 2
# For routes whose work is long by nature (erasing a client, rendering an export): a
# person still waits, but should rarely see a 503 on a busy machine.
LONG_WORK_SECONDS = 20.0
# Kept back from a send (`reserve`) for the writes and the answer that follow it.
RESERVE_SECONDS = 0.5

_deadline: ContextVar[float | None] = ContextVar("emotipal_request_deadline", default=None)

# Error codes that mean "the service is busy or briefly unable", not "your request is wrong".
_BUSY_CODES = frozenset({
    "ProvisionedThroughputExceededException", "ThrottlingException", "Throttling", "ThrottledException",
    "RequestLimitExceeded", "TooManyRequestsException", "LimitExceededException", "SlowDown",
    "TransactionConflictException", "TransactionInProgressException", "RequestTimeout",
    "RequestTimeoutException", "ServiceUnavailable", "ServiceUnavailableException", "InternalServerError",
    "InternalFailure", "InternalError", "InternalErrorException", "InternalServiceError", "KMSThrottlingException",
})
# TransactionCanceledException reasons that a retry can clear (a ConditionalCheckFailed is a real conflict).
_BUSY_CANCELLATION_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})


class DeadlineExceeded(Exception):
    """The request ran out of time before AWS answered; nothing more is attempted."""


def now() -> float:
    return time.monotonic()


def start(seconds: float | None = None) -> Token:
    """Open the deadline for this request (`seconds` defaults to the configured one)."""
    if seconds is None:
        from chalicelib.config import get_settings

        seconds = get_settings().request_deadline_seconds
    return _deadline.set(now() + seconds)


def finish(token: Token) -> None:
    _deadline.reset(token)


@contextmanager
def request_deadline(seconds: float | None = None) -> Iterator[None]:
    token = start(seconds)
    try:
        yield
    finally:
        finish(token)


def remaining() -> float | None:
    """Seconds left for this request, or None outside a request (the sweep, the CLI)."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - now()


@contextmanager
def reserve(seconds: float = RESERVE_SECONDS) -> Iterator[None]:
    """Within the block, calls stop `seconds` before the request's deadline: a send that
    may be cut short still leaves time to record what became of it and to answer."""
    current = _deadline.get()
    if current is None:
        yield
        return
    token = _deadline.set(current - seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def seconds_left(cap: float) -> float:
    """A timeout for a call that is not a boto3 client (urllib and the like): `cap`, or
    less when the request's deadline is nearer. Raises DeadlineExceeded once it has passed."""
    left = remaining()
    if left is None:
        return cap
    if left <= 0:
        raise DeadlineExceeded("request deadline reached before a call")
    return min(cap, left)


# -- botocore hooks --------------------------------------------------------------

def _before_send(request: Any, **_: Any) -> None:
    left = remaining()
    if left is None:
        return
    if left <= 0:
        raise DeadlineExceeded("request deadline reached before an AWS call")
    request.context["read_timeout"] = max(0.05, min(REQUEST_READ_TIMEOUT_SECONDS, left))


def _retry_checker(max_attempts: int) -> Any:
    from botocore.retries.standard import RetryEventAdapter, StandardRetryConditions, ThrottlingErrorDetector

    adapter = RetryEventAdapter()
    conditions = StandardRetryConditions(max_attempts=max_attempts)
    throttling = ThrottlingErrorDetector(adapter)

    def refuse_late_retry(**kwargs: Any) -> None:
        left = remaining()
        if left is None:
            return
        context = adapter.create_retry_context(**kwargs)
        if not conditions.is_retryable(context):
            return
        # The longest sleep standard mode may choose now (botocore.retries.standard.ExponentialBackoff):
        # a 1 s base for throttling, a few milliseconds for other transient errors.
        scale = 1.0 if throttling.is_throttling_error_from_context(context) else 0.05
        if left < min(scale * 2 ** (context.attempt_number - 1), 20.0):
            raise DeadlineExceeded("request deadline too close for another attempt")

    return refuse_late_retry


def install(client: Any, max_attempts: int) -> None:
    """Hook a boto3 client so calls made while a request waits respect its deadline."""
    events = client.meta.events
    # First: the check must come before anything that answers in place of the network.
    events.register_first("before-send", _before_send, unique_id="emotipal-deadline-send")
    # First, so it runs before botocore's retry handler decides to sleep.
    events.register_first("needs-retry", _retry_checker(max_attempts), unique_id="emotipal-deadline-retry")


# -- which failures answer 503 -------------------------------------------------

def _cancellation_codes(error: Any) -> list[str]:
    response = getattr(error, "response", None) or {}
    reasons = response.get("CancellationReasons") or []
    codes = [str(r.get("Code")) for r in reasons if isinstance(r, dict)]
    if not codes:  # some engines only list the reasons in the message: "... [None, TransactionConflict]"
        message = str(response.get("Error", {}).get("Message", ""))
        start_, end = message.rfind("["), message.rfind("]")
        if 0 <= start_ < end:
            codes = [c.strip() for c in message[start_ + 1:end].split(",")]
    return codes


def is_unavailable(error: BaseException) -> bool:
    """True when `error` means AWS was unreachable, too slow or too busy: worth retrying later."""
    from botocore.exceptions import ClientError, ConnectionError as BotoConnectionError, HTTPClientError

    from chalicelib.errors import Unavailable, aws_error_code, aws_http_status

    # Unavailable: our own word for it (e.g. DynamoDB still holding back part of a batch).
    if isinstance(error, (DeadlineExceeded, BotoConnectionError, HTTPClientError, Unavailable)):
        return True
    if not isinstance(error, ClientError):
        return False
    code, status = aws_error_code(error), aws_http_status(error)
    if code == "TransactionCanceledException":
        codes = _cancellation_codes(error)
        return "ConditionalCheckFailed" not in codes and any(c in _BUSY_CANCELLATION_REASONS for c in codes)
    return code in _BUSY_CODES or status >= 500 or status == 429
