"""Fault tests: the app in-process against DynamoDB Local and moto's server, with faults.

DynamoDB Local runs as its own child process so a test can freeze it (SIGSTOP) and
thaw it (SIGCONT); moto in server mode stands in for Cognito, S3, SES, SNS and KMS.
Without Java or the DynamoDB Local jar the suite FAILS, it is not skipped.
"""
from __future__ import annotations

import json
import os
import signal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from devstack.processes import (
    ManagedProcess,
    dynamodb_local_unavailable_reason,
    free_port,
    start_dynamodb_local,
    start_moto,
)
from tests.support import tokens

# Short, so the suite stays quick; production uses the configured 3 s.
DEADLINE_SECONDS = 1.5
# Python, the JVM and the loopback add a little on top of the deadline.
MARGIN_SECONDS = 0.75
TABLE = "emotipal-faults"
BUCKET = "emotipal-faults-exports"
SENDER = "no-reply@emotipal.test"
REGION = "eu-west-2"


@dataclass
class Services:
    dynamodb: ManagedProcess
    moto: ManagedProcess

    @contextmanager
    def dynamodb_frozen(self) -> Iterator[None]:
        """DynamoDB Local stopped (SIGSTOP) for the block: it accepts connections, answers nothing."""
        os.kill(self.dynamodb.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.dynamodb.process.pid, signal.SIGCONT)

    def freeze_dynamodb(self) -> None:
        os.kill(self.dynamodb.process.pid, signal.SIGSTOP)

    def thaw_dynamodb(self) -> None:
        os.kill(self.dynamodb.process.pid, signal.SIGCONT)


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    reason = dynamodb_local_unavailable_reason()
    if reason is not None:
        pytest.fail(f"the fault suite needs DynamoDB Local: {reason}", pytrace=False)
    logs = tmp_path_factory.mktemp("faults-logs")
    dynamodb = start_dynamodb_local(free_port(), db_path=None, log_path=logs / "dynamodb.log")
    assert dynamodb is not None
    try:
        moto = start_moto(free_port(), log_path=logs / "moto.log")
        try:
            yield Services(dynamodb, moto)
        finally:
            moto.stop()
    finally:
        if dynamodb.running():
            os.kill(dynamodb.process.pid, signal.SIGCONT)  # a stopped JVM would ignore SIGTERM
        dynamodb.stop()


def _reset() -> None:
    get_settings.cache_clear()
    aws.reset()


@pytest.fixture(scope="session")
def env(services: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from devstack.resources import ensure_resources

    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "EMOTIPAL_STAGE": "test",
            "EMOTIPAL_TABLE": TABLE,
            "EMOTIPAL_AWS_ENDPOINT": services.moto.url,
            "EMOTIPAL_DYNAMODB_ENDPOINT": services.dynamodb.url,
            "EMOTIPAL_EXPORTS_BUCKET": BUCKET,
            "EMOTIPAL_SES_SENDER": SENDER,
            "EMOTIPAL_WEB_CLIENT_URL": "https://app.emotipal.test/client/",
            "EMOTIPAL_JWKS_URL": tokens.write_jwks(tmp_path_factory.mktemp("jwks") / "jwks.json"),
            "EMOTIPAL_REQUEST_DEADLINE_SECONDS": str(DEADLINE_SECONDS),
            "EMOTIPAL_SIGNING_SECRET": "fault-tests-signing-secret-0123456789-abcdefgh",
            "EMOTIPAL_API_URL": "https://api.emotipal.test",
        }.items():
            patch.setenv(name, value)
        _reset()
        resources = ensure_resources(table_name=TABLE, exports_bucket=BUCKET, ses_sender=SENDER, region=REGION)
        patch.setenv("EMOTIPAL_COGNITO_POOL_ID", resources.user_pool_id)
        patch.setenv("EMOTIPAL_COGNITO_CLIENT_ID", resources.app_client_id)
        _reset()
        try:
            yield get_settings()
        finally:
            _reset()


@pytest.fixture(scope="session")
def api(env):
    from chalice.test import Client

    from app import app

    with Client(app) as client:
        yield client


@dataclass
class World:
    """One practice: clinician `sub` with one client, its link token and a daily PHQ-9."""

    settings: Any
    sub: str
    clinician_token: str
    client_id: str = ""
    link_token: str = ""
    assignment_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def clinician(self) -> dict[str, str]:
        return {"Content-Type": "application/json", "Authorization": f"Bearer {self.clinician_token}"}

    def client(self, idempotency_key: str | None = None) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.link_token}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers


def call(api, method: str, path: str, headers: dict[str, str], body: Any = None):
    return api.http.request(method, path, headers=headers, body=json.dumps(body) if body is not None else b"")


def expect(response, status: int) -> Any:
    assert response.status_code == status, (response.status_code, response.body)
    return json.loads(response.body) if response.body else None


@pytest.fixture
def world(api, env) -> World:
    from chalicelib.identity import practices
    from chalicelib.identity.principals import Role

    run = uuid.uuid4().hex[:8]
    practice_id = practices.create_practice(f"Fault Practice {run}")["practice_id"]
    sub = f"sub-faults-{run}"
    practices.add_member(practice_id, sub, email=f"clinician-{run}@example.com", display_name="Dr F",
                         role=Role.clinician)
    token = tokens.access_token(sub, issuer=env.cognito_issuer, client_id=env.cognito_client_id)
    w = World(settings=env, sub=sub, clinician_token=token)
    profile = expect(call(api, "POST", "/v1/clients", w.clinician(), {
        "display_name": "Client F", "email": f"client-{run}@example.com", "phone": "+447911123456",
        "timezone": "Europe/London", "reminder_channels": ["email"], "reminder_time": "18:30"}), 201)
    w.client_id = profile["client_id"]
    link = expect(call(api, "POST", f"/v1/clients/{w.client_id}/access-link", w.clinician(), {}), 201)
    w.link_token = link["url"].split("#token=")[1]
    assignment = expect(call(api, "POST", f"/v1/clients/{w.client_id}/assignments", w.clinician(), {
        "template_id": "phq-9", "recurrence": {"frequency": "daily"}, "due_time": "23:59",
        "override_recall_period": True, "override_reason": "Daily check-in agreed with the client"}), 201)
    w.assignment_id = assignment["assignment_id"]
    return w


PHQ9_OPTIONS = ["not_at_all", "several_days", "more_than_half_the_days", "nearly_every_day"]


def phq9_answers(*scores: int) -> dict[str, str]:
    return {f"phq9_{n}": PHQ9_OPTIONS[v] for n, v in enumerate(scores, start=1)} | {
        "difficulty": "somewhat_difficult"}


LOW_PHQ9 = phq9_answers(1, 0, 1, 0, 1, 0, 1, 0, 0)  # no risk answer: no alert, no notice
