"""Notification settings read from the environment (deployed stages set them in the
Chalice/CDK configuration; the local stack sets them for its processes)."""
from __future__ import annotations

import os
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
