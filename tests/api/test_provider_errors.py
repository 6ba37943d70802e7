"""What Cognito (or botocore's own checks) refuses is the caller's mistake: a 4xx
problem+json naming the field, never a 500. moto raises what it can; botocore's
Stubber stands in for the refusals moto does not make."""
from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager

import boto3
import pytest
from botocore.stub import Stubber

PASSWORD = "Correct-Horse-Battery-9"
JSON = {"Content-Type": "application/json"}


@contextmanager
def cognito_refuses(operation: str, code: str, message: str = "refused", status: int = 400):
    """The app's own Cognito client answers `operation` with a provider error, once."""
    from chalicelib.aws import client

    with Stubber(client("cognito-idp")) as stub:
        stub.add_client_error(operation, service_error_code=code, service_message=message, http_status_code=status)
        yield
        stub.assert_no_pending_responses()


def _current_code() -> str:
    from moto.cognitoidp.models import COGNITO_TOTP_MFA_SECRET
    from moto.cognitoidp.utils import cognito_totp

    return cognito_totp(COGNITO_TOTP_MFA_SECRET).generate(int(time.time())).decode()


def wrong_code() -> str:
    return "111111" if _current_code() != "111111" else "222222"


def enable_totp(api, email: str, password: str, monkeypatch) -> None:
    """Turn on TOTP MFA for `email`, with moto checking codes like Cognito does."""
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    idp = boto3.client("cognito-idp", region_name="eu-west-2")
    access = json.loads(_post(api, "/v1/auth/login", {"email": email, "password": password}).body)["access_token"]
    idp.associate_software_token(AccessToken=access)
    idp.verify_software_token(AccessToken=access, UserCode=_current_code())
    idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})


def _post(api, path, body, headers=JSON):
    return api.http.post(path, headers=headers, body=json.dumps(body))


def _problem(response, status: int, field: str) -> dict:
    assert response.status_code == status, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    body = json.loads(response.body)
    assert body["status"] == status
    assert [e["field"] for e in body["errors"]] == [field], body
    return body


@pytest.fixture
def account(aws, world):
    from chalicelib.identity import cognito, practices
    from chalicelib.identity.principals import Role

    email = f"prov-{uuid.uuid4().hex[:8]}@example.com"
    sub = cognito.create_user(email, "Petra Provider", temporary="Temp-Passw0rd!x", send_invite=False)
    cognito.set_permanent_password(email, PASSWORD)
    practices.add_member(world.actors["owner_a"].practice_id, sub, email=email, display_name="Petra", role=Role.owner)
    return email


def _members(api, world) -> set[str]:
    listed = json.loads(api.http.get("/v1/clinicians", headers=world.headers("owner_a")).body)
    return {m["email"] for m in listed["items"]}


# -- inviting a clinician --------------------------------------------------------------

@pytest.mark.parametrize("email", ["jörg.müller@example.com", "ärzte+team@bücher.example"])
def test_an_address_cognito_refuses_is_a_422_on_email_and_nothing_is_stored(api, world, email):
    with cognito_refuses("admin_create_user", "InvalidParameterException", "Invalid email address format."):
        response = _post(api, "/v1/clinicians", {"email": email, "display_name": "Jörg"}, world.headers("owner_a"))
    _problem(response, 422, "email")
    assert email.lower() not in _members(api, world)


@pytest.mark.parametrize("code,message,status,field", [
    ("InvalidParameterException", "Invalid user attributes: name: attribute value too long", 422, "display_name"),
    ("InvalidParameterException", "Invalid phone number format.", 422, "phone"),
    ("UsernameExistsException", "An account with the given email already exists.", 409, "email"),
    ("CodeDeliveryFailureException", "Unable to deliver message", 422, "email"),
    ("TooManyRequestsException", "Too many requests", 429, "email"),
    ("LimitExceededException", "Attempt limit exceeded", 429, "email"),
])
def test_invitation_refusals_name_the_field(api, world, code, message, status, field):
    with cognito_refuses("admin_create_user", code, message):
        response = _post(api, "/v1/clinicians", {"email": "new.one@example.com", "display_name": "New One"},
                         world.headers("owner_a"))
    body = _problem(response, status, field)
    assert message not in json.dumps(body)  # our words, not the provider's
    if status == 429:
        assert response.headers["Retry-After"]


