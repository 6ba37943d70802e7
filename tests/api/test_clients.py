import json

from tests.api.conftest import VICTIM


def _json(response):
    return json.loads(response.body) if response.body else None


def test_clinician_creates_lists_reads_updates_and_erases_a_client(world, api):
    headers = world.headers("a1")
    created = world.clients["a1"]
    assert created["display_name"] == VICTIM["display_name"]
    assert created["clinician_id"] == world.sub("a1")
    assert created["access_link"]["active"] is False  # the fixture issued the link after creating

    listed = _json(api.http.get("/v1/clients", headers=headers))
    assert [c["client_id"] for c in listed["items"]] == [created["client_id"]]
    assert listed["items"][0]["access_link"]["active"] is True
    created = listed["items"][0]

    path = f"/v1/clients/{created['client_id']}"
    patched = api.http.patch(path, headers=headers, body=json.dumps({"reminder_time": "07:45", "quiet_hours": {
        "start": "22:00", "end": "07:00"}, "version": created["version"]}))
    assert patched.status_code == 200, patched.body
    body = _json(patched)
    assert body["reminder_time"] == "07:45" and body["version"] == created["version"] + 1

    stale = api.http.patch(path, headers=headers, body=json.dumps({"reminder_time": "08:00",
                                                                   "version": created["version"]}))
    assert stale.status_code == 409
    assert _json(api.http.get(path, headers=headers))["reminder_time"] == "07:45"

    assert api.http.delete(path, headers=headers).status_code == 204
    assert api.http.get(path, headers=headers).status_code == 404
    # The erased client's link stops working too.
    assert api.http.get("/v1/client/me", headers=world.headers(token=world.links["a1"])).status_code == 401
    # The audit trail survives erasure and names what happened, without client data.
    trail = api.http.get(f"/v1/clients/{created['client_id']}/audit", headers=world.headers("owner_a"))
    assert trail.status_code == 200
    assert _json(trail)["items"][0]["action"] == "client.erase"
    assert VICTIM["display_name"] not in trail.body.decode()
    assert api.http.get(f"/v1/clients/{created['client_id']}/audit", headers=world.headers("a1")).status_code == 404
    assert api.http.get(f"/v1/clients/{created['client_id']}/audit", headers=world.headers("owner_b")).status_code == 404


def test_owner_sees_the_whole_practice_and_a_clinician_only_their_caseload(world, api):
    owner_view = _json(api.http.get("/v1/clients", headers=world.headers("owner_a")))
    assert [c["client_id"] for c in owner_view["items"]] == [world.clients["a1"]["client_id"]]
    assert _json(api.http.get("/v1/clients", headers=world.headers("a2")))["items"] == []
    assert _json(api.http.get("/v1/clients", headers=world.headers("b1")))["items"][0]["display_name"] == "Bea Other"


def test_audit_trail_records_reads_and_writes_per_client(world, api):
    client_id = world.clients["a1"]["client_id"]
    api.http.get(f"/v1/clients/{client_id}", headers=world.headers("a1"))
    api.http.get("/v1/clients", headers=world.headers("owner_a"))
    events = _json(api.http.get(f"/v1/clients/{client_id}/audit", headers=world.headers("a1")))["items"]
    actions = [(e["action"], e["actor_sub"]) for e in events]
    a1, owner = world.sub("a1"), world.sub("owner_a")
    assert ("client.create", a1) in actions
    assert ("link.issue", a1) in actions
    assert ("client.read", a1) in actions
    assert ("client.list", owner) in actions
    assert actions[0] == ("client.list", owner)  # newest first


def test_a_new_link_revokes_the_old_one_and_revocation_works(world, api):
    client_id = world.clients["a1"]["client_id"]
    old = world.links["a1"]
    assert api.http.get("/v1/client/me", headers=world.headers(token=old)).status_code == 200
    fresh = _json(api.http.post(f"/v1/clients/{client_id}/access-link", headers=world.headers("a1"),
                                body=json.dumps({"ttl_days": 7})))
    new = fresh["url"].split("#token=")[1]
    assert len(new) >= 43  # 256 random bits, base64url
    assert api.http.get("/v1/client/me", headers=world.headers(token=old)).status_code == 401
    assert api.http.get("/v1/client/me", headers=world.headers(token=new)).status_code == 200
    assert api.http.delete(f"/v1/clients/{client_id}/access-link", headers=world.headers("a1")).status_code == 204
    assert api.http.get("/v1/client/me", headers=world.headers(token=new)).status_code == 401


def test_links_are_stored_only_as_hashes(world, api):
    import boto3

    table = boto3.client("dynamodb", region_name="eu-west-2")
    from chalicelib.store import keys, table as store_table

    items = list(store_table.query_all(keys.client_partition(world.clients["a1"]["client_id"])))
    dumped = json.dumps(items)
    assert world.links["a1"] not in dumped
    from chalicelib.identity.links import hash_token

    assert store_table.get(keys.access_link(hash_token(world.links["a1"])).as_dict()) is not None
    assert table is not None


def test_expired_link_is_refused_even_before_ttl_deletes_it(world, api, monkeypatch):
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 31 * 86400)
    assert api.http.get("/v1/client/me", headers=world.headers(token=world.links["a1"])).status_code == 401


