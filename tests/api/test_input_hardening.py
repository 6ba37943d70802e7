"""Generated from the route table: hostile but well-formed input gets a 4xx problem, never a 500.

Numbers that would not survive storage, deep nesting, malformed path ids, forged
`next_token`s, control characters, loose integers, duplicate keys, wrong media types;
and `Cache-Control: no-store` on everything that may carry client data.
"""
from __future__ import annotations

import base64
import json

import pytest

from tests.api.conftest import DAILY_MEASURE, phq9_answers, post
from tests.api.routes_matrix import example_body, fill_path, protected_routes, route_id

ALL_ROUTES = protected_routes("clinician") + protected_routes("client") + protected_routes("public")
BODY_ROUTES = [s for s in ALL_ROUTES if s.body is not None]
PATH_ROUTES = [s for s in ALL_ROUTES if s.path_params]
LIST_ROUTES = [s for s in ALL_ROUTES if s.query is not None and "next_token" in s.query.model_fields]

BAD_NUMBERS = ["1" + "0" * 300, "-" + "9" * 400, "1e40", "1e308", "-1e308", "1e400", "5e-324", "1e-200",
               "0.12345678901234567", "1234567890123456", "NaN", "Infinity", "-Infinity"]


def _credentials(world, spec) -> dict[str, str]:
    if spec.auth == "client":
        headers = world.headers(token=world.links["a1"])
    elif spec.auth == "clinician":
        headers = world.headers("owner_a")
    else:
        headers = world.headers()
    return {**headers, **dict.fromkeys(spec.headers, "hardening-check-0001")}


def _send(api, world, spec, raw: bytes | str, *, path: str | None = None, headers: dict | None = None):
    return api.http.request(method=spec.method, path=path or fill_path(spec, world.resources),
                            headers=headers if headers is not None else _credentials(world, spec), body=raw)


def _problem(response, statuses) -> dict:
    assert response.status_code in statuses, (response.status_code, response.body[:500])
    assert response.headers["Content-Type"] == "application/problem+json"
    body = json.loads(response.body)
    assert body["status"] == response.status_code and body["title"]
    return body


def _with_raw(example: dict, field: str, literal: str) -> str:
    """The example body as JSON text with `field` set to a raw JSON literal."""
    return json.dumps({**example, field: "__RAW__"}).replace('"__RAW__"', literal)


# -- 1. numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("spec", BODY_ROUTES, ids=route_id)
def test_numbers_that_would_not_survive_storage_are_refused_by_path(api, shared_world, spec):
    example = example_body(spec)
    field = next(iter(example))
    for literal in BAD_NUMBERS:
        body = _problem(_send(api, shared_world, spec, _with_raw(example, field, literal)), (422,))
        assert {"field": field, "type": "number_out_of_range"} in [
            {"field": e["field"], "type": e["type"]} for e in body["errors"]], (literal, body)


@pytest.mark.parametrize("literal,accepted", [
    ("0", True), ("-0", True), ("0.0", True), ("0e5", True), ("1e15", True), ("-1e15", True),
    ("999999999999999", True), ("123456789012345e0", True), ("0.123456789012345", True), ("1e-12", True),
    ("1000000000000001", False), ("1.000000000000001e15", False), ("1e16", False), ("9.99e-13", False),
    ("1234567890.123456", False), ("0.1234567890123456", False), ("1" + "0" * 5000, False),
])
def test_number_bounds_at_ingress(literal, accepted):
    from chalicelib.http.framework import Problem, read_json_body

    raw = f'{{"n": {literal}}}'.encode()
    if accepted:
        assert read_json_body(raw)[1]["n"] == float(literal)
    else:
        with pytest.raises(Problem) as refused:
            read_json_body(raw)
        assert refused.value.status == 422 and refused.value.errors[0]["field"] == "n"


def _client_assignment(api, world, template_id="phq-9") -> str:
    assignment = post(api, f"/v1/clients/{world.clients['a1']['client_id']}/assignments", world.headers("a1"),
                      {"template_id": template_id, "recurrence": {"frequency": "daily"}, "due_time": "23:59",
                       **DAILY_MEASURE})
    return assignment["assignment_id"]


