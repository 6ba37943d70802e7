"""Load test: concurrent clients autosaving drafts and submitting homework on the local stack.

    python -m tests.load.run_load            # `make load`: 50 clients for 60 s
    LOAD_SECONDS=10 LOAD_CLIENTS=10 python -m tests.load.run_load

Starts a fresh local stack (`python -m devstack run` on free ports, its own state
directory), makes a practice of its own, and a clinician there creates LOAD_CLIENTS
clients, each with an access link and a PHQ-9 assignment. Then one session per client,
all at once, for LOAD_SECONDS on 127.0.0.1:

    autosave a draft twice (PUT …/draft, carrying the version the last save returned)
    submit (POST …/submissions with an Idempotency-Key; on a network error or a 5xx the
            same request is sent again with the same key)
    the clinician assigns the next one

A one-off assignment is used because an occurrence takes one submission, and only
occurrences that fall due after an assignment was created count (chalicelib/homework/
schedule.py): a daily assignment gives one submission a day, so each submission gets an
assignment of its own.

Afterwards the clinician reads every assignment's submissions back through the API
(`GET /v1/assignments/{id}/submissions`) and the run checks that the table holds exactly
the acknowledged submissions: none lost, none doubled. Prints requests/s, p50/p95/p99 per
request kind and errors by status; exits non-zero if anything was lost or doubled.
"""
from __future__ import annotations

import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.fuzz.stack import PHQ9_ITEMS, Practice, local_stack, phq9_answers, provision

REQUEST_TIMEOUT = 30
SUBMIT_ATTEMPTS = 5


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)
    if value < 1:
        raise SystemExit(f"{name} must be a positive integer, not {raw!r}")
    return value


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    acknowledged: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    assignments: list[str] = field(default_factory=list)
    retries: int = 0

    def record(self, kind: str, seconds: float, status: str) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1


class Session:
    """One client on their phone, and their clinician assigning the next homework."""

    def __init__(self, practice: Practice, client_id: str, token: str, assignment_id: str, stats: Stats) -> None:
        self.base = practice.api_base
        self.client_id = client_id
        self.stats = stats
        self.assignment_id = assignment_id
        self.client = requests.Session()
        self.client.headers["Authorization"] = f"Bearer {token}"
        self.clinician = requests.Session()
        self.clinician.headers["Authorization"] = f"Bearer {practice.clinician_token}"
        self.rng = secrets.SystemRandom()

    def _send(self, session: requests.Session, kind: str, method: str, path: str, **kwargs) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = session.request(method, self.base + path, timeout=REQUEST_TIMEOUT, **kwargs)
        except requests.RequestException:
            self.stats.record(kind, time.perf_counter() - started, "network-error")
            return None
        self.stats.record(kind, time.perf_counter() - started, str(response.status_code))
        return response

    def autosave(self) -> None:
        version = None
        answered: dict[str, str] = {}
        for item in PHQ9_ITEMS[:2]:
            answered[item] = self.rng.choice(("not_at_all", "several_days"))
            response = self._send(self.client, "draft", "PUT", f"/v1/client/assignments/{self.assignment_id}/draft",
                                  json={"answers": answered, "version": version})
            if response is not None and response.status_code == 200:
                version = response.json()["version"]

    def submit(self) -> None:
        key = f"load-{uuid.uuid4()}"
        body = {"answers": phq9_answers(self.rng.choice), "rating": self.rng.randint(1, 5)}
        for attempt in range(SUBMIT_ATTEMPTS):
            if attempt:
                with self.stats.lock:
                    self.stats.retries += 1
                time.sleep(0.2 * attempt)
            response = self._send(self.client, "submit", "POST",
                                  f"/v1/client/assignments/{self.assignment_id}/submissions",
                                  json=body, headers={"Idempotency-Key": key})
            if response is None or response.status_code >= 500:
                continue  # the same key again: a stored first attempt answers with its receipt
            if response.status_code == 201:
                with self.stats.lock:
                    self.stats.acknowledged[self.assignment_id].add(response.json()["submission_id"])
            return

    def next_assignment(self) -> bool:
        response = self._send(self.clinician, "assign", "POST", f"/v1/clients/{self.client_id}/assignments",
                              json={"template_id": "phq-9", "recurrence": {"frequency": "once"},
                                    "due_time": "23:59", "reminders": {"enabled": False}})
        if response is None or response.status_code != 201:
            return False
        self.assignment_id = response.json()["assignment_id"]
        with self.stats.lock:
            self.stats.assignments.append(self.assignment_id)
        return True

    def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            self.autosave()
            self.submit()
            if time.monotonic() >= deadline:
                break
            if not self.next_assignment():
                time.sleep(0.5)


