"""The reminder sweep: reads what has come due in the due-index and sends it.

One run:
1. reads the due-index bucket by bucket, from the one after the last finished bucket
   (the checkpoint) up to the present, each bucket shard by shard, page by page;
2. takes each entry with a lease that moves it to a later bucket (an overlapping sweep
   then finds it gone; if this run dies it comes due again when the lease ends);
3. sends on each channel at most once per (occurrence, reminder number, channel),
   guarded by a send record claimed with a conditional write;
4. moves the reminder on to the assignment's next one (or files it for a retry when a
   channel was only temporarily unavailable);
5. advances the checkpoint past every bucket it finished.

Sends run on a bounded thread pool. When the Lambda's remaining time runs low the run
stops between pages: what it did not reach stays in the index for the next run. One
client's failure is recorded and never stops the others.
Once an hour it also sends the daily digests that fall due. The same index brings drafts
whose risk answer has waited unsent past the practice's time (homework/draft_risk.py).
"""
from __future__ import annotations

import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from threading import Lock
from typing import Any
from collections.abc import Callable

from chalicelib.fields import iso, new_id, utc_now
from chalicelib.homework import draft_risk_service
from chalicelib.observability import logger
from chalicelib.reminders import delivery
from chalicelib.reminders.plan import next_reminder, quiet_until, still_due
from chalicelib.store import keys
from chalicelib.store import reminders as store

CONCURRENCY = 8
# Time kept in hand when the Lambda's clock runs low (a page of sends must finish).
RESERVE_MILLIS = 20_000
# A bucket is finished only once the index has surely caught up with writes made in it.
INDEX_LAG = timedelta(minutes=1)
# No occurrence stays open longer than this, so older buckets cannot hold a live reminder.
MAX_CATCH_UP = timedelta(days=14)
FIRST_RUN_LOOKBACK = timedelta(hours=1)
LEASE = timedelta(minutes=10)
RETRY_AFTER = timedelta(minutes=5)


@dataclass
class SweepReport:
    buckets: int = 0
    entries: int = 0
    items_read: int = 0
    sent: int = 0
    failed: int = 0
    retried: int = 0
    skipped: int = 0
    stopped_early: bool = False
    digests: int = 0
    draft_alerts: int = 0
    _lock: Lock = field(default_factory=Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


def run(now: datetime | None = None, remaining_millis: Callable[[], int] | None = None, *,
        concurrency: int = CONCURRENCY) -> SweepReport:
    now = now or utc_now()
    report = SweepReport()

    def out_of_time() -> bool:
        return remaining_millis is not None and remaining_millis() < RESERVE_MILLIS

    current = store.bucket_start(now)
    finished_before = store.bucket_start(now - INDEX_LAG)
    checkpoints = store.get_checkpoints()
    checkpoint = checkpoints.get("reminders")
    report.items_read += 1
    bucket = store.parse_bucket(checkpoint) + store.BUCKET if checkpoint else current - FIRST_RUN_LOOKBACK
    bucket = max(bucket, store.bucket_start(now - MAX_CATCH_UP))
    until = iso(now)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="sweep") as pool:
        while bucket <= current:
            name = store.bucket_name(bucket)
            complete = True
            for shard in range(store.SHARDS):
                for page in store.query_due(name, shard, until):
                    report.items_read += len(page)
                    _process_page(page, now, pool, report)
                    if out_of_time():
                        complete = False
                        break
                if not complete:
                    break
            report.buckets += 1
            if not complete:
                report.stopped_early = True
                break
            if bucket + store.BUCKET <= finished_before:
                store.advance_checkpoint(name)
            bucket += store.BUCKET
    if not report.stopped_early and not out_of_time():
        report.digests = _digests_if_due(now, checkpoints.get("digest"))
    if report.entries or report.stopped_early or report.digests:
        logger.info("reminder sweep", extra={"sweep": report.as_dict()})
    return report


# -- one page of due entries --------------------------------------------------------------------

def _process_page(page: list[dict[str, Any]], now: datetime, pool: ThreadPoolExecutor, report: SweepReport) -> None:
    report.add(entries=len(page))
    wanted: list[dict[str, str]] = []
    for entry in page:
        wanted.append({"pk": entry["pk"], "sk": entry["sk"]})
        if entry.get("kind") == "reminder":
            client_id, ulid = keys.child_parts(entry["assignment_id"])
            wanted += [keys.client_profile(client_id).as_dict(), keys.assignment(client_id, ulid).as_dict()]
        elif entry.get("kind") == "alert":
            wanted.append(keys.membership(entry["clinician_id"]).as_dict())
        elif entry.get("kind") == "draft_risk":
            wanted += draft_risk_service.sweep_keys(entry)
    found = store.get_consistent(wanted)
    report.add(items_read=len(found))
    futures = [pool.submit(_process_entry, entry, found, now, report) for entry in page]
    for future in futures:
        future.result()


