"""SMS through SNS (transactional, straight to the phone number).

Sends to the profile's `phone`. Each reminder ends with a stop link; SNS also keeps the
carriers' opt-out list (a client who replied STOP), checked before every text and
recorded as `opted_out`. Access links and clinicians' risk alerts go by SMS too.
"""
from __future__ import annotations

from typing import Any

from chalicelib.channels._base import Channel, Grant


def send(phone: str, text: str):
    """A transactional SMS, unless the number opted out. Returns an Outcome."""
    from chalicelib.aws import client
    from chalicelib.notifications.outcomes import Outcome, outcome_of, sending

    sns = client("sns")
    try:
        opted_out = sns.check_if_phone_number_is_opted_out(phoneNumber=phone)["isOptedOut"]
    except Exception as error:  # noqa: BLE001 - classified by outcome_of
        return outcome_of(error)
    if opted_out:
        return Outcome("failed", "opted_out")
    return sending(lambda: sns.publish(PhoneNumber=phone, Message=text, MessageAttributes={
        "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}))


def send_reminder(profile, *, title: str, homework_url: str, unsubscribe_url: str, number: int, **_: Any):
    from chalicelib.notifications import messages

    return send(profile["phone"], messages.reminder_sms(title=title, homework_url=homework_url,
                                                        unsubscribe_url=unsubscribe_url, follow_up=number > 0,
                                                        language=profile.get("language") or "en"))


def send_link(to: str, *, practice: str, link_url: str, expires: str):
    from chalicelib.notifications import messages

    return send(to, messages.access_link_sms(practice=practice, link_url=link_url))


def send_alert(to: str, *, admin_url: str):
    from chalicelib.notifications import messages

    return send(to, messages.alert_sms(admin_url=admin_url))


CHANNEL = Channel(
    name="sms", label="text message", order=20, contact="phone",
    contact_label="phone number", missing_contact="SMS reminders need a phone number",
    # Publishing to a phone number and the opt-out check take no resource: IAM accepts only "*".
    grants=(Grant(("sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut"), ("any",)),),
    send_reminder=send_reminder, send_link=send_link, send_alert=send_alert,
)