def test_answers_drafts_and_templates_name_each_bad_number(api, shared_world):
    w = shared_world
    assignment_id = _client_assignment(api, w)
    client = {**w.headers(token=w.links["a1"]), "Idempotency-Key": "huge-number-0001"}
    for literal in BAD_NUMBERS:
        answers = json.dumps({**phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 0), "phq9_1": "__RAW__", "phq9_2": "__RAW__"})
        answers = answers.replace('"__RAW__"', literal)
        submitted = api.http.post(f"/v1/client/assignments/{assignment_id}/submissions", headers=client,
                                  body=f'{{"answers": {answers}}}')
        assert [e["field"] for e in _problem(submitted, (422,))["errors"]] == ["answers.phq9_1", "answers.phq9_2"]
        draft = api.http.put(f"/v1/client/assignments/{assignment_id}/draft", headers=client,
                             body=f'{{"answers": {{"phq9_1": {literal}}}, "version": 1}}')
        assert [e["field"] for e in _problem(draft, (422,))["errors"]] == ["answers.phq9_1"]
        template = api.http.post("/v1/templates", headers=w.headers("a1"), body=(
            '{"shared": false, "content": {"title": "Numbers", "kind": "diary", "items": [{"id": "n", '
            f'"type": "number", "label": "N", "max": {literal}}}]}}}}'))
        assert [e["field"] for e in _problem(template, (422,))["errors"]] == ["content.items[0].max"]


def test_numbers_at_the_bounds_are_stored_and_scored_without_error(api, world):
    """The largest and smallest accepted numbers go through step checks, scoring and storage unchanged."""
    template = post(api, "/v1/templates", world.headers("a1"), {"shared": False, "content": {
        "title": "Extremes", "kind": "diary", "items": [
            {"id": "n", "type": "number", "label": "N", "min": -1e15, "step": 1e-12, "required": True},
            {"id": "d", "type": "number", "label": "D", "required": True}],
        "scoring": {"derived": [{"id": "ratio", "label": "Ratio", "op": "ratio_percent", "numerator": "n",
                                 "denominator": "d", "decimals": 3}]}}})
    assignment_id = _client_assignment(api, world, template["template_id"])
    client = world.headers(token=world.links["a1"])
    for number in (1e15, 123456789012.345, -1e15, 1e-12):
        response = api.http.put(f"/v1/client/assignments/{assignment_id}/draft", headers=client,
                                body=json.dumps({"answers": {"n": number, "d": 1e-12}}))
        assert response.status_code < 500, response.body
    response = api.http.post(f"/v1/client/assignments/{assignment_id}/submissions",
                             headers={**client, "Idempotency-Key": "bounds-0001"},
                             body=json.dumps({"answers": {"n": 1e15, "d": 1e-12}}))
    assert response.status_code == 201, response.body
    stored = api.http.get(f"/v1/submissions/{json.loads(response.body)['submission_id']}",
                          headers=world.headers("a1"))
    assert stored.status_code == 200, stored.body
    assert json.loads(stored.body)["answers"] == {"n": 1e15, "d": 1e-12}


# -- 2. nesting ------------------------------------------------------------------------------

@pytest.mark.parametrize("spec", BODY_ROUTES, ids=route_id)
def test_deep_nesting_is_refused(api, shared_world, spec):
    example = example_body(spec)
    field = next(iter(example))
    for depth in (40, 5_000, 100_000):
        body = _problem(_send(api, shared_world, spec, _with_raw(example, field, "[" * depth + "]" * depth)),
                        (400, 422))
        assert body["status"] == 422 and body["errors"][0]["type"] == "too_deep", body
    nested_objects = '{"a":' * 50 + "1" + "}" * 50
    _problem(_send(api, shared_world, spec, _with_raw(example, field, nested_objects)), (422,))


# -- 3. path ids -------------------------------------------------------------------------------

BAD_IDS = ["x" * 2_000, "A" * 27, "0" * 1_100, "abc!def", "a.b", "..", "é" * 30, "01ARZ3NDEKTSV4RRFFQ69G5FA~"]


@pytest.mark.parametrize("spec", PATH_ROUTES, ids=route_id)
def test_malformed_path_ids_are_not_found(api, shared_world, spec):
    example = example_body(spec)
    for param in spec.path_params:
        for bad in BAD_IDS:
            path = fill_path(spec, {**shared_world.resources, param: bad})
            response = _send(api, shared_world, spec, json.dumps(example) if example else b"", path=path)
            _problem(response, (404,))


@pytest.mark.parametrize("spec", PATH_ROUTES, ids=route_id)
def test_well_formed_unknown_ids_are_not_found(api, shared_world, spec):
    unknown = {"client_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "template_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}
    resources = dict(shared_world.resources)
    for name, value in list(resources.items()):
        resources[name] = unknown.get(name, value[:-26] + "01ARZ3NDEKTSV4RRFFQ69G5FAV")
    example = example_body(spec)
    response = _send(api, shared_world, spec, json.dumps(example) if example else b"",
                     path=fill_path(spec, resources))
    _problem(response, (404,))


# -- 4. next_token -------------------------------------------------------------------------------

def _token(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _untoken(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))


def _list_path(spec, world) -> str:
    return fill_path(spec, world.resources)


