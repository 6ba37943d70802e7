"""Templates, assignments, drafts, submissions, idempotency records, alerts and the
caseload summary. Items are plain dicts; the domain decides what goes in them."""
from __future__ import annotations

from typing import Any, overload

from chalicelib.store import keys, table

_KEY_FIELDS = {"pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi4pk", "gsi4sk"}


@overload
def strip(item: dict[str, Any]) -> dict[str, Any]: ...
@overload
def strip(item: None) -> None: ...
@overload
def strip(item: dict[str, Any] | None) -> dict[str, Any] | None: ...
def strip(item: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if item is None else {k: v for k, v in item.items() if k not in _KEY_FIELDS}


# -- custom templates -------------------------------------------------------------------

def create_template(head: dict[str, Any], content: dict[str, Any]) -> None:
    template_id, practice_id = head["template_id"], head["practice_id"]
    table.transact([
        table.put_action({**keys.template_head(template_id).as_dict(), **head, "version": 1,
                          "gsi1pk": keys.practice_templates_index(practice_id),
                          "gsi1sk": keys.template_index_sort(template_id)}, condition="attribute_not_exists(pk)"),
        table.put_action({**keys.template_version(template_id, 1).as_dict(), "template_id": template_id,
                          "version": 1, "content": content}, condition="attribute_not_exists(pk)"),
    ])


def add_template_version(head: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
    """Write version head.version+1 if head.version is still the latest (else ConditionFailed)."""
    template_id, practice_id = head["template_id"], head["practice_id"]
    new_version = head["version"] + 1
    action, written = table.versioned_put_action(
        {**keys.template_head(template_id).as_dict(), **head,
         "gsi1pk": keys.practice_templates_index(practice_id), "gsi1sk": keys.template_index_sort(template_id)},
        head["version"])
    table.transact([action, table.put_action(
        {**keys.template_version(template_id, new_version).as_dict(), "template_id": template_id,
         "version": new_version, "content": content}, condition="attribute_not_exists(pk)")])
    return strip(written)


def get_template_head(template_id: str) -> dict[str, Any] | None:
    return strip(table.get(keys.template_head(template_id).as_dict()))


def get_template_version(template_id: str, version: int) -> dict[str, Any] | None:
    return strip(table.get(keys.template_version(template_id, version).as_dict()))


def list_practice_templates(practice_id: str) -> list[dict[str, Any]]:
    return [strip(i) for i in table.query_all(keys.practice_templates_index(practice_id), index="gsi1",
                                              sk_prefix=keys.TEMPLATE_INDEX_PREFIX)]


# -- client summary (caseload) ------------------------------------------------------------

def stats_item(profile: dict[str, Any], stats: dict[str, Any]) -> dict[str, Any]:
    """The STATS item sits beside the profile in both caseload indexes."""
    client_id = profile["client_id"]
    caseload, practice = keys.client_list_partitions(profile)  # follows the profile to the discharged list
    return {**stats, **keys.client_stats(client_id).as_dict(), "client_id": client_id,
            "gsi1pk": caseload,
            "gsi1sk": keys.client_stats_index_sort(client_id),
            "gsi2pk": practice,
            "gsi2sk": keys.client_stats_index_sort(client_id),
            **keys.review_feed_keys(client_id, keys.review_feed_always("stats"))}


def stats_put_action(profile: dict[str, Any], stats: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Versioned write of the summary: (action, stats as written)."""
    expected = stats.get("version")
    action, written = table.versioned_put_action(stats_item(profile, stats), expected)
    return action, strip(written)


# -- assignments and what hangs off them -----------------------------------------------------

def _assignment_feed_sort(assignment: dict[str, Any], ulid: str) -> str:
    """Every review shows an assignment until it is cancelled; then only reviews since then."""
    if assignment.get("status") == "cancelled":
        return keys.review_feed_at(assignment["status_history"][-1]["at"], "assignment", ulid)
    return keys.review_feed_always("assignment", ulid)


def assignment_put_action(assignment: dict[str, Any], expected_version: int | None):
    client_id = assignment["client_id"]
    ulid = keys.child_parts(assignment["assignment_id"])[1]
    return table.versioned_put_action({**keys.assignment(client_id, ulid).as_dict(), **assignment,
                                       **keys.review_feed_keys(client_id, _assignment_feed_sort(assignment, ulid))},
                                      expected_version)


def submission_item(submission: dict[str, Any]) -> dict[str, Any]:
    """A submission with its keys: in its client's partition and review feed (at the time it was sent)."""
    client_id = submission["client_id"]
    assignment_ulid, submission_ulid = (keys.child_parts(submission["assignment_id"])[1],
                                        keys.child_parts(submission["submission_id"])[1])
    return {**keys.submission(client_id, assignment_ulid, submission_ulid).as_dict(), **submission,
            **keys.review_feed_keys(client_id, keys.review_feed_at(submission["submitted_at"], "submission",
                                                                   submission_ulid))}


def template_snapshot_put_action(client_id: str, assignment_ulid: str, snapshot: dict[str, Any]):
    return table.put_action({**keys.assignment_template(client_id, assignment_ulid).as_dict(), **snapshot})


def list_assignments_with_drafts(client_id: str) -> list[dict[str, Any]]:
    """Assignment items and their drafts (one Query; template snapshots are not included)."""
    return list(table.query_all(keys.client_partition(client_id), sk_prefix=keys.ASSIGNMENT_PREFIX))


def get_many(items_keys: list[keys.Key]) -> dict[str, dict[str, Any]]:
    """BatchGet, returned by sort key (all keys are in one client's partition)."""
    found = table.batch_get([k.as_dict() for k in items_keys])
    return {i["sk"]: i for i in found}


def list_submissions(client_id: str, *, assignment_ulid: str | None = None, limit: int | None = None,
                     next_token: str | None = None, newest_first: bool = True) -> table.Page:
    prefix = keys.submissions_of_assignment_prefix(assignment_ulid) if assignment_ulid else keys.SUBMISSION_PREFIX
    return table.query(keys.client_partition(client_id), sk_prefix=prefix, limit=limit,
                       next_token=next_token, forward=not newest_first)


def all_submissions(client_id: str) -> list[dict[str, Any]]:
    return list(table.query_all(keys.client_partition(client_id), sk_prefix=keys.SUBMISSION_PREFIX))


def list_alerts(*, clinician_sub: str | None = None, practice_id: str | None = None, status: str,
                limit: int, next_token: str | None) -> table.Page:
    prefix = keys.alert_status_prefix(status)
    if clinician_sub:
        return table.query(keys.clinician_alerts_index(clinician_sub), index="gsi1", sk_prefix=prefix, limit=limit,
                           next_token=next_token, forward=False)
    if not practice_id:
        raise TypeError("list_alerts needs clinician_sub or practice_id")
    return table.query(keys.practice_alerts_index(practice_id), index="gsi2", sk_prefix=prefix, limit=limit,
                       next_token=next_token, forward=False)


def alert_item(alert: dict[str, Any]) -> dict[str, Any]:
    ulid = keys.child_parts(alert["alert_id"])[1]
    sort = keys.alert_index_sort(alert["status"], alert["created_at"], ulid)
    # Open alerts are in every review; an acknowledged one only in reviews since it was acknowledged.
    feed = (keys.review_feed_always("alert", ulid) if alert["status"] == "open"
            else keys.review_feed_at(alert.get("acknowledged_at") or alert["created_at"], "alert", ulid))
    return {**alert, **keys.alert(alert["client_id"], ulid).as_dict(),
            "gsi1pk": keys.clinician_alerts_index(alert["clinician_id"]), "gsi1sk": sort,
            "gsi2pk": keys.practice_alerts_index(alert["practice_id"]), "gsi2sk": sort,
            **keys.review_feed_keys(alert["client_id"], feed)}


# -- session notes ------------------------------------------------------------------------------

def note_put(note: dict[str, Any]) -> dict[str, Any]:
    """A client's note for the next session, in their partition and review feed (at its creation time)."""
    client_id = note["client_id"]
    ulid = keys.child_parts(note["note_id"])[1]
    item = {**keys.session_note(client_id, ulid).as_dict(), **note,
            **keys.review_feed_keys(client_id, keys.review_feed_at(note["created_at"], "note", ulid))}
    table.put(item, condition="attribute_not_exists(pk)")
    return strip(item)


def notes_newest_first(client_id: str, *, limit: int) -> list[dict[str, Any]]:
    """The client's latest `limit` notes, newest first (one Query)."""
    page = table.query(keys.client_partition(client_id), sk_prefix=keys.NOTE_PREFIX, limit=limit, forward=False)
    return [strip(i) for i in page.items]


# -- erasure ----------------------------------------------------------------------------------

def erase_client(client_id: str) -> int:
    """Delete everything in the client's partition but the profile: homework, drafts,
    submissions, alerts, the summary, reminders and send records. Returns the count.

    The profile goes last, on its own (store.clients.erase_profile), so an erasure that
    fails part-way can be repeated; the audit trail lives in its own partition and stays.
    """
    profile_key = keys.client_profile(client_id).as_dict()
    doomed = [{"pk": i["pk"], "sk": i["sk"]} for i in
              table.query_all(keys.client_partition(client_id), consistent=True)]
    doomed = [k for k in doomed if k != profile_key]
    table.batch_write(deletes=doomed)
    return len(doomed)


def set_template_archived(head: dict[str, Any], archived: bool, changes: dict[str, Any]) -> dict[str, Any]:
    """Archive or restore a custom template: the head only, while its version is still the one read
    (ConditionFailed otherwise). Versions and assignments' snapshots stay as they are."""
    template_id, practice_id = head["template_id"], head["practice_id"]
    item = {**keys.template_head(template_id).as_dict(), **head, **changes, "archived": archived,
            "gsi1pk": keys.practice_templates_index(practice_id), "gsi1sk": keys.template_index_sort(template_id)}
    table.put(item, condition="#v = :v", names={"#v": "version"}, values={":v": head["version"]})
    return strip(item)
