"""Demo data for the local stack: two practices (to show isolation), their clinicians,
and a demo client with a working access link and a few weeks of homework (see
devstack/demo_homework.py). Safe to run on every start: what exists is kept."""
from __future__ import annotations

import logging
from typing import Any

from chalicelib.fields import iso, utc_now
from chalicelib.identity import cognito, links
from chalicelib.identity import practices as practice_service
from chalicelib.identity.principals import Role
from chalicelib.store import clients as client_store
from chalicelib.store import practices as practice_store
from devstack import demo_homework

logger = logging.getLogger("emotipal.devstack")

DEMO_PASSWORD = "Emotipal-Demo-2026!"

PRACTICES = {
    "demo-harbour": "Harbour Psychology (demo)",
    "demo-northside": "Northside Counselling (demo)",
}
USERS = [
    # (email, display name, role, practice id)
    ("owner@harbour.example.com", "Dr Morgan Owens", Role.owner, "demo-harbour"),
    ("clinician@harbour.example.com", "Sam Rivera", Role.clinician, "demo-harbour"),
    ("clinician@northside.example.com", "Jo Lindqvist", Role.clinician, "demo-northside"),
]
# Client ids are ULIDs (the API refuses any other in a path), so the demo's are fixed ones.
DEMO_CLIENT_ID = "0000000000DEM0C11ENTA1EX00"
CLIENTS = [
    # (client id, display name, email, clinician email)
    (DEMO_CLIENT_ID, "Alex Demo", "alex@client.example.com", "clinician@harbour.example.com"),
    ("0000000000DEM0C11ENTJ0RDAN", "Jordan Demo", "jordan@client.example.com", "clinician@northside.example.com"),
]
# The ids earlier starts gave the demo clients: no clinician route could open them. Erased.
LEGACY_CLIENT_IDS = ("demo-client-alex", "demo-client-jordan")


def _ensure_practice(practice_id: str, name: str) -> None:
    if practice_store.get_practice(practice_id) is None:
        practice_store.put_practice(practice_id, {"name": name, "created_at": iso(utc_now())})


def _ensure_user(email: str, name: str, role: Role, practice_id: str) -> str:
    sub = cognito.find_user_sub(email)
    if sub is None:
        sub = cognito.create_user(email, name, temporary=cognito.temporary_password(), send_invite=False)
        cognito.set_permanent_password(email, DEMO_PASSWORD)
    if practice_store.get_membership(sub) is None:
        practice_service.add_member(practice_id, sub, email=email, display_name=name, role=role)
    return sub


def _ensure_client(client_id: str, name: str, email: str, clinician_sub: str, practice_id: str) -> dict[str, Any]:
    profile = client_store.get(client_id, consistent=True)
    if profile is None:
        # The demo client has been coming for a few weeks: their homework starts then.
        now = iso(demo_homework.client_since(utc_now()) if client_id == DEMO_CLIENT_ID else utc_now())
        return client_store.create({
            "client_id": client_id, "practice_id": practice_id, "clinician_id": clinician_sub,
            "display_name": name, "email": email, "timezone": "Europe/London",
            "reminder_channels": ["email"], "reminder_time": "18:30",
            "quiet_hours": {"start": "22:00", "end": "07:30"}, "created_at": now, "updated_at": now,
        })
    if profile["clinician_id"] != clinician_sub:  # the demo clinician was re-created with a new id
        profile = client_store.save({**profile, "clinician_id": clinician_sub})
    return profile


def _erase_legacy_clients() -> None:
    from chalicelib.clients import erasure

    for client_id in LEGACY_CLIENT_IDS:
        if client_store.get(client_id, consistent=True) is not None:
            for _name, step in erasure.steps():
                step(client_id)


def _seed_homework(profile: dict[str, Any], clinician_sub: str) -> None:
    """The demo client's homework, once (only while they have none). A failure leaves the stack
    running without it, and says so: the demo data is no reason to refuse `make run`."""
    try:
        demo_homework.seed_homework(profile, clinician_sub)
    except Exception:
        logger.warning("The demo client's homework could not be written; the stack runs without it.",
                       exc_info=True)


def seed_demo() -> dict[str, Any]:
    for practice_id, name in PRACTICES.items():
        _ensure_practice(practice_id, name)
    subs = {email: _ensure_user(email, name, role, practice_id) for email, name, role, practice_id in USERS}
    practice_of = {email: practice_id for email, _, _, practice_id in USERS}
    _erase_legacy_clients()
    for client_id, name, email, clinician_email in CLIENTS:
        profile = _ensure_client(client_id, name, email, subs[clinician_email], practice_of[clinician_email])
        if client_id == DEMO_CLIENT_ID:
            _seed_homework(profile, subs[clinician_email])
    # Only a hash of a link is stored, so every start issues a fresh demo link.
    token, _, _ = links.issue_link(client_store.get(DEMO_CLIENT_ID, consistent=True))
    return {
        "logins": [{"email": email, "password": DEMO_PASSWORD, "role": role.value, "practice": PRACTICES[practice]}
                   for email, _, role, practice in USERS],
        "demo_client_link": links.link_url(token),
    }
