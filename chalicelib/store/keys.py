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


CLIENT_INDEX_PREFIX = "CLIENT#"

# A discharged client (and its STATS item) moves to the `#DISCHARGED` twin of each caseload
# partition, so the active caseload and the discharged list are each one Query.
_DISCHARGED = "#DISCHARGED"


def discharged_caseload_index(clinician_sub: str) -> str:
    """gsi1pk of a clinician's discharged clients; gsi1sk is `client_index_sort`."""
    return f"{caseload_index(clinician_sub)}{_DISCHARGED}"


def discharged_practice_clients_index(practice_id: str) -> str:
    """gsi2pk of a practice's discharged clients; gsi2sk is `client_index_sort`."""
    return f"{practice_clients_index(practice_id)}{_DISCHARGED}"


def client_list_partitions(profile: dict) -> tuple[str, str]:
    """(gsi1pk, gsi2pk) of a client's profile and STATS item: the active or the discharged lists."""
    if profile.get("status") == "discharged":
        return (discharged_caseload_index(profile["clinician_id"]),
                discharged_practice_clients_index(profile["practice_id"]))
    return caseload_index(profile["clinician_id"]), practice_clients_index(profile["practice_id"])


# gsi3 (sparse): a discharged client's profile waits here until its retention ends;
#   RETENTION#ERASE / <erase_after iso>#<client_id>      (re-opening removes it)
RETENTION_INDEX = "RETENTION#ERASE"


def retention_index_sort(erase_after_iso: str, client_id: str) -> str:
    return f"{erase_after_iso}#{client_id}"


def retention_index_sort_until(until_iso: str) -> str:
    """The highest gsi3sk of a client whose retention ends at or before `until_iso`."""
    return f"{until_iso}#~"


def access_link(token_hash: str) -> Key:
    return Key(f"LINK#{token_hash}", "LINK")


def audit_partition(client_id: str) -> str:
    return f"AUDIT#CLIENT#{client_id}"


def audit_event(client_id: str, at_iso: str, event_id: str) -> Key:
    return Key(audit_partition(client_id), f"{at_iso}#{event_id}")


# -- homework (inside the client's partition) -----------------------------------------
#   CLIENT#<client_id> / STATS                          caseload summary, next to the profile in gsi1/gsi2
#   CLIENT#<client_id> / ASSIGNMENT#<ulid>              an assignment
#   CLIENT#<client_id> / ASSIGNMENT#<ulid>#DRAFT        its current draft
#   CLIENT#<client_id> / DRAFTRISK#<ulid>               risk answers of that draft already alerted (draft_risk.py)
#   CLIENT#<client_id> / ASSIGNTPL#<ulid>               the template version it was assigned with
#   CLIENT#<client_id> / SUBMISSION#<assignment ulid>#<ulid>
#   CLIENT#<client_id> / IDEMPOTENCY#<assignment ulid>#<sha256 of key>
#   CLIENT#<client_id> / ALERT#<ulid>                   gsi1: clinician's alerts, gsi2: practice's alerts
# Custom templates:
#   TEMPLATE#<template_id> / HEAD                       latest version, owner, sharing (gsi1: practice's templates)
#   TEMPLATE#<template_id> / V#<000001>                 each immutable version
#
# Ids of things inside a client's partition carry their parent's id, so a request
# finds the partition without an index: `<client_id>-<ulid>` for assignments and
# alerts, `<assignment_id>-<ulid>` for submissions.

ULID_LENGTH = 26


def child_id(parent_id: str, ulid: str) -> str:
    return f"{parent_id}-{ulid}"


def split_child_id(child: str) -> tuple[str, str] | None:
    """(parent id, own ulid) of an id made by `child_id`, or None if it is not one."""
    if len(child) < ULID_LENGTH + 2 or child[-ULID_LENGTH - 1] != "-":
        return None
    parent, own = child[:-ULID_LENGTH - 1], child[-ULID_LENGTH:]
    if not own.isalnum() or not parent:
        return None
    return parent, own


