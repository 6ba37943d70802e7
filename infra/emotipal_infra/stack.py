"""One deployment stage of Emotipal: data, identity, messaging, API, web pages, alarms."""
from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnOutput, RemovalPolicy, Stack, Tags
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from . import permissions
from .api import (
    API_HANDLER,
    REST_API,
    SWEEP_HANDLER,
    ChaliceApp,
    api_function_name,
    chalice_stage_config,
    function_log_group,
    harden_rest_api,
    sweep_function_name,
)
from .data import DataTable
from .identity import ClinicianIdentity
from .messaging import Messaging
from .monitoring import Alarms, Operations
from .settings import StageSettings
from .storage import Buckets
from .waf import API_STAGE, ApiFirewall, EdgeFirewallStack
from .web import StaticSite

# The name API Gateway gives the REST API (Chalice's app_name); alarms select on it.
REST_API_NAME = "emotipal"


class EmotipalStack(Stack):
    def __init__(
        self, scope: Construct, *, settings: StageSettings, source_dir: Path, **kwargs
    ) -> None:
        # The construct id is the Chalice stage name, so `.chalice/config.json`'s
        # stage settings apply to the packaged functions.
        super().__init__(scope, settings.stage, stack_name=settings.prefix, cross_region_references=True, **kwargs)
        Tags.of(self).add("product", "emotipal")
        Tags.of(self).add("stage", settings.stage)

        data = DataTable(self, "Data", settings=settings)
        buckets = Buckets(self, "Buckets", settings=settings)
        identity = ClinicianIdentity(self, "Identity", settings=settings)
        messaging = Messaging(self, "Messaging", settings=settings)
        operations = Operations(self, "Operations", settings=settings)

        # The HMAC key of reminder unsubscribe links. Not rotated automatically: a new key
        # would break the links in messages already sent.
        signing_secret = secretsmanager.Secret(
            self,
            "SigningSecret",
            description="Emotipal: HMAC key of one-click unsubscribe links",
            encryption_key=operations.key,
            generate_secret_string=secretsmanager.SecretStringGenerator(password_length=64,
                                                                        exclude_punctuation=True),
            removal_policy=RemovalPolicy.RETAIN if settings.stage == "prod" else RemovalPolicy.DESTROY,
        )
        # The VAPID private key that signs web push reminders. CloudFormation cannot make a P-256
        # key, so the secret starts as {"private_key": ""} (web push stays off: the page is told
        # it is not set up) until an operator puts a key in it (infra/README.md).
        vapid_secret = secretsmanager.Secret(
            self,
            "VapidSecret",
            description="Emotipal: VAPID private key of web push reminders",
            encryption_key=operations.key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template='{"private_key": ""}', generate_string_key="placeholder",
                exclude_punctuation=True),
            removal_policy=RemovalPolicy.RETAIN if settings.stage == "prod" else RemovalPolicy.DESTROY,
        )
        resources = permissions.Resources(
            table=data.table,
            table_key=data.key,
            exports_bucket=buckets.exports,
            exports_key=buckets.exports_key,
            user_pool_arn=identity.user_pool.user_pool_arn,
            ses_identity_arn=messaging.identity_arn,
            ses_configuration_set_arn=messaging.configuration_set_arn,
            dead_letters=operations.dead_letters,
            ops_key=operations.key,
            push_platform_arns=tuple(settings.push_platforms.values()),
            signing_secret_arn=signing_secret.secret_arn,
            vapid_secret_arn=vapid_secret.secret_arn,
        )
        api_name = api_function_name(settings)
        sweep_name = sweep_function_name(settings)
        api_role = permissions.api_role(self, resources, api_name)
        sweep_role = permissions.sweep_role(self, resources, sweep_name)

        environment = {
            "EMOTIPAL_STAGE": settings.stage,
            "EMOTIPAL_TABLE": data.table.table_name,
            "EMOTIPAL_COGNITO_POOL_ID": identity.user_pool.user_pool_id,
            "EMOTIPAL_COGNITO_CLIENT_ID": identity.client.user_pool_client_id,
            "EMOTIPAL_EXPORTS_BUCKET": buckets.exports.bucket_name,
            "EMOTIPAL_SES_SENDER": settings.ses_sender,
            "EMOTIPAL_SES_CONFIGURATION_SET": messaging.configuration_set.configuration_set_name,
            "EMOTIPAL_SIGNING_SECRET_ARN": signing_secret.secret_arn,
            "EMOTIPAL_VAPID_SECRET_ARN": vapid_secret.secret_arn,
        }
        for platform, arn in settings.push_platforms.items():
            environment[f"EMOTIPAL_{platform.upper()}_PLATFORM_ARN"] = arn

        self.app = ChaliceApp(
            self,
            "App",
            api_function_name=api_name,
            source_dir=str(source_dir),
            stage_config=chalice_stage_config(settings, api_role, environment),
        )
        api_function = self.app.get_resource(API_HANDLER)
        api_function.add_property_override("FunctionName", api_name)
        api_function.node.add_dependency(function_log_group(self, "ApiLogs", api_name, settings, operations.key))

        self.has_sweep = self.app.has_resource(SWEEP_HANDLER)
        if self.has_sweep:
            sweep = self.app.get_resource(SWEEP_HANDLER)
            sweep.add_property_override("FunctionName", sweep_name)
            sweep.add_property_override("Role", sweep_role.role_arn)
            sweep.add_property_override(
                "DeadLetterQueue", {"Type": "SQS", "TargetArn": operations.dead_letters.queue_arn}
            )
            sweep.node.add_dependency(function_log_group(self, "SweepLogs", sweep_name, settings, operations.key))

        harden_rest_api(self, self.app, settings, operations.key)
        rest_api_id = self.app.get_resource(REST_API).ref
        ApiFirewall(self, "ApiFirewall", settings=settings, rest_api_id=rest_api_id,
                    stage_resource_id=f"{REST_API}{API_STAGE}Stage")
        # CloudFront's web ACL must live in us-east-1: a small stack of its own, deployed with this one.
        # (The cross-region reference below makes this stack deploy after it.)
        self.edge = EdgeFirewallStack(scope, settings=settings, account=kwargs["env"].account if "env" in kwargs else None)
        api_origin = f"https://{rest_api_id}.execute-api.{self.region}.{self.url_suffix}"
        api_url = f"{api_origin}/api/"
        # The pages' CSP names the API, so they are made after it; the functions
        # learn the pages' URL afterwards, through overrides.
        site = StaticSite(
            self,
            "Web",
            settings=settings,
            site_bucket=buckets.site,
            log_bucket=buckets.cdn_logs,
            api_origin=api_origin,
            web_acl_arn=self.edge.acl.attr_arn,
        )
        site.deploy_pages(source_dir / "web", {"api": api_url, "stage": settings.stage}, buckets.site)
        web_origin = f"https://{site.domain_name}"
        for function in [API_HANDLER] + ([SWEEP_HANDLER] if self.has_sweep else []):
            self.app.add_environment_variable("EMOTIPAL_WEB_ORIGIN", web_origin, function)
            self.app.add_environment_variable("EMOTIPAL_WEB_CLIENT_URL", f"{web_origin}/client/", function)
            # Unsubscribe links in reminders point at the API itself.
            self.app.add_environment_variable("EMOTIPAL_API_URL", f"{api_origin}/api", function)

        Alarms(
            self,
            "Alarms",
            operations=operations,
            api_function_name=api_name,
            sweep_function_name=sweep_name if self.has_sweep else None,
            table_name=data.table.table_name,
            rest_api_name=REST_API_NAME,
        )

        CfnOutput(self, "ApiUrl", value=api_url)
        CfnOutput(self, "WebUrl", value=web_origin)
        CfnOutput(self, "UserPoolId", value=identity.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=identity.client.user_pool_client_id)
        CfnOutput(self, "TableName", value=data.table.table_name)
