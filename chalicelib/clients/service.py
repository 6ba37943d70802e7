"""Client rules: who may see and change a client, and how a profile changes."""
from __future__ import annotations

from datetime import datetime, UTC
from typing import Any, Literal

from chalicelib import deadline
from chalicelib.clients.models import (AccessLinkIssued, AccessLinkRenewed, AccessLinkStatus, PlanToAdjust,
                                       ClientCreate, ClientPreferencesUpdate, ClientSelfView, ClientUpdate, ClientView,
                                       DeliveryStatus)
from chalicelib.errors import Conflict, FieldErrors, Forbidden, NotFound
from chalicelib.fields import iso, new_id, utc_now
from chalicelib.identity import links
from chalicelib.identity.principals import ClientPrincipal, Clinician
from chalicelib.store import clients as client_store
from chalicelib.store import keys
from chalicelib.store import practices as practice_store
from chalicelib.store.table import retry_on_conflict


def _check_channels(profile: dict[str, Any]) -> None:
    from chalicelib import channels

    errors = [{"field": "reminder_channels", "type": "missing_contact", "message": c.missing_contact}
              for c in channels.all_channels()
              if c.name in (profile.get("reminder_channels") or []) and not c.reachable(profile)]
    if errors:
        raise FieldErrors(errors)


def _check_assignee(actor: Clinician, clinician_id: str) -> None:
    if clinician_id == actor.sub:
        return
    if not actor.manages_practice:
        raise Forbidden("Only owners and admins can assign clients to another clinician.")
    member = practice_store.get_membership(clinician_id)
    if not member or member.get("practice_id") != actor.practice_id or member.get("status") != "active":
        raise FieldErrors.one("clinician_id", "no such clinician in this practice", "unknown_clinician")


def view(profile: dict[str, Any], stats: dict[str, Any] | None | Literal[False] = False, *,
         non_response_after: int | None = None) -> ClientView:
    """The clinician's view of a client; with `stats` (the STATS item, or None if there is
    none yet) it carries completion over 7 and 28 days, open alerts and measure outcomes."""
    figures = {}
    if stats is not False:
        from chalicelib.homework.measure_outcomes import DEFAULT_NON_RESPONSE_AFTER, caseload_outcome
        from chalicelib.homework.schedule import caseload_figures

        figures = caseload_figures(stats, profile["timezone"], utc_now())
        outcomes = caseload_outcome(stats, non_response_after or DEFAULT_NON_RESPONSE_AFTER)
        figures.update(outcome=outcomes["outcome"], non_response=outcomes["non_response"],
                       measure_outcomes=outcomes["measures"])
        figures["plans_to_adjust"] = [
            PlanToAdjust(assignment_id=keys.child_id(profile["client_id"], flag.pop("assignment_ulid")), **flag)
            for flag in figures["plans_to_adjust"]]
    return ClientView(
        **{k: profile.get(k) for k in ("client_id", "display_name", "email", "phone", "timezone",
                                       "reminder_channels", "reminder_time", "quiet_hours", "clinician_id",
                                       "created_at", "updated_at", "version", "discharged_at", "discharged_by",
                                       "discharge_note", "erase_after")},
        status=profile.get("status") or "active", language=profile.get("language") or "en",
        delivery=delivery_status(profile),
        access_link=link_status(profile),
        **figures,
    )


def link_status(profile: dict[str, Any]) -> AccessLinkStatus:
    expires = int(profile.get("link_expires_at") or 0)  # none stored: an expiry long past
    now = utc_now().timestamp()
    active = bool(profile.get("link_hash")) and expires > now
    return AccessLinkStatus(active=active, expires_at=iso(datetime.fromtimestamp(expires, UTC)) if active else None,
                            expires_soon=active and links.expires_soon(expires, now))


def delivery_status(profile: dict[str, Any]) -> list[DeliveryStatus]:
    """Channels whose last reminder failed for good (rejected address, opted out, no device)."""
    from chalicelib import channels

    return [DeliveryStatus(channel=channel, **profile[f"delivery_{channel}"])
            for channel in channels.NAMES if profile.get(f"delivery_{channel}")]


