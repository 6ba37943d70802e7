"""The plan on every assignment, through the API, from both sides: drafted with the
assignment, finished by the client, marked for adjustment on low confidence, adjusted by
the clinician, with one history both sides read; the practice's threshold; tenancy."""
from __future__ import annotations

import json

import pytest

from tests.api.conftest import post

DRAFT = {"rationale": "Catching the thought is the first step to questioning it.",
         "when_where": "After dinner, on weekdays",
         "first_step": "Save the link on my phone's home screen tonight",
         "obstacles": [{"obstacle": "Too tired after work", "response": "Write just the situation"}]}


def _json(response):
    return json.loads(response.body)


def _client(world, who: str = "a1") -> dict:
    return world.headers(token=world.links[who])


def _assign(api, world, plan: dict | None = None, **extra) -> dict:
    body = {"template_id": "thought-record", "recurrence": {"frequency": "daily"}, "due_time": "23:59", **extra}
    if plan is not None:
        body["plan"] = plan
    return post(api, f"/v1/clients/{world.resources['client_id']}/assignments", world.headers("a1"), body)


def _send(api, method: str, path: str, headers: dict, body: dict | None = None):
    return api.http.request(method=method, path=path, headers=headers,
                            body=json.dumps(body) if body is not None else b"")


def _plan_paths(assignment_id: str) -> tuple[str, str]:
    return f"/v1/assignments/{assignment_id}/plan", f"/v1/client/assignments/{assignment_id}/plan"


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.body
    return _json(response)


def test_a_plan_walks_through_both_sides_and_both_see_the_same_history(api, world):
    assignment = _assign(api, world, plan=DRAFT)
    clinician_path, client_path = _plan_paths(assignment["assignment_id"])
    clinician, client = world.headers("a1"), _client(world)

    # The clinician drafted it with the assignment: version 1.
    drafted = _ok(_send(api, "GET", client_path, client))
    assert drafted["version"] == 1 and drafted["when_where"] == DRAFT["when_where"]
    assert drafted["obstacles"] == DRAFT["obstacles"] and drafted["confidence"] is None
    assert drafted["needs_adjustment"] is False and drafted["ask_what_would_help"] is False
    assert drafted["confidence_threshold"] == 7

    # The client makes when/where their own and is not very confident.
    low = _ok(_send(api, "PATCH", client_path, client, {
        "when_where": "After breakfast, at the kitchen table, on weekdays", "confidence": 4, "version": 1}))
    assert low["version"] == 2 and low["confidence"] == 4
    assert low["needs_adjustment"] is True and low["ask_what_would_help"] is True
    assert low["rationale"] == DRAFT["rationale"]  # what the client did not send stays

    # ... and says what would help, without a version (retried on conflict).
    helped = _ok(_send(api, "PATCH", client_path, client, {"what_would_help": "A shorter version on busy days"}))
    assert helped["version"] == 3 and helped["needs_adjustment"] is True

    # The clinician sees it marked and adjusts the plan.
    seen = _ok(_send(api, "GET", clinician_path, clinician))
    assert seen["needs_adjustment"] is True and seen["what_would_help"] == "A shorter version on busy days"
    adjusted = _ok(_send(api, "PUT", clinician_path, clinician, {
        **DRAFT, "when_where": seen["when_where"], "first_step": "Fill in only the situation column at first",
        "confidence": 4, "what_would_help": seen["what_would_help"], "version": seen["version"]}))
    assert adjusted["version"] == 4 and adjusted["needs_adjustment"] is False
    assert adjusted["first_step"] == "Fill in only the situation column at first"

    # The client feels able to do it now.
    raised = _ok(_send(api, "PATCH", client_path, client, {"confidence": 8, "version": 4}))
    assert raised["version"] == 5 and raised["needs_adjustment"] is False and raised["ask_what_would_help"] is False

    theirs = _ok(_send(api, "GET", client_path, client))
    ours = _ok(_send(api, "GET", clinician_path, clinician))
    expected = [
        (1, "clinician", {**DRAFT}),
        (2, "client", {"when_where": "After breakfast, at the kitchen table, on weekdays", "confidence": 4,
                       "needs_adjustment": True}),
        (3, "client", {"what_would_help": "A shorter version on busy days"}),
        (4, "clinician", {"first_step": "Fill in only the situation column at first", "needs_adjustment": False}),
        (5, "client", {"confidence": 8}),
    ]
    for history in (theirs["history"], ours["history"]):
        assert [(e["version"], e["by_role"], e["changes"]) for e in history] == expected
        times = [e["at"] for e in history]
        assert all(t.endswith("Z") for t in times) and times == sorted(times)
    assert [e["at"] for e in theirs["history"]] == [e["at"] for e in ours["history"]]
    # Who: the clinician's own view names the account, the client's names the role (and the name).
    assert [e["by_id"] for e in ours["history"]] == [world.sub("a1"), "client", "client", world.sub("a1"), "client"]
    assert [e["by_id"] for e in theirs["history"]] == ["clinician", "client", "client", "clinician", "client"]
    assert theirs["history"][0]["by_name"] == "A1"
    assert world.sub("a1") not in json.dumps(theirs)
    assert {k: v for k, v in theirs.items() if k != "history"} == {k: v for k, v in ours.items() if k != "history"}


