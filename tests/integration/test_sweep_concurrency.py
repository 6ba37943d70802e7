"""Two sweeps at once over the same due reminders, on DynamoDB Local and moto's server:
each reminder is sent exactly once, and every one of them is sent."""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, UTC

import pytest
import time_machine

from chalicelib.notifications.messages import REMINDER_SUBJECTS

SIGNING_SECRET = "integration-signing-secret-0123456789-abcdef"


@pytest.fixture
def reminders_env(local_env, monkeypatch):
    from chalicelib import aws

    monkeypatch.setenv("EMOTIPAL_SIGNING_SECRET", SIGNING_SECRET)
    aws.client("ses").verify_email_identity(EmailAddress="no-reply@emotipal.test")
    return local_env


def _sent_to(moto_url: str) -> list[str]:
    from devstack.outbox import fetch_outbox

    return [m["recipient"] for m in fetch_outbox(moto_url)
            if m["channel"] == "email" and m["subject"] in REMINDER_SUBJECTS]  # not the new-homework notice


def test_two_overlapping_sweeps_send_each_reminder_exactly_once(reminders_env):
    from chalicelib.clients import service as clients
    from chalicelib.clients.models import ClientCreate
    from chalicelib.homework import assignment_service
    from chalicelib.homework.models import AssignmentCreate
    from chalicelib.identity import practices
    from chalicelib.identity.principals import Clinician, Role
    from chalicelib.reminders import sweep

    run = uuid.uuid4().hex[:8]
    start = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
    due = datetime(2027, 1, 11, 18, 30, tzinfo=UTC)  # London is on GMT
    with time_machine.travel(start, tick=False):
        practice_id = practices.create_practice(f"Overlap {run}")["practice_id"]
        sub = f"sub-overlap-{run}"
        practices.add_member(practice_id, sub, email=f"c-{run}@example.com", display_name="C", role=Role.clinician)
        actor = Clinician(sub=sub, practice_id=practice_id, role=Role.clinician, email="", display_name="C")
        recipients = []
        for n in range(24):
            email = f"overlap-{run}-{n}@example.com"
            recipients.append(email)
            profile = clients.create(actor, ClientCreate(display_name=f"C{n}", email=email, timezone="Europe/London",
                                                         reminder_channels=["email"], reminder_time="18:30"))
            assignment_service.create(actor, profile["client_id"], AssignmentCreate.model_validate(
                {"template_id": "thought-record", "start_date": "2027-01-11", "due_time": "23:00",
                 "recurrence": {"frequency": "daily", "count": 3}}))

    barrier = threading.Barrier(2)
    reports, errors = [], []

    def one_sweep(at: datetime) -> None:
        try:
            barrier.wait(timeout=10)
            reports.append(sweep.run(now=at, concurrency=4))
        except Exception as error:  # noqa: BLE001 - surfaced below
            errors.append(error)

    threads = [threading.Thread(target=one_sweep, args=(due + timedelta(minutes=1),)),
               threading.Thread(target=one_sweep, args=(due + timedelta(minutes=1, seconds=2),))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(reports) == 2
    sent = [r for r in _sent_to(reminders_env.aws_endpoint) if r in recipients]
    assert sorted(sent) == sorted(recipients), "each client exactly once"
    assert sum(r.sent for r in reports) == len(recipients)
    # Between them they saw every entry at least once (overlap is what this test is about).
    assert sum(r.entries for r in reports) >= len(recipients)
    # A later sweep finds nothing left to send for today.
    sweep.run(now=due + timedelta(minutes=10))
    assert sorted(r for r in _sent_to(reminders_env.aws_endpoint) if r in recipients) == sorted(recipients)
