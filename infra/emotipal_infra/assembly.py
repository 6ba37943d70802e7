"""Builds the CDK app for one stage: shared by infra/app.py and the infra tests."""
from __future__ import annotations

import json
import os
from pathlib import Path

import aws_cdk as cdk

from .settings import StageSettings, settings_from_context
from .stack import EmotipalStack

INFRA_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = INFRA_DIR.parent
CONTEXT_KEYS = (
    "stage", "region", "account", "sesDomain", "alarmEmail", "exportExpiryDays",
    "fcmPlatformArn", "apnsPlatformArn", "apiRateLimit", "webDomain", "webCertificateArn",
)


def project_context() -> dict:
    """cdk.json's context (feature flags, defaults): the cdk CLI reads it, direct runs need it too."""
    return json.loads((INFRA_DIR / "cdk.json").read_text())["context"]


def build_app(context: dict[str, str], outdir: str | None = None) -> tuple[cdk.App, EmotipalStack]:
    """The app and its one stack. Packages the Chalice app into ./chalice.out (cwd)."""
    app = cdk.App(context={**project_context(), **context}, outdir=outdir)
    settings = settings_from_context({key: app.node.try_get_context(key) for key in CONTEXT_KEYS})
    # `chalice package` asks botocore for the region to name service principals;
    # nothing is called, so no credentials are needed.
    os.environ.setdefault("AWS_DEFAULT_REGION", settings.region)
    stack = EmotipalStack(app, settings=settings, source_dir=REPO_ROOT, env=_environment(settings))
    return app, stack


def _environment(settings: StageSettings) -> cdk.Environment:
    # Under `cdk deploy` the CLI supplies the caller's account; plain synth stays account-agnostic.
    return cdk.Environment(
        account=settings.account or os.environ.get("CDK_DEFAULT_ACCOUNT"),
        region=settings.region,
    )
