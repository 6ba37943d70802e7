"""Email through SES v2.

Sends to the profile's `email`. Reminders carry a one-click unsubscribe (RFC 8058
`List-Unsubscribe` headers and a link in the body); access links and clinicians' risk
alerts go by email too. Messages: `notifications/templates/{reminder,link,alert}.*.j2`.
"""
from __future__ import annotations

from typing import Any

from chalicelib.channels._base import Channel, Grant


def send(email) -> Any:
    """SES v2 with Raw content, so the List-Unsubscribe headers travel with the message.
    `email` is a `notifications.messages.Email`; returns an Outcome."""
    from email.message import EmailMessage
    from email.utils import make_msgid

    from chalicelib.aws import client
    from chalicelib.config import get_settings
    from chalicelib.notifications.outcomes import sending
    from chalicelib.notifications.settings import ses_configuration_set

    sender = get_settings().ses_sender
    message = EmailMessage()
    message["Subject"] = email.subject
    message["From"] = sender
    message["To"] = email.to
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    for name, value in email.headers.items():
        message[name] = value
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    # With Raw content SES takes the recipient from the message's own To header.
    kwargs: dict[str, Any] = {"FromEmailAddress": sender, "Content": {"Raw": {"Data": message.as_bytes()}}}
    configuration_set = ses_configuration_set()
    if configuration_set:
        kwargs["ConfigurationSetName"] = configuration_set
    return sending(lambda: client("sesv2").send_email(**kwargs))


def send_reminder(profile, *, title: str, homework_url: str, unsubscribe_url: str, number: int, **_: Any):
    from chalicelib.notifications import messages

    return send(messages.reminder_email(to=profile["email"], title=title, homework_url=homework_url,
                                        unsubscribe_url=unsubscribe_url, follow_up=number > 0,
                                        language=profile.get("language") or "en"))


def send_link(to: str, *, practice: str, link_url: str, expires: str):
    from chalicelib.notifications import messages

    return send(messages.access_link_email(to=to, practice=practice, link_url=link_url, expires=expires))


def send_alert(to: str, *, admin_url: str):
    from chalicelib.notifications import messages

    return send(messages.alert_email(to=to, admin_url=admin_url))


CHANNEL = Channel(
    name="email", label="email", order=10, contact="email",
    contact_label="email address", missing_contact="email reminders need an email address",
    grants=(Grant(("ses:SendEmail",), ("ses_identity", "ses_configuration_set")),),
    send_reminder=send_reminder, send_link=send_link, send_alert=send_alert,
)
