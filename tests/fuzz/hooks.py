"""Schemathesis hooks (loaded by the `st` process through SCHEMATHESIS_HOOKS): count every
request the fuzzer sends, by operation and status, and write the tally when it exits."""
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
