"""Cross-cutting rules: no client data in logs, no Scan, an OpenAPI document that lists every route."""
from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

import boto3

from tests.api.test_auth import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_no_client_data_or_token_reaches_a_log_line(api, aws, shared_world, monkeypatch):
    """login → create client → link → /v1/client/me, with every logger at DEBUG captured."""
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

    from chalicelib.identity import cognito, practices
    from chalicelib.identity.principals import Role
    from chalicelib.observability import logger

    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(LambdaPowertoolsFormatter())
    root = logging.getLogger()
    targets = [root, logging.getLogger(logger.name)]
    for target in targets:
        target.addHandler(handler)
    previous = [(t, t.level) for t in targets]
    root.setLevel(logging.DEBUG)
    logger.setLevel("DEBUG")
    try:
        email = "logcheck.owner@example.com"
        sub = cognito.create_user(email, "Logan Checkworth", temporary="Temp-Passw0rd!x", send_invite=False)
        cognito.set_permanent_password(email, PASSWORD)
        practices.add_member(shared_world.actors["owner_a"].practice_id, sub, email=email,
                             display_name="Logan Checkworth", role=Role.owner)
        login = api.http.post("/v1/auth/login", headers={"Content-Type": "application/json"},
                              body=json.dumps({"email": email, "password": PASSWORD}))
        access = json.loads(login.body)["access_token"]
        auth = {"Authorization": f"Bearer {access}", "Content-Type": "application/json"}
        client = {"display_name": "Quentin Zebulon-Private", "email": "quentin.zebulon@example.com",
                  "phone": "+447911123488", "timezone": "Europe/London", "reminder_channels": ["email", "sms"]}
        created = json.loads(api.http.post("/v1/clients", headers=auth, body=json.dumps(client)).body)
        link = json.loads(api.http.post(f"/v1/clients/{created['client_id']}/access-link", headers=auth,
                                        body="{}").body)["url"]
        link_token = link.split("#token=")[1]
        me = api.http.get("/v1/client/me", headers={"Authorization": f"Bearer {link_token}"})
        assert me.status_code == 200
        api.http.patch("/v1/client/me", headers={"Authorization": f"Bearer {link_token}",
                                                 "Content-Type": "application/json"},
                       body=json.dumps({"timezone": "Mars/Base"}))  # a failing request logs too
        api.http.get("/v1/me", headers={"Authorization": f"Bearer {access}x"})
    finally:
        for target, level in previous:
            target.removeHandler(handler)
            target.setLevel(level)
    logged = sink.getvalue()
    assert '"message":"request"' in logged.replace(" ", "")  # the capture saw the request lines
    secrets = [client["display_name"], client["email"], client["phone"], "Quentin", "zebulon", "Logan",
               email, PASSWORD, access, access[-40:], link_token, link_token[:20], "Mars/Base"]
    for secret in secrets:
        assert secret.lower() not in logged.lower(), f"log contains {secret[:12]}…"


def test_product_code_never_scans():
    offenders = []
    for path in [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]:
        text = path.read_text()
        if re.search(r"\.scan\(|[\"']Scan[\"']|paginate\(\s*[\"']scan", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_api_traffic_never_scans(api, world):
    """A botocore hook fails any Scan issued while the API serves a realistic session."""
    from chalicelib import aws

    calls = []
    ddb = aws.client("dynamodb")
    ddb.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    try:
        headers = world.headers("owner_a")
        api.http.get("/v1/clients", headers=headers)
        api.http.get(f"/v1/clients/{world.clients['a1']['client_id']}", headers=headers)
        api.http.get("/v1/clinicians", headers=headers)
        api.http.get("/v1/client/me", headers=world.headers(token=world.links["a1"]))
    finally:
        ddb.meta.events.unregister("before-call.dynamodb.*")
    assert calls and "Scan" not in calls


def test_openapi_lists_every_route_with_models(api):
    from chalicelib.http.framework import ROUTES

    document = json.loads(api.http.get("/v1/openapi.json").body)
    assert document["openapi"].startswith("3.")
    listed = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert listed == {(s.method, s.path) for s in ROUTES}
    chalice_routes = {(m, p) for p, entries in __import__("app").app.routes.items() for m in entries}
    assert listed == chalice_routes
    create = document["paths"]["/v1/clients"]["post"]
    schema_ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref.rsplit("/", 1)[1] in document["components"]["schemas"]
    assert create["security"] == [{"clinicianToken": []}]
    assert "422" in create["responses"] and "401" in create["responses"]


def test_health(api):
    response = api.http.get("/v1/health")
    assert response.status_code == 200 and json.loads(response.body)["status"] == "ok"


def test_unknown_route_is_a_problem(api):
    response = api.http.get("/v1/nothing-here")
    assert response.status_code in (403, 404)
    assert boto3  # imported for parity with the runtime; no AWS call is made here
