"""AWS WAF in front of the API (REGIONAL, on the API Gateway stage) and the web pages
(CLOUDFRONT scope, which AWS only accepts in us-east-1: a small stack of its own there).

Layers of sign-in protection, outermost first: these per-IP rate rules, the API's own
failed-attempt limits per account and per source (chalicelib/identity/signin_guard.py),
and Cognito's threat protection (identity.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Annotations, Stack, Tags
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from .settings import StageSettings

EDGE_REGION = "us-east-1"  # CloudFront web ACLs exist only there
# Requests per source IP per 5-minute window before WAF answers 429 for a while.
# Sign-in is a handful of requests per person; the client routes carry autosave.
AUTH_RATE_LIMIT = 100
CLIENT_RATE_LIMIT = 1000
SITE_RATE_LIMIT = 2000
# The API's stage as `chalice package` names it (the `/api/` in the API URL): WAF sees it in the path.
API_STAGE = "api"


@dataclass(frozen=True)
class RateRule:
    name: str
    limit: int
    path_prefix: str | None = None  # None: every request


def _visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    # Sampled requests would keep headers (bearer tokens) and URLs for the console: off.
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=False
    )


def _rate_rule(rule: RateRule, priority: int, prefix: str) -> wafv2.CfnWebACL.RuleProperty:
    scope_down = None
    if rule.path_prefix:
        scope_down = wafv2.CfnWebACL.StatementProperty(
            byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                positional_constraint="STARTS_WITH",
                search_string=rule.path_prefix,
                text_transformations=[
                    wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="URL_DECODE"),
                    wafv2.CfnWebACL.TextTransformationProperty(priority=1, type="LOWERCASE"),
                ],
            )
        )
    return wafv2.CfnWebACL.RuleProperty(
        name=rule.name,
        priority=priority,
        action=wafv2.CfnWebACL.RuleActionProperty(
            block=wafv2.CfnWebACL.BlockActionProperty(
                custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                    response_code=429,
                    response_headers=[wafv2.CfnWebACL.CustomHTTPHeaderProperty(name="Retry-After", value="300")],
                )
            )
        ),
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                aggregate_key_type="IP",
                limit=rule.limit,
                evaluation_window_sec=300,
                scope_down_statement=scope_down,
            )
        ),
        visibility_config=_visibility(f"{prefix}-{rule.name}"),
    )


def _managed_rule(name: str, priority: int, prefix: str,
                  count_only: tuple[str, ...] = ()) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS",
                name=name,
                rule_action_overrides=[
                    wafv2.CfnWebACL.RuleActionOverrideProperty(
                        name=rule, action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={})
                    )
                    for rule in count_only
                ] or None,
            )
        ),
        visibility_config=_visibility(f"{prefix}-{name}"),
    )


def web_acl(scope: Construct, construct_id: str, *, name: str, scope_kind: str,
            rate_rules: list[RateRule], count_only: tuple[str, ...] = ()) -> wafv2.CfnWebACL:
    rules = [_rate_rule(rule, index, name) for index, rule in enumerate(rate_rules)]
    rules += [
        _managed_rule("AWSManagedRulesCommonRuleSet", 10, name, count_only),
        # Includes Log4j / Java deserialisation probes.
        _managed_rule("AWSManagedRulesKnownBadInputsRuleSet", 11, name),
    ]
    return wafv2.CfnWebACL(
        scope,
        construct_id,
        name=name,
        scope=scope_kind,
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=_visibility(name),
        rules=rules,
    )


class ApiFirewall(Construct):
    """A REGIONAL web ACL associated with the API Gateway stage."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: StageSettings,
                 rest_api_id: str, stage_resource_id: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.acl = web_acl(
            self,
            "Acl",
            name=f"{settings.prefix}-api",
            scope_kind="REGIONAL",
            rate_rules=[
                RateRule("AuthRateLimit", AUTH_RATE_LIMIT, f"/{API_STAGE}/v1/auth/"),
                RateRule("ClientRateLimit", CLIENT_RATE_LIMIT, f"/{API_STAGE}/v1/client/"),
            ],
            # The API takes JSON bodies up to 256 KB (templates, long answers); the common
            # rule set blocks bodies over 8 KB. Counted, not blocked: the API checks sizes itself.
            count_only=("SizeRestrictions_BODY",),
        )
        association = wafv2.CfnWebACLAssociation(
            self,
            "Association",
            resource_arn=f"arn:{stack.partition}:apigateway:{stack.region}::/restapis/{rest_api_id}/stages/{API_STAGE}",
            web_acl_arn=self.acl.attr_arn,
        )
        # The stage is made by the SAM transform from the REST API (so CDK's own template check
        # cannot see it); associate after it exists.
        association.add_override("DependsOn", [stage_resource_id])
        Annotations.of(association).acknowledge_warning("CloudFormation-Validate::E3005",
                                                        "the stage is created by the SAM transform")


class EdgeFirewallStack(Stack):
    """The CLOUDFRONT-scope web ACL for the web pages' distribution, in us-east-1.

    Deployed with the stage's stack (`cdk deploy --all`); the stage's stack reads its ARN
    through CDK's cross-region references (an SSM parameter in us-east-1).
    """

    def __init__(self, scope: Construct, *, settings: StageSettings, account: str | None) -> None:
        super().__init__(scope, f"{settings.stage}-edge", stack_name=f"{settings.prefix}-edge",
                         env={"account": account, "region": EDGE_REGION}, cross_region_references=True)
        Tags.of(self).add("product", "emotipal")
        Tags.of(self).add("stage", settings.stage)
        self.acl = web_acl(
            self,
            "WebAcl",
            name=f"{settings.prefix}-web",
            scope_kind="CLOUDFRONT",
            rate_rules=[RateRule("SiteRateLimit", SITE_RATE_LIMIT)],
        )
