"""Load test: concurrent clients autosaving drafts and submitting homework on the local stack.

    python -m tests.load.run_load            # `make load`: 50 clients for 60 s
    LOAD_SECONDS=10 LOAD_CLIENTS=10 python -m tests.load.run_load

Starts a fresh local stack (`python -m devstack run` on free ports, its own state
directory), makes a practice of its own, and a clinician there creates LOAD_CLIENTS
clients, each with an access link and a PHQ-9 assignment. Then one session per client,
all at once, for LOAD_SECONDS on 127.0.0.1:

    autosave a draft twice (PUT …/draft, carrying the version the last save returned)
    submit (POST …/submissions with an Idempotency-Key)
    the clinician assigns the next one

Each request, as the web pages do, is sent again after a network error or a 5xx (waiting
Retry-After): a submission with the same Idempotency-Key.

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
ATTEMPTS = 5


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a positive integer, not {raw!r}") from None
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
    retries: Counter = field(default_factory=Counter)

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
        self.first_assignment = assignment_id
        self.client = requests.Session()
        self.client.headers["Authorization"] = f"Bearer {token}"
        self.clinician = requests.Session()
        self.clinician.headers["Authorization"] = f"Bearer {practice.clinician_token}"
        self.rng = secrets.SystemRandom()

    def _send(self, session: requests.Session, kind: str, method: str, path: str, **kwargs) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = session.request(method, self.base + path, timeout=REQUEST_TIMEOUT, **kwargs)
        except requests.RequestException as error:
            self.stats.record(kind, time.perf_counter() - started, f"network-error ({type(error).__name__})")
            return None
        self.stats.record(kind, time.perf_counter() - started, str(response.status_code))
        return response

    def _send_retrying(self, session: requests.Session, kind: str, method: str, path: str,
                       **kwargs) -> requests.Response | None:
        """As the web page does: on a network error or a 5xx, wait (Retry-After) and send the
        same request again; the submission's Idempotency-Key rides along in `kwargs`."""
        response = None
        for attempt in range(ATTEMPTS):
            if attempt:
                with self.stats.lock:
                    self.stats.retries[kind] += 1
                wait = response.headers.get("Retry-After", "") if response is not None else ""
                time.sleep(min(float(wait), 2.0) if wait.isdigit() else 0.2 * attempt)
            response = self._send(session, kind, method, path, **kwargs)
            if response is not None and response.status_code < 500:
                return response
        return response

    def autosave(self, assignment_id: str) -> None:
        version = None
        answered: dict[str, str] = {}
        for item in PHQ9_ITEMS[:2]:
            answered[item] = self.rng.choice(("not_at_all", "several_days"))
            response = self._send_retrying(self.client, "draft", "PUT",
                                           f"/v1/client/assignments/{assignment_id}/draft",
                                           json={"answers": answered, "version": version})
            if response is None:
                continue
            if response.status_code == 200:
                version = response.json()["version"]
            elif response.status_code == 409:
                # Saved elsewhere (or by an attempt whose answer was lost): carry on from the stored one.
                version = (response.json().get("current") or {}).get("version")

    def submit(self, assignment_id: str) -> None:
        key = f"load-{uuid.uuid4()}"
        body = {"answers": phq9_answers(self.rng.choice), "rating": self.rng.randint(1, 5)}
        response = self._send_retrying(self.client, "submit", "POST",
                                       f"/v1/client/assignments/{assignment_id}/submissions",
                                       json=body, headers={"Idempotency-Key": key})
        if response is not None and response.status_code == 201:
            with self.stats.lock:
                self.stats.acknowledged[assignment_id].add(response.json()["submission_id"])

    def next_assignment(self) -> str | None:
        response = self._send_retrying(self.clinician, "assign", "POST", f"/v1/clients/{self.client_id}/assignments",
                                       json={"template_id": "phq-9", "recurrence": {"frequency": "once"},
                                             "due_time": "23:59", "reminders": {"enabled": False}})
        if response is None or response.status_code != 201:
            return None
        assignment_id = response.json()["assignment_id"]
        with self.stats.lock:
            self.stats.assignments.append(assignment_id)
        return assignment_id

    def run(self, deadline: float) -> None:
        assignment_id: str | None = self.first_assignment
        while time.monotonic() < deadline:
            if assignment_id is None:
                assignment_id = self.next_assignment()
                continue
            self.autosave(assignment_id)
            self.submit(assignment_id)
            assignment_id = None


def set_up(practice: Practice, clients: int, stats: Stats) -> list[Session]:
    def one(n: int) -> Session:
        client_id = practice.new_client(f"Load Client {n}")
        token = practice.new_link(client_id)
        assignment_id = practice.new_assignment(client_id, "phq-9")
        return Session(practice, client_id, token, assignment_id, stats)

    with ThreadPoolExecutor(max_workers=8) as pool:
        sessions = list(pool.map(one, range(clients)))
    stats.assignments.extend(s.first_assignment for s in sessions)
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
            if status.startswith("network-error") or int(status) >= 400:
                errors[f"{kind} {status}"] += n
    print("   errors by status: " + (", ".join(f"{k}: {n}" for k, n in sorted(errors.items())) or "none"))
    print("   retries after a network error or 5xx: " + (", ".join(
        f"{kind} {n}" for kind, n in sorted(stats.retries.items())) or "none") + " (submissions with the same Idempotency-Key)")


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
