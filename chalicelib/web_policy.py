"""The Content-Security-Policy of the web pages, shared by CloudFront (infra/) and the
local stack's static server so the two cannot drift apart."""
from __future__ import annotations


def content_security_policy(api_origin: str, *, upgrade_insecure_requests: bool = True) -> str:
    """No inline script or style anywhere: the pages load their own files only.

    The local stack serves plain HTTP on loopback, so it leaves out
    `upgrade-insecure-requests`.
    """
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        f"connect-src 'self' {api_origin}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    if upgrade_insecure_requests:
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)
