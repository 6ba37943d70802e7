"""Exported worksheets for clinicians (any client of theirs) and clients (their own)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import deadline
from chalicelib.http.framework import Call, Router, model_refs

if TYPE_CHECKING:
    from chalicelib.exports.models import ClientExportCreate, ExportCreate, ExportView
else:  # named, not imported: a model loads with the first request that needs it (cold start)
    (ClientExportCreate, ExportCreate, ExportView) = model_refs(
        "chalicelib.exports.models", "ClientExportCreate", "ExportCreate", "ExportView")

router = Router("exports")


@router.route("/v1/exports", "POST", auth="clinician", body=ExportCreate, response=ExportView, status=201,
              summary="Export a client's homework as PDF, CSV or FHIR R4", tags=("exports",),
              deadline_seconds=deadline.LONG_WORK_SECONDS)  # renders a PDF
def create_export(call: Call) -> ExportView:
    from chalicelib.identity import audit

    from chalicelib.exports import service

    made = service.create(call.principal, call.body.client_id, call.body.format, call.body.assignment_id,
                          call.body.submission_id)
    audit.record(call.principal, "export.create", [made.client_id], detail=made.export_id,
                 request_id=call.request_id)
    return made


@router.route("/v1/exports/{export_id}", "GET", auth="clinician", response=ExportView,
              summary="An export with a fresh short-lived download link", tags=("exports",))
def get_export(call: Call) -> ExportView:
    from chalicelib.identity import audit

    from chalicelib.exports import service

    found = service.get(call.principal, call.params["export_id"])
    audit.record(call.principal, "export.download", [found.client_id], detail=found.export_id,
                 request_id=call.request_id)
    return found


@router.route("/v1/client/exports", "POST", auth="client", body=ClientExportCreate, response=ExportView, status=201,
              summary="Download your own homework (PDF, CSV or FHIR R4)", tags=("client",),
              deadline_seconds=deadline.LONG_WORK_SECONDS)  # renders a PDF
def create_client_export(call: Call) -> ExportView:
    from chalicelib.exports import service

    return service.create_for_client(call.principal, call.body.format, call.body.assignment_id,
                                     call.body.submission_id)
