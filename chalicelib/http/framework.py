"""Routes declared once, with their auth, body, query and response models.

`Router.route` registers a Chalice route and records a `RouteSpec`; the OpenAPI
document and the generated tenancy tests are built from `ROUTES`, so a new route is
documented and tested without anyone remembering to.

Every route answers errors as `application/problem+json` with per-field details.
"""
from __future__ import annotations

import json
import re
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from chalice import Blueprint, Response
from pydantic import BaseModel, ValidationError

from chalicelib.errors import Conflict, DomainError, FieldErrors
from chalicelib.observability import logger

Auth = Literal["public", "clinician", "client"]
PROBLEM_CONTENT_TYPE = "application/problem+json"
MAX_BODY_BYTES = 256 * 1024


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    auth: Auth
    handler: Callable[..., Any]
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    roles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def operation_id(self) -> str:
        return self.handler.__name__


ROUTES: list[RouteSpec] = []


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str | None = None, *,
                 errors: list[dict] | None = None, extra: dict | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(title)
        self.status, self.title, self.detail = status, title, detail
        self.errors, self.extra, self.headers = errors, extra or {}, headers or {}


def problem_response(problem: Problem) -> Response:
    body: dict[str, Any] = {
        "type": f"https://emotipal.app/problems/{problem.status}",
        "title": problem.title,
        "status": problem.status,
    }
    if problem.detail:
        body["detail"] = problem.detail
    if problem.errors:
        body["errors"] = problem.errors
    body.update(problem.extra)
    return Response(body=json.dumps(body), status_code=problem.status,
                    headers={"Content-Type": PROBLEM_CONTENT_TYPE, **problem.headers})


def _field_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path or "body"


def validation_errors(error: ValidationError) -> list[dict]:
    """Per-field errors without echoing the submitted values (they may be client data)."""
    return [{"field": _field_path(e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in error.errors(include_input=False, include_url=False, include_context=False)]


def parse_model(model: type[BaseModel], data: Any, where: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise Problem(422, "Validation failed", f"The {where} has invalid fields.",
                      errors=validation_errors(error)) from None


def _parse_body(model: type[BaseModel], raw: bytes | None) -> BaseModel:
    if raw and len(raw) > MAX_BODY_BYTES:
        raise Problem(413, "Request body too large", f"At most {MAX_BODY_BYTES} bytes.")
    if not raw:
        raise Problem(400, "Missing request body", "This request needs a JSON object body.")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Problem(400, "Malformed JSON", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise Problem(422, "Validation failed", "The request body must be a JSON object.",
                      errors=[{"field": "body", "message": "must be a JSON object", "type": "object_type"}])
    return parse_model(model, data, "request body")


@dataclass
class Call:
    """What a handler gets: the caller, the validated body and query, the path params."""

    principal: Any
    params: dict[str, str]
    body: Any = None
    query: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    request_id: str | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def _bearer(headers: dict[str, str]) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _unauthorized(detail: str) -> Problem:
    return Problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="emotipal"'})


def authenticate(auth: Auth, headers: dict[str, str]) -> Any:
    if auth == "public":
        return None
    token = _bearer(headers)
    if not token:
        raise _unauthorized("A bearer token is required.")
    if auth == "client":
        from chalicelib.identity.links import authenticate_client

        principal = authenticate_client(token)
        if principal is None:
            raise _unauthorized("This link is not valid any more. Ask your clinician for a new one.")
        return principal
    from chalicelib.identity.practices import clinician_for
    from chalicelib.identity.tokens import InvalidToken, verify_access_token

    try:
        claims = verify_access_token(token)
    except InvalidToken as error:
        logger.info("token rejected", extra={"reason": str(error)})
        raise _unauthorized("The token is not valid.") from None
    clinician = clinician_for(claims["sub"])
    if clinician is None:
        raise _unauthorized("This account is not a member of any practice.")
    return clinician


def _serialise(result: Any, status: int) -> Response:
    if isinstance(result, Response):
        return result
    if result is None:
        return Response(body="", status_code=204 if status == 200 else status)
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    return Response(body=json.dumps(result), status_code=status, headers={"Content-Type": "application/json"})


def domain_problem(error: DomainError) -> Problem:
    extra = {}
    if isinstance(error, Conflict) and error.current is not None:
        extra["current"] = error.current
    errors = error.errors if isinstance(error, FieldErrors) else None
    return Problem(error.status, error.title, error.detail, errors=errors, extra=extra)


def log_unexpected(error: BaseException) -> None:
    """Log an unexpected error by type and stack only: messages may carry client data."""
    frames = traceback.format_tb(error.__traceback__)
    logger.error("unhandled error", extra={"error_type": type(error).__name__, "stack": "".join(frames)[-4000:]})


class Router:
    def __init__(self, name: str):
        self.blueprint = Blueprint(f"chalicelib.http.{name}")

    def route(self, path: str, method: str, *, auth: Auth, summary: str,
              body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
              response: type[BaseModel] | None = None, status: int = 200,
              roles: tuple[str, ...] = (), tags: tuple[str, ...] = (),
              headers: tuple[str, ...] = ()) -> Callable:
        def register(handler: Callable[[Call], Any]) -> Callable:
            spec = RouteSpec(path=path, method=method, auth=auth, handler=handler, summary=summary,
                             body=body, query=query, response=response, status=status, roles=roles,
                             tags=tags, headers=headers)
            ROUTES.append(spec)
            blueprint = self.blueprint

            def view(**params: str) -> Response:
                return dispatch(spec, blueprint.current_request, params)

            view.__name__ = handler.__name__
            blueprint.route(path, methods=[method], content_types=["application/json"])(view)
            return handler

        return register


def dispatch(spec: RouteSpec, request: Any, params: dict[str, str]) -> Response:
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    try:
        principal = authenticate(spec.auth, headers)
        if spec.roles and getattr(principal, "role", None) not in spec.roles:
            raise Problem(403, "Forbidden", "Your role cannot do this.")
        call = Call(principal=principal, params=params, headers=headers,
                    request_id=(request.context or {}).get("requestId"))
        if spec.query is not None:
            call.query = parse_model(spec.query, dict(request.query_params or {}), "query string")
        if spec.body is not None:
            call.body = _parse_body(spec.body, request.raw_body)
        return _serialise(spec.handler(call), spec.status)
    except Problem as problem:
        return problem_response(problem)
    except DomainError as error:
        return problem_response(domain_problem(error))
    except Exception as error:  # noqa: BLE001 - the last line of defence: never leak a stack trace
        log_unexpected(error)
        return problem_response(Problem(500, "Internal error", "Something went wrong; it has been logged."))