def test_the_issue_walk_four_changes(api, world):
    """The walk as the issue tells it: draft, client (when/where + 4), clinician adjusts, client 8."""
    assignment = _assign(api, world, plan={**DRAFT, "confidence": 6})
    clinician_path, client_path = _plan_paths(assignment["assignment_id"])
    low = _ok(_send(api, "PATCH", client_path, _client(world), {"when_where": "Before bed", "confidence": 4}))
    assert (low["needs_adjustment"], low["ask_what_would_help"]) == (True, True)
    adjusted = _ok(_send(api, "PUT", clinician_path, world.headers("a1"), {**DRAFT, "when_where": "Before bed",
                                                                         "confidence": 4, "version": 2}))
    assert adjusted["needs_adjustment"] is False and adjusted["ask_what_would_help"] is True
    raised = _ok(_send(api, "PATCH", client_path, _client(world), {"confidence": 8}))
    assert (raised["needs_adjustment"], raised["ask_what_would_help"]) == (False, False)
    for path, headers in ((client_path, _client(world)), (clinician_path, world.headers("a1"))):
        history = _ok(_send(api, "GET", path, headers))["history"]
        assert [(e["by_role"], e["changes"].get("confidence")) for e in history] == [
            ("clinician", 6), ("client", 4), ("clinician", None), ("client", 8)]
        assert history[1]["changes"]["when_where"] == "Before bed"
        assert all(e["at"] for e in history)


def test_an_assignment_without_a_plan_reads_blank_and_the_first_save_creates_it(api, world):
    from chalicelib.store import keys, table

    assignment = _assign(api, world)
    clinician_path, client_path = _plan_paths(assignment["assignment_id"])
    client_id, ulid = keys.child_parts(assignment["assignment_id"])
    assert table.get(keys.plan(client_id, ulid).as_dict()) is None  # none stored
    blank = _ok(_send(api, "GET", clinician_path, world.headers("a1")))
    assert blank["version"] == 0 and blank["history"] == [] and blank["obstacles"] == []
    assert blank["assignment_id"] == assignment["assignment_id"] and blank["updated_at"] is None
    assert _ok(_send(api, "GET", client_path, _client(world)))["version"] == 0

    first = _ok(_send(api, "PUT", clinician_path, world.headers("a1"), {"first_step": "Open it once", "version": 0}))
    assert first["version"] == 1 and first["updated_by_role"] == "clinician"
    again = _send(api, "PUT", clinician_path, world.headers("a1"), {"first_step": "Other tab", "version": 0})
    assert again.status_code == 409 and "reload" in _json(again)["detail"]
    stored = table.get(keys.plan(client_id, ulid).as_dict())
    assert stored["gsi4pk"] == f"REVIEW#{client_id}" and stored["gsi4sk"] == f"~PLAN#{ulid}"
    assert stored["first_step"] == "Open it once"


def test_the_client_can_start_a_plan_nobody_wrote(api, world):
    assignment = _assign(api, world, plan={})
    _, client_path = _plan_paths(assignment["assignment_id"])
    started = _ok(_send(api, "PATCH", client_path, _client(world), {"first_step": "Read it once", "version": 0}))
    assert started["version"] == 1 and started["history"][0]["by_role"] == "client"


