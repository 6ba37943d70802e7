"""Sign-in and user administration through the Cognito user pool."""
from __future__ import annotations

import secrets
import string
from typing import Any

from chalicelib.aws import client
from chalicelib.config import get_settings


class AuthFailed(Exception):
    """Wrong credentials, unknown user or a bad challenge answer (all look the same)."""


class PasswordRejected(Exception):
    """The new password does not meet the pool's policy."""


class UserExists(Exception):
    pass


class TooManyAttempts(Exception):
    pass


def _idp() -> Any:
    return client("cognito-idp")


def _code(error: Exception) -> str:
    return getattr(error, "response", {}).get("Error", {}).get("Code", "")


def _translate(error: Exception) -> Exception:
    code = _code(error)
    if code in ("NotAuthorizedException", "UserNotFoundException", "CodeMismatchException",
                "ExpiredCodeException", "PasswordResetRequiredException", "UserNotConfirmedException"):
        return AuthFailed()
    if code == "InvalidPasswordException":
        return PasswordRejected()
    if code in ("TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"):
        return TooManyAttempts()
    if code == "UsernameExistsException":
        return UserExists()
    return error


def _outcome(response: dict[str, Any]) -> dict[str, Any]:
    """Tokens, or the next challenge to answer."""
    result = response.get("AuthenticationResult")
    if result:
        return {
            "access_token": result["AccessToken"],
            "id_token": result.get("IdToken"),
            "refresh_token": result.get("RefreshToken"),
            "expires_in": result.get("ExpiresIn", 3600),
            "token_type": "Bearer",
        }
    return {"challenge": response["ChallengeName"], "session": response["Session"]}


def login(email: str, password: str) -> dict[str, Any]:
    from botocore.exceptions import ClientError

    try:
        response = _idp().initiate_auth(
            ClientId=get_settings().cognito_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
    except ClientError as error:
        raise _translate(error) from None
    return _outcome(response)


def answer_challenge(challenge: str, session: str, email: str, answer: dict[str, str]) -> dict[str, Any]:
    from botocore.exceptions import ClientError

    responses = {"USERNAME": email, **answer}
    try:
        response = _idp().respond_to_auth_challenge(
            ClientId=get_settings().cognito_client_id,
            ChallengeName=challenge,
            Session=session,
            ChallengeResponses=responses,
        )
    except ClientError as error:
        raise _translate(error) from None
    return _outcome(response)


def refresh(refresh_token: str) -> dict[str, Any]:
    from botocore.exceptions import ClientError

    try:
        response = _idp().initiate_auth(
            ClientId=get_settings().cognito_client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    except ClientError as error:
        raise _translate(error) from None
    outcome = _outcome(response)
    if "access_token" in outcome and not outcome.get("refresh_token"):
        outcome["refresh_token"] = refresh_token  # Cognito does not rotate it
    return outcome


def temporary_password() -> str:
    """A password that meets the pool policy (12+ chars, every class)."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(16))
    return (core + secrets.choice(string.ascii_uppercase) + secrets.choice(string.ascii_lowercase)
            + secrets.choice(string.digits) + secrets.choice("!#%+-=?@^_"))


def create_user(email: str, display_name: str, *, temporary: str, send_invite: bool) -> str:
    """Create a Cognito user with a temporary password; returns its `sub`."""
    from botocore.exceptions import ClientError

    kwargs: dict[str, Any] = {
        "UserPoolId": get_settings().cognito_pool_id,
        "Username": email,
        "UserAttributes": [
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": display_name},
        ],
        "TemporaryPassword": temporary,
    }
    if send_invite:
        kwargs["DesiredDeliveryMediums"] = ["EMAIL"]
    else:
        kwargs["MessageAction"] = "SUPPRESS"
    try:
        response = _idp().admin_create_user(**kwargs)
    except ClientError as error:
        raise _translate(error) from None
    attributes = {a["Name"]: a["Value"] for a in response["User"].get("Attributes", [])}
    return attributes["sub"]


def set_permanent_password(email: str, password: str) -> None:
    _idp().admin_set_user_password(UserPoolId=get_settings().cognito_pool_id, Username=email,
                                   Password=password, Permanent=True)


def find_user_sub(email: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        response = _idp().admin_get_user(UserPoolId=get_settings().cognito_pool_id, Username=email)
    except ClientError as error:
        if _code(error) == "UserNotFoundException":
            return None
        raise
    return {a["Name"]: a["Value"] for a in response.get("UserAttributes", [])}.get("sub")
