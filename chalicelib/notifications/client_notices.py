"""Telling a client, by their own channels, that something arrived: new homework, or their
clinician's feedback on what they sent.

The client's preferences decide: the channels they chose for reminders (`reminder_channels`)
that can carry a notice (email, SMS), less those they unsubscribed from or have no address
for; nothing inside their quiet hours (the reminders' own rule). A notice carries the
homework title and a one-use sign-in link (notifications/signin_links.py), never answers or
feedback.

A notice follows a request that has already done its work, so a failed send never fails
the request: what became of each send is logged (kind, channel, state, reason: no client
data), and a permanent failure is shown to the clinician on the client's profile, as a
failed reminder is (a later send that works clears it).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from chalicelib.notifications.outcomes import Outcome

Kind = Literal["new_homework", "feedback"]
# The channels a notice goes by, in the registry's order. Push carries reminders only.
NOTICE_CHANNELS = ("email", "sms")
UNEXPECTED = "unexpected_error"


def new_homework(profile: dict[str, Any], assignment: dict[str, Any], now: datetime | None = None) -> dict[str, str]:
    """The client has new homework: its title and a link. Returns {channel: state}."""
    from chalicelib.homework.localized import homework_title

    return _notify("new_homework", profile,
                   homework_title(profile, assignment.get("template_id"), assignment.get("title") or ""), now)


def feedback(profile: dict[str, Any], submission: dict[str, Any], now: datetime | None = None) -> dict[str, str]:
    """The clinician replied to a submission: the homework's title and a link. Returns {channel: state}."""
    from chalicelib.homework.localized import homework_title

    return _notify("feedback", profile,
                   homework_title(profile, submission.get("template_id"), submission.get("title") or ""), now)


def channels_for(profile: dict[str, Any], now: datetime) -> tuple[tuple[str, ...], str | None]:
    """(channels a notice goes by now, why none when there are none)."""
    from chalicelib import channels
    from chalicelib.reminders.plan import stored_quiet_hours
    from chalicelib.timezones import load_zone

    chosen = set(profile.get("reminder_channels") or ())
    unsubscribed = set(profile.get("unsubscribed") or ())
    names = tuple(c.name for c in channels.all_channels()
                  if c.name in NOTICE_CHANNELS and c.name in chosen and c.name not in unsubscribed
                  and c.reachable(profile))
    if not names:
        return (), "no_channel"
    try:
        quiet = stored_quiet_hours(profile.get("quiet_hours"))
        local = now.astimezone(load_zone(profile.get("timezone") or "UTC"))
    except ValueError:
        return names, None
    if quiet is not None and quiet.contains(local.time()):
        return (), "quiet_hours"
    return names, None


def _notify(kind: Kind, profile: dict[str, Any], title: str, now: datetime | None) -> dict[str, str]:
    from chalicelib.fields import utc_now
    from chalicelib.observability import logger

    now = now or utc_now()
    try:
        names, why_none = channels_for(profile, now)
    except Exception as error:  # noqa: BLE001 - the request's work is done; a notice never undoes it
        logger.warning("client notice not sent", extra={"notice": kind, "error_type": type(error).__name__})
        return {}
    if not names:
        logger.info("client notice not sent", extra={"notice": kind, "reason": why_none})
        return {}
    outcomes: dict[str, str] = {}
    for channel in names:
        outcome = _send(kind, channel, profile, title)
        outcomes[channel] = outcome.state
        logger.info("client notice", extra={"notice": kind, "channel": channel, "state": outcome.state,
                                            "reason": outcome.reason})
        _record(profile, channel, outcome, now)
    return outcomes


def _send(kind: Kind, channel: str, profile: dict[str, Any], title: str) -> Outcome:
    from chalicelib import deadline
    from chalicelib.observability import logger

    try:
        # Keep time back to record the outcome and answer, as an access link's send does.
        with deadline.reserve():
            return _SENDERS[channel](kind, profile, title)
    except Exception as error:  # noqa: BLE001 - classified when it can be, otherwise a failed send
        from chalicelib.notifications.outcomes import is_transient

        if is_transient(error):
            return Outcome("retry", "temporarily_unavailable")
        logger.warning("client notice failed unexpectedly", extra={"notice": kind, "channel": channel,
                                                                   "error_type": type(error).__name__})
        return Outcome("failed", UNEXPECTED)


def _links(profile: dict[str, Any], channel: str) -> tuple[str, str]:
    from chalicelib.notifications.signin_links import signin_url
    from chalicelib.notifications.unsubscribe import unsubscribe_url

    return signin_url(profile), unsubscribe_url(profile["client_id"], channel)


def _by_email(kind: Kind, profile: dict[str, Any], title: str) -> Outcome:
    from chalicelib.channels import email
    from chalicelib.notifications import messages

    homework_url, unsubscribe = _links(profile, "email")
    return email.send(messages.notice_email(kind, to=profile["email"], title=title, homework_url=homework_url,
                                            unsubscribe_url=unsubscribe, language=profile.get("language") or "en"))


def _by_sms(kind: Kind, profile: dict[str, Any], title: str) -> Outcome:
    from chalicelib.channels import sms
    from chalicelib.notifications import messages

    homework_url, unsubscribe = _links(profile, "sms")
    return sms.send(profile["phone"], messages.notice_sms(kind, title=title, homework_url=homework_url,
                                                          unsubscribe_url=unsubscribe,
                                                          language=profile.get("language") or "en"))


_SENDERS: dict[str, Callable[[Kind, dict[str, Any], str], Outcome]] = {"email": _by_email, "sms": _by_sms}


def _record(profile: dict[str, Any], channel: str, outcome: Outcome, now: datetime) -> None:
    """Show the clinician a permanent failure on the profile; clear one shown once a send works."""
    from chalicelib.fields import iso
    from chalicelib.observability import logger
    from chalicelib.store import reminders as store

    shown = profile.get(f"delivery_{channel}")
    try:
        # An error we could not classify says nothing about the client's address: logged only.
        if outcome.state == "failed" and outcome.reason != UNEXPECTED:
            store.set_delivery_status(profile["client_id"], channel,
                                      {"state": "failed", "reason": outcome.reason or "failed", "at": iso(now)})
        elif outcome.sent and shown and shown.get("state") == "failed":
            store.set_delivery_status(profile["client_id"], channel, None)
    except Exception as error:  # noqa: BLE001 - recording is a courtesy; the request has done its work
        logger.warning("client notice outcome not recorded", extra={"channel": channel,
                                                                    "error_type": type(error).__name__})