def self_view(profile: dict[str, Any]) -> ClientSelfView:
    return ClientSelfView(
        display_name=profile["display_name"], timezone=profile["timezone"],
        language=profile.get("language") or "en", reminder_channels=profile.get("reminder_channels", []),
        reminder_time=profile["reminder_time"],
        quiet_hours=profile.get("quiet_hours"), has_email=bool(profile.get("email")),
        has_phone=bool(profile.get("phone")), unsubscribed=profile.get("unsubscribed") or [],
        version=profile["version"],
    )


def create(actor: Clinician, body: ClientCreate) -> dict[str, Any]:
    clinician_id = body.clinician_id or actor.sub
    _check_assignee(actor, clinician_id)
    now = iso(utc_now())
    profile = {
        **body.model_dump(mode="json", exclude={"clinician_id"}),
        "client_id": new_id(),
        "practice_id": actor.practice_id,
        "clinician_id": clinician_id,
        "created_at": now,
        "updated_at": now,
    }
    _check_channels(profile)
    return client_store.create(profile)


def get_for_clinician(actor: Clinician, client_id: str, *, consistent: bool = False) -> dict[str, Any]:
    """The client if `actor` may see it; otherwise NotFound (never Forbidden: no existence leak)."""
    profile = client_store.get(client_id, consistent=consistent)
    if not profile or not actor.can_see_client(profile):
        raise NotFound("No such client.")
    return profile


def stats_of(client_id: str) -> dict[str, Any] | None:
    return client_store.get_stats(client_id)


def list_for_clinician(actor: Clinician, *, limit: int, next_token: str | None, discharged: bool = False):
    """A page of {**profile, "stats": stats-or-None}: one Query (active clients, or discharged ones)."""
    if actor.manages_practice:
        return client_store.list_practice(actor.practice_id, limit=limit, next_token=next_token,
                                          discharged=discharged)
    return client_store.list_caseload(actor.sub, limit=limit, next_token=next_token, discharged=discharged)


# Sorting needs the whole caseload; past this many clients the sorted list would cost too much.
MAX_SORTED_CASELOAD = 2_000
_SORTED_PAGE = 100


def list_by_outcome(actor: Clinician, *, limit: int, next_token: str | None, discharged: bool = False):
    """The caseload ordered by measure outcome, most in need of attention first (deterioration,
    then non-response, ...; no outcome last), from each client's STATS item: one Query per
    100 clients, never a request per client. Pages are offsets into that order ("outcome:<n>")."""
    from chalicelib.errors import BadPageToken
    from chalicelib.homework.measure_outcomes import DEFAULT_NON_RESPONSE_AFTER, attention_rank, caseload_outcome
    from chalicelib.store.table import Page

    offset = 0
    if next_token is not None:
        head, _, number = next_token.partition(":")
        if head != "outcome" or not number.isdigit() or int(number) > MAX_SORTED_CASELOAD:
            raise BadPageToken("This next_token was not handed out by this list.")
        offset = int(number)
    rows: list[dict[str, Any]] = []
    token: str | None = None
    while len(rows) < MAX_SORTED_CASELOAD:
        page = list_for_clinician(actor, limit=_SORTED_PAGE, next_token=token, discharged=discharged)
        rows.extend(page.items)
        token = page.next_token
        if token is None:
            break
    after = non_response_after_for(actor, rows) or DEFAULT_NON_RESPONSE_AFTER
    rows.sort(key=lambda row: attention_rank(caseload_outcome(row["stats"], after)["outcome"]))
    end = offset + limit
    return Page(rows[offset:end], f"outcome:{end}" if end < len(rows) else None), after


def non_response_after_for(actor: Clinician, rows: list[dict[str, Any]]) -> int | None:
    """The practice's non_response_after, read once and only when some row could be flagged
    (a measure with two or more totals and no reliable change): the caseload's usual two requests
    stay two."""
    from chalicelib.identity.practices import non_response_after

    if not any(summary.get("vs_baseline") == "no_reliable_change"
               for row in rows for summary in ((row.get("stats") or {}).get("measures") or {}).values()):
        return None
    return non_response_after(practice_store.get_practice(actor.practice_id))


def _apply_and_save(read, changes: dict[str, Any], expected_version: int | None,
                    check=None) -> dict[str, Any]:
    """Read-modify-write with optimistic concurrency.

    With an `expected_version` from the caller a concurrent edit is a 409; without one
    the change is re-applied to the fresh profile a few times before giving up.
    """
    def attempt() -> dict[str, Any]:
        profile = read()
        if expected_version is not None and profile["version"] != expected_version:
            raise _changed()
        updated = {**profile, **changes, "updated_at": iso(utc_now())}
        if check:
            check(updated)
        _check_channels(updated)
        return _save_with_reminders(profile, updated)

    return retry_on_conflict(attempt, retry=expected_version is None,
                             give_up=_changed if expected_version is not None else _busy)


