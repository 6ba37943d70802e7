"""Make an export: gather, render, store in S3 (SSE-KMS), and hand out short-lived links."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, UTC
from typing import Any

from chalicelib.clients import service as clients
from chalicelib.config import get_settings
from chalicelib.errors import NotFound
from chalicelib.exports.content import ExportContent
from chalicelib.exports.models import ExportView
from chalicelib.fields import iso, new_id, utc_now
from chalicelib.homework.templates import Template
from chalicelib.identity.principals import ClientPrincipal, Clinician
from chalicelib.store import keys, practices, table

EXPORT_LIFETIME = timedelta(days=7)   # the bucket's lifecycle rule deletes the file too
LINK_SECONDS = 300
FORMATS = {"pdf": ("application/pdf", "pdf"), "csv": ("text/csv; charset=utf-8", "csv"),
           "fhir": ("application/fhir+json", "json")}


def _renderer(fmt: str):
    if fmt == "pdf":
        from chalicelib.exports import pdf

        return pdf.render
    if fmt == "csv":
        from chalicelib.exports import csv_export

        return csv_export.render
    from chalicelib.exports import fhir

    return fhir.render


def gather(profile: dict[str, Any], assignment_id: str | None, submission_id: str | None = None) -> ExportContent:
    """Everything one export shows: all of the client's homework, one assignment's, or
    one submission's (then the PDF is that worksheet as filed)."""
    client_id = profile["client_id"]
    if submission_id:
        parent = keys.split_child_id(submission_id)
        if parent is None or (assignment_id and parent[0] != assignment_id):
            raise NotFound("No such submission.")
        assignment_id = parent[0]
    partition = keys.client_partition(client_id)
    wanted_parts = keys.split_child_id(assignment_id) if assignment_id else None
    wanted_ulid = wanted_parts[1] if wanted_parts else None
    if assignment_id and (wanted_ulid is None or not assignment_id.startswith(client_id)):
        raise NotFound("No such assignment.")
    assignments = {a["assignment_id"]: a for a in table.query_all(partition, sk_prefix=keys.ASSIGNMENT_PREFIX)
                   if not keys.is_draft(a)}
    if assignment_id and assignment_id not in assignments:
        raise NotFound("No such assignment.")
    templates = {}
    for snapshot in table.query_all(partition, sk_prefix=keys.ASSIGNMENT_TEMPLATE_PREFIX):
        ulid = keys.assignment_ulid_of_template(snapshot)
        templates[keys.child_id(client_id, ulid)] = Template.model_validate(snapshot["template"])
    prefix = keys.submissions_of_assignment_prefix(wanted_ulid) if wanted_ulid else keys.SUBMISSION_PREFIX
    submissions = sorted(table.query_all(partition, sk_prefix=prefix), key=lambda s: s["submitted_at"])
    every = submissions
    if submission_id:
        submissions = [s for s in submissions if s["submission_id"] == submission_id]
        if not submissions:
            raise NotFound("No such submission.")
    practice = practices.get_practice(profile["practice_id"]) if profile.get("practice_id") else None
    # Notes for the next session belong to no assignment: only a whole-history export has them.
    notes = [] if assignment_id else sorted(table.query_all(partition, sk_prefix=keys.NOTE_PREFIX),
                                            key=lambda n: n["created_at"])
    return ExportContent(client=profile, assignments=assignments, templates=templates, submissions=submissions,
                         practice=practice or {}, submission_id=submission_id, session_notes=notes,
                         assignment_submissions=every)


def _download_url(record: dict[str, Any]) -> str:
    from chalicelib.aws import client

    return client("s3").generate_presigned_url("get_object", Params={
        "Bucket": get_settings().exports_bucket, "Key": record["s3_key"]}, ExpiresIn=LINK_SECONDS)


def _view(record: dict[str, Any]) -> ExportView:
    return ExportView(**{k: record.get(k) for k in ("export_id", "client_id", "format", "assignment_id",
                                                     "submission_id", "submissions", "size_bytes", "created_at")},
                      expires_at=iso(datetime.fromtimestamp(record["expires_at"], UTC)),
                      download_url=_download_url(record))


def _make(profile: dict[str, Any], fmt: str, assignment_id: str | None, created_by: str,
          submission_id: str | None = None) -> ExportView:
    from chalicelib.aws import client

    content = gather(profile, assignment_id, submission_id)
    body = _renderer(fmt)(content)
    content_type, extension = FORMATS[fmt]
    client_id = profile["client_id"]
    ulid = new_id()
    s3_key = keys.export_object_key(client_id, ulid, extension)
    client("s3").put_object(Bucket=get_settings().exports_bucket, Key=s3_key, Body=body, ContentType=content_type,
                            ServerSideEncryption="aws:kms",
                            ContentDisposition=f'attachment; filename="emotipal-{ulid}.{extension}"')
    now = utc_now()
    record = {**keys.export(client_id, ulid).as_dict(), "export_id": keys.child_id(client_id, ulid),
              "client_id": client_id, "format": fmt, "assignment_id": assignment_id, "submission_id": submission_id,
              "submissions": len(content.submissions), "size_bytes": len(body), "s3_key": s3_key,
              "created_at": iso(now), "created_by": created_by,
              "expires_at": int((now + EXPORT_LIFETIME).timestamp())}
    table.put(record)
    return _view(record)


def create(actor: Clinician, client_id: str, fmt: str, assignment_id: str | None,
           submission_id: str | None = None) -> ExportView:
    profile = clients.get_for_clinician(actor, client_id)
    return _make(profile, fmt, assignment_id, actor.sub, submission_id)


def create_for_client(principal: ClientPrincipal, fmt: str, assignment_id: str | None,
                      submission_id: str | None = None) -> ExportView:
    profile = clients.get_for_client(principal)
    return _make(profile, fmt, assignment_id, "client", submission_id)


def get(actor: Clinician, export_id: str) -> ExportView:
    parts = keys.split_child_id(export_id)
    if parts is None:
        raise NotFound("No such export.")
    client_id, ulid = parts
    clients.get_for_clinician(actor, client_id)
    record = table.get(keys.export(client_id, ulid).as_dict())
    # TTL deletion is lazy: an expired export is gone even if its item is still there.
    if record is None or record["expires_at"] <= time.time():
        raise NotFound("No such export (exports are kept for 7 days).")
    return _view(record)


def erase_client(client_id: str) -> None:
    """Erasure's step for exports: every S3 object under the client's prefix, then the
    export records (deleting what is already gone is not an error, so it can be repeated)."""
    from chalicelib.aws import client

    s3 = client("s3")
    bucket = get_settings().exports_bucket
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=keys.client_objects_prefix(client_id))
    for page in pages:
        objects = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if objects and s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True}).get("Errors"):
            raise RuntimeError("S3 did not delete every export of the client; erase again")
    records = table.query_all(keys.client_partition(client_id), sk_prefix=keys.EXPORT_PREFIX, consistent=True)
    table.batch_write(deletes=[{"pk": r["pk"], "sk": r["sk"]} for r in records])
