"""Email (SES) and SMS (SNS) sending set-up."""
from __future__ import annotations

from aws_cdk import Stack, aws_ses as ses, custom_resources as cr
from constructs import Construct

from .settings import StageSettings


class Messaging(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: StageSettings) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            configuration_set_name=settings.prefix,
            reputation_metrics=True,
            sending_enabled=True,
            # Reminders carry links to health homework: never send them in clear text.
            tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE,
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        )
        self.identity = ses.EmailIdentity(
            self,
            "DomainIdentity",
            identity=ses.Identity.domain(settings.ses_domain),
            configuration_set=self.configuration_set,
            mail_from_domain=f"mail.{settings.ses_domain}",
        )
        self.identity_arn = stack.format_arn(
            service="ses", resource="identity", resource_name=settings.ses_domain
        )
        self.configuration_set_arn = stack.format_arn(
            service="ses",
            resource="configuration-set",
            resource_name=self.configuration_set.configuration_set_name,
        )

        # SMS preferences are account settings with no CloudFormation resource:
        # reminders are transactional (delivered even to numbers that block promotions).
        sms_preferences = cr.PhysicalResourceId.of(f"{settings.prefix}-sms-preferences")
        set_sms_attributes = cr.AwsSdkCall(
            service="SNS",
            action="setSMSAttributes",
            parameters={"attributes": {"DefaultSMSType": "Transactional"}},
            physical_resource_id=sms_preferences,
        )
        cr.AwsCustomResource(
            self,
            "SmsPreferences",
            on_create=set_sms_attributes,
            on_update=set_sms_attributes,
            install_latest_aws_sdk=False,
            policy=cr.AwsCustomResourcePolicy.from_sdk_calls(
                # SetSMSAttributes has no resource type: "*" is the only form IAM accepts.
                resources=cr.AwsCustomResourcePolicy.ANY_RESOURCE
            ),
        )
