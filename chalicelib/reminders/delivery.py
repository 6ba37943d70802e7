"""Delivering one due thing on each of its channels, exactly once each.

Before a send, a send record is claimed with a conditional write; afterwards it records
the outcome. A second sweep, or a retry, finds the record and does not send again. A
permanent failure is also written to the client's profile, where the clinician sees it.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.fields import iso
from chalicelib.timezones import load_zone
from chalicelib import channels
from chalicelib.notifications import messages
from chalicelib.notifications.outcomes import Outcome
from chalicelib.notifications.settings import admin_url
from chalicelib.notifications.signin_links import signin_url
from chalicelib.notifications.unsubscribe import unsubscribe_url
from chalicelib.observability import logger
from chalicelib.store import keys
from chalicelib.store import reminders as store

# A claim older than this belongs to a sweep that died mid-send.
STALE_CLAIM = timedelta(minutes=10)
DIGEST_LOCAL_HOUR = 8


def _deliver(key: keys.Key, now: datetime, detail: dict[str, Any], send) -> str:
    """Claim, send, record. Returns sent / failed / retry, or `done` if it was already handled."""
    if not store.claim(key, now, stale_after=STALE_CLAIM, detail=detail):
        return "done"
    try:
        outcome = send()
    except Exception as error:  # noqa: BLE001 - an unexpected error is retried later, not lost
        logger.warning("send failed unexpectedly", extra={"error_type": type(error).__name__,
                                                          "channel": detail.get("channel")})
        outcome = Outcome("retry", "unexpected_error")
    record = {"reason": outcome.reason, "message_id": outcome.message_id}
    store.finish(key, now, state=outcome.state, detail={k: v for k, v in record.items() if v is not None})
    return outcome.state


# -- client reminders --------------------------------------------------------------------------

def remind(profile: dict[str, Any], assignment: dict[str, Any], occurrence_id: str, number: int,
           on: tuple[str, ...], now: datetime) -> dict[str, str]:
    client_id = profile["client_id"]
    ulid = keys.child_parts(assignment["assignment_id"])[1]
    outcomes: dict[str, str] = {}
    for channel in on:
        key = keys.reminder_send(client_id, ulid, occurrence_id, number, channel)
        detail = {"kind": "reminder", "channel": channel, "assignment_id": assignment["assignment_id"],
                  "occurrence_id": occurrence_id, "number": number}
        state = _deliver(key, now, detail, lambda c=channel: _send_reminder(c, profile, assignment, number, now))
        outcomes[channel] = state
        _note_delivery(profile, channel, state, key, now)
    return outcomes


def _send_reminder(channel: str, profile: dict[str, Any], assignment: dict[str, Any], number: int,
                   now: datetime) -> Outcome:
    return channels.get(channel).send_reminder(
        profile, title=_title(profile, assignment), homework_url=signin_url(profile, now),
        unsubscribe_url=unsubscribe_url(profile["client_id"], channel), number=number, now=now)


def _title(profile: dict[str, Any], assignment: dict[str, Any]) -> str:
    """The homework's title in the client's language (a library template's own title, translated)."""
    from chalicelib.homework import localized

    return localized.homework_title(profile, assignment.get("template_id"), str(assignment["title"]))


def _note_delivery(profile: dict[str, Any], channel: str, state: str, key: keys.Key, now: datetime) -> None:
    """Show the clinician a permanent failure; clear it once the channel works again."""
    shown = profile.get(f"delivery_{channel}")
    if state == "failed":
        record = store.get_record(key) or {}
        store.set_delivery_status(profile["client_id"], channel,
                                  {"state": "failed", "reason": record.get("reason") or "failed", "at": iso(now)})
    elif state == "sent" and shown and shown.get("state") == "failed":
        store.set_delivery_status(profile["client_id"], channel, None)


# -- clinicians ----------------------------------------------------------------------------------

def alert_clinician(alert: dict[str, Any], membership: dict[str, Any], now: datetime) -> dict[str, str]:
    """Tell the clinician a risk alert is waiting: a link to the admin page, no client data."""
    ulid = keys.child_parts(alert["alert_id"])[1]
    link = admin_url()
    sends = {c.name: (lambda c=c: c.send_alert(c.contact_of(membership), admin_url=link))
             for c in channels.all_channels() if c.send_alert and c.reachable(membership)}
    return {channel: _deliver(keys.alert_notification(alert["client_id"], ulid, channel), now,
                              {"kind": "alert", "channel": channel}, send)
            for channel, send in sends.items()}


def daily_digests(now: datetime) -> int:
    """The digest for every subscribed clinician whose local time is now 08:xx (once a day)."""
    sent = 0
    for member in store.digest_subscribers():
        try:
            zone = load_zone(member.get("timezone") or "UTC")
        except ValueError:
            continue
        local = now.astimezone(zone)
        if local.hour != DIGEST_LOCAL_HOUR or member.get("status", "active") != "active" or not member.get("email"):
            continue
        key = keys.digest_send(member["sub"], local.date().isoformat())
        state = _deliver(key, now, {"kind": "digest", "channel": "email"}, lambda m=member: _digest(m, now))
        sent += state == "sent"
    return sent


def _digest(member: dict[str, Any], now: datetime) -> Outcome:
    from chalicelib.store import clients as client_store

    since = iso(now - timedelta(days=1))
    active_clients = open_alerts = 0
    token = None
    while True:
        page = client_store.list_caseload(member["sub"], limit=100, next_token=token)
        for client in page.items:
            stats = client.get("stats") or {}
            active_clients += (stats.get("last_submission_at") or "") >= since
            open_alerts += int(stats.get("open_alerts") or 0)
        token = page.next_token
        if not token:
            break
    if not active_clients and not open_alerts:
        return Outcome("skipped", "nothing_new")
    from chalicelib.channels import email  # the digest is an email by nature

    return email.send(messages.digest_email(to=member["email"], admin_url=admin_url(),
                                                     clients=active_clients, open_alerts=open_alerts))
