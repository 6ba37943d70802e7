"""Per-request logging, metrics and error shaping."""
from __future__ import annotations

import json
import time
from typing import Any
from collections.abc import Callable

from chalice import Response

from chalicelib.http.framework import PROBLEM_CONTENT_TYPE, Problem, log_unexpected, problem_response
from chalicelib.observability import logger, metrics


def _as_problem(response: Response) -> Response:
    """Chalice's own errors (415, 404 from the router, ...) in our problem+json shape."""
    headers = {k.lower(): v for k, v in (response.headers or {}).items()}
    if response.status_code < 400 or headers.get("content-type") == PROBLEM_CONTENT_TYPE:
        return response
    detail = None
    try:
        body = response.body if isinstance(response.body, dict) else json.loads(response.body or "{}")
        detail = body.get("Message") if isinstance(body, dict) else None
    except (ValueError, TypeError):
        pass
    titles = {400: "Bad request", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
              413: "Request body too large", 415: "Unsupported media type"}
    problem = problem_response(Problem(response.status_code, titles.get(response.status_code, "Error"), detail))
    problem.headers = {**(response.headers or {}), **problem.headers}
    return problem


# Answers carry client data: no browser, proxy or CDN may keep them. Only these two
# public, data-free documents may be cached, briefly.
CACHEABLE = {"/v1/health": "no-cache", "/v1/openapi.json": "public, max-age=300"}


def _cache_headers(route: str, response: Response) -> None:
    headers = response.headers if response.headers is not None else {}
    if any(k.lower() == "cache-control" for k in headers):
        return
    if route in CACHEABLE and response.status_code < 400:
        headers["Cache-Control"] = CACHEABLE[route]
    else:
        headers.update({"Cache-Control": "no-store", "Pragma": "no-cache"})
    response.headers = headers


def observe_request(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """Correlation id, one log line per request (route and status only), and metrics."""
    context = event.context or {}
    logger.set_correlation_id(context.get("requestId"))
    route = context.get("resourcePath", "unknown")
    started = time.perf_counter()
    try:
        response = _as_problem(get_response(event))
    except Exception as error:  # noqa: BLE001 - never answer with a stack trace
        log_unexpected(error)
        response = problem_response(Problem(500, "Internal error", "Something went wrong; it has been logged."))
    _cache_headers(route, response)
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    logger.info("request", extra={"method": event.method, "route": route, "status": response.status_code,
                                  "duration_ms": elapsed_ms})
    metrics.add_metadata(key="route", value=f"{event.method} {route}")
    metrics.add_metric(name="Requests", unit="Count", value=1)
    metrics.add_metric(name="Latency", unit="Milliseconds", value=elapsed_ms)
    if response.status_code >= 500:
        metrics.add_metric(name="ServerErrors", unit="Count", value=1)
    metrics.flush_metrics()
    return response
