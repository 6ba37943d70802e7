"""Generated from the route table: every protected route refuses the wrong caller.

A new route is covered without editing this file. For a path naming another
tenant's resource the answer must be 401 or 404 (403 for role-restricted routes);
for a collection the answer may succeed but must not contain the victim's data.
Finally the victim's data must be unchanged.
"""
from __future__ import annotations

import json

import pytest

from tests.api.routes_matrix import body_bytes, fill_path, protected_routes, route_id
from tests.api.conftest import VICTIM

CLINICIAN_ROUTES = protected_routes("clinician")
CLIENT_ROUTES = protected_routes("client")
VICTIM_MARKERS = (VICTIM["display_name"], VICTIM["email"], VICTIM["phone"])


def resources_of(world) -> dict[str, str]:
    """One resource of client a1 (clinician a1, practice A) for every path parameter."""
    return world.resources


@pytest.fixture
def victim_resources(world) -> dict[str, str]:
    return resources_of(world)


@pytest.fixture
def shared_victim_resources(shared_world) -> dict[str, str]:
    return resources_of(shared_world)


def _call(api, spec, path, headers):
    # Headers a route declares (e.g. Idempotency-Key) are sent, so only the credential is wrong.
    headers = {**headers, **dict.fromkeys(spec.headers, "tenancy-check-0001")}
    return api.http.request(method=spec.method, path=path, headers=headers, body=body_bytes(spec) or b"")


def _assert_no_victim_data(response, victim_resources):
    text = response.body.decode(errors="replace")
    for marker in (*VICTIM_MARKERS, *victim_resources.values()):
        assert marker not in text, f"leaked {marker!r}"


def _assert_victim_intact(api, world, victim_resources):
    client_id = victim_resources["client_id"]
    response = api.http.get(f"/v1/clients/{client_id}", headers=world.headers("a1"))
    assert response.status_code == 200
    assert json.loads(response.body)["display_name"] == VICTIM["display_name"]
    assert api.http.get("/v1/client/me", headers=world.headers(token=world.links["a1"])).status_code == 200


BAD_CLINICIAN_CREDENTIALS = ["none", "garbage", "expired", "other_key", "unknown_kid", "wrong_client", "id_token",
                             "no_membership"]


@pytest.mark.parametrize("credential", BAD_CLINICIAN_CREDENTIALS)
@pytest.mark.parametrize("spec", CLINICIAN_ROUTES, ids=route_id)
def test_clinician_routes_refuse_bad_credentials(api, shared_world, shared_victim_resources, spec, credential):
    world, victim_resources = shared_world, shared_victim_resources
    settings = world.settings
    tokens = {
        "none": None,
        "garbage": "not-a-jwt",
        "expired": world.token("a1", expires_in=-3600),
        "other_key": world.token("a1", key_name="attacker"),
        "unknown_kid": world.token("a1", kid="rotated-away"),
        "wrong_client": world.token("a1", client_id="another-app-client"),
        "id_token": world.token("a1", token_use="id"),
        "no_membership": world.token("a1", sub="sub-nobody"),
    }
    response = _call(api, spec, fill_path(spec, victim_resources), world.headers(token=tokens[credential]))
    assert response.status_code == 401, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    _assert_no_victim_data(response, victim_resources)
    assert settings.cognito_client_id  # the world is configured, so 401 came from the token


@pytest.mark.parametrize("intruder", ["b1", "owner_b", "a2"])
@pytest.mark.parametrize("spec", CLINICIAN_ROUTES, ids=route_id)
def test_clinician_routes_hide_other_caseloads(api, shared_world, shared_victim_resources, spec, intruder):
    world, victim_resources = shared_world, shared_victim_resources
    response = _call(api, spec, fill_path(spec, victim_resources), world.headers(intruder))
    assert response.status_code < 500, response.body
    if spec.path_params:
        allowed = {401, 404} | ({403} if spec.roles else set())
        assert response.status_code in allowed, response.body
    _assert_no_victim_data(response, victim_resources)
    _assert_victim_intact(api, world, victim_resources)


@pytest.mark.parametrize("credential", ["none", "garbage", "revoked", "expired", "other_client", "erased"])
@pytest.mark.parametrize("spec", CLIENT_ROUTES, ids=route_id)
def test_client_routes_refuse_bad_links(api, world, victim_resources, spec, credential, monkeypatch):
    client_id = victim_resources["client_id"]
    token = {"none": None, "garbage": "x" * 43, "revoked": world.links["a1"], "expired": world.links["a1"],
             "other_client": world.links["b1"], "erased": world.links["a1"]}[credential]
    if credential == "revoked":
        assert api.http.delete(f"/v1/clients/{client_id}/access-link", headers=world.headers("a1")).status_code == 204
    if credential == "erased":
        assert api.http.delete(f"/v1/clients/{client_id}", headers=world.headers("a1")).status_code == 204
    if credential == "expired":
        import time

        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + 31 * 86400)
    response = _call(api, spec, fill_path(spec, victim_resources), world.headers(token=token))
    if credential == "other_client":
        assert response.status_code < 500
        if spec.path_params:
            assert response.status_code == 404, response.body
        _assert_no_victim_data(response, victim_resources)
    else:
        assert response.status_code == 401, response.body
    if credential in ("none", "garbage", "other_client"):
        monkeypatch.undo()
        _assert_victim_intact(api, world, victim_resources)


def test_every_protected_route_is_covered():
    assert CLINICIAN_ROUTES and CLIENT_ROUTES
    assert {("GET", "/v1/clients"), ("GET", "/v1/client/me")} <= {(s.method, s.path) for s in CLINICIAN_ROUTES + CLIENT_ROUTES}
