"""Clinicians' routes for clients, their access links and audit trail."""
from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.fields import ResponseModel

from chalicelib import deadline
from chalicelib.http.common import ListQuery, page_token_errors
from chalicelib.http.framework import Call, Router, model_refs

if TYPE_CHECKING:
    from chalicelib.clients.models import (AccessLinkCreate, AccessLinkIssued, AccessLinkRenewed, ClientCreate,
                                           ClientList, ClientUpdate, ClientView, DischargeBody)
else:  # named, not imported: a model loads with the first request that needs it (cold start)
    (AccessLinkCreate, AccessLinkIssued, AccessLinkRenewed, ClientCreate, ClientList, ClientUpdate,
     ClientView, DischargeBody) = model_refs("chalicelib.clients.models", "AccessLinkCreate", "AccessLinkIssued",
                                             "AccessLinkRenewed", "ClientCreate", "ClientList", "ClientUpdate",
                                             "ClientView", "DischargeBody")

router = Router("clients")
TAGS = ("clients",)


class AuditEvent(ResponseModel):
    event_id: str
    at: str
    actor_sub: str
    actor_role: str
    action: str
    detail: str | None = None
    request_id: str | None = None


class AuditList(ResponseModel):
    items: list[AuditEvent]
    next_token: str | None = None


def _audit(call: Call, action: str, *client_ids: str) -> None:
    from chalicelib.identity import audit

    audit.record(call.principal, action, client_ids, request_id=call.request_id)


class CaseloadQuery(ListQuery):
    sort: Literal["outcome"] | None = Field(
        default=None, description="`outcome`: most in need of attention first (reliable deterioration, then no "
                                  "reliable change after the practice's non_response_after, ...).")
    status: Literal["active", "discharged"] = Field(
        default="active", description="`active` (the default): the caseload; `discharged`: clients whose treatment "
                                      "ended, kept until the practice's retention period ends.")


@router.route("/v1/clients", "GET", auth="clinician", query=CaseloadQuery, response=ClientList,
              summary="Your caseload (owners and admins: the whole practice); `?sort=outcome` puts "
              "deteriorating clients first", tags=TAGS)
def list_clients(call: Call) -> ClientList:
    from chalicelib.clients import service
    from chalicelib.clients.models import ClientList

    discharged = call.query.status == "discharged"
    with page_token_errors():
        if call.query.sort == "outcome":
            page, after = service.list_by_outcome(call.principal, limit=call.query.limit,
                                                  next_token=call.query.next_token, discharged=discharged)
        else:
            page = service.list_for_clinician(call.principal, limit=call.query.limit,
                                              next_token=call.query.next_token, discharged=discharged)
            after = service.non_response_after_for(call.principal, page.items)
    if page.items:
        _audit(call, "client.list", *(p["client_id"] for p in page.items))
    return ClientList(items=[service.view(p, p["stats"], non_response_after=after) for p in page.items],
                      next_token=page.next_token)


@router.route("/v1/clients", "POST", auth="clinician", body=ClientCreate, response=ClientView, status=201,
              summary="Add a client", tags=TAGS)
def create_client(call: Call) -> ClientView:
    from chalicelib.clients import service

    profile = service.create(call.principal, call.body)
    _audit(call, "client.create", profile["client_id"])
    return service.view(profile)


@router.route("/v1/clients/{client_id}", "GET", auth="clinician", response=ClientView,
              summary="One client", tags=TAGS)
def get_client(call: Call) -> ClientView:
    from chalicelib.clients import service

    profile = service.get_for_clinician(call.principal, call.params["client_id"])
    _audit(call, "client.read", profile["client_id"])
    stats = service.stats_of(profile["client_id"])
    return service.view(profile, stats,
                        non_response_after=service.non_response_after_for(call.principal, [{"stats": stats}]))


@router.route("/v1/clients/{client_id}", "PATCH", auth="clinician", body=ClientUpdate, response=ClientView,
              summary="Change a client's details or preferences", tags=TAGS)
