"""Practices and their clinicians: creation, invitations, and who a token belongs to."""
from __future__ import annotations

from typing import Any

from chalicelib.config import get_settings
from chalicelib.errors import Conflict, Forbidden, NotFound
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


# -- the practice's own settings ---------------------------------------------------------------

# Only the owner answers for what a client in crisis is shown.
OWNER_ONLY = ("country", "crisis_resources", "retention_years", "retention_basis", "confirm_short_retention")


def non_response_after(practice: dict[str, Any] | None) -> int:
    """Scores without reliable change before the caseload flags a measure (measure_outcomes)."""
    from chalicelib.homework.measure_outcomes import DEFAULT_NON_RESPONSE_AFTER

    return int((practice or {}).get("non_response_after") or DEFAULT_NON_RESPONSE_AFTER)


def practice_settings(actor: Clinician, *, consistent: bool = False) -> dict[str, Any]:
    """The actor's practice and its settings (any clinician of the practice may read them)."""
    from chalicelib.homework import crisis
    from chalicelib.homework.draft_risk import hours_of
    from chalicelib.clients import retention
    from chalicelib.homework.plans import threshold_of
    from chalicelib.identity.links import link_limits

    practice = practice_store.get_practice(actor.practice_id, consistent=consistent)
    if practice is None:
        raise NotFound("No such practice.")
    return {"practice_id": actor.practice_id, "name": practice.get("name", ""),
            "plan_confidence_threshold": threshold_of(practice),
            "link_max_days": link_limits(practice)[1],
            "non_response_after": non_response_after(practice),
            "draft_risk_hours": hours_of(practice),
            "country": practice.get("country"),
            "crisis_resources": practice.get("crisis_resources") or [],
            "default_crisis_resources": crisis.defaults_for(practice.get("country")),
            "crisis_resources_editable": actor.role == Role.owner,
            "retention_years": retention.years_of(practice), "retention_basis": retention.basis_of(practice)}


def update_settings(actor: Clinician, changes: dict[str, Any]) -> dict[str, Any]:
    """Change the practice's name, plan confidence threshold (1-10) or link maximum (days):
    owners and admins; its country and crisis resources: the owner only."""
    from chalicelib.errors import FieldErrors
    from chalicelib.store.table import ConditionFailed

    if not actor.manages_practice:
        raise Forbidden("Only owners and admins can change the practice's settings.")
    if actor.role != Role.owner and any(name in changes for name in OWNER_ONLY):
        raise Forbidden("Only the practice's owner can change its country, crisis resources and retention period.")
    from chalicelib.clients.retention import checked_settings

    changes = checked_settings(changes)  # a retention under 7 years must be confirmed
    empty = [name for name, value in changes.items() if value is None]
    if empty:
        raise FieldErrors([{"field": name, "type": "missing", "message": "This cannot be left empty."}
                           for name in empty])
    if changes:
        try:
            practice_store.update_practice(actor.practice_id, {**changes, "updated_at": iso(utc_now()),
                                                               "updated_by": actor.sub})
        except ConditionFailed:
            raise NotFound("No such practice.") from None
    return practice_settings(actor, consistent=True)


def list_members(practice_id: str, *, limit: int, next_token: str | None):
    return practice_store.list_members(practice_id, limit=limit, next_token=next_token)


# -- offboarding ---------------------------------------------------------------------------

class CaseloadNotEmpty(Conflict):
    """The clinician still has clients: they must be reassigned first (PATCH /v1/clients/{id})."""

    def __init__(self, clients: list[dict[str, str]], more: bool):
        super().__init__("Reassign this clinician's clients before deactivating them.")
        self.clients, self.more = clients, more


_CASELOAD_SHOWN = 50


def _manageable(actor: Clinician, clinician_id: str) -> dict[str, Any]:
    """The member `actor` may offboard or restore; another practice's member is a 404."""
    member = practice_store.get_membership(clinician_id)
    if not member or member.get("practice_id") != actor.practice_id:
        raise NotFound("No such clinician.")
    if clinician_id == actor.sub:
        raise Forbidden("You cannot deactivate or reactivate your own account.")
    if member.get("role") in (Role.owner.value, Role.admin.value) and actor.role != Role.owner:
        raise Forbidden("Only the owner can deactivate or reactivate owners and admins.")
    return member


def _active_owners(practice_id: str) -> int:
    count, token = 0, None
    while True:
        page = practice_store.list_members(practice_id, limit=100, next_token=token)
        count += sum(1 for m in page.items
                     if m.get("role") == Role.owner.value and m.get("status", "active") == "active")
        token = page.next_token
        if not token:
            return count


def deactivate(actor: Clinician, clinician_id: str) -> dict[str, Any]:
    """Offboard a clinician: our membership goes inactive (their next request is a 401, even
    with an unexpired access token), then Cognito disables the account and revokes its
    refresh tokens. Refused while they still have clients, and for the last owner."""
    from chalicelib.store import clients as client_store
    from chalicelib.store.table import ConditionFailed

    member = _manageable(actor, clinician_id)
    if member.get("status", "active") != "active":
        _disable_sign_in(member)  # a repeat finishes what a failed Cognito call left undone
        return member
    caseload = client_store.list_caseload(clinician_id, limit=_CASELOAD_SHOWN, next_token=None)
    if caseload.items:
        raise CaseloadNotEmpty([{"client_id": c["client_id"], "display_name": c.get("display_name", "")}
                                for c in caseload.items], more=caseload.next_token is not None)
    if member.get("role") == Role.owner.value and _active_owners(actor.practice_id) <= 1:
        raise Conflict("A practice keeps at least one active owner.")
    try:
        updated = practice_store.set_membership_status(clinician_id, "inactive", "active", {
            "deactivated_at": iso(utc_now()), "deactivated_by": actor.sub})
    except ConditionFailed:
        raise Conflict("This clinician was changed at the same time; reload and try again.") from None
    _disable_sign_in(member)
    return updated


def _disable_sign_in(member: dict[str, Any]) -> None:
    try:
        cognito.disable_user(member["email"])
    except cognito.UserMissing:
        pass  # no sign-in account left to disable; the membership alone already locks them out


def reactivate(actor: Clinician, clinician_id: str) -> dict[str, Any]:
    """Restore a deactivated clinician: Cognito account enabled, membership active again."""
    from chalicelib.store.table import ConditionFailed

    member = _manageable(actor, clinician_id)
    if member.get("status", "active") == "active":
        return member
    try:
        cognito.enable_user(member["email"])
    except cognito.UserMissing:
        raise Conflict("The clinician's sign-in account no longer exists; invite them again.") from None
    try:
        return practice_store.set_membership_status(clinician_id, "active", "inactive", {
            "reactivated_at": iso(utc_now()), "reactivated_by": actor.sub})
    except ConditionFailed:
        raise Conflict("This clinician was changed at the same time; reload and try again.") from None
