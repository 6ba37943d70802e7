"""What the request benchmarks share: the local services, a seeded practice, API Gateway
proxy events, and a recorder of the AWS requests a piece of code makes."""
from __future__ import annotations

import copy
import json
import os
import sys
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Iterator

REGION = "eu-west-2"
TABLE = "emotipal-bench"
BUCKET = "emotipal-bench-exports"
SENDER = "no-reply@emotipal.test"
PHQ9_OPTIONS = ["not_at_all", "several_days", "more_than_half_the_days", "nearly_every_day"]


def say(message: str) -> None:
    # The real stdout: the app's log and metric lines are silenced while it is measured.
    print(message, file=sys.__stdout__, flush=True)


@contextmanager
def local_stack() -> Iterator[dict[str, str]]:
    """DynamoDB Local and moto's server on free ports, resources created; yields the env to use."""
    from devstack.processes import dynamodb_local_unavailable_reason, free_port, start_dynamodb_local, start_moto
    from tests.support import tokens

    reason = dynamodb_local_unavailable_reason()
    if reason is not None:
        raise SystemExit(f"this benchmark needs DynamoDB Local: {reason}")
    workdir = Path(tempfile.mkdtemp(prefix="emotipal-bench-"))
    dynamodb = start_dynamodb_local(free_port(), db_path=None, log_path=workdir / "dynamodb.log")
    try:
        moto = start_moto(free_port(), log_path=workdir / "moto.log")
        try:
            env = {
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
                "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "WARNING",
                "EMOTIPAL_STAGE": "test", "EMOTIPAL_TABLE": TABLE,
                "EMOTIPAL_AWS_ENDPOINT": moto.url, "EMOTIPAL_DYNAMODB_ENDPOINT": dynamodb.url,
                "EMOTIPAL_EXPORTS_BUCKET": BUCKET, "EMOTIPAL_SES_SENDER": SENDER,
                "EMOTIPAL_WEB_CLIENT_URL": "https://app.emotipal.test/client/",
                "EMOTIPAL_JWKS_URL": tokens.write_jwks(workdir / "jwks.json"),
                "EMOTIPAL_SIGNING_SECRET": "bench-signing-secret-0123456789-abcdefghijklmn",
                "EMOTIPAL_API_URL": "https://api.emotipal.test",
            }
            os.environ.update(env)
            _reset()
            from devstack.resources import ensure_resources

            resources = ensure_resources(table_name=TABLE, exports_bucket=BUCKET, ses_sender=SENDER, region=REGION)
            env["EMOTIPAL_COGNITO_POOL_ID"] = resources.user_pool_id
            env["EMOTIPAL_COGNITO_CLIENT_ID"] = resources.app_client_id
            env["EMOTIPAL_FCM_PLATFORM_ARN"] = _push_platform()  # so a device registration can succeed
            os.environ.update(env)
            _reset()
            yield env
        finally:
            moto.stop()
    finally:
        dynamodb.stop()


def _push_platform() -> str:
    from chalicelib import aws

    return aws.client("sns").create_platform_application(
        Name="emotipal-bench-fcm", Platform="GCM", Attributes={"PlatformCredential": "bench-server-key"},
    )["PlatformApplicationArn"]


def _reset() -> None:
    from chalicelib import aws
    from chalicelib.config import get_settings

    get_settings.cache_clear()
    aws.reset()


def proxy_event(method: str, resource: str, path_params: dict[str, str] | None = None,
                headers: dict[str, str] | None = None, body: Any = None,
                query: dict[str, str] | None = None) -> dict[str, Any]:
    """An API Gateway (REST, proxy integration) event, as Lambda receives it."""
    path = resource
    for name, value in (path_params or {}).items():
        path = path.replace("{" + name + "}", value)
    headers = {"Content-Type": "application/json", "Host": "api.emotipal.test", **(headers or {})}
    return {
        "resource": resource, "path": path, "httpMethod": method,
        "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_params or None, "stageVariables": None,
        "requestContext": {"resourcePath": resource, "httpMethod": method, "path": f"/api{path}",
                           "requestId": str(uuid.uuid4()), "stage": "api", "identity": {"sourceIp": "127.0.0.1"}},
        "body": json.dumps(body) if body is not None else None, "isBase64Encoded": False,
    }


