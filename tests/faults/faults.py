"""Fault injection at the HTTP layer of a boto3 client: a `before-send` hook answers
chosen attempts with an AWS error, so botocore parses it and its retry mode reacts
exactly as it would to the real service."""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any
from collections.abc import Callable, Iterator

from botocore.awsrequest import AWSResponse


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def response(status: int, body: str, headers: dict[str, str] | None = None) -> AWSResponse:
    return AWSResponse("https://fault.test", status, headers or {}, _Body(body.encode()))


def dynamodb_error(code: str, message: str = "injected", **extra: Any) -> AWSResponse:
    body = {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message, **extra}
    return response(400, json.dumps(body), {"Content-Type": "application/x-amz-json-1.0"})


def transaction_conflict(actions: int = 5) -> AWSResponse:
    reasons = [{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}]
    reasons += [{"Code": "None"}] * (actions - 1)
    listed = ", ".join(r["Code"] for r in reasons)
    return dynamodb_error("TransactionCanceledException",
                          f"Transaction cancelled, please refer cancellation reasons for specific reasons [{listed}]",
                          CancellationReasons=reasons)


def rest_json_error(status: int, code: str) -> AWSResponse:  # SES v2
    return response(status, json.dumps({"message": "injected"}), {"x-amzn-ErrorType": code,
                                                                   "Content-Type": "application/json"})


def xml_error(status: int, code: str) -> AWSResponse:  # S3
    return response(status, f"<Error><Code>{code}</Code><Message>injected</Message></Error>")


def query_error(status: int, code: str) -> AWSResponse:  # SNS
    return response(status, "<ErrorResponse><Error><Type>Receiver</Type>"
                            f"<Code>{code}</Code><Message>injected</Message></Error>"
                            "<RequestId>fault</RequestId></ErrorResponse>")


class Injected:
    """How many attempts the hook saw and how many it failed."""

    def __init__(self) -> None:
        self.attempts = 0
        self.failed = 0


@contextmanager
def inject(service: str, operation: str, fail: Callable[[Any, int], AWSResponse | None]) -> Iterator[Injected]:
    """While inside, `fail(request, attempt_number)` may answer each attempt of `operation`."""
    from chalicelib import aws

    seen = Injected()

    def hook(request: Any, **_: Any) -> AWSResponse | None:
        seen.attempts += 1
        answer = fail(request, seen.attempts)
        if answer is not None:
            seen.failed += 1
        return answer

    events = aws.client(service).meta.events
    event = f"before-send.{aws.client(service).meta.service_model.service_id.hyphenize()}.{operation}"
    events.register_first(event, hook)
    try:
        yield seen
    finally:
        events.unregister(event, hook)


def always(answer: Callable[[], AWSResponse]) -> Callable[[Any, int], AWSResponse]:
    return lambda request, attempt: answer()


def first(n: int, answer: Callable[[], AWSResponse]) -> Callable[[Any, int], AWSResponse | None]:
    return lambda request, attempt: answer() if attempt <= n else None
