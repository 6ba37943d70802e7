"""The one place boto3 clients are made.

Clients are built on first use and cached per process (boto3 is slow to import and
a client is slow to build, so a Lambda pays for it once and only when a request
needs it). On the local stack every service points at moto in server mode, except
DynamoDB, which may point at DynamoDB Local.

Timeouts: the clients' own timeouts suit the reminder sweep (no one waiting); while
an API request waits, `chalicelib.deadline` caps every attempt at the request's
deadline, so a stalled service answers 503 quickly instead of hanging.
"""
from __future__ import annotations

import threading
from functools import cache
from typing import Any

from chalicelib.config import get_settings

_lock = threading.Lock()
MAX_ATTEMPTS = 4


@cache
def _session() -> Any:
    import boto3.session  # deferred: keeps `import app` cheap

    return boto3.session.Session(region_name=get_settings().region)


@cache
def client(service: str) -> Any:
    """A cached boto3 client for `service` with the stage's endpoint override."""
    from botocore.config import Config

    from chalicelib import deadline

    settings = get_settings()
    endpoint = settings.dynamodb_endpoint if service == "dynamodb" else settings.aws_endpoint
    config = Config(
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
        connect_timeout=1,  # AWS endpoints accept in milliseconds; longer means unreachable
        read_timeout=10,  # the sweep's; a waiting request gets at most its time left
        tcp_keepalive=True,
    )
    with _lock:  # Session.client is not thread-safe
        made = _session().client(service, endpoint_url=endpoint, config=config)
    deadline.install(made, MAX_ATTEMPTS)
    return made


def reset() -> None:
    """Forget cached clients (tests change endpoints between suites)."""
    client.cache_clear()
    _session.cache_clear()