def child_parts(child: str) -> tuple[str, str]:
    """(parent id, own ulid) of an id this service made and stored; a malformed one is a bug, not bad input."""
    parts = split_child_id(child)
    if parts is None:
        raise ValueError("not a child id")  # the id itself stays out of the message: it may reach a log
    return parts


def client_stats(client_id: str) -> Key:
    return Key(client_partition(client_id), "STATS")


def client_stats_index_sort(client_id: str) -> str:
    return f"CLIENT#{client_id}#STATS"


def is_client_stats(item: dict) -> bool:
    return item["sk"] == "STATS"


def assignment(client_id: str, assignment_ulid: str) -> Key:
    return Key(client_partition(client_id), f"ASSIGNMENT#{assignment_ulid}")


ASSIGNMENT_PREFIX = "ASSIGNMENT#"


_DRAFT_SUFFIX = "#DRAFT"


def draft(client_id: str, assignment_ulid: str) -> Key:
    return Key(client_partition(client_id), f"ASSIGNMENT#{assignment_ulid}{_DRAFT_SUFFIX}")


def draft_risk(client_id: str, assignment_ulid: str) -> Key:
    return Key(client_partition(client_id), f"DRAFTRISK#{assignment_ulid}")


def is_draft(item: dict) -> bool:
    """Whether an item under ASSIGNMENT_PREFIX is a draft (rather than the assignment)."""
    return item["sk"].endswith(_DRAFT_SUFFIX)


def drafts_by_assignment_sk(items: list[dict]) -> dict[str, dict]:
    """The drafts among assignment items, by the sort key of the assignment they belong to."""
    return {i["sk"].removesuffix(_DRAFT_SUFFIX): i for i in items if is_draft(i)}


ASSIGNMENT_TEMPLATE_PREFIX = "ASSIGNTPL#"


def assignment_template(client_id: str, assignment_ulid: str) -> Key:
    return Key(client_partition(client_id), f"{ASSIGNMENT_TEMPLATE_PREFIX}{assignment_ulid}")


def assignment_ulid_of_template(item: dict) -> str:
    """The assignment ulid of a template snapshot item (see `assignment_template`)."""
    return item["sk"].removeprefix(ASSIGNMENT_TEMPLATE_PREFIX)


def submission(client_id: str, assignment_ulid: str, submission_ulid: str) -> Key:
    return Key(client_partition(client_id), f"SUBMISSION#{assignment_ulid}#{submission_ulid}")


SUBMISSION_PREFIX = "SUBMISSION#"


def submissions_of_assignment_prefix(assignment_ulid: str) -> str:
    return f"SUBMISSION#{assignment_ulid}#"


def idempotency(client_id: str, assignment_ulid: str, key_hash: str) -> Key:
    return Key(client_partition(client_id), f"IDEMPOTENCY#{assignment_ulid}#{key_hash}")


def alert(client_id: str, alert_ulid: str) -> Key:
    return Key(client_partition(client_id), f"ALERT#{alert_ulid}")


ALERT_PREFIX = "ALERT#"


def clinician_alerts_index(clinician_sub: str) -> str:
    """gsi1pk of a clinician's alerts; gsi1sk is `alert_index_sort`."""
    return f"ALERTS#{clinician_sub}"


def practice_alerts_index(practice_id: str) -> str:
    """gsi2pk of a practice's alerts; gsi2sk is `alert_index_sort`."""
    return f"PRACTICE#{practice_id}#ALERTS"


def alert_index_sort(status: str, created_at: str, alert_ulid: str) -> str:
    return f"{alert_status_prefix(status)}{created_at}#{alert_ulid}"


def alert_status_prefix(status: str) -> str:
    return f"{status.upper()}#"


def template_head(template_id: str) -> Key:
    return Key(f"TEMPLATE#{template_id}", "HEAD")


def template_version(template_id: str, version: int) -> Key:
    return Key(f"TEMPLATE#{template_id}", f"V#{version:06d}")


def practice_templates_index(practice_id: str) -> str:
    """gsi1pk of a practice's custom templates; gsi1sk is `template_index_sort`."""
    return f"PRACTICE#{practice_id}#TEMPLATES"


