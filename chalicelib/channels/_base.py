"""What a reminder channel declares. Standard library only: the CDK app imports this
package (in a virtualenv without boto3 or pydantic) to read each channel's IAM grants."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Callable, Mapping

# The two functions that send; a grant names the ones that need it.
FUNCTIONS = ("api", "sweep")
# Resources a grant may name. The CDK app maps each to ARNs (tests/infra checks it maps all).
RESOURCES = {
    "any": "no resource: IAM accepts these actions only on '*'",
    "ses_identity": "the SES sending identity",
    "ses_configuration_set": "the SES configuration set",
    "push_applications": "the SNS platform applications (FCM, APNs)",
    "push_endpoints": "the SNS platform endpoints under those applications",
    "vapid_secret": "the Secrets Manager secret holding the web push VAPID private key",
}


@dataclass(frozen=True)
class Grant:
    """IAM actions one of the functions needs for a channel, on named resources."""

    actions: tuple[str, ...]
    resources: tuple[str, ...]
    functions: tuple[str, ...] = FUNCTIONS

    def __post_init__(self) -> None:
        unknown = [r for r in self.resources if r not in RESOURCES] + [f for f in self.functions if f not in FUNCTIONS]
        if unknown or not self.actions:
            raise ValueError(f"grant {self.actions} names unknown resources or functions: {unknown}")


Profile = Mapping[str, Any]


@dataclass(frozen=True)
class Channel:
    """One way of reaching a client.

    `contact` is the profile field the channel sends to (clinicians' memberships use the
    same field names); None when it needs nothing on the profile (push reaches the
    devices the client registered, checked when sending). A channel without `send_link`
    or `send_alert` does not carry access links or clinicians' risk alerts.
    """

    name: str
    label: str  # how a message or the unsubscribe page names it ("text message")
    order: int  # reminders and lists go through channels in this order
    contact: str | None
    contact_label: str  # what `contact` holds, in words ("phone number")
    missing_contact: str  # the field error when a client chooses it without `contact`
    grants: tuple[Grant, ...]
    send_reminder: Callable[..., Any]
    send_link: Callable[..., Any] | None = None
    send_alert: Callable[..., Any] | None = None

    def reachable(self, profile: Profile) -> bool:
        return self.contact is None or bool(profile.get(self.contact))

    def contact_of(self, profile: Profile) -> str | None:
        return profile.get(self.contact) if self.contact else None
