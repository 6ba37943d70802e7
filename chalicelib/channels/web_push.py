"""Web push (RFC 8030) to the browsers a client subscribed, through `pywebpush`.

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


def send(subscription: dict[str, Any], data: bytes):
    """One encrypted, VAPID-signed push to one stored subscription. Returns an Outcome."""
    import time

    import requests
    from py_vapid import Vapid02
    from pywebpush import WebPushException, webpush

    from chalicelib.deadline import DeadlineExceeded, seconds_left
    from chalicelib.notifications.outcomes import Outcome, http_outcome
    from chalicelib.notifications.settings import vapid_keys

    keys = vapid_keys()
    if keys is None:
        return Outcome("failed", "not_set_up")
    vapid = Vapid02.from_raw(keys.private_key.encode())
    session = requests.Session()
    session.trust_env = False  # straight to the push service: no proxy from the environment
    session.max_redirects = 0  # a push service answers where it is asked; never follow it elsewhere
    try:
        response = webpush(
            subscription_info={"endpoint": subscription["endpoint"],
                               "keys": {"p256dh": subscription["p256dh"], "auth": subscription["auth"]}},
            data=data, vapid_private_key=vapid,
            vapid_claims={"sub": keys.subject, "exp": int(time.time()) + JWT_LIFETIME_SECONDS},
            content_encoding="aes128gcm", ttl=TTL_SECONDS, headers={"Urgency": URGENCY},
            timeout=seconds_left(SEND_TIMEOUT_SECONDS), requests_session=session)
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        return http_outcome(status) if status else Outcome("retry", "temporarily_unavailable")
    except requests.TooManyRedirects:
        return Outcome("failed", "redirected")
    except (requests.RequestException, DeadlineExceeded):  # unreachable or too slow: another try later
        return Outcome("retry", "temporarily_unavailable")
    finally:
        session.close()
    return http_outcome(response.status_code)


def send_reminder(profile, *, title: str, homework_url: str, now, **_: Any):
    """To every subscribed browser: sent if any took it, retry if any may later, else failed.
    A subscription its push service says is gone (404/410) stops at once: the sweep deletes
    nothing (its role has no DeleteItem), so the item loses its endpoint and keys and is
    marked disabled, and its TTL removes the rest."""
    from chalicelib.notifications.outcomes import Outcome
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
    if any(o.sent for o in results):
        return next(o for o in results if o.sent)
    if any(o.state == "retry" for o in results):
        return Outcome("retry", "temporarily_unavailable")
    return Outcome("failed", results[0].reason)


CHANNEL = Channel(
    name="web_push", label="browser notification", order=40, contact=None,
    contact_label="subscribed browser", missing_contact="",
    # The VAPID private key: the sweep signs with it, the API serves its public half to the page.
    grants=(Grant(("secretsmanager:GetSecretValue",), ("vapid_secret",)),),
    send_reminder=send_reminder,
)
