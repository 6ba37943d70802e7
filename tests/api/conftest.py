"""API tests: the Chalice app in-process against moto (in-process) for every AWS service.

`world` builds two practices with clinicians and clients; tokens are minted with a
test key whose JWKS the app fetches from a file URL, exactly as it fetches Cognito's.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from chalice.test import Client
from moto import mock_aws

from tests.support import tokens

POOL_NAME = "emotipal-test"


@pytest.fixture(scope="session")
def aws(tmp_path_factory):
    """moto for the whole session (each test builds its own practices, so tests stay independent)."""
    tmp_path = tmp_path_factory.mktemp("jwks")
    with mock_aws(), pytest.MonkeyPatch.context() as monkeypatch:
        import boto3

        from chalicelib import aws as aws_module
        from chalicelib.config import get_settings

        idp = boto3.client("cognito-idp", region_name="eu-west-2")
        pool_id = idp.create_user_pool(PoolName=POOL_NAME, UsernameAttributes=["email"])["UserPool"]["Id"]
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName="web",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        for name, value in {
            "EMOTIPAL_STAGE": "test",
            "EMOTIPAL_TABLE": "emotipal-test",
            "EMOTIPAL_COGNITO_POOL_ID": pool_id,
            "EMOTIPAL_COGNITO_CLIENT_ID": client_id,
            "EMOTIPAL_JWKS_URL": tokens.write_jwks(tmp_path / "jwks.json"),
            "EMOTIPAL_EXPORTS_BUCKET": "emotipal-test-exports",
            "EMOTIPAL_WEB_CLIENT_URL": "https://app.emotipal.test/client/",
        }.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("EMOTIPAL_AWS_ENDPOINT", raising=False)
        monkeypatch.delenv("EMOTIPAL_DYNAMODB_ENDPOINT", raising=False)
        get_settings.cache_clear()
        aws_module.reset()
        use_table("emotipal-test")
        # The sender the product sends from is verified, as the local stack and SES set-up do.
        boto3.client("ses", region_name="eu-west-2").verify_email_identity(EmailAddress="no-reply@emotipal.test")
        boto3.client("s3", region_name="eu-west-2").create_bucket(
            Bucket="emotipal-test-exports", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        yield get_settings()
        get_settings.cache_clear()
        aws_module.reset()


def use_table(name: str):
    """Point the app at table `name` (created on first use).

    moto copies a whole table on every transaction, so each world gets a table of its
    own to keep tests fast however many run before them.
    """
    import os

    import boto3

    from chalicelib.config import get_settings
    from chalicelib.store.schema import ensure_table

    ensure_table(boto3.client("dynamodb", region_name="eu-west-2"), name)
    os.environ["EMOTIPAL_TABLE"] = name
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture(scope="session")
def api(aws):
    from app import app

    with Client(app) as client:
        yield client


@dataclass
class Actor:
    sub: str
    token: str
    role: str
    practice_id: str


@dataclass
class World:
    settings: object
    table: str = ""
    actors: dict[str, Actor] = field(default_factory=dict)
    clients: dict[str, dict] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    # One of everything belonging to clinician a1's client, by path parameter name.
    resources: dict[str, str] = field(default_factory=dict)

    def sub(self, who: str) -> str:
        return self.actors[who].sub

    def token(self, who: str, **overrides) -> str:
        actor = self.actors[who]
        if not overrides:
            return actor.token
        claims = {"sub": actor.sub, "issuer": self.settings.cognito_issuer,
                  "client_id": self.settings.cognito_client_id, **overrides}
        return tokens.access_token(claims.pop("sub"), **claims)

    def headers(self, who: str | None = None, *, token: str | None = None) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        bearer = token or (self.token(who) if who else None)
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        return headers


def mint(settings, sub: str, **overrides) -> str:
    return tokens.access_token(sub, issuer=settings.cognito_issuer, client_id=settings.cognito_client_id, **overrides)


VICTIM = {
    "display_name": "Victoria Markerson", "email": "victoria.markerson@example.com", "phone": "+447911123499",
    "timezone": "Europe/London", "reminder_channels": ["email", "sms"], "reminder_time": "18:30",
}


@pytest.fixture
def world(aws, api) -> World:
    return build_world(api)


@pytest.fixture(scope="module")
def _module_world(aws, api) -> World:
    return build_world(api)


@pytest.fixture
def shared_world(_module_world) -> World:
    """One world for a module whose tests must not change it (they check it stays intact)."""
    _module_world.settings = use_table(_module_world.table)
    return _module_world


def build_world(api) -> World:
    """Practice A: owner, clinician a1 (owns the victim client), clinician a2. Practice B: clinician b1."""
    import uuid

    from chalicelib.identity import practices
    from chalicelib.identity.principals import Role

    run = uuid.uuid4().hex[:8]
    table = f"emotipal-test-{run}"
    w = World(settings=use_table(table), table=table)
    practice_a = practices.create_practice("Harbour Psychology")["practice_id"]
    practice_b = practices.create_practice("Northside Counselling")["practice_id"]
    settings = w.settings
    for name, practice, role in [("owner_a", practice_a, Role.owner), ("a1", practice_a, Role.clinician),
                                 ("a2", practice_a, Role.clinician), ("b1", practice_b, Role.clinician),
                                 ("owner_b", practice_b, Role.owner)]:
        sub = f"sub-{name}-{run}"
        practices.add_member(practice, sub, email=f"{name}@example.com", display_name=name.upper(), role=role)
        w.actors[name] = Actor(sub=sub, token=mint(settings, sub), role=role.value, practice_id=practice)
    for who, body in [("a1", VICTIM), ("b1", {**VICTIM, "display_name": "Bea Other", "email": "bea@example.com",
                                              "phone": "+447911123457"})]:
        response = api.http.post("/v1/clients", headers=w.headers(who), body=json.dumps(body))
        assert response.status_code == 201, response.body
        w.clients[who] = json.loads(response.body)
        link = api.http.post(f"/v1/clients/{w.clients[who]['client_id']}/access-link",
                             headers=w.headers(who), body="{}")
        assert link.status_code == 201, link.body
        w.links[who] = json.loads(link.body)["url"].split("#token=")[1]
    w.resources = victim_homework(api, w)
    return w


# A measure sent more often than its recall period (PHQ-9 daily) needs a recorded reason.
DAILY_MEASURE = {"override_recall_period": True, "override_reason": "Daily check-in agreed with the client"}
WEEKLY_MEASURE = {"override_recall_period": True, "override_reason": "Measured at every weekly session"}


PHQ9_OPTIONS = ["not_at_all", "several_days", "more_than_half_the_days", "nearly_every_day"]


def phq9_answers(*scores: int, difficulty: str | None = "somewhat_difficult") -> dict:
    answers = {f"phq9_{n}": PHQ9_OPTIONS[value] for n, value in enumerate(scores, start=1)}
    if difficulty:
        answers["difficulty"] = difficulty
    return answers


def post(api, path: str, headers: dict, body: dict, expect: int = 201) -> dict:
    response = api.http.post(path, headers=headers, body=json.dumps(body))
    assert response.status_code == expect, response.body
    return json.loads(response.body)


def submit_risk_answer(api, w: World, key: str, item9: int = 1) -> dict:
    """A new daily PHQ-9 for a1's client, submitted with item 9 above zero (an alert)."""
    assignment = post(api, f"/v1/clients/{w.clients['a1']['client_id']}/assignments", w.headers("a1"), {
        "template_id": "phq-9", "recurrence": {"frequency": "daily"}, "due_time": "23:59", **DAILY_MEASURE})
    headers = {**w.headers(token=w.links["a1"]), "Idempotency-Key": key}
    return post(api, f"/v1/client/assignments/{assignment['assignment_id']}/submissions", headers,
                {"answers": phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, item9)})


