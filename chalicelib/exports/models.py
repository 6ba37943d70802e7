"""Request and response models for exports."""
from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.fields import RequestModel, ResponseModel

ExportFormat = Literal["pdf", "csv", "fhir"]
SUBMISSION_ONLY = ("Only this submission: a PDF is then that worksheet as filed; without it a PDF is the history "
                   "report (score charts, completion by week, then each submission).")


class ExportCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"client_id": "01HZX3V9Q2M4R7T8W1Y5B6C7D8",
                                                               "format": "pdf"}]})

    client_id: str = Field(min_length=1, max_length=80)
    format: ExportFormat
    assignment_id: str | None = Field(default=None, max_length=140, description="Only this assignment.")
    submission_id: str | None = Field(default=None, max_length=200, description=SUBMISSION_ONLY)


class ClientExportCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"format": "pdf"}]})

    format: ExportFormat
    assignment_id: str | None = Field(default=None, max_length=140)
    submission_id: str | None = Field(default=None, max_length=200, description=SUBMISSION_ONLY)


class ExportView(ResponseModel):
    export_id: str
    client_id: str
    format: ExportFormat
    assignment_id: str | None = None
    submission_id: str | None = None
    submissions: int
    size_bytes: int
    created_at: str
    expires_at: str
    download_url: str = Field(description="Valid for a few minutes; ask again for a fresh one.")
