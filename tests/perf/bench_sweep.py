"""The reminder sweep's cost and speed: `python -m tests.perf.bench_sweep`.

Against DynamoDB Local and moto's server (started as the local stack starts them):
1. Cost: a table holding 100,000 assignments (10,000 clients), of which 1,000 have a
   reminder due now and the rest have theirs later, against a table holding only those
   1,000. The sweep reads the due-index and what it needs for each due reminder, so the
   ratio of DynamoDB items it reads should stay near 1 (goal <= 1.2).
2. Speed: sends per second of one sweep delivering those 1,000 reminders by email.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, UTC
from pathlib import Path

ASSIGNMENTS = int(os.environ.get("BENCH_ASSIGNMENTS", "100000"))
DUE = int(os.environ.get("BENCH_DUE", "1000"))
PER_CLIENT = 10
GOAL = 1.2
SENDER = "no-reply@emotipal.test"


def _say(message: str) -> None:
    print(message, flush=True)


def _point_at(table_name: str) -> None:
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.store.schema import ensure_table

    os.environ["EMOTIPAL_TABLE"] = table_name
    get_settings.cache_clear()
    ensure_table(aws.client("dynamodb"), table_name)


def _items(index: int, now: datetime, due: bool) -> list[dict]:
    """A client's profile (first of its assignments), an assignment and its reminder item."""
    from chalicelib.reminders.plan import Planned
    from chalicelib.store import keys
    from chalicelib.store import reminders as store

    client_id = f"BENCHCLIENT{index // PER_CLIENT:08d}"
    ulid = f"01BENCH{index:019d}"
    items = []
    if index % PER_CLIENT == 0 or due:
        items.append({**keys.client_profile(client_id).as_dict(), "client_id": client_id, "practice_id": "P",
                      "clinician_id": "C", "display_name": "Bench", "email": f"bench-{index}@example.com",
                      "timezone": "UTC", "reminder_time": "09:00", "reminder_channels": ["email"], "version": 1})
    items.append({**keys.assignment(client_id, ulid).as_dict(), "assignment_id": keys.child_id(client_id, ulid),
                  "client_id": client_id, "title": "Daily practice", "status": "active",
                  "recurrence": {"frequency": "daily"}, "start_date": (now - timedelta(days=1)).date().isoformat(),
                  "due_date": None, "due_time": "23:59", "occurrences": {}, "reminders": {"enabled": True},
                  "status_history": [{"status": "active", "at": "2020-01-01T00:00:00Z"}], "version": 1})
    # Due reminders a minute ago; the others spread over the coming day.
    send_at = now - timedelta(minutes=1) if due else now + timedelta(minutes=10 + index % 1400)
    items.append(store.reminder_item(client_id=client_id, assignment_ulid=ulid,
                                     planned=Planned(send_at, now.date().isoformat(), 0), last_sent=None, now=now,
                                     rev="bench"))
    return items


def _fill(table_name: str, indexes: list[int], due: set[int], now: datetime) -> float:
    from chalicelib.store import table

    _point_at(table_name)
    started = time.monotonic()
    batches, batch = [], []
    for index in indexes:
        batch.extend(_items(index, now, index in due))
        if len(batch) >= 500:
            batches.append(batch)
            batch = []
    if batch:
        batches.append(batch)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda b: table.batch_write(puts=b), batches))
    return time.monotonic() - started


def _sweep(table_name: str, now: datetime):
    from chalicelib.reminders import sweep

    _point_at(table_name)
    started = time.monotonic()
    report = sweep.run(now=now)
    return report, time.monotonic() - started


def main() -> int:
    from chalicelib import aws
    from chalicelib.config import get_settings
    from devstack.processes import free_port, start_dynamodb_local, start_moto

    workdir = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    dynamodb = start_dynamodb_local(free_port(), db_path=None, log_path=workdir / "dynamodb.log")
    if dynamodb is None:
        _say("bench_sweep needs DynamoDB Local (Java 17+ and the npm package)")
        return 1
    moto = start_moto(free_port(), log_path=workdir / "moto.log")
    try:
        os.environ.update({
            "EMOTIPAL_STAGE": "local", "EMOTIPAL_AWS_ENDPOINT": moto.url, "EMOTIPAL_DYNAMODB_ENDPOINT": dynamodb.url,
            "EMOTIPAL_SES_SENDER": SENDER, "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_REGION": "eu-west-2", "AWS_DEFAULT_REGION": "eu-west-2",
        })
        get_settings.cache_clear()
        aws.reset()
        aws.client("ses").verify_email_identity(EmailAddress=SENDER)
        now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
        due = set(range(0, ASSIGNMENTS, max(1, ASSIGNMENTS // DUE)))
        _say(f"Filling a table with {ASSIGNMENTS:,} assignments ({len(due):,} due)...")
        big_fill = _fill("bench-sweep-big", list(range(ASSIGNMENTS)), due, now)
        _say(f"  {big_fill:.0f} s")
        small_fill = _fill("bench-sweep-small", sorted(due), due, now)
        _say(f"Filling a table with only the {len(due):,} due ones... {small_fill:.0f} s")

        small, small_seconds = _sweep("bench-sweep-small", now)
        big, big_seconds = _sweep("bench-sweep-big", now)
        ratio = big.items_read / small.items_read
        _say("")
        _say("reminder sweep, DynamoDB Local + moto server:")
        _say(f"  items read, {ASSIGNMENTS:,} assignments / {len(due):,} due : {big.items_read:,}")
        _say(f"  items read, only the {len(due):,} due             : {small.items_read:,}")
        _say(f"  ratio = {ratio:.2f}  (goal <= {GOAL})")
        _say(f"  sent {big.sent:,} in {big_seconds:.1f} s = {big.sent / big_seconds:.0f} sends/s "
             f"(only-due table: {small.sent:,} in {small_seconds:.1f} s = {small.sent / small_seconds:.0f} sends/s)")
        ok = ratio <= GOAL and big.sent == len(due) and small.sent == len(due)
        if not ok:
            _say("FAILED: the sweep read too much or did not send every due reminder")
        return 0 if ok else 1
    finally:
        moto.stop()
        dynamodb.stop()


if __name__ == "__main__":
    sys.exit(main())
