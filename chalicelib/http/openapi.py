"""The OpenAPI 3.1 document, generated from `ROUTES` and the pydantic models.

It states what the framework enforces, so a fuzzer reading it finds no gap between
document and behaviour: every status an operation can answer (`RouteSpec.error_statuses`),
the shape of every path parameter and header (`PATH_PARAMETERS`, `HEADER_PARAMETERS`),
closed request objects with strict integers, and the numeric bounds of JSON ingress.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema

from chalicelib.http.framework import (HEADER_PARAMETERS, MAX_JSON_DEPTH, MAX_NUMBER_MAGNITUDE, MAX_SIGNIFICANT_DIGITS,
                                       MIN_NUMBER_MAGNITUDE, PROBLEM_CONTENT_TYPE, ROUTES, RouteSpec,
                                       path_parameter_shape)

_SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "clinician": [{"clinicianToken": []}], "client": [{"clientLink": []}], "public": []}

_PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message"], "properties": {
            "field": {"type": "string"}, "message": {"type": "string"}, "type": {"type": "string"}}}},
        "current": {"type": "object", "description": "409 on a stale write: what is stored now"},
    },
}


class _BoundedNumbers(GenerateJsonSchema):
    """Request numbers: JSON ingress refuses any beyond these bounds (framework.read_json_body)."""

    def _bounded(self, result: dict[str, Any]) -> dict[str, Any]:
        if self.mode == "validation":
            limit = int(MAX_NUMBER_MAGNITUDE)
            if "maximum" not in result and "exclusiveMaximum" not in result:
                result["maximum"] = limit
            if "minimum" not in result and "exclusiveMinimum" not in result:
                result["minimum"] = -limit
        return result

    def int_schema(self, schema):  # noqa: ANN001 - pydantic's signature
        return self._bounded(super().int_schema(schema))

    def float_schema(self, schema):  # noqa: ANN001
        return self._bounded(super().float_schema(schema))


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    # Query values arrive as strings and are read laxly ("10" is 10), so no ingress bounds here.
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    required = set(schema.get("required", []))
    return [{"name": name, "in": "query", "required": name in required, "schema": prop}
            for name, prop in schema.get("properties", {}).items()]


def _path_parameter(name: str) -> dict[str, Any]:
    pattern, max_length = path_parameter_shape(name)
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": pattern}}


def _header_parameter(name: str) -> dict[str, Any]:
    pattern, max_length = HEADER_PARAMETERS.get(name, (r"^[\x21-\x7e]+$", 128))
    return {"name": name, "in": "header", "required": True,
            "schema": {"type": "string", "maxLength": max_length, "pattern": pattern}}


def _success(spec: RouteSpec, refs: dict[Any, Any]) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "Success"}
    if spec.status == 204:
        return success
    content: dict[str, Any] = {}
    for media_type in spec.produces:
        if media_type != "application/json":
            content[media_type] = {"schema": {"type": "string"}}
        elif spec.response is not None:
            content[media_type] = {"schema": refs[(spec.response, "serialization")]}
        else:
            content[media_type] = {"schema": {"type": "object"}}
    success["content"] = content
    return success


def _operation(spec: RouteSpec, refs: dict[Any, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": spec.operation_id,
        "summary": spec.summary,
        "tags": list(spec.tags),
        "security": _SECURITY[spec.auth],
        "parameters": [_path_parameter(p) for p in spec.path_params] + [_header_parameter(h) for h in spec.headers],
        "responses": {},
    }
    if spec.handler.__doc__:
        operation["description"] = spec.handler.__doc__.strip()
    if spec.query is not None:
        operation["parameters"] += _query_parameters(spec.query)
    if spec.body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": refs[(spec.body, "validation")]}}}
    responses = {str(spec.status): _success(spec, refs)}
    for status, why in sorted(spec.error_statuses.items()):
        responses[str(status)] = _problem(why)
    operation["responses"] = responses
    return operation


def declared_statuses(method: str, path: str) -> set[int]:
    """The statuses the document declares for one operation (tests compare behaviour with it)."""
    return {int(s) for s in document()["paths"][path][method.lower()]["responses"]}


_DESCRIPTION = (
    "Therapy homework: clinicians assign, clients complete, clinicians review.\n\n"
    "Errors are `application/problem+json` with per-field `errors`. A request body is a JSON object sent as "
    "`Content-Type: application/json` in UTF-8 (RFC 8259; any other type or charset is 415) with no duplicate "
    f"keys (400), at most {MAX_JSON_DEPTH} levels deep, and numbers that are finite, at most "
    f"{MAX_NUMBER_MAGNITUDE:.0e} and, unless zero, at least {MIN_NUMBER_MAGNITUDE:.0e} in size, with at most "
    f"{MAX_SIGNIFICANT_DIGITS} significant digits (422 naming each). Strings hold no control characters but tab "
    "and line breaks; one-line fields not those either. Integers are JSON integers (not true, \"3\" or 3.0). "
    "A malformed path id is simply not found (404). Answers carry `Cache-Control: no-store`."
)


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = []
    for spec in ROUTES:
        if spec.body is not None:
            models.append((spec.body, "validation"))
        if spec.response is not None:
            models.append((spec.response, "serialization"))
    refs, definitions = models_json_schema(list(dict.fromkeys(models)), schema_generator=_BoundedNumbers,
                                           ref_template="#/components/schemas/{model}")
    schemas = {**definitions.get("$defs", {}), "Problem": _PROBLEM_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for spec in ROUTES:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Emotipal API", "version": "1.0.0",
                 "description": _DESCRIPTION},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "clinicianToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                   "description": "Cognito access token from /v1/auth/login"},
                "clientLink": {"type": "http", "scheme": "bearer",
                               "description": "The token from the client's access link (URL fragment)"},
            },
        },
    }
