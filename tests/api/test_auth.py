"""Sign-in through Cognito (moto), token verification, and clinician administration."""
from __future__ import annotations

import json

import boto3
import pytest

PASSWORD = "Correct-Horse-Battery-9"


def _json(response):
    return json.loads(response.body)


@pytest.fixture
def cognito_owner(aws, shared_world):
    """A real (moto) Cognito user who owns practice A of the shared world."""
    import uuid

    from chalicelib.identity import cognito, practices
    from chalicelib.identity.principals import Role

    email = f"owner-{uuid.uuid4().hex[:6]}@example.com"
    sub = cognito.create_user(email, "Olive Owner", temporary="Temp-Passw0rd!x", send_invite=False)
    cognito.set_permanent_password(email, PASSWORD)
    practices.add_member(shared_world.actors["owner_a"].practice_id, sub, email=email, display_name="Olive Owner",
                         role=Role.owner)
    return email, sub


def _login(api, email, password):
    return api.http.post("/v1/auth/login", headers={"Content-Type": "application/json"},
                         body=json.dumps({"email": email, "password": password}))


def test_login_returns_tokens_that_open_me_and_refresh_works(api, cognito_owner):
    email, sub = cognito_owner
    response = _login(api, email, PASSWORD)
    assert response.status_code == 200, response.body
    tokens = _json(response)
    me = api.http.get("/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200, me.body
    assert _json(me)["clinician_id"] == sub and _json(me)["role"] == "owner"
    assert _json(me)["practice_name"] == "Harbour Psychology"

    refreshed = api.http.post("/v1/auth/refresh", headers={"Content-Type": "application/json"},
                              body=json.dumps({"refresh_token": tokens["refresh_token"]}))
    assert refreshed.status_code == 200, refreshed.body
    again = _json(refreshed)["access_token"]
    assert api.http.get("/v1/me", headers={"Authorization": f"Bearer {again}"}).status_code == 200


def test_id_token_is_not_accepted_as_an_access_token(api, cognito_owner):
    tokens = _json(_login(api, cognito_owner[0], PASSWORD))
    assert api.http.get("/v1/me", headers={"Authorization": f"Bearer {tokens['id_token']}"}).status_code == 401


def test_wrong_password_and_unknown_user_look_the_same(api, cognito_owner):
    wrong = _login(api, cognito_owner[0], "Not-The-Password-1")
    unknown = _login(api, "nobody@example.com", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert _json(wrong)["detail"] == _json(unknown)["detail"]
    assert wrong.headers["Content-Type"] == "application/problem+json"


def test_new_password_challenge(api, aws, shared_world):
    from chalicelib.identity import cognito

    email = "fresh.clinician@example.com"
    cognito.create_user(email, "Fresh", temporary="Temp-Passw0rd!x", send_invite=False)
    first = _json(_login(api, email, "Temp-Passw0rd!x"))
    assert first["challenge"] == "NEW_PASSWORD_REQUIRED" and first["session"]
    missing = api.http.post("/v1/auth/challenge", headers={"Content-Type": "application/json"}, body=json.dumps(
        {"challenge": "NEW_PASSWORD_REQUIRED", "session": first["session"], "email": email}))
    assert missing.status_code == 422 and _json(missing)["errors"][0]["field"] == "new_password"
    answered = api.http.post("/v1/auth/challenge", headers={"Content-Type": "application/json"}, body=json.dumps(
        {"challenge": "NEW_PASSWORD_REQUIRED", "session": first["session"], "email": email,
         "new_password": "A-New-Passw0rd-That-Is-Long"}))
    assert answered.status_code == 200, answered.body
    assert _json(answered)["access_token"]
    assert _login(api, email, "A-New-Passw0rd-That-Is-Long").status_code == 200


def test_totp_challenge_is_answered_with_a_code(api, aws, cognito_owner):
    email, _ = cognito_owner
    idp = boto3.client("cognito-idp", region_name="eu-west-2")
    access = _json(_login(api, email, PASSWORD))["access_token"]
    idp.associate_software_token(AccessToken=access)
    idp.verify_software_token(AccessToken=access, UserCode="123456")
    idp.set_user_mfa_preference(AccessToken=access,
                                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    first = _json(_login(api, email, PASSWORD))
    assert first["challenge"] == "SOFTWARE_TOKEN_MFA"
    bad = api.http.post("/v1/auth/challenge", headers={"Content-Type": "application/json"}, body=json.dumps(
        {"challenge": "SOFTWARE_TOKEN_MFA", "session": first["session"], "email": email, "code": "12345x"}))
    assert bad.status_code == 422
    answered = api.http.post("/v1/auth/challenge", headers={"Content-Type": "application/json"}, body=json.dumps(
        {"challenge": "SOFTWARE_TOKEN_MFA", "session": first["session"], "email": email, "code": "123456"}))
    assert answered.status_code == 200, answered.body
    assert _json(answered)["access_token"]


def test_owner_invites_clinicians_and_lists_them(api, world, monkeypatch):
    from chalicelib.config import get_settings

    # Settings are read once per process (chalice's test client patches the environment per
    # request with the config's stage, so prime the cache outside a request).
    monkeypatch.setenv("EMOTIPAL_STAGE", "local")
    get_settings.cache_clear()
    assert get_settings().is_local
    try:
        response = api.http.post("/v1/clinicians", headers=world.headers("owner_a"), body=json.dumps(
            {"email": "Robin.Lee@Example.com", "display_name": "Dr Robin Lee", "role": "clinician"}))
    finally:
        monkeypatch.setenv("EMOTIPAL_STAGE", "test")
        get_settings.cache_clear()
        get_settings()
    assert response.status_code == 201, response.body
    invited = _json(response)
    assert invited["email"] == "robin.lee@example.com" and invited["temporary_password"]
    first = _json(_login(api, "robin.lee@example.com", invited["temporary_password"]))
    assert first["challenge"] == "NEW_PASSWORD_REQUIRED"

    duplicate = api.http.post("/v1/clinicians", headers=world.headers("owner_a"), body=json.dumps(
        {"email": "robin.lee@example.com", "display_name": "Again"}))
    assert duplicate.status_code == 409

    listed = _json(api.http.get("/v1/clinicians", headers=world.headers("owner_a")))
    emails = {c["email"] for c in listed["items"]}
    assert "robin.lee@example.com" in emails and "a1@example.com" in emails
    assert "b1@example.com" not in emails
    assert all(c["temporary_password"] is None for c in listed["items"])


def test_invitations_outside_local_never_return_the_password(api, world):
    response = api.http.post("/v1/clinicians", headers=world.headers("owner_a"), body=json.dumps(
        {"email": "quiet.invite@example.com", "display_name": "Quiet"}))
    assert response.status_code == 201 and _json(response)["temporary_password"] is None


def test_roles_limit_administration(api, world):
    body = json.dumps({"email": "someone@example.com", "display_name": "Someone", "role": "clinician"})
    assert api.http.post("/v1/clinicians", headers=world.headers("a1"), body=body).status_code == 403
    assert api.http.get("/v1/clinicians", headers=world.headers("a1")).status_code == 403


def test_jwks_is_fetched_once_and_cached(api, world, monkeypatch):
    import urllib.request

    from chalicelib.identity import tokens

    tokens._caches.clear()
    calls = []
    real = urllib.request.urlopen
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    for _ in range(3):
        assert api.http.get("/v1/me", headers=world.headers("a1")).status_code == 200
    assert len(calls) == 1
    # An unknown key id does not trigger a refetch storm.
    for _ in range(3):
        assert api.http.get("/v1/me", headers=world.headers(token=world.token("a1", kid="rotated"))).status_code == 401
    assert len(calls) == 1


def test_algorithm_is_pinned_to_rs256(api, world):
    import jwt

    forged = jwt.encode({"sub": world.sub("a1"), "token_use": "access"}, "secret", algorithm="HS256",
                        headers={"kid": "test-key"})
    none_alg = jwt.encode({"sub": world.sub("a1")}, None, algorithm="none")
    for token in (forged, none_alg):
        assert api.http.get("/v1/me", headers=world.headers(token=token)).status_code == 401


def test_wrong_issuer_is_refused(api, world):
    token = world.token("a1", issuer="https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_other")
    assert api.http.get("/v1/me", headers=world.headers(token=token)).status_code == 401


def test_a_deactivated_account_looks_like_an_unknown_address(api, world):
    """Offboarding must not tell a caller that the address has (had) an account."""
    import uuid

    from chalicelib.identity import cognito, practices
    from chalicelib.identity.principals import Role

    email = f"gone-{uuid.uuid4().hex[:6]}@example.com"
    sub = cognito.create_user(email, "Gone", temporary="Temp-Passw0rd!x", send_invite=False)
    cognito.set_permanent_password(email, PASSWORD)
    practices.add_member(world.actors["owner_a"].practice_id, sub, email=email, display_name="Gone", role=Role.clinician)
    assert api.http.post(f"/v1/clinicians/{sub}/deactivate", headers=world.headers("owner_a")).status_code == 200
    disabled = _login(api, email, PASSWORD)
    unknown = _login(api, f"x-{email}", PASSWORD)
    assert disabled.status_code == unknown.status_code == 401
    assert _json(disabled) == _json(unknown)
