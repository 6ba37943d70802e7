"""The data layer against DynamoDB Local (AWS's own engine: real limits, real
expression rules, real transactions), with Cognito and S3 on moto's server."""
from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.store import keys, table
from chalicelib.store.table import BadPageToken, ConditionFailed


@pytest.fixture
def env(local_env):
    return local_env


def _partition() -> str:
    return f"TEST#{uuid.uuid4().hex}"


def test_versioned_writes_detect_concurrent_changes(env):
    pk = _partition()
    first = table.put_versioned({"pk": pk, "sk": "ITEM", "value": "a"}, None)
    assert first["version"] == 1
    with pytest.raises(ConditionFailed):
        table.put_versioned({"pk": pk, "sk": "ITEM", "value": "again"}, None)
    second = table.put_versioned({**first, "value": "b"}, 1)
    with pytest.raises(ConditionFailed):
        table.put_versioned({**first, "value": "stale"}, 1)
    assert table.get({"pk": pk, "sk": "ITEM"}, consistent=True)["value"] == "b" == second["value"]


def test_transactions_are_all_or_nothing(env):
    pk = _partition()
    table.put({"pk": pk, "sk": "A", "n": 1})
    with pytest.raises(ConditionFailed):
        table.transact([
            table.put_action({"pk": pk, "sk": "B", "n": 2}),
            table.put_action({"pk": pk, "sk": "A", "n": 3}, condition="attribute_not_exists(pk)"),
        ])
    assert table.get({"pk": pk, "sk": "B"}, consistent=True) is None
    assert table.get({"pk": pk, "sk": "A"}, consistent=True)["n"] == 1


def test_pages_and_page_tokens(env):
    pk = _partition()
    table.batch_write(puts=[{"pk": pk, "sk": f"ITEM#{n:03d}", "n": n, "ratio": n / 4} for n in range(60)])
    seen, token = [], None
    while True:
        page = table.query(pk, sk_prefix="ITEM#", limit=25, next_token=token)
        seen += [i["n"] for i in page.items]
        token = page.next_token
        if not token:
            break
    assert seen == list(range(60))
    assert table.get({"pk": pk, "sk": "ITEM#002"})["ratio"] == 0.5
    first = table.query(pk, limit=10)
    with pytest.raises(BadPageToken):
        table.query(_partition(), next_token=first.next_token)
    with pytest.raises(BadPageToken):
        table.query(pk, next_token="not-base64-json")
    got = table.batch_get([{"pk": pk, "sk": f"ITEM#{n:03d}"} for n in range(0, 60, 2)])
    assert sorted(i["n"] for i in got) == list(range(0, 60, 2))


def test_update_sets_adds_and_removes_under_a_condition(env):
    pk = _partition()
    key = {"pk": pk, "sk": "ITEM"}
    with pytest.raises(ConditionFailed):
        table.update(key, set={"status": "x"}, condition="attribute_exists(pk)")
    assert table.get(key, consistent=True) is None
    table.put({**key, "status": "open", "version": 1, "gsi3pk": "DUE#x", "gsi3sk": "y"})
    written = table.update(key, set={"status": "done", "name": "reserved words are fine"}, add={"version": 1},
                           remove=("gsi3pk", "gsi3sk"), condition="#s = :open", names={"#s": "status"},
                           values={":open": "open"}, return_item=True)
    assert written == {**key, "status": "done", "name": "reserved words are fine", "version": 2}
    with pytest.raises(ConditionFailed):
        table.update(key, set={"status": "again"}, condition="#s = :open", names={"#s": "status"},
                     values={":open": "open"})
    assert table.get(key, consistent=True)["status"] == "done"


