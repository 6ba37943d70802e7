"""DynamoDB requests per API call, counted with a botocore event hook.

The hot paths must stay within 2 requests besides authentication (the link or
membership lookup; for a device session, the session and then its link), however many
assignments or clients there are, and never Scan.
"""
from __future__ import annotations

import json
from contextlib import contextmanager

import pytest

from tests.api.conftest import DAILY_MEASURE, phq9_answers, post


@contextmanager
def counted():
    from chalicelib import aws

    calls: list[tuple[str, dict]] = []
    ddb = aws.client("dynamodb")

    def record(model, params, **_):
        calls.append((model.name, params))

    # before-parameter-build sees each API call once, with its parameters (the Key).
    ddb.meta.events.register("before-parameter-build.dynamodb.*", record)
    try:
        yield calls
    finally:
        ddb.meta.events.unregister("before-parameter-build.dynamodb.*", record)


def _besides_authentication(calls) -> list[str]:
    def is_auth(name, params):
        key = params.get("Key", {}).get("pk", {}).get("S", "")
        # the access link, a device session (then its link) or a clinician's membership
        return name == "GetItem" and (key.startswith(("LINK#", "DEVICESESSION#", "USER#")))

    assert calls, "the hook saw no request: it is not counting"
    assert any(is_auth(name, params) for name, params in calls), "authentication was not seen"
    assert all(name != "Scan" for name, _ in calls)
    return [name for name, params in calls if not is_auth(name, params)]


@pytest.fixture
def busy_client(api, world):
    """The world's client with four more assignments, a draft, and more clients in the caseload."""
    client_id = world.resources["client_id"]
    ids = []
    for template in ("thought-record", "gad-7", "sleep-diary", "activity-log"):
        ids.append(post(api, f"/v1/clients/{client_id}/assignments", world.headers("a1"), {
            "template_id": template, "recurrence": {"frequency": "daily"}, "due_time": "23:59",
            **DAILY_MEASURE})["assignment_id"])
    api.http.put(f"/v1/client/assignments/{ids[0]}/draft", headers=world.headers(token=world.links["a1"]),
                 body=json.dumps({"answers": {"situation": "Bus stop"}}))
    for n in range(5):
        post(api, "/v1/clients", world.headers("a1"), {"display_name": f"Extra {n}", "timezone": "Europe/Paris"})
    return ids


def test_client_homework_list(api, world, busy_client):
    with counted() as calls:
        response = api.http.get("/v1/client/assignments", headers=world.headers(token=world.links["a1"]))
    assert response.status_code == 200 and len(json.loads(response.body)["items"]) == 5
    assert len(_besides_authentication(calls)) <= 2, calls


def test_client_homework_list_on_a_device_session(api, world, busy_client):
    """A device session is authenticated by its own record and then its link: both count as
    authentication, and the route itself stays within its budget."""
    from chalicelib.notifications.signin_links import signin_url
    from chalicelib.store import clients as client_store

    signin = signin_url(client_store.get(world.resources["client_id"], consistent=True)).split("#signin=")[1]
    session = post(api, "/v1/client/session", {"Content-Type": "application/json"},
                   {"signin_token": signin, "shared_device": False})["session_token"]
    with counted() as calls:
        response = api.http.get("/v1/client/assignments", headers=world.headers(token=session))
    assert response.status_code == 200 and len(json.loads(response.body)["items"]) == 5
    keys = [params["Key"]["pk"]["S"].split("#")[0] for name, params in calls if name == "GetItem"]
    assert keys[:2] == ["DEVICESESSION", "LINK"], calls
    assert len(_besides_authentication(calls)) <= 2, calls


def test_one_assignment_with_its_draft(api, world, busy_client):
    with counted() as calls:
        response = api.http.get(f"/v1/client/assignments/{busy_client[0]}",
                                headers=world.headers(token=world.links["a1"]))
    assert json.loads(response.body)["draft"]["answers"] == {"situation": "Bus stop"}
    assert len(_besides_authentication(calls)) <= 2, calls


def test_a_submission(api, world, busy_client):
    headers = {**world.headers(token=world.links["a1"]), "Idempotency-Key": "budget-check-1"}
    with counted() as calls:
        response = api.http.post(f"/v1/client/assignments/{busy_client[1]}/submissions", headers=headers,
                                 body=json.dumps({"answers": {f"gad7_{n}": "several_days" for n in range(1, 8)}}))
    assert response.status_code == 201, response.body
    assert len(_besides_authentication(calls)) <= 2, calls


def _is_alert_notice(name: str, params: dict) -> bool:
    """Requests of the immediate risk-alert notice to the clinician, made after the submission
    is stored: its send records (`ALERT#…#NOTIFY#…`) and taking the alert off the due-index."""
    key = params.get("Key") or params.get("Item") or {}
    sk = key.get("sk", {}).get("S", "")
    return "#NOTIFY#" in sk or (name == "UpdateItem" and sk.startswith("ALERT#"))


def test_a_submission_that_raises_an_alert(api, world):
    assignment = post(api, f"/v1/clients/{world.resources['client_id']}/assignments", world.headers("a1"), {
        "template_id": "phq-9", "recurrence": {"frequency": "daily"}, "due_time": "23:59",
        "start_date": None, **DAILY_MEASURE})
    headers = {**world.headers(token=world.links["a1"]), "Idempotency-Key": "budget-check-2"}
    with counted() as calls:
        response = api.http.post(f"/v1/client/assignments/{assignment['assignment_id']}/submissions",
                                 headers=headers, body=json.dumps({"answers": phq9_answers(3, 3, 3, 3, 3, 3, 3, 3, 2)}))
    assert json.loads(response.body)["crisis_resources"]
    storing = [(name, params) for name, params in calls if not _is_alert_notice(name, params)]
    assert len(_besides_authentication(storing)) <= 2, storing
    # The clinician is told at once: a claim and a record per channel, then off the index.
    assert [name for name, params in calls if _is_alert_notice(name, params)] == ["PutItem", "UpdateItem", "UpdateItem"]


def test_clinician_caseload(api, world, busy_client):
    with counted() as calls:
        response = api.http.get("/v1/clients", headers=world.headers("a1"))
    items = json.loads(response.body)["items"]
    assert len(items) == 6 and all("completion_28d" in c for c in items)
    assert len(_besides_authentication(calls)) <= 2, calls


def test_the_next_session_review(api, world, busy_client):
    """Five assignments, submissions and an open alert: one Query of the review feed, and the audit write."""
    client_id = world.resources["client_id"]
    with counted() as calls:
        response = api.http.get(f"/v1/clients/{client_id}/session-review", headers=world.headers("a1"))
    review = json.loads(response.body)
    assert response.status_code == 200 and len(review["assignments"]) == 5 and review["open_alerts"], response.body
    assert _besides_authentication(calls) == ["Query", "PutItem"], calls
