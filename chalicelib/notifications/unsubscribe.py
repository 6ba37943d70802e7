"""One-click unsubscribe tokens: signed per client and channel, so a link works without
the app and without the client's access link, and cannot be forged or moved to another
client or channel."""
from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from chalicelib import channels
from chalicelib.notifications.settings import api_url, signing_secret

_PURPOSE = b"emotipal-unsubscribe-v1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(client_id: str, channel: str) -> bytes:
    return hmac.new(signing_secret(), _PURPOSE + b"\0" + client_id.encode() + b"\0" + channel.encode(),
                    hashlib.sha256).digest()


@dataclass(frozen=True)
class Unsubscribe:
    client_id: str
    channel: str


def make_token(client_id: str, channel: str) -> str:
    return f"{_b64(f'{client_id}:{channel}'.encode())}.{_b64(_mac(client_id, channel))}"


def read_token(token: str) -> Unsubscribe | None:
    """The (client, channel) a token was made for, or None if it is not one of ours."""
    try:
        payload, signature = token.split(".")
        client_id, channel = _unb64(payload).decode().split(":")
        given = _unb64(signature)
    except (ValueError, UnicodeDecodeError):
        return None
    if channel not in channels.NAMES or not client_id:
        return None
    if not hmac.compare_digest(given, _mac(client_id, channel)):
        return None
    return Unsubscribe(client_id, channel)


def unsubscribe_url(client_id: str, channel: str) -> str:
    return f"{api_url()}/v1/unsubscribe?token={make_token(client_id, channel)}"
