"""Least privilege: no service-wide wildcards, no data action on Resource "*"."""
DATA_SERVICES = ("dynamodb", "s3", "kms")
# Actions IAM accepts only on "*": direct SMS publish, its opt-out check, X-Ray, and the
# CDK-managed helpers' CloudFront invalidation and SMS account preferences.
ALLOWED_ON_ANY_RESOURCE = {
    "sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut",
    "xray:PutTraceSegments", "xray:PutTelemetryRecords",
    "cloudfront:GetInvalidation", "cloudfront:CreateInvalidation", "sns:SetSMSAttributes",
}


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _policy_documents(stack):
    for logical_id, policy in stack.resources("AWS::IAM::Policy").items():
        yield logical_id, policy["Properties"]["PolicyDocument"]
    for logical_id, role in stack.resources("AWS::IAM::Role").items():
        for inline in role["Properties"].get("Policies", []):
            yield logical_id, inline["PolicyDocument"]


def _allow_statements(stack):
    for logical_id, document in _policy_documents(stack):
        for statement in document["Statement"]:
            if statement["Effect"] == "Allow":
                yield logical_id, statement


def test_there_are_policies_to_check(stack):
    assert sum(1 for _ in _allow_statements(stack)) >= 10


def test_no_service_wide_action_wildcards(stack):
    for logical_id, statement in _allow_statements(stack):
        for action in _as_list(statement["Action"]):
            assert action != "*" and not action.endswith(":*"), (logical_id, action)


def test_no_data_action_on_any_resource(stack):
    for logical_id, statement in _allow_statements(stack):
        if "*" not in _as_list(statement["Resource"]):
            continue
        for action in _as_list(statement["Action"]):
            assert action.split(":")[0] not in DATA_SERVICES, (logical_id, action)
            assert action in ALLOWED_ON_ANY_RESOURCE, (logical_id, action)


def _role_actions(stack, prefix):
    role_id = stack.one("AWS::IAM::Role", prefix)[0]
    actions = {}
    for logical_id, policy in stack.resources("AWS::IAM::Policy").items():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                for action in _as_list(statement["Action"]):
                    actions.setdefault(action, []).extend(_as_list(statement["Resource"]))
    return actions


def test_api_role_reaches_only_table_and_its_indexes_without_scan(stack):
    actions = _role_actions(stack, "ApiRole")
    assert "dynamodb:Scan" not in actions
    table_id = stack.one("AWS::DynamoDB::GlobalTable")[0]
    for action in ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem",
                   "dynamodb:DeleteItem", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem",
                   "dynamodb:ConditionCheckItem"):
        resources = actions[action]
        assert len(resources) == 2 and all(table_id in str(r) for r in resources), action
        assert any("/index/*" in str(r) for r in resources), action


def test_api_role_object_and_key_access_is_scoped(stack):
    actions = _role_actions(stack, "ApiRole")
    exports_id = stack.one("AWS::S3::Bucket", "BucketsExports")[0]
    assert {a for a in actions if a.startswith("s3:")} == {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}
    assert all(exports_id in str(r) for r in actions["s3:GetObject"])
    # The ops key only to read the unsubscribe-link secret, through Secrets Manager.
    keys = {stack.one("AWS::KMS::Key", "DataTableKey")[0], stack.one("AWS::KMS::Key", "BucketsExportsKey")[0],
            stack.one("AWS::KMS::Key", "OperationsOpsKey")[0]}
    assert {a for a in actions if a.startswith("kms:")} == {"kms:Decrypt", "kms:GenerateDataKey"}
    assert {r["Fn::GetAtt"][0] for r in actions["kms:Decrypt"]} == keys


def test_api_role_admin_and_email_actions_name_their_resources(stack):
    actions = _role_actions(stack, "ApiRole")
    pool_id = stack.one("AWS::Cognito::UserPool")[0]
    cognito = [a for a in actions if a.startswith("cognito-idp:")]
    assert "cognito-idp:AdminCreateUser" in cognito
    assert all(actions[a] == [{"Fn::GetAtt": [pool_id, "Arn"]}] for a in cognito)
    assert len(actions["ses:SendEmail"]) == 2 and "*" not in actions["ses:SendEmail"]


def test_sweep_role_is_narrower_than_the_api_role(stack):
    api = _role_actions(stack, "ApiRole")
    sweep = _role_actions(stack, "SweepRole")
    assert not any(a.startswith(("s3:", "cognito-idp:")) for a in sweep)
    assert "dynamodb:DeleteItem" not in sweep and "dynamodb:Scan" not in sweep
    assert {a for a in sweep if a.startswith("dynamodb:")} < {a for a in api if a.startswith("dynamodb:")}
    queue_id = stack.one("AWS::SQS::Queue", "OperationsSweepDeadLetters")[0]
    assert sweep["sqs:SendMessage"] == [{"Fn::GetAtt": [queue_id, "Arn"]}]


def test_every_resource_a_channel_grant_may_name_has_arns_here():
    from types import SimpleNamespace

    from chalicelib import channels
    from emotipal_infra import permissions

    resources = SimpleNamespace(ses_identity_arn="arn:ses-identity", ses_configuration_set_arn="arn:ses-set",
                                push_platform_arns=("arn:aws:sns:eu-west-2:111122223333:app/GCM/emotipal",),
                                vapid_secret_arn="arn:vapid-secret")
    arns = permissions.channel_resource_arns(None, resources)
    assert set(arns) == set(channels.RESOURCES)
    assert arns["push_endpoints"] == ["arn:aws:sns:eu-west-2:111122223333:endpoint/GCM/emotipal/*"]
    assert arns["vapid_secret"] == ["arn:vapid-secret"]


def test_each_role_has_what_the_reminder_channels_declare(stack):
    from chalicelib import channels

    for prefix, function in (("ApiRole", "api"), ("SweepRole", "sweep")):
        actions = _role_actions(stack, prefix)
        for grant in channels.grants(function):
            if set(grant.resources) <= {"push_applications", "push_endpoints"}:
                continue  # no push platform applications in these stages' context
            for action in grant.actions:
                assert action in actions, (prefix, action)
    assert _role_actions(stack, "SweepRole")["ses:SendEmail"]
