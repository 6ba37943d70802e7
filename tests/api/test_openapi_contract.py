"""The OpenAPI document is valid and tells the truth about every route.

Every status the generated probes below observe (no or bad credentials, another
tenant, wrong role, malformed bodies and ids, forged tokens, the route's own
example) must be declared for that operation, with the declared media type and a
body that validates against the declared schema.
"""
from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from tests.api.routes_matrix import example_body, fill_path, protected_routes, route_id

ALL_ROUTES = protected_routes("clinician") + protected_routes("client") + protected_routes("public")


@pytest.fixture(scope="module")
def document(api):
    response = api.http.get("/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.body)


def test_the_document_is_valid_openapi_3_1(document):
    from openapi_spec_validator import validate

    validate(document)
    assert document["openapi"].startswith("3.1")


def test_every_route_is_documented(document):
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert documented == {(s.method, s.path) for s in ALL_ROUTES}


@pytest.mark.parametrize("spec", ALL_ROUTES, ids=route_id)
def test_operation_declares_its_inputs_and_errors(document, spec):
    operation = document["paths"][spec.path][spec.method.lower()]
    responses = operation["responses"]
    assert str(spec.status) in responses
    for status, response in responses.items():
        if int(status) >= 400:
            assert list(response["content"]) == ["application/problem+json"], status
    declared = {int(s) for s in responses}
    assert {429, 503} <= declared
    if spec.auth != "public":
        assert 401 in declared and operation["security"]
    if spec.roles:
        assert 403 in declared
    if spec.path_params:
        assert 404 in declared
    if spec.body is not None:
        assert {400, 413, 415, 422} <= declared
        body_schema = _resolve(document, operation["requestBody"]["content"]["application/json"]["schema"])
        assert body_schema["additionalProperties"] is False
    if spec.query is not None:
        assert 422 in declared
    parameters = {(p["in"], p["name"]): p for p in operation["parameters"]}
    for name in spec.path_params:
        schema = parameters[("path", name)]["schema"]
        assert schema["pattern"].startswith("^") and schema["pattern"].endswith("$") and schema["maxLength"] <= 128
    for name in spec.headers:
        assert parameters[("header", name)]["required"] is True
        assert parameters[("header", name)]["schema"]["pattern"]


def test_idempotency_key_is_a_required_header_with_its_real_shape(document, api, shared_world):
    import re

    operation = document["paths"]["/v1/client/assignments/{assignment_id}/submissions"]["post"]
    header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
    assert header["required"] is True and header["schema"]["maxLength"] == 128
    pattern = header["schema"]["pattern"]
    path = f"/v1/client/assignments/{shared_world.resources['assignment_id']}/submissions"
    base = shared_world.headers(token=shared_world.links["a1"])
    for key, ok in [("short", False), ("x" * 129, False), ("has space 123", False), ("a" * 8, True)]:
        assert bool(re.fullmatch(pattern, key)) is ok
        response = api.http.post(path, headers={**base, "Idempotency-Key": key}, body="{}")
        # A key of the documented shape passes the header check and meets the body's (422 on answers).
        assert response.status_code == 422
        fields = [e["field"] for e in json.loads(response.body)["errors"]]
        assert ("Idempotency-Key" in fields) is not ok, (key, fields)
    missing = api.http.post(path, headers=base, body="{}")
    assert missing.status_code == 400


def test_request_integers_are_strict_and_bounded(document):
    seen = 0
    for path, item in document["paths"].items():
        for operation in item.values():
            body = operation.get("requestBody")
            if not body:
                continue
            for schema in _walk(document, body["content"]["application/json"]["schema"]):
                if schema.get("type") in ("integer", "number"):
                    seen += 1
                    assert "maximum" in schema or "exclusiveMaximum" in schema, (path, schema)
                    assert "minimum" in schema or "exclusiveMinimum" in schema, (path, schema)
    assert seen


def _resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _walk(document, schema, seen=None):
    seen = set() if seen is None else seen
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            if name in seen:
                return
            seen.add(name)
            yield from _walk(document, document["components"]["schemas"][name], seen)
            return
        yield schema
        for value in schema.values():
            yield from _walk(document, value, seen)
    elif isinstance(schema, list):
        for value in schema:
            yield from _walk(document, value, seen)


# -- behaviour matches the document ---------------------------------------------------------

def _probes(world, spec):
    """(name, headers, path, body) requests a fuzzer would also send, from the route table."""
    from tests.api.test_input_hardening import BAD_IDS

    declared_headers = dict.fromkeys(spec.headers, "contract-check-0001")
    path = fill_path(spec, world.resources)
    example = example_body(spec)
    body = json.dumps(example) if example is not None else b""
    own = {"client": world.headers(token=world.links["a1"]), "clinician": world.headers("a1"),
           "public": world.headers()}[spec.auth]
    own = {**own, **declared_headers}
    yield "anonymous", {"Content-Type": "application/json", **declared_headers}, path, body
    if spec.auth == "clinician":
        yield "other_tenant", {**world.headers("b1"), **declared_headers}, path, body
        if spec.method == "GET":  # writes as the owner would change the shared world
            yield "owner", {**world.headers("owner_a"), **declared_headers}, path, body
    if spec.auth == "client":
        yield "other_client", {**world.headers(token=world.links["b1"]), **declared_headers}, path, body
    if spec.method == "GET" or spec.auth == "public":
        yield "own", own, path, body
    if spec.body is not None:
        yield "malformed", own, path, b"{not json"
        yield "duplicate", own, path, b'{"a": 1, "a": 2}'
        yield "deep", own, path, b"[" * 3000 + b"]" * 3000
        yield "huge_number", own, path, json.dumps({**example, next(iter(example)): "__N__"}).replace('"__N__"', "1e999")
        yield "not_json", {**own, "Content-Type": "text/plain"}, path, body
        yield "too_large", own, path, json.dumps({next(iter(example)): "x" * 300_000})
        yield "unknown_field", own, path, json.dumps({**example, "surprise": 1})
    for param in spec.path_params:
        yield f"bad_{param}", own, fill_path(spec, {**world.resources, param: BAD_IDS[0]}), body
    if spec.query is not None and "next_token" in spec.query.model_fields:
        yield "forged_token", own, f"{path}?next_token=eyJwayI6IngifQ", body
    if spec.query is not None:
        yield "bad_query", own, f"{path}?surprise=1", body
    for name in spec.headers:
        yield f"no_{name}", {k: v for k, v in own.items() if k != name}, path, body


@pytest.mark.parametrize("spec", ALL_ROUTES, ids=route_id)
def test_observed_statuses_are_declared(api, shared_world, document, spec):
    operation = document["paths"][spec.path][spec.method.lower()]
    for name, headers, path, body in _probes(shared_world, spec):
        response = api.http.request(method=spec.method, path=path, headers=headers, body=body)
        status = str(response.status_code)
        assert status in operation["responses"], (name, status, response.body[:300])
        assert response.status_code < 500, (name, response.body[:300])
        declared = operation["responses"][status].get("content")
        if response.status_code == 204 or not declared:
            assert not response.body, name
            continue
        media_type = response.headers["Content-Type"].split(";")[0]
        assert media_type in declared, (name, status, media_type)
        if media_type.endswith("json"):
            schema = {**declared[media_type]["schema"], "components": document["components"]}
            errors = [e.message for e in Draft202012Validator(schema).iter_errors(json.loads(response.body))]
            assert not errors, (name, status, errors[:3])
