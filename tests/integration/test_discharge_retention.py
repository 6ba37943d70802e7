"""Discharge and retention on DynamoDB Local (real GSIs, transactions and condition rules):
a discharged client leaves the due-index and the caseload, waits in the retention index, and
once the period has passed the erasure pass leaves nothing of them but the audit trail."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
import time_machine


@pytest.fixture
def env(local_env):
    return local_env


def test_discharged_client_is_erased_after_retention_leaving_only_the_audit_trail(env):
    from chalicelib.aws import client
    from chalicelib.clients import discharge, service
    from chalicelib.clients.models import ClientCreate
    from chalicelib.fields import utc_now
    from chalicelib.homework import assignment_service
    from chalicelib.homework.models import AssignmentCreate
    from chalicelib.identity import practices
    from chalicelib.identity.principals import Clinician, Role
    from chalicelib.store import clients as client_store
    from chalicelib.store import keys, table

    practice = practices.create_practice("Retention Practice")["practice_id"]
    sub = f"sub-{uuid.uuid4().hex[:8]}"
    practices.add_member(practice, sub, email="keep@example.com", display_name="K", role=Role.clinician)
    actor = Clinician(sub=sub, practice_id=practice, role=Role.clinician, email="keep@example.com", display_name="K")
    name, email = f"Rowan Retained {uuid.uuid4().hex[:6]}", f"rowan-{uuid.uuid4().hex[:6]}@example.com"
    profile = service.create(actor, ClientCreate(display_name=name, email=email, timezone="Europe/London",
                                                 reminder_channels=["email"]))
    client_id = profile["client_id"]
    service.issue_link(actor, client_id, None)
    assignment_service.create(actor, client_id, AssignmentCreate.model_validate(
        {"template_id": "mood-diary", "recurrence": {"frequency": "daily"}, "due_time": "23:59"}))
    pending = [i for i in table.query_all(keys.client_partition(client_id), sk_prefix=keys.REMINDER_PREFIX,
                                          consistent=True) if i.get("gsi3pk")]
    assert pending

    discharged = discharge.discharge(actor, client_id, "Moved away")
    assert discharged["status"] == "discharged" and not discharged.get("link_hash")
    assert [i for i in table.query_all(keys.client_partition(client_id), sk_prefix=keys.REMINDER_PREFIX,
                                       consistent=True) if i.get("gsi3pk")] == []
    active = service.list_for_clinician(actor, limit=50, next_token=None)
    gone = service.list_for_clinician(actor, limit=50, next_token=None, discharged=True)
    assert client_id not in [c["client_id"] for c in active.items]
    assert [(c["client_id"], c["stats"] is not None) for c in gone.items] == [(client_id, True)]

    end = discharged["erase_after"]
    with time_machine.travel(utc_now() + timedelta(days=365 * 7 + 3), tick=False):
        assert end <= utc_now().isoformat()
        assert discharge.erase_due() == 1
        assert discharge.erase_due() == 0  # repeats safely

    dynamodb = client("dynamodb")
    leftovers = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=env.table_name, ConsistentRead=True):
        for item in page["Items"]:
            text = json.dumps(item)
            if item["pk"]["S"] != keys.audit_partition(client_id) and (
                    client_id in text or name in text or email in text or "Moved away" in text):
                leftovers.append((item["pk"]["S"], item["sk"]["S"]))
    assert leftovers == []
    assert client_store.get(client_id, consistent=True) is None
    audit = table.query_all(keys.audit_partition(client_id), consistent=True)
    assert [e["action"] for e in audit] == [discharge.RETENTION_AUDIT_ACTION]
    assert name not in json.dumps(audit, default=str) and email not in json.dumps(audit, default=str)
