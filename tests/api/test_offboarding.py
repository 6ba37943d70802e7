"""Offboarding a clinician and archiving a custom template."""
from __future__ import annotations

import json
import uuid

import boto3
import pytest

PASSWORD = "Correct-Horse-Battery-9"
JSON = {"Content-Type": "application/json"}


def _json(response):
    return json.loads(response.body)


def _login(api, email, password=PASSWORD):
    return api.http.post("/v1/auth/login", headers=JSON, body=json.dumps({"email": email, "password": password}))


def _member(world, role="clinician"):
    """A real (moto) Cognito user in practice A, signed in: (email, sub, access token, refresh token)."""
    from chalicelib.identity import cognito, practices
    from chalicelib.identity.principals import Role

    email = f"leaver-{uuid.uuid4().hex[:8]}@example.com"
    sub = cognito.create_user(email, "Lee Leaver", temporary="Temp-Passw0rd!x", send_invite=False)
    cognito.set_permanent_password(email, PASSWORD)
    practices.add_member(world.actors["owner_a"].practice_id, sub, email=email, display_name="Lee Leaver",
                         role=Role(role))
    return email, sub


@pytest.fixture
def leaver(api, world):
    email, sub = _member(world)
    tokens = _json(_login(api, email))
    return {"email": email, "sub": sub, "access": tokens["access_token"], "refresh": tokens["refresh_token"]}


def _deactivate(api, world, who, sub, action="deactivate"):
    return api.http.post(f"/v1/clinicians/{sub}/{action}", headers=world.headers(who))


def _bearer(token):
    return {"Authorization": f"Bearer {token}", **JSON}


def test_deactivation_locks_out_tokens_refresh_and_sign_in(api, world, leaver):
    assert api.http.get("/v1/me", headers=_bearer(leaver["access"])).status_code == 200
    response = _deactivate(api, world, "owner_a", leaver["sub"])
    assert response.status_code == 200, response.body
    assert _json(response)["status"] == "inactive"
    # The access token has not expired, but our membership check refuses it at once.
    me = api.http.get("/v1/me", headers=_bearer(leaver["access"]))
    assert me.status_code == 401 and me.headers["Content-Type"] == "application/problem+json"
    assert api.http.get("/v1/clients", headers=_bearer(leaver["access"])).status_code == 401
    # Cognito: disabled and signed out everywhere.
    user = boto3.client("cognito-idp", region_name="eu-west-2").admin_get_user(
        UserPoolId=world.settings.cognito_pool_id, Username=leaver["email"])
    assert user["Enabled"] is False
    assert _login(api, leaver["email"]).status_code == 401
    refreshed = api.http.post("/v1/auth/refresh", headers=JSON, body=json.dumps({"refresh_token": leaver["refresh"]}))
    assert refreshed.status_code == 401
    listed = {m["clinician_id"]: m["status"] for m in _json(api.http.get("/v1/clinicians",
                                                                          headers=world.headers("owner_a")))["items"]}
    assert listed[leaver["sub"]] == "inactive"


def test_reactivation_lets_them_back_in(api, world, leaver):
    assert _deactivate(api, world, "owner_a", leaver["sub"]).status_code == 200
    again = _deactivate(api, world, "owner_a", leaver["sub"])  # repeating is harmless
    assert again.status_code == 200 and _json(again)["status"] == "inactive"
    restored = _deactivate(api, world, "owner_a", leaver["sub"], "reactivate")
    assert restored.status_code == 200 and _json(restored)["status"] == "active"
    fresh = _json(_login(api, leaver["email"]))["access_token"]
    assert api.http.get("/v1/me", headers=_bearer(fresh)).status_code == 200


def test_refused_while_the_caseload_has_clients_which_are_named(api, world):
    response = _deactivate(api, world, "owner_a", world.sub("a1"))
    assert response.status_code == 409, response.body
    body = _json(response)
    assert body["errors"][0]["field"] == "clinician_id"
    assert [c["client_id"] for c in body["clients"]] == [world.clients["a1"]["client_id"]]
    assert body["clients"][0]["display_name"] == world.clients["a1"]["display_name"]
    assert api.http.get("/v1/me", headers=world.headers("a1")).status_code == 200  # nothing changed
    # Reassign (the existing route), then deactivation goes through.
    client_id = world.clients["a1"]["client_id"]
    profile = _json(api.http.get(f"/v1/clients/{client_id}", headers=world.headers("owner_a")))
    moved = api.http.patch(f"/v1/clients/{client_id}", headers=world.headers("owner_a"), body=json.dumps(
        {"clinician_id": world.sub("a2"), "version": profile["version"]}))
    assert moved.status_code == 200, moved.body
    assert _deactivate(api, world, "owner_a", world.sub("a1")).status_code == 200
    assert api.http.get("/v1/me", headers=world.headers("a1")).status_code == 401
    # An inactive clinician cannot be given clients either.
    profile = _json(api.http.get(f"/v1/clients/{client_id}", headers=world.headers("owner_a")))
    back = api.http.patch(f"/v1/clients/{client_id}", headers=world.headers("owner_a"), body=json.dumps(
        {"clinician_id": world.sub("a1"), "version": profile["version"]}))
    assert back.status_code == 422 and _json(back)["errors"][0]["field"] == "clinician_id"


