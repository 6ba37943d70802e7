"""What each message says, rendered from templates. Nothing clinical: a homework title
at most, and a link that carries at most a one-use sign-in token (72 hours; see
notifications/signin_links.py), never the client's access link."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"
SMS_TITLE_LIMIT = 40


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    html: str
    text: str
    headers: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2  # deferred: only senders need it

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _render(name: str, **values: Any) -> tuple[str, str]:
    env = _environment()
    return env.get_template(f"{name}.html.j2").render(**values), env.get_template(f"{name}.txt.j2").render(**values)


def _one_click_headers(unsubscribe_url: str) -> dict[str, str]:
    # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the URL.
    return {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


REMINDER_SUBJECT = "Reminder: your homework is waiting"
FOLLOW_UP_SUBJECT = "Still to do: your homework"
REMINDER_SUBJECTS = (REMINDER_SUBJECT, FOLLOW_UP_SUBJECT)  # how a test tells reminders from other emails


def reminder_email(*, to: str, title: str, homework_url: str, unsubscribe_url: str, follow_up: bool) -> Email:
    """The first reminder says the homework is waiting; a follow-up also invites the client
    to say what got in the way (the homework page asks, with the short list of barriers)."""
    subject = REMINDER_SUBJECT if not follow_up else FOLLOW_UP_SUBJECT
    html, text = _render("reminder", subject=subject, title=title, homework_url=homework_url,
                         unsubscribe_url=unsubscribe_url, follow_up=follow_up)
    return Email(to=to, subject=subject, html=html, text=text, headers=_one_click_headers(unsubscribe_url))


def _short(title: str) -> str:
    return title if len(title) <= SMS_TITLE_LIMIT else title[:SMS_TITLE_LIMIT - 1] + "…"


def reminder_sms(*, title: str, homework_url: str, unsubscribe_url: str, follow_up: bool = False) -> str:
    if follow_up:
        return (f"Emotipal: \"{_short(title)}\" is still waiting. If something got in the way, tell us what: "
                f"{homework_url} Stop texts: {unsubscribe_url}")
    return (f"Emotipal: \"{_short(title)}\" is waiting. Open it: {homework_url} "
            f"Stop texts: {unsubscribe_url}")


# -- telling the client something arrived (new homework, the clinician's feedback) ----------------

NOTICE_SUBJECTS = {"new_homework": "You have new homework in Emotipal",
                   "feedback": "Your clinician has replied to your homework"}


def notice_email(kind: str, *, to: str, title: str, homework_url: str, unsubscribe_url: str) -> Email:
    """New homework, or feedback on what the client sent: the title and a link, nothing else."""
    subject = NOTICE_SUBJECTS[kind]
    html, text = _render(kind, subject=subject, title=title, homework_url=homework_url,
                         unsubscribe_url=unsubscribe_url)
    return Email(to=to, subject=subject, html=html, text=text, headers=_one_click_headers(unsubscribe_url))


def notice_sms(kind: str, *, title: str, homework_url: str, unsubscribe_url: str) -> str:
    what = {"new_homework": f"new homework for you: \"{_short(title)}\"",
            "feedback": f"your clinician replied to \"{_short(title)}\""}[kind]
    return f"Emotipal: {what}. Open it: {homework_url} Stop texts: {unsubscribe_url}"


def reminder_push(*, title: str, homework_url: str) -> str:
    """An SNS message structure for every platform (JSON with a per-platform payload)."""
    body = f"\"{title}\" is waiting for you."
    payload = {"title": "Emotipal", "body": body, "url": homework_url}
    return json.dumps({
        "default": body,
        "GCM": json.dumps({"notification": {"title": "Emotipal", "body": body}, "data": {"url": homework_url}}),
        "APNS": json.dumps({"aps": {"alert": {"title": "Emotipal", "body": body}}, "url": homework_url}),
        "APNS_SANDBOX": json.dumps({"aps": {"alert": {"title": "Emotipal", "body": body}}, "url": homework_url}),
        "WEB": json.dumps(payload),
    })


def alert_email(*, to: str, admin_url: str) -> Email:
    subject = "Emotipal: a new risk alert needs your attention"
    html, text = _render("alert", subject=subject, admin_url=admin_url, unsubscribe_url=None)
    return Email(to=to, subject=subject, html=html, text=text)


def alert_sms(*, admin_url: str) -> str:
    return f"Emotipal: a new risk alert needs your attention. Sign in to review it: {admin_url}"


def digest_email(*, to: str, admin_url: str, clients: int, open_alerts: int) -> Email:
    subject = "Emotipal: your daily summary"
    html, text = _render("digest", subject=subject, admin_url=admin_url, clients=clients,
                         open_alerts=open_alerts, unsubscribe_url=None)
    return Email(to=to, subject=subject, html=html, text=text)


def access_link_email(*, to: str, practice: str, link_url: str, expires: str) -> Email:
    """The client's own access link, sent at the clinician's request (no clinical content)."""
    subject = "Your Emotipal homework link"
    html, text = _render("link", subject=subject, practice=practice, link_url=link_url, expires=expires,
                         unsubscribe_url=None)
    return Email(to=to, subject=subject, html=html, text=text)


def access_link_sms(*, practice: str, link_url: str) -> str:
    return f"{practice} shared your Emotipal homework link (keep it private): {link_url}"