def test_retry_on_conflict_reruns_the_whole_read_and_write_then_gives_up(env):
    pk = _partition()
    table.put_versioned({"pk": pk, "sk": "COUNTER", "n": 0}, None)
    attempts = []

    def increment(interfere: bool):
        def attempt():
            current = table.get({"pk": pk, "sk": "COUNTER"}, consistent=True)
            attempts.append(current["version"])
            if interfere and len(attempts) == 1:  # another writer gets there first, once
                table.put_versioned({**current, "n": 100}, current["version"])
            return table.put_versioned({**current, "n": current["n"] + 1}, current["version"])
        return attempt

    assert table.retry_on_conflict(increment(True), give_up=lambda: AssertionError("gave up"))["n"] == 101
    assert attempts == [1, 2]

    def always_loses():
        attempts.append("lost")
        raise ConditionFailed("someone else won")

    attempts.clear()
    with pytest.raises(LookupError):
        table.retry_on_conflict(always_loses, give_up=lambda: LookupError("busy"), attempts=3)
    assert attempts == ["lost"] * 3
    attempts.clear()
    with pytest.raises(LookupError):
        table.retry_on_conflict(always_loses, give_up=lambda: LookupError("changed"), retry=False)
    assert attempts == ["lost"]


class _Throttled:
    """Passes calls to the real client but holds back every key (or only on the first few calls)."""

    def __init__(self, real, hold_back_calls: int):
        self.real, self.hold_back_calls, self.calls = real, hold_back_calls, 0

    def batch_get_item(self, RequestItems):
        self.calls += 1
        if self.calls <= self.hold_back_calls:
            return {"Responses": {}, "UnprocessedKeys": RequestItems}
        return self.real.batch_get_item(RequestItems=RequestItems)


def test_batch_get_backs_off_with_jitter_and_says_when_keys_stay_unprocessed(env, monkeypatch):
    pk = _partition()
    table.batch_write(puts=[{"pk": pk, "sk": f"ITEM#{n}", "n": n} for n in range(3)])
    wanted = [{"pk": pk, "sk": f"ITEM#{n}"} for n in range(3)] * 2  # duplicates are asked once
    real = table._ddb()
    pauses = []
    monkeypatch.setattr(table, "_sleep", pauses.append)

    throttled = _Throttled(real, hold_back_calls=3)
    monkeypatch.setattr(table, "_ddb", lambda: throttled)
    assert sorted(i["n"] for i in table.batch_get(wanted, consistent=True)) == [0, 1, 2]
    assert throttled.calls == 4 and len(pauses) == 3
    caps = [min(table.BACKOFF_CAP_SECONDS, table.BACKOFF_BASE_SECONDS * 2 ** n) for n in (1, 2, 3)]
    assert all(0 <= pause <= cap for pause, cap in zip(pauses, caps))

    pauses.clear()
    stuck = _Throttled(real, hold_back_calls=10_000)
    monkeypatch.setattr(table, "_ddb", lambda: stuck)
    with pytest.raises(table.Unprocessed, match="3 keys unprocessed"):
        table.batch_get(wanted)
    assert stuck.calls == table.BATCH_ATTEMPTS and len(pauses) == table.BATCH_ATTEMPTS - 1
    assert max(pauses) <= table.BACKOFF_CAP_SECONDS