def test_client_reads_and_changes_own_preferences(world, api):
    headers = world.headers(token=world.links["a1"])
    me = _json(api.http.get("/v1/client/me", headers=headers))
    assert me["display_name"] == VICTIM["display_name"] and me["has_email"] is True
    assert "email" not in me and "phone" not in me
    changed = api.http.patch("/v1/client/me", headers=headers, body=json.dumps(
        {"timezone": "America/New_York", "reminder_time": "08:15", "quiet_hours": {"start": "21:00", "end": "07:00"}}))
    assert changed.status_code == 200, changed.body
    again = _json(api.http.get(f"/v1/clients/{world.clients['a1']['client_id']}", headers=world.headers("a1")))
    assert again["timezone"] == "America/New_York" and again["quiet_hours"] == {"start": "21:00", "end": "07:00"}


def test_reminder_channels_need_the_contact_detail(world, api):
    response = api.http.post("/v1/clients", headers=world.headers("a1"), body=json.dumps(
        {"display_name": "No Phone", "timezone": "Europe/London", "reminder_channels": ["sms"]}))
    assert response.status_code == 422
    assert _json(response)["errors"][0]["field"] == "reminder_channels"


def test_only_managers_assign_clients_to_another_clinician(world, api):
    body = {"display_name": "Assigned", "timezone": "Europe/London", "clinician_id": world.sub("a2")}
    assert api.http.post("/v1/clients", headers=world.headers("a1"), body=json.dumps(body)).status_code == 403
    response = api.http.post("/v1/clients", headers=world.headers("owner_a"), body=json.dumps(body))
    assert response.status_code == 201 and _json(response)["clinician_id"] == world.sub("a2")
    foreign = {**body, "clinician_id": world.sub("b1")}
    response = api.http.post("/v1/clients", headers=world.headers("owner_a"), body=json.dumps(foreign))
    assert response.status_code == 422 and _json(response)["errors"][0]["field"] == "clinician_id"


def test_caseload_paginates_with_next_token(world, api):
    for n in range(3):
        api.http.post("/v1/clients", headers=world.headers("a1"), body=json.dumps(
            {"display_name": f"Client {n}", "timezone": "Europe/London"}))
    first = _json(api.http.get("/v1/clients?limit=2", headers=world.headers("a1")))
    assert len(first["items"]) == 2 and first["next_token"]
    second = _json(api.http.get(f"/v1/clients?limit=2&next_token={first['next_token']}", headers=world.headers("a1")))
    ids = [c["client_id"] for c in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 4
    # Another clinician's token cannot be used to page someone else's caseload.
    foreign = api.http.get(f"/v1/clients?next_token={first['next_token']}", headers=world.headers("a2"))
    assert foreign.status_code == 400


def test_access_link_can_be_sent_by_email_or_sms(world, api):
    from tests.api.reminder_support import Recorder, verify_sender

    verify_sender()
    recorder = Recorder()
    recorder.attach()
    client_id = world.clients["b1"]["client_id"]
    path = f"/v1/clients/{client_id}/access-link"
    try:
        by_email = _json(api.http.post(path, headers=world.headers("b1"), body=json.dumps({"send_via": "email"})))
        by_sms = _json(api.http.post(path, headers=world.headers("b1"), body=json.dumps({"send_via": "sms"})))
        # moto treats numbers ending in 99 as opted out of SMS: the link is issued, the text is not sent.
        opted_out = _json(api.http.post(f"/v1/clients/{world.clients['a1']['client_id']}/access-link",
                                        headers=world.headers("a1"), body=json.dumps({"send_via": "sms"})))
    finally:
        recorder.detach()
    assert by_email["delivery"] == "sent" and by_sms["delivery"] == "sent"
    (mail,) = recorder.to(world.clients["b1"]["email"])
    assert mail.subject == "Your Emotipal homework link" and by_email["url"] in mail.text
    (text,) = recorder.to(world.clients["b1"]["phone"])
    assert by_sms["url"] in text.text
    assert (opted_out["delivery"], opted_out["delivery_reason"]) == ("failed", "opted_out")
    assert recorder.to(VICTIM["phone"]) == []
    # Each new link revokes the one before: only the texted link works now.
    assert api.http.get("/v1/client/me", headers=world.headers(token=by_email["url"].split("#token=")[1])).status_code == 401
    assert api.http.get("/v1/client/me", headers=world.headers(token=by_sms["url"].split("#token=")[1])).status_code == 200


def test_sending_a_link_needs_the_contact_detail(world, api):
    created = _json(api.http.post("/v1/clients", headers=world.headers("a1"), body=json.dumps(
        {"display_name": "No Contact", "timezone": "Europe/London"})))
    response = api.http.post(f"/v1/clients/{created['client_id']}/access-link", headers=world.headers("a1"),
                             body=json.dumps({"send_via": "sms"}))
    assert response.status_code == 422 and _json(response)["errors"][0]["field"] == "send_via"
    assert _json(api.http.get(f"/v1/clients/{created['client_id']}", headers=world.headers("a1")))["access_link"][
        "active"] is False
