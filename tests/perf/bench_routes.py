"""Every route's latency and DynamoDB requests: `python -m tests.perf.bench_routes [--rounds 12]`.

Each route is answered through `app(event, context)` with an API Gateway proxy event,
against DynamoDB Local (moto's server for Cognito, S3, SES, SNS), and beside it the very
AWS requests that answer made (recorded with a botocore hook) are made again directly
with boto3, alternating, so the ratio of medians is our own overhead (goal p50 <= 1.2x).
The DynamoDB requests per route include authentication (goal <= 3, never a Scan).
Routes that change or delete things run last; the status column shows what they answered.
Every timed call should succeed: routes that use something up get a fresh one each round
(a client to erase, a sign-in challenge, an invitee), versioned writes send the stored
version, and sign-in uses a real password. A status marked `!` was an error answer: that
route was timed refusing, not working (listed at the end).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
import uuid
from typing import Any

from collections.abc import Callable

from tests.perf.bench_support import (SIGN_IN_PASSWORD, Call, Recorder, World, answer, local_stack, new_challenge,
                                      new_client, phq9, proxy_event, say, seed)

RATIO_GOAL = 1.2
REQUESTS_GOAL = 3


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Direct:
    """Plain boto3 clients, pointed where the app's are, that replay recorded requests."""

    def __init__(self, env: dict[str, str]) -> None:
        import boto3

        self._session = boto3.session.Session(region_name=env["AWS_REGION"])
        self._env = env
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            endpoint = self._env["EMOTIPAL_DYNAMODB_ENDPOINT"] if service == "dynamodb" else \
                self._env["EMOTIPAL_AWS_ENDPOINT"]
            self._clients[service] = self._session.client(service, endpoint_url=endpoint)
        return self._clients[service]

    def replay(self, calls: list[Call]) -> float:
        from botocore import xform_name
        from botocore.exceptions import ClientError

        started = time.perf_counter()
        for call in calls:
            try:
                getattr(self.client(call.service), xform_name(call.operation))(**call.params)
            except ClientError:
                pass  # a repeated conditional write fails its condition: still one round trip
        return (time.perf_counter() - started) * 1000


def _body(spec: Any, resources: dict[str, str]) -> Any:
    from tests.api.routes_matrix import example_body

    if spec.path.endswith("/submissions") and spec.method == "POST":
        return {"answers": phq9(1, 0, 1, 0, 1, 0, 1, 0, 0), "completion": "partial"}
    if spec.path.endswith("/draft"):
        return {"answers": {"phq9_1": "several_days"}, "version": None}  # no draft yet; then the stored one
    body = example_body(spec)
    if isinstance(body, dict):
        body = {k: resources.get(k, v) if k.endswith("_id") else v for k, v in body.items()}
    return body


def _fresh(app: Any, world: World) -> dict[tuple[str, str], Callable[[], dict[str, Any]]]:
    """Per route, what each round needs afresh (params, body or query) for its call to succeed."""
    from chalicelib.notifications.unsubscribe import make_token

    unsubscriber: list[str] = []

    def unsubscribe() -> dict[str, Any]:
        if not unsubscriber:  # a client of its own: unsubscribing changes the one other routes use
            unsubscriber.append(new_client(app, world))
        return {"query": {"token": make_token(unsubscriber[0], "email")}}

    def invitee() -> dict[str, Any]:
        return {"body": {"email": f"invitee-{uuid.uuid4().hex[:12]}@example.com", "display_name": "Dr Invitee",
                         "role": "clinician"}}

    return {
        ("POST", "/v1/auth/login"): lambda: {"body": {"email": world.sign_in_email, "password": SIGN_IN_PASSWORD}},
        ("POST", "/v1/auth/refresh"): lambda: {"body": {"refresh_token": world.refresh_token}},
        ("POST", "/v1/auth/challenge"): lambda: {"body": new_challenge()},
        ("POST", "/v1/clinicians"): invitee,
        ("DELETE", "/v1/clients/{client_id}"): lambda: {"params": {"client_id": new_client(app, world)}},
        ("GET", "/v1/unsubscribe"): unsubscribe,
        ("POST", "/v1/unsubscribe"): unsubscribe,
    }


def _order(spec: Any) -> int:
    """Routes that take something away run after those that need it."""
    if spec.method == "DELETE":
        return 3 if spec.path == "/v1/clients/{client_id}" else 2
    if spec.path.endswith("/deactivate") or spec.path.endswith("/access-link"):
        return 1  # a new link revokes the client's current one
    return 0


