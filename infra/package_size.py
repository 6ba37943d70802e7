"""Print the size of the Lambda deployment package (`chalice package`), in MB.

    python infra/package_size.py [--stage dev] [--max-mb 20]

Exits 1 when the zip is larger than --max-mb. Packaging needs no AWS account; the
first run downloads Lambda-compatible wheels from PyPI, later runs reuse Chalice's
cache in .chalice/deployments/.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

INFRA_DIR = Path(__file__).resolve().parent
REPO_ROOT = INFRA_DIR.parent
OUT_DIR = INFRA_DIR / "package.out"
sys.path.insert(0, str(INFRA_DIR))

import gen_requirements  # noqa: E402
from emotipal_infra.bytecode import add_bytecode  # noqa: E402


def package(stage: str) -> Path:
    from chalice import api

    gen_requirements.main([])
    # Only used to name service principals in the template; nothing is called.
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-2")
    shutil.rmtree(OUT_DIR, ignore_errors=True)
    # The CDK stack supplies the real roles; a placeholder is enough to measure the zip.
    roles = {"manage_iam_role": False, "iam_role_arn": "arn:aws:iam::000000000000:role/size-check"}
    api.package_app(project_dir=str(REPO_ROOT), output_dir=str(OUT_DIR), stage=stage, chalice_config=roles)
    # The zip the CDK app deploys carries bytecode too (emotipal_infra.api.ChaliceApp).
    return add_bytecode(OUT_DIR)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--max-mb", type=float, default=20.0)
    args = parser.parse_args(argv)
    size_mb = package(args.stage).stat().st_size / 1_000_000
    verdict = "ok" if size_mb <= args.max_mb else "TOO LARGE"
    print(f"lambda deployment package: {size_mb:.2f} MB zipped (goal < {args.max_mb:g} MB): {verdict}")
    return 0 if size_mb <= args.max_mb else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