def _changed() -> Conflict:
    return Conflict("The client was changed by someone else; reload and try again.")


def _busy() -> Conflict:
    return Conflict("The client is being changed by someone else; try again.")


def _save_with_reminders(before: dict[str, Any], updated: dict[str, Any]) -> dict[str, Any]:
    """Save the profile; when a reminder preference changed, re-plan the client's pending
    reminders in the same transaction (in further ones past DynamoDB's 100 actions)."""
    from chalicelib.reminders import hooks as reminder_hooks
    from chalicelib.store import table

    reminder_actions = []
    if reminder_hooks.preferences_changed(before, updated):
        reminder_actions = reminder_hooks.client_reminder_actions(updated, utc_now())
    if updated["clinician_id"] != before["clinician_id"]:
        written = client_store.save_with_stats(updated)
        first: list[dict[str, Any]] = []
        rest = reminder_actions
    elif reminder_actions:
        first, written = client_store.save_actions(updated)
        rest = reminder_actions
    else:
        return client_store.save(updated)
    chunk = 100 - len(first)
    table.transact(first + rest[:chunk])
    for offset in range(chunk, len(rest), 100):
        table.transact(rest[offset:offset + 100])
    return written


def update(actor: Clinician, client_id: str, body: ClientUpdate) -> dict[str, Any]:
    changes = body.model_dump(mode="json", exclude_unset=True, exclude={"version"})
    if "display_name" in changes and changes["display_name"] is None:
        raise FieldErrors.one("display_name", "cannot be removed")
    for required in ("timezone", "language", "reminder_time", "reminder_channels", "clinician_id"):
        if required in changes and changes[required] is None:
            raise FieldErrors.one(required, "cannot be null")
    if "clinician_id" in changes:
        _check_assignee(actor, changes["clinician_id"])
    return _apply_and_save(lambda: get_for_clinician(actor, client_id, consistent=True), changes, body.version)


def audit_trail(actor: Clinician, client_id: str, *, limit: int, next_token: str | None):
    """The client's audit trail. After erasure only owners and admins of the practice can read it."""
    from chalicelib.identity import audit

    profile = client_store.get(client_id)
    if profile is not None:
        get_for_clinician(actor, client_id)
        return audit.list_for_client(client_id, limit=limit, next_token=next_token)
    if not actor.manages_practice:
        raise NotFound("No such client.")
    page = audit.list_for_client(client_id, limit=limit, next_token=next_token)
    if not page.items or page.items[0].get("practice_id") != actor.practice_id:
        raise NotFound("No such client.")
    return page


def issue_link(actor: Clinician, client_id: str, ttl_days: int | None,
               send_via: str | None = None) -> AccessLinkIssued:
    """A new access link (the old one stops working), optionally sent to the client."""
    from chalicelib import channels

    def attempt():
        profile = get_for_clinician(actor, client_id, consistent=True)
        if client_store.is_discharged(profile):
            raise Conflict("This client is discharged: re-open them before issuing a link.")
        contact = channels.get(send_via).contact_of(profile) if send_via else None
        if send_via and not contact:
            raise FieldErrors.one("send_via", f"the client has no {channels.get(send_via).contact_label}",
                                  "missing_contact")
        token, record, _ = links.issue_link(profile, ttl_days=ttl_days)
        return contact, token, record

    contact, token, record = retry_on_conflict(attempt, give_up=_busy)
    issued = AccessLinkIssued(url=links.link_url(token),
                              expires_at=iso(datetime.fromtimestamp(record["expires_at"], UTC)))
    if send_via:
        # The link is issued: a send cut short is a failed delivery (the URL is still
        # shown once), never an error, so keep time back to record it and answer.
        with deadline.reserve():
            outcome = _send_link(actor, send_via, contact, issued)
        issued.sent_via, issued.delivery, issued.delivery_reason = send_via, \
            "sent" if outcome.sent else "failed", outcome.reason
    return issued


