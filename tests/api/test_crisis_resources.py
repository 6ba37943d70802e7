"""Crisis resources: the practice's own list (owner only) or its country's defaults, shown to
the client with a link to their latest safety plan (GET /v1/client/crisis-resources)."""
from __future__ import annotations

import json

import pytest

from chalicelib.homework import crisis
from tests.api.conftest import mint, post

PATH = "/v1/client/crisis-resources"
BRIEF_COUNTRIES = ["GB", "IE", "US", "CA", "AU", "NZ", "DE", "FR", "ES", "IT", "NL", "BE", "SE", "NO", "DK", "FI",
                   "CH", "AT", "PT", "PL", "IN", "ZA", "SG", "HK", "JP", "BR", "MX", "AR"]
OWN = [{"name": "Harbour Psychology duty line", "phone": "+44 20 7946 0000", "hours": "Weekdays 9:00-17:00",
        "purpose": "Talk to the clinician on duty today."},
       {"name": "Shout", "sms": {"number": "85258", "body": "SHOUT"}, "url": "https://giveusashout.org",
        "hours": "24/7", "purpose": "Text if you would rather not talk."}]
SAFETY_PLAN = {"warning_signs": "Not sleeping, staying in my room.", "coping_strategies": "A walk by the river.",
               "make_safe": "Give my tablets to my sister to keep."}


def _send(api, method: str, path: str, headers: dict, body: dict | None = None):
    return api.http.request(method=method, path=path, headers=headers,
                            body=json.dumps(body) if body is not None else b"")


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.body
    return json.loads(response.body)


def _client(world, who: str = "a1") -> dict:
    return world.headers(token=world.links[who])


# -- the defaults --------------------------------------------------------------------------------

@pytest.mark.parametrize("country", BRIEF_COUNTRIES)
def test_every_country_has_its_emergency_number_first_and_entries_that_validate(country):
    resources = crisis.defaults_for(country)
    assert resources[0]["name"].startswith("Emergency services") and resources[0]["phone"]
    assert len(resources) >= 2, f"{country}: the emergency number alone is not a list of resources"
    for resource in resources:
        # The same validation an owner's own entries meet: digits and spaces, https only.
        crisis.CrisisResource.model_validate(resource)
        assert resource["purpose"]


def test_a_country_without_defaults_says_call_your_local_emergency_number():
    assert crisis.defaults_for("LU") == [crisis.LOCAL_EMERGENCY]
    assert crisis.defaults_for(None) == [crisis.LOCAL_EMERGENCY]
    own = [{"name": "Duty line", "phone": "123 456"}]
    assert crisis.resources_for("LU", own) == [crisis.LOCAL_EMERGENCY, *own]
    # With the country's emergency number already in the list, it is not shown twice.
    assert crisis.resources_for("GB", [{"name": "999", "phone": "999"}]) == [{"name": "999", "phone": "999"}]
    assert crisis.resources_for("GB", own)[0]["phone"] == "999"


# -- the practice's settings ------------------------------------------------------------------

def test_the_owner_sets_country_and_list_and_everyone_in_the_practice_reads_them(api, world):
    before = _ok(_send(api, "GET", "/v1/practice", world.headers("a1")))
    assert (before["country"], before["crisis_resources"], before["crisis_resources_editable"]) == (None, [], False)
    assert before["default_crisis_resources"][0]["name"] == "Emergency services"

    changed = _ok(_send(api, "PATCH", "/v1/practice", world.headers("owner_a"),
                        {"country": "gb", "crisis_resources": OWN}))
    assert changed["country"] == "GB" and changed["crisis_resources_editable"] is True
    assert [r["name"] for r in changed["crisis_resources"]] == [r["name"] for r in OWN]
    assert changed["crisis_resources"][1]["sms"] == {"number": "85258", "body": "SHOUT"}
    assert changed["default_crisis_resources"][1]["phone"] == "116 123"

    seen = _ok(_send(api, "GET", "/v1/practice", world.headers("a2")))
    assert (seen["country"], seen["crisis_resources"]) == ("GB", changed["crisis_resources"])
    other = _ok(_send(api, "GET", "/v1/practice", world.headers("b1")))
    assert (other["country"], other["crisis_resources"]) == (None, [])

    # [] returns to the country's defaults.
    cleared = _ok(_send(api, "PATCH", "/v1/practice", world.headers("owner_a"), {"crisis_resources": []}))
    assert (cleared["country"], cleared["crisis_resources"]) == ("GB", [])


def test_only_the_owner_changes_country_and_crisis_resources(api, world):
    from chalicelib.identity import practices
    from chalicelib.identity.principals import Role

    practice_id = world.actors["owner_a"].practice_id
    practices.add_member(practice_id, "sub-admin-crisis", email="admin@example.com", display_name="Admin",
                         role=Role.admin)
    admin = {**world.headers(), "Authorization": f"Bearer {mint(world.settings, 'sub-admin-crisis')}"}
    for body in ({"country": "IE"}, {"crisis_resources": OWN}):
        refused = _send(api, "PATCH", "/v1/practice", admin, body)
        assert refused.status_code == 403, refused.body
        assert refused.headers["Content-Type"].startswith("application/problem+json")
        assert "owner" in json.loads(refused.body)["detail"]
        assert _send(api, "PATCH", "/v1/practice", world.headers("a1"), body).status_code == 403
    # The admin still changes what admins may.
    assert _ok(_send(api, "PATCH", "/v1/practice", admin, {"link_max_days": 90}))["link_max_days"] == 90
    after = _ok(_send(api, "GET", "/v1/practice", world.headers("owner_a")))
    assert (after["country"], after["crisis_resources"]) == (None, [])


