"""The end of treatment: a clinician discharges a client (homework ends, reminders stop, the
access link and its sessions stop working, the record stays readable and exportable, the
caseload moves the client to "discharged"), the client can be re-opened before the
practice's retention period ends, and once it has ended the sweep erases the client and
keeps only the audit trail."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import time_machine

from tests.api.conftest import mint, post


def _discharge(api, world, who="a1", body: dict | None = None, client_id: str | None = None):
    client_id = client_id or world.resources["client_id"]
    return api.http.post(f"/v1/clients/{client_id}/discharge", headers=world.headers(who),
                         body=json.dumps({} if body is None else body))


def _reopen(api, world, who="a1", client_id: str | None = None):
    client_id = client_id or world.resources["client_id"]
    return api.http.post(f"/v1/clients/{client_id}/reopen", headers=world.headers(who), body="{}")


def _ids(api, world, who="a1", query="") -> list[str]:
    response = api.http.get(f"/v1/clients{query}", headers=world.headers(who))
    assert response.status_code == 200, response.body
    return [c["client_id"] for c in json.loads(response.body)["items"]]


def _pending_reminders(client_id: str) -> list[dict]:
    from chalicelib.store import keys, table

    return [i for i in table.query_all(keys.client_partition(client_id), sk_prefix=keys.REMINDER_PREFIX,
                                       consistent=True) if i.get("gsi3pk")]


def _session_token(api, world) -> str:
    """A device session on the client's link, as a reminder's sign-in link opens one."""
    from chalicelib.notifications.signin_links import signin_url
    from chalicelib.store import clients as client_store

    signin = signin_url(client_store.get(world.resources["client_id"], consistent=True)).split("#signin=")[1]
    return post(api, "/v1/client/session", {"Content-Type": "application/json"},
                {"signin_token": signin, "shared_device": False})["session_token"]


def test_discharge_ends_homework_reminders_link_and_sessions_and_moves_the_client(api, world):
    client_id = world.resources["client_id"]
    session = _session_token(api, world)
    assert api.http.get("/v1/client/me", headers=world.headers(token=session)).status_code == 200
    assert _pending_reminders(client_id), "the daily PHQ-9 has a reminder waiting before the discharge"

    response = _discharge(api, world, body={"note": "Goals met; ending by agreement."})
    assert response.status_code == 200, response.body
    view = json.loads(response.body)
    assert view["status"] == "discharged" and view["discharged_by"] == world.sub("a1")
    assert view["discharge_note"] == "Goals met; ending by agreement."
    assert view["access_link"]["active"] is False
    discharged_at = datetime.fromisoformat(view["discharged_at"])
    assert datetime.fromisoformat(view["erase_after"]).date() == discharged_at.date().replace(
        year=discharged_at.year + 7)

    # Reminders stop: nothing of the client is left in the due-index.
    assert _pending_reminders(client_id) == []
    assignment = json.loads(api.http.get(f"/v1/assignments/{world.resources['assignment_id']}",
                                         headers=world.headers("a1")).body)
    assert assignment["status"] == "cancelled"
    assert assignment["status_history"][-1]["reason"] == "discharged"
    # The link and every session on it answer like a revoked link.
    for token in (world.links["a1"], session):
        for path in ("/v1/client/me", "/v1/client/assignments"):
            assert api.http.get(path, headers=world.headers(token=token)).status_code == 401
    # The caseload moves the client; the record stays readable and exportable.
    assert client_id not in _ids(api, world)
    assert client_id in _ids(api, world, query="?status=discharged")
    assert client_id in _ids(api, world, "owner_a", query="?status=discharged")
    assert client_id not in _ids(api, world, "owner_a", query="?status=active")
    shown = json.loads(api.http.get(f"/v1/clients/{client_id}", headers=world.headers("a1")).body)
    assert shown["status"] == "discharged" and shown["discharged_at"] == view["discharged_at"]
    for fmt in ("csv", "fhir", "pdf"):
        export = post(api, "/v1/exports", world.headers("a1"), {"client_id": client_id, "format": fmt})
        assert export["export_id"]
    submissions = api.http.get(f"/v1/assignments/{world.resources['assignment_id']}/submissions",
                               headers=world.headers("a1"))
    assert submissions.status_code == 200 and json.loads(submissions.body)["items"]
    # No new homework or link while discharged, and discharging again changes nothing.
    assert api.http.post(f"/v1/clients/{client_id}/assignments", headers=world.headers("a1"), body=json.dumps(
        {"template_id": "phq-9", "recurrence": {"frequency": "daily"}})).status_code == 409
    assert api.http.post(f"/v1/clients/{client_id}/access-link", headers=world.headers("a1"),
                         body="{}").status_code == 409
    again = _discharge(api, world)
    assert again.status_code == 200 and json.loads(again.body)["discharged_at"] == view["discharged_at"]
    audit = [e["action"] for e in json.loads(api.http.get(f"/v1/clients/{client_id}/audit",
                                                          headers=world.headers("a1")).body)["items"]]
    assert "client.discharge" in audit


def test_reopen_puts_the_client_back_without_resuming_anything(api, world):
    client_id = world.resources["client_id"]
    assert _discharge(api, world).status_code == 200
    response = _reopen(api, world, "owner_a")
    assert response.status_code == 200, response.body
    view = json.loads(response.body)
    assert view["status"] == "active" and view["discharged_at"] is None and view["erase_after"] is None
    assert client_id in _ids(api, world) and client_id not in _ids(api, world, query="?status=discharged")
    assert _pending_reminders(client_id) == [], "homework does not resume by itself"
    assert api.http.get("/v1/client/me", headers=world.headers(token=world.links["a1"])).status_code == 401
    assert _retention_entries(client_id) == [], "re-opening takes the client out of the retention index"
    assert _reopen(api, world).status_code == 409, "not discharged any more"
    link = api.http.post(f"/v1/clients/{client_id}/access-link", headers=world.headers("a1"), body="{}")
    assert link.status_code == 201
    token = json.loads(link.body)["url"].split("#token=")[1]
    assert api.http.get("/v1/client/me", headers=world.headers(token=token)).status_code == 200


@pytest.mark.parametrize("who", ["a2", "b1", "owner_b"])
def test_only_the_clients_clinician_or_the_practices_managers_may_discharge_or_reopen(api, world, who):
    assert _discharge(api, world, who).status_code == 404
    assert _discharge(api, world, "a1").status_code == 200
    assert _reopen(api, world, who).status_code == 404
    assert json.loads(api.http.get(f"/v1/clients/{world.resources['client_id']}",
                                   headers=world.headers("a1")).body)["status"] == "discharged"


def test_missing_expired_or_client_credentials_are_refused(api, world):
    client_id = world.resources["client_id"]
    path = f"/v1/clients/{client_id}/discharge"
    expired = mint(world.settings, world.sub("a1"), expires_in=-60)
    for headers in ({"Content-Type": "application/json"}, world.headers(token=expired),
                    world.headers(token=world.links["a1"])):
        assert api.http.post(path, headers=headers, body="{}").status_code == 401
        assert api.http.post(f"/v1/clients/{client_id}/reopen", headers=headers, body="{}").status_code == 401


@pytest.mark.parametrize("body, field", [('{"note": 5}', "note"), ('{"note": "' + "x" * 2001 + '"}', "note"),
                                         ('{"reason": "x"}', "reason"), ("[]", "body")])
def test_a_malformed_discharge_is_a_clear_422(api, world, body, field):
    response = api.http.post(f"/v1/clients/{world.resources['client_id']}/discharge", headers=world.headers("a1"),
                             body=body)
    assert response.status_code == 422, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in json.loads(response.body)["errors"]}
    assert _ids(api, world, query="?status=discharged") == []


def test_an_unknown_status_filter_is_a_422(api, world):
    response = api.http.get("/v1/clients?status=archived", headers=world.headers("a1"))
    assert response.status_code == 422, response.body


# -- retention ---------------------------------------------------------------------------------

def _patch_practice(api, world, who, body):
    return api.http.patch("/v1/practice", headers=world.headers(who), body=json.dumps(body))


def test_the_owner_sets_retention_and_a_short_period_must_be_confirmed(api, world):
    shown = json.loads(api.http.get("/v1/practice", headers=world.headers("a1")).body)
    assert shown["retention_years"] == 7 and shown["retention_basis"] is None

    refused = _patch_practice(api, world, "owner_a", {"retention_years": 3})
    assert refused.status_code == 422, refused.body
    assert [e["type"] for e in json.loads(refused.body)["errors"]] == ["short_retention_unconfirmed"]
    assert _patch_practice(api, world, "a1", {"retention_years": 10}).status_code == 403
    for bad in ({"retention_years": 0}, {"retention_years": "7"}, {"retention_basis": ""},
                {"confirm_short_retention": "yes"}):
        assert _patch_practice(api, world, "owner_a", bad).status_code == 422, bad

    ok = _patch_practice(api, world, "owner_a", {"retention_years": 3, "confirm_short_retention": True,
                                                 "retention_basis": "Local guidance for adult records"})
    assert ok.status_code == 200, ok.body
    body = json.loads(ok.body)
    assert body["retention_years"] == 3 and body["retention_basis"] == "Local guidance for adult records"
    assert "confirm_short_retention" not in body
    assert _patch_practice(api, world, "owner_a", {"retention_years": 8}).status_code == 200


def _retention_entries(client_id: str) -> list[dict]:
    from chalicelib.store import clients as client_store

    return [p for page in client_store.due_for_erasure("9999-12-31T00:00:00+00:00") for p in page
            if p["client_id"] == client_id]


def _everything_but_audit(world, client_id: str, names: tuple[str, ...]) -> list[str]:
    """Every item anywhere in the table (and S3 object) that names the client or holds their
    details, outside the client's audit partition."""
    from chalicelib.store import keys

    ddb = boto3.client("dynamodb", region_name="eu-west-2")
    found: list[str] = []
    for page in ddb.get_paginator("scan").paginate(TableName=world.table, ConsistentRead=True):
        for item in page["Items"]:
            if item["pk"]["S"] == keys.audit_partition(client_id):
                continue
            text = json.dumps(item)
            if client_id in text or any(name in text for name in names):
                found.append(f'{item["pk"]["S"]} / {item["sk"]["S"]}')
    s3 = boto3.client("s3", region_name="eu-west-2")
    listed = s3.list_objects_v2(Bucket=world.settings.exports_bucket, Prefix=keys.client_objects_prefix(client_id))
    found += [o["Key"] for o in listed.get("Contents", [])]
    return found


