"""AWS WAF: a REGIONAL web ACL on the API stage with per-IP rate rules for sign-in and
the client routes plus AWS managed rules; a CLOUDFRONT-scope ACL (us-east-1) on the pages."""
from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Template

MANAGED = {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}


def _rules(acl: dict) -> dict[str, dict]:
    return {rule["Name"]: rule for rule in acl["Properties"]["Rules"]}


def _managed(rules: dict[str, dict]) -> set[str]:
    return {r["Statement"]["ManagedRuleGroupStatement"]["Name"] for r in rules.values()
            if "ManagedRuleGroupStatement" in r["Statement"]}


@pytest.fixture(scope="session")
def edge_templates(stacks) -> dict[str, dict]:
    """The us-east-1 stack of each stage, synthesized beside the stage's own."""
    return {stage: json.loads((s.path.parent / f"{stage}-edge.template.json").read_text())
            for stage, s in stacks.items()}


def test_api_acl_rate_limits_sign_in_and_client_routes_per_ip(stack):
    _, acl = stack.one("AWS::WAFv2::WebACL")
    assert acl["Properties"]["Scope"] == "REGIONAL"
    assert acl["Properties"]["DefaultAction"] == {"Allow": {}}
    rules = _rules(acl)
    for name, prefix in (("AuthRateLimit", "/api/v1/auth/"), ("ClientRateLimit", "/api/v1/client/")):
        statement = rules[name]["Statement"]["RateBasedStatement"]
        assert statement["AggregateKeyType"] == "IP" and 0 < statement["Limit"] <= 2000
        match = statement["ScopeDownStatement"]["ByteMatchStatement"]
        assert match["PositionalConstraint"] == "STARTS_WITH" and match["SearchString"] == prefix
        assert "UriPath" in match["FieldToMatch"]
        block = rules[name]["Action"]["Block"]["CustomResponse"]
        assert block["ResponseCode"] == 429
    assert rules["AuthRateLimit"]["Statement"]["RateBasedStatement"]["Limit"] < \
        rules["ClientRateLimit"]["Statement"]["RateBasedStatement"]["Limit"]
    assert _managed(rules) == MANAGED
    # No sampled requests: they would keep bearer tokens and URLs for the console.
    assert all(r["VisibilityConfig"]["SampledRequestsEnabled"] is False for r in rules.values())


def test_common_rules_do_not_block_the_api_s_larger_json_bodies(stack):
    _, acl = stack.one("AWS::WAFv2::WebACL")
    common = _rules(acl)["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    assert common["RuleActionOverrides"] == [{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}]


def test_api_acl_is_associated_with_the_api_stage(stack):
    acl_id, _ = stack.one("AWS::WAFv2::WebACL")
    _, association = stack.one("AWS::WAFv2::WebACLAssociation")
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    arn = json.dumps(association["Properties"]["ResourceArn"])
    assert "/restapis/" in arn and '{"Ref": "RestAPI"}' in arn and arn.endswith('/stages/api"]]}')
    assert association["DependsOn"] == ["RestAPIapiStage"]


def test_distribution_uses_the_edge_acl(stack):
    _, distribution = stack.one("AWS::CloudFront::Distribution")
    acl = distribution["Properties"]["DistributionConfig"]["WebACLId"]
    # A cross-region reference: read from us-east-1 at deploy time.
    reader, attribute = acl["Fn::GetAtt"]
    assert reader.startswith("ExportsReader") and "WebAcl" in attribute


def test_edge_acl_is_cloudfront_scope_with_managed_rules_and_a_rate_limit(edge_templates, stacks):
    for stage, template in edge_templates.items():
        Template.from_json(template).resource_count_is("AWS::WAFv2::WebACL", 1)
        acl = next(r for r in template["Resources"].values() if r["Type"] == "AWS::WAFv2::WebACL")
        assert acl["Properties"]["Scope"] == "CLOUDFRONT"
        rules = _rules(acl)
        assert _managed(rules) == MANAGED
        assert rules["SiteRateLimit"]["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
        assert acl["Properties"]["Name"] == f"emotipal-{stage}-web"


def test_cognito_threat_protection_stays_on_behind_the_firewall(stack):
    stack.assertions.has_resource_properties("AWS::Cognito::UserPool", {
        "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}})