@pytest.mark.parametrize("body,field,fragment", [
    ({"country": "XX"}, "country", "two-letter country code"),
    ({"country": "GBR"}, "country", ""),
    ({"crisis_resources": [{"name": "Line", "phone": "call me"}]}, "crisis_resources[0].phone", "digits"),
    ({"crisis_resources": [{"name": "Line", "phone": "999;drop"}]}, "crisis_resources[0].phone", "digits"),
    ({"crisis_resources": [{"name": "Line", "url": "http://example.org"}]}, "crisis_resources[0].url", "https://"),
    ({"crisis_resources": [{"name": "Line", "url": "javascript:alert(1)"}]}, "crisis_resources[0].url", "https://"),
    ({"crisis_resources": [{"name": "Line", "sms": {"number": "text"}}]}, "crisis_resources[0].sms.number", "digits"),
    ({"crisis_resources": [{"name": "Line"}]}, "crisis_resources[0]", "phone number"),
    ({"crisis_resources": [{"name": "", "phone": "999"}]}, "crisis_resources[0].name", ""),
    ({"crisis_resources": [{"name": "x" * 81, "phone": "999"}]}, "crisis_resources[0].name", "80"),
    ({"crisis_resources": [{"name": "Line", "phone": "999", "purpose": "x" * 161}]},
     "crisis_resources[0].purpose", "160"),
    ({"crisis_resources": [{"name": "Line", "phone": "999"}] * 11}, "crisis_resources", "10"),
    ({"crisis_resources": [{"name": "Line", "phone": "999", "colour": "red"}]}, "crisis_resources[0].colour", ""),
])
def test_bad_crisis_settings_are_422_per_field_and_nothing_changes(api, world, body, field, fragment):
    response = _send(api, "PATCH", "/v1/practice", world.headers("owner_a"), body)
    assert response.status_code == 422, response.body
    errors = [(e["field"], e["message"]) for e in json.loads(response.body)["errors"]]
    assert any(f == field and fragment in m for f, m in errors), errors
    after = _ok(_send(api, "GET", "/v1/practice", world.headers("owner_a")))
    assert (after["country"], after["crisis_resources"]) == (None, [])


# -- the client's side -------------------------------------------------------------------------

def test_the_client_sees_the_practice_list_or_the_country_defaults(api, world):
    none_set = _ok(_send(api, "GET", PATH, _client(world)))
    assert none_set == {"country": None, "resources": [crisis.LOCAL_EMERGENCY], "safety_plan": None}

    _ok(_send(api, "PATCH", "/v1/practice", world.headers("owner_a"), {"country": "IE"}))
    defaults = _ok(_send(api, "GET", PATH, _client(world)))
    assert defaults["country"] == "IE"
    assert [r["phone"] for r in defaults["resources"][:2]] == ["112", "116 123"]

    _ok(_send(api, "PATCH", "/v1/practice", world.headers("owner_a"), {"crisis_resources": OWN}))
    own = _ok(_send(api, "GET", PATH, _client(world)))["resources"]
    assert [r["name"] for r in own] == ["Emergency services (112)", *(r["name"] for r in OWN)]
    # Another practice's client is not shown practice A's list.
    assert _ok(_send(api, "GET", PATH, _client(world, "b1")))["resources"] == [crisis.LOCAL_EMERGENCY]


def test_the_latest_safety_plan_is_one_tap_away(api, world):
    client_id = world.clients["a1"]["client_id"]
    assignment = post(api, f"/v1/clients/{client_id}/assignments", world.headers("a1"), {
        "template_id": "safety-plan", "title": "My safety plan", "recurrence": {"frequency": "daily"},
        "due_time": "23:59"})
    assert _ok(_send(api, "GET", PATH, _client(world)))["safety_plan"] is None
    receipt = post(api, f"/v1/client/assignments/{assignment['assignment_id']}/submissions",
                   {**_client(world), "Idempotency-Key": "safety-plan-0001"}, {"answers": SAFETY_PLAN})
    plan = _ok(_send(api, "GET", PATH, _client(world)))["safety_plan"]
    assert plan == {"submission_id": receipt["submission_id"], "submitted_at": receipt["submitted_at"],
                    "title": "My safety plan"}
    # It opens for the client; other homework sent later does not replace it.
    assert _send(api, "GET", f"/v1/client/submissions/{plan['submission_id']}", _client(world)).status_code == 200
    from tests.api.conftest import submit_risk_answer
    submit_risk_answer(api, world, "after-plan-0001")
    assert _ok(_send(api, "GET", PATH, _client(world)))["safety_plan"] == plan
    # Nobody else's.
    assert _ok(_send(api, "GET", PATH, _client(world, "b1")))["safety_plan"] is None


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer not-a-real-link-token-0000000000000"}, {"Authorization": "Basic abc"}])
def test_no_or_a_wrong_credential_is_401(api, world, headers):
    response = _send(api, "GET", PATH, {"Content-Type": "application/json", **headers})
    assert response.status_code == 401, response.body
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_a_clinician_token_does_not_open_the_client_route(api, world):
    assert _send(api, "GET", PATH, world.headers("a1")).status_code == 401
