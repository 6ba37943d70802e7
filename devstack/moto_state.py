"""Keep moto's state (Cognito users, S3 objects, SES identities, sent mail) across restarts.

moto keeps everything in memory. Its recorder appends every request to a file;
on the next start we seed moto's random generator with a fixed number and replay
the file, so every request draws the same ids it drew the first time: users come
back with the same `sub` (the key of their membership records in DynamoDB),
pools and app clients with the same ids. Requests are serialised by
`moto_service`, so the recorded order is the order ids were drawn in.

Replay assumes the same moto version drew the ids. A snapshot of every user's
`sub` is kept beside the recording and compared after each replay, so a drift
(a moto upgrade, a hand-edited recording) is reported instead of silently
detaching clinicians from their practices.
"""
from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RANDOM_SEED = 42


@dataclass(frozen=True)
class RestoreReport:
    replayed_requests: int


def _post(url: str, timeout: float = 600.0) -> None:
    request = urllib.request.Request(url, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:  # nosec B310  # our own moto URL
        response.read()


def restore_and_record(moto_url: str, recording_path: Path, seed: int = RANDOM_SEED) -> RestoreReport:
    """Seed moto, replay the previous recording (if any), then record from here on.

    Must run before any other request reaches moto: a request in between would
    draw ids the recording does not know about.
    """
    base = moto_url.rstrip("/")
    _post(f"{base}/moto-api/seed?a={seed}")
    replayed = 0
    if recording_path.is_file() and recording_path.stat().st_size > 0:
        with recording_path.open("rb") as recording:
            replayed = sum(1 for line in recording if line.strip())
        # moto replays against the URL it is called on, whatever port recorded it.
        _post(f"{base}/moto-api/recorder/replay-recording")
    else:
        recording_path.parent.mkdir(parents=True, exist_ok=True)
        recording_path.touch()
    _post(f"{base}/moto-api/recorder/start-recording")
    return RestoreReport(replayed_requests=replayed)


def user_subs(idp: Any, pool_id: str) -> dict[str, str]:
    """email (or username) -> sub for every user of the pool."""
    subs: dict[str, str] = {}
    for page in idp.get_paginator("list_users").paginate(UserPoolId=pool_id):
        for user in page["Users"]:
            attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
            subs[attributes.get("email", user["Username"])] = attributes.get("sub", user["Username"])
    return subs


def load_snapshot(path: Path) -> dict[str, str]:
    try:
        return dict(json.loads(path.read_text()))
    except (FileNotFoundError, ValueError):
        return {}


def save_snapshot(path: Path, subs: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(subs, indent=2, sort_keys=True))
    temporary.replace(path)


def lost_identities(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    """Users whose sub changed or vanished since the snapshot."""
    return sorted(name for name, sub in previous.items() if current.get(name) != sub)
