"""Helpers for the reminder tests: a practice with clients built through the services
(no HTTP, so the clock can travel), and a recorder of what SES and SNS were asked to send."""
from __future__ import annotations

import email
import email.policy
import uuid
from dataclasses import dataclass, field
from datetime import datetime, UTC
from typing import Any

from chalicelib.identity.principals import ClientPrincipal, Clinician, Role

SENDER = "no-reply@emotipal.test"
SIGNING_SECRET = "test-signing-secret-0123456789-abcdefghijklmnop"


@dataclass
class Sent:
    at: datetime
    channel: str
    to: str
    subject: str
    text: str
    headers: dict[str, str] = field(default_factory=dict)


class Recorder:
    """Records every SES v2 SendEmail and SNS Publish request as the product made it."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []

    def _email(self, params: dict[str, Any], **_: Any) -> None:
        raw = params["Content"]["Raw"]["Data"]
        message = email.message_from_bytes(raw if isinstance(raw, bytes) else raw.encode(), policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        self.sent.append(Sent(datetime.now(UTC), "email", str(message["To"]),
                              str(message["Subject"]), text, {k: str(v) for k, v in message.items()}))

    def _publish(self, params: dict[str, Any], **_: Any) -> None:
        channel = "sms" if params.get("PhoneNumber") else "push"
        self.sent.append(Sent(datetime.now(UTC), channel, params.get("PhoneNumber") or params["TargetArn"],
                              "", params["Message"]))

    def attach(self) -> None:
        from chalicelib import aws

        aws.client("sesv2").meta.events.register("before-call.sesv2.SendEmail", self._record_email)
        aws.client("sns").meta.events.register("before-call.sns.Publish", self._record_publish)

    def detach(self) -> None:
        from chalicelib import aws

        aws.client("sesv2").meta.events.unregister("before-call.sesv2.SendEmail", self._record_email)
        aws.client("sns").meta.events.unregister("before-call.sns.Publish", self._record_publish)

    # before-call hands over the serialised request; these read the original parameters.
    def _record_email(self, model, params, **kwargs):
        self._email(_original(params))

    def _record_publish(self, model, params, **kwargs):
        self._publish(_original(params))

    def to(self, recipient: str) -> list[Sent]:
        return [s for s in self.sent if s.to == recipient]


def _original(request_dict: dict[str, Any]) -> dict[str, Any]:
    import base64
    import json
    from urllib.parse import parse_qs

    body = request_dict["body"]
    if isinstance(body, dict):  # query protocol (SNS): parameters before encoding
        return {"PhoneNumber": body.get("PhoneNumber"), "TargetArn": body.get("TargetArn"),
                "Message": body.get("Message", "")}
    if isinstance(body, bytes):
        body = body.decode()
    if request_dict.get("headers", {}).get("Content-Type", "").startswith("application/json") or body.startswith("{"):
        data = json.loads(body)
        if "Content" in data and "Raw" in data["Content"]:
            data["Content"]["Raw"]["Data"] = base64.b64decode(data["Content"]["Raw"]["Data"])
        return data
    flat = {k: v[0] for k, v in parse_qs(body).items()}
    return {"PhoneNumber": flat.get("PhoneNumber"), "TargetArn": flat.get("TargetArn"), "Message": flat.get("Message", "")}


def verify_sender() -> None:
    from chalicelib import aws

    aws.client("ses").verify_email_identity(EmailAddress=SENDER)


@dataclass
class Practice:
    clinician: Clinician
    run: str

    def add_client(self, **fields: Any) -> dict[str, Any]:
        from chalicelib.clients import service
        from chalicelib.clients.models import ClientCreate

        body = {"display_name": "Client", "reminder_channels": ["email"], **fields}
        body.setdefault("email", f"client-{uuid.uuid4().hex[:8]}@example.com")
        return service.create(self.clinician, ClientCreate.model_validate(body))

    def assign(self, client_id: str, **fields: Any) -> dict[str, Any]:
        from chalicelib.homework import assignment_service
        from chalicelib.homework.models import AssignmentCreate

        body = {"template_id": "thought-record", "recurrence": {"frequency": "daily"}, "due_time": "23:00", **fields}
        return assignment_service.create(self.clinician, client_id, AssignmentCreate.model_validate(body)).model_dump()

    def principal(self, profile: dict[str, Any]) -> ClientPrincipal:
        return ClientPrincipal(client_id=profile["client_id"], practice_id=profile["practice_id"])


def new_practice() -> Practice:
    from chalicelib.identity import practices

    run = uuid.uuid4().hex[:8]
    practice_id = practices.create_practice(f"Reminder Practice {run}")["practice_id"]
    sub = f"sub-reminders-{run}"
    practices.add_member(practice_id, sub, email=f"clinician-{run}@example.com", display_name="Dr R",
                         role=Role.clinician)
    return Practice(Clinician(sub=sub, practice_id=practice_id, role=Role.clinician,
                              email=f"clinician-{run}@example.com", display_name="Dr R"), run)
