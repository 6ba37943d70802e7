"""Least-privilege policies for the two functions.

Every data action names its resources. Two actions take no resource at all and are
granted on "*" because IAM accepts nothing else: publishing SMS straight to a phone
number (sns:Publish, sns:CheckIfPhoneNumberIsOptedOut) and X-Ray trace upload.

What the reminder channels need comes from the channels themselves
(`chalicelib/channels`, standard library only): each declares its grants on named
resources, mapped to ARNs here.
"""
from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import ArnFormat, Stack, aws_dynamodb as dynamodb, aws_iam as iam, aws_kms as kms, aws_s3 as s3, aws_sqs as sqs

from chalicelib import channels  # standard library only: the reminder channels' IAM grants

# DynamoDB authorises TransactWriteItems/TransactGetItems through these item actions;
# there is no separate IAM action for transactions. No Scan: the product never scans.
API_TABLE_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
]
# The sweep reads the due-index, records sends and moves reminders on; it deletes nothing.
SWEEP_TABLE_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:ConditionCheckItem",
]
EXPORT_OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
KEY_USE_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"]
CLINICIAN_ADMIN_ACTIONS = [
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminGetUser",
    "cognito-idp:AdminDisableUser",
    "cognito-idp:AdminEnableUser",
    "cognito-idp:AdminUserGlobalSignOut",
    "cognito-idp:AdminInitiateAuth",
    "cognito-idp:AdminRespondToAuthChallenge",
]
TRACE_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]


@dataclass(frozen=True)
class Resources:
    """The ARNs the functions are allowed to touch."""

    table: dynamodb.ITableV2
    table_key: kms.IKey
    exports_bucket: s3.IBucket
    exports_key: kms.IKey
    user_pool_arn: str
    ses_identity_arn: str
    ses_configuration_set_arn: str
    dead_letters: sqs.IQueue
    ops_key: kms.IKey
    push_platform_arns: tuple[str, ...]
    signing_secret_arn: str = ""
    vapid_secret_arn: str = ""


def _via(stack: Stack, *services: str) -> dict:
    """Keys may only be used through the named services, never directly."""
    return {"StringEquals": {"kms:ViaService": [f"{service}.{stack.region}.amazonaws.com" for service in services]}}


def _table_statements(stack: Stack, resources: Resources, actions: list[str]) -> list[iam.PolicyStatement]:
    """The table and its indexes, and its key used only through DynamoDB."""
    table_arn = resources.table.table_arn
    return [
        iam.PolicyStatement(actions=actions, resources=[table_arn, f"{table_arn}/index/*"]),
        iam.PolicyStatement(actions=KEY_USE_ACTIONS, resources=[resources.table_key.key_arn],
                            conditions=_via(stack, "dynamodb")),
    ]


def _logs_statement(stack: Stack, function_name: str) -> iam.PolicyStatement:
    log_group = stack.format_arn(
        service="logs",
        resource="log-group",
        resource_name=f"/aws/lambda/{function_name}",
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )
    return iam.PolicyStatement(
        actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"{log_group}:*"]
    )


def channel_resource_arns(stack: Stack, resources: Resources) -> dict[str, list[str]]:
    """The ARNs behind each resource name a channel grant may use (channels.RESOURCES)."""
    return {
        "any": ["*"],
        "ses_identity": [resources.ses_identity_arn],
        "ses_configuration_set": [resources.ses_configuration_set_arn],
        "push_applications": list(resources.push_platform_arns),
        "push_endpoints": _endpoint_arns(stack, resources),
        "vapid_secret": [resources.vapid_secret_arn] if resources.vapid_secret_arn else [],
    }


def _channel_statements(stack: Stack, resources: Resources, function: str) -> list[iam.PolicyStatement]:
    """Each reminder channel's grants for `function`; one on resources not set up in this
    stage (push without platform applications) is left out."""
    arns = channel_resource_arns(stack, resources)
    statements = []
    for grant in channels.grants(function):
        named = [arn for name in grant.resources for arn in arns[name]]
        if named:
            statements.append(iam.PolicyStatement(actions=list(grant.actions), resources=named))
    return statements


def _signing_secret_statements(stack: Stack, resources: Resources) -> list[iam.PolicyStatement]:
    """Reading the HMAC key of unsubscribe links (the API checks them, the sweep makes them)."""
    if not resources.signing_secret_arn:
        return []
    return [
        iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[resources.signing_secret_arn]),
        iam.PolicyStatement(actions=["kms:Decrypt"], resources=[resources.ops_key.key_arn],
                            conditions=_via(stack, "secretsmanager")),
    ]


def _execution_role(scope, construct_id: str, description: str) -> iam.Role:
    return iam.Role(
        scope,
        construct_id,
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=description,
    )


def api_role(scope, resources: Resources, function_name: str) -> iam.Role:
    stack = Stack.of(scope)
    role = _execution_role(scope, "ApiRole", "Emotipal API function")
    statements = [
        *_table_statements(stack, resources, API_TABLE_ACTIONS),
        iam.PolicyStatement(
            actions=EXPORT_OBJECT_ACTIONS,
            resources=[resources.exports_bucket.arn_for_objects("*")],
        ),
        iam.PolicyStatement(
            actions=KEY_USE_ACTIONS,
            resources=[resources.exports_key.key_arn],
            conditions=_via(stack, "s3"),
        ),
        iam.PolicyStatement(actions=CLINICIAN_ADMIN_ACTIONS, resources=[resources.user_pool_arn]),
        *_channel_statements(stack, resources, "api"),
        *_signing_secret_statements(stack, resources),
        _logs_statement(stack, function_name),
        iam.PolicyStatement(actions=TRACE_ACTIONS, resources=["*"]),
    ]
    for statement in statements:
        role.add_to_policy(statement)
    return role


def sweep_role(scope, resources: Resources, function_name: str) -> iam.Role:
    stack = Stack.of(scope)
    role = _execution_role(scope, "SweepRole", "Emotipal reminder sweep function")
    statements = [
        *_table_statements(stack, resources, SWEEP_TABLE_ACTIONS),
        *_channel_statements(stack, resources, "sweep"),
        *_signing_secret_statements(stack, resources),
        # Lambda delivers failed asynchronous events to the DLQ as the function's role.
        iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[resources.dead_letters.queue_arn]),
        iam.PolicyStatement(
            actions=KEY_USE_ACTIONS, resources=[resources.ops_key.key_arn], conditions=_via(stack, "sqs")
        ),
        _logs_statement(stack, function_name),
        iam.PolicyStatement(actions=TRACE_ACTIONS, resources=["*"]),
    ]
    for statement in statements:
        role.add_to_policy(statement)
    return role


def _endpoint_arns(stack: Stack, resources: Resources) -> list[str]:
    # Endpoints live under their platform application: endpoint/<platform>/<app>/<id>.
    return [
        arn.replace(":app/", ":endpoint/", 1) + "/*" for arn in resources.push_platform_arns
    ]
