"""Every key shape in the table, and nothing else.

Partitions:
  PRACTICE#<practice_id>        / PRACTICE                 the practice
  USER#<cognito sub>            / MEMBERSHIP               a clinician's membership (gsi1: practice members)
  CLIENT#<client_id>            / PROFILE                  a client (gsi1: caseload, gsi2: practice clients)
  CLIENT#<client_id>            / ...                      everything else that belongs to the client, so
                                                           erasing a client is one partition
  LINK#<sha256 of token>        / LINK                     a client access link (hash only)
  AUDIT#CLIENT#<client_id>      / <iso time>#<event id>    audit trail, kept after erasure
"""
from __future__ import annotations

from typing import NamedTuple


class Key(NamedTuple):
    pk: str
    sk: str

    def as_dict(self) -> dict[str, str]:
        return {"pk": self.pk, "sk": self.sk}


def practice(practice_id: str) -> Key:
    return Key(f"PRACTICE#{practice_id}", "PRACTICE")


def membership(sub: str) -> Key:
    return Key(f"USER#{sub}", "MEMBERSHIP")


def practice_members_index(practice_id: str) -> tuple[str, str]:
    """(gsi1pk, gsi1sk prefix) of a practice's members."""
    return f"PRACTICE#{practice_id}#MEMBERS", "MEMBER#"


def member_index_sort(sub: str) -> str:
    return f"MEMBER#{sub}"


def client_partition(client_id: str) -> str:
    return f"CLIENT#{client_id}"


def client_profile(client_id: str) -> Key:
    return Key(client_partition(client_id), "PROFILE")


def caseload_index(clinician_sub: str) -> str:
    """gsi1pk of a clinician's caseload; gsi1sk is `client_index_sort`."""
    return f"CASELOAD#{clinician_sub}"


def practice_clients_index(practice_id: str) -> str:
    """gsi2pk of every client of a practice; gsi2sk is `client_index_sort`."""
    return f"PRACTICE#{practice_id}#CLIENTS"


def client_index_sort(client_id: str) -> str:
    return f"CLIENT#{client_id}"


def access_link(token_hash: str) -> Key:
    return Key(f"LINK#{token_hash}", "LINK")


def audit_partition(client_id: str) -> str:
    return f"AUDIT#CLIENT#{client_id}"


def audit_event(client_id: str, at_iso: str, event_id: str) -> Key:
    return Key(audit_partition(client_id), f"{at_iso}#{event_id}")
