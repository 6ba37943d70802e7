"""The OpenAPI 3.1 document, generated from `ROUTES` and the pydantic models."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.http.framework import ROUTES, RouteSpec

_SECURITY = {"clinician": [{"clinicianToken": []}], "client": [{"clientLink": []}], "public": []}

_PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "message": {"type": "string"}, "type": {"type": "string"}}}},
    },
}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _query_parameters(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    required = set(schema.get("required", []))
    return [{"name": name, "in": "query", "required": name in required, "schema": prop}
            for name, prop in schema.get("properties", {}).items()]


def _operation(spec: RouteSpec, refs: dict[Any, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": spec.operation_id,
        "summary": spec.summary,
        "tags": list(spec.tags),
        "security": _SECURITY[spec.auth],
        "parameters": [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                       for p in spec.path_params],
        "responses": {},
    }
    if spec.handler.__doc__:
        operation["description"] = spec.handler.__doc__.strip()
    for header in spec.headers:
        operation["parameters"].append({"name": header, "in": "header", "required": False,
                                        "schema": {"type": "string", "maxLength": 128}})
    if spec.query is not None:
        operation["parameters"] += _query_parameters(spec.query, schemas)
    if spec.body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": refs[(spec.body, "validation")]}}}
    success: dict[str, Any] = {"description": "Success"}
    if spec.response is not None:
        success["content"] = {"application/json": {"schema": refs[(spec.response, "serialization")]}}
    elif spec.status != 204:
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    operation["responses"][str(spec.status)] = success
    if spec.body is not None:
        operation["responses"]["400"] = _problem("Malformed JSON")
        operation["responses"]["422"] = _problem("Invalid fields, listed per field")
    if spec.auth != "public":
        operation["responses"]["401"] = _problem("Missing, expired or invalid credential")
    if spec.path_params:
        operation["responses"]["404"] = _problem("Not found, or not yours")
    return operation


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    models = []
    for spec in ROUTES:
        if spec.body is not None:
            models.append((spec.body, "validation"))
        if spec.response is not None:
            models.append((spec.response, "serialization"))
    refs, definitions = models_json_schema(list(dict.fromkeys(models)),
                                           ref_template="#/components/schemas/{model}")
    schemas = {**definitions.get("$defs", {}), "Problem": _PROBLEM_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for spec in ROUTES:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, refs, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Emotipal API", "version": "1.0.0",
                 "description": "Therapy homework: clinicians assign, clients complete, clinicians review."},
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