def test_stale_versions_are_409_for_both_sides_and_change_nothing(api, world):
    assignment = _assign(api, world, plan=DRAFT)
    clinician_path, client_path = _plan_paths(assignment["assignment_id"])
    _ok(_send(api, "PATCH", client_path, _client(world), {"confidence": 9, "version": 1}))
    stale_client = _send(api, "PATCH", client_path, _client(world), {"confidence": 2, "version": 1})
    stale_clinician = _send(api, "PUT", clinician_path, world.headers("a1"), {**DRAFT, "version": 1})
    for response in (stale_client, stale_clinician):
        assert response.status_code == 409, response.body
        assert response.headers["Content-Type"] == "application/problem+json"
        assert _json(response)["detail"].endswith("reload it and try again.")
    now = _ok(_send(api, "GET", clinician_path, world.headers("a1")))
    assert now["version"] == 2 and now["confidence"] == 9
    # Without a version the save goes over whatever is there.
    assert _ok(_send(api, "PUT", clinician_path, world.headers("a1"), DRAFT))["version"] == 3


def test_a_save_with_nothing_new_keeps_the_version(api, world):
    assignment = _assign(api, world, plan=DRAFT)
    clinician_path, client_path = _plan_paths(assignment["assignment_id"])
    same = _ok(_send(api, "PUT", clinician_path, world.headers("a1"), DRAFT))
    assert same["version"] == 1 and len(same["history"]) == 1
    assert _ok(_send(api, "PATCH", client_path, _client(world), {"first_step": DRAFT["first_step"]}))["version"] == 1


def test_the_practice_threshold_changes_the_rule_and_only_managers_change_it(api, world):
    assignment = _assign(api, world, plan=DRAFT)
    clinician_path, client_path = _plan_paths(assignment["assignment_id"])
    assert _ok(_send(api, "GET", "/v1/practice", world.headers("a1")))["plan_confidence_threshold"] == 7

    refused = _send(api, "PATCH", "/v1/practice", world.headers("a1"), {"plan_confidence_threshold": 4})
    assert refused.status_code == 403, refused.body
    changed = _ok(_send(api, "PATCH", "/v1/practice", world.headers("owner_a"), {"plan_confidence_threshold": 4}))
    assert {k: changed[k] for k in ("practice_id", "name", "plan_confidence_threshold", "link_max_days")} == {
        "practice_id": world.actors["owner_a"].practice_id, "name": "Harbour Psychology",
        "plan_confidence_threshold": 4, "link_max_days": 180}
    assert _ok(_send(api, "GET", "/v1/practice", world.headers("a2")))["plan_confidence_threshold"] == 4
    # Practice B keeps its own.
    assert _ok(_send(api, "GET", "/v1/practice", world.headers("b1")))["plan_confidence_threshold"] == 7

    five = _ok(_send(api, "PATCH", client_path, _client(world), {"confidence": 5}))
    assert (five["needs_adjustment"], five["ask_what_would_help"], five["confidence_threshold"]) == (False, False, 4)
    three = _ok(_send(api, "PATCH", client_path, _client(world), {"confidence": 3}))
    assert (three["needs_adjustment"], three["ask_what_would_help"]) == (True, True)

    # Raised again, the same 5 asks again (what is shown follows the threshold of the day).
    _ok(_send(api, "PATCH", "/v1/practice", world.headers("owner_a"), {"plan_confidence_threshold": 7}))
    five_again = _ok(_send(api, "PATCH", client_path, _client(world), {"confidence": 5}))
    assert (five_again["needs_adjustment"], five_again["ask_what_would_help"]) == (True, True)
    assert _ok(_send(api, "GET", clinician_path, world.headers("a1")))["confidence_threshold"] == 7


