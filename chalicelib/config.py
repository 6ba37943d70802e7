"""Settings, read once from the environment.

Every stage (local, dev, prod, and the test suites) configures the product the same
way: through environment variables. `.chalice/config.json` sets them for deployed
stages; the local stack (`devstack`) sets them for `chalice local`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_name: str
    # Endpoint overrides for the local stack; None means real AWS.
    aws_endpoint: str | None
    dynamodb_endpoint: str | None
    cognito_pool_id: str
    cognito_client_id: str
    jwks_url_override: str | None
    web_client_url: str
    web_origin: str
    link_ttl_days: int
    exports_bucket: str
    ses_sender: str
    # Every API request answers within this (503 + Retry-After otherwise); API Gateway allows 29 s.
    request_deadline_seconds: float = 3.0

    @property
    def is_local(self) -> bool:
        return self.stage == "local"

    @property
    def cognito_issuer(self) -> str:
        # Cognito (and moto) always issue tokens with the regional AWS issuer.
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.cognito_pool_id}"

    @property
    def jwks_url(self) -> str:
        if self.jwks_url_override:
            return self.jwks_url_override
        if self.aws_endpoint:
            return f"{self.aws_endpoint.rstrip('/')}/{self.cognito_pool_id}/.well-known/jwks.json"
        return f"{self.cognito_issuer}/.well-known/jwks.json"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings for this process. Tests call `get_settings.cache_clear()` after changing env."""
    region = _env("AWS_REGION") or _env("AWS_DEFAULT_REGION") or "eu-west-2"
    return Settings(
        stage=_env("EMOTIPAL_STAGE", "local"),
        region=region,
        table_name=_env("EMOTIPAL_TABLE", "emotipal-local"),
        aws_endpoint=_env("EMOTIPAL_AWS_ENDPOINT") or None,
        dynamodb_endpoint=_env("EMOTIPAL_DYNAMODB_ENDPOINT") or _env("EMOTIPAL_AWS_ENDPOINT") or None,
        cognito_pool_id=_env("EMOTIPAL_COGNITO_POOL_ID"),
        cognito_client_id=_env("EMOTIPAL_COGNITO_CLIENT_ID"),
        jwks_url_override=_env("EMOTIPAL_JWKS_URL") or None,
        web_client_url=_env("EMOTIPAL_WEB_CLIENT_URL", "http://127.0.0.1:8001/client/"),
        web_origin=_env("EMOTIPAL_WEB_ORIGIN", "http://127.0.0.1:8001"),
        link_ttl_days=int(_env("EMOTIPAL_LINK_TTL_DAYS", "30") or 30),
        exports_bucket=_env("EMOTIPAL_EXPORTS_BUCKET", "emotipal-local-exports"),
        ses_sender=_env("EMOTIPAL_SES_SENDER", "no-reply@emotipal.test"),
        request_deadline_seconds=min(25.0, max(0.5, float(_env("EMOTIPAL_REQUEST_DEADLINE_SECONDS", "3") or 3))),
    )
