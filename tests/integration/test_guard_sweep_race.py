"""Each sweep guard alone, on DynamoDB Local (whose conditional writes are atomic, as
DynamoDB's are): two sweepers in real threads read the same due entries and then race to
take them. With the claim switched off the lease alone, and with the lease switched off
the claim alone, must keep every reminder to one send."""
from __future__ import annotations

import itertools
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from chalicelib.notifications.messages import REMINDER_SUBJECTS

SIGNING_SECRET = "integration-signing-secret-0123456789-abcdef"
CLIENTS = 8
_RUNS = itertools.count()


@pytest.fixture
def race_table(local_env, monkeypatch):
    """A table of this test's own: its sweep checkpoint must not move other tests' (xdist runs
    them side by side on the same DynamoDB Local), and theirs must not hide these reminders."""
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.store.schema import ensure_table

    name = f"emotipal-race-{uuid.uuid4().hex[:8]}"
    ensure_table(aws.client("dynamodb"), name)
    monkeypatch.setenv("EMOTIPAL_TABLE", name)
    get_settings.cache_clear()
    yield name
    get_settings.cache_clear()
    aws.client("dynamodb").delete_table(TableName=name)


@pytest.fixture
def due_clients(race_table, monkeypatch):
    """CLIENTS clients with one email reminder each, due at 18:30 on a day of their own."""
    from chalicelib import aws
    from chalicelib.clients import service as clients
    from chalicelib.clients.models import ClientCreate
    from chalicelib.homework import assignment_service
    from chalicelib.homework.models import AssignmentCreate
    from chalicelib.identity import practices
    from chalicelib.identity.principals import Clinician, Role

    monkeypatch.setenv("EMOTIPAL_SIGNING_SECRET", SIGNING_SECRET)
    aws.client("ses").verify_email_identity(EmailAddress="no-reply@emotipal.test")
    run = uuid.uuid4().hex[:8]
    # Each parametrised run a week later than the one before: the sent-mail log is shared.
    day = datetime(2028, 1, 3, tzinfo=UTC) + timedelta(weeks=next(_RUNS))
    with time_machine.travel(day.replace(hour=9), tick=False):
        practice_id = practices.create_practice(f"Race {run}")["practice_id"]
        sub = f"sub-race-{run}"
        practices.add_member(practice_id, sub, email=f"c-{run}@example.com", display_name="C", role=Role.clinician)
        actor = Clinician(sub=sub, practice_id=practice_id, role=Role.clinician, email="", display_name="C")
        emails = []
        for n in range(CLIENTS):
            emails.append(f"race-{run}-{n}@example.com")
            profile = clients.create(actor, ClientCreate(display_name=f"C{n}", email=emails[-1], timezone="UTC",
                                                         reminder_channels=["email"], reminder_time="18:30"))
            assignment_service.create(actor, profile["client_id"], AssignmentCreate.model_validate(
                {"template_id": "thought-record", "start_date": day.date().isoformat(), "due_time": "23:00",
                 "recurrence": {"frequency": "daily", "count": 1}}))
    from chalicelib.store import reminders as store

    # A new table's sweep starts an hour back; start it just before these reminders.
    store.advance_checkpoint(store.bucket_name(store.bucket_start(day.replace(hour=18, minute=0))))
    return day.replace(hour=18, minute=31), emails


@pytest.mark.parametrize("off", ["claim", "lease"])
def test_two_sweepers_racing_for_the_same_entries_send_each_once_with_one_guard(due_clients, local_env,
                                                                                monkeypatch, off):
    from chalicelib.reminders import sweep
    from chalicelib.store import reminders as store
    from devstack.outbox import fetch_outbox

    if off == "claim":
        monkeypatch.setattr(store, "claim", lambda key, now, **_: True)
    else:
        monkeypatch.setattr(store, "lease", lambda entry, **_: True)
    # Both sweepers read the page, then both go on together: a real race for every entry.
    barrier, real_read = threading.Barrier(2), store.get_consistent

    def read_then_wait(item_keys):
        found = real_read(item_keys)
        barrier.wait(timeout=30)
        return found

    monkeypatch.setattr(store, "get_consistent", read_then_wait)
    at, emails = due_clients
    reports, errors = [], []

    def one_sweep():
        try:
            reports.append(sweep.run(now=at, concurrency=4))
        except Exception as error:  # noqa: BLE001 - surfaced below
            errors.append(error)

    threads = [threading.Thread(target=one_sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sum(r.entries for r in reports) == 2 * CLIENTS, "both sweepers read every entry"
    sent = sorted(m["recipient"] for m in fetch_outbox(local_env.aws_endpoint)
                  if m["channel"] == "email" and m["recipient"] in emails and m["subject"] in REMINDER_SUBJECTS)
    assert sent == sorted(emails), "each client exactly once"