TEMPLATE_INDEX_PREFIX = "TEMPLATE#"


def template_index_sort(template_id: str) -> str:
    return f"{TEMPLATE_INDEX_PREFIX}{template_id}"


# -- reminders and notifications ----------------------------------------------------------
#   CLIENT#<client_id> / REMINDER#<assignment ulid>     the assignment's next reminder; while one is
#                                                       pending it sits in gsi3 (the due-index)
#   CLIENT#<client_id> / SENT#<assignment ulid>#<occurrence>#<number>#<channel>
#                                                       one reminder send (claimed, then sent or failed)
#   CLIENT#<client_id> / DEVICE#<sha256 of push token>  a push endpoint
#   CLIENT#<client_id> / ALERT#<ulid>#NOTIFY#<channel>  a clinician's risk-alert notification send
#   SWEEP#CHECKPOINT   / SWEEP                          the last due-index bucket the sweep finished
#   USER#<sub>         / DIGEST#<local date>            a clinician's daily digest send
# gsi3 (sparse):
#   DUE#<bucket start, UTC minute>#<shard> / <send_at iso>#<client_id>#<assignment ulid>
#   DIGEST#SUBSCRIBERS                     / <sub>       clinicians who asked for the daily digest

REMINDER_PREFIX = "REMINDER#"
DEVICE_PREFIX = "DEVICE#"


def reminder(client_id: str, assignment_ulid: str) -> Key:
    return Key(client_partition(client_id), f"{REMINDER_PREFIX}{assignment_ulid}")


def reminder_send(client_id: str, assignment_ulid: str, occurrence_id: str, number: int, channel: str) -> Key:
    return Key(client_partition(client_id), f"SENT#{assignment_ulid}#{occurrence_id}#{number}#{channel}")


def device(client_id: str, token_hash: str) -> Key:
    return Key(client_partition(client_id), f"{DEVICE_PREFIX}{token_hash}")


def alert_notification(client_id: str, alert_ulid: str, channel: str) -> Key:
    return Key(client_partition(client_id), f"ALERT#{alert_ulid}#NOTIFY#{channel}")


def sweep_checkpoint() -> Key:
    return Key("SWEEP#CHECKPOINT", "SWEEP")


def digest_send(sub: str, local_date: str) -> Key:
    return Key(f"USER#{sub}", f"DIGEST#{local_date}")


def due_index(bucket: str, shard: int) -> str:
    """gsi3pk of the reminders due in one time bucket and shard."""
    return f"DUE#{bucket}#{shard}"


def due_index_sort(send_at_iso: str, client_id: str, assignment_ulid: str) -> str:
    return f"{send_at_iso}#{client_id}#{assignment_ulid}"


def due_index_sort_until(until_iso: str) -> str:
    """The highest gsi3sk of anything due at or before `until_iso`."""
    return f"{until_iso}#~"


def due_index_own_id(gsi3sk: str) -> str:
    """The own id (`assignment_ulid` of `due_index_sort`) of a due-index entry."""
    return gsi3sk.split("#", 2)[2]


DIGEST_SUBSCRIBERS_INDEX = "DIGEST#SUBSCRIBERS"


# -- exports ------------------------------------------------------------------------------
#   CLIENT#<client_id> / EXPORT#<ulid>                  an exported worksheet (the file is in S3)

EXPORT_PREFIX = "EXPORT#"


def export(client_id: str, export_ulid: str) -> Key:
    return Key(client_partition(client_id), f"{EXPORT_PREFIX}{export_ulid}")


def client_objects_prefix(client_id: str) -> str:
    """Every S3 object of a client's lives under this prefix, so erasure finds them all."""
    return f"clients/{client_id}/"


def export_object_key(client_id: str, export_ulid: str, extension: str) -> str:
    return f"{client_objects_prefix(client_id)}exports/{export_ulid}.{extension}"


