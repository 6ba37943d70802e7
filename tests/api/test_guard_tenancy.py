"""The tenancy guards at their own level, case by case: who a clinician may see, whose
membership counts, which link opens which client, whose templates are visible, and which
assignment a client may touch. (tests/api/test_tenancy.py proves every route uses them.)"""
from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from chalicelib.identity.principals import ClientPrincipal, Clinician, Role

A, B = "practice-a", "practice-b"


def clinician(role: Role = Role.clinician, *, sub: str = "sub-1", practice: str = A) -> Clinician:
    return Clinician(sub=sub, practice_id=practice, role=role, email="c@example.com", display_name="C")


# -- pure rules -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role, manages", [(Role.owner, True), (Role.admin, True), (Role.clinician, False)])
def test_owners_and_admins_manage_the_practice(role, manages):
    assert clinician(role).manages_practice is manages


@pytest.mark.parametrize("role, profile, visible", [
    (Role.clinician, {"practice_id": A, "clinician_id": "sub-1"}, True),
    (Role.clinician, {"practice_id": A, "clinician_id": "sub-2"}, False),
    (Role.clinician, {"practice_id": B, "clinician_id": "sub-1"}, False),
    (Role.clinician, {"clinician_id": "sub-1"}, False),
    (Role.admin, {"practice_id": A, "clinician_id": "sub-2"}, True),
    (Role.owner, {"practice_id": A, "clinician_id": "sub-2"}, True),
    (Role.owner, {"practice_id": B, "clinician_id": "sub-2"}, False),
    (Role.owner, {"practice_id": B, "clinician_id": "sub-1"}, False),
])
def test_a_clinician_sees_their_caseload_and_a_manager_their_practice(role, profile, visible):
    assert clinician(role).can_see_client(profile) is visible


@pytest.mark.parametrize("role, head, visible", [
    (Role.clinician, None, False),
    (Role.clinician, {}, False),
    (Role.owner, {"practice_id": B, "owner_id": "sub-1"}, False),
    (Role.clinician, {"practice_id": A, "owner_id": "sub-2"}, True),  # shared unless said otherwise
    (Role.clinician, {"practice_id": A, "owner_id": "sub-2", "shared": True}, True),
    (Role.clinician, {"practice_id": A, "owner_id": "sub-2", "shared": False}, False),
    (Role.clinician, {"practice_id": A, "owner_id": "sub-1", "shared": False}, True),
    (Role.admin, {"practice_id": A, "owner_id": "sub-2", "shared": False}, True),
])
def test_a_template_is_visible_inside_its_practice_when_shared_or_own(role, head, visible):
    from chalicelib.homework.template_service import _visible

    assert bool(_visible(clinician(role), head)) is visible


# -- with a table (moto) ----------------------------------------------------------------------------

@pytest.fixture
def practice(aws):
    from tests.api.conftest import use_table
    from tests.api.reminder_support import new_practice

    use_table(f"emotipal-tenancy-{uuid.uuid4().hex[:8]}")
    return new_practice()


def _member(practice_id: str, role: Role, **fields) -> Clinician:
    from chalicelib.identity import practices

    sub = f"sub-{uuid.uuid4().hex[:8]}"
    practices.add_member(practice_id, sub, email=f"{sub}@example.com", display_name=sub, role=role, **fields)
    return practices.clinician_for(sub)


def test_a_token_counts_only_through_an_active_membership(practice):
    from chalicelib.identity import practices
    from chalicelib.store import practices as practice_store
    from chalicelib.store import table

    assert practices.clinician_for("sub-nobody") is None
    owner = _member(practice.clinician.practice_id, Role.owner)
    assert (owner.practice_id, owner.role) == (practice.clinician.practice_id, Role.owner)
    assert owner.email == f"{owner.sub}@example.com" and owner.display_name == owner.sub
    record = practice_store.get_membership(owner.sub)
    table.put({**record, "status": "disabled"})
    assert practices.clinician_for(owner.sub) is None
    table.put({k: v for k, v in record.items() if k != "status"})  # written before statuses existed
    assert practices.clinician_for(owner.sub) == owner
    table.put({k: v for k, v in record.items() if k not in ("email", "display_name")})
    bare = practices.clinician_for(owner.sub)
    assert (bare.email, bare.display_name) == ("", "")


