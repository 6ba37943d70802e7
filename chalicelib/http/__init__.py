"""The HTTP API: a small route framework over Chalice blueprints, the route modules, and
the OpenAPI document generated from them."""
