"""Routes declared once, with their auth, body, query and response models.

`Router.route` registers a Chalice route and records a `RouteSpec`; the OpenAPI
document and the generated tenancy tests are built from `ROUTES`, so a new route is
documented and tested without anyone remembering to.

Every route answers errors as `application/problem+json` with per-field details.
"""
from __future__ import annotations

import functools
import importlib
import json
import math
import re
import traceback
from dataclasses import dataclass, field
from typing import Any, Literal
from collections.abc import Callable

from chalice import Blueprint, Response
from pydantic import BaseModel, ValidationError

from chalicelib import deadline
from chalicelib.errors import BadPageToken, Conflict, DomainError, FieldErrors, Unavailable
from chalicelib.fields import IDEMPOTENCY_KEY_PATTERN
from chalicelib.observability import logger

Auth = Literal["public", "clinician", "client"]
PROBLEM_CONTENT_TYPE = "application/problem+json"
MAX_BODY_BYTES = 256 * 1024
# DynamoDB stores at most 32 levels of nesting and items wrap request data a few levels
# deeper; no request model needs more than about six.
MAX_JSON_DEPTH = 16
# Every number in a body must survive float and DynamoDB's Number type unchanged:
# 15 significant digits round-trip through a double, and the magnitudes stay far inside
# DynamoDB's 1e-130..9.99e125. The span 1e-12..1e15 also keeps step checks in Decimal's
# default 28 digits: (2e15 / 1e-12) has 28.
MAX_NUMBER_MAGNITUDE = 1e15
MIN_NUMBER_MAGNITUDE = 1e-12
MAX_SIGNIFICANT_DIGITS = 15
# A route's own deadline stays under API Gateway's 29 s, with time to answer the 503.
MAX_DEADLINE_SECONDS = 25.0

ULID_PATTERN = "[0-9A-Z]{26}"
# What a path parameter may look like, by name: anything else is simply not found
# (404) before it reaches DynamoDB, whose keys are at most 1024 bytes. A new name gets
# the `Identifier` shape; give it its own entry here if its ids look different.
PATH_PARAMETERS: dict[str, tuple[str, int]] = {
    "client_id": (f"^{ULID_PATTERN}$", 26),
    "assignment_id": (f"^{ULID_PATTERN}-{ULID_PATTERN}$", 53),
    "alert_id": (f"^{ULID_PATTERN}-{ULID_PATTERN}$", 53),
    "export_id": (f"^{ULID_PATTERN}-{ULID_PATTERN}$", 53),
    "submission_id": (f"^{ULID_PATTERN}-{ULID_PATTERN}-{ULID_PATTERN}$", 80),
    # a practice's own templates have ULIDs, the library's have slugs such as `phq-9`
    "template_id": (f"^(?:{ULID_PATTERN}|[a-z0-9]+(?:-[a-z0-9]+)*)$", 64),
    "occurrence_id": (r"^\d{4}-\d{2}-\d{2}$", 10),
}
DEFAULT_PATH_PARAMETER = (r"^[0-9A-Za-z_-]+$", 64)
# Request headers a route may declare (`headers=`), with what they must look like.
HEADER_PARAMETERS: dict[str, tuple[str, int]] = {"Idempotency-Key": (IDEMPOTENCY_KEY_PATTERN, 128)}


def path_parameter_shape(name: str) -> tuple[str, int]:
    return PATH_PARAMETERS.get(name, DEFAULT_PATH_PARAMETER)


# A route's body, query or response model, or "package.module:Name" naming one: route
# modules name their models so that `import app` (a Lambda cold start) does not build
# every model module; a model is imported when a request or the OpenAPI document needs it.
ModelRef = type[BaseModel] | str | None


def model_refs(module: str, *names: str) -> tuple[str, ...]:
    """References to the models `names` of `module`, for `Router.route`."""
    return tuple(f"{module}:{name}" for name in names)


@functools.cache
def _import_model(ref: str) -> type[BaseModel]:
    module, _, name = ref.partition(":")
    model = getattr(importlib.import_module(module), name)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"{ref} is not a pydantic model")
    return model


