"""Schemathesis hooks (loaded by the `st` process from its config): count every request the
fuzzer sends, by operation and status, and write the tally when it exits; and keep the
operations that would erase the fuzzed client, revoke its link or end its homework away
from that client, which would leave the rest of the run answering 401 or 404."""
from __future__ import annotations

import atexit
import json
import os
import threading
from collections import Counter

import schemathesis

_lock = threading.Lock()
_by_status: Counter[str] = Counter()
_by_operation: Counter[tuple[str, str]] = Counter()


def _record(operation: str, status: str) -> None:
    with _lock:
        _by_status[status] += 1
        _by_operation[(operation, status)] += 1


# Operation → the path parameter that must not name the protected client or its homework.
_GUARDED = {
    ("DELETE", "/v1/clients/{client_id}"): "client_id",
    ("POST", "/v1/clients/{client_id}/access-link"): "client_id",
    ("DELETE", "/v1/clients/{client_id}/access-link"): "client_id",
    ("POST", "/v1/clients/{client_id}/discharge"): "client_id",
    ("PATCH", "/v1/assignments/{assignment_id}"): "assignment_id",
    ("DELETE", "/v1/assignments/{assignment_id}"): "assignment_id",
}
# {"client_id": the protected client, "spare": {"client_id": [...], "assignment_id": [...]}}
_PROTECTED = json.loads(os.environ.get("EMOTIPAL_FUZZ_PROTECTED") or "{}")


def _protected(name: str, value: object) -> bool:
    client_id = _PROTECTED.get("client_id")
    if not client_id or not isinstance(value, str):
        return False
    # Assignment ids are "<client id>-<ulid>": every assignment of that client, made by the fuzzer too.
    return value == client_id if name == "client_id" else value.startswith(f"{client_id}-")


@schemathesis.hook
def before_call(context, case, kwargs) -> None:
    name = _GUARDED.get((case.method.upper(), case.path))
    if name and case.path_parameters and _protected(name, case.path_parameters.get(name)):
        spare = _PROTECTED["spare"][name]
        case.path_parameters[name] = spare[len(_by_status) % len(spare)]


@schemathesis.hook
def after_call(context, case, response) -> None:
    _record(f"{case.method.upper()} {case.path}", str(response.status_code))


@schemathesis.hook
def after_network_error(context, case, request) -> None:
    _record(f"{case.method.upper()} {case.path}", "network-error")


@atexit.register
def _write() -> None:
    path = os.environ.get("EMOTIPAL_FUZZ_COUNTS")
    if path:
        with _lock:
            tally = {"requests": sum(_by_status.values()), "by_status": dict(_by_status),
                     "by_operation": {f"{op} -> {status}": n for (op, status), n in sorted(_by_operation.items())}}
        with open(path, "w") as out:
            json.dump(tally, out, indent=1, sort_keys=True)
