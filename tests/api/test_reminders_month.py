"""A month of daily reminders across daylight-saving changes, with the clock travelling
and the sweep run every SWEEP minutes (as the schedule would), against moto."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta, UTC
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.api.conftest import use_table
from tests.api.reminder_support import SIGNING_SECRET, Recorder, new_practice, verify_sender

SWEEP = timedelta(minutes=15)
START = datetime(2026, 9, 30, 12, 0, tzinfo=UTC)
END = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)
# The sweep is down for six hours on this day (UTC).
OUTAGE = (datetime(2026, 10, 20, 12, 0, tzinfo=UTC), datetime(2026, 10, 20, 18, 0, tzinfo=UTC))


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def _wall(day: date, hhmm: str, zone: str) -> datetime:
    """A local wall-clock time as a UTC instant, written out independently of the product:
    a time that does not exist moves to the end of the gap (the first instant that does)."""
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, time.fromisoformat(hhmm))
    first = naive.replace(tzinfo=tz, fold=0)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:  # in a gap
        # Between the two readings of the missing time lies the change: find its minute.
        probe = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
        before = probe.astimezone(tz).utcoffset()
        while probe.astimezone(tz).utcoffset() == before:
            probe += timedelta(minutes=1)
        return probe
    return first.astimezone(UTC)


def _sweep_times(expected: list[datetime]) -> list[datetime]:
    """When the test runs the sweep: every SWEEP around each expected reminder (from an hour
    before to half an hour after), and every three hours otherwise. A reminder that fell due
    at any other time is still sent, by the next sweep, and shows up at a wrong time."""
    times = set()
    moment = START
    while moment <= END:
        times.add(moment)
        moment += timedelta(hours=3)
    for due in expected:
        moment = due - timedelta(hours=1)
        while moment <= due + timedelta(minutes=30):
            times.add(moment)
            moment += SWEEP
    return sorted(t for t in times if START <= t <= END and not OUTAGE[0] <= t < OUTAGE[1]) + []


@pytest.fixture
def month(aws, monkeypatch):
    from chalicelib.store import reminders as reminder_store

    # One shard of hour-long buckets keeps a month of sweeps quick on moto; the due-index's
    # real geometry is exercised by the other reminder tests and the benchmark.
    monkeypatch.setattr(reminder_store, "SHARDS", 1)
    monkeypatch.setattr(reminder_store, "BUCKET", timedelta(hours=1))
    monkeypatch.setenv("EMOTIPAL_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("EMOTIPAL_API_URL", "https://api.emotipal.test")
    import uuid

    use_table(f"emotipal-month-{uuid.uuid4().hex[:8]}")
    verify_sender()
    recorder = Recorder()
    recorder.attach()
    yield recorder
    recorder.detach()


def test_a_month_of_daily_reminders_across_daylight_saving(month):
    from chalicelib.homework import submission_service
    from chalicelib.homework.models import SkipCreate
    from chalicelib.reminders import sweep

    with time_machine.travel(START, tick=False) as clock:
        practice = new_practice()
        # London falls back on 25 Oct; quiet hours end before the reminder.
        london = practice.add_client(timezone="Europe/London", reminder_time="18:30",
                                     quiet_hours={"start": "22:00", "end": "07:00"})
        # New York falls back on 1 Nov; 07:00 is quiet, so reminders move to 07:30; a follow-up 2 h later.
        new_york = practice.add_client(timezone="America/New_York", reminder_time="07:00",
                                       quiet_hours={"start": "22:00", "end": "07:30"})
        # Sydney springs forward on 4 Oct: 02:30 does not exist that night and moves to 03:00.
        sydney = practice.add_client(timezone="Australia/Sydney", reminder_time="02:30")
        clients = {"london": london, "new_york": new_york, "sydney": sydney}
        assignments = {
            "london": practice.assign(london["client_id"], start_date="2026-10-01", due_time="23:00",
                                      recurrence={"frequency": "daily", "count": 33}),
            "new_york": practice.assign(new_york["client_id"], start_date="2026-10-01", due_time="21:00",
                                        recurrence={"frequency": "daily", "count": 33},
                                        reminders={"follow_up_after_hours": 2, "max_follow_ups": 1}),
            "sydney": practice.assign(sydney["client_id"], start_date="2026-10-01", due_time="23:00",
                                      recurrence={"frequency": "daily", "count": 33}),
        }
        # Completions: London skips every fifth day at noon (before its reminder); New York
        # completes every third day at 08:00 (after the first reminder, before the follow-up).
        completions: dict[datetime, tuple[str, str]] = {}
        for n in range(33):
            day = date(2026, 10, 1) + timedelta(days=n)
            if n % 5 == 2:
                completions[_wall(day, "12:00", "Europe/London")] = ("london", day.isoformat())
            if n % 3 == 0:
                completions[_wall(day, "08:00", "America/New_York")] = ("new_york", day.isoformat())

        expected = []
        for n in range(40):
            day = date(2026, 9, 30) + timedelta(days=n)
            expected += [_wall(day, "18:30", "Europe/London"), _wall(day, "07:30", "America/New_York"),
                         _wall(day, "09:30", "America/New_York"), _wall(day, "02:30", "Australia/Sydney")]
        swept_at = _sweep_times(expected) + [OUTAGE[1]]
        events = sorted([(t, "complete") for t in completions] + [(t, "sweep") for t in set(swept_at)])
        for moment, kind in events:
            clock.move_to(moment)
            if kind == "complete":
                who, occurrence = completions[moment]
                submission_service.skip(practice.principal(clients[who]), assignments[who]["assignment_id"],
                                        SkipCreate(occurrence_id=occurrence, reason="Done another way"))
            else:
                sweep.run(now=moment)

    sent = month.sent
    assert sent, "nothing was sent"
    assert all(s.channel == "email" for s in sent)
    first_after_outage = OUTAGE[1]

    expectations = {"london": ("Europe/London", "18:30", None), "new_york": ("America/New_York", "07:30", "09:30"),
                    "sydney": ("Australia/Sydney", "02:30", None)}
    for who, (zone, first_time, follow_time) in expectations.items():
        # Reminders only (the client was also told of the new homework when it was assigned).
        mine = [s for s in month.to(clients[who]["email"]) if s.subject.startswith(("Reminder", "Still to do"))]
        # Never in quiet hours.
        quiet = {"london": (time(22), time(7)), "new_york": (time(22), time(7, 30))}.get(who)
        if quiet:
            for s in mine:
                local = _local(s.at, zone).time()
                assert not (local >= quiet[0] or local < quiet[1]), (who, s.at)
        # No duplicates: one first reminder and at most one follow-up per local date.
        per_day = Counter((_local(s.at, zone).date(), "Still to do" in s.subject) for s in mine)
        assert max(per_day.values()) == 1, (who, per_day.most_common(3))
        completed = {occ for (person, occ) in completions.values() if person == who}
        done_at = {occ: t for t, (person, occ) in completions.items() if person == who}
        accounted = 0
        for n in range(33):
            day = date(2026, 10, 1) + timedelta(days=n)
            got_first = [s for s in mine if _local(s.at, zone).date() == day and "Still to do" not in s.subject]
            due = _wall(day, first_time, zone)
            if day.isoformat() in completed and done_at[day.isoformat()] <= due:
                assert not got_first, (who, day, "reminded after completion")
                continue
            if due > END:
                continue
            assert len(got_first) == 1, (who, day, [s.at for s in mine if _local(s.at, zone).date() == day])
            accounted += 1
            if OUTAGE[0] <= due < OUTAGE[1]:
                # One catch-up when the sweep comes back, not a storm.
                assert got_first[0].at == first_after_outage, (who, day)
            else:
                assert due <= got_first[0].at < due + SWEEP, (who, day, got_first[0].at, due)
            if follow_time:
                follow = [s for s in mine if _local(s.at, zone).date() == day and "Still to do" in s.subject]
                follow_due = _wall(day, follow_time, zone)
                if day.isoformat() in completed and done_at[day.isoformat()] <= follow_due:
                    assert not follow, (who, day, "follow-up after completion")
                elif OUTAGE[0] <= follow_due < OUTAGE[1]:
                    assert len(follow) == 1 and follow[0].at == first_after_outage, (who, day, follow)
                    accounted += 1
                else:
                    assert len(follow) == 1 and follow_due <= follow[0].at < follow_due + SWEEP, (who, day, follow)
                    accounted += 1
        # Nothing else was sent: no reminder outside the occurrences, none on a wrong day.
        assert len(mine) == accounted, (who, len(mine), accounted)
    # The change days themselves were covered: the Sydney reminder on 4 Oct came at 03:00 local.
    sydney_oct4 = [s for s in month.to(sydney["email"]) if _local(s.at, "Australia/Sydney").date() == date(2026, 10, 4)]
    assert [_local(s.at, "Australia/Sydney").strftime("%H:%M") for s in sydney_oct4][0] >= "03:00"
    london_oct26 = [s for s in month.to(london["email"]) if _local(s.at, "Europe/London").date() == date(2026, 10, 26)]
    assert london_oct26 and london_oct26[0].at.hour == 18  # 18:30 GMT after the change (17:30 UTC before it)