def update_client(call: Call) -> ClientView:
    from chalicelib.clients import service

    profile = service.update(call.principal, call.params["client_id"], call.body)
    _audit(call, "client.update", profile["client_id"])
    return service.view(profile)


@router.route("/v1/clients/{client_id}", "DELETE", auth="clinician", status=204,
              summary="Erase a client and all of their data", tags=TAGS,
              deadline_seconds=deadline.LONG_WORK_SECONDS)  # many writes; a retry resumes it
def delete_client(call: Call) -> None:
    from chalicelib.clients import erasure

    erasure.erase(call.principal, call.params["client_id"])
    _audit(call, "client.erase", call.params["client_id"])


@router.route("/v1/clients/{client_id}/discharge", "POST", auth="clinician", body=DischargeBody, response=ClientView,
              summary="Discharge a client: their homework ends, reminders stop, the access link is revoked; the "
              "record stays readable and exportable until the practice's retention period ends", tags=TAGS,
              deadline_seconds=deadline.LONG_WORK_SECONDS)  # one write per active assignment
def discharge_client(call: Call) -> ClientView:
    from chalicelib.clients import discharge, service

    profile = discharge.discharge(call.principal, call.params["client_id"], call.body.note)
    _audit(call, "client.discharge", profile["client_id"])
    return service.view(profile)


@router.route("/v1/clients/{client_id}/reopen", "POST", auth="clinician", response=ClientView,
              summary="Re-open a discharged client before their retention period ends (no homework resumes and "
              "no link is issued by itself)", tags=TAGS)
def reopen_client(call: Call) -> ClientView:
    from chalicelib.clients import discharge, service

    profile = discharge.reopen(call.principal, call.params["client_id"])
    _audit(call, "client.reopen", profile["client_id"])
    return service.view(profile)


@router.route("/v1/clients/{client_id}/access-link", "POST", auth="clinician", body=AccessLinkCreate,
              response=AccessLinkIssued, status=201,
              summary="Issue a new access link (the previous one stops working)", tags=TAGS)
def create_access_link(call: Call) -> AccessLinkIssued:
    from chalicelib.clients import service

    issued = service.issue_link(call.principal, call.params["client_id"], call.body.ttl_days, call.body.send_via)
    _audit(call, "link.issue", call.params["client_id"])
    if issued.sent_via:
        _audit(call, f"link.send.{issued.sent_via}", call.params["client_id"])
    return issued


@router.route("/v1/clients/{client_id}/access-link/renew", "POST", auth="clinician", response=AccessLinkRenewed,
              summary="Extend the client's current link (same link) by the practice's link length, within the "
              "practice's maximum", tags=TAGS)
def renew_access_link(call: Call) -> AccessLinkRenewed:
    from chalicelib.clients import service

    renewed = service.renew_link(call.principal, call.params["client_id"])
    _audit(call, "link.renew", call.params["client_id"])
    return renewed


@router.route("/v1/clients/{client_id}/access-link", "DELETE", auth="clinician", status=204,
              summary="Revoke the client's access link", tags=TAGS)
def revoke_access_link(call: Call) -> None:
    from chalicelib.clients import service

    service.revoke_link(call.principal, call.params["client_id"])
    _audit(call, "link.revoke", call.params["client_id"])


@router.route("/v1/clients/{client_id}/audit", "GET", auth="clinician", query=ListQuery, response=AuditList,
              summary="Who read or changed this client's data, newest first", tags=TAGS)
def client_audit(call: Call) -> AuditList:
    from chalicelib.clients import service

    with page_token_errors():
        page = service.audit_trail(call.principal, call.params["client_id"], limit=call.query.limit,
                                   next_token=call.query.next_token)
    return AuditList(items=[AuditEvent(**{k: e.get(k) for k in AuditEvent.model_fields}) for e in page.items],
                     next_token=page.next_token)