def resolve_model(ref: ModelRef) -> type[BaseModel] | None:
    return _import_model(ref) if isinstance(ref, str) else ref


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    auth: Auth
    handler: Callable[..., Any]
    summary: str
    body_ref: ModelRef = None
    query_ref: ModelRef = None
    response_ref: ModelRef = None
    status: int = 200
    roles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    # Media types of the success answer (HTML pages say so); errors are always problem+json.
    produces: tuple[str, ...] = ("application/json",)
    # Statuses the rules in `error_statuses` cannot know about, with why.
    errors: tuple[tuple[int, str], ...] = ()
    # This route's own request deadline in seconds (None: the configured one), for work
    # that is long by nature; API Gateway gives up at 29 s.
    deadline_seconds: float | None = None

    @property
    def body(self) -> type[BaseModel] | None:
        return resolve_model(self.body_ref)

    @property
    def query(self) -> type[BaseModel] | None:
        return resolve_model(self.query_ref)

    @property
    def response(self) -> type[BaseModel] | None:
        return resolve_model(self.response_ref)

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def error_statuses(self) -> dict[int, str]:
        """Every error status this route can answer, with why (the OpenAPI document lists them)."""
        statuses: dict[int, str] = {}
        if self.body is not None or self.query is not None or self.headers:
            statuses[400] = "Malformed JSON, duplicate keys, a bad next_token or a missing header"
        if self.auth != "public":
            statuses[401] = "Missing, expired or invalid credential"
        elif self.body is not None:  # public routes with a body are the sign-in steps: credentials in the body
            statuses[401] = "The credentials in the body are wrong or expired"
        if self.roles or (self.auth == "clinician" and self.method != "GET"):
            statuses[403] = "Your role cannot do this"
        if self.path_params or self.auth != "public":
            statuses[404] = "Not found, or not yours (a malformed id is simply not found)"
        if self.auth != "public" and self.method != "GET":
            statuses[409] = "Changed by someone else since you read it, or in a state that forbids this"
        if self.body is not None:
            statuses[413] = f"Body larger than {MAX_BODY_BYTES} bytes"
            statuses[415] = "Content-Type is not application/json (UTF-8)"
        if self.body is not None or self.query is not None or self.headers:
            statuses[422] = "Invalid fields, listed per field"
        statuses[429] = "Too many requests; wait and retry"
        statuses[503] = "A service we depend on is unavailable; retry shortly"
        statuses.update(self.errors)
        return dict(sorted(statuses.items()))

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
    from chalicelib.http.sentences import plain

    return [{"field": _field_path(e["loc"]), "message": plain(e["type"], e["msg"], e.get("ctx")), "type": e["type"]}
            for e in error.errors(include_input=False, include_url=False, include_context=True)]


