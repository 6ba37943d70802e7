"""Notification routes: push registration, browser (web push) subscriptions, one-click unsubscribe, clinicians' own
notification settings."""
from __future__ import annotations

import json
from html import escape
from typing import Any, Literal

from chalice import Response
from pydantic import ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from chalicelib.fields import REQUEST_CONFIG, Flag, PhoneE164, RequestModel, ResponseModel, TimeZoneName
from chalicelib.http.framework import ROUTES, Call, Problem, RouteSpec, Router, dispatch

router = Router("notifications")


# -- push devices -----------------------------------------------------------------------------

class DeviceRegistration(RequestModel):
    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [
        {"platform": "fcm", "token": "fcm-registration-token-0123456789"}]})

    platform: Literal["fcm", "apns"]
    token: str = Field(min_length=8, max_length=4096, pattern=r"^[A-Za-z0-9_:.\-]+$")


class DeviceRegistered(ResponseModel):
    platform: str
    registered_at: str


@router.route("/v1/client/devices", "POST", auth="client", body=DeviceRegistration, response=DeviceRegistered,
              status=201, summary="Register this device for push reminders", tags=("client",))
def register_device(call: Call) -> DeviceRegistered:
    from chalicelib.reminders import devices

    device = devices.register(call.principal, call.body.platform, call.body.token)
    return DeviceRegistered(platform=device["platform"], registered_at=device["registered_at"])


# -- web push: browser subscriptions ----------------------------------------------------------
# A route of their own rather than POST /v1/client/devices: a browser's PushSubscription is an
# endpoint URL and two keys that we send to ourselves (VAPID, RFC 8291), not a token for an SNS
# platform, so it gets its own strict model, and the page lists and removes its subscriptions by
# endpoint (the stored item's key is the endpoint's hash).

_B64URL = r"^[A-Za-z0-9_-]+={0,2}$"
_EXAMPLE_ENDPOINT = "https://fcm.googleapis.com/fcm/send/dGVzdC1zdWJzY3JpcHRpb24"


class PushKeys(RequestModel):
    p256dh: str = Field(min_length=80, max_length=100, pattern=_B64URL,
                        description="The browser's P-256 public key (base64url, 65 bytes).")
    auth: str = Field(min_length=16, max_length=32, pattern=_B64URL,
                      description="The browser's auth secret (base64url, 16 bytes).")


class PushSubscriptionCreate(RequestModel):
    """PushSubscription.toJSON() as the browser gives it."""

    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [{
        "endpoint": _EXAMPLE_ENDPOINT, "expirationTime": None,
        "keys": {"p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
                 "auth": "tBHItJI5svbpez7KI4CCXg"}}]})

    endpoint: str = Field(min_length=12, max_length=2048,
                          description="https only (the local stage also takes http://127.0.0.1).")
    expirationTime: int | None = Field(default=None, ge=0,
                                       description="Ignored: a push service says when a subscription is gone.")
    keys: PushKeys


class PushSubscriptionDelete(RequestModel):
    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [{"endpoint": _EXAMPLE_ENDPOINT}]})

    endpoint: str = Field(min_length=12, max_length=2048)


class PushSubscriptionView(ResponseModel):
    endpoint: str
    registered_at: str


class PushSubscriptionList(ResponseModel):
    items: list[PushSubscriptionView]


class PushKey(ResponseModel):
    public_key: str = Field(description="The applicationServerKey for PushManager.subscribe (base64url).")


@router.route("/v1/client/push-key", "GET", auth="client", response=PushKey,
              summary="The key this browser subscribes to reminders with (no secret)", tags=("client",))
def push_key(call: Call) -> PushKey:
    from chalicelib.reminders import devices

    return PushKey(public_key=devices.push_public_key())


@router.route("/v1/client/push-subscriptions", "POST", auth="client", body=PushSubscriptionCreate,
              response=PushSubscriptionView, status=201,
              summary="Get reminders in this browser (its push subscription)", tags=("client",))
def subscribe_browser(call: Call) -> PushSubscriptionView:
    from chalicelib.reminders import devices

    item = devices.subscribe(call.principal, call.body.endpoint, call.body.keys.p256dh, call.body.keys.auth)
    return PushSubscriptionView(endpoint=item["endpoint"], registered_at=item["registered_at"])


@router.route("/v1/client/push-subscriptions", "GET", auth="client", response=PushSubscriptionList,
              summary="The browsers that get your reminders", tags=("client",))
def list_browser_subscriptions(call: Call) -> PushSubscriptionList:
    from chalicelib.reminders import devices

    return PushSubscriptionList(items=[PushSubscriptionView(endpoint=d["endpoint"], registered_at=d["registered_at"])
                                       for d in devices.my_subscriptions(call.principal)])


@router.route("/v1/client/push-subscriptions", "DELETE", auth="client", body=PushSubscriptionDelete, status=204,
              summary="Stop reminders in this browser", tags=("client",))
def unsubscribe_browser(call: Call) -> None:
    from chalicelib.reminders import devices

    devices.unsubscribe(call.principal, call.body.endpoint)


# -- unsubscribe (public, signed link) ------------------------------------------------------------

class UnsubscribeQuery(RequestModel):
    token: str = Field(min_length=10, max_length=512)


