"""Generated from the route table: bad bodies get 400/422 problem+json, never a 500,
and nothing stored changes."""
from __future__ import annotations

import json

import pytest

from tests.api.routes_matrix import example_body, fill_path, protected_routes, route_id

BODY_ROUTES = [s for s in protected_routes("clinician") + protected_routes("client") + protected_routes("public")
               if s.body is not None]


def _credentials(world, spec) -> dict[str, str]:
    if spec.auth == "client":
        return {**world.headers(token=world.links["a1"]), "Idempotency-Key": "malformed-input-check"}
    if spec.auth == "clinician":
        return world.headers("owner_a")
    return world.headers()


def _send(api, world, spec, raw: bytes | str):
    path = fill_path(spec, world.resources)
    return api.http.request(method=spec.method, path=path, headers=_credentials(world, spec), body=raw)


def _assert_problem(response, statuses=(400, 422)):
    assert response.status_code in statuses, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    body = json.loads(response.body)
    assert body["status"] == response.status_code and body["title"]
    return body


def _wrong_type(value):
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, (int, float)):
        return "many"
    if isinstance(value, str):
        return {"nested": ["not", "a", "string"]}
    if isinstance(value, list):
        return 42
    if isinstance(value, dict):
        return ["not-an-object"]
    return 3.5


def _string_fields(example: dict, prefix: str = ""):
    for name, value in example.items():
        if isinstance(value, str):
            yield name
        elif isinstance(value, dict):
            yield from (f"{name}.{inner}" for inner in _string_fields(value))


def _set(example: dict, dotted: str, value):
    data = json.loads(json.dumps(example))
    target = data
    *parents, leaf = dotted.split(".")
    for parent in parents:
        target = target[parent]
    target[leaf] = value
    return data


def _stored_victim(api, world):
    response = api.http.get(f"/v1/clients/{world.clients['a1']['client_id']}", headers=world.headers("a1"))
    return json.loads(response.body)


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=route_id)
def test_malformed_json_and_non_objects(api, shared_world, spec):
    before = _stored_victim(api, shared_world)
    for raw in (b"{not json", b"\xff\xfe", b"", b"[1, 2]", b'"text"', b"null"):
        _assert_problem(_send(api, shared_world, spec, raw))
    assert _stored_victim(api, shared_world) == before


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=route_id)
def test_unknown_fields_are_refused(api, shared_world, spec):
    body = _assert_problem(_send(api, shared_world, spec, json.dumps({**example_body(spec), "is_admin": True})), (422,))
    assert any(e["field"] == "is_admin" for e in body["errors"])


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=route_id)
def test_wrong_types_are_refused_per_field(api, shared_world, spec):
    example = example_body(spec)
    before = _stored_victim(api, shared_world)
    for field, value in example.items():
        body = _assert_problem(_send(api, shared_world, spec, json.dumps({**example, field: _wrong_type(value)})), (422,))
        assert any(e["field"].split(".")[0].split("[")[0] == field for e in body["errors"]), (field, body)
    assert _stored_victim(api, shared_world) == before


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=route_id)
def test_over_long_strings_are_refused(api, shared_world, spec):
    example = example_body(spec)
    for field in _string_fields(example):
        body = _assert_problem(_send(api, shared_world, spec, json.dumps(_set(example, field, "x" * 20_000))), (422,))
        assert any(e["field"].startswith(field.split(".")[0]) for e in body["errors"]), (field, body)


def test_oversized_body_is_refused(api, shared_world):
    spec = next(s for s in BODY_ROUTES if s.path == "/v1/clients" and s.method == "POST")
    response = _send(api, shared_world, spec, json.dumps({"display_name": "x" * 400_000}))
    assert response.status_code == 413


@pytest.mark.parametrize("field,value", [
    ("phone", "07911 123456"), ("phone", "+44"), ("phone", "+4479111234567890"), ("phone", "+999123456789"),
    ("timezone", "Mars/Olympus"), ("timezone", "America/Argentina"), ("timezone", "../etc/passwd"),
    ("timezone", "EST5EDT "), ("reminder_time", "25:00"), ("reminder_time", "7pm"), ("email", "not-an-email"),
    ("reminder_channels", ["email", "email"]), ("reminder_channels", ["pigeon"]), ("display_name", "   "),
])
def test_bad_client_fields_name_the_field(api, shared_world, field, value):
    body = {"display_name": "Sam", "timezone": "Europe/London", "email": "sam@example.com", field: value}
    response = api.http.post("/v1/clients", headers=shared_world.headers("a1"), body=json.dumps(body))
    problem = _assert_problem(response, (422,))
    assert [e["field"].split("[")[0] for e in problem["errors"]] == [field]


def test_bad_query_parameters(api, shared_world):
    for query in ("limit=0", "limit=1000", "limit=abc", "surprise=1", "next_token=%%%"):
        response = api.http.get(f"/v1/clients?{query}", headers=shared_world.headers("a1"))
        _assert_problem(response)


def test_unsupported_content_type_is_a_problem(api, shared_world):
    headers = {**shared_world.headers("a1"), "Content-Type": "text/plain"}
    response = api.http.post("/v1/clients", headers=headers, body="display_name=Sam")
    _assert_problem(response, (415,))
