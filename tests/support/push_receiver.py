"""A web push service on loopback, for tests: no outside push service is ever called.

`PushReceiver` is a small HTTP server on 127.0.0.1 that takes pushes at /push/<id>, records
each request (path, headers, body) and answers 201, or whatever status a test sets for an
id (410 for a subscription that is gone, 429 or 503 for a busy service). `Browser` is the
other end of a subscription: its own P-256 key pair and auth secret, as a browser makes
them. It turns a recorded push back into its payload (aes128gcm, RFC 8291, with
`http_ece`) and checks the VAPID header (RFC 8292): the JWT's signature against the
application server's public key, and its aud, exp and sub claims.

    with PushReceiver() as receiver:
        browser = Browser(receiver.endpoint("phone"))
        ...POST browser.subscription() to /v1/client/push-subscriptions, run the sweep...
        [push] = receiver.pushes("phone")
        assert browser.decrypt(push) == {"title": ..., "url": ...}
        browser.check_vapid(push, public_key)
"""
from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

MAX_BODY = 8192  # a push service takes at most 4 KiB of payload; anything near this is wrong


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


@dataclass(frozen=True)
class Push:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    status: int  # what the receiver answered


@dataclass
class PushReceiver:
    """Records pushes; answers 201 unless `answer(id, status)` said otherwise."""

    received: list[Push] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
                body = self.rfile.read(length)
                push_id = self.path.rstrip("/").rpartition("/")[2]
                with receiver._lock:
                    status = receiver.statuses.get(push_id, 201)
                    receiver.received.append(Push(self.path, {k.lower(): v for k, v in self.headers.items()},
                                                  body, status))
                self.send_response(status)
                if status in (301, 302, 307, 308):  # a push service sending us elsewhere
                    self.send_header("Location", f"http://127.0.0.1:{receiver.port}/push/elsewhere")
                if status == 201:
                    self.send_header("Location", f"http://127.0.0.1:{receiver.port}/message/{len(receiver.received)}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="push-receiver", daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def endpoint(self, push_id: str) -> str:
        return f"{self.origin}/push/{push_id}"

    def answer(self, push_id: str, status: int) -> None:
        with self._lock:
            self.statuses[push_id] = status

    def pushes(self, push_id: str | None = None) -> list[Push]:
        with self._lock:
            return [p for p in self.received if push_id is None or p.path == f"/push/{push_id}"]

    def start(self) -> PushReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> PushReceiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Browser:
    """One subscribed browser: the keys PushManager.subscribe makes, and the endpoint it was given."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)

    @property
    def p256dh(self) -> str:
        return b64url(self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    def subscription(self) -> dict:
        """What PushSubscription.toJSON() gives the page."""
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth_secret)}}

    def decrypt(self, push: Push) -> dict:
        """The payload as the service worker would see it; fails unless it is aes128gcm for us."""
        assert push.headers.get("content-encoding") == "aes128gcm", push.headers
        plain = http_ece.decrypt(push.body, private_key=self.private_key, auth_secret=self.auth_secret,
                                 version="aes128gcm")
        return json.loads(plain)

    @staticmethod
    def check_vapid(push: Push, public_key: str, *, audience: str | None = None) -> dict:
        """The VAPID header (RFC 8292 `vapid t=<jwt>, k=<key>`): k is the server's public key, the
        JWT is ES256-signed by it for this push service's origin, expires within 24 hours and
        names a contact. Returns the claims."""
        scheme, _, params = push.headers["authorization"].partition(" ")
        assert scheme == "vapid", push.headers["authorization"][:20]
        fields = dict(part.strip().split("=", 1) for part in params.split(","))
        assert fields["k"] == public_key
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(fields["k"]))
        origin = audience or push.headers["host"] and f"http://{push.headers['host']}"
        claims = jwt.decode(fields["t"], key=key, algorithms=["ES256"], audience=origin,
                            options={"require": ["aud", "exp", "sub"]})
        assert time.time() < claims["exp"] <= time.time() + 24 * 3600, claims
        assert claims["sub"].startswith(("mailto:", "https://")), claims
        return claims
