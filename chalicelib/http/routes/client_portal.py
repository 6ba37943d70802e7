"""Routes for clients, authenticated by their access link or a device session; and the two
public steps that get a client in: a sign-in token exchanged for a device session, and
"Lost your link?"."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.http.framework import Call, Problem, Router, model_refs

if TYPE_CHECKING:
    from chalicelib.clients.models import (ClientPreferencesUpdate, ClientSelfView, LostLinkAnswer, LostLinkRequest,
                                           SessionCreate, SessionIssued)
else:  # named, not imported: a model loads with the first request that needs it (cold start)
    (ClientPreferencesUpdate, ClientSelfView, LostLinkAnswer, LostLinkRequest, SessionCreate, SessionIssued) = model_refs(
        "chalicelib.clients.models", "ClientPreferencesUpdate", "ClientSelfView", "LostLinkAnswer", "LostLinkRequest",
        "SessionCreate", "SessionIssued")

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


# -- getting in: sign-in tokens, device sessions, a lost link ---------------------------------

SIGNIN_REFUSED = ("This sign-in link has been used or has expired. Enter your email address or phone number "
                  "and we will send you a new link.")
LOST_LINK_ANSWER = ("If this matches the email address or phone number your clinician has for you, "
                    "a new link is on its way. It can take a few minutes to arrive.")


@router.route("/v1/client/session", "POST", auth="public", body=SessionCreate, response=SessionIssued, status=201,
              summary="Exchange a reminder's sign-in token (once) for a session on this device", tags=TAGS,
              errors={401: "The sign-in token was used, has expired or its link was replaced; the answer has "
                           "`lost_link: true`"})
def create_client_session(call: Call) -> SessionIssued:
    from chalicelib.clients.models import SessionIssued
    from chalicelib.identity import sessions

    try:
        session = sessions.exchange(call.body.signin_token, shared_device=call.body.shared_device)
    except sessions.SignInRefused:
        raise Problem(401, "Unauthorized", SIGNIN_REFUSED, extra={"lost_link": True}) from None
    return SessionIssued(session_token=session.token, expires_at=session.expires_at,
                         shared_device=session.shared_device)


@router.route("/v1/client/session", "DELETE", auth="client", status=204,
              summary="Sign out on this device (ends this device's session)", tags=TAGS)
def delete_client_session(call: Call) -> None:
    from chalicelib.identity import sessions

    scheme, _, token = (call.header("authorization") or "").partition(" ")
    sessions.sign_out(token.strip() if scheme.lower() == "bearer" else None)


def _source_ip() -> str | None:
    """The caller's address as API Gateway saw it (never a client-supplied header)."""
    request = router.blueprint.current_request
    return ((request.context or {}).get("identity") or {}).get("sourceIp") if request else None


@router.route("/v1/client/lost-link", "POST", auth="public", body=LostLinkRequest, response=LostLinkAnswer,
              status=202, summary="Lost your link? Send a new one to the email address or phone number on file "
              "(the same answer whether or not it matched)", tags=TAGS)
def lost_link(call: Call) -> LostLinkAnswer:
    from chalicelib.clients.models import LostLinkAnswer
    from chalicelib.identity import lost_link as service

    try:
        service.request_link(call.body.kind, call.body.contact, _source_ip())
    except service.Blocked as blocked:
        raise Problem(429, "Too many requests", "Too many requests for a new link. Wait and try again.",
                      headers={"Retry-After": str(blocked.retry_after)}) from None
    return LostLinkAnswer(message=LOST_LINK_ANSWER)