def _sweep(at: datetime, remaining_millis=None) -> dict:
    """The scheduled sweep, as the schedule runs it."""
    from app import reminder_sweep

    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return remaining_millis() if remaining_millis else 600_000

    event = {"version": "0", "id": "test", "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "000000000000", "time": at.isoformat(), "region": "eu-west-2", "resources": [],
             "detail": {}}
    with time_machine.travel(at, tick=False):
        return reminder_sweep(event, Context())


def test_after_the_retention_period_the_sweep_leaves_only_the_audit_tombstone(api, world):
    from chalicelib.store import keys, table

    client_id = world.resources["client_id"]
    victim = world.clients["a1"]
    post(api, "/v1/exports", world.headers("a1"), {"client_id": client_id, "format": "pdf"})
    assert _discharge(api, world, body={"note": "Moved away"}).status_code == 200
    erase_after = datetime.fromisoformat(json.loads(api.http.get(
        f"/v1/clients/{client_id}", headers=world.headers("a1")).body)["erase_after"])
    names = (victim["display_name"], victim["email"], victim["phone"], "Moved away")
    assert _everything_but_audit(world, client_id, names), "the record is kept while the period runs"

    # A day before the end: nothing happens.
    report = _sweep(erase_after - timedelta(days=1))
    assert report["erased_after_retention"] == 0
    assert table.get(keys.client_profile(client_id).as_dict(), consistent=True) is not None

    # Past the end: erased through the erasure workflow, once.
    report = _sweep(erase_after + timedelta(minutes=5))
    assert report["erased_after_retention"] == 1
    assert _everything_but_audit(world, client_id, names) == []
    audit = table.query_all(keys.audit_partition(client_id), consistent=True)
    tombstone = [e for e in audit if e["action"] == "client.erased_after_retention"]
    assert len(tombstone) == 1
    assert tombstone[0]["actor_sub"] == "system" and tombstone[0].get("detail") is None
    for event in audit:  # the audit trail holds ids and verbs, nothing of the client's own
        assert not any(name in json.dumps(event, default=str) for name in names)
    assert _sweep(erase_after + timedelta(minutes=10))["erased_after_retention"] == 0  # repeats safely
    with time_machine.travel(erase_after + timedelta(minutes=11), tick=False):
        owner = world.headers(token=mint(world.settings, world.sub("owner_a")))
        assert api.http.get(f"/v1/clients/{client_id}", headers=owner).status_code == 404
        trail = json.loads(api.http.get(f"/v1/clients/{client_id}/audit", headers=owner).body)["items"]
        assert trail[0]["action"] == "client.erased_after_retention"


