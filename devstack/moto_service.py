"""moto in server mode, as the local stack runs it: `python -m devstack.moto_service`.

Two additions to moto's own server:

* Requests are handled one at a time. moto draws every id (Cognito `sub`s, pool
  ids, message ids) from one seeded random generator, and its recorder writes
  requests in arrival order. Serialising requests makes the recorded order the
  order in which ids were drawn, so replaying the recording under the same seed
  gives every user back the same `sub` (see `moto_state`).
* `GET /_outbox` lists the emails and SMS moto has "sent". moto keeps no send
  time, so the time comes from the request's `X-Amz-Date` header, which the
  recorder keeps: replayed messages get their original time back.
"""
from __future__ import annotations

import argparse
import email
import email.policy
import json
import logging
import threading
from datetime import datetime, UTC
from html.parser import HTMLParser
from typing import Any
from collections.abc import Callable, Iterable

OUTBOX_PATH = "/_outbox"
# The replay handler calls back into this server, so it must not hold the lock.
_UNSERIALISED_PREFIX = "/moto-api/recorder/"

# (service, model class) pairs whose instances are messages moto "sent".
_SENT_MODELS = (("ses", "Message"), ("ses", "RawMessage"), ("sns", "SMS"))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("style", "script", "head", "title"):
            self._skip += 1
        elif tag in ("br", "p", "div", "tr", "li", "h1", "h2", "h3"):
            self.parts.append("\n")
        elif tag == "a":
            self._links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head", "title") and self._skip:
            self._skip -= 1
        elif tag == "a" and self._links:
            # Keep the target: the outbox is where developers pick up emailed links.
            href = self._links.pop()
            if href and not href.startswith("mailto:") and href not in self.parts[-1:]:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _looks_like_html(body: str) -> bool:
    head = body.lstrip()[:200].lower()
    return head.startswith("<") and ("<html" in head or "<!doctype" in head or "<p" in head or "<div" in head or "<body" in head)


def _request_time(environ: dict[str, Any]) -> str:
    stamp = environ.get("HTTP_X_AMZ_DATE", "")
    try:
        moment = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        moment = datetime.now(UTC)
    return moment.isoformat().replace("+00:00", "Z")


def _email_entry(message: Any, sent_at: str) -> dict[str, Any]:
    destinations = message.destinations
    if isinstance(destinations, dict):
        recipients = [
            address
            for key in ("ToAddresses", "CcAddresses", "BccAddresses")
            for address in destinations.get(key, [])
        ]
    else:
        recipients = list(destinations or [])
    body = message.body or ""
    return {
        "time": sent_at,
        "channel": "email",
        "recipient": ", ".join(recipients),
        "sender": message.source,
        "subject": message.subject or "",
        "body": html_to_text(body) if _looks_like_html(body) else body,
    }


def _raw_email_entry(message: Any, sent_at: str) -> dict[str, Any]:
    parsed = email.message_from_string(message.raw_data, policy=email.policy.default)
    text_part = parsed.get_body(preferencelist=("plain", "html"))
    body = text_part.get_content() if text_part is not None else ""
    if text_part is not None and text_part.get_content_subtype() == "html":
        body = html_to_text(body)
    recipients = list(message.destinations or []) or [parsed.get("To", "")]
    return {
        "time": sent_at,
        "channel": "email",
        "recipient": ", ".join(recipients),
        "sender": message.source or parsed.get("From", ""),
        "subject": str(parsed.get("Subject", "")),
        "body": body,
    }


def _sms_entry(message: Any, sent_at: str) -> dict[str, Any]:
    text = message.message or ""
    return {
        "time": sent_at,
        "channel": "sms",
        "recipient": message.phone_number,
        "sender": "",
        "subject": text.splitlines()[0] if text else "",
        "body": text,
    }


_ENTRY_BUILDERS: dict[str, Callable[[Any, str], dict[str, Any]]] = {
    "Message": _email_entry,
    "RawMessage": _raw_email_entry,
    "SMS": _sms_entry,
}


class SerialisedMotoApp:
    """WSGI wrapper around moto: one request at a time, plus the outbox."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._outbox: list[dict[str, Any]] = []

    @staticmethod
    def _sent_counts() -> dict[str, int]:
        from moto.core.model_instances import model_data

        counts = {}
        for service, name in _SENT_MODELS:
            model = model_data.get(service, {}).get(name)
            counts[name] = len(getattr(model, "instances_tracked", []))
        return counts

    def _record_new_messages(self, before: dict[str, int], environ: dict[str, Any]) -> None:
        from moto.core.model_instances import model_data

        sent_at = _request_time(environ)
        for service, name in _SENT_MODELS:
            model = model_data.get(service, {}).get(name)
            for message in getattr(model, "instances_tracked", [])[before[name]:]:
                try:
                    self._outbox.append(_ENTRY_BUILDERS[name](message, sent_at))
                except Exception:  # an odd message must not break the AWS call that made it
                    logging.getLogger(__name__).exception("could not read a sent %s", name)

    def _serve_outbox(self, start_response: Callable[..., Any]) -> list[bytes]:
        with self._lock:
            payload = json.dumps(self._outbox).encode()
        start_response(
            "200 OK",
            [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
        )
        return [payload]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == OUTBOX_PATH:
            return self._serve_outbox(start_response)
        if path.startswith(_UNSERIALISED_PREFIX):
            return self._app(environ, start_response)
        with self._lock:
            before = self._sent_counts()
            # Drain the body inside the lock: the work may happen while iterating.
            response = self._app(environ, start_response)
            try:
                body = list(response)
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()
            self._record_new_messages(before, environ)
            return body


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="moto server for the local stack")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    # One line per request would bury the useful lines (and could carry S3 keys).
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = SerialisedMotoApp(DomainDispatcherApplication(create_backend_app))
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    print(f"moto listening on http://{args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
