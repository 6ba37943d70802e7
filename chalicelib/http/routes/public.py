"""Unauthenticated routes: health and the OpenAPI document."""
from __future__ import annotations

from chalicelib.fields import ResponseModel

from chalicelib.http.framework import Call, Router

router = Router("public")


class Health(ResponseModel):
    status: str
    stage: str


@router.route("/v1/health", "GET", auth="public", summary="Liveness check", response=Health, tags=("meta",))
def health(call: Call) -> Health:
    from chalicelib.config import get_settings

    return Health(status="ok", stage=get_settings().stage)


@router.route("/v1/openapi.json", "GET", auth="public", summary="This API's OpenAPI 3.1 document", tags=("meta",))
def openapi(call: Call) -> dict:
    from chalicelib.http.openapi import document

    return document()
