"""Fuzz the API with schemathesis against a fresh local stack, as a clinician and as a client.

    python -m tests.fuzz.run_fuzz --profile full    # `make fuzz`: 5,000+ requests, stateful phase on
    python -m tests.fuzz.run_fuzz --profile short   # a deterministic 1-2 minute run (`make test`)

It starts `python -m devstack run` on free ports with its own state directory, makes a
practice of its own (never the demo's), creates clients, access links, assignments, a
submission with a risk answer (so an alert), a custom template and an export through the
API, then runs `st run` on `/v1/openapi.json` with the clinician's and the client's tokens
and those ids as path parameters (often, not always). The tokens reach `st` through its
environment only; its output filters the Authorization header.

Prints the number of requests (counted by tests/fuzz/hooks.py) and the failures by check;
exits non-zero if any check failed or too few requests were sent.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devstack.processes import REPO_ROOT
from tests.fuzz.stack import Api, Practice, local_stack, phq9_answers, provision

CHECKS = ("not_a_server_error", "response_schema_conformance", "negative_data_rejection",
          "status_code_conformance", "content_type_conformance")

# Schemathesis failure types → the check that reports them.
CHECK_OF_FAILURE = {
    "ServerError": "not_a_server_error", "ContentTypeServerError": "not_a_server_error",
    "UndefinedStatusCode": "status_code_conformance",
    "MissingContentType": "content_type_conformance", "UndefinedContentType": "content_type_conformance",
    "MalformedMediaType": "content_type_conformance",
    "JsonSchemaError": "response_schema_conformance", "MalformedJson": "response_schema_conformance",
    "ContentDeserializationError": "response_schema_conformance",
    "AcceptedNegativeData": "negative_data_rejection",
}


@dataclass(frozen=True)
class Profile:
    max_examples: int
    phases: str
    seed: int | None
    min_requests: int
    max_time: int | None = None
    workers: int = 1


PROFILES = {
    # Deterministic (fixed seed, one worker), a few hundred requests in about a minute.
    "short": Profile(max_examples=6, phases="examples,fuzzing,stateful", seed=20261130, min_requests=300),
    # Every phase; fuzzing and stateful repeat until the time budget is spent. One worker: with
    # two, Hypothesis' lambda descriptions parse source in both threads at once and CPython 3.11's
    # ast module can fail ("AST constructor recursion depth mismatch"), erroring an operation.
    "full": Profile(max_examples=60, phases="examples,coverage,fuzzing,stateful", seed=None, min_requests=5000,
                    max_time=800, workers=1),
}


@dataclass
class FuzzData:
    """What the fuzzer may aim at: the ids it created and the tokens that open them."""

    clinician_token: str
    # The owner of a second practice: managing clinicians (deactivating one among them) must
    # never lock out the clinician whose token the rest of the run uses.
    manager_token: str
    client_token: str
    ids: dict[str, list[str]] = field(default_factory=dict)
    # Operations that would revoke the client's own link, erase it or end its homework get
    # spare ids (tests/fuzz/hooks.py keeps them off the first client whatever the fuzzer picks).
    spare: dict[str, list[str]] = field(default_factory=dict)


def seed_data(practice: Practice, managed: Practice) -> FuzzData:
    clinician = practice.clinician
    client_id = practice.new_client("Fuzz Client")
    client_token = practice.new_link(client_id)
    client = Api(practice.api_base, client_token)

    open_one = practice.new_assignment(client_id, "phq-9")
    done_one = practice.new_assignment(client_id, "phq-9")
    daily = practice.new_assignment(client_id, "mood-diary", recurrence={"frequency": "daily", "count": 14})
    client.call("PUT", f"/v1/client/assignments/{open_one}/draft", 200, json={"answers": {"phq9_1": "not_at_all"}})
    receipt = client.call("POST", f"/v1/client/assignments/{done_one}/submissions", 201,
                          json={"answers": phq9_answers(risk=True)}, headers={"Idempotency-Key": "fuzz-seed-0001"})
    alerts = clinician.call("GET", "/v1/alerts", 200)["items"]
    template = clinician.call("POST", "/v1/templates", 201, json={"content": {
        "title": "Evening wind-down", "kind": "diary", "instructions": "Note how you wound down.",
        "items": [{"id": "what", "label": "What did you do?", "type": "long_text", "required": True}]}})
    export = clinician.call("POST", "/v1/exports", 201, json={"client_id": client_id, "format": "csv"})

    spare_clients, spare_assignments = [], []
    for n in range(3):
        spare = practice.new_client(f"Spare Client {n}")
        practice.new_link(spare)
        spare_clients.append(spare)
        spare_assignments.append(practice.new_assignment(spare, "gad-7"))
    return FuzzData(
        clinician_token=practice.clinician_token, manager_token=managed.owner_token, client_token=client_token,
        ids={
            "client_id": [client_id, *spare_clients],
            "assignment_id": [open_one, done_one, daily],
            "submission_id": [receipt["submission_id"]],
            "alert_id": [alert["alert_id"] for alert in alerts],
            "template_id": [template["template_id"], "phq-9", "thought-record"],
            "export_id": [export["export_id"]],
            "clinician_id": [managed.clinician_id],
        },
        spare={"client_id": spare_clients, "assignment_id": spare_assignments},
    )


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


# (operation name regex, parameter) served from the spare ids: these revoke the client's
# link, erase a client or end an assignment, which would leave the rest of the run at 401/404.
SPARE_ONLY = (
    ("^(POST|DELETE) /v1/clients/\\{client_id\\}/access-link$", "client_id"),
    ("^DELETE /v1/clients/\\{client_id\\}$", "client_id"),
    ("^POST /v1/clients/\\{client_id\\}/discharge$", "client_id"),
    ("^(PATCH|DELETE) /v1/assignments/\\{assignment_id\\}$", "assignment_id"),
)


def write_config(data: FuzzData, path: Path) -> None:
    lines = [
        "# Written by tests/fuzz/run_fuzz.py for one run; tokens come from the environment.",
        'hooks = "tests.fuzz.hooks"',
        "[auth.openapi.clinicianToken]",
        'bearer = "${EMOTIPAL_FUZZ_CLINICIAN_TOKEN}"',
        "[auth.openapi.clientLink]",
        'bearer = "${EMOTIPAL_FUZZ_CLIENT_TOKEN}"',
    ]
    ids = {name: values for name, values in data.ids.items() if values}
    for name, values in ids.items():
        lines += [f"[dictionaries.{name}s]", f"values = {_toml_list(values)}"]
    for name, values in data.spare.items():
        lines += [f"[dictionaries.spare_{name}s]", f"values = {_toml_list(values)}"]
    # Methods the API does not serve must be refused. Not TRACE or QUERY: `chalice local`'s
    # http.server answers them 501 by itself, and API Gateway never passes them to the function.
    lines += ["[phases.coverage]",
              'unexpected-methods = ["get", "put", "post", "delete", "options", "patch"]']
    lines.append("[parameters]")
    # Often the ids we made (deep into the handlers), sometimes generated ones (the 404 paths).
    lines += [f'"path.{name}" = {{ dictionary = "{name}s", probability = 0.75 }}' for name in ids]
    for regex, name in SPARE_ONLY:
        lines += ["[[operations]]", f"include-name-regex = {json.dumps(regex)}",
                  f'parameters = {{ "path.{name}" = {{ dictionary = "spare_{name}s", probability = 0.75 }} }}']
    # Managing clinicians is for owners and admins: the second practice's owner.
    lines += ["[[operations]]", 'include-path-regex = "^/v1/clinicians"',
              'headers = { Authorization = "Bearer ${EMOTIPAL_FUZZ_MANAGER_TOKEN}" }']
    path.write_text("\n".join(lines) + "\n")


def run_schemathesis(api: str, data: FuzzData, profile: Profile, work_dir: Path) -> dict[str, Any]:
    work_dir = work_dir.resolve()
    config = work_dir / "schemathesis.toml"
    write_config(data, config)
    counts_path = work_dir / "requests.json"
    report_dir = work_dir / "report"
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
               f"{api}/v1/openapi.json", "--checks", ",".join(CHECKS), "--phases", profile.phases,
               "--max-examples", str(profile.max_examples), "--workers", str(profile.workers),
               "--report", "json", "--report-dir", str(report_dir), "--request-timeout", "30",
               "--suppress-health-check", "all", "--no-color"]
    if profile.seed is not None:
        command += ["--seed", str(profile.seed)]
    if profile.max_time:
        command += ["--max-time", str(profile.max_time)]
    env = {**os.environ, "EMOTIPAL_FUZZ_CLINICIAN_TOKEN": data.clinician_token,
           "EMOTIPAL_FUZZ_MANAGER_TOKEN": data.manager_token, "EMOTIPAL_FUZZ_CLIENT_TOKEN": data.client_token,
           "EMOTIPAL_FUZZ_COUNTS": str(counts_path),
           "EMOTIPAL_FUZZ_PROTECTED": json.dumps({"client_id": data.ids["client_id"][0], "spare": data.spare}), "PYTHONPATH": str(REPO_ROOT)}
    output_path = work_dir / "schemathesis.out"
    started = time.monotonic()
    with output_path.open("w") as output:
        # In the work dir: schemathesis and Hypothesis keep their caches in the current directory.
        completed = subprocess.run(command, cwd=work_dir, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   text=True, check=False)
    elapsed = time.monotonic() - started
    reports = sorted(report_dir.glob("json-*.json"))
    if not reports or not counts_path.is_file():
        raise RuntimeError(f"schemathesis wrote no report (exit {completed.returncode}):\n"
                           f"{output_path.read_text()[-4000:]}")
    report = json.loads(reports[-1].read_text())
    counts = json.loads(counts_path.read_text())
    failures: Counter[str] = Counter()
    failing_operations: dict[str, set[str]] = {}
    for failure in report.get("failures", []):
        check = CHECK_OF_FAILURE.get(failure["type"], failure["type"])
        failures[check] += failure["count"]
        failing_operations.setdefault(check, set()).update(failure.get("operations", []))
    return {
        "exit_code": completed.returncode, "seconds": elapsed, "requests": counts["requests"],
        "by_status": counts["by_status"], "test_cases": report["test_cases"],
        "failures": {check: failures.get(check, 0) for check in CHECKS} | {
            k: v for k, v in failures.items() if k not in CHECKS},
        "failing_operations": {k: sorted(v) for k, v in failing_operations.items()},
        "errors": report.get("errors", []), "phases": report.get("phases", {}),
        "output": str(output_path),
    }


def print_summary(result: dict[str, Any], profile_name: str) -> None:
    print(f"\n== fuzz ({profile_name}): {result['requests']} requests in {result['seconds']:.0f} s "
          f"({result['requests'] / max(result['seconds'], 1):.1f}/s); "
          f"test cases {result['test_cases'].get('generated')}")
    print("   phases: " + ", ".join(f"{name} {info.get('status')}" for name, info in result["phases"].items()))
    print("   responses by status: " + ", ".join(
        f"{status}: {count}" for status, count in sorted(result["by_status"].items())))
    print("   failures by check:")
    for check, count in result["failures"].items():
        operations = result["failing_operations"].get(check, [])
        print(f"     {check:<30} {count:>4}" + (f"  ({'; '.join(operations)})" if operations else ""))
    if result["errors"]:
        print(f"   errors: {len(result['errors'])} (see {result['output']})")
    print(f"   the fuzzed client's link after the run: GET /v1/client/me → {result.get('client_link_status_after')}")
    print(f"   full schemathesis output (reproductions as curl): {result['output']}")


def fuzz(profile_name: str, work_dir: Path) -> dict[str, Any]:
    profile = PROFILES[profile_name]
    with local_stack(work_dir) as running:
        practice = provision(running, "Fuzz Practice")
        managed = provision(running, "Fuzz Managed Practice")
        data = seed_data(practice, managed)
        result = run_schemathesis(running.stack["api"], data, profile, work_dir)
        # The guard in hooks.py kept the fuzzed client's link alive: its token still opens it.
        still = Api(running.stack["api"], data.client_token).session.get(f"{running.stack['api']}/v1/client/me",
                                                                          timeout=30)
        result["client_link_status_after"] = still.status_code
    result["min_requests"] = profile.min_requests
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="full")
    parser.add_argument("--work-dir", type=Path, help="keep the stack state, config and reports here")
    args = parser.parse_args(argv)
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="emotipal-fuzz-"))
    result = fuzz(args.profile, work_dir)
    print_summary(result, args.profile)
    failed = sum(result["failures"].values()) + len(result["errors"])
    if result["requests"] < result["min_requests"]:
        print(f"   too few requests: {result['requests']} < {result['min_requests']}")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
