"""Each of the sweep's two guards against a double send, tested on its own.

The sweep takes a due entry with a lease (a conditional move to a later bucket) and then
claims a send record per (occurrence, reminder number, channel) before it sends. Either
guard alone must stop a second send in the situations it is there for, so each scenario
runs with the real code, with the claim switched off (it always succeeds) and with the
lease switched off (it always succeeds). Where both guards cover a scenario, a run with
both switched off shows the scenario really does produce a second send: the harness is
live, so a pass means the guard worked.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.api.conftest import use_table
from tests.api.reminder_support import SIGNING_SECRET, Recorder, new_practice, verify_sender

SETUP = datetime(2027, 2, 8, 12, 0, tzinfo=UTC)  # a Monday; London is on GMT
DUE = datetime(2027, 2, 8, 18, 30, tzinfo=UTC)
FIRST_SWEEP = DUE + timedelta(minutes=1)


@pytest.fixture
def sent(aws, monkeypatch):
    """One client with one reminder due at 18:30 in a table of its own; yields the recorder."""
    monkeypatch.setenv("EMOTIPAL_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("EMOTIPAL_API_URL", "https://api.emotipal.test")
    use_table(f"emotipal-guard-{uuid.uuid4().hex[:8]}")
    verify_sender()
    with time_machine.travel(SETUP, tick=False):
        practice = new_practice()
        client = practice.add_client(timezone="Europe/London", reminder_time="18:30")
        practice.assign(client["client_id"], start_date="2027-02-08", due_time="23:00")
    recorder = Recorder()
    recorder.email = client["email"]
    recorder.attach()
    yield recorder
    recorder.detach()


def _switch_off(monkeypatch, guards: str) -> None:
    from chalicelib.store import reminders as store

    if "claim" in guards:
        monkeypatch.setattr(store, "claim", lambda key, now, **_: True)
    if "lease" in guards:
        monkeypatch.setattr(store, "lease", lambda entry, **_: True)


def _while_sending(monkeypatch, action) -> None:
    """Run `action` once, while the first sweep is holding its lease and its claim and is
    about to hand the message to the provider."""
    from chalicelib.reminders import delivery

    real, done = delivery._send_reminder, []

    def send(*args, **kwargs):
        if not done:
            done.append(True)
            action()
        return real(*args, **kwargs)

    monkeypatch.setattr(delivery, "_send_reminder", send)


def _sweep(at: datetime):
    from chalicelib.reminders import sweep

    return sweep.run(now=at, concurrency=2)


def _reminder_emails(recorder) -> int:
    return len(recorder.to(recorder.email))


@pytest.mark.parametrize("off, expected", [("", 1), ("claim", 1), ("lease", 1), ("claim+lease", 2)])
def test_a_sweep_that_starts_while_another_is_sending(sent, monkeypatch, off, expected):
    """Overlapping runs (the schedule fires again while a slow run is still going): the
    lease has moved the entry out of the bucket the second run reads; without the lease,
    the first run's claim (fresh, still `sending`) turns the second away."""
    _switch_off(monkeypatch, off)
    _while_sending(monkeypatch, lambda: _sweep(FIRST_SWEEP + timedelta(seconds=2)))
    _sweep(FIRST_SWEEP)
    assert _reminder_emails(sent) == expected


@pytest.mark.parametrize("off, expected", [("", 1), ("claim", 1), ("lease", 1), ("claim+lease", 2)])
def test_two_sweeps_that_read_the_same_due_entry(sent, monkeypatch, off, expected):
    """Both runs read the entry before either takes it. The second run's lease is
    conditional on the index keys it read, which the first run's lease changed; without the
    lease, the first run's send record (`sent`) stops the second."""
    from chalicelib.store import reminders as store

    _switch_off(monkeypatch, off)
    real, raced = store.get_consistent, []

    def read_then_let_the_other_sweep_run(item_keys):
        found = real(item_keys)
        if not raced:
            raced.append(True)
            _sweep(FIRST_SWEEP + timedelta(seconds=1))  # reads the same state, takes it, sends
        return found

    monkeypatch.setattr(store, "get_consistent", read_then_let_the_other_sweep_run)
    _sweep(FIRST_SWEEP)
    assert raced
    assert _reminder_emails(sent) == expected


@pytest.mark.parametrize("off, expected", [("", 1), ("lease", 1), ("claim", 2)])
def test_a_sweeper_whose_clock_jumped_past_the_lease(sent, monkeypatch, off, expected):
    """A second sweeper whose clock is 9.5 minutes ahead reads the bucket the lease filed
    the entry under and takes it legitimately: only the claim, which is not stale yet,
    keeps it from sending what the first sweep is sending now."""
    _switch_off(monkeypatch, off)
    _while_sending(monkeypatch, lambda: _sweep(FIRST_SWEEP + timedelta(minutes=9, seconds=30)))
    _sweep(FIRST_SWEEP)
    assert _reminder_emails(sent) == expected


@pytest.mark.parametrize("off, expected", [("", 1), ("lease", 1), ("claim", 2)])
def test_a_run_that_died_after_sending_is_not_repeated(sent, monkeypatch, off, expected):
    """The run sends and then dies before moving the reminder on. When the lease ends the
    entry comes due again and a later run takes it: the send record (`sent`) stops it."""
    from chalicelib.store import reminders as store

    _switch_off(monkeypatch, off)
    real, crashed = store.replace_if_unchanged, []

    def die_once(item, expected_rev):
        if not crashed:
            crashed.append(True)
            raise RuntimeError("the run died here")
        return real(item, expected_rev)

    monkeypatch.setattr(store, "replace_if_unchanged", die_once)
    first = _sweep(FIRST_SWEEP)
    assert crashed and first.retried == 1 and _reminder_emails(sent) == 1
    later = _sweep(FIRST_SWEEP + timedelta(minutes=11))
    assert later.entries >= 1, "the entry came due again"
    assert _reminder_emails(sent) == expected