def _real_token(api, world, spec) -> str:
    """A token this list handed out (lists with one item get a second one first)."""
    headers = _credentials(world, spec)
    path = _list_path(spec, world)
    response = api.http.get(f"{path}?limit=1", headers=headers)
    assert response.status_code == 200, response.body
    token = json.loads(response.body).get("next_token")
    if token is None and spec.path == "/v1/assignments/{assignment_id}/submissions":
        # One submission per occurrence: resume after the only one, as a second page would.
        only = json.loads(response.body)["items"][0]
        client_id, assignment_ulid = world.resources["client_id"], world.resources["assignment_id"][-26:]
        token = _token({"pk": f"CLIENT#{client_id}",
                        "sk": f"SUBMISSION#{assignment_ulid}#{only['submission_id'][-26:]}"})
    assert token, f"{route_id(spec)}: give this list a second item in the fixture"
    assert api.http.get(f"{path}?limit=1&next_token={token}", headers=headers).status_code == 200
    return token


@pytest.fixture(scope="module")
def busy_world(_module_world, api):
    """The shared world with a second client, alert and submission, so every list has a second page."""
    from tests.api.conftest import submit_risk_answer, use_table

    w = _module_world
    w.settings = use_table(w.table)
    post(api, "/v1/clients", w.headers("a1"), {"display_name": "Second Client", "timezone": "Europe/London"})
    submit_risk_answer(api, w, "busy-world-submission-1")
    return w


@pytest.mark.parametrize("spec", LIST_ROUTES, ids=route_id)
def test_forged_next_tokens_are_400_naming_next_token(api, busy_world, spec):
    world = busy_world
    real = _untoken(_real_token(api, world, spec))
    partition = next(k for k in real if k.endswith("pk") and k != "pk") if len(real) > 2 else "pk"
    sort_attr = partition[:-2] + "sk"
    forged = {
        "garbage": "%%%not-base64%%%",
        "not_json": base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "list": _token([1, 2]),
        "missing_sort_key": _token({k: v for k, v in real.items() if k != sort_attr}),
        "missing_table_key": _token({k: v for k, v in real.items() if k != "sk"}),
        "extra_attribute": _token({**real, "admin": "yes"}),
        "over_long": _token({**real, sort_attr: real[sort_attr] + "x" * 600}),
        "over_long_bytes": _token({**real, sort_attr: real[sort_attr][:8] + "\U0001F600" * 200}),
        "lone_surrogate": base64.urlsafe_b64encode(
            json.dumps({**real, sort_attr: "\\ud800"}).replace("\\\\ud800", "\\ud800").encode()).decode(),
        "empty_value": _token({**real, sort_attr: ""}),
        "number_value": _token({**real, sort_attr: 5}),
        "foreign_partition": _token({**real, partition: "CLIENT#01ARZ3NDEKTSV4RRFFQ69G5FAV"}),
        "outside_sort_range": _token({**real, sort_attr: "~~~"}),
    }
    for name, token in forged.items():
        response = api.http.get(f"{_list_path(spec, world)}?next_token={token}", headers=_credentials(world, spec))
        if name == "outside_sort_range" and response.status_code == 200:
            continue  # lists over a whole partition have no sort-key range to leave
        body = _problem(response, (400, 422))
        assert any(e["field"] == "next_token" for e in body["errors"]), (name, body)


# -- 5. control characters ---------------------------------------------------------------------

@pytest.mark.parametrize("value", ["Sam\x00", "Sam\x07y", "Sam\x1b[31m", "Sam\x7f", "Sam\x9bx", "Sam\nSmith",
                                   "Sam\tSmith", "Sam\rSmith", "Sam\u2028Smith", "Sam\ud800"])
def test_control_characters_in_names_are_refused(api, shared_world, value):
    body = {"display_name": value, "timezone": "Europe/London"}
    response = api.http.post("/v1/clients", headers=shared_world.headers("a1"), body=json.dumps(body))
    problem = _problem(response, (422,))
    assert [e["field"] for e in problem["errors"]] == ["display_name"], problem


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=route_id)
def test_control_characters_are_refused_in_every_string(api, shared_world, spec):
    example = example_body(spec)
    for field, value in example.items():
        if isinstance(value, str):
            body = _problem(_send(api, shared_world, spec, json.dumps({**example, field: value + "\x00"})), (422,))
            assert any(e["field"] == field for e in body["errors"]), (field, body)


def test_line_breaks_stay_allowed_in_long_text(api, world):
    assignment_id = world.resources["assignment_id"]
    response = api.http.patch(f"/v1/assignments/{assignment_id}", headers=world.headers("a1"),
                              body=json.dumps({"instructions": "Line one\nLine two\r\n\tIndented"}))
    assert response.status_code == 200, response.body


# -- 6. loose input ----------------------------------------------------------------------------

