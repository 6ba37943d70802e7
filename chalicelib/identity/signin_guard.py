"""Brute-force protection for sign-in: failed attempts are counted per account (email)
and per source address in fixed 15-minute windows; past the limit the caller waits.

Unknown users and wrong passwords are counted alike, so the limit reveals nothing about
which addresses have accounts. Subjects are stored only as keyed hashes: no email
address or IP reaches the table or a log line. Deployed stages also have AWS WAF
rate rules in front of the API and Cognito's own threat protection behind it.
"""
from __future__ import annotations

import hashlib
import time

from chalicelib.config import get_settings
from chalicelib.store import ratelimits

WINDOW_SECONDS = 15 * 60
ACCOUNT_LIMIT = 5   # failures per email address per window
SOURCE_LIMIT = 20   # failures per source address per window (a shared office NAT stays usable)


class Blocked(Exception):
    def __init__(self, retry_after: int):
        super().__init__("too many failed sign-ins")
        self.retry_after = retry_after  # seconds


def _hash(kind: str, value: str) -> str:
    # Keyed per stage and pool so a table export cannot be matched against a list of addresses.
    settings = get_settings()
    key = f"emotipal-sign-in:{settings.stage}:{settings.cognito_pool_id}".encode()[:64]
    return hashlib.blake2b(f"{kind}:{value}".encode(), key=key, digest_size=20).hexdigest()


def _subjects(email: str | None, source: str | None) -> list[tuple[str, str, int]]:
    subjects = []
    if email:
        subjects.append(("account", _hash("account", email.strip().lower()), ACCOUNT_LIMIT))
    if source:
        subjects.append(("source", _hash("source", source), SOURCE_LIMIT))
    return subjects


def check(email: str | None, source: str | None) -> None:
    """Raise Blocked if either the account or the source has used up its failures."""
    now = int(time.time())
    waits = []
    for scope, subject, limit in _subjects(email, source):
        failures, ends = ratelimits.current(scope, subject, now=now)
        if failures >= limit:
            waits.append(ends - now)
    if waits:
        raise Blocked(retry_after=max(1, max(waits)))


def failed(email: str | None, source: str | None) -> None:
    now = int(time.time())
    for scope, subject, _limit in _subjects(email, source):
        ratelimits.record_failure(scope, subject, now=now, window_seconds=WINDOW_SECONDS)


def succeeded(email: str) -> None:
    """A correct password clears the account's count (the source's count stays)."""
    for scope, subject, _limit in _subjects(email, None):
        ratelimits.clear(scope, subject)
