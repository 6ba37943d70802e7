"""The authenticated caller of a request."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(str, Enum):
    owner = "owner"
    admin = "admin"
    clinician = "clinician"


MANAGER_ROLES = (Role.owner, Role.admin)


@dataclass(frozen=True)
class Clinician:
    """A clinician; practice and role come from our membership record, never the request."""

    sub: str
    practice_id: str
    role: Role
    email: str
    display_name: str

    @property
    def manages_practice(self) -> bool:
        return self.role in MANAGER_ROLES

    def can_see_client(self, profile: dict) -> bool:
        if profile.get("practice_id") != self.practice_id:
            return False
        return self.manages_practice or profile.get("clinician_id") == self.sub


@dataclass(frozen=True)
class ClientPrincipal:
    """A client, identified by an access link."""

    client_id: str
    practice_id: str