def test_a_second_invitation_of_the_same_address_is_a_409_from_moto(api, world):
    body = {"email": f"twice-{uuid.uuid4().hex[:6]}@example.com", "display_name": "Twice"}
    assert _post(api, "/v1/clinicians", body, world.headers("owner_a")).status_code == 201
    _problem(_post(api, "/v1/clinicians", body, world.headers("owner_a")), 409, "email")


# -- the MFA step ------------------------------------------------------------------------

def _mfa_session(api, account, monkeypatch) -> str:
    enable_totp(api, account, PASSWORD, monkeypatch)
    first = json.loads(_post(api, "/v1/auth/login", {"email": account, "password": PASSWORD}).body)
    assert first["challenge"] == "SOFTWARE_TOKEN_MFA"
    return first["session"]


def _answer(api, account, session, code):
    return _post(api, "/v1/auth/challenge", {"challenge": "SOFTWARE_TOKEN_MFA", "session": session,
                                             "email": account, "code": code})


def test_a_wrong_code_is_a_401_on_code(api, account, monkeypatch):
    session = _mfa_session(api, account, monkeypatch)
    body = _problem(_answer(api, account, session, wrong_code()), 401, "code")
    assert body["errors"][0]["type"] == "code_mismatch"


def test_a_right_code_for_an_expired_session_is_a_401_on_session(api, account, monkeypatch):
    session = _mfa_session(api, account, monkeypatch)
    assert _answer(api, account, session, _current_code()).status_code == 200  # the session is spent now
    _problem(_answer(api, account, session, _current_code()), 401, "session")
    _problem(_answer(api, account, "x" * 40, _current_code()), 401, "session")


def test_a_session_botocore_refuses_before_sending_is_a_422_on_session(api, account):
    # Cognito sessions are at least 20 characters; botocore checks that before any request.
    _problem(_answer(api, account, "short", "123456"), 422, "session")


@pytest.mark.parametrize("code,message,status,field", [
    ("ExpiredCodeException", "Invalid code provided, please request a code again.", 401, "code"),
    ("NotAuthorizedException", "Invalid session for the user, session is expired.", 401, "session"),
    ("CodeMismatchException", "Invalid code received for user", 401, "code"),
    ("InvalidParameterException", "Invalid code format", 422, "code"),
    ("TooManyRequestsException", "Too many requests", 429, "code"),
])
def test_challenge_refusals_name_the_field(api, account, code, message, status, field):
    with cognito_refuses("respond_to_auth_challenge", code, message):
        response = _answer(api, account, "s" * 40, "123456")
    _problem(response, status, field)


def test_a_new_password_cognito_refuses_is_a_422_on_new_password(api, world):
    from chalicelib.identity import cognito

    email = f"fresh-{uuid.uuid4().hex[:6]}@example.com"
    cognito.create_user(email, "Fresh", temporary="Temp-Passw0rd!x", send_invite=False)
    first = json.loads(_post(api, "/v1/auth/login", {"email": email, "password": "Temp-Passw0rd!x"}).body)
    with cognito_refuses("respond_to_auth_challenge", "InvalidPasswordException", "Password not long enough"):
        response = _post(api, "/v1/auth/challenge", {"challenge": "NEW_PASSWORD_REQUIRED", "session": first["session"],
                                                     "email": email, "new_password": "only-lowercase-long"})
    _problem(response, 422, "new_password")


# -- sign-in and refresh -------------------------------------------------------------------

@pytest.mark.parametrize("code,status,field", [
    ("InvalidParameterException", 422, "email"),
    ("TooManyRequestsException", 429, "email"),
    ("PasswordResetRequiredException", 401, "password"),
    ("UserNotConfirmedException", 401, "password"),
])
def test_login_refusals_name_the_field(api, account, code, status, field):
    with cognito_refuses("initiate_auth", code, "refused"):
        response = _post(api, "/v1/auth/login", {"email": account, "password": PASSWORD})
    _problem(response, status, field)


def test_unknown_user_and_wrong_password_stay_identical(api, account):
    wrong = _post(api, "/v1/auth/login", {"email": account, "password": "Wrong-Password-1"})
    unknown = _post(api, "/v1/auth/login", {"email": f"x-{account}", "password": "Wrong-Password-1"})
    assert json.loads(wrong.body) == json.loads(unknown.body)
    _problem(wrong, 401, "password")


def test_a_refresh_token_cognito_refuses_is_a_401_on_refresh_token(api, account):
    _problem(_post(api, "/v1/auth/refresh", {"refresh_token": "not-a-refresh-token"}), 401, "refresh_token")
