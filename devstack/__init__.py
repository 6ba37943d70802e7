"""The local stack: DynamoDB Local, moto in server mode, `chalice local`, the static pages.

`python -m devstack run` (what `make run` calls) starts it; the
integration and end-to-end tests start the same services.
"""
