"""Powertools Logger and Metrics, shared by the whole app.

The logger writes JSON with a correlation id. It must never receive client data,
answers or tokens: log ids, routes, statuses and durations only.
"""
from __future__ import annotations

import logging

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="emotipal")
metrics = Metrics(namespace="Emotipal", service="emotipal")

# The AWS SDK logs whole request and response bodies at DEBUG (client names, answers,
# tokens). Whatever level the function runs at, these loggers stay at WARNING.
for _sdk_logger in ("botocore", "boto3", "urllib3", "s3transfer"):
    logging.getLogger(_sdk_logger).setLevel(logging.WARNING)
