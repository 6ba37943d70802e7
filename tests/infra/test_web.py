import re


def _headers(stack):
    return stack.one("AWS::CloudFront::ResponseHeadersPolicy")[1]["Properties"]["ResponseHeadersPolicyConfig"]


def _csp(stack) -> str:
    policy = _headers(stack)["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    # The API origin is a CloudFormation expression; flatten it to text for inspection.
    if isinstance(policy, dict):
        return "".join(part if isinstance(part, str) else str(part) for part in policy["Fn::Join"][1])
    return policy


def _directives(csp: str) -> dict[str, str]:
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else "" for d in (x.strip() for x in csp.split(";"))}


def test_csp_forbids_inline_code_and_framing(stack):
    csp = _csp(stack)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    directives = _directives(csp)
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_csp_connects_only_to_itself_and_the_api(stack):
    connect = _directives(_csp(stack))["connect-src"]
    assert connect.startswith("'self' https://")
    assert "RestAPI" in connect and ".execute-api." in connect


def test_security_headers(stack):
    security = _headers(stack)["SecurityHeadersConfig"]
    hsts = security["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 31536000 and hsts["IncludeSubdomains"] and hsts["Override"]
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ContentTypeOptions"]["Override"] is True
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"


def test_distribution_routes_sections_with_headers_over_https(stack):
    distribution_id, distribution = stack.one("AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    headers_id = stack.one("AWS::CloudFront::ResponseHeadersPolicy")[0]
    behaviors = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert set(behaviors) == {"/client/*", "/admin/*"}
    for behavior in [config["DefaultCacheBehavior"], *behaviors.values()]:
        assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
        assert behavior["ResponseHeadersPolicyId"] == {"Ref": headers_id}
    assert config["DefaultRootObject"] == "index.html"
    (origin,) = config["Origins"]
    assert "OriginAccessControlId" in origin and origin["S3OriginConfig"]["OriginAccessIdentity"] == ""
    assert config["Logging"]["Bucket"]["Fn::GetAtt"][0].startswith("BucketsCdnLogs")


def test_pages_are_deployed_from_web_with_the_api_url(stack):
    deployment = stack.one("Custom::CDKBucketDeployment")[1]["Properties"]
    assert len(deployment["SourceObjectKeys"]) == 2  # web/ and the generated config.json
    marker_config = str(deployment.get("SourceMarkers", ""))
    assert "RestAPI" in marker_config and re.search(r"execute-api", marker_config)