_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Emotipal reminders</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #1d2330">
<h1 style="font-size: 1.3rem">Emotipal reminders</h1>{content}</body></html>"""


def _label(channel: str) -> str:
    from chalicelib import channels

    return channels.get(channel).label


def _html(status: int, content: str) -> Response:
    return Response(body=_PAGE.format(content=content), status_code=status,
                    headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                             "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                                        "form-action 'self'", "X-Frame-Options": "DENY",
                             "Referrer-Policy": "no-referrer"})


def _read(call: Call):
    from chalicelib.notifications.unsubscribe import read_token

    found = read_token(call.query.token)
    if found is None:
        raise Problem(400, "Invalid link", "This unsubscribe link is not valid.")
    return found


@router.route("/v1/unsubscribe", "GET", auth="public", query=UnsubscribeQuery, produces=("text/html",),
              summary="Confirm stopping one kind of reminder (signed link from a message)", tags=("client",))
def unsubscribe_page(call: Call) -> Response:
    found = _read(call)
    token = escape(call.query.token, quote=True)
    return _html(200, f"<p>Stop {escape(_label(found.channel))} reminders from Emotipal?</p>"
                      f'<form method="post" action="?token={token}">'
                      '<button type="submit" style="padding: .6rem 1rem">Stop these reminders</button></form>'
                      "<p>You can turn them back on in Emotipal's settings at any time.</p>")


def unsubscribe(call: Call) -> Response:
    """RFC 8058 one-click: mail clients POST a form, so this route takes any body type."""
    from chalicelib.clients import service

    found = _read(call)
    done = service.unsubscribe(found.client_id, found.channel)
    if "application/json" in (call.header("accept") or ""):
        return Response(body=json.dumps({"unsubscribed": found.channel if done else None}), status_code=200,
                        headers={"Content-Type": "application/json"})
    return _html(200, f"<p>Done: Emotipal will send you no more {escape(_label(found.channel))} reminders.</p>"
                      "<p>You can turn them back on in Emotipal's settings at any time.</p>")


def _register_form_route() -> None:
    spec = RouteSpec(path="/v1/unsubscribe", method="POST", auth="public", handler=unsubscribe,
                     summary="Stop one kind of reminder (one-click, signed link from a message)",
                     query_ref=UnsubscribeQuery, tags=("client",), produces=("text/html", "application/json"))
    ROUTES.append(spec)
    blueprint = router.blueprint

    def view() -> Response:
        return dispatch(spec, blueprint.current_request, {})

    view.__name__ = "unsubscribe"
    blueprint.route("/v1/unsubscribe", methods=["POST"], content_types=[
        "application/x-www-form-urlencoded", "multipart/form-data", "application/json", "text/plain"])(view)


_register_form_route()


# -- clinicians' own notification settings ------------------------------------------------------------

def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)  # None only stands for "not sent": not a value to document


class ClinicianNotificationsUpdate(RequestModel):
    model_config = ConfigDict(**REQUEST_CONFIG, json_schema_extra={"examples": [
        {"phone": "+447911123456", "digest": True, "timezone": "Europe/London"}]})

    # null clears phone and timezone; digest is true or false (SkipJsonSchema: the
    # document says boolean only, and the handler refuses null with 422).
    phone: PhoneE164 | None = Field(default=None, description="Risk alerts also go by SMS when set; null removes it.")
    digest: Flag | SkipJsonSchema[None] = Field(default=None, description="A daily summary email at 08:00 local time.",
                                                json_schema_extra=_without_default)
    timezone: TimeZoneName | None = Field(default=None, description="null removes it (not while the digest is on).")


class ClinicianNotifications(ResponseModel):
    email: str
    phone: str | None = None
    digest: bool = False
    timezone: str | None = None


def _notifications_view(member: dict) -> ClinicianNotifications:
    return ClinicianNotifications(email=member.get("email", ""), phone=member.get("phone"),
                                  digest=bool(member.get("digest")), timezone=member.get("timezone"))


@router.route("/v1/me/notifications", "GET", auth="clinician", response=ClinicianNotifications,
              summary="How you are told about risk alerts and new homework", tags=("clinicians",))
def my_notifications(call: Call) -> ClinicianNotifications:
    from chalicelib.store import practices

    return _notifications_view(practices.get_membership(call.principal.sub) or {})


@router.route("/v1/me/notifications", "PATCH", auth="clinician", body=ClinicianNotificationsUpdate,
              response=ClinicianNotifications, summary="Set your alert phone and daily digest", tags=("clinicians",))
def update_my_notifications(call: Call) -> ClinicianNotifications:
    from chalicelib.errors import FieldErrors
    from chalicelib.store import practices
    from chalicelib.store import reminders as store

    changes = call.body.model_dump(mode="json", exclude_unset=True)
    if changes.get("digest") is None and "digest" in changes:
        raise FieldErrors.one("digest", "cannot be null")
    if changes.get("digest") or ("timezone" in changes and changes["timezone"] is None):
        member = practices.get_membership(call.principal.sub) or {}
        timezone = changes["timezone"] if "timezone" in changes else member.get("timezone")
        if changes.get("digest", member.get("digest")) and not timezone:
            raise FieldErrors.one("timezone", "the daily digest needs your timezone", "missing")
    if not changes:
        return my_notifications(call)
    return _notifications_view(store.update_clinician_notifications(call.principal.sub, changes))
