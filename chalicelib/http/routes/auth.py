"""Clinician sign-in through Cognito, and the clinician's own identity and practice."""
from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.fields import REQUEST_CONFIG, DisplayName, Email, PhoneE164, RequestModel, ResponseModel
from chalicelib.http.common import ListQuery, page_token_errors
from chalicelib.http.framework import Call, Problem, Router
from chalicelib.identity.principals import MANAGER_ROLES

router = Router("auth")
_MANAGERS = tuple(r.value for r in MANAGER_ROLES)


class LoginRequest(RequestModel):
    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [
        {"email": "clinician@example.com", "password": "a long passphrase"}]})
    email: Email
    password: str = Field(min_length=1, max_length=256)


class ChallengeRequest(RequestModel):
    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [
        {"challenge": "SOFTWARE_TOKEN_MFA", "session": "session-from-login", "email": "clinician@example.com",
         "code": "123456"}]})
    challenge: Literal["NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA"]
    session: str = Field(min_length=1, max_length=4096)
    email: Email
    new_password: str | None = Field(default=None, min_length=12, max_length=256)
    code: str | None = Field(default=None, pattern=r"^\d{6}$")


class RefreshRequest(RequestModel):
    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [{"refresh_token": "eyJ..."}]})
    refresh_token: str = Field(min_length=1, max_length=8192)


class AuthResult(ResponseModel):
    """Either tokens, or a challenge to answer at /v1/auth/challenge."""
    access_token: str | None = None
    id_token: str | None = None
    refresh_token: str | None = None
    expires_in: int | None = None
    token_type: str | None = None
    challenge: str | None = None
    session: str | None = None


class Me(ResponseModel):
    clinician_id: str
    email: str
    display_name: str
    role: str
    practice_id: str
    practice_name: str


class ClinicianInvite(RequestModel):
    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [
        {"email": "new.clinician@example.com", "display_name": "Dr Robin Lee", "role": "clinician"}]})
    email: Email
    display_name: DisplayName
    role: Literal["admin", "clinician"] = "clinician"
    phone: PhoneE164 | None = None


class ClinicianView(ResponseModel):
    clinician_id: str
    email: str
    display_name: str
    role: str
    status: str
    created_at: str | None = None
    temporary_password: str | None = Field(
        default=None, description="Local stage only; elsewhere Cognito emails the invitation.")


class ClinicianList(ResponseModel):
    items: list[ClinicianView]
    next_token: str | None = None


_AUTH_FAILED = "Email or password is incorrect, or the code was wrong."


def _source_ip() -> str | None:
    """The caller's address as API Gateway saw it (never a client-supplied header)."""
    request = router.blueprint.current_request
    return ((request.context or {}).get("identity") or {}).get("sourceIp") if request else None


def provider_problem(error) -> Problem:
    """A refusal by Cognito (or botocore's checks) as problem+json naming the field."""
    from chalicelib.identity import cognito

    errors = [{"field": error.field, "type": error.kind, "message": error.message}]
    if isinstance(error, cognito.AuthFailed):
        return Problem(401, "Unauthorized", _AUTH_FAILED, errors=errors)
    if isinstance(error, cognito.TooManyAttempts):
        return Problem(429, "Too many attempts", "Wait a minute and try again.", errors=errors,
                       headers={"Retry-After": "60"})
    if isinstance(error, cognito.UserExists):
        return Problem(409, "Conflict", "A user with this email already exists.", errors=errors)
    if isinstance(error, cognito.UserMissing):
        return Problem(404, "Not found", "No such clinician.", errors=errors)
    if isinstance(error, cognito.PasswordRejected):
        return Problem(422, "Validation failed", "The new password does not meet the password policy.",
                       errors=errors)
    return Problem(error.status, "Validation failed", "The identity provider did not accept this request.",
                   errors=errors)


def _guarded_sign_in(email: str | None, action, *args) -> dict:
    """Run a sign-in step behind the failed-attempt limits (see identity/signin_guard)."""
    from chalicelib.identity import cognito, signin_guard

    source = _source_ip()
    try:
        signin_guard.check(email, source)
    except signin_guard.Blocked as blocked:
        raise Problem(429, "Too many attempts", "Too many failed sign-ins. Wait and try again.",
                      headers={"Retry-After": str(blocked.retry_after)}) from None
    try:
        outcome = action(*args)
    except cognito.AuthFailed as error:
        signin_guard.failed(email, source)
        raise provider_problem(error) from None
    except cognito.ProviderRejected as error:
        raise provider_problem(error) from None
    if email and "access_token" in outcome:
        signin_guard.succeeded(email)  # only full success: a right password alone must not reset MFA guesses
    return outcome


@router.route("/v1/auth/login", "POST", auth="public", body=LoginRequest, response=AuthResult,
              summary="Sign in with email and password (429 with Retry-After after repeated failures)",
              tags=("auth",))
def login(call: Call) -> AuthResult:
    from chalicelib.identity import cognito

    email = call.body.email.lower()
    return AuthResult(**_guarded_sign_in(email, cognito.login, email, call.body.password))


