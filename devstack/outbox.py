"""The local outbox: every email and SMS the stack "sent", read from moto.

Local stage only: it shows message bodies (magic links included), which is what
a developer needs to follow a link that was "emailed" to a client.
"""
from __future__ import annotations

import json
import urllib.request
from html import escape
from typing import Any

from devstack.moto_service import OUTBOX_PATH


def fetch_outbox(moto_url: str, timeout: float = 5.0) -> list[dict[str, Any]]:
    """Sent messages, newest first."""
    url = moto_url.rstrip("/") + OUTBOX_PATH
    with urllib.request.urlopen(url, timeout=timeout) as response:  # nosec B310  # local stack only
        messages = json.loads(response.read())
    return sorted(messages, key=lambda message: message.get("time", ""), reverse=True)


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


OUTBOX_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d2330; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .5rem; border-bottom: 1px solid #d8dce5; }
th { background: #f1f3f8; }
details pre { white-space: pre-wrap; word-break: break-word; max-width: 60rem; }
.empty { color: #5b6475; }
"""


def render_outbox_html(messages: list[dict[str, Any]]) -> str:
    rows = []
    for message in messages:
        subject = message.get("subject") or first_line(message.get("body", ""))
        rows.append(
            "<tr>"
            f"<td><time>{escape(message.get('time', ''))}</time></td>"
            f"<td>{escape(message.get('channel', ''))}</td>"
            f"<td>{escape(message.get('recipient', ''))}</td>"
            f"<td><details><summary>{escape(subject)}</summary>"
            f"<pre>{escape(message.get('body', ''))}</pre></details></td>"
            "</tr>"
        )
    table = (
        "<table><thead><tr><th>Time (UTC)</th><th>Channel</th><th>Recipient</th>"
        "<th>Subject / first line</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        if rows
        else '<p class="empty">Nothing sent yet.</p>'
    )
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Emotipal local outbox</title><link rel=\"stylesheet\" href=\"/outbox.css\"></head>"
        "<body><h1>Local outbox</h1>"
        "<p>Emails and text messages the local stack sent. Nothing here left this machine. "
        "Reload to refresh.</p>"
        f"{table}</body></html>"
    )
