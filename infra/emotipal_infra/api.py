"""The Chalice application (API function, reminder sweep) packaged through Chalice's CDK construct."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import RemovalPolicy, aws_apigateway as apigateway, aws_iam as iam, aws_kms as kms, aws_logs as logs
from chalice.cdk import Chalice
from constructs import Construct

from .bytecode import add_bytecode
from .settings import StageSettings

# Logical ids `chalice package` gives the functions (from the handler names in app.py).
API_HANDLER = "APIHandler"
REST_API = "RestAPI"
SWEEP_HANDLER = "ReminderSweep"


def api_function_name(settings: StageSettings) -> str:
    return f"{settings.prefix}-api"


def sweep_function_name(settings: StageSettings) -> str:
    return f"{settings.prefix}-reminder-sweep"


def _replace_in_strings(node: Any, old: str, new: str) -> Any:
    if isinstance(node, str):
        return node.replace(old, new)
    if isinstance(node, list):
        return [_replace_in_strings(item, old, new) for item in node]
    if isinstance(node, dict):
        return {key: _replace_in_strings(value, old, new) for key, value in node.items()}
    return node


class ChaliceApp(Chalice):
    """Chalice's construct, with the REST API decoupled from the function resource.

    Its zip also carries the app's bytecode (see bytecode.py): Lambda cannot cache any.

    The pages' CSP names the API's URL, and the API function's environment names
    the pages' URL. Were the REST API to reference the function resource (as
    `chalice package` writes it), CloudFormation would see a cycle. The function
    has a fixed name, so the API's integration can name its ARN directly instead.
    """

    def __init__(self, scope: Construct, construct_id: str, *, api_function_name: str, **kwargs: Any) -> None:
        self._api_function_arn = (
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:" + api_function_name
        )
        super().__init__(scope, construct_id, **kwargs)

    def _package_app(self) -> None:
        super()._package_app()
        # Before the asset is made from the zip (next step), so the deployed zip has them.
        add_bytecode(self._sam_package_dir)

    def _generate_sam_template_with_assets(self, chalice_out_dir: str, package_id: str) -> str:
        path = Path(super()._generate_sam_template_with_assets(chalice_out_dir, package_id))
        template = json.loads(path.read_text())
        rest_api = template["Resources"].get(REST_API)
        if rest_api is not None:
            template["Resources"][REST_API] = _replace_in_strings(
                rest_api, f"${{{API_HANDLER}.Arn}}", self._api_function_arn
            )
            path.write_text(json.dumps(template, indent=2))
        return str(path)

    def has_resource(self, logical_id: str) -> bool:
        try:
            self.get_resource(logical_id)
        except Exception:  # noqa: BLE001 - CfnInclude raises a jsii error for unknown ids
            return False
        return True


def function_log_group(
    scope: Construct, construct_id: str, function_name: str, settings: StageSettings, key: kms.IKey
) -> logs.LogGroup:
    """Made before the function runs, so retention and encryption apply from the first line."""
    return logs.LogGroup(
        scope,
        construct_id,
        log_group_name=f"/aws/lambda/{function_name}",
        retention=_retention(settings.log_retention_days),
        encryption_key=key,
        removal_policy=RemovalPolicy.RETAIN if settings.protect_data else RemovalPolicy.DESTROY,
    )


def _retention(days: int) -> logs.RetentionDays:
    return {30: logs.RetentionDays.ONE_MONTH, 365: logs.RetentionDays.ONE_YEAR}[days]


def chalice_stage_config(
    settings: StageSettings, api_role: iam.IRole, environment: dict[str, str]
) -> dict[str, Any]:
    return {
        "manage_iam_role": False,
        "iam_role_arn": api_role.role_arn,
        "environment_variables": environment,
        "xray": True,
        "tags": {"product": "emotipal", "stage": settings.stage},
    }


# One JSON line per request; the resource path names the route, never the ids in it.
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "time": "$context.requestTime",
        "ip": "$context.identity.sourceIp",
        "method": "$context.httpMethod",
        "route": "$context.resourcePath",
        "status": "$context.status",
        "latencyMs": "$context.responseLatency",
        "integrationError": "$context.integration.error",
    }
)


def harden_rest_api(
    scope: Construct, app: ChaliceApp, settings: StageSettings, key: kms.IKey
) -> logs.LogGroup:
    """Tracing, access logs and throttling on the REST API stage `chalice package` made."""
    access_logs = logs.LogGroup(
        scope,
        "ApiAccessLogs",
        log_group_name=f"/aws/apigateway/{settings.prefix}-access",
        retention=_retention(settings.log_retention_days),
        encryption_key=key,
        removal_policy=RemovalPolicy.RETAIN if settings.protect_data else RemovalPolicy.DESTROY,
    )
    rest_api = app.get_resource(REST_API)
    rest_api.add_property_override("TracingEnabled", True)
    rest_api.add_property_override(
        "AccessLogSetting", {"DestinationArn": access_logs.log_group_arn, "Format": ACCESS_LOG_FORMAT}
    )
    rest_api.add_property_override(
        "MethodSettings",
        [
            {
                "ResourcePath": "/*",
                "HttpMethod": "*",
                "MetricsEnabled": True,
                # Execution logs would carry request bodies (client answers): keep them off.
                "LoggingLevel": "OFF",
                "DataTraceEnabled": False,
                "ThrottlingRateLimit": settings.api_rate_limit,
                "ThrottlingBurstLimit": settings.api_rate_limit * 2,
            }
        ],
    )
    # API Gateway writes access logs through a per-region account role.
    role = iam.Role(
        scope,
        "ApiGatewayLogsRole",
        assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name(
                "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
            )
        ],
    )
    account = apigateway.CfnAccount(scope, "ApiGatewayAccount", cloud_watch_role_arn=role.role_arn)
    rest_api.node.add_dependency(account)
    return access_logs
