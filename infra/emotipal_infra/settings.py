"""What differs between stages, and the few values an operator supplies as CDK context."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

STAGES = ("dev", "prod")
DEFAULT_REGION = "eu-west-2"
# A reserved example domain: SES will never verify it, so a real deploy must pass
# `-c sesDomain=<your domain>`.
PLACEHOLDER_SES_DOMAIN = "emotipal.example"


@dataclass(frozen=True)
class StageSettings:
    stage: str
    region: str
    account: str | None
    ses_domain: str
    # Production keeps data when the stack is deleted and refuses accidental deletes.
    protect_data: bool
    # Cognito MFA: optional for developers, TOTP required for real clinicians.
    mfa_required: bool
    log_retention_days: int
    export_expiry_days: int
    alarm_email: str | None
    # Steady requests per second the API stage accepts (burst is twice this).
    api_rate_limit: int
    # Optional custom domain for the web pages, with its ACM certificate (us-east-1).
    web_domain: str | None
    web_certificate_arn: str | None
    # Push platform applications (FCM, APNs) have no CloudFormation resource and their
    # credentials must not pass through templates: they are created once by hand and
    # their ARNs given as context (`fcmPlatformArn`, `apnsPlatformArn`).
    push_platforms: dict[str, str]

    @property
    def prefix(self) -> str:
        return f"emotipal-{self.stage}"

    @property
    def ses_sender(self) -> str:
        return f"no-reply@{self.ses_domain}"


def settings_from_context(context: dict[str, Any]) -> StageSettings:
    """Build the settings from CDK context (`-c key=value`), validating the stage."""
    stage = str(context.get("stage") or "dev")
    if bool(context.get("webDomain")) != bool(context.get("webCertificateArn")):
        raise ValueError("webDomain and webCertificateArn go together")
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, not {stage!r}")
    prod = stage == "prod"
    platforms = {"fcm": context.get("fcmPlatformArn"), "apns": context.get("apnsPlatformArn")}
    return StageSettings(
        stage=stage,
        region=str(context.get("region") or DEFAULT_REGION),
        account=context.get("account"),
        ses_domain=str(context.get("sesDomain") or PLACEHOLDER_SES_DOMAIN),
        protect_data=prod,
        mfa_required=prod,
        log_retention_days=365 if prod else 30,
        export_expiry_days=int(context.get("exportExpiryDays") or 7),
        alarm_email=context.get("alarmEmail"),
        api_rate_limit=int(context.get("apiRateLimit") or (100 if prod else 20)),
        web_domain=context.get("webDomain"),
        web_certificate_arn=context.get("webCertificateArn"),
        push_platforms={name: str(arn) for name, arn in platforms.items() if arn},
    )