def victim_homework(api, w: World) -> dict[str, str]:
    """a1's private template; a daily PHQ-9 for a1's client, submitted with item 9 = 1 (an alert)."""
    client_id = w.clients["a1"]["client_id"]
    template = post(api, "/v1/templates", w.headers("a1"), {"shared": False, "content": {
        "title": "Victim private template", "kind": "diary",
        "items": [{"id": "note", "type": "long_text", "label": "Note", "required": True}]}})
    assignment = post(api, f"/v1/clients/{client_id}/assignments", w.headers("a1"), {
        "template_id": "phq-9", "recurrence": {"frequency": "daily"}, "due_time": "23:59", **DAILY_MEASURE})
    headers = {**w.headers(token=w.links["a1"]), "Idempotency-Key": "victim-submission-0001"}
    receipt = post(api, f"/v1/client/assignments/{assignment['assignment_id']}/submissions", headers,
                   {"answers": phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 1)})
    alerts = json.loads(api.http.get("/v1/alerts", headers=w.headers("a1")).body)["items"]
    alert = next(a for a in alerts if a["submission_id"] == receipt["submission_id"])
    export = post(api, "/v1/exports", w.headers("a1"), {"client_id": client_id, "format": "csv"})
    return {"client_id": client_id, "assignment_id": assignment["assignment_id"],
            "submission_id": receipt["submission_id"], "alert_id": alert["alert_id"],
            "template_id": template["template_id"], "export_id": export["export_id"],
            "clinician_id": w.sub("a1")}
