"""Push devices: a client registers a device token; SNS keeps the platform endpoint."""
from __future__ import annotations

import hashlib

from chalicelib.errors import FieldErrors, NotFound
from chalicelib.fields import iso, utc_now
from chalicelib.identity.principals import ClientPrincipal
from chalicelib.notifications.settings import push_platform_arn
from chalicelib.store import clients as client_store
from chalicelib.store import reminders as store


def register(principal: ClientPrincipal, platform: str, token: str) -> dict:
    profile = client_store.get(principal.client_id)
    if not profile or profile.get("practice_id") != principal.practice_id:
        raise NotFound("No such client.")
    application = push_platform_arn(platform)
    if not application:
        raise FieldErrors.one("platform", f"push notifications through {platform} are not set up here",
                              "platform_unavailable")
    from chalicelib.channels import push

    endpoint = push.register_endpoint(application, token)
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    now = iso(utc_now())
    return store.put_device(principal.client_id, token_hash, {
        "platform": platform, "endpoint_arn": endpoint, "registered_at": now})


def erase_client_devices(client_id: str) -> None:
    """Erasure's step for push devices: delete each SNS endpoint (it holds the device token),
    then its device item. DeleteEndpoint succeeds for an endpoint already gone, so a
    repeated erasure finishes what a failed one started."""
    from chalicelib.aws import client

    for device in store.list_devices(client_id, include_disabled=True):
        client("sns").delete_endpoint(EndpointArn=device["endpoint_arn"])
        store.delete_device(device)
