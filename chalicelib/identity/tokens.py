"""Verification of clinicians' Cognito access tokens, in our own code, in every stage.

Checks: RS256 only, signature against the user pool's JWKS (fetched once and
cached, refetched only when an unknown key id appears, at most every 5 minutes),
issuer, app client id, `token_use == "access"`, expiry and issued-at.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any

from chalicelib import deadline
from chalicelib.config import get_settings
from chalicelib.errors import Unavailable

ALGORITHM = "RS256"
_REFETCH_INTERVAL_SECONDS = 300
_LEEWAY_SECONDS = 30
_FETCH_TIMEOUT_SECONDS = 5.0


def _allowed_jwks_schemes() -> tuple[str, ...]:
    """Deployed stages fetch keys over HTTPS only; the local stack and tests use moto or a file."""
    return ("https://", "http://", "file://") if get_settings().stage in ("local", "test") else ("https://",)


class InvalidToken(Exception):
    """The token must not be trusted. The message is safe to log (no token content)."""


class JwksCache:
    def __init__(self, url: str):
        self.url = url
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def _fetch(self) -> None:
        from jwt import PyJWK

        if not self.url.startswith(_allowed_jwks_schemes()):
            raise InvalidToken("JWKS URL scheme not allowed")
        # Within the request's deadline: a slow identity provider answers 503, never a hang.
        timeout = deadline.seconds_left(_FETCH_TIMEOUT_SECONDS)
        with urllib.request.urlopen(self.url, timeout=timeout) as response:  # noqa: S310  # nosec B310  # scheme checked
            document = json.load(response)
        keys = {}
        for jwk in document.get("keys", []):
            if jwk.get("kty") == "RSA" and jwk.get("kid"):
                keys[jwk["kid"]] = PyJWK(jwk, algorithm=ALGORITHM).key
        self._keys = keys
        self._fetched_at = time.monotonic()

    def key(self, kid: str) -> Any:
        with self._lock:
            if kid not in self._keys and (
                not self._fetched_at or time.monotonic() - self._fetched_at > _REFETCH_INTERVAL_SECONDS
            ):
                try:
                    self._fetch()
                except (OSError, ValueError, deadline.DeadlineExceeded) as error:
                    # Not the token's fault: no key to judge it by yet, so the caller may retry.
                    raise Unavailable("The sign-in service is unavailable.") from error
            if kid not in self._keys:
                raise InvalidToken("unknown signing key")
            return self._keys[kid]


_caches: dict[str, JwksCache] = {}


def _jwks(url: str) -> JwksCache:
    cache = _caches.get(url)
    if cache is None:
        cache = _caches.setdefault(url, JwksCache(url))
    return cache


def verify_access_token(token: str) -> dict[str, Any]:
    """Return the verified claims of a Cognito access token, or raise InvalidToken."""
    import jwt

    settings = get_settings()
    if not settings.cognito_pool_id or not settings.cognito_client_id:
        raise InvalidToken("identity provider not configured")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise InvalidToken("malformed token") from error
    if header.get("alg") != ALGORITHM:
        raise InvalidToken("algorithm not allowed")
    key = _jwks(settings.jwks_url).key(str(header.get("kid", "")))
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=settings.cognito_issuer,
            leeway=_LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "sub", "token_use"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError as error:
        raise InvalidToken("token expired") from error
    except jwt.PyJWTError as error:
        raise InvalidToken("token rejected") from error
    if claims.get("token_use") != "access":
        raise InvalidToken("not an access token")
    if claims.get("client_id") != settings.cognito_client_id:
        raise InvalidToken("token issued to another app client")
    return claims