def _process_entry(entry: dict[str, Any], found: dict, now: datetime, report: SweepReport) -> None:
    try:
        fresh = found.get((entry["pk"], entry["sk"]))
        if not fresh or fresh.get("gsi3pk") != entry["gsi3pk"] or fresh.get("gsi3sk") != entry["gsi3sk"]:
            report.add(skipped=1)  # moved on since the index was read
            return
        rev = new_id()
        if not store.lease(fresh, until=now + LEASE, now=now, rev=rev):
            report.add(skipped=1)  # another sweep has it
            return
        if entry.get("kind") == "alert":
            _alert(fresh, found, now, report)
        elif entry.get("kind") == "draft_risk":
            # A risk answer left unsent in a draft: its alert joins the due-index to be notified.
            report.add(draft_alerts=1 if draft_risk_service.open_alert(fresh, found, now) else 0)
        else:
            _reminder(fresh, found, now, rev, report)
    except Exception as error:  # noqa: BLE001 - one client's trouble must not stop the rest
        # The lease brings the entry back later. Log the type and stack only: AWS error
        # messages can name an address.
        report.add(retried=1)
        logger.error("reminder entry failed", extra={
            "error_type": type(error).__name__, "stack": "".join(traceback.format_tb(error.__traceback__))[-4000:]})


def _reminder(item: dict[str, Any], found: dict, now: datetime, rev: str, report: SweepReport) -> None:
    client_id, ulid = keys.child_parts(item["assignment_id"])
    profile = found.get(tuple(keys.client_profile(client_id)))
    assignment = found.get(tuple(keys.assignment(client_id, ulid)))
    if not profile or not assignment:
        return  # erased meanwhile: the erasure removes this item too
    occurrence_id, number = item["occurrence_id"], int(item["number"])
    due, channels = still_due(assignment, profile, occurrence_id, now)
    wait = quiet_until(assignment, profile, now) if due else None
    if wait is not None and still_due(assignment, profile, occurrence_id, wait)[0]:
        # A late (catch-up) reminder that now falls in quiet hours waits for their end.
        report.add(skipped=1)
        store.replace_if_unchanged(_reminder_after(item, now, rev=new_id(), planned=_Same(item, wait)), rev)
        return
    if wait is not None:
        due, channels = False, ()
    outcomes = {}
    if due:
        outcomes = delivery.remind(profile, assignment, occurrence_id, number, channels, now)
    report.add(sent=sum(o == "sent" for o in outcomes.values()), failed=sum(o == "failed" for o in outcomes.values()))
    if not due:
        report.add(skipped=1)
    if any(o == "retry" for o in outcomes.values()):
        report.add(retried=1)
        retry = _reminder_after(item, now, rev=new_id(), planned=_Same(item, now + RETRY_AFTER))
        store.replace_if_unchanged(retry, rev)
        return
    last_sent = {"occurrence_id": occurrence_id, "number": number} if due else item.get("last_sent")
    planned = next_reminder(assignment, profile, not_before=now + timedelta(seconds=1),
                            after=(occurrence_id, number))
    store.replace_if_unchanged(
        store.reminder_item(client_id=client_id, assignment_ulid=ulid, planned=planned, last_sent=last_sent,
                            now=now, rev=new_id()), rev)


@dataclass(frozen=True)
class _Same:
    """The same reminder again, later (a channel was only temporarily unavailable)."""

    item: dict[str, Any]
    send_at: datetime

    @property
    def occurrence_id(self) -> str:
        return self.item["occurrence_id"]

    @property
    def number(self) -> int:
        return int(self.item["number"])


def _reminder_after(item: dict[str, Any], now: datetime, *, rev: str, planned: _Same) -> dict[str, Any]:
    client_id, ulid = keys.child_parts(item["assignment_id"])
    return store.reminder_item(client_id=client_id, assignment_ulid=ulid, planned=planned,
                               last_sent=item.get("last_sent"), now=now, rev=rev)


def _alert(alert: dict[str, Any], found: dict, now: datetime, report: SweepReport) -> None:
    membership = found.get(tuple(keys.membership(alert["clinician_id"])))
    outcomes = delivery.alert_clinician(alert, membership, now) if membership else {}
    report.add(sent=sum(o == "sent" for o in outcomes.values()), failed=sum(o == "failed" for o in outcomes.values()))
    if any(o == "retry" for o in outcomes.values()):
        report.add(retried=1)
        return  # the lease filed it under a later bucket: it comes due again then
    store.alert_notified(alert)


# -- daily digests ------------------------------------------------------------------------------------

def _digests_if_due(now: datetime, done_hour: str | None) -> int:
    hour = now.strftime("%Y-%m-%dT%H")
    if (done_hour or "") >= hour:
        return 0
    sent = delivery.daily_digests(now)
    store.advance_checkpoint(hour, "digest")
    return sent
