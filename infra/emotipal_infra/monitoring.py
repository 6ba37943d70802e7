"""Operational signals: the alarm topic, the sweep's dead-letter queue and the alarms."""
from __future__ import annotations

from aws_cdk import (
    Duration,
    RemovalPolicy,
    aws_cloudwatch as cloudwatch,
    aws_cloudwatch_actions as actions,
    aws_iam as iam,
    aws_kms as kms,
    aws_sns as sns,
    aws_sns_subscriptions as subscriptions,
    aws_sqs as sqs,
)
from constructs import Construct

from .settings import StageSettings

FIVE_MINUTES = Duration.minutes(5)


class Operations(Construct):
    """The key, topic and queue that exist before the functions do."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: StageSettings) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "OpsKey",
            alias=f"alias/{settings.prefix}-ops",
            description="Encrypts the alarm topic and the dead-letter queue.",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.DESTROY,
        )
        # CloudWatch publishes alarms to the encrypted topic with its own principal.
        self.key.grant(
            iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*"
        )
        self.alarm_topic = sns.Topic(
            self,
            "AlarmTopic",
            topic_name=f"{settings.prefix}-alarms",
            master_key=self.key,
            enforce_ssl=True,
        )
        if settings.alarm_email:
            self.alarm_topic.add_subscription(subscriptions.EmailSubscription(settings.alarm_email))
        # Scheduled (asynchronous) invocations that fail every retry land here.
        self.dead_letters = sqs.Queue(
            self,
            "SweepDeadLetters",
            queue_name=f"{settings.prefix}-sweep-dlq",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )


def _lambda_metric(function_name: str, metric: str, statistic: str = "Sum") -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace="AWS/Lambda",
        metric_name=metric,
        dimensions_map={"FunctionName": function_name},
        statistic=statistic,
        period=FIVE_MINUTES,
    )


def _dynamodb_metric(table_name: str, metric: str) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace="AWS/DynamoDB",
        metric_name=metric,
        dimensions_map={"TableName": table_name},
        statistic="Sum",
        period=FIVE_MINUTES,
    )


class Alarms(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        operations: Operations,
        api_function_name: str,
        sweep_function_name: str | None,
        table_name: str,
        rest_api_name: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self._action = actions.SnsAction(operations.alarm_topic)
        self.alarm("ApiErrors", _lambda_metric(api_function_name, "Errors"), "API function errors")
        self.alarm("ApiThrottles", _lambda_metric(api_function_name, "Throttles"), "API function throttled")
        self.alarm(
            "Api5xx",
            cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name="5XXError",
                dimensions_map={"ApiName": rest_api_name},
                statistic="Sum",
                period=FIVE_MINUTES,
            ),
            "API Gateway answered 5xx",
        )
        self.alarm("TableReadThrottles", _dynamodb_metric(table_name, "ReadThrottleEvents"), "DynamoDB read throttles")
        self.alarm("TableWriteThrottles", _dynamodb_metric(table_name, "WriteThrottleEvents"), "DynamoDB write throttles")
        self.alarm(
            "SweepDeadLetters",
            operations.dead_letters.metric_approximate_number_of_messages_visible(
                period=FIVE_MINUTES, statistic="Maximum"
            ),
            "Reminder sweep invocations gave up (dead-letter queue not empty)",
        )
        if sweep_function_name:
            self.alarm("SweepErrors", _lambda_metric(sweep_function_name, "Errors"), "Reminder sweep failed")
            self.alarm("SweepThrottles", _lambda_metric(sweep_function_name, "Throttles"), "Reminder sweep throttled")
            # A sweep that stops running sends no reminders and raises no errors.
            cloudwatch.Alarm(
                self,
                "SweepNotRunning",
                metric=_lambda_metric(sweep_function_name, "Invocations").with_(period=Duration.minutes(30)),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
                alarm_description="Reminder sweep has not run for 30 minutes",
            ).add_alarm_action(self._action)

    def alarm(self, construct_id: str, metric: cloudwatch.IMetric, description: str) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        return alarm