def test_reopen_is_refused_once_the_period_has_ended_and_a_longer_period_postpones_erasure(api, world):
    client_id = world.resources["client_id"]
    assert _discharge(api, world).status_code == 200
    erase_after = datetime.fromisoformat(_retention_entries(client_id)[0]["erase_after"])
    with time_machine.travel(erase_after + timedelta(seconds=1), tick=False):
        owner = world.headers(token=mint(world.settings, world.sub("owner_a")))
        refused = api.http.post(f"/v1/clients/{client_id}/reopen", headers=owner, body="{}")
        assert refused.status_code == 409, refused.body
    # The owner lengthens the period before the sweep gets there: the later end wins.
    assert _patch_practice(api, world, "owner_a", {"retention_years": 10}).status_code == 200
    assert _sweep(erase_after + timedelta(minutes=5))["erased_after_retention"] == 0
    [entry] = _retention_entries(client_id)
    assert datetime.fromisoformat(entry["erase_after"]).year == erase_after.year + 3


def test_the_erasure_pass_stops_when_time_runs_low_and_the_next_run_finishes(api, world):
    from chalicelib.clients import discharge

    client_id = world.resources["client_id"]
    assert _discharge(api, world).status_code == 200
    erase_after = datetime.fromisoformat(_retention_entries(client_id)[0]["erase_after"])
    later = erase_after + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        assert discharge.erase_due(remaining_millis=lambda: discharge.RESERVE_MILLIS - 1) == 0
        assert _retention_entries(client_id), "left for the next run"
        assert discharge.erase_due() == 1
        assert _retention_entries(client_id) == []


def test_a_client_discharged_on_29_february_is_kept_to_28_february():
    from chalicelib.clients.retention import erase_after

    assert erase_after(datetime(2028, 2, 29, 9, 0, tzinfo=UTC), 7) == datetime(2035, 2, 28, 9, 0, tzinfo=UTC)
    assert erase_after(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), 7) == datetime(2033, 3, 1, 9, 0, tzinfo=UTC)
