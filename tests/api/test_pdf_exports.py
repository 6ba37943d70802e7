"""PDF exports through the API: a submission's worksheet or the client's history, read
back from S3 as a reader sees them."""
from __future__ import annotations

import io
import json
import re
from urllib.parse import urlsplit

import boto3
from pypdf import PdfReader

from tests.api.conftest import post


def _text(settings, export) -> str:
    s3 = boto3.client("s3", region_name="eu-west-2")
    key = urlsplit(export["download_url"]).path.split(f"/{settings.exports_bucket}/", 1)[-1].lstrip("/")
    if key.startswith(settings.exports_bucket):
        key = key[len(settings.exports_bucket) + 1:]
    body = s3.get_object(Bucket=settings.exports_bucket, Key=key)["Body"].read()
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages))


def test_a_submission_exports_as_its_worksheet(api, world):
    client_id, submission_id = world.resources["client_id"], world.resources["submission_id"]
    export = post(api, "/v1/exports", world.headers("a1"), {"client_id": client_id, "format": "pdf",
                                                            "submission_id": submission_id})
    assert export["submissions"] == 1 and export["submission_id"] == submission_id
    text = _text(world.settings, export)
    assert "PHQ-9: Patient Health Questionnaire (version" in text
    assert "Several days" in text and "several_days" not in text     # the wording, not the code
    assert "Total 9 of 27" in text and "Homework history" not in text
    assert "Confidential: clinical record" in text and "Page 1 of" in text


def test_without_a_submission_the_pdf_is_the_history(api, world):
    export = post(api, "/v1/exports", world.headers("a1"), {"client_id": world.resources["client_id"],
                                                            "format": "pdf"})
    text = _text(world.settings, export)
    assert "Homework history" in text and "Scores over time" in text and "Homework by week" in text
    assert export["submission_id"] is None


def test_the_client_exports_their_own_worksheet(api, world):
    mine = post(api, "/v1/client/exports", world.headers(token=world.links["a1"]),
                {"format": "pdf", "submission_id": world.resources["submission_id"]})
    assert mine["submissions"] == 1
    assert "Several days" in _text(world.settings, mine)


def test_a_submission_of_no_one_or_of_another_client_is_not_found(api, world):
    client_id = world.resources["client_id"]
    for submission_id in (world.resources["assignment_id"] + "-01ARZ3NDEKTSV4RRFFQ69G5FAV",
                          world.clients["b1"]["client_id"] + "-01ARZ3NDEKTSV4RRFFQ69G5FAV-01ARZ3NDEKTSV4RRFFQ69G5FAV",
                          "not-an-id"):
        response = api.http.post("/v1/exports", headers=world.headers("a1"), body=json.dumps(
            {"client_id": client_id, "format": "pdf", "submission_id": submission_id}))
        assert response.status_code == 404, (submission_id, response.body)
        assert response.headers["Content-Type"].startswith("application/problem+json")
