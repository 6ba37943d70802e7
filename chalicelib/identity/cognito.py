"""Sign-in and user administration through the Cognito user pool."""
from __future__ import annotations

import secrets
import string
from typing import Any

from chalicelib.aws import client
from chalicelib.config import get_settings
from chalicelib.errors import aws_error_code


class ProviderRejected(Exception):
    """Cognito, or botocore's own parameter checks, refused the caller's input.

    `field` names the request field to blame; `message` is ours (never Cognito's text,
    which can echo what was sent). The HTTP layer answers `status` as problem+json.
    """

    status = 422
    kind = "rejected_by_identity_provider"

    def __init__(self, field: str, message: str, kind: str | None = None):
        super().__init__(message)
        self.field, self.message = field, message
        self.kind = kind or self.kind


class AuthFailed(ProviderRejected):
    """Wrong credentials, unknown user or a bad challenge answer (all look the same)."""

    status = 401
    kind = "not_authorized"


class PasswordRejected(ProviderRejected):
    """The new password does not meet the pool's policy."""

    kind = "password_policy"


class UserExists(ProviderRejected):
    status = 409
    kind = "already_exists"


class TooManyAttempts(ProviderRejected):
    status = 429
    kind = "too_many_requests"


class UserMissing(ProviderRejected):
    """An administrative call named a user the pool does not have."""

    status = 404
    kind = "not_found"


def _idp() -> Any:
    return client("cognito-idp")


def _message(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Message", "") or error)


# Words in Cognito's and botocore's messages -> our request field. Checked in order.
_FIELD_HINTS = (
    ("session", "session"), ("software_token_mfa_code", "code"), ("code", "code"),
    ("new_password", "new_password"), ("refresh_token", "refresh_token"), ("password", "password"),
    ("phone", "phone"), ("email", "email"), ("username", "email"), ("name", "display_name"),
)


def _field_from(text: str, default: str) -> str:
    lowered = text.lower()
    return next((field for hint, field in _FIELD_HINTS if hint in lowered), default)


def _translate(error: Exception, *, field: str, auth_field: str | None = None) -> Exception:
    """Map a provider's refusal to one of ours. `field` is the input the call is about;
    unknown codes (throttled AWS APIs aside) stay as they are: they are our faults, not the caller's."""
    from botocore.exceptions import ParamValidationError

    if isinstance(error, ParamValidationError):
        # botocore refused it before sending (e.g. a session string shorter than Cognito allows).
        return ProviderRejected(_field_from(str(error), field), "is not in a form the identity provider accepts",
                                "invalid_format")
    code = aws_error_code(error)
    message = _message(error)
    if code in ("NotAuthorizedException", "UserNotFoundException", "PasswordResetRequiredException",
                "UserNotConfirmedException"):
        blamed = "session" if "session" in message.lower() else (auth_field or field)
        return AuthFailed(blamed, "is not valid (wrong credentials, or the sign-in session expired)")
    if code == "CodeMismatchException":
        return AuthFailed("code", "the code is not correct", "code_mismatch")
    if code == "ExpiredCodeException":
        return AuthFailed("code", "the code has expired; sign in again", "code_expired")
    if code == "InvalidPasswordException":
        return PasswordRejected(field, "use at least 12 characters with upper and lower case, a digit and a symbol")
    if code in ("TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"):
        return TooManyAttempts(field, "too many attempts; wait a minute and try again")
    if code in ("UsernameExistsException", "AliasExistsException"):
        return UserExists("email", "a user with this email already exists")
    if code in ("InvalidParameterException", "UserLambdaValidationException"):
        return ProviderRejected(_field_from(message, field), "is not accepted by the identity provider")
    if code == "CodeDeliveryFailureException":
        return ProviderRejected("email", "the invitation could not be delivered to this address", "undeliverable")
    if code == "InvalidEmailRoleAccessPolicyException":
        return error  # the pool's email set-up, not the caller
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
    from botocore.exceptions import ClientError, ParamValidationError

    try:
        response = _idp().initiate_auth(
            ClientId=get_settings().cognito_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
    except (ClientError, ParamValidationError) as error:
        raise _translate(error, field="email", auth_field="password") from None
    return _outcome(response)


def answer_challenge(challenge: str, session: str, email: str, answer: dict[str, str]) -> dict[str, Any]:
    from botocore.exceptions import ClientError, ParamValidationError

    responses = {"USERNAME": email, **answer}
    try:
        response = _idp().respond_to_auth_challenge(
            ClientId=get_settings().cognito_client_id,
            ChallengeName=challenge,
            Session=session,
            ChallengeResponses=responses,
        )
    except (ClientError, ParamValidationError) as error:
        if aws_error_code(error) == "ResourceNotFoundException":
            # An unknown or spent session (moto's answer; Cognito says NotAuthorized).
            raise AuthFailed("session", "the sign-in session has expired; sign in again", "session_expired") from None
        answered = "new_password" if "NEW_PASSWORD" in answer else "code"
        raise _translate(error, field=answered, auth_field=answered) from None
    return _outcome(response)


def refresh(refresh_token: str) -> dict[str, Any]:
    from botocore.exceptions import ClientError, ParamValidationError

    try:
        response = _idp().initiate_auth(
            ClientId=get_settings().cognito_client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    except (ClientError, ParamValidationError) as error:
        raise _translate(error, field="refresh_token") from None
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
    from botocore.exceptions import ClientError, ParamValidationError

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
    except (ClientError, ParamValidationError) as error:
        raise _translate(error, field="email") from None
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
        if aws_error_code(error) == "UserNotFoundException":
            return None
        raise
    return {a["Name"]: a["Value"] for a in response.get("UserAttributes", [])}.get("sub")


def _admin(operation: str, email: str) -> None:
    from botocore.exceptions import ClientError

    try:
        getattr(_idp(), operation)(UserPoolId=get_settings().cognito_pool_id, Username=email)
    except ClientError as error:
        if aws_error_code(error) == "UserNotFoundException":
            raise UserMissing("clinician_id", "the sign-in account no longer exists") from None
        raise _translate(error, field="clinician_id") from None


def disable_user(email: str) -> None:
    """Stop the user signing in, and revoke every refresh token they hold.

    Access tokens already issued stay valid until they expire (up to an hour): our own
    membership check refuses them from the next request on.
    """
    _admin("admin_disable_user", email)
    _admin("admin_user_global_sign_out", email)


def enable_user(email: str) -> None:
    _admin("admin_enable_user", email)
