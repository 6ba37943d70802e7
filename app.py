"""Emotipal API: wiring only. Routes live in chalicelib/http/routes, rules elsewhere.

Kept cheap to import: boto3, JWT and other heavy modules load on first use.
"""
from __future__ import annotations

import os

# The product uses no pydantic plugins; looking for them reads the metadata of every
# installed distribution when the first model is built, on the cold-start path.
# Set PYDANTIC_DISABLE_PLUGINS="" in the environment to look again.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from chalice import Chalice, CORSConfig, Rate

from chalicelib.config import get_settings
from chalicelib.http.middleware import observe_request
from chalicelib.http.routes import ROUTERS
from chalicelib.notifications.settings import sweep_minutes

app = Chalice(app_name="emotipal")
app.api.cors = CORSConfig(
    allow_origin=get_settings().web_origin,
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
    max_age=600,
)
for router in ROUTERS:
    app.register_blueprint(router.blueprint)

app.register_middleware(observe_request, "http")


# `chalice local` runs no schedules: the local stack calls the same function on a timer
# (devstack/stack.py, `periodic_tasks`).
@app.schedule(Rate(sweep_minutes(), unit=Rate.MINUTES), name="reminder_sweep")
def reminder_sweep(event) -> dict:
    """Send the reminders, risk-alert notices and daily digests that have come due; then, with
    the time left, erase discharged clients whose retention period has ended."""
    from chalicelib.clients import discharge
    from chalicelib.reminders import sweep

    context = getattr(event, "context", None)
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    report = sweep.run(remaining_millis=remaining).as_dict()
    if not report["stopped_early"]:
        report["erased_after_retention"] = discharge.erase_due(remaining_millis=remaining)
    return report
