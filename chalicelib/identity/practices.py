"""Practices and their clinicians: creation, invitations, and who a token belongs to."""
from __future__ import annotations

from typing import Any

from chalicelib.config import get_settings
from chalicelib.fields import iso, new_id, utc_now
from chalicelib.identity import cognito
from chalicelib.identity.principals import Clinician, Role
from chalicelib.store import practices as practice_store


def clinician_for(sub: str) -> Clinician | None:
    """The clinician behind a verified token `sub`, from our own membership record."""
    record = practice_store.get_membership(sub)
    if not record or record.get("status", "active") != "active":
        return None
    return Clinician(sub=sub, practice_id=record["practice_id"], role=Role(record["role"]),
                     email=record.get("email", ""), display_name=record.get("display_name", ""))


def create_practice(name: str) -> dict[str, Any]:
    practice_id = new_id()
    return practice_store.put_practice(practice_id, {"name": name, "created_at": iso(utc_now())})


def add_member(practice_id: str, sub: str, *, email: str, display_name: str, role: Role,
               phone: str | None = None) -> dict[str, Any]:
    return practice_store.put_membership(sub, practice_id, {
        "email": email,
        "display_name": display_name,
        "role": role.value,
        "phone": phone,
        "status": "active",
        "created_at": iso(utc_now()),
    })


def invite(practice_id: str, *, email: str, display_name: str, role: Role,
           phone: str | None = None) -> tuple[dict[str, Any], str | None]:
    """Create the Cognito user (Cognito emails the invitation) and the membership.

    Returns (membership, temporary password). The password is returned only on the
    local stage, where no email leaves the machine; elsewhere it is None.
    """
    local = get_settings().is_local
    temporary = cognito.temporary_password()
    sub = cognito.create_user(email, display_name, temporary=temporary, send_invite=not local)
    membership = add_member(practice_id, sub, email=email, display_name=display_name, role=role, phone=phone)
    return membership, (temporary if local else None)


def create_practice_with_owner(name: str, owner_email: str, owner_name: str) -> tuple[dict, dict, str]:
    """For operators (`emotipal-admin create-practice`): returns (practice, owner, temporary password)."""
    practice = create_practice(name)
    temporary = cognito.temporary_password()
    sub = cognito.create_user(owner_email, owner_name, temporary=temporary, send_invite=False)
    owner = add_member(practice["practice_id"], sub, email=owner_email, display_name=owner_name, role=Role.owner)
    return practice, owner, temporary


def list_members(practice_id: str, *, limit: int, next_token: str | None):
    return practice_store.list_members(practice_id, limit=limit, next_token=next_token)
