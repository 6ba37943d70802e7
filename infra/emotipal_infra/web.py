"""The static client form and clinician admin page: S3 behind CloudFront."""
from __future__ import annotations

from pathlib import Path

from aws_cdk import (
    Duration,
    aws_certificatemanager as acm,
    aws_cloudfront as cloudfront,
    aws_cloudfront_origins as origins,
    aws_s3 as s3,
    aws_s3_deployment as s3_deployment,
)
from constructs import Construct

from .settings import StageSettings

WEB_SECTIONS = ("client", "admin")
# The client page's service worker and the script it imports: browsers must see a new version
# at once (an old one would keep serving an old copy of the page), so never cached anywhere.
SERVICE_WORKER_PATH = "/client/sw*.js"

# Directory URLs (/client/, /admin/assignments) serve that section's index.html.
_INDEX_REWRITE = """
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (uri.split('/').pop().indexOf('.') === -1) {
    request.uri = uri + '/index.html';
  }
  return request;
}
"""


def content_security_policy(api_origin: str) -> str:
    from chalicelib.web_policy import content_security_policy as policy  # one policy for CloudFront and the local stack

    return policy(api_origin)


def _custom_domain(scope: Construct, settings: StageSettings) -> dict:
    if not settings.web_domain:
        return {}
    certificate = acm.Certificate.from_certificate_arn(scope, "Certificate", settings.web_certificate_arn)
    return {"domain_names": [settings.web_domain], "certificate": certificate}


class StaticSite(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: StageSettings,
        site_bucket: s3.IBucket,
        log_bucket: s3.IBucket,
        api_origin: str,
        web_acl_arn: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.headers = self._headers_policy("SecurityHeaders", f"{settings.prefix}-security-headers", api_origin)
        self.worker_headers = self._headers_policy(
            "ServiceWorkerHeaders", f"{settings.prefix}-service-worker-headers", api_origin,
            cloudfront.ResponseCustomHeader(header="Cache-Control", value="no-cache", override=True),
        )
        index_rewrite = cloudfront.Function(
            self,
            "IndexRewrite",
            code=cloudfront.FunctionCode.from_inline(_INDEX_REWRITE),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="Serve index.html for directory URLs",
        )
        origin = origins.S3BucketOrigin.with_origin_access_control(site_bucket)
        section_behavior = cloudfront.BehaviorOptions(
            origin=origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            response_headers_policy=self.headers,
            function_associations=[
                cloudfront.FunctionAssociation(
                    function=index_rewrite, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                )
            ],
        )
        worker_behavior = cloudfront.BehaviorOptions(
            origin=origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            response_headers_policy=self.worker_headers,
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"Emotipal {settings.stage} web pages",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self.headers,
            ),
            # In order: the service worker's path before the /client/* it also matches.
            additional_behaviors={
                SERVICE_WORKER_PATH: worker_behavior,
                **{f"/{section}/*": section_behavior for section in WEB_SECTIONS},
            },
            # TLS 1.2+ needs a certificate of our own; the default *.cloudfront.net one allows TLS 1.0.
            **_custom_domain(self, settings),
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=log_bucket,
            log_file_prefix="cloudfront/",
            web_acl_id=web_acl_arn,
        )
        self.domain_name = settings.web_domain or self.distribution.distribution_domain_name

    def _headers_policy(
        self, construct_id: str, name: str, api_origin: str, *extra: cloudfront.ResponseCustomHeader
    ) -> cloudfront.ResponseHeadersPolicy:
        """The security headers every page and file gets, plus any extra ones."""
        return cloudfront.ResponseHeadersPolicy(
            self,
            construct_id,
            response_headers_policy_name=name,
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(api_origin), override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(730),
                    include_subdomains=True,
                    preload=True,
                    override=True,
                ),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                # The client's access token travels in the URL fragment; send no referrer at all.
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    cloudfront.ResponseCustomHeader(
                        header="Permissions-Policy",
                        value="camera=(), microphone=(), geolocation=(), payment=()",
                        override=True,
                    ),
                    cloudfront.ResponseCustomHeader(
                        header="Cross-Origin-Opener-Policy", value="same-origin", override=True
                    ),
                    *extra,
                ]
            ),
        )

    def deploy_pages(self, web_dir: Path, runtime_config: dict[str, str], bucket: s3.IBucket) -> None:
        """Upload `web/` plus a generated /config.json telling the pages where the API is."""
        s3_deployment.BucketDeployment(
            self,
            "Pages",
            sources=[
                s3_deployment.Source.asset(str(web_dir)),
                s3_deployment.Source.json_data("config.json", runtime_config),
            ],
            destination_bucket=bucket,
            distribution=self.distribution,
            distribution_paths=["/*"],
            memory_limit=256,
        )
