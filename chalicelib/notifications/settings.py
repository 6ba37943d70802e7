"""Notification settings read from the environment (deployed stages set them in the
Chalice/CDK configuration; the local stack sets them for its processes)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from chalicelib.config import get_settings

# Used only on the local stage, where no message leaves the machine.
LOCAL_SIGNING_SECRET = "local-stage-signing-secret--never-used-when-deployed"
DEFAULT_SWEEP_MINUTES = 5


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def signing_secret() -> bytes:
    """The HMAC key of unsubscribe links: EMOTIPAL_SIGNING_SECRET, or the secret named by
    EMOTIPAL_SIGNING_SECRET_ARN; a fixed development value on the local stage only."""
    value = _env("EMOTIPAL_SIGNING_SECRET")
    if not value and _env("EMOTIPAL_SIGNING_SECRET_ARN"):
        value = _secret_from_arn(_env("EMOTIPAL_SIGNING_SECRET_ARN"))
    if not value:
        if get_settings().is_local:
            value = LOCAL_SIGNING_SECRET
        else:
            raise RuntimeError("EMOTIPAL_SIGNING_SECRET (or EMOTIPAL_SIGNING_SECRET_ARN) is not set")
    if len(value) < 32:
        raise RuntimeError("the signing secret must be at least 32 characters")
    return value.encode()


@lru_cache(maxsize=4)
def _secret_from_arn(arn: str) -> str:
    from chalicelib.aws import client

    return client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]


@dataclass(frozen=True)
class VapidKeys:
    """The application server's VAPID key pair (RFC 8292): the private key signs each push's
    JWT; the public key (base64url, uncompressed P-256 point) is what a browser subscribes with."""

    private_key: str  # base64url of the raw 32-byte scalar
    public_key: str
    subject: str  # the JWT's `sub`: a mailto: or https: contact for the push services


def vapid_keys() -> VapidKeys | None:
    """EMOTIPAL_VAPID_PRIVATE_KEY (the local stack generates one), or the secret named by
    EMOTIPAL_VAPID_SECRET_ARN (read once per process); None when web push is not set up."""
    value = _env("EMOTIPAL_VAPID_PRIVATE_KEY")
    if not value and _env("EMOTIPAL_VAPID_SECRET_ARN"):
        value = _secret_from_arn(_env("EMOTIPAL_VAPID_SECRET_ARN")).strip()
    if value.startswith("{"):
        # The deployed secret: {"private_key": "..."}; empty until an operator puts a key in it.
        import json

        value = str(json.loads(value).get("private_key") or "").strip()
    if not value:
        return None
    return _vapid_pair(value, _env("EMOTIPAL_VAPID_SUBJECT") or f"mailto:{get_settings().ses_sender}")


@lru_cache(maxsize=4)
def _vapid_pair(private_key: str, subject: str) -> VapidKeys:
    """The pair from the private key alone; a value that is not a raw P-256 key (base64url) is
    refused, and the key is never logged."""
    try:
        public_key = vapid_public_key(private_key)
    except ValueError:
        raise RuntimeError("the VAPID private key is not a base64url P-256 private key") from None
    return VapidKeys(private_key=private_key, public_key=public_key, subject=subject)


def vapid_public_key(private_key: str) -> str:
    """The applicationServerKey a browser subscribes with: base64url of the uncompressed public
    point of a raw P-256 private key (base64url). Raises ValueError for anything else."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    value = private_key.strip()
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        raise ValueError("not base64url") from None
    if len(raw) != 32:
        raise ValueError("a raw P-256 private key has 32 bytes")
    key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def api_url() -> str:
    """Where the public API answers (the unsubscribe link points at it)."""
    value = _env("EMOTIPAL_API_URL")
    if value:
        return value.rstrip("/")
    port = _env("EMOTIPAL_API_PORT") or "8000"
    return f"http://127.0.0.1:{port}"


def admin_url() -> str:
    value = _env("EMOTIPAL_WEB_ADMIN_URL")
    if value:
        return value
    return get_settings().web_origin.rstrip("/") + "/admin/"


def push_platform_arn(platform: str) -> str | None:
    return _env(f"EMOTIPAL_{platform.upper()}_PLATFORM_ARN") or None


def ses_configuration_set() -> str | None:
    return _env("EMOTIPAL_SES_CONFIGURATION_SET") or None


def sweep_minutes() -> int:
    raw = _env("EMOTIPAL_SWEEP_MINUTES")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_SWEEP_MINUTES
