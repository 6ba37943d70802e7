"""The Chalice functions: environment, roles, names, and the reminder sweep's schedule."""
REQUIRED_ENVIRONMENT = {
    "EMOTIPAL_STAGE", "EMOTIPAL_TABLE", "EMOTIPAL_COGNITO_POOL_ID", "EMOTIPAL_COGNITO_CLIENT_ID",
    "EMOTIPAL_WEB_CLIENT_URL", "EMOTIPAL_WEB_ORIGIN", "EMOTIPAL_EXPORTS_BUCKET",
    "EMOTIPAL_SES_SENDER", "EMOTIPAL_SES_CONFIGURATION_SET", "EMOTIPAL_SIGNING_SECRET_ARN",
}


def _functions(stack):
    return stack.resources("AWS::Serverless::Function")


def _scheduled_handlers(chalice_app) -> set[str]:
    return {source.name for source in chalice_app.event_sources if hasattr(source, "schedule_expression")}


def test_api_function_environment_points_at_this_stage(stack):
    api = _functions(stack)["APIHandler"]["Properties"]
    env = api["Environment"]["Variables"]
    assert set(env) >= REQUIRED_ENVIRONMENT
    assert env["EMOTIPAL_STAGE"] == stack.stage
    assert env["EMOTIPAL_TABLE"] == {"Ref": stack.one("AWS::DynamoDB::GlobalTable")[0]}
    assert env["EMOTIPAL_EXPORTS_BUCKET"] == {"Ref": stack.one("AWS::S3::Bucket", "BucketsExports")[0]}
    distribution_id = stack.one("AWS::CloudFront::Distribution")[0]
    assert env["EMOTIPAL_WEB_CLIENT_URL"]["Fn::Join"][1][-1] == "/client/"
    assert distribution_id in str(env["EMOTIPAL_WEB_ORIGIN"])


def test_api_function_runs_as_our_role_traced_with_a_fixed_name(stack):
    api = _functions(stack)["APIHandler"]["Properties"]
    role_id = stack.one("AWS::IAM::Role", "ApiRole")[0]
    assert api["Role"] == {"Fn::GetAtt": [role_id, "Arn"]}
    assert api["FunctionName"] == f"emotipal-{stack.stage}-api"
    assert api["Tracing"] == "Active"


def test_rest_api_does_not_reference_the_function_resource(stack):
    """Otherwise API -> function -> web URL -> CSP -> API is a cycle CloudFormation rejects."""
    rest_api = stack.template["Resources"]["RestAPI"]
    assert "APIHandler" not in str(rest_api["Properties"]["DefinitionBody"])
    assert f"function:emotipal-{stack.stage}-api" in str(rest_api["Properties"]["DefinitionBody"])


def test_rest_api_is_traced_throttled_and_access_logged(stack):
    rest_api = stack.template["Resources"]["RestAPI"]["Properties"]
    assert rest_api["TracingEnabled"] is True
    assert rest_api["AccessLogSetting"]["DestinationArn"]["Fn::GetAtt"][0].startswith("ApiAccessLogs")
    (settings,) = rest_api["MethodSettings"]
    assert settings["ThrottlingRateLimit"] > 0 and settings["DataTraceEnabled"] is False
    assert settings["LoggingLevel"] == "OFF"


def test_function_log_groups_are_encrypted_with_retention(stack):
    for logical_id, group in stack.resources("AWS::Logs::LogGroup").items():
        props = group["Properties"]
        assert props["RetentionInDays"] in (30, 365), logical_id
        assert props["KmsKeyId"]["Fn::GetAtt"][0].startswith("OperationsOpsKey"), logical_id


def test_each_scheduled_handler_is_deployed_with_its_schedule_role_and_dead_letter_queue(stack, chalice_app):
    scheduled = _scheduled_handlers(chalice_app)
    deployed = {
        logical_id: f["Properties"]
        for logical_id, f in _functions(stack).items()
        if any(e["Type"] == "Schedule" for e in f["Properties"].get("Events", {}).values())
    }
    assert len(deployed) == len(scheduled)
    if "reminder_sweep" in scheduled:
        sweep = deployed["ReminderSweep"]
        assert sweep["FunctionName"] == f"emotipal-{stack.stage}-reminder-sweep"
        assert sweep["Role"] == {"Fn::GetAtt": [stack.one("AWS::IAM::Role", "SweepRole")[0], "Arn"]}
        queue_id = stack.one("AWS::SQS::Queue", "OperationsSweepDeadLetters")[0]
        assert sweep["DeadLetterQueue"] == {"Type": "SQS", "TargetArn": {"Fn::GetAtt": [queue_id, "Arn"]}}
        assert set(sweep["Environment"]["Variables"]) >= REQUIRED_ENVIRONMENT
    else:
        assert "ReminderSweep" not in stack.template["Resources"]


def test_signing_secret_is_kms_encrypted_and_readable_only_by_our_functions(stack):
    secret_id, secret = stack.one("AWS::SecretsManager::Secret", "SigningSecret")
    vapid_id = stack.one("AWS::SecretsManager::Secret", "VapidSecret")[0]  # tests/infra/test_web_push.py
    assert "KmsKeyId" in secret["Properties"]
    env = _functions(stack)["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["EMOTIPAL_SIGNING_SECRET_ARN"] == {"Ref": secret_id}
    readers = []
    for policy in stack.resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if "secretsmanager:GetSecretValue" in actions:
                # CDK merges it with the web push key's grant (tests/infra/test_web_push.py) into one statement.
                named = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                assert all(r in ({"Ref": secret_id}, {"Ref": vapid_id}) for r in named), named
                if {"Ref": secret_id} in named:
                    readers += [r["Ref"] for r in policy["Properties"]["Roles"]]
    assert any(r.startswith("ApiRole") for r in readers) and any(r.startswith("SweepRole") for r in readers)
