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
        from chalicelib.store.schema import ensure_table

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
        ensure_table(boto3.client("dynamodb", region_name="eu-west-2"), "emotipal-test")
        boto3.client("s3", region_name="eu-west-2").create_bucket(
            Bucket="emotipal-test-exports", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        yield get_settings()
        get_settings.cache_clear()
        aws_module.reset()


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
    actors: dict[str, Actor] = field(default_factory=dict)
    clients: dict[str, dict] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)

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
    return build_world(aws, api)


@pytest.fixture(scope="module")
def shared_world(aws, api) -> World:
    """One world for a module whose tests must not change it (they check it stays intact)."""
    return build_world(aws, api)


def build_world(aws, api) -> World:
    """Practice A: owner, clinician a1 (owns the victim client), clinician a2. Practice B: clinician b1."""
    from chalicelib.identity import practices
    from chalicelib.identity.principals import Role

    import uuid

    w = World(settings=aws)
    run = uuid.uuid4().hex[:8]
    practice_a = practices.create_practice("Harbour Psychology")["practice_id"]
    practice_b = practices.create_practice("Northside Counselling")["practice_id"]
    for name, practice, role in [("owner_a", practice_a, Role.owner), ("a1", practice_a, Role.clinician),
                                 ("a2", practice_a, Role.clinician), ("b1", practice_b, Role.clinician),
                                 ("owner_b", practice_b, Role.owner)]:
        sub = f"sub-{name}-{run}"
        practices.add_member(practice, sub, email=f"{name}@example.com", display_name=name.upper(), role=role)
        w.actors[name] = Actor(sub=sub, token=mint(aws, sub), role=role.value, practice_id=practice)
    for who, body in [("a1", VICTIM), ("b1", {**VICTIM, "display_name": "Bea Other", "email": "bea@example.com",
                                              "phone": "+447911123457"})]:
        response = api.http.post("/v1/clients", headers=w.headers(who), body=json.dumps(body))
        assert response.status_code == 201, response.body
        w.clients[who] = json.loads(response.body)
        link = api.http.post(f"/v1/clients/{w.clients[who]['client_id']}/access-link",
                             headers=w.headers(who), body="{}")
        assert link.status_code == 201, link.body
        w.links[who] = json.loads(link.body)["url"].split("#token=")[1]
    return w
