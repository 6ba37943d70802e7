"""Routes for clients, authenticated by their access link."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.http.framework import Call, Router, model_refs

if TYPE_CHECKING:
    from chalicelib.clients.models import ClientPreferencesUpdate, ClientSelfView
else:  # named, not imported: a model loads with the first request that needs it (cold start)
    (ClientPreferencesUpdate, ClientSelfView) = model_refs(
        "chalicelib.clients.models", "ClientPreferencesUpdate", "ClientSelfView")

router = Router("client_portal")
TAGS = ("client",)


@router.route("/v1/client/me", "GET", auth="client", response=ClientSelfView,
              summary="The client's own profile and reminder preferences", tags=TAGS)
def client_me(call: Call) -> ClientSelfView:
    from chalicelib.clients import service

    return service.self_view(service.get_for_client(call.principal))


@router.route("/v1/client/me", "PATCH", auth="client", body=ClientPreferencesUpdate, response=ClientSelfView,
              summary="Change reminder time, channels, quiet hours or timezone", tags=TAGS)
def update_client_me(call: Call) -> ClientSelfView:
    from chalicelib.clients import service

    return service.self_view(service.update_preferences(call.principal, call.body))
