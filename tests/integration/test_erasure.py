"""Erasure on DynamoDB Local (real batch and condition rules), S3 and SNS on moto's
server: a DELETE that fails at any step is finished by repeating it."""
from __future__ import annotations

import importlib
import uuid

import pytest


@pytest.fixture
def env(local_env):
    return local_env


def _client_with_everything():
    from chalicelib.aws import client
    from chalicelib.clients import service
    from chalicelib.clients.models import ClientCreate
    from chalicelib.config import get_settings
    from chalicelib.identity import practices
    from chalicelib.identity.principals import Clinician, Role
    from chalicelib.store import keys, table
    from chalicelib.store import reminders as reminder_store

    practice = practices.create_practice("Erasure Practice")["practice_id"]
    sub = f"sub-{uuid.uuid4().hex[:8]}"
    practices.add_member(practice, sub, email="erase@example.com", display_name="E", role=Role.clinician)
    actor = Clinician(sub=sub, practice_id=practice, role=Role.clinician, email="erase@example.com",
                      display_name="E")
    profile = service.create(actor, ClientCreate(display_name="To Be Erased", email="tbe@example.com",
                                                 timezone="Europe/London", reminder_channels=["email"]))
    client_id = profile["client_id"]
    service.issue_link(actor, client_id, None)
    sns = client("sns")
    application = sns.create_platform_application(
        Name=f"erasure-{uuid.uuid4().hex[:8]}", Platform="GCM",
        Attributes={"PlatformCredential": "server-key"})["PlatformApplicationArn"]
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=application, Token="tok")["EndpointArn"]
    reminder_store.put_device(client_id, "hash", {"platform": "fcm", "endpoint_arn": endpoint})
    bucket = get_settings().exports_bucket
    for n in range(3):
        client("s3").put_object(Bucket=bucket, Key=keys.export_object_key(client_id, f"E{n}", "csv"), Body=b"x")
        table.put({**keys.export(client_id, f"E{n}").as_dict(), "format": "csv"})
    return actor, client_id, application


def _remaining(client_id: str, application: str) -> dict:
    from chalicelib.aws import client
    from chalicelib.config import get_settings
    from chalicelib.store import keys, table

    return {
        "partition": [i["sk"] for i in table.query_all(keys.client_partition(client_id), consistent=True)],
        "s3": client("s3").list_objects_v2(Bucket=get_settings().exports_bucket,
                                           Prefix=keys.client_objects_prefix(client_id)).get("KeyCount", 0),
        "endpoints": len(client("sns").list_endpoints_by_platform_application(
            PlatformApplicationArn=application)["Endpoints"]),
    }


@pytest.mark.parametrize("failing", range(5))
def test_erasure_resumes_after_a_failure_at_any_step(env, monkeypatch, failing):
    from chalicelib.clients import erasure
    from chalicelib.errors import NotFound
    from chalicelib.store import keys, table

    actor, client_id, application = _client_with_everything()
    link_hash = table.get(keys.client_profile(client_id).as_dict(), consistent=True)["link_hash"]
    before = _remaining(client_id, application)
    assert {"PROFILE", "DEVICE#hash", "EXPORT#E0"} <= set(before["partition"])
    assert before["s3"] == 3 and before["endpoints"] == 1

    name, step = erasure.steps()[failing]
    failed = []

    def fails_once(client_id: str):
        if not failed:
            failed.append(name)
            raise RuntimeError(f"{name} failed")
        return step(client_id)

    monkeypatch.setattr(importlib.import_module(step.__module__), step.__name__, fails_once)
    with pytest.raises(RuntimeError):
        erasure.erase(actor, client_id)
    erasure.erase(actor, client_id)  # the profile was still there, so the retry finds the client

    assert _remaining(client_id, application) == {"partition": [], "s3": 0, "endpoints": 0}
    assert table.get(keys.access_link(link_hash).as_dict(), consistent=True) is None
    with pytest.raises(NotFound):
        erasure.erase(actor, client_id)