@pytest.mark.parametrize("body,field,message", [
    ({"plan_confidence_threshold": 0}, "plan_confidence_threshold", "Choose a number no smaller than 1."),
    ({"plan_confidence_threshold": 11}, "plan_confidence_threshold", "Choose a number no larger than 10."),
    ({"plan_confidence_threshold": None}, "plan_confidence_threshold", "This cannot be left empty."),
    ({"name": None}, "name", "This cannot be left empty."),
])
def test_practice_settings_refuse_bad_values_in_sentences(api, world, body, field, message):
    response = _send(api, "PATCH", "/v1/practice", world.headers("owner_a"), body)
    assert response.status_code == 422, response.body
    assert [(e["field"], e["message"]) for e in _json(response)["errors"]] == [(field, message)]
    assert _ok(_send(api, "GET", "/v1/practice", world.headers("owner_a")))["plan_confidence_threshold"] == 7


@pytest.mark.parametrize("body,field,message", [
    ({"confidence": 11}, "confidence", "Choose a number no larger than 10."),
    ({"confidence": -1}, "confidence", "Choose a number no smaller than 0."),
    ({"obstacles": [{"obstacle": "x"}] * 6}, "obstacles", "Choose at most 5."),
    ({"obstacles": [{"obstacle": ""}]}, "obstacles[0].obstacle", "Please fill this in."),
    ({"obstacles": [{"obstacle": "Rain", "response": "x" * 301}]}, "obstacles[0].response",
     "Use at most 300 characters."),
    ({"when_where": "x" * 501}, "when_where", "Use at most 500 characters."),
    ({"rationale": "x" * 1001}, "rationale", "Use at most 1000 characters."),
])
def test_bad_plan_fields_are_422_per_field_in_sentences(api, world, body, field, message):
    assignment = _assign(api, world, plan=DRAFT)
    clinician_path, client_path = _plan_paths(assignment["assignment_id"])
    for method, path, headers in (("PUT", clinician_path, world.headers("a1")),
                                  ("PATCH", client_path, _client(world))):
        response = _send(api, method, path, headers, body)
        assert response.status_code == 422, response.body
        assert (field, message) in [(e["field"], e["message"]) for e in _json(response)["errors"]]
    assert _ok(_send(api, "GET", clinician_path, world.headers("a1")))["version"] == 1
    created = api.http.post(f"/v1/clients/{world.resources['client_id']}/assignments", headers=world.headers("a1"),
                            body=json.dumps({"template_id": "thought-record", "plan": body}))
    assert created.status_code == 422
    assert (f"plan.{field}", message) in [(e["field"], e["message"]) for e in _json(created)["errors"]]


def test_other_clinicians_practices_and_clients_find_no_plan(api, world):
    assignment = _assign(api, world, plan=DRAFT)
    clinician_path, client_path = _plan_paths(assignment["assignment_id"])
    for who in ("a2", "b1", "owner_b"):
        assert _send(api, "GET", clinician_path, world.headers(who)).status_code == 404
        assert _send(api, "PUT", clinician_path, world.headers(who), DRAFT).status_code == 404
    assert _send(api, "GET", client_path, _client(world, "b1")).status_code == 404
    assert _send(api, "PATCH", client_path, _client(world, "b1"), {"confidence": 1}).status_code == 404
    # The practice owner manages the practice, so may read and adjust the plan.
    assert _ok(_send(api, "GET", clinician_path, world.headers("owner_a")))["version"] == 1
    unchanged = _ok(_send(api, "GET", client_path, _client(world)))
    assert unchanged["version"] == 1 and unchanged["confidence"] is None


def test_clinicians_reads_and_writes_of_a_plan_are_audited(api, world):
    assignment = _assign(api, world, plan=DRAFT)
    clinician_path, _ = _plan_paths(assignment["assignment_id"])
    _ok(_send(api, "GET", clinician_path, world.headers("a1")))
    _ok(_send(api, "PUT", clinician_path, world.headers("a1"), {**DRAFT, "confidence": 5}))
    trail = _ok(api.http.get(f"/v1/clients/{world.resources['client_id']}/audit", headers=world.headers("a1")))
    plan_events = [(e["action"], e["detail"], e["actor_sub"]) for e in trail["items"] if e["action"].startswith("plan.")]
    assert plan_events == [("plan.update", assignment["assignment_id"], world.sub("a1")),
                           ("plan.read", assignment["assignment_id"], world.sub("a1"))]


