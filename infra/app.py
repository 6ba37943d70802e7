"""CDK entry point: synthesizes one stage of Emotipal into infra/cdk.out/.

    python infra/app.py -c stage=prod -c sesDomain=clinic.example.org   # no AWS account needed
    npx aws-cdk@2 deploy --all -c stage=prod ...                       # from infra/, with credentials
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

INFRA_DIR = Path(__file__).resolve().parent
# Node 20 still runs jsii, which otherwise prints an end-of-life banner on every run.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
for path in (INFRA_DIR, INFRA_DIR.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from emotipal_infra.assembly import build_app  # noqa: E402


def parse_context_args(argv: list[str]) -> dict[str, str]:
    """`-c key=value` pairs, as the cdk CLI takes them (for running this file directly)."""
    context: dict[str, str] = {}
    args = iter(argv)
    for arg in args:
        if arg in ("-c", "--context"):
            key, _, value = next(args, "").partition("=")
            if not key or not value:
                raise SystemExit(f"expected -c key=value, got {arg!r}")
            context[key] = value
    return context


def main() -> None:
    # The cdk CLI passes context and outdir through the environment; direct runs use flags.
    outdir = None if "CDK_OUTDIR" in os.environ else str(INFRA_DIR / "cdk.out")
    # The Chalice construct packages into ./chalice.out: keep that inside infra/.
    os.chdir(INFRA_DIR)
    app, _ = build_app(parse_context_args(sys.argv[1:]), outdir)
    app.synth()


if __name__ == "__main__":
    main()
