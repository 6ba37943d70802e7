"""Powertools Logger and Metrics, shared by the whole app.

The logger writes JSON with a correlation id. It must never receive client data,
answers or tokens: log ids, routes, statuses and durations only.
"""
from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="emotipal")
metrics = Metrics(namespace="Emotipal", service="emotipal")