@router.route("/v1/auth/challenge", "POST", auth="public", body=ChallengeRequest, response=AuthResult,
              summary="Answer a sign-in challenge (new password or TOTP code)", tags=("auth",))
def challenge(call: Call) -> AuthResult:
    from chalicelib.identity import cognito

    body = call.body
    if body.challenge == "NEW_PASSWORD_REQUIRED":
        if not body.new_password:
            raise Problem(422, "Validation failed", errors=[
                {"field": "new_password", "type": "missing", "message": "Field required"}])
        answer = {"NEW_PASSWORD": body.new_password}
    else:
        if not body.code:
            raise Problem(422, "Validation failed", errors=[
                {"field": "code", "type": "missing", "message": "Field required"}])
        answer = {"SOFTWARE_TOKEN_MFA_CODE": body.code}
    email = body.email.lower()
    return AuthResult(**_guarded_sign_in(email, cognito.answer_challenge, body.challenge, body.session, email, answer))


@router.route("/v1/auth/refresh", "POST", auth="public", body=RefreshRequest, response=AuthResult,
              summary="Exchange a refresh token for new tokens", tags=("auth",))
def refresh(call: Call) -> AuthResult:
    from chalicelib.identity import cognito

    return AuthResult(**_guarded_sign_in(None, cognito.refresh, call.body.refresh_token))


@router.route("/v1/me", "GET", auth="clinician", response=Me, summary="The signed-in clinician", tags=("clinicians",))
def me(call: Call) -> Me:
    from chalicelib.store import practices

    clinician = call.principal
    practice = practices.get_practice(clinician.practice_id) or {}
    return Me(clinician_id=clinician.sub, email=clinician.email, display_name=clinician.display_name,
              role=clinician.role.value, practice_id=clinician.practice_id, practice_name=practice.get("name", ""))


def _clinician_view(member: dict, temporary_password: str | None = None) -> ClinicianView:
    return ClinicianView(clinician_id=member["sub"], email=member.get("email", ""),
                         display_name=member.get("display_name", ""), role=member["role"],
                         status=member.get("status", "active"), created_at=member.get("created_at"),
                         temporary_password=temporary_password)


@router.route("/v1/clinicians", "GET", auth="clinician", roles=_MANAGERS, query=ListQuery, response=ClinicianList,
              summary="Clinicians of the practice (owners and admins)", tags=("clinicians",))
def list_clinicians(call: Call) -> ClinicianList:
    from chalicelib.identity import practices

    with page_token_errors():
        page = practices.list_members(call.principal.practice_id, limit=call.query.limit,
                                      next_token=call.query.next_token)
    return ClinicianList(items=[_clinician_view(m) for m in page.items], next_token=page.next_token)


@router.route("/v1/clinicians", "POST", auth="clinician", roles=_MANAGERS, body=ClinicianInvite,
              response=ClinicianView, status=201, summary="Invite a clinician (owners and admins)",
              tags=("clinicians",))
def invite_clinician(call: Call) -> ClinicianView:
    from chalicelib.identity import cognito, practices
    from chalicelib.identity.principals import Role

    body = call.body
    if body.role == "admin" and call.principal.role != Role.owner:
        raise Problem(403, "Forbidden", "Only the owner can invite admins.")
    try:
        member, temporary = practices.invite(call.principal.practice_id, email=body.email.lower(),
                                             display_name=body.display_name, role=Role(body.role), phone=body.phone)
    except cognito.ProviderRejected as error:
        raise provider_problem(error) from None
    return _clinician_view(member, temporary)


def _offboarding(action, call: Call) -> ClinicianView:
    from chalicelib.identity import cognito, practices
    from chalicelib.observability import logger

    try:
        member = action(call.principal, call.params["clinician_id"])
    except practices.CaseloadNotEmpty as error:
        raise Problem(409, "Conflict", error.detail, extra={"clients": error.clients, "more_clients": error.more},
                      errors=[{"field": "clinician_id", "type": "caseload_not_empty",
                               "message": "reassign their clients first (PATCH /v1/clients/{client_id})"}]) from None
    except cognito.ProviderRejected as error:
        raise provider_problem(error) from None
    logger.info("clinician status changed", extra={"actor_sub": call.principal.sub, "clinician_sub": member["sub"],
                                                   "status": member.get("status")})
    return _clinician_view(member)


@router.route("/v1/clinicians/{clinician_id}/deactivate", "POST", auth="clinician", roles=_MANAGERS,
              response=ClinicianView, summary="Offboard a clinician: sign-in disabled, sessions revoked, "
              "refused while they have clients (owners and admins)", tags=("clinicians",))
def deactivate_clinician(call: Call) -> ClinicianView:
    from chalicelib.identity import practices

    return _offboarding(practices.deactivate, call)


@router.route("/v1/clinicians/{clinician_id}/reactivate", "POST", auth="clinician", roles=_MANAGERS,
              response=ClinicianView, summary="Restore a deactivated clinician (owners and admins)",
              tags=("clinicians",))
def reactivate_clinician(call: Call) -> ClinicianView:
    from chalicelib.identity import practices

    return _offboarding(practices.reactivate, call)
