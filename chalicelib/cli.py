"""`emotipal-admin`: operator commands that work against any stage.

The stage is chosen by the environment (the same EMOTIPAL_* variables the functions
use, with AWS credentials from the usual places), or by `--env-file`, e.g. the
`.local/env.json` that `make run` writes for the local stack.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def _load_env_file(path: str | None) -> None:
    if not path:
        return
    values = json.loads(Path(path).read_text())
    os.environ.update({k: str(v) for k, v in values.items()})
    from chalicelib import aws
    from chalicelib.config import get_settings

    get_settings.cache_clear()
    aws.reset()


def create_practice(args: argparse.Namespace) -> int:
    from chalicelib.fields import _email
    from chalicelib.identity import cognito
    from chalicelib.identity.practices import create_practice_with_owner

    try:
        email = _email(args.owner_email).lower()
    except ValueError as error:
        print(f"error: --owner-email: {error}", file=sys.stderr)
        return 2
    name = args.name.strip()
    if not name or len(name) > 100:
        print("error: --name must be 1 to 100 characters", file=sys.stderr)
        return 2
    try:
        practice, owner, temporary = create_practice_with_owner(name, email, args.owner_name or email.split("@")[0])
    except cognito.UserExists:
        print(f"error: a user with the email {email} already exists", file=sys.stderr)
        return 1
    except cognito.ProviderRejected as error:
        print(f"error: Cognito refused {error.field}: {error.message}", file=sys.stderr)
        return 1
    print(f"practice_id:        {practice['practice_id']}")
    print(f"owner:              {email} (clinician_id {owner['sub']})")
    print(f"temporary password: {temporary}")
    print("The owner signs in with it and chooses a new password at the first sign-in.")
    return 0


def set_clinician_status(args: argparse.Namespace) -> int:
    """Offboard (or restore) a clinician when no owner can: the same rules as the API."""
    from chalicelib.errors import DomainError
    from chalicelib.identity import cognito, practices
    from chalicelib.identity.principals import Clinician, Role
    from chalicelib.store import practices as practice_store

    email = args.email.strip().lower()
    sub = cognito.find_user_sub(email)
    member = practice_store.get_membership(sub) if sub else None
    if not sub or not member:
        print(f"error: no clinician with the email {email}", file=sys.stderr)
        return 1
    operator = Clinician(sub="operator", practice_id=member["practice_id"], role=Role.owner, email="",
                         display_name="operator")
    action = practices.deactivate if args.command == "deactivate-clinician" else practices.reactivate
    try:
        updated = action(operator, sub)
    except practices.CaseloadNotEmpty as error:
        print(f"error: {error.detail} Client ids: {', '.join(c['client_id'] for c in error.clients)}"
              + (" (and more)" if error.more else ""), file=sys.stderr)
        return 1
    except (DomainError, cognito.ProviderRejected) as error:
        print(f"error: {getattr(error, 'detail', None) or error}", file=sys.stderr)
        return 1
    print(f"{email} (clinician_id {sub}) is now {updated['status']}")
    return 0


def sync_contact_lookups(args: argparse.Namespace) -> int:
    """Rebuild "Lost your link?" lookups of a practice's clients (after a signing-secret
    change, or for clients from before lookups existed)."""
    from chalicelib.clients import service as clients
    from chalicelib.store import practices as practice_store

    if not practice_store.get_practice(args.practice_id):
        print(f"error: no practice {args.practice_id}", file=sys.stderr)
        return 1
    checked, changed = clients.resync_contact_lookups(args.practice_id)
    print(f"{checked} clients checked, {changed} updated")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="emotipal-admin", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env-file", help="JSON file of EMOTIPAL_* settings (e.g. .local/env.json)")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-practice", help="create a practice and its owner's account")
    create.add_argument("--name", required=True, help="the practice's name")
    create.add_argument("--owner-email", required=True)
    create.add_argument("--owner-name", help="the owner's display name (default: from the email)")
    create.set_defaults(handler=create_practice)
    for name, summary in (("deactivate-clinician", "disable a clinician's sign-in and end their sessions"),
                          ("reactivate-clinician", "let a deactivated clinician sign in again")):
        command = commands.add_parser(name, help=summary)
        command.add_argument("--email", required=True, help="the clinician's sign-in email")
        command.set_defaults(handler=set_clinician_status)
    sync = commands.add_parser("sync-contact-lookups",
                               help="rebuild a practice's lost-link lookups (e.g. after a signing-secret change)")
    sync.add_argument("--practice-id", required=True)
    sync.set_defaults(handler=sync_contact_lookups)
    args = parser.parse_args(argv)
    _load_env_file(args.env_file)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
