"""`python -m devstack run`: the local stack behind `make run`."""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run",
        help="start DynamoDB Local, moto, the API and the web pages with demo data until Ctrl-C",
        description="Ports: EMOTIPAL_API_PORT (8000), EMOTIPAL_WEB_PORT (8001), EMOTIPAL_MOTO_PORT "
        "(8002), EMOTIPAL_DYNAMODB_PORT (8003). State: EMOTIPAL_LOCAL_DIR (.local).",
    )
    args = parser.parse_args(argv)
    if args.command == "run":
        from devstack.stack import run

        return run()
    return 2  # argparse rejects anything else first


if __name__ == "__main__":
    sys.exit(main())
