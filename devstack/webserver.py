"""Serve `web/` on loopback with the security headers CloudFront adds in production.

Routes: `/client/` and `/admin/` (the two static apps), `/config.json` (tells the
pages where the API is), `/outbox` (HTML) and `/outbox?format=json` (what the
stack "sent").
"""
from __future__ import annotations

import json
import mimetypes
import posixpath
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from collections.abc import Callable
from urllib.parse import parse_qs, unquote, urlsplit

from chalicelib import web_policy

from devstack.outbox import OUTBOX_CSS, fetch_outbox, render_outbox_html
from devstack.processes import HOST, REPO_ROOT

WEB_ROOT = REPO_ROOT / "web"
# Types the platform's mimetypes table may lack (browsers expect the manifest as this type).
CONTENT_TYPES = {".webmanifest": "application/manifest+json"}


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(api_url: str) -> str:
    return web_policy.content_security_policy(origin_of(api_url), upgrade_insecure_requests=False)


def security_headers(api_url: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(api_url),
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


class _Handler(BaseHTTPRequestHandler):
    server_version = "EmotipalLocal"
    sys_version = ""
    # Set per server by make_web_server().
    web_root: Path = WEB_ROOT
    api_url: str = ""
    outbox_source: Callable[[], list[dict]] = staticmethod(list)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        # Request lines are not logged: query strings are the client's business.
        pass

    def _send(self, status: int, body: bytes, content_type: str, *, cache: str) -> None:
        self.send_response(status)
        for name, value in security_headers(self.api_url).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_html(self, status: int, html: str) -> None:
        self._send(status, html.encode(), "text/html; charset=utf-8", cache="no-store")

    def _send_json(self, payload: object) -> None:
        self._send(HTTPStatus.OK, json.dumps(payload).encode(), "application/json", cache="no-store")

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        for name, value in security_headers(self.api_url).items():
            self.send_header(name, value)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_found(self) -> None:
        self._send_html(HTTPStatus.NOT_FOUND, "<!doctype html><title>Not found</title><p>Not found.</p>")

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path == "/":
            return self._redirect("/admin/")
        if path in ("/client", "/admin"):
            return self._redirect(path + "/")
        if path == "/config.json":
            return self._send_json({"api": self.api_url})
        if path == "/outbox.css":
            return self._send(HTTPStatus.OK, OUTBOX_CSS.encode(), "text/css; charset=utf-8", cache="no-cache")
        if path == "/outbox":
            return self._outbox(parse_qs(parts.query).get("format", ["html"])[0])
        return self._static(path)

    def _outbox(self, output_format: str) -> None:
        try:
            messages = self.outbox_source()
        except OSError as error:
            message = f"moto is not answering: {error}"
            if output_format == "json":
                return self._send(HTTPStatus.BAD_GATEWAY, json.dumps({"error": message}).encode(),
                                  "application/json", cache="no-store")
            return self._send_html(HTTPStatus.BAD_GATEWAY, f"<!doctype html><p>{message}</p>")
        if output_format == "json":
            return self._send_json(messages)
        return self._send_html(HTTPStatus.OK, render_outbox_html(messages))

    def _static(self, path: str) -> None:
        file_path = self._resolve(path)
        if file_path is None:
            return self._not_found()
        content_type = (CONTENT_TYPES.get(file_path.suffix) or mimetypes.guess_type(file_path.name)[0]
                        or "application/octet-stream")
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json",
                                                                "application/manifest+json"):
            content_type += "; charset=utf-8"
        # HTML is never cached (it names the assets); assets, the service worker (sw.js) among
        # them, revalidate every time so a new version is seen at once.
        cache = "no-store" if file_path.suffix == ".html" else "no-cache"
        self._send(HTTPStatus.OK, file_path.read_bytes(), content_type, cache=cache)

    def _resolve(self, path: str) -> Path | None:
        """The file under web_root for path; None for anything outside it or hidden."""
        normalised = posixpath.normpath(path)
        segments = [segment for segment in normalised.split("/") if segment]
        if any(segment.startswith(".") for segment in segments):
            return None
        root = self.web_root.resolve()
        candidate = root.joinpath(*segments).resolve() if segments else root
        if candidate != root and root not in candidate.parents:
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"  # no directory listings
        return candidate if candidate.is_file() else None


class WebServer:
    """The static server on its own thread; stop() closes the socket."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="web", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> WebServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def make_web_server(port: int, *, api_url: str, moto_url: str, web_root: Path = WEB_ROOT) -> WebServer:
    handler = type(
        "EmotipalWebHandler",
        (_Handler,),
        {
            "web_root": web_root,
            "api_url": api_url,
            "outbox_source": staticmethod(lambda: fetch_outbox(moto_url)),
        },
    )
    server = ThreadingHTTPServer((HOST, port), handler)
    server.daemon_threads = True
    return WebServer(server)