def parse_model(model: type[BaseModel], data: Any, where: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise Problem(422, "Validation failed", f"The {where} has invalid fields.",
                      errors=validation_errors(error)) from None


class _BadNumber:
    """Stands in for a number the ingress refuses, so every one can be named by its path."""


_BAD_NUMBER = _BadNumber()
_NUMBER_LITERAL = re.compile(r"-?(\d+)(?:\.(\d+))?(?:[eE][+-]?\d+)?")
# C0 and C1 controls except tab, LF and CR; DEL; lone surrogates (not UTF-8 at all).
_FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__("duplicate key")
        self.key = key


def _number(literal: str) -> int | float | _BadNumber:
    """A JSON number as int or float, or _BAD_NUMBER if it would not survive storage unchanged."""
    match = _NUMBER_LITERAL.fullmatch(literal)
    if not match:  # NaN, Infinity, -Infinity: not JSON, but Python's parser knows them
        return _BAD_NUMBER
    digits = (match.group(1) + (match.group(2) or "")).strip("0")
    if len(digits) > MAX_SIGNIFICANT_DIGITS:
        return _BAD_NUMBER
    is_int = match.group(2) is None and "e" not in literal.lower()
    if is_int and len(match.group(1)) > MAX_SIGNIFICANT_DIGITS + 1:  # before int(): no huge conversions
        return _BAD_NUMBER
    value: int | float = int(literal) if is_int else float(literal)
    magnitude = abs(value)
    if not math.isfinite(magnitude) or magnitude > MAX_NUMBER_MAGNITUDE:
        return _BAD_NUMBER
    if digits and magnitude < MIN_NUMBER_MAGNITUDE:  # includes underflow to 0.0 and denormals
        return _BAD_NUMBER
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return data


def _check_values(data: Any) -> list[dict]:
    """Per-path errors for numbers, strings and nesting the product refuses (iterative: no recursion)."""
    errors: list[dict] = []
    stack: list[tuple[Any, tuple, int]] = [(data, (), 1)]
    while stack and len(errors) < 20:
        value, loc, depth = stack.pop()
        if isinstance(value, (dict, list)) and depth > MAX_JSON_DEPTH:
            errors.append({"field": _field_path(loc), "type": "too_deep",
                           "message": f"nested deeper than {MAX_JSON_DEPTH} levels"})
        elif isinstance(value, dict):
            for key, inner in value.items():
                if _FORBIDDEN_CHARACTERS.search(key):
                    errors.append({"field": _field_path(loc), "type": "control_character",
                                   "message": "a key holds a control character or is not valid UTF-8"})
                stack.append((inner, (*loc, key), depth + 1))
        elif isinstance(value, list):
            stack.extend((inner, (*loc, index), depth + 1) for index, inner in enumerate(value))
        elif value is _BAD_NUMBER:
            errors.append({"field": _field_path(loc), "type": "number_out_of_range",
                           "message": f"numbers must be finite, at most {MAX_NUMBER_MAGNITUDE:.0e} in size, "
                                      f"at least {MIN_NUMBER_MAGNITUDE:.0e} unless zero, with at most "
                                      f"{MAX_SIGNIFICANT_DIGITS} significant digits"})
        elif isinstance(value, str) and _FORBIDDEN_CHARACTERS.search(value):
            errors.append({"field": _field_path(loc), "type": "control_character",
                           "message": "must not contain control characters (tab and line breaks excepted)"})
    return sorted(errors, key=lambda e: e["field"])


def _check_content_type(headers: dict[str, str]) -> None:
    """JSON bodies only, and in UTF-8 (RFC 8259): anything else is 415 rather than misread."""
    media_type, *parameters = (headers.get("content-type") or "").split(";")
    charset = next((v.strip().strip('"').lower() for k, _, v in (p.partition("=") for p in parameters)
                    if k.strip().lower() == "charset"), "utf-8")
    if media_type.strip().lower() != "application/json" or charset not in ("utf-8", "utf8"):
        raise Problem(415, "Unsupported media type", "Send the body as Content-Type: application/json (UTF-8).")


def read_json_body(raw: bytes | None) -> tuple[str, dict[str, Any]]:
    """The body as text and as a JSON object, after every ingress rule: size, UTF-8,
    syntax, unique keys, nesting, numbers and characters."""
    if raw and len(raw) > MAX_BODY_BYTES:
        raise Problem(413, "Request body too large", f"At most {MAX_BODY_BYTES} bytes.")
    if not raw:
        raise Problem(400, "Missing request body", "This request needs a JSON object body.")
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_int=_number, parse_float=_number,
                          parse_constant=_number)
    except _DuplicateKey as error:
        raise Problem(400, "Duplicate key", "A JSON object in the body names the same key twice.",
                      errors=[{"field": error.key[:100], "message": "appears more than once", "type": "duplicate_key"}]
                      ) from None
    except RecursionError:
        raise Problem(422, "Validation failed", "The request body is nested too deeply.",
                      errors=[{"field": "body", "type": "too_deep",
                               "message": f"nested deeper than {MAX_JSON_DEPTH} levels"}]) from None
    except (ValueError, UnicodeDecodeError):
        raise Problem(400, "Malformed JSON", "The request body is not valid UTF-8 JSON.") from None
    if not isinstance(data, dict):
        raise Problem(422, "Validation failed", "The request body must be a JSON object.",
                      errors=[{"field": "body", "message": "must be a JSON object", "type": "object_type"}])
    errors = _check_values(data)
    if errors:
        raise Problem(422, "Validation failed", "The request body has invalid values.", errors=errors)
    return text, data


def _parse_body(model: type[BaseModel], raw: bytes | None) -> BaseModel:
    text, _ = read_json_body(raw)
    try:
        # Strict JSON validation: an integer is a JSON integer (not true, "3" or 3.0) and
        # a string is a JSON string; enums and dates still come from their JSON strings.
        return model.model_validate_json(text, strict=True)
    except ValidationError as error:
        raise Problem(422, "Validation failed", "The request body has invalid fields.",
                      errors=validation_errors(error)) from None


MAX_QUERY_VALUE = 1024  # the longest legitimate value is a next_token


def _parse_query(model: type[BaseModel], query: dict[str, str]) -> BaseModel:
    errors = [{"field": name[:100], "type": "invalid",
               "message": f"at most {MAX_QUERY_VALUE} characters, without control characters"}
              for name, value in query.items() if len(value) > MAX_QUERY_VALUE or _FORBIDDEN_CHARACTERS.search(value)]
    if errors:
        raise Problem(422, "Validation failed", "The query string has invalid fields.", errors=errors)
    return parse_model(model, query, "query string")


def _check_path(params: dict[str, str]) -> None:
    for name, value in params.items():
        pattern, max_length = path_parameter_shape(name)
        if not isinstance(value, str) or len(value) > max_length or not re.fullmatch(pattern, value):
            raise Problem(404, "Not found", f"No such {name.removesuffix('_id')}.")