def _send_link(actor: Clinician, channel: str, contact: str, issued: AccessLinkIssued):
    from chalicelib import channels
    from chalicelib.store import practices as practice_store

    try:
        practice = (practice_store.get_practice(actor.practice_id) or {}).get("name") or "Your clinician"
    except Exception as error:
        if not deadline.is_unavailable(error):
            raise
        practice = "Your clinician"  # the name is a courtesy: the send itself will say if time ran out
    send_link = channels.get(channel).send_link
    assert send_link is not None  # `send_via` was validated against the channels that send links
    return send_link(contact, practice=practice, link_url=issued.url, expires=issued.expires_at[:10])


def renew_link(actor: Clinician, client_id: str) -> AccessLinkRenewed:
    """Extend the client's current link (same token) by the practice's ttl, within its maximum."""
    def attempt() -> tuple[dict[str, Any], bool]:
        profile = get_for_clinician(actor, client_id, consistent=True)
        try:
            return links.renew_link(profile)
        except ValueError:
            raise Conflict("The client has no working link to renew. Issue a new one instead.") from None

    profile, renewed = retry_on_conflict(attempt, give_up=_busy)
    return AccessLinkRenewed(**link_status(profile).model_dump(), renewed=renewed)


def revoke_link(actor: Clinician, client_id: str) -> None:
    retry_on_conflict(lambda: links.revoke_link(get_for_clinician(actor, client_id, consistent=True)),
                      give_up=_busy)


# -- the client's own view ------------------------------------------------------

def get_for_client(principal: ClientPrincipal) -> dict[str, Any]:
    profile = client_store.get(principal.client_id)
    if not profile or profile.get("practice_id") != principal.practice_id:
        raise NotFound("No such client.")
    return profile


def update_preferences(principal: ClientPrincipal, body: ClientPreferencesUpdate) -> dict[str, Any]:
    changes = body.model_dump(mode="json", exclude_unset=True, exclude={"version"})
    for required in ("timezone", "language", "reminder_time", "reminder_channels"):
        if required in changes and changes[required] is None:
            raise FieldErrors.one(required, "cannot be null")
    read = lambda: get_for_client(principal)  # noqa: E731
    if "reminder_channels" in changes:
        # Choosing a channel again is a new opt-in: it undoes an earlier unsubscribe from it.
        chosen = set(changes["reminder_channels"])

        def resubscribe(updated: dict[str, Any]) -> None:
            updated["unsubscribed"] = [c for c in updated.get("unsubscribed") or [] if c not in chosen]

        return _apply_and_save(read, changes, body.version, check=resubscribe)
    return _apply_and_save(read, changes, body.version)


def unsubscribe(client_id: str, channel: str) -> bool:
    """Stop one channel's reminders (from a signed link, no sign-in). False if the client is gone."""
    def read() -> dict[str, Any]:
        profile = client_store.get(client_id, consistent=True)
        if profile is None:
            raise NotFound("No such client.")
        return profile

    def drop(updated: dict[str, Any]) -> None:
        updated["reminder_channels"] = [c for c in updated.get("reminder_channels") or [] if c != channel]
        updated["unsubscribed"] = sorted({*(updated.get("unsubscribed") or []), channel})

    try:
        _apply_and_save(read, {}, None, check=drop)
    except NotFound:
        return False
    return True


def resync_contact_lookups(practice_id: str, *, page_size: int = 50) -> tuple[int, int]:
    """Make every client's "Lost your link?" lookups (store/contacts.py) in a practice match
    their profile: for clients created before lookups existed, and after the signing secret
    changes (the keyed hashes change with it). Walks the practice's client index page by
    page (no Scan).

    Returns (clients checked, clients whose lookups were rewritten). A profile changed by
    someone else meanwhile is read again; its own save then writes the lookups anyway.
    """
    checked = changed = 0
    for discharged in (False, True):
        token: str | None = None
        while True:
            page = client_store.list_practice(practice_id, limit=page_size, next_token=token, discharged=discharged)
            for listed in page.items:
                checked += 1
                changed += _resync_one(listed["client_id"])
            token = page.next_token
            if not token:
                break
    return checked, changed


def _resync_one(client_id: str) -> int:
    from chalicelib.store import contacts, table

    for _ in range(3):
        profile = client_store.get(client_id, consistent=True)
        if profile is None or not contacts.sync(profile)[1]:
            return 0
        try:
            client_store.save(profile)
            return 1
        except table.ConditionFailed:
            continue  # edited meanwhile: read it again
    raise RuntimeError(f"client {client_id} kept changing; run the command again")