def test_a_clinician_reaches_only_clients_in_scope(practice):
    from chalicelib.clients import service
    from chalicelib.errors import NotFound

    mine = practice.add_client(timezone="Europe/London")
    colleague = _member(practice.clinician.practice_id, Role.clinician)
    owner = _member(practice.clinician.practice_id, Role.owner)
    stranger = _member(f"other-{uuid.uuid4().hex[:6]}", Role.owner)
    assert service.get_for_clinician(practice.clinician, mine["client_id"])["client_id"] == mine["client_id"]
    assert service.get_for_clinician(owner, mine["client_id"])["client_id"] == mine["client_id"]
    for intruder in (colleague, stranger):
        with pytest.raises(NotFound, match=r"^No such client\.$"):
            service.get_for_clinician(intruder, mine["client_id"])
    with pytest.raises(NotFound):
        service.get_for_clinician(practice.clinician, "no-such-client")

    def listed(actor):
        return [c["client_id"] for c in service.list_for_clinician(actor, limit=50, next_token=None).items]

    assert listed(practice.clinician) == [mine["client_id"]]
    assert listed(colleague) == []
    assert listed(owner) == [mine["client_id"]]
    assert listed(stranger) == []
    # Both kinds of list page on.
    for actor in (practice.clinician, owner):
        practice.add_client(timezone="Europe/London")
        first = service.list_for_clinician(actor, limit=1, next_token=None)
        second = service.list_for_clinician(actor, limit=1, next_token=first.next_token)
        assert first.next_token and len(first.items) == len(second.items) == 1
        assert first.items[0]["client_id"] != second.items[0]["client_id"]


def test_only_managers_assign_clients_and_only_to_active_members_of_their_practice(practice):
    from chalicelib.clients import service
    from chalicelib.errors import FieldErrors, Forbidden

    practice_id = practice.clinician.practice_id
    colleague = _member(practice_id, Role.clinician)
    owner = _member(practice_id, Role.owner)
    stranger = _member(f"other-{uuid.uuid4().hex[:6]}", Role.clinician)
    service._check_assignee(practice.clinician, practice.clinician.sub)  # oneself: always
    # The clinician is told who may do it, not just "forbidden".
    with pytest.raises(Forbidden, match=r"^Only owners and admins can assign clients to another clinician\.$"):
        service._check_assignee(practice.clinician, colleague.sub)
    service._check_assignee(owner, colleague.sub)
    unknown = [{"field": "clinician_id", "message": "no such clinician in this practice", "type": "unknown_clinician"}]
    for target in (stranger.sub, "sub-nobody"):
        with pytest.raises(FieldErrors) as refused:
            service._check_assignee(owner, target)
        assert refused.value.errors == unknown, "the form marks the clinician field, saying why"
    from chalicelib.store import practices as practice_store
    from chalicelib.store import table

    table.put({**practice_store.get_membership(colleague.sub), "status": "disabled"})
    with pytest.raises(FieldErrors) as refused:
        service._check_assignee(owner, colleague.sub)
    assert refused.value.errors == unknown


