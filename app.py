"""Emotipal API: wiring only. Routes live in chalicelib/http/routes, rules elsewhere.

Kept cheap to import: boto3, JWT and other heavy modules load on first use.
"""
from __future__ import annotations


from chalice import Chalice, CORSConfig

from chalicelib.config import get_settings
from chalicelib.http.middleware import observe_request
from chalicelib.http.routes import ROUTERS

app = Chalice(app_name="emotipal")
app.api.cors = CORSConfig(
    allow_origin=get_settings().web_origin,
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
    max_age=600,
)
for router in ROUTERS:
    app.register_blueprint(router.blueprint)

app.register_middleware(observe_request, "http")
