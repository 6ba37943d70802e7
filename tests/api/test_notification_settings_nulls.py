"""PATCH /v1/me/notifications: what the document says about null is what the API does.

`phone` and `timezone` are nullable (null clears them); `digest` is a boolean, never null.
"""
from __future__ import annotations

import json

from chalicelib.http.openapi import document


def _property(name: str) -> dict:
    return document()["components"]["schemas"]["ClinicianNotificationsUpdate"]["properties"][name]


def _nullable(schema: dict) -> bool:
    return schema.get("type") == "null" or any(s.get("type") == "null" for s in schema.get("anyOf", []))


def _patch(api, headers, body):
    return api.http.patch("/v1/me/notifications", headers=headers, body=json.dumps(body))


def test_null_clears_phone_and_timezone_as_the_document_says(api, world):
    assert _nullable(_property("phone")) and _nullable(_property("timezone"))
    headers = world.headers("a1")
    set_ = _patch(api, headers, {"phone": "+447911123456", "timezone": "Europe/London"})
    assert set_.status_code == 200, set_.body
    cleared = _patch(api, headers, {"phone": None, "timezone": None})
    assert cleared.status_code == 200, cleared.body
    stored = json.loads(api.http.get("/v1/me/notifications", headers=headers).body)
    assert stored["phone"] is None and stored["timezone"] is None


def test_the_digest_keeps_its_timezone(api, world):
    headers = world.headers("a1")
    on = _patch(api, headers, {"digest": True, "timezone": "Europe/London"})
    assert on.status_code == 200, on.body
    refused = _patch(api, headers, {"timezone": None})
    assert refused.status_code == 422, refused.body
    assert [e["field"] for e in json.loads(refused.body)["errors"]] == ["timezone"]
    assert json.loads(api.http.get("/v1/me/notifications", headers=headers).body)["timezone"] == "Europe/London"
    # Turning the digest off in the same request lets the timezone go.
    both = _patch(api, headers, {"digest": False, "timezone": None})
    assert both.status_code == 200, both.body


def test_digest_is_never_null_in_the_document_or_the_api(api, world):
    assert not _nullable(_property("digest"))
    refused = _patch(api, world.headers("a1"), {"digest": None})
    assert refused.status_code == 422, refused.body