def set_up(practice: Practice, clients: int, stats: Stats) -> list[Session]:
    def one(n: int) -> Session:
        client_id = practice.new_client(f"Load Client {n}")
        token = practice.new_link(client_id)
        assignment_id = practice.new_assignment(client_id, "phq-9")
        return Session(practice, client_id, token, assignment_id, stats)

    with ThreadPoolExecutor(max_workers=8) as pool:
        sessions = list(pool.map(one, range(clients)))
    stats.assignments.extend(s.assignment_id for s in sessions)
    return sessions


def stored_submissions(practice: Practice, assignment_id: str) -> list[str]:
    found: list[str] = []
    token = None
    while True:
        params = {"limit": 100, **({"next_token": token} if token else {})}
        page = practice.clinician.call("GET", f"/v1/assignments/{assignment_id}/submissions", 200, params=params)
        found += [item["submission_id"] for item in page["items"]]
        token = page.get("next_token")
        if not token:
            return found


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(stats: Stats, seconds: float, clients: int) -> None:
    total = sum(len(v) for v in stats.latencies.values())
    print(f"\n== load: {clients} client sessions for {seconds:.1f} s on loopback: {total} requests, "
          f"{total / seconds:.1f} requests/s")
    print(f"   {'kind':<8} {'count':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    for kind in ("draft", "submit", "assign"):
        values = stats.latencies.get(kind, [])
        if not values:
            continue
        ms = [v * 1000 for v in values]
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(stats.statuses[kind].items()))
        print(f"   {kind:<8} {len(ms):>6} {len(ms) / seconds:>7.1f} {percentile(ms, 50):>8.0f} "
              f"{percentile(ms, 95):>8.0f} {percentile(ms, 99):>8.0f}  {statuses}")
    errors = Counter()
    for kind, counter in stats.statuses.items():
        for status, n in counter.items():
            if status == "network-error" or int(status) >= 400:
                errors[f"{kind} {status}"] += n
    print("   errors by status: " + (", ".join(f"{k}: {n}" for k, n in sorted(errors.items())) or "none"))
    print(f"   submit retries (same Idempotency-Key): {stats.retries}")


def verify(practice: Practice, stats: Stats) -> bool:
    with ThreadPoolExecutor(max_workers=8) as pool:
        stored = dict(zip(stats.assignments, pool.map(lambda a: stored_submissions(practice, a), stats.assignments)))
    acknowledged = sum(len(v) for v in stats.acknowledged.values())
    in_table = sum(len(v) for v in stored.values())
    lost = sum(len(stats.acknowledged[a] - set(s)) for a, s in stored.items())
    doubled = sum(len(s) - len(set(s)) + max(0, len(set(s)) - 1) for s in stored.values())
    unacknowledged = sum(len(set(s) - stats.acknowledged[a]) for a, s in stored.items())
    print(f"   acknowledged submissions: {acknowledged}; in the table (read back for {len(stored)} "
          f"assignments): {in_table}; lost: {lost}; doubled: {doubled}; stored but never acknowledged: "
          f"{unacknowledged}")
    exact = lost == 0 and doubled == 0 and unacknowledged == 0 and in_table == acknowledged
    print("   the table holds exactly the acknowledged submissions" if exact else
          "   MISMATCH between the acknowledged submissions and the table")
    return exact


def main() -> int:
    seconds = _env_int("LOAD_SECONDS", 60)
    clients = _env_int("LOAD_CLIENTS", 50)
    work_dir = Path(os.environ.get("LOAD_WORK_DIR") or tempfile.mkdtemp(prefix="emotipal-load-"))
    stats = Stats()
    with local_stack(work_dir) as running:
        practice = provision(running, "Load Practice")
        started = time.monotonic()
        sessions = set_up(practice, clients, stats)
        print(f"set up {clients} clients with links and assignments in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        deadline = started + seconds
        threads = [threading.Thread(target=s.run, args=(deadline,), daemon=True) for s in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        report(stats, elapsed, clients)
        exact = verify(practice, stats)
    print(f"   stack state and logs: {work_dir}")
    acknowledged = sum(len(v) for v in stats.acknowledged.values())
    return 0 if exact and acknowledged > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
