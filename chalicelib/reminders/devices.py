"""Push devices: a client registers a device token (SNS keeps the platform endpoint), or a
browser's web push subscription (kept here, sent to by channels.web_push)."""
from __future__ import annotations

import hashlib

from chalicelib.errors import FieldErrors, NotFound
from chalicelib.fields import iso, utc_now
from chalicelib.identity.principals import ClientPrincipal
from chalicelib.notifications.settings import push_platform_arn
from chalicelib.store import clients as client_store
from chalicelib.store import keys
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
        if device.get("endpoint_arn"):  # web push subscriptions have no SNS endpoint
            client("sns").delete_endpoint(EndpointArn=device["endpoint_arn"])
        store.delete_device(device)


# -- web push subscriptions ---------------------------------------------------------------------

def _own_profile(principal: ClientPrincipal) -> dict:
    profile = client_store.get(principal.client_id)
    if not profile or profile.get("practice_id") != principal.practice_id:
        raise NotFound("No such client.")
    return profile


def _endpoint_hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def check_endpoint(endpoint: str, *, local: bool) -> None:
    """Push services answer on https at a host name. The sweep POSTs to whatever a client
    stored, so anything else is refused: no plain http, no IP address or localhost, no
    user name, and no port but 443. The local and test stages also take
    http://127.0.0.1:<port>/ (the loopback push receiver of the tests)."""
    from urllib.parse import urlsplit

    parts = urlsplit(endpoint)
    try:
        port = parts.port
    except ValueError:
        port = -1
    host = (parts.hostname or "").lower()
    if local and parts.scheme == "http" and host == "127.0.0.1" and not parts.username:
        return
    if parts.scheme != "https":
        raise FieldErrors.one("endpoint", "The push address must start with https://.", "endpoint_scheme")
    looks_like_ip = host.replace(".", "").isdigit() or ":" in host or host.startswith("[")
    if (not host or "." not in host or looks_like_ip or host == "localhost" or host.endswith(".localhost")
            or parts.username or parts.password or port not in (None, 443)):
        raise FieldErrors.one("endpoint", "The push address must be a push service's https address.", "endpoint_host")


def _check_keys(p256dh: str, auth: str) -> None:
    import base64

    from cryptography.hazmat.primitives.asymmetric import ec

    def decode(value: str) -> bytes:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))

    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), decode(p256dh))
    except ValueError:
        raise FieldErrors.one("keys.p256dh", "This browser key is not a P-256 public key: "
                              "send the subscription's keys.p256dh as the browser gave it.", "p256dh_invalid") from None
    try:
        auth_bytes = decode(auth)
    except ValueError:  # binascii.Error: padding in the wrong place
        auth_bytes = b""
    if len(auth_bytes) != 16:
        raise FieldErrors.one("keys.auth", "The browser's auth secret must be 16 bytes: "
                              "send the subscription's keys.auth as the browser gave it.", "auth_invalid")


def subscribe(principal: ClientPrincipal, endpoint: str, p256dh: str, auth: str) -> dict:
    """Store (or refresh) this browser's subscription. Subscribing the same endpoint again
    replaces its keys; past MAX_SUBSCRIPTIONS the oldest other subscription goes."""
    from chalicelib.channels.web_push import KIND, MAX_SUBSCRIPTIONS
    from chalicelib.config import get_settings

    _own_profile(principal)
    check_endpoint(endpoint, local=get_settings().stage in ("local", "test"))
    _check_keys(p256dh, auth)
    endpoint_hash = _endpoint_hash(endpoint)
    this = keys.device(principal.client_id, endpoint_hash).sk
    others = sorted((d for d in list_subscriptions(principal.client_id) if d["sk"] != this),
                    key=lambda d: d.get("registered_at", ""))
    for old in others[:max(0, len(others) - MAX_SUBSCRIPTIONS + 1)]:
        store.delete_device(old)
    return store.put_device(principal.client_id, endpoint_hash, {
        "kind": KIND, "endpoint": endpoint, "p256dh": p256dh, "auth": auth, "registered_at": iso(utc_now())})


def list_subscriptions(client_id: str) -> list[dict]:
    from chalicelib.channels.web_push import subscriptions_of

    return subscriptions_of(client_id)


def my_subscriptions(principal: ClientPrincipal) -> list[dict]:
    _own_profile(principal)
    return list_subscriptions(principal.client_id)


def unsubscribe(principal: ClientPrincipal, endpoint: str) -> None:
    """Forget this browser's subscription (idempotent: an unknown endpoint is already gone)."""
    _own_profile(principal)
    store.delete_device(keys.device(principal.client_id, _endpoint_hash(endpoint)).as_dict())


def push_public_key() -> str:
    from chalicelib.notifications.settings import vapid_keys

    found = vapid_keys()
    if found is None:
        raise NotFound("Browser notifications are not set up here.")
    return found.public_key
