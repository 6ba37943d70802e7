def _alarms(stack):
    return [a["Properties"] for a in stack.resources("AWS::CloudWatch::Alarm").values()]


def _alarm_for(stack, namespace, metric, dimension_value=None):
    found = [
        a for a in _alarms(stack)
        if a.get("Namespace") == namespace and a.get("MetricName") == metric
        and (dimension_value is None or any(d["Value"] == dimension_value for d in a.get("Dimensions", [])))
    ]
    assert found, f"no alarm on {namespace} {metric} {dimension_value or ''}"
    return found[0]


def test_api_function_errors_and_throttles_alarm(stack):
    for metric in ("Errors", "Throttles"):
        _alarm_for(stack, "AWS/Lambda", metric, f"emotipal-{stack.stage}-api")


def test_table_throttles_alarm(stack):
    for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
        alarm = _alarm_for(stack, "AWS/DynamoDB", metric)
        assert alarm["Dimensions"][0]["Value"] == {"Ref": stack.one("AWS::DynamoDB::GlobalTable")[0]}


def test_dead_letter_queue_messages_alarm(stack):
    alarm = _alarm_for(stack, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert alarm["Threshold"] == 1 and alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_sweep_failures_alarm_when_the_app_has_a_sweep(stack, chalice_app):
    has_sweep = any(getattr(s, "name", None) == "reminder_sweep" for s in chalice_app.event_sources)
    sweep_alarms = [
        a for a in _alarms(stack)
        if a.get("MetricName") == "Errors"
        and any(d["Value"] == f"emotipal-{stack.stage}-reminder-sweep" for d in a.get("Dimensions", []))
    ]
    assert len(sweep_alarms) == (1 if has_sweep else 0)


def test_every_alarm_notifies_the_encrypted_topic(stack):
    topic_id, topic = stack.one("AWS::SNS::Topic", "OperationsAlarmTopic")
    assert topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0].startswith("OperationsOpsKey")
    alarms = _alarms(stack)
    assert len(alarms) >= 6
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topic_id}]


def test_dead_letter_queue_is_kms_encrypted(stack):
    queue = stack.one("AWS::SQS::Queue", "OperationsSweepDeadLetters")[1]["Properties"]
    assert queue["KmsMasterKeyId"]["Fn::GetAtt"][0].startswith("OperationsOpsKey")


def test_cloudwatch_may_use_the_topic_key(stack):
    key = stack.one("AWS::KMS::Key", "OperationsOpsKey")[1]["Properties"]
    statements = key["KeyPolicy"]["Statement"]
    assert any(s["Principal"] == {"Service": "cloudwatch.amazonaws.com"} for s in statements)
