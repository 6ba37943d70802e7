"""Push devices: registration through SNS platform endpoints, and erasure removing them."""
from __future__ import annotations

import json

import boto3
import pytest


@pytest.fixture
def fcm(monkeypatch, aws):
    sns = boto3.client("sns", region_name="eu-west-2")
    arn = sns.create_platform_application(Name="emotipal-fcm", Platform="GCM",
                                          Attributes={"PlatformCredential": "server-key"})["PlatformApplicationArn"]
    monkeypatch.setenv("EMOTIPAL_FCM_PLATFORM_ARN", arn)
    return sns, arn


def _register(api, world, token: str, platform: str = "fcm"):
    return api.http.post("/v1/client/devices", headers=world.headers(token=world.links["a1"]),
                         body=json.dumps({"platform": platform, "token": token}))


def test_a_device_registers_once_per_token_and_erasure_deletes_its_endpoint(api, world, fcm):
    sns, arn = fcm
    first = _register(api, world, "fcm-token-0123456789")
    assert first.status_code == 201, first.body
    assert _register(api, world, "fcm-token-0123456789").status_code == 201
    endpoints = sns.list_endpoints_by_platform_application(PlatformApplicationArn=arn)["Endpoints"]
    assert [e["Attributes"]["Token"] for e in endpoints] == ["fcm-token-0123456789"]

    assert api.http.delete(f"/v1/clients/{world.resources['client_id']}", headers=world.headers("a1")).status_code == 204
    assert sns.list_endpoints_by_platform_application(PlatformApplicationArn=arn)["Endpoints"] == []


def test_a_platform_that_is_not_set_up_is_a_field_error(api, world, fcm):
    response = _register(api, world, "apns-token-0123456789", platform="apns")
    assert response.status_code == 422
    assert json.loads(response.body)["errors"][0]["field"] == "platform"
