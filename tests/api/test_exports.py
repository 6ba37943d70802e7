"""Exports through the API: stored encrypted in S3 under the client's prefix, short-lived
links, audited, erased with the client."""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from tests.api.conftest import post


def _object(settings, export):
    s3 = boto3.client("s3", region_name="eu-west-2")
    key = urlsplit(export["download_url"]).path.split(f"/{settings.exports_bucket}/", 1)[-1].lstrip("/")
    if key.startswith(settings.exports_bucket):
        key = key[len(settings.exports_bucket) + 1:]
    return s3.get_object(Bucket=settings.exports_bucket, Key=key)


@pytest.mark.parametrize("fmt,magic", [("pdf", b"%PDF-"), ("csv", b"\xef\xbb\xbfsubmission:id"),
                                       ("fhir", b'{\n  "resourceType": "Bundle"')])
def test_clinician_exports_each_format(api, world, fmt, magic):
    export = post(api, "/v1/exports", world.headers("a1"), {"client_id": world.resources["client_id"], "format": fmt})
    assert export["submissions"] == 1 and export["format"] == fmt
    stored = _object(world.settings, export)
    assert stored["ServerSideEncryption"] == "aws:kms"
    assert stored["Body"].read().startswith(magic)
    query = parse_qs(urlsplit(export["download_url"]).query)
    assert int(query.get("X-Amz-Expires", query.get("Expires", ["0"]))[0]) <= 300 or "Expires" in query
    again = json.loads(api.http.get(f"/v1/exports/{export['export_id']}", headers=world.headers("a1")).body)
    assert again["export_id"] == export["export_id"]
    actions = [e["action"] for e in json.loads(api.http.get(
        f"/v1/clients/{world.resources['client_id']}/audit", headers=world.headers("a1")).body)["items"]]
    assert "export.create" in actions and "export.download" in actions


def test_client_downloads_own_homework_and_erasure_removes_exports(api, world):
    mine = post(api, "/v1/client/exports", world.headers(token=world.links["a1"]), {"format": "csv"})
    assert mine["client_id"] == world.resources["client_id"]
    s3 = boto3.client("s3", region_name="eu-west-2")
    prefix = f"clients/{world.resources['client_id']}/"
    assert s3.list_objects_v2(Bucket=world.settings.exports_bucket, Prefix=prefix).get("KeyCount", 0) >= 2
    assert api.http.delete(f"/v1/clients/{world.resources['client_id']}", headers=world.headers("a1")).status_code == 204
    assert s3.list_objects_v2(Bucket=world.settings.exports_bucket, Prefix=prefix).get("KeyCount", 0) == 0


def test_export_of_one_assignment_and_unknown_ones(api, world):
    only = post(api, "/v1/exports", world.headers("a1"), {"client_id": world.resources["client_id"], "format": "fhir",
                                                          "assignment_id": world.resources["assignment_id"]})
    assert only["submissions"] == 1
    missing = api.http.post("/v1/exports", headers=world.headers("a1"), body=json.dumps(
        {"client_id": world.resources["client_id"], "format": "csv",
         "assignment_id": world.clients["b1"]["client_id"] + "-01ARZ3NDEKTSV4RRFFQ69G5FAV"}))
    assert missing.status_code == 404


def test_expired_exports_are_gone(api, world, monkeypatch):
    import time

    export_id = world.resources["export_id"]
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 8 * 86400)
    assert api.http.get(f"/v1/exports/{export_id}", headers=world.headers("a1")).status_code == 404