def _integer_fields(spec) -> list[str]:
    schema = spec.body.model_json_schema()
    names = []
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf", [prop])
        if any(o.get("type") == "integer" for o in options):
            names.append(name)
    return names


INTEGER_FIELDS = [(spec, name) for spec in BODY_ROUTES for name in _integer_fields(spec)]


def test_integer_fields_exist_to_check():
    assert {name for _, name in INTEGER_FIELDS} >= {"version", "ttl_days"}


@pytest.mark.parametrize("spec,field", INTEGER_FIELDS, ids=lambda v: v if isinstance(v, str) else route_id(v))
def test_integers_are_strict(api, shared_world, spec, field):
    example = example_body(spec)
    for loose in (True, False, "2", "1", 2.5, [1], {"n": 1}):
        body = _problem(_send(api, shared_world, spec, json.dumps({**example, field: loose})), (422,))
        assert any(e["field"] == field for e in body["errors"]), (loose, body)


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=route_id)
def test_duplicate_keys_are_refused(api, shared_world, spec):
    example = example_body(spec)
    field, value = next(iter(example.items()))
    raw = json.dumps(example)[:-1] + f", {json.dumps(field)}: {json.dumps(value)}}}"
    body = _problem(_send(api, shared_world, spec, raw), (400,))
    assert body["errors"][0] == {"field": field, "message": "appears more than once", "type": "duplicate_key"}
    nested = json.dumps({**example, field: "__RAW__"}).replace('"__RAW__"', '{"a": 1, "a": 2}')
    _problem(_send(api, shared_world, spec, nested), (400,))


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=route_id)
def test_bodies_must_be_declared_utf8_json(api, shared_world, spec):
    example = example_body(spec)
    credentials = _credentials(shared_world, spec)
    without = {k: v for k, v in credentials.items() if k != "Content-Type"}
    cases = [
        (without, json.dumps(example).encode()),
        ({**without, "Content-Type": "text/plain"}, json.dumps(example).encode()),
        ({**without, "Content-Type": "application/x-www-form-urlencoded"}, b"a=b"),
        ({**without, "Content-Type": "application/json; charset=utf-16"}, json.dumps(example).encode("utf-16")),
        ({**without, "Content-Type": "application/json; charset=latin-1"}, json.dumps(example).encode()),
        ({**without, "Content-Type": "application/jsonx"}, json.dumps(example).encode()),
    ]
    for headers, raw in cases:
        _problem(_send(api, shared_world, spec, raw, headers=headers), (415,))
    # Declared UTF-8 in any spelling is JSON: the answer is not 415 (the example may be refused for other reasons).
    for content_type in ("application/json; charset=utf-8", "Application/JSON;charset=UTF-8"):
        response = _send(api, shared_world, spec, b"{not json", headers={**without, "Content-Type": content_type})
        _problem(response, (400,))


def test_a_stray_content_type_on_a_get_is_ignored(api, shared_world):
    headers = {**shared_world.headers("a1"), "Content-Type": "text/plain"}
    assert api.http.get("/v1/clients", headers=headers).status_code == 200


def test_query_values_are_bounded(api, shared_world):
    template = shared_world.resources["template_id"]
    for query in ("version=" + "9" * 2_000, "version=" + "9" * 1_000, "version=1%00"):
        response = api.http.get(f"/v1/templates/{template}?{query}", headers=shared_world.headers("a1"))
        _problem(response, (422,))


# -- 7. caching ------------------------------------------------------------------------------

@pytest.mark.parametrize("spec", ALL_ROUTES, ids=route_id)
def test_no_answer_may_be_stored_by_caches(api, shared_world, spec):
    world = shared_world
    anonymous = _send(api, world, spec, b"", headers={})
    answers = [anonymous]
    if spec.method == "GET":
        answers.append(_send(api, world, spec, b""))
    for response in answers:
        cache = response.headers.get("Cache-Control", "")
        if spec.path in ("/v1/health", "/v1/openapi.json") and response.status_code < 400:
            assert "no-store" not in cache and cache, cache
        else:
            assert "no-store" in cache, (response.status_code, response.headers)


def test_refusals_before_any_handler_are_problems_with_no_store(api, shared_world):
    refused = api.http.post("/v1/clients", headers={**shared_world.headers("a1"), "Content-Type": "text/plain"},
                            body="x")
    assert refused.status_code == 415 and refused.headers["Cache-Control"] == "no-store"
    # Chalice's own answer for a method the path does not have goes through the same shaping.
    wrong_method = api.http.request(method="PUT", path="/v1/clients", headers=shared_world.headers("a1"), body=b"{}")
    _problem(wrong_method, (405,))
    assert wrong_method.headers["Cache-Control"] == "no-store"