# -- plans, session notes and the next-session review ------------------------------------
#   CLIENT#<client_id> / PLAN#<assignment ulid>        the assignment's homework plan (its history inside)
#   CLIENT#<client_id> / NOTE#<ulid>                    a client's note for the next session
#   CLIENT#<client_id> / SESSIONREVIEW#<ulid>           a session review the clinician marked done
# gsi4 (a client's review feed, sparse): gsi4pk REVIEW#<client_id>, and gsi4sk either
#   "~<KIND>#<id>"          always in the review (profile, summary, assignments, plans, open alerts), or
#   "<iso time>#<KIND>#<id>" in the review when the time is on or after its `since`
#                            (submissions, acknowledged alerts, notes, earlier session reviews).
# "~" sorts after every ISO time, so one Query `gsi4sk >= since` reads the whole review.

PLAN_PREFIX = "PLAN#"
NOTE_PREFIX = "NOTE#"
SESSION_REVIEW_PREFIX = "SESSIONREVIEW#"
REVIEW_FEED_ALWAYS = "~"


def plan(client_id: str, assignment_ulid: str) -> Key:
    return Key(client_partition(client_id), f"{PLAN_PREFIX}{assignment_ulid}")


def session_note(client_id: str, note_ulid: str) -> Key:
    return Key(client_partition(client_id), f"{NOTE_PREFIX}{note_ulid}")


def session_review(client_id: str, review_ulid: str) -> Key:
    return Key(client_partition(client_id), f"{SESSION_REVIEW_PREFIX}{review_ulid}")


def review_feed_index(client_id: str) -> str:
    """gsi4pk of a client's review feed."""
    return f"REVIEW#{client_id}"


def review_feed_always(kind: str, own_id: str = "") -> str:
    """gsi4sk of something every review shows (e.g. an active assignment, an open alert)."""
    return f"{REVIEW_FEED_ALWAYS}{kind.upper()}#{own_id}"


def review_feed_at(at_iso: str, kind: str, own_id: str) -> str:
    """gsi4sk of something a review shows when `at_iso` is on or after its `since`."""
    return f"{at_iso}#{kind.upper()}#{own_id}"


def review_feed_keys(client_id: str, sort: str) -> dict[str, str]:
    """The attributes that put an item in its client's review feed."""
    return {"gsi4pk": review_feed_index(client_id), "gsi4sk": sort}


def review_feed_kind(gsi4sk: str) -> str:
    """The KIND of a review-feed sort key (PROFILE, STATS, ASSIGNMENT, PLAN, SUBMISSION, ALERT, NOTE, ...)."""
    rest = gsi4sk[len(REVIEW_FEED_ALWAYS):] if gsi4sk.startswith(REVIEW_FEED_ALWAYS) else gsi4sk.split("#", 1)[1]
    return rest.split("#", 1)[0]


# -- sign-in attempt limits ------------------------------------------------------------------
#   THROTTLE#<scope>#<keyed hash of the subject> / WINDOW  failed sign-ins in the current window
#   (scope: "account" for an email address, "source" for a caller's IP; never the address itself)

def sign_in_attempts(scope: str, subject_hash: str) -> Key:
    return Key(f"THROTTLE#{scope}#{subject_hash}", "WINDOW")


# -- reaching the client: sign-in tokens, device sessions, contact lookups ---------------------
#   SIGNIN#<sha256 of token>          / SIGNIN     a one-use sign-in token a reminder or notice carries
#                                                  (bound to the access link's hash; TTL 72 h)
#   DEVICESESSION#<sha256 of token>   / SESSION    a browser's session, bound to the access link's hash
#   CONTACT#<keyed hash of contact>   / CLIENT#<client_id>
#                                                  a client with that email address or phone number (the
#                                                  "lost your link?" lookup; written with the profile)
# None of them holds the token, the contact or any client data besides the client id.

def signin_token(token_hash: str) -> Key:
    return Key(f"SIGNIN#{token_hash}", "SIGNIN")


def device_session(token_hash: str) -> Key:
    return Key(f"DEVICESESSION#{token_hash}", "SESSION")


def contact_lookup_partition(contact_hash: str) -> str:
    return f"CONTACT#{contact_hash}"


def contact_lookup(contact_hash: str, client_id: str) -> Key:
    return Key(contact_lookup_partition(contact_hash), client_index_sort(client_id))
