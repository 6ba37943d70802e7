"""Web push (RFC 8030) to the browsers a client subscribed, with `py_vapid` and `http_ece`.

Needs nothing on the profile: it reaches the browser subscriptions the client made from
the client page (`POST /v1/client/push-subscriptions`, stored per device as
DEVICE#<sha256 of the endpoint>), and a client with none gets `no_device` when a
reminder is due. Each push is signed with the application server's VAPID key (RFC 8292;
the private key lives in Secrets Manager when deployed, `make run` generates one
locally) and its payload is encrypted for that browser (aes128gcm, RFC 8291). The
payload is JSON {title, url}: the homework's title and the link, nothing else.

A push service's 404 or 410 means the subscription is gone: it is deleted at once.
429 and 5xx are sent again later (notifications.outcomes.http_outcome). A push carries no
unsubscribe link: the client turns it off on the page, or in the browser.

Standard library only at import time (the CDK app imports the channel registry).
"""
from __future__ import annotations

import base64
import json
from typing import Any

from chalicelib.channels._base import Channel, Grant

# How long a push service keeps a reminder for a browser that is offline: after that the
# day's reminder is stale.
TTL_SECONDS = 12 * 60 * 60
URGENCY = "normal"
# A VAPID JWT may live at most 24 hours (RFC 8292 section 2); one push needs minutes.
JWT_LIFETIME_SECONDS = 60 * 60
SEND_TIMEOUT_SECONDS = 10.0
# Browsers (one per device) a client may have subscribed at once; a new one replaces the oldest.
MAX_SUBSCRIPTIONS = 10
# What a gone subscription keeps until its TTL removes it: no endpoint, no keys.
_SECRET_FIELDS = ("endpoint", "p256dh", "auth")
KIND = "web_push"  # a device item's `kind` when it is a browser subscription


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_private_key() -> str:
    """A fresh VAPID private key: base64url of the raw 32-byte P-256 scalar."""
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    return _b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def public_key_of(private_key: str) -> str:
    """The applicationServerKey of a private key (ValueError for anything but a raw P-256 key)."""
    from chalicelib.notifications.settings import vapid_public_key

    return vapid_public_key(private_key)


def subscriptions_of(client_id: str) -> list[dict[str, Any]]:
    """The client's live browser subscriptions (not SNS devices, not ones a push service said are gone)."""
    from chalicelib.store import reminders as store

    return [d for d in store.list_devices(client_id) if d.get("kind") == KIND]


def payload(*, title: str, url: str) -> bytes:
    """What the service worker receives: the homework's title and the link, nothing else."""
    return json.dumps({"title": title, "url": url}, separators=(",", ":")).encode()


def encrypt(subscription: dict[str, Any], data: bytes) -> bytes:
    """The body of one push: `data` encrypted for this browser (RFC 8291, aes128gcm), with a
    fresh ephemeral key and salt each time."""
    import os

    import http_ece
    from cryptography.hazmat.primitives.asymmetric import ec

    def decode(value: str) -> bytes:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))

    return http_ece.encrypt(data, salt=os.urandom(16), private_key=ec.generate_private_key(ec.SECP256R1()),
                            dh=decode(subscription["p256dh"]), auth_secret=decode(subscription["auth"]),
                            version="aes128gcm")


def vapid_header(endpoint: str, private_key: str, subject: str) -> str:
    """`vapid t=<JWT>, k=<public key>` (RFC 8292) for the push service at `endpoint`."""
    import time
    from urllib.parse import urlsplit

    from py_vapid import Vapid02

    parts = urlsplit(endpoint)
    claims = {"aud": f"{parts.scheme}://{parts.netloc}", "exp": int(time.time()) + JWT_LIFETIME_SECONDS,
              "sub": subject}
    return Vapid02.from_raw(private_key.encode()).sign(claims)["Authorization"]


def send(subscription: dict[str, Any], data: bytes):
    """One encrypted, VAPID-signed push to one stored subscription (RFC 8030). Returns an Outcome.

    `pywebpush` is not used: it imports aiohttp and requests, which would put the Lambda package
    over its size goal; it is this, `py_vapid` and `http_ece` (the libraries pywebpush is built on)
    and the standard library's HTTP client."""
    import urllib.error
    import urllib.request

    from chalicelib.deadline import DeadlineExceeded, seconds_left
    from chalicelib.notifications.outcomes import Outcome, http_outcome
    from chalicelib.notifications.settings import vapid_keys

    keys = vapid_keys()
    if keys is None:
        return Outcome("failed", "not_set_up")
    endpoint = subscription["endpoint"]
    request = urllib.request.Request(endpoint, method="POST", data=encrypt(subscription, data), headers={
        "Authorization": vapid_header(endpoint, keys.private_key, keys.subject),
        "Content-Encoding": "aes128gcm", "Content-Type": "application/octet-stream",
        "TTL": str(TTL_SECONDS), "Urgency": URGENCY})
    try:
        # The endpoint's scheme and host were checked when it was stored (reminders.devices).
        with _OPENER.open(request, timeout=seconds_left(SEND_TIMEOUT_SECONDS)) as response:  # nosec B310
            return http_outcome(response.status)
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            return Outcome("failed", "redirected")
        return http_outcome(error.code)
    except (urllib.error.URLError, OSError, DeadlineExceeded):  # unreachable or too slow: another try later
        return Outcome("retry", "temporarily_unavailable")


def _opener():
    """Straight to the push service: no proxy from the environment, and a redirect is never
    followed (a push service answers where it is asked; it must not send our POST elsewhere)."""
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    return urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())


class _LazyOpener:
    """Built on first use: this module imports only the standard library's basics (the CDK app reads it)."""

    _built: Any = None

    def open(self, request: Any, timeout: float) -> Any:
        if self._built is None:
            self._built = _opener()
        return self._built.open(request, timeout=timeout)


_OPENER = _LazyOpener()


def send_reminder(profile, *, title: str, homework_url: str, now, **_: Any):
    """To every subscribed browser: sent if any took it, retry if any may later, else failed.
    A subscription its push service says is gone (404/410) stops at once: the sweep deletes
    nothing (its role has no DeleteItem), so the item loses its endpoint and keys and is
    marked disabled, and its TTL removes the rest."""
    from chalicelib.notifications.outcomes import Outcome, best_of
    from chalicelib.store import reminders as store

    subscriptions = subscriptions_of(profile["client_id"])
    if not subscriptions:
        return Outcome("failed", "no_device")
    data = payload(title=title, url=homework_url)
    results = []
    for subscription in subscriptions:
        outcome = send(subscription, data)
        if outcome.reason == "subscription_gone":
            store.disable_device({k: v for k, v in subscription.items() if k not in _SECRET_FIELDS}, now)
        results.append(outcome)
    return best_of(results)


CHANNEL = Channel(
    name="web_push", label="browser notification", order=40, contact=None,
    contact_label="subscribed browser", missing_contact="",
    # The VAPID private key: the sweep signs with it, the API serves its public half to the page.
    grants=(Grant(("secretsmanager:GetSecretValue",), ("vapid_secret",)),),
    send_reminder=send_reminder,
)