def test_a_link_opens_its_own_client_until_it_expires_or_is_revoked(practice):
    from chalicelib.clients import service
    from chalicelib.errors import NotFound
    from chalicelib.identity import links

    profile = practice.add_client(timezone="Europe/London")
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        token, record, profile = links.issue_link(profile, ttl_days=2)
    assert len(token) >= 43, "at least 256 random bits"
    assert links.hash_token(token) == hashlib.sha256(token.encode()).hexdigest()
    assert record["expires_at"] == int((start + timedelta(days=2)).timestamp())
    assert links.link_url(token).endswith(f"#token={token}")
    principal = links.authenticate_client(token)
    assert principal == ClientPrincipal(client_id=profile["client_id"], practice_id=profile["practice_id"])
    assert service.get_for_client(principal)["client_id"] == profile["client_id"]
    with pytest.raises(NotFound, match=r"^No such client\.$"):
        service.get_for_client(ClientPrincipal(client_id=profile["client_id"], practice_id="practice-other"))
    with pytest.raises(NotFound, match=r"^No such client\.$"):
        service.get_for_client(ClientPrincipal(client_id="no-such-client", practice_id=profile["practice_id"]))
    for wrong in ("", token[:-1], token + "x", "x" * 128, "x" * 129):
        assert links.authenticate_client(wrong) is None
    expiry = datetime.fromtimestamp(record["expires_at"], UTC)
    with time_machine.travel(expiry - timedelta(seconds=1), tick=False):
        assert links.authenticate_client(token) == principal
    with time_machine.travel(expiry, tick=False):
        assert links.authenticate_client(token) is None
    links.revoke_link(profile)
    assert links.authenticate_client(token) is None


def test_a_link_record_without_an_expiry_opens_nothing(practice):
    from chalicelib.identity import links
    from chalicelib.store import keys, table

    profile = practice.add_client(timezone="Europe/London")
    token = "a-token-whose-record-lost-its-expiry-0123456789"
    table.put({**keys.access_link(links.hash_token(token)).as_dict(),
               "client_id": profile["client_id"], "practice_id": profile["practice_id"]})
    assert links.authenticate_client(token) is None


@pytest.mark.parametrize("length, opens", [(128, True), (129, False)])
def test_a_link_token_longer_than_128_characters_opens_nothing_even_if_stored(practice, length, opens):
    from chalicelib.identity import links
    from chalicelib.store import keys, table

    profile = practice.add_client(timezone="Europe/London")
    token = "t" * length
    table.put({**keys.access_link(links.hash_token(token)).as_dict(), "client_id": profile["client_id"],
               "practice_id": profile["practice_id"], "expires_at": int(datetime.now(UTC).timestamp()) + 3600})
    assert (links.authenticate_client(token) is not None) is opens


def test_a_new_link_lasts_the_configured_days_and_replaces_the_old_one(practice):
    from chalicelib.config import get_settings
    from chalicelib.identity import links

    profile = practice.add_client(timezone="Europe/London")
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        first, _, profile = links.issue_link(profile)
        second, record, _ = links.issue_link(profile)
    assert record["expires_at"] == int((start + timedelta(days=get_settings().link_ttl_days)).timestamp())
    assert first != second
    assert links.authenticate_client(first) is None
    assert links.authenticate_client(second) is not None


def test_a_client_touches_only_its_own_assignments(practice):
    from chalicelib.errors import NotFound
    from chalicelib.homework import submission_service
    from chalicelib.store import keys

    mine, theirs = practice.add_client(timezone="Europe/London"), practice.add_client(timezone="Europe/London")
    assignment = practice.assign(mine["client_id"], start_date="2027-02-08")
    me = practice.principal(mine)
    ulid = keys.split_child_id(assignment["assignment_id"])[1]
    assert submission_service._own(me, assignment["assignment_id"]) == ulid
    with pytest.raises(NotFound, match=r"^No such assignment\.$"):
        submission_service._own(practice.principal(theirs), assignment["assignment_id"])
    assert submission_service._load(me, ulid)
    with pytest.raises(NotFound, match=r"^No such assignment\.$"):
        submission_service._load(ClientPrincipal(client_id=mine["client_id"], practice_id="practice-other"), ulid)
    with pytest.raises(NotFound, match=r"^No such assignment\.$"):
        submission_service._load(me, "01ARZ3NDEKTSV4RRFFQ69G5FAV")


def test_an_idempotency_key_reused_for_another_submission_is_refused_by_name():
    from chalicelib.errors import FieldErrors
    from chalicelib.homework import submission_service

    with pytest.raises(FieldErrors) as refused:
        submission_service._replay({"request_hash": "hash-of-the-first", "receipt": {}}, "hash-of-another")
    assert refused.value.errors == [{"field": "Idempotency-Key", "type": "idempotency_key_reused",
                                     "message": "this key was already used for a different submission"}]
