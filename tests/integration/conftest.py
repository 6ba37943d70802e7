"""Real services for the integration suite: DynamoDB Local and moto in server mode.

Both run as child processes on free loopback ports, the same way `make run`
starts them (`devstack.processes`). moto runs out of process so that
`mock_aws` in other suites can never reset or intercept it. A missing Java or
DynamoDB Local jar FAILS the suite: these tests exist because DynamoDB Local
enforces rules moto lets pass.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from devstack.processes import (
    dynamodb_local_unavailable_reason,
    free_port,
    start_dynamodb_local,
    start_moto,
)
from devstack.resources import LocalResources, ensure_resources

INTEGRATION_TABLE = "emotipal-integration"
INTEGRATION_BUCKET = "emotipal-integration-exports"
INTEGRATION_SENDER = "no-reply@emotipal.test"
REGION = "eu-west-2"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def dynamodb_local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """DynamoDB Local in memory on a free port; yields its endpoint URL."""
    reason = dynamodb_local_unavailable_reason()
    if reason is not None:
        pytest.fail(f"the integration suite needs DynamoDB Local: {reason}", pytrace=False)
    logs = tmp_path_factory.mktemp("dynamodb-local")
    service = start_dynamodb_local(free_port(), db_path=None, log_path=logs / "dynamodb.log")
    assert service is not None  # the check above found Java and the jar
    try:
        yield service.url
    finally:
        service.stop()


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto in server mode (the local stack's runner) on a free port; yields its URL."""
    logs = tmp_path_factory.mktemp("moto")
    service = start_moto(free_port(), log_path=logs / "moto.log")
    try:
        yield service.url
    finally:
        service.stop()


@dataclass(frozen=True)
class LocalEnv:
    dynamodb_endpoint: str
    aws_endpoint: str
    resources: LocalResources

    @property
    def table_name(self) -> str:
        return self.resources.table_name

    @property
    def user_pool_id(self) -> str:
        return self.resources.user_pool_id

    @property
    def app_client_id(self) -> str:
        return self.resources.app_client_id


def _reset_caches() -> None:
    get_settings.cache_clear()
    aws.reset()


@pytest.fixture(scope="session")
def local_env(dynamodb_local: str, moto_server: str) -> Iterator[LocalEnv]:
    """EMOTIPAL_* pointing at the real services, with the table, pool and bucket created."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "EMOTIPAL_STAGE": "local",
            "EMOTIPAL_TABLE": INTEGRATION_TABLE,
            "EMOTIPAL_AWS_ENDPOINT": moto_server,
            "EMOTIPAL_DYNAMODB_ENDPOINT": dynamodb_local,
            "EMOTIPAL_EXPORTS_BUCKET": INTEGRATION_BUCKET,
            "EMOTIPAL_SES_SENDER": INTEGRATION_SENDER,
            "EMOTIPAL_WEB_CLIENT_URL": "http://127.0.0.1:8001/client/",
            "EMOTIPAL_WEB_ORIGIN": "http://127.0.0.1:8001",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
        }.items():
            patch.setenv(name, value)
        _reset_caches()
        resources = ensure_resources(
            table_name=INTEGRATION_TABLE,
            exports_bucket=INTEGRATION_BUCKET,
            ses_sender=INTEGRATION_SENDER,
            region=REGION,
        )
        patch.setenv("EMOTIPAL_COGNITO_POOL_ID", resources.user_pool_id)
        patch.setenv("EMOTIPAL_COGNITO_CLIENT_ID", resources.app_client_id)
        _reset_caches()
        try:
            yield LocalEnv(dynamodb_endpoint=dynamodb_local, aws_endpoint=moto_server, resources=resources)
        finally:
            _reset_caches()
    _reset_caches()