def test_a_cancelled_assignments_plan_stays_readable_but_no_longer_changes(api, world):
    from chalicelib.store import keys, table

    assignment = _assign(api, world, plan=DRAFT)
    clinician_path, client_path = _plan_paths(assignment["assignment_id"])
    cancelled = api.http.delete(f"/v1/assignments/{assignment['assignment_id']}", headers=world.headers("a1"))
    assert cancelled.status_code == 200, cancelled.body
    cancelled_at = _json(cancelled)["status_history"][-1]["at"]
    assert _ok(_send(api, "GET", client_path, _client(world)))["version"] == 1
    for method, path, headers, body in (("PATCH", client_path, _client(world), {"confidence": 3}),
                                        ("PUT", clinician_path, world.headers("a1"), DRAFT | {"confidence": 2})):
        refused = _send(api, method, path, headers, body)
        assert refused.status_code == 409 and "cancelled" in _json(refused)["detail"]
    # In the review feed only since the cancellation, like its assignment.
    client_id, ulid = keys.child_parts(assignment["assignment_id"])
    stored = table.get(keys.plan(client_id, ulid).as_dict())
    assert stored["gsi4sk"] == f"{cancelled_at}#PLAN#{ulid}" and stored["version"] == 1


def test_an_empty_plan_at_creation_stores_nothing(api, world):
    from chalicelib.store import keys, table

    assignment = _assign(api, world, plan={"rationale": "   ", "obstacles": []})
    client_id, ulid = keys.child_parts(assignment["assignment_id"])
    assert table.get(keys.plan(client_id, ulid).as_dict()) is None


def test_the_plan_view_for_the_client_assignment_page(api, world):
    """The helper the client's assignment page uses puts the same plan in its detail, from its BatchGet."""
    from chalicelib.homework import plan_service
    from chalicelib.identity.principals import ClientPrincipal
    from chalicelib.store import homework as store
    from chalicelib.store import keys

    assignment = _assign(api, world, plan=DRAFT)
    _, client_path = _plan_paths(assignment["assignment_id"])
    _ok(_send(api, "PATCH", client_path, _client(world), {"confidence": 2}))
    client_id, ulid = keys.child_parts(assignment["assignment_id"])
    principal = ClientPrincipal(client_id=client_id, practice_id=world.actors["a1"].practice_id)
    found = store.get_many([keys.assignment(client_id, ulid), *plan_service.detail_keys(principal, ulid)])
    view = plan_service.plan_for_client_view(found, principal, ulid, found[keys.assignment(client_id, ulid).sk])
    assert view.model_dump(mode="json") == _ok(_send(api, "GET", client_path, _client(world)))
    assert view.needs_adjustment is True and view.history[0].by_id == "clinician"


def test_the_caseload_shows_plans_to_adjust_until_the_clinician_adjusts_them(api, world):
    assignment = _assign(api, world, {"rationale": "To notice patterns", "confidence": 8})
    clinician_path, client_path = _plan_paths(assignment["assignment_id"])
    _ok(_send(api, "PATCH", client_path, _client(world),
              {"confidence": 3, "what_would_help": "A reminder after dinner"}))

    def flags():
        caseload = _ok(api.http.get("/v1/clients", headers=world.headers("a1")))["items"]
        row = next(c for c in caseload if c["client_id"] == world.resources["client_id"])
        one = _ok(api.http.get(f"/v1/clients/{world.resources['client_id']}", headers=world.headers("a1")))
        assert one["plans_to_adjust"] == row["plans_to_adjust"]
        return row["plans_to_adjust"]

    assert flags() == [{"assignment_id": assignment["assignment_id"], "title": assignment["title"],
                        "confidence": 3, "what_would_help": "A reminder after dinner"}]
    current = _ok(api.http.get(clinician_path, headers=world.headers("a1")))
    _ok(_send(api, "PUT", clinician_path, world.headers("a1"),
              {"rationale": "To notice patterns", "when_where": "After dinner, at the table", "confidence": 3,
               "version": current["version"]}))
    assert flags() == []
    _ok(_send(api, "PATCH", client_path, _client(world), {"confidence": 2}))
    assert [f["confidence"] for f in flags()] == [2]
    api.http.delete(f"/v1/assignments/{assignment['assignment_id']}", headers=world.headers("a1"))
    assert flags() == []  # a cancelled assignment's plan has nothing left to adjust
