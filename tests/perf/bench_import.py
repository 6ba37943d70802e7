"""Cold-import benchmark: `import app` beside `import boto3`, alternating in one run.

Each sample is a fresh interpreter (as a Lambda cold start is), timing only the
import. The figure that matters is the ratio of medians (goal: app/boto3 <= 1.5),
since absolute times swing with the machine's load.

    make bench        or        .venv/bin/python -m tests.perf.bench_import --rounds 15
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNIPPET = "import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"


def sample(module: str) -> float:
    output = subprocess.run([sys.executable, "-c", SNIPPET.format(module=module)], cwd=ROOT, check=True,
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"})
    return float(output.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    sample("app"), sample("boto3")  # warm the OS file cache and .pyc files once
    times: dict[str, list[float]] = {"app": [], "boto3": []}
    for _ in range(args.rounds):
        for module in times:
            times[module].append(sample(module))
    app_ms, boto_ms = (statistics.median(times[m]) for m in ("app", "boto3"))
    print(f"cold import, median of {args.rounds} fresh interpreters each (alternating):")
    print(f"  import app    {app_ms:7.1f} ms")
    print(f"  import boto3  {boto_ms:7.1f} ms")
    print(f"  ratio app/boto3 = {app_ms / boto_ms:.2f}  (goal <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
