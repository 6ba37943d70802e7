"""The next-session review: read in one Query of the client's review feed; marked done by the clinician.

Why an index read is good enough here. The feed is a GSI, and GSIs are eventually
consistent: something written a moment ago (typically well under a second) may not show yet.
A review is read before a session, minutes to days after the homework it shows, and it is read
again next time from where this one ended, so nothing is lost for good by a short lag. The
tenancy decision reads the profile copy in the same index, exactly as `get_for_clinician`
reads the profile with an (also eventually consistent) GetItem. Marking a review done is a
write, and reads the summary it changes consistently from the table.
"""
from __future__ import annotations

from datetime import datetime, UTC

from chalicelib.clients import service as clients
from chalicelib.errors import Conflict, FieldErrors, NotFound
from chalicelib.fields import iso, new_id, utc_now
from chalicelib.homework import session_review
from chalicelib.homework.review_models import SessionReview, SessionReviewDone, SessionReviewMark
from chalicelib.identity.principals import Clinician
from chalicelib.store import clients as client_store
from chalicelib.store import homework as store
from chalicelib.store import keys, review_feed, table
from chalicelib.store.table import retry_on_conflict


def _utc(moment: datetime) -> datetime:
    """A time from the request as UTC, to the second (as the product writes times); none = UTC."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _not_future(name: str, moment: datetime, now: datetime) -> None:
    if moment > now:
        raise FieldErrors.one(name, "Choose a time that is not in the future.", "future_time")


def get(actor: Clinician, client_id: str, since: datetime | None) -> SessionReview:
    """The review since `since` (default: the end of the last review marked done, else everything)."""
    now = utc_now().replace(microsecond=0)
    if since is not None:
        since = _utc(since)
        _not_future("since", since, now)
    if since is not None:
        feed = review_feed.read(client_id, iso(since))
    else:
        feed, last = review_feed.read_since_last_review(client_id)
        since = datetime.fromisoformat(last.replace("Z", "+00:00")) if last else None
    profile = next(iter(feed.get("profile") or []), None)
    if not profile or not actor.can_see_client(profile):
        raise NotFound("No such client.")
    return session_review.build(feed, since=since, until=now)


def mark_done(actor: Clinician, client_id: str, body: SessionReviewDone) -> SessionReviewMark:
    """Record the review as done up to `until` (default now): the next one starts there."""
    now = utc_now().replace(microsecond=0)
    until = _utc(body.until) if body.until else now
    _not_future("until", until, now)

    def attempt() -> SessionReviewMark:
        profile = clients.get_for_clinician(actor, client_id, consistent=True)
        stats = client_store.get_stats(client_id) or {}
        mark = {"review_id": keys.child_id(client_id, new_id()), "client_id": client_id,
                "practice_id": profile["practice_id"], "since": stats.get("session_reviewed_at"),
                "until": iso(until), "reviewed_at": iso(now), "reviewed_by": actor.sub, "note": body.note}
        stats_action, _ = store.stats_put_action(profile, {**stats, "session_reviewed_at": iso(until)})
        table.transact([review_feed.session_review_put_action(mark), stats_action])
        return SessionReviewMark(**{k: mark.get(k) for k in SessionReviewMark.model_fields})

    return retry_on_conflict(attempt, give_up=lambda: Conflict(
        "The client's summary is being changed at the same time; try again."))