def test_who_may_deactivate_whom(api, world, leaver):
    owner = world.sub("owner_a")
    assert _deactivate(api, world, "owner_a", owner).status_code == 403           # not yourself
    assert _deactivate(api, world, "a2", leaver["sub"]).status_code == 403        # clinicians cannot
    assert _deactivate(api, world, "owner_b", leaver["sub"]).status_code == 404   # another practice
    assert _deactivate(api, world, "owner_a", "sub-nobody").status_code == 404
    admin_email, admin_sub = _member(world, "admin")
    admin = _json(_login(api, admin_email))["access_token"]
    # Admins offboard clinicians, not owners or other admins.
    assert api.http.post(f"/v1/clinicians/{owner}/deactivate", headers=_bearer(admin)).status_code == 403
    assert api.http.post(f"/v1/clinicians/{leaver['sub']}/deactivate", headers=_bearer(admin)).status_code == 200


def test_the_last_owner_stays(api, world):
    """Owners cannot offboard themselves, so over the API someone always remains; the rule
    also holds in the domain function, for any caller."""
    from chalicelib.errors import Conflict
    from chalicelib.identity import practices
    from chalicelib.identity.principals import Clinician, Role

    practice_id = world.actors["owner_a"].practice_id
    second_email, second = _member(world, "owner")
    as_second = Clinician(sub=second, practice_id=practice_id, role=Role.owner, email=second_email, display_name="")
    assert practices.deactivate(as_second, world.sub("owner_a"))["status"] == "inactive"
    someone = Clinician(sub="sub-operator", practice_id=practice_id, role=Role.owner, email="", display_name="")
    with pytest.raises(Conflict, match="at least one active owner"):
        practices.deactivate(someone, second)
    assert api.http.get("/v1/me", headers=world.headers("owner_a")).status_code == 401


# -- archiving a template ----------------------------------------------------------------------

def _template(api, world, who="a1"):
    response = api.http.post("/v1/templates", headers=world.headers(who), body=json.dumps({"shared": True, "content": {
        "title": f"Wind-down {uuid.uuid4().hex[:4]}", "kind": "diary",
        "items": [{"id": "what", "type": "long_text", "label": "What did you do?", "required": True}]}}))
    assert response.status_code == 201, response.body
    return _json(response)["template_id"]


def _listed(api, world, who="a1"):
    return {t["template_id"] for t in _json(api.http.get("/v1/templates", headers=world.headers(who)))["items"]}


def test_archived_template_is_hidden_and_refused_for_new_assignments_but_existing_ones_work(api, world):
    client_id = world.clients["a1"]["client_id"]
    template_id = _template(api, world)
    existing = api.http.post(f"/v1/clients/{client_id}/assignments", headers=world.headers("a1"),
                             body=json.dumps({"template_id": template_id, "recurrence": {"frequency": "daily"},
                                              "due_time": "23:59"}))  # today's is still open, whatever the hour
    assert existing.status_code == 201, existing.body
    assignment_id = _json(existing)["assignment_id"]

    archived = api.http.post(f"/v1/templates/{template_id}/archive", headers=world.headers("a1"))
    assert archived.status_code == 200, archived.body
    assert _json(archived)["archived"] is True
    assert template_id not in _listed(api, world) and template_id not in _listed(api, world, "owner_a")
    assert _json(api.http.get(f"/v1/templates/{template_id}", headers=world.headers("a1")))["archived"] is True

    refused = api.http.post(f"/v1/clients/{client_id}/assignments", headers=world.headers("a1"),
                            body=json.dumps({"template_id": template_id, "recurrence": {"frequency": "daily"}}))
    assert refused.status_code == 422, refused.body
    assert _json(refused)["errors"][0]["field"] == "template_id"

    # The assignment made before still opens and takes answers.
    assert api.http.get(f"/v1/assignments/{assignment_id}", headers=world.headers("a1")).status_code == 200
    submitted = api.http.post(f"/v1/client/assignments/{assignment_id}/submissions",
                              headers={**world.headers(token=world.links["a1"]), "Idempotency-Key": "archived-0001"},
                              body=json.dumps({"answers": {"what": "A walk"}}))
    assert submitted.status_code == 201, submitted.body

    restored = api.http.post(f"/v1/templates/{template_id}/unarchive", headers=world.headers("owner_a"))
    assert restored.status_code == 200 and _json(restored)["archived"] is False
    assert template_id in _listed(api, world)


def test_who_may_archive(api, world):
    template_id = _template(api, world, "a1")
    assert api.http.post(f"/v1/templates/{template_id}/archive", headers=world.headers("a2")).status_code == 403
    assert api.http.post(f"/v1/templates/{template_id}/archive", headers=world.headers("b1")).status_code == 404
    assert api.http.post("/v1/templates/phq-9/archive", headers=world.headers("owner_a")).status_code == 403
    assert api.http.post(f"/v1/templates/{template_id}/archive", headers=world.headers("owner_a")).status_code == 200
    # Editing keeps it archived.
    detail = _json(api.http.get(f"/v1/templates/{template_id}", headers=world.headers("a1")))
    updated = api.http.put(f"/v1/templates/{template_id}", headers=world.headers("a1"), body=json.dumps(
        {"content": detail["content"], "version": detail["version"]}))
    assert updated.status_code == 200 and _json(updated)["archived"] is True


def test_operators_can_offboard_from_the_command_line_with_the_same_rules(api, world, leaver, capsys):
    from chalicelib import cli

    assert cli.main(["deactivate-clinician", "--email", leaver["email"]]) == 0
    assert "inactive" in capsys.readouterr().out
    assert api.http.get("/v1/me", headers=_bearer(leaver["access"])).status_code == 401
    assert cli.main(["reactivate-clinician", "--email", leaver["email"]]) == 0
    assert cli.main(["deactivate-clinician", "--email", "nobody@example.com"]) == 1
