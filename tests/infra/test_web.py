import re


def _policy(stack, name_suffix: str) -> tuple[str, dict]:
    """The response headers policy named `<prefix>-<name_suffix>`: (logical id, its config)."""
    (found,) = [(logical_id, resource["Properties"]["ResponseHeadersPolicyConfig"])
                for logical_id, resource in stack.resources("AWS::CloudFront::ResponseHeadersPolicy").items()
                if resource["Properties"]["ResponseHeadersPolicyConfig"]["Name"].endswith(f"-{name_suffix}")]
    return found


def _headers(stack):
    return _policy(stack, "security-headers")[1]


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
    headers_id = _policy(stack, "security-headers")[0]
    behaviors = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert set(behaviors) == {"/client/sw*.js", "/client/*", "/admin/*"}
    for behavior in [config["DefaultCacheBehavior"], behaviors["/client/*"], behaviors["/admin/*"]]:
        assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
        assert behavior["ResponseHeadersPolicyId"] == {"Ref": headers_id}
    assert config["DefaultRootObject"] == "index.html"
    (origin,) = config["Origins"]
    assert "OriginAccessControlId" in origin and origin["S3OriginConfig"]["OriginAccessIdentity"] == ""
    assert config["Logging"]["Bucket"]["Fn::GetAtt"][0].startswith("BucketsCdnLogs")


def test_the_service_worker_is_never_cached_and_keeps_the_security_headers(stack):
    config = stack.one("AWS::CloudFront::Distribution")[1]["Properties"]["DistributionConfig"]
    patterns = [b["PathPattern"] for b in config["CacheBehaviors"]]
    # CloudFront takes the first matching pattern: the worker's must come before /client/*.
    assert patterns.index("/client/sw*.js") < patterns.index("/client/*")
    worker = config["CacheBehaviors"][patterns.index("/client/sw*.js")]
    assert worker["ViewerProtocolPolicy"] == "redirect-to-https"
    # AWS's managed CachingDisabled policy.
    assert worker["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    worker_id, worker_headers = _policy(stack, "service-worker-headers")
    assert worker["ResponseHeadersPolicyId"] == {"Ref": worker_id}
    custom = {h["Header"]: h for h in worker_headers["CustomHeadersConfig"]["Items"]}
    assert custom["Cache-Control"]["Value"] == "no-cache" and custom["Cache-Control"]["Override"]
    assert worker_headers["SecurityHeadersConfig"] == _headers(stack)["SecurityHeadersConfig"]
    page_custom = {h["Header"] for h in _headers(stack)["CustomHeadersConfig"]["Items"]}
    assert "Cache-Control" not in page_custom and page_custom <= set(custom)


def test_pages_are_deployed_from_web_with_the_api_url(stack):
    deployment = stack.one("Custom::CDKBucketDeployment")[1]["Properties"]
    assert len(deployment["SourceObjectKeys"]) == 2  # web/ and the generated config.json
    marker_config = str(deployment.get("SourceMarkers", ""))
    assert "RestAPI" in marker_config and re.search(r"execute-api", marker_config)