class LambdaContext:
    function_name = "emotipal-api"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:eu-west-2:123456789012:function:emotipal-api"
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def answer(app: Any, event: dict[str, Any]) -> tuple[int, Any]:
    response = app(event, LambdaContext())
    body = response.get("body")
    try:
        body = json.loads(body) if body else None
    except ValueError:
        pass
    return response["statusCode"], body


@dataclass
class Call:
    service: str
    operation: str
    params: dict[str, Any]


@dataclass
class Recorder:
    """Every AWS request a boto3 client of `chalicelib.aws` sends (presigning sends nothing)."""

    calls: list[Call] = field(default_factory=list)

    def attach(self) -> None:
        from chalicelib import aws

        events = aws._session().events  # clients made from here on copy these handlers
        events.register_last("before-parameter-build", self._params, unique_id="bench-params")
        events.register_last("before-call", self._call, unique_id="bench-call")

    @staticmethod
    def _params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        # After botocore's own handlers (a TransactWriteItems token is filled in by then).
        context["bench_params"] = copy.deepcopy(params)

    def _call(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        self.calls.append(Call(model.service_model.service_name, model.name, context.get("bench_params") or {}))

    def take(self) -> list[Call]:
        calls, self.calls = self.calls, []
        return calls


def phq9(*scores: int) -> dict[str, str]:
    return {f"phq9_{n}": PHQ9_OPTIONS[v] for n, v in enumerate(scores, start=1)} | {"difficulty": "somewhat_difficult"}


# A clinician who signs in with a password (Cognito in moto), for the sign-in routes.
SIGN_IN_PASSWORD = "Bench-password-0123!"  # noqa: S105 - a local stand-in, never a real credential


@dataclass
class World:
    clinician_token: str
    link_token: str
    resources: dict[str, str]
    spare: list[str] = field(default_factory=list)
    sign_in_email: str = ""
    refresh_token: str = ""

    def headers(self, auth: str) -> dict[str, str]:
        if auth == "clinician":
            return {"Authorization": f"Bearer {self.clinician_token}"}
        if auth == "client":
            return {"Authorization": f"Bearer {self.link_token}"}
        return {}


def seed(app: Any, spare_assignments: int = 0) -> World:
    """An owner with a second clinician; a client with a link, a daily PHQ-9 (one risk
    submission, so an alert), a private template, an export, and `spare_assignments`
    more daily PHQ-9s with today's occurrence open (one per submission or skip to time)."""
    from chalicelib.config import get_settings
    from chalicelib.identity import practices
    from chalicelib.identity.principals import Role
    from tests.support import tokens

    settings = get_settings()
    run = uuid.uuid4().hex[:8]
    practice_id = practices.create_practice(f"Bench Practice {run}")["practice_id"]
    owner, other = f"sub-bench-owner-{run}", f"sub-bench-other-{run}"
    practices.add_member(practice_id, owner, email=f"owner-{run}@example.com", display_name="Dr Owner", role=Role.owner)
    practices.add_member(practice_id, other, email=f"other-{run}@example.com", display_name="Dr Other",
                         role=Role.clinician)
    token = tokens.access_token(owner, issuer=settings.cognito_issuer, client_id=settings.cognito_client_id,
                                expires_in=3 * 3600)
    world = World(clinician_token=token, link_token="", resources={"clinician_id": other})

    def post(resource: str, body: dict, auth: str = "clinician", params: dict | None = None,
             extra: dict | None = None) -> dict:
        status, out = answer(app, proxy_event("POST", resource, params, {**world.headers(auth), **(extra or {})},
                                              body))
        assert status in (200, 201), (resource, status, out)
        return out

    client = post("/v1/clients", {"display_name": "Bench Client", "email": f"client-{run}@example.com",
                                  "phone": "+447911123456", "timezone": "Europe/London",
                                  "reminder_channels": ["email"], "reminder_time": "18:30"})
    client_id = client["client_id"]
    link = post("/v1/clients/{client_id}/access-link", {}, params={"client_id": client_id})
    world.link_token = link["url"].split("#token=")[1]
    template = post("/v1/templates", {"shared": False, "content": {
        "title": "Bench template", "kind": "diary",
        "items": [{"id": "note", "type": "long_text", "label": "Note", "required": True}]}})
    assignment = post("/v1/clients/{client_id}/assignments", {
        "template_id": "phq-9", "recurrence": {"frequency": "daily"}, "due_time": "23:59",
        "override_recall_period": True, "override_reason": "Daily check-in agreed with the client"}, params={"client_id": client_id})
    receipt = post("/v1/client/assignments/{assignment_id}/submissions", {"answers": phq9(1, 1, 1, 1, 1, 1, 1, 1, 1)},
                   auth="client", params={"assignment_id": assignment["assignment_id"]},
                   extra={"Idempotency-Key": f"bench-{run}"})
    export = post("/v1/exports", {"client_id": client_id, "format": "csv"})
    status, alerts = answer(app, proxy_event("GET", "/v1/alerts", headers=world.headers("clinician")))
    alert = next(a for a in alerts["items"] if a["submission_id"] == receipt["submission_id"])
    for _ in range(spare_assignments):
        world.spare.append(post("/v1/clients/{client_id}/assignments", {
            "template_id": "phq-9", "recurrence": {"frequency": "daily"}, "due_time": "23:59"},
            params={"client_id": client_id})["assignment_id"])
    world.resources.update(client_id=client_id, assignment_id=assignment["assignment_id"],
                           submission_id=receipt["submission_id"], alert_id=alert["alert_id"],
                           template_id=template["template_id"], export_id=export["export_id"])
    world.sign_in_email = f"signin-{run}@example.com"
    new_user(world.sign_in_email, permanent=SIGN_IN_PASSWORD)
    from chalicelib.identity import cognito

    world.refresh_token = cognito.login(world.sign_in_email, SIGN_IN_PASSWORD)["refresh_token"]
    return world


def new_user(email: str, *, permanent: str | None = None) -> str:
    """A Cognito user; with `permanent` it signs in at once, else it has a temporary password
    (returned) and its first sign-in is a NEW_PASSWORD_REQUIRED challenge."""
    from chalicelib.identity import cognito

    temporary = cognito.temporary_password()
    cognito.create_user(email, "Dr Bench", temporary=temporary, send_invite=False)
    if permanent:
        cognito.set_permanent_password(email, permanent)
        return permanent
    return temporary


def new_challenge() -> dict[str, str]:
    """The body of a NEW_PASSWORD_REQUIRED answer for a fresh user (a challenge answers once)."""
    from chalicelib.identity import cognito

    email = f"challenge-{uuid.uuid4().hex[:12]}@example.com"
    started = cognito.login(email, new_user(email))
    assert started.get("challenge") == "NEW_PASSWORD_REQUIRED", started
    return {"challenge": "NEW_PASSWORD_REQUIRED", "session": started["session"], "email": email,
            "new_password": SIGN_IN_PASSWORD}


def new_client(app: Any, world: World) -> str:
    """A client with a link and a daily PHQ-9 (something to erase), made through the app."""
    def post(resource: str, body: dict, params: dict | None = None) -> dict:
        status, out = answer(app, proxy_event("POST", resource, params, world.headers("clinician"), body))
        assert status in (200, 201), (resource, status, out)
        return out

    client_id = post("/v1/clients", {"display_name": "Bench Erasure", "email": f"erase-{uuid.uuid4().hex[:12]}@example.com",
                                     "timezone": "Europe/London", "reminder_channels": ["email"],
                                     "reminder_time": "18:30"})["client_id"]
    post("/v1/clients/{client_id}/access-link", {}, {"client_id": client_id})
    post("/v1/clients/{client_id}/assignments", {"template_id": "phq-9", "recurrence": {"frequency": "daily"},
                                                 "due_time": "23:59", "override_recall_period": True, "override_reason": "Daily check-in agreed with the client"},
         {"client_id": client_id})
    return client_id
