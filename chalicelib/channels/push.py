"""Native push through SNS platform endpoints (FCM, APNs).

Needs nothing on the profile: it reaches the devices the client registered
(`POST /v1/client/devices`; SNS keeps one endpoint per device token), and a client with
none gets `no_device` when a reminder is due. A push carries no unsubscribe link: the
client turns push off in their settings (or the phone's); an endpoint the platform
disabled (app uninstalled) is deleted and its device marked.
"""
from __future__ import annotations

from typing import Any

from chalicelib.channels._base import Channel, Grant


def register_endpoint(application_arn: str, token: str) -> str:
    """The SNS endpoint of a device token (CreatePlatformEndpoint is idempotent for the
    same token and attributes), enabled again if the platform had disabled it."""
    from chalicelib.aws import client

    sns = client("sns")
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=application_arn, Token=token)["EndpointArn"]
    sns.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "true"})
    return endpoint


def delete_endpoint(endpoint_arn: str) -> None:
    from chalicelib.aws import client
    from chalicelib.observability import logger

    try:
        client("sns").delete_endpoint(EndpointArn=endpoint_arn)
    except Exception as error:  # noqa: BLE001 - cleaning up is best effort
        logger.warning("could not delete a push endpoint", extra={"error_type": type(error).__name__})


def send(endpoint_arn: str, message: str):
    from chalicelib.aws import client
    from chalicelib.notifications.outcomes import sending

    return sending(lambda: client("sns").publish(TargetArn=endpoint_arn, Message=message, MessageStructure="json"))


def send_reminder(profile, *, title: str, homework_url: str, now, **_: Any):
    """To every registered device: sent if any took it, retry if any may later, else failed."""
    from chalicelib.notifications import messages
    from chalicelib.notifications.outcomes import Outcome, best_of
    from chalicelib.store import reminders as store

    devices = [d for d in store.list_devices(profile["client_id"]) if d.get("endpoint_arn")]  # not web push
    if not devices:
        return Outcome("failed", "no_device")
    message = messages.reminder_push(title=title, homework_url=homework_url, language=profile.get("language") or "en")
    results = []
    for device in devices:
        outcome = send(device["endpoint_arn"], message)
        if outcome.reason == "endpoint_disabled":
            delete_endpoint(device["endpoint_arn"])
            store.disable_device(device, now)
        results.append(outcome)
    return best_of(results)


CHANNEL = Channel(
    name="push", label="push", order=30, contact=None, contact_label="registered device", missing_contact="",
    grants=(
        # Registering a device, and removing its endpoint when the client is erased.
        Grant(("sns:CreatePlatformEndpoint", "sns:SetEndpointAttributes", "sns:DeleteEndpoint"),
              ("push_applications", "push_endpoints"), functions=("api",)),
        # Sending, and removing an endpoint the platform disabled.
        Grant(("sns:Publish", "sns:DeleteEndpoint"), ("push_endpoints",), functions=("sweep",)),
    ),
    send_reminder=send_reminder,
)