def _check_headers(spec: RouteSpec, headers: dict[str, str]) -> None:
    for name in spec.headers:
        value = headers.get(name.lower())
        if not value:
            raise Problem(400, f"Missing {name}", f"Send a {name} header with this request.",
                          errors=[{"field": name, "type": "missing", "message": "header required"}])
        pattern, max_length = HEADER_PARAMETERS.get(name, (r"^[\x21-\x7e]+$", 128))
        if len(value) > max_length or not re.fullmatch(pattern, value):
            raise Problem(422, "Validation failed", f"The {name} header is not valid.",
                          errors=[{"field": name, "type": "string_pattern_mismatch",
                                   "message": f"must match {pattern}"}])


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


def unavailable_problem(error: BaseException) -> Problem:
    """The one 503: a service we depend on is unreachable, too slow or busy; retry shortly."""
    logger.warning("service unavailable", extra={"error_type": type(error).__name__})
    return Problem(503, "Service unavailable", "Please try again in a moment.",
                   headers={"Retry-After": str(deadline.RETRY_AFTER_SECONDS)})


def domain_problem(error: DomainError) -> Problem:
    if isinstance(error, Unavailable):
        return unavailable_problem(error)
    extra = {}
    if isinstance(error, Conflict) and error.current is not None:
        extra["current"] = error.current
    errors = error.errors if isinstance(error, (FieldErrors, BadPageToken)) else None
    return Problem(error.status, error.title, error.detail, errors=errors, extra=extra)


def log_unexpected(error: BaseException) -> None:
    """Log an unexpected error by type and stack only: messages may carry client data."""
    frames = traceback.format_tb(error.__traceback__)
    logger.error("unhandled error", extra={"error_type": type(error).__name__, "stack": "".join(frames)[-4000:]})


class Router:
    def __init__(self, name: str):
        self.blueprint = Blueprint(f"chalicelib.http.{name}")

    def route(self, path: str, method: str, *, auth: Auth, summary: str,
              body: ModelRef = None, query: ModelRef = None, response: ModelRef = None, status: int = 200,
              roles: tuple[str, ...] = (), tags: tuple[str, ...] = (),
              headers: tuple[str, ...] = (), produces: tuple[str, ...] = ("application/json",),
              errors: dict[int, str] | None = None, deadline_seconds: float | None = None) -> Callable:
        if deadline_seconds is not None and not 0 < deadline_seconds <= MAX_DEADLINE_SECONDS:
            raise ValueError(f"deadline_seconds must be within API Gateway's limit ({MAX_DEADLINE_SECONDS} s)")

        def register(handler: Callable[[Call], Any]) -> Callable:
            spec = RouteSpec(path=path, method=method, auth=auth, handler=handler, summary=summary,
                             body_ref=body, query_ref=query, response_ref=response, status=status, roles=roles,
                             tags=tags, headers=headers, produces=produces,
                             errors=tuple(sorted((errors or {}).items())), deadline_seconds=deadline_seconds)
            ROUTES.append(spec)
            blueprint = self.blueprint

            def view(**params: str) -> Response:
                return dispatch(spec, blueprint.current_request, params)

            view.__name__ = handler.__name__
            # dispatch() checks the Content-Type of bodies itself (strictly, and as problem+json);
            # Chalice's looser check would only answer 415 to a stray header on a GET.
            blueprint.route(path, methods=[method], content_types=["*/*"])(view)
            return handler

        return register


def dispatch(spec: RouteSpec, request: Any, params: dict[str, str]) -> Response:
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    deadline_token = deadline.start(spec.deadline_seconds)  # AWS calls stop at the deadline: 503, never a hang
    try:
        principal = authenticate(spec.auth, headers)
        if spec.roles and getattr(principal, "role", None) not in spec.roles:
            raise Problem(403, "Forbidden", "Your role cannot do this.")
        _check_path(params)
        _check_headers(spec, headers)
        if spec.body is not None:
            _check_content_type(headers)
        call = Call(principal=principal, params=params, headers=headers,
                    request_id=(request.context or {}).get("requestId"))
        if spec.query is not None:
            call.query = _parse_query(spec.query, dict(request.query_params or {}))
        if spec.body is not None:
            call.body = _parse_body(spec.body, request.raw_body)
        return _serialise(spec.handler(call), spec.status)
    except Problem as problem:
        return problem_response(problem)
    except DomainError as error:
        return problem_response(domain_problem(error))
    except Exception as error:  # noqa: BLE001 - the last line of defence: never leak a stack trace
        if deadline.is_unavailable(error):  # AWS unreachable, too slow or busy: the caller may retry
            return problem_response(unavailable_problem(error))
        log_unexpected(error)
        return problem_response(Problem(500, "Internal error", "Something went wrong; it has been logged."))
    finally:
        deadline.finish(deadline_token)
