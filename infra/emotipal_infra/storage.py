"""S3 buckets: the access-log sink, the exports bucket (client data) and the static site."""
from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, aws_kms as kms, aws_s3 as s3
from constructs import Construct

from .settings import StageSettings

EXPORTS_PREFIX = "exports/"


class Buckets(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: StageSettings) -> None:
        super().__init__(scope, construct_id)
        # Dev buckets go with the stack once emptied; prod buckets outlive it.
        removal = RemovalPolicy.RETAIN if settings.protect_data else RemovalPolicy.DESTROY
        common = dict(
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            removal_policy=removal,
        )

        # S3 server access logs: delivered under a bucket policy. S3 log delivery
        # cannot write to an SSE-KMS bucket, hence S3-managed keys.
        self.logs = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=True,
            lifecycle_rules=[_expire_logs(settings)],
            **common,
        )
        # CloudFront standard logs are delivered through ACLs, so they get their own bucket.
        self.cdn_logs = s3.Bucket(
            self,
            "CdnLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            versioned=True,
            server_access_logs_bucket=self.logs,
            server_access_logs_prefix="s3/cdn-logs/",
            lifecycle_rules=[_expire_logs(settings)],
            **common,
        )

        self.exports_key = kms.Key(
            self,
            "ExportsKey",
            alias=f"alias/{settings.prefix}-exports",
            description="Encrypts exported worksheets (client health data).",
            enable_key_rotation=True,
            removal_policy=removal,
        )
        # Exports are short-lived copies: presigned for minutes, deleted after days.
        self.exports = s3.Bucket(
            self,
            "Exports",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.exports_key,
            bucket_key_enabled=True,
            versioned=True,
            server_access_logs_bucket=self.logs,
            server_access_logs_prefix="s3/exports/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-exports",
                    expiration=Duration.days(settings.export_expiry_days),
                    # Erased or expired exports must not linger as old versions.
                    noncurrent_version_expiration=Duration.days(1),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            **common,
        )

        # Static pages only (no client data): served privately through CloudFront.
        self.site = s3.Bucket(
            self,
            "Site",
            encryption=s3.BucketEncryption.S3_MANAGED,
            versioned=True,
            server_access_logs_bucket=self.logs,
            server_access_logs_prefix="s3/site/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-old-site-versions",
                    noncurrent_version_expiration=Duration.days(30),
                )
            ],
            **common,
        )


def _expire_logs(settings: StageSettings) -> s3.LifecycleRule:
    return s3.LifecycleRule(
        id="expire-logs",
        expiration=Duration.days(settings.log_retention_days),
        noncurrent_version_expiration=Duration.days(1),
        abort_incomplete_multipart_upload_after=Duration.days(1),
    )
