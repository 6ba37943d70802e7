"""Which AWS failures answer 503 + Retry-After (worth retrying) and which do not."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from chalicelib import deadline
from chalicelib.store import table


def client_error(code: str, status: int = 400, **extra) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status},
                        **extra}, "Operation")


def name(error: BaseException) -> str:
    response = getattr(error, "response", None)
    code = response.get("Error", {}).get("Code", "") if isinstance(response, dict) else ""
    reasons = [r["Code"] for r in response.get("CancellationReasons", [])] if isinstance(response, dict) else []
    return "-".join([type(error).__name__, code, *reasons])


def cancelled(*reasons: str) -> ClientError:
    return client_error("TransactionCanceledException", CancellationReasons=[{"Code": r} for r in reasons])


@pytest.mark.parametrize("error", [
    EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
    ConnectTimeoutError(endpoint_url="http://127.0.0.1:1"),
    ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
    deadline.DeadlineExceeded(),
    table.Unprocessed("DynamoDB left 3 keys unprocessed after 8 attempts"),
    client_error("ProvisionedThroughputExceededException"),
    client_error("ThrottlingException"),
    client_error("RequestLimitExceeded"),
    client_error("TransactionConflictException"),
    client_error("InternalServerError", 500),
    client_error("SomethingNew", 503),
    cancelled("None", "TransactionConflict"),
    cancelled("ThrottlingError", "None"),
    ClientError(
        {"Error": {"Code": "TransactionCanceledException",
                   "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons "
                              "[None, TransactionConflict]"}, "ResponseMetadata": {"HTTPStatusCode": 400}}, "T"),
], ids=name)
def test_unavailable(error):
    assert deadline.is_unavailable(error)


@pytest.mark.parametrize("error", [
    client_error("ConditionalCheckFailedException"),
    client_error("ValidationException"),
    client_error("ResourceNotFoundException"),
    cancelled("ConditionalCheckFailed", "TransactionConflict"),
    cancelled("None", "ValidationError"),
    ValueError("not from AWS"),
], ids=name)
def test_not_unavailable(error):
    assert not deadline.is_unavailable(error)


def test_a_conflicting_transaction_is_not_a_failed_condition():
    assert table._is_condition_failure(cancelled("ConditionalCheckFailed", "None"))
    assert not table._is_condition_failure(cancelled("None", "TransactionConflict"))
    assert table._is_condition_failure(client_error("ConditionalCheckFailedException"))


def test_the_deadline_is_per_request_and_configurable(monkeypatch):
    from chalicelib.config import get_settings

    monkeypatch.setenv("EMOTIPAL_REQUEST_DEADLINE_SECONDS", "4")
    get_settings.cache_clear()
    try:
        assert deadline.remaining() is None
        token = deadline.start()
        assert 3.5 < deadline.remaining() <= 4
        deadline.finish(token)
        assert deadline.remaining() is None
    finally:
        get_settings.cache_clear()
