"""Cold start to first answer: `python -m tests.perf.bench_cold_start [--rounds 7]`.

A fresh interpreter (as a Lambda cold start is) that imports `app` and answers
`GET /v1/client/assignments` through `app(event, context)` with an API Gateway proxy
event, beside a fresh interpreter that imports boto3 and makes the same DynamoDB
requests directly (recorded from the app: the link lookup and the assignments query).
Both against DynamoDB Local, alternating, medians; the ratio is the figure (goal <= 1.3).
The app side runs as deployed: from a copy of app.py and chalicelib/ with unchecked-hash
bytecode beside the sources (as in the Lambda zip), and neither side writes bytecode.
With --also-source, a copy without bytecode too (what Lambda did before the zip had it).
With --profile, the slowest imports on the app's path (`python -X importtime`).
"""
from __future__ import annotations

import argparse
import compileall
import json
import py_compile
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.perf.bench_support import Recorder, answer, local_stack, proxy_event, say, seed

ROOT = Path(__file__).resolve().parents[2]
GOAL = 1.3

APP_SNIPPET = """
import json, sys, time
event = json.load(open(sys.argv[1]))
class Context:
    function_name = "emotipal-api"; memory_limit_in_mb = 1024; aws_request_id = "cold"
    invoked_function_arn = "arn:aws:lambda:eu-west-2:123456789012:function:emotipal-api"
    def get_remaining_time_in_millis(self): return 29000
started = time.perf_counter()
from app import app
response = app(event, Context())
elapsed = (time.perf_counter() - started) * 1000
assert response["statusCode"] == 200, response
print(elapsed)
"""

BOTO_SNIPPET = """
import json, os, sys, time
calls = json.load(open(sys.argv[1]))
started = time.perf_counter()
import boto3
from botocore import xform_name
dynamodb = boto3.client("dynamodb", endpoint_url=os.environ["EMOTIPAL_DYNAMODB_ENDPOINT"])
for call in calls:
    getattr(dynamodb, xform_name(call["operation"]))(**call["params"])
elapsed = (time.perf_counter() - started) * 1000
print(elapsed)
"""


def _run(snippet: str, arg: Path, env: dict[str, str], *flags: str,
         cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *flags, "-c", snippet, str(arg)], cwd=cwd, check=True,
                          capture_output=True, text=True, env=env)


def _ms(snippet: str, arg: Path, env: dict[str, str], cwd: Path = ROOT) -> float:
    return float(_run(snippet, arg, env, cwd=cwd).stdout.strip().splitlines()[-1])


def _app_copy(workdir: Path, *, compiled: bool) -> Path:
    """app.py and chalicelib/ as the Lambda zip holds them (infra/emotipal_infra/bytecode.py)."""
    target = workdir / ("compiled" if compiled else "source")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "chalicelib", target / "chalicelib", ignore=ignore)
    shutil.copy2(ROOT / "app.py", target / "app.py")
    if compiled:
        unchecked = py_compile.PycInvalidationMode.UNCHECKED_HASH
        ok = compileall.compile_dir(target, quiet=1, optimize=0, invalidation_mode=unchecked)
        assert ok, "the app copy did not compile"
    return target


def _profile(event_file: Path, env: dict[str, str], cwd: Path, top: int = 12) -> None:
    """The imports that cost most on the app's path, cumulative (python -X importtime)."""
    err = _run(APP_SNIPPET, event_file, env, "-X", "importtime", cwd=cwd).stderr
    rows = []
    for line in err.splitlines():
        if not line.startswith("import time:"):
            continue
        own, cumulative, name = line.split(":", 1)[1].split("|")
        if not own.strip().isdigit():
            continue  # the header
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        rows.append((int(cumulative), int(own), depth, name.strip()))
    say("  slowest imports (cumulative, top level and one below) of one cold start:")
    for cumulative, own, depth, name in sorted((r for r in rows if r[2] <= 1), reverse=True)[:top]:
        say(f"    {cumulative / 1000:7.1f} ms  {'  ' * depth}{name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="also list the slowest imports")
    parser.add_argument("--also-source", action="store_true",
                        help="also time the app from a copy without bytecode (before/after in one run)")
    args = parser.parse_args()
    with local_stack() as env:
        from app import app

        recorder = Recorder()
        recorder.attach()  # before any client is made: each copies the session's handlers
        world = seed(app)
        event = proxy_event("GET", "/v1/client/assignments", headers=world.headers("client"))
        recorder.take()
        status, _ = answer(app, event)
        calls = list(recorder.take())
        assert status == 200 and calls, (status, calls)
        assert all(c.service == "dynamodb" for c in calls), [c.service for c in calls]
        workdir = Path(tempfile.mkdtemp(prefix="emotipal-cold-"))
        event_file, calls_file = workdir / "event.json", workdir / "calls.json"
        event_file.write_text(json.dumps(event))
        calls_file.write_text(json.dumps([{"operation": c.operation, "params": c.params} for c in calls]))
        # Neither side may cache what it compiles, as on Lambda's read-only filesystem.
        child_env = {"PATH": "/usr/bin:/bin", **env, "PYTHONDONTWRITEBYTECODE": "1"}
        deployed = _app_copy(workdir, compiled=True)
        source = _app_copy(workdir, compiled=False) if args.also_source else None
        _ms(APP_SNIPPET, event_file, child_env, deployed), _ms(BOTO_SNIPPET, calls_file, child_env)  # warm caches
        app_ms: list[float] = []
        boto_ms: list[float] = []
        source_ms: list[float] = []
        for _ in range(args.rounds):
            app_ms.append(_ms(APP_SNIPPET, event_file, child_env, deployed))
            boto_ms.append(_ms(BOTO_SNIPPET, calls_file, child_env))
            if source is not None:
                source_ms.append(_ms(APP_SNIPPET, event_file, child_env, source))
        app_median, boto_median = statistics.median(app_ms), statistics.median(boto_ms)
        ratio = app_median / boto_median
        say(f"cold start to first answer, median of {args.rounds} fresh interpreters each (alternating),")
        say(f"GET /v1/client/assignments; DynamoDB requests: {', '.join(c.operation for c in calls)}")
        say(f"  app(event, context)          {app_median:7.1f} ms  (with its bytecode, as deployed)")
        say(f"  boto3, same requests         {boto_median:7.1f} ms")
        if source_ms:
            source_median = statistics.median(source_ms)
            say(f"  app without bytecode         {source_median:7.1f} ms  "
                f"(ratio {source_median / boto_median:.2f})")
        say(f"  ratio app/boto3 = {ratio:.2f}  (goal <= {GOAL})")
        if args.profile or ratio > GOAL:
            _profile(event_file, child_env, deployed)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
