"""Erasing a client is one workflow over every owner of the client's data, and a DELETE
that failed part-way is finished by repeating it: whichever step fails, the retry
reaches everything that is left (table partition, access link, S3 objects, SNS push
endpoints) and the audit trail stays."""
from __future__ import annotations

import importlib
import json

import boto3
import pytest

from tests.api.conftest import post

STEP_NAMES = ["push devices", "exports", "homework", "access link", "profile"]


@pytest.fixture
def fcm(monkeypatch, aws):
    sns = boto3.client("sns", region_name="eu-west-2")
    arn = sns.create_platform_application(Name="emotipal-fcm-erasure", Platform="GCM",
                                          Attributes={"PlatformCredential": "server-key"})["PlatformApplicationArn"]
    monkeypatch.setenv("EMOTIPAL_FCM_PLATFORM_ARN", arn)
    return sns, arn


def _everything_of(world, fcm) -> dict[str, object]:
    """What remains of a1's client, per place it can live."""
    from chalicelib.identity.links import hash_token
    from chalicelib.store import keys, table

    client_id = world.resources["client_id"]
    sns, arn = fcm
    s3 = boto3.client("s3", region_name="eu-west-2")
    return {
        "partition": [i["sk"] for i in table.query_all(keys.client_partition(client_id), consistent=True)],
        "link": table.get(keys.access_link(hash_token(world.links["a1"])).as_dict(), consistent=True) is not None,
        "s3": s3.list_objects_v2(Bucket=world.settings.exports_bucket,
                                 Prefix=keys.client_objects_prefix(client_id)).get("KeyCount", 0),
        "endpoints": len(sns.list_endpoints_by_platform_application(PlatformApplicationArn=arn)["Endpoints"]),
        "audit": [e["action"] for e in table.query_all(keys.audit_partition(client_id), consistent=True)],
    }


def _give_the_client_everything(api, world, fcm) -> None:
    device = api.http.post("/v1/client/devices", headers=world.headers(token=world.links["a1"]),
                           body=json.dumps({"platform": "fcm", "token": "fcm-token-erasure-0001"}))
    assert device.status_code == 201, device.body
    post(api, "/v1/client/exports", world.headers(token=world.links["a1"]), {"format": "csv"})
    before = _everything_of(world, fcm)
    kinds = {sk.split("#", 1)[0] for sk in before["partition"]}
    assert {"PROFILE", "STATS", "ASSIGNMENT", "ASSIGNTPL", "SUBMISSION", "ALERT", "EXPORT", "DEVICE",
            "REMINDER"} <= kinds, kinds
    assert before["link"] and before["s3"] >= 2 and before["endpoints"] == 1


def test_erasure_asks_each_owner_in_turn_with_the_profile_last():
    from chalicelib.clients import erasure

    assert [name for name, _ in erasure.steps()] == STEP_NAMES


@pytest.mark.parametrize("failing", range(len(STEP_NAMES)), ids=STEP_NAMES)
def test_a_delete_that_failed_at_any_step_is_finished_by_repeating_it(api, world, fcm, monkeypatch, failing):
    from chalicelib.clients import erasure

    _give_the_client_everything(api, world, fcm)
    name, step = erasure.steps()[failing]
    owner = importlib.import_module(step.__module__)
    calls = []

    def fails_once(client_id: str):
        calls.append(client_id)
        if len(calls) == 1:
            raise RuntimeError(f"{name} is unavailable")
        return step(client_id)

    monkeypatch.setattr(owner, step.__name__, fails_once)
    path = f"/v1/clients/{world.resources['client_id']}"

    assert api.http.delete(path, headers=world.headers("a1")).status_code == 500
    # The profile is still there, so the clinician (and a retry) still finds the client.
    assert api.http.get(path, headers=world.headers("a1")).status_code == 200
    assert api.http.delete(path, headers=world.headers("a1")).status_code == 204
    assert len(calls) == 2

    after = _everything_of(world, fcm)
    assert after["partition"] == []
    assert after["link"] is False
    assert after["s3"] == 0
    assert after["endpoints"] == 0
    assert "client.erase" in after["audit"] and "client.create" in after["audit"]
    assert api.http.get(path, headers=world.headers("a1")).status_code == 404
    assert api.http.delete(path, headers=world.headers("a1")).status_code == 404
