"""History PDF benchmark: a 100-submission history rendered in a fresh interpreter, as the
export runs in a Lambda that has not made a PDF yet (fonts and fpdf2 load on first use).

Prints the render time (median of --rounds fresh processes; goal < 3 s), the process's
peak resident memory (goal < 128 MB) and the peak of Python's own allocations
(tracemalloc, measured in a separate process since tracing slows rendering).

    make bench        or        .venv/bin/python -m tests.perf.bench_pdf --rounds 3
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOAL_SECONDS, GOAL_MB = 3.0, 128.0
CHILD = """
import json, resource, sys, time, tracemalloc
trace = sys.argv[1] == "trace"
from tests.support import export_samples
content = export_samples.history(100)
if trace:
    tracemalloc.start()
started = time.perf_counter()
from chalicelib.exports import pdf
document = pdf.render(content)
seconds = time.perf_counter() - started
peak = tracemalloc.get_traced_memory()[1] if trace else 0
print(json.dumps({"seconds": seconds, "bytes": len(document), "traced_peak": peak,
                  "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run(mode: str) -> dict:
    output = subprocess.run([sys.executable, "-c", CHILD, mode], cwd=ROOT, check=True, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}, timeout=300)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runs = [run("time") for _ in range(args.rounds)]
    seconds = statistics.median(r["seconds"] for r in runs)
    rss_mb = max(r["max_rss_kb"] for r in runs) / 1024
    traced_mb = run("trace")["traced_peak"] / 1_000_000
    size_kb = runs[0]["bytes"] / 1000
    fast, small = seconds < GOAL_SECONDS, rss_mb < GOAL_MB
    print(f"history PDF, 100 submissions, fresh interpreter (median of {args.rounds}):")
    print(f"  render time        {seconds:6.2f} s   (goal < {GOAL_SECONDS:g} s): {'ok' if fast else 'TOO SLOW'}")
    print(f"  peak memory (RSS)  {rss_mb:6.1f} MB  (goal < {GOAL_MB:g} MB, whole process): {'ok' if small else 'TOO LARGE'}")
    print(f"  peak Python allocations {traced_mb:.1f} MB (tracemalloc); the PDF is {size_kb:.0f} kB")
    # Like the other benchmarks, a missed goal is printed, not a failed make (the package
    # size still prints after it).
    return 0


if __name__ == "__main__":
    sys.exit(main())