def _uses_spare(spec: Any) -> bool:
    """Submitting or skipping closes today's occurrence: each round gets an assignment of its own."""
    return spec.method == "POST" and spec.path.startswith("/v1/client/assignments/") and \
        (spec.path.endswith("/submissions") or spec.path.endswith("/skip"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    started = time.monotonic()
    with local_stack() as env:
        from app import app
        from chalicelib.http.framework import ROUTES

        recorder = Recorder()
        recorder.attach()  # before any client is made: each copies the session's handlers
        spares = args.rounds + 2
        world = seed(app, spare_assignments=2 * spares)
        direct = Direct(env)
        rows = []
        fresh = _fresh(app, world)
        quiet = contextlib.redirect_stdout(open(os.devnull, "w"))  # the app's log and metric lines
        quiet.__enter__()
        for spec in sorted(ROUTES, key=_order):
            params = {p: world.resources[p] for p in spec.path_params}
            body = _body(spec, world.resources)
            spare = iter(world.spare[:spares] if spec.path.endswith("/submissions") else world.spare[spares:])
            app_ms: list[float] = []
            direct_ms: list[float] = []
            counts: list[int] = []
            statuses: set[int] = set()
            operations: set[str] = set()
            for round_ in range(args.rounds + 2):  # two to warm up
                headers = world.headers(spec.auth)
                if "Idempotency-Key" in spec.headers:
                    headers["Idempotency-Key"] = f"bench-{uuid.uuid4().hex}"
                if _uses_spare(spec):
                    params["assignment_id"] = next(spare)
                query = None
                if (spec.method, spec.path) in fresh:  # made before the clock starts, and not recorded
                    made = fresh[(spec.method, spec.path)]()
                    params.update(made.get("params", {}))
                    body, query = made.get("body", body), made.get("query")
                event = proxy_event(spec.method, spec.path, params, headers, body, query)
                recorder.take()
                began = time.perf_counter()
                status, out = answer(app, event)
                if isinstance(body, dict) and "version" in body and isinstance(out, dict):
                    if "version" in out:
                        body = {**body, "version": out["version"]}  # the next save is of what is stored now
                    elif status == 409:  # the warm-up learns the stored version from the conflict
                        body = {**body, "version": (out.get("current") or {}).get("version")}
                elapsed = (time.perf_counter() - began) * 1000
                calls = recorder.take()
                replayed = direct.replay(calls)
                if round_ < 2:
                    continue
                app_ms.append(elapsed)
                direct_ms.append(replayed)
                statuses.add(status)
                dynamodb = [c for c in calls if c.service == "dynamodb"]
                counts.append(len(dynamodb))
                operations.update(c.operation for c in dynamodb)
            refused = any(s >= 400 for s in statuses)
            rows.append({
                "route": f"{spec.method} {spec.path}",
                "status": "/".join(map(str, sorted(statuses))) + ("!" if refused else ""), "refused": refused,
                "p50": statistics.median(app_ms), "p95": _p95(app_ms),
                "d50": statistics.median(direct_ms), "d95": _p95(direct_ms),
                "requests": max(counts), "scan": "Scan" in operations,
            })
        quiet.__exit__(None, None, None)
        _report(rows, args.rounds, time.monotonic() - started)
    return 0


def _report(rows: list[dict[str, Any]], rounds: int, seconds: float) -> None:
    say("\nevery route through app(event, context) beside the same AWS requests made directly with boto3")
    say(f"({rounds} rounds each, alternating; ms; DDB = DynamoDB requests per answer, authentication included)")
    say(f"{'route':<52} {'status':>11} {'app p50':>8} {'p95':>7} {'boto3 p50':>9} {'p95':>7} {'ratio':>6} {'DDB':>4}")
    over_ratio, over_requests, scans = [], [], []
    for row in rows:
        ratio = row["p50"] / row["d50"] if row["d50"] > 0.5 else None
        flags = []
        if ratio is not None and ratio > RATIO_GOAL:
            over_ratio.append(row["route"])
        if row["requests"] > REQUESTS_GOAL:
            over_requests.append(row["route"])
            flags.append(f">{REQUESTS_GOAL}")
        if row["scan"]:
            scans.append(row["route"])
            flags.append("SCAN")
        say(f"{row['route']:<52} {row['status']:>11} {row['p50']:8.1f} {row['p95']:7.1f} {row['d50']:9.1f} "
            f"{row['d95']:7.1f} {(f'{ratio:.2f}' if ratio is not None else 'n/a'):>6} {row['requests']:>4} "
            f"{' '.join(flags)}")
    ratios = [r["p50"] / r["d50"] for r in rows if r["d50"] > 0.5]
    say(f"median over routes of app p50 / boto3 p50 = {statistics.median(ratios):.2f} (goal <= {RATIO_GOAL}); "
        f"over goal: {len(over_ratio)} of {len(ratios)} routes")
    say(f"routes with more than {REQUESTS_GOAL} DynamoDB requests: {len(over_requests)}"
        + (f" ({', '.join(over_requests)})" if over_requests else ""))
    say(f"routes that Scan: {len(scans)}" + (f" ({', '.join(scans)})" if scans else ""))
    refused = [r["route"] for r in rows if r["refused"]]
    say(f"routes timed on an error answer (!): {len(refused)}" + (f" ({', '.join(refused)})" if refused else ""))
    say(f"({seconds:.0f} s in all)")


if __name__ == "__main__":
    sys.exit(main())
