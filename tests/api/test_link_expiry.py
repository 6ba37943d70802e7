"""Link expiry: the clinician sees a link that ends within 7 days (`expires_soon`) and can
renew it (same link) by the link length, within the practice's maximum (`link_max_days`,
default 180, set with PATCH /v1/practice). A link in use within 7 days of its end slides
forward the same way, at most one write a day; a short link a clinician chose does not."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import time_machine

from tests.api.conftest import mint, post

DAY = timedelta(days=1)


def _headers(world, who: str = "a1") -> dict:
    # minted inside the clock's travel, so the clinician's token is current there
    return {"Content-Type": "application/json", "Authorization": f"Bearer {mint(world.settings, world.sub(who))}"}


def _client(api, world, ttl_days: int = 30) -> dict:
    client = post(api, "/v1/clients", world.headers("a1"), {"display_name": "Ada", "timezone": "Europe/London"})
    link = post(api, f"/v1/clients/{client['client_id']}/access-link", world.headers("a1"), {"ttl_days": ttl_days})
    return {**client, "link": link["url"].split("#token=")[1], "expires_at": link["expires_at"]}


def _link(api, world, client_id: str, who: str = "a1") -> dict:
    response = api.http.get(f"/v1/clients/{client_id}", headers=_headers(world, who))
    assert response.status_code == 200, response.body
    return json.loads(response.body)["access_link"]


def _renew(api, world, client_id: str, who: str = "a1"):
    return api.http.post(f"/v1/clients/{client_id}/access-link/renew", headers=_headers(world, who))


def _end(view: dict) -> datetime:
    return datetime.fromisoformat(view["expires_at"])


def _set_max(api, world, days: int) -> None:
    response = api.http.patch("/v1/practice", headers=_headers(world, "owner_a"),
                              body=json.dumps({"link_max_days": days}))
    assert response.status_code == 200 and json.loads(response.body)["link_max_days"] == days, response.body


def test_expires_soon_shows_in_the_client_and_the_caseload(api, world):
    client = _client(api, world)
    end = datetime.fromisoformat(client["expires_at"])
    assert _link(api, world, client["client_id"])["expires_soon"] is False
    with time_machine.travel(end - 7 * DAY + timedelta(minutes=1), tick=False):
        assert _link(api, world, client["client_id"])["expires_soon"] is True
        caseload = json.loads(api.http.get("/v1/clients", headers=_headers(world)).body)["items"]
        assert [c["access_link"]["expires_soon"] for c in caseload if c["client_id"] == client["client_id"]] == [True]
    with time_machine.travel(end + timedelta(seconds=1), tick=False):
        assert _link(api, world, client["client_id"]) == {"active": False, "expires_at": None, "expires_soon": False}


def test_renewing_extends_the_same_link_within_the_practice_maximum(api, world):
    client = _client(api, world)
    issued = datetime.fromisoformat(client["expires_at"]) - 30 * DAY
    with time_machine.travel(issued + 25 * DAY, tick=False):
        renewed = _renew(api, world, client["client_id"])
        assert renewed.status_code == 200, renewed.body
        body = json.loads(renewed.body)
        assert body["renewed"] is True and body["expires_soon"] is False
        assert _end(body) == issued + 60 * DAY
        assert api.http.get("/v1/client/me", headers=world.headers(token=client["link"])).status_code == 200

        _set_max(api, world, 70)
        assert _end(json.loads(_renew(api, world, client["client_id"]).body)) == issued + 70 * DAY
        again = json.loads(_renew(api, world, client["client_id"]).body)
        assert again["renewed"] is False and _end(again) == issued + 70 * DAY
        assert _end(_link(api, world, client["client_id"])) == issued + 70 * DAY

        # Not another practice's or another clinician's client; not a link that is gone.
        assert _renew(api, world, client["client_id"], "b1").status_code == 404
        assert _renew(api, world, client["client_id"], "a2").status_code == 404
        api.http.delete(f"/v1/clients/{client['client_id']}/access-link", headers=_headers(world))
        gone = _renew(api, world, client["client_id"])
        assert gone.status_code == 409 and "Issue a new one" in json.loads(gone.body)["detail"]


def test_a_link_in_use_near_its_end_slides_forward_once_a_day_up_to_the_maximum(api, world):
    from chalicelib.store import clients as client_store

    client = _client(api, world)
    issued = datetime.fromisoformat(client["expires_at"]) - 30 * DAY
    me = {"Content-Type": "application/json", "Authorization": f"Bearer {client['link']}"}
    with time_machine.travel(issued + 22 * DAY, tick=False):
        api.http.get("/v1/client/me", headers=me)
        assert _end(_link(api, world, client["client_id"])) == issued + 30 * DAY, "not near its end yet"
    with time_machine.travel(issued + 24 * DAY, tick=False):
        assert api.http.get("/v1/client/me", headers=me).status_code == 200
        assert _end(_link(api, world, client["client_id"])) == issued + 60 * DAY
        version = client_store.get(client["client_id"], consistent=True)["version"]

    _set_max(api, world, 62)
    with time_machine.travel(issued + 54 * DAY, tick=False):
        api.http.get("/v1/client/me", headers=me)
        assert _end(_link(api, world, client["client_id"])) == issued + 62 * DAY
        version = client_store.get(client["client_id"], consistent=True)["version"]
        api.http.get("/v1/client/me", headers=me)
        assert client_store.get(client["client_id"], consistent=True)["version"] == version, "one write a day"
    with time_machine.travel(issued + 62 * DAY, tick=False):
        assert api.http.get("/v1/client/me", headers=me).status_code == 401


def test_a_short_link_the_clinician_chose_does_not_slide(api, world):
    client = _client(api, world, ttl_days=3)
    end = datetime.fromisoformat(client["expires_at"])
    me = {"Content-Type": "application/json", "Authorization": f"Bearer {client['link']}"}
    with time_machine.travel(end - DAY, tick=False):
        assert api.http.get("/v1/client/me", headers=me).status_code == 200
        assert _end(_link(api, world, client["client_id"])) == end


def test_the_practice_maximum_is_a_number_of_days_within_reason(api, world):
    for days in (3, 400):
        response = api.http.patch("/v1/practice", headers=world.headers("owner_a"),
                                  body=json.dumps({"link_max_days": days}))
        assert response.status_code == 422, response.body
        [error] = json.loads(response.body)["errors"]
        assert error["field"] == "link_max_days" and error["message"][0].isupper()
    assert json.loads(api.http.get("/v1/practice", headers=world.headers("a1")).body)["link_max_days"] == 180
    refused = api.http.patch("/v1/practice", headers=world.headers("a1"), body=json.dumps({"link_max_days": 90}))
    assert refused.status_code == 403
