"""Route-table helpers for the generated tests: every route, its path filled in, an example body."""
from __future__ import annotations

import json

from chalicelib.http.framework import ROUTES, RouteSpec


def protected_routes(auth: str) -> list[RouteSpec]:
    import app  # noqa: F401 - registers every route

    return [spec for spec in ROUTES if spec.auth == auth]


def route_id(spec: RouteSpec) -> str:
    return f"{spec.method} {spec.path}"


def fill_path(spec: RouteSpec, resources: dict[str, str]) -> str:
    path = spec.path
    for param in spec.path_params:
        assert param in resources, (
            f"{route_id(spec)}: the tenancy fixtures have no resource for {{{param}}}; add one to `victim_resources`")
        path = path.replace("{" + param + "}", resources[param])
    return path


def example_body(spec: RouteSpec) -> dict | None:
    if spec.body is None:
        return None
    examples = (spec.body.model_config.get("json_schema_extra") or {}).get("examples")
    assert examples, f"{route_id(spec)}: give {spec.body.__name__} an example in json_schema_extra"
    return examples[0]


def body_bytes(spec: RouteSpec) -> str | None:
    body = example_body(spec)
    return None if body is None else json.dumps(body)