def test_item_size_limit_is_enforced_as_on_aws(env):
    """DynamoDB Local refuses items over 400 KB; the store must not hide that."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as error:
        table.put({"pk": _partition(), "sk": "BIG", "blob": "x" * 410_000})
    assert error.value.response["Error"]["Code"] == "ValidationException"


def _world():
    from chalicelib.identity import practices
    from chalicelib.identity.principals import Clinician, Role

    practice = practices.create_practice("Integration Practice")["practice_id"]
    sub = f"sub-{uuid.uuid4().hex[:8]}"
    practices.add_member(practice, sub, email="int@example.com", display_name="Int", role=Role.clinician)
    return Clinician(sub=sub, practice_id=practice, role=Role.clinician, email="int@example.com",
                     display_name="Int")


def _client(actor):
    from chalicelib.clients import service
    from chalicelib.clients.models import ClientCreate

    return service.create(actor, ClientCreate(display_name="Integration Client", email="ic@example.com",
                                              timezone="Australia/Sydney", reminder_channels=["email"]))


def test_links_issue_revoke_and_erase_on_dynamodb_local(env):
    from chalicelib.clients import erasure, service
    from chalicelib.identity.links import authenticate_client, hash_token

    actor = _world()
    profile = _client(actor)
    token = service.issue_link(actor, profile["client_id"], None).url.split("#token=")[1]
    assert authenticate_client(token).client_id == profile["client_id"]
    token2 = service.issue_link(actor, profile["client_id"], 1).url.split("#token=")[1]
    assert authenticate_client(token) is None and authenticate_client(token2) is not None
    stored = json.dumps(list(table.query_all(keys.client_partition(profile["client_id"]))))
    assert token2 not in stored and hash_token(token2) in stored

    erasure.erase(actor, profile["client_id"])
    assert list(table.query_all(keys.client_partition(profile["client_id"]), consistent=True)) == []
    assert authenticate_client(token2) is None
    assert table.get(keys.access_link(hash_token(token2)).as_dict(), consistent=True) is None


def test_caseload_pairs_profiles_with_summaries_across_pages(env):
    from chalicelib.clients import service

    actor = _world()
    created = [_client(actor)["client_id"] for _ in range(5)]
    seen, token = [], None
    while True:
        page = service.list_for_clinician(actor, limit=2, next_token=token)
        seen += [c["client_id"] for c in page.items]
        token = page.next_token
        if not token:
            break
    assert sorted(seen) == sorted(created)


def test_concurrent_duplicate_submissions_store_exactly_one(env):
    """Ten threads send the same Idempotency-Key at once: one submission, ten equal receipts."""
    from chalicelib.clients import service as clients
    from chalicelib.homework import assignment_service, submission_service
    from chalicelib.homework.models import AssignmentCreate, SubmissionCreate
    from chalicelib.identity.principals import ClientPrincipal

    actor = _world()
    profile = _client(actor)
    assignment = assignment_service.create(actor, profile["client_id"], AssignmentCreate(
        template_id="gad-7", recurrence={"frequency": "daily"}, due_time="23:59", override_recall_period=True,
        override_reason="Daily check-in agreed with the client"))
    principal = ClientPrincipal(client_id=profile["client_id"], practice_id=actor.practice_id)
    body = SubmissionCreate(answers={f"gad7_{n}": "several_days" for n in range(1, 8)})
    barrier = threading.Barrier(10)

    def send(_):
        barrier.wait()
        return submission_service.submit(principal, assignment.assignment_id, body, "same-key-for-all")

    with ThreadPoolExecutor(10) as pool:
        receipts = list(pool.map(send, range(10)))
    assert len({r.submission_id for r in receipts}) == 1
    stored = list(table.query_all(keys.client_partition(profile["client_id"]), sk_prefix=keys.SUBMISSION_PREFIX,
                                  consistent=True))
    assert len(stored) == 1
    assert clients.stats_of(profile["client_id"])["submitted"]


def test_full_sign_in_flow_with_cognito_on_moto_server(env):
    """login → create client → link → /v1/client/me, verifying moto's tokens over HTTP JWKS."""
    from chalice.test import Client

    from app import app
    from chalicelib.identity import cognito, practices
    from chalicelib.identity.principals import Role

    email = f"owner-{uuid.uuid4().hex[:6]}@example.com"
    password = "Integration-Passw0rd!"
    sub = cognito.create_user(email, "Owner", temporary=cognito.temporary_password(), send_invite=False)
    cognito.set_permanent_password(email, password)
    practice = practices.create_practice("Flow Practice")["practice_id"]
    practices.add_member(practice, sub, email=email, display_name="Owner", role=Role.owner)
    with Client(app) as http:
        login = http.http.post("/v1/auth/login", headers={"Content-Type": "application/json"},
                               body=json.dumps({"email": email, "password": password}))
        assert login.status_code == 200, login.body
        auth = {"Authorization": f"Bearer {json.loads(login.body)['access_token']}",
                "Content-Type": "application/json"}
        created = http.http.post("/v1/clients", headers=auth, body=json.dumps(
            {"display_name": "Flow Client", "timezone": "America/New_York"}))
        assert created.status_code == 201, created.body
        client_id = json.loads(created.body)["client_id"]
        link = http.http.post(f"/v1/clients/{client_id}/access-link", headers=auth, body="{}")
        token = json.loads(link.body)["url"].split("#token=")[1]
        me = http.http.get("/v1/client/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and json.loads(me.body)["timezone"] == "America/New_York"
        listed = http.http.get("/v1/clients", headers=auth)
        assert client_id in [c["client_id"] for c in json.loads(listed.body)["items"]]
