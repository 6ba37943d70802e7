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


# The client's language picks the words (`<name>.es.html.j2` beside `<name>.html.j2`); a
# message with no version in that language goes in English. Clinicians' messages are English.
LANGUAGES = ("en", "es")


def _language(language: str | None) -> str:
    return language if language in LANGUAGES else "en"


def _render(name: str, language: str = "en", **values: Any) -> tuple[str, str]:
    env = _environment()
    base = name if language == "en" or not (TEMPLATES / f"{name}.{language}.html.j2").exists() else f"{name}.{language}"
    return env.get_template(f"{base}.html.j2").render(**values), env.get_template(f"{base}.txt.j2").render(**values)


def _one_click_headers(unsubscribe_url: str) -> dict[str, str]:
    # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the URL.
    return {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


REMINDER_SUBJECT = "Reminder: your homework is waiting"
FOLLOW_UP_SUBJECT = "Still to do: your homework"
# (first reminder, follow-up) per language
SUBJECTS_BY_LANGUAGE = {"en": (REMINDER_SUBJECT, FOLLOW_UP_SUBJECT),
                        "es": ("Recordatorio: su tarea le está esperando", "Pendiente: su tarea")}
# how a test tells reminders from other emails, in every language
REMINDER_SUBJECTS = tuple(subject for pair in SUBJECTS_BY_LANGUAGE.values() for subject in pair)


def reminder_email(*, to: str, title: str, homework_url: str, unsubscribe_url: str, follow_up: bool,
                   language: str = "en") -> Email:
    """The first reminder says the homework is waiting; a follow-up also invites the client
    to say what got in the way (the homework page asks, with the short list of barriers)."""
    language = _language(language)
    subject = SUBJECTS_BY_LANGUAGE[language][1 if follow_up else 0]
    html, text = _render("reminder", language, subject=subject, title=title, homework_url=homework_url,
                         unsubscribe_url=unsubscribe_url, follow_up=follow_up)
    return Email(to=to, subject=subject, html=html, text=text, headers=_one_click_headers(unsubscribe_url))


def _short(title: str) -> str:
    return title if len(title) <= SMS_TITLE_LIMIT else title[:SMS_TITLE_LIMIT - 1] + "…"


def reminder_sms(*, title: str, homework_url: str, unsubscribe_url: str, follow_up: bool = False,
                 language: str = "en") -> str:
    if _language(language) == "es":
        if follow_up:
            return (f"Emotipal: \"{_short(title)}\" sigue pendiente. Si algo se lo impidió, díganos qué: "
                    f"{homework_url} No recibir SMS: {unsubscribe_url}")
        return (f"Emotipal: \"{_short(title)}\" le está esperando. Ábrala: {homework_url} "
                f"No recibir SMS: {unsubscribe_url}")
    if follow_up:
        return (f"Emotipal: \"{_short(title)}\" is still waiting. If something got in the way, tell us what: "
                f"{homework_url} Stop texts: {unsubscribe_url}")
    return (f"Emotipal: \"{_short(title)}\" is waiting. Open it: {homework_url} "
            f"Stop texts: {unsubscribe_url}")


# -- telling the client something arrived (new homework, the clinician's feedback) ----------------

NOTICE_SUBJECTS = {"new_homework": "You have new homework in Emotipal",
                   "feedback": "Your clinician has replied to your homework"}
NOTICE_SUBJECTS_BY_LANGUAGE = {"en": NOTICE_SUBJECTS,
                               "es": {"new_homework": "Tiene una tarea nueva en Emotipal",
                                      "feedback": "Su terapeuta ha respondido a su tarea"}}


def notice_email(kind: str, *, to: str, title: str, homework_url: str, unsubscribe_url: str,
                 language: str = "en") -> Email:
    """New homework, or feedback on what the client sent: the title and a link, nothing else."""
    language = _language(language)
    subject = NOTICE_SUBJECTS_BY_LANGUAGE[language][kind]
    html, text = _render(kind, language, subject=subject, title=title, homework_url=homework_url,
                         unsubscribe_url=unsubscribe_url)
    return Email(to=to, subject=subject, html=html, text=text, headers=_one_click_headers(unsubscribe_url))


def notice_sms(kind: str, *, title: str, homework_url: str, unsubscribe_url: str, language: str = "en") -> str:
    if _language(language) == "es":
        what = {"new_homework": f"tiene una tarea nueva: \"{_short(title)}\"",
                "feedback": f"su terapeuta respondió a \"{_short(title)}\""}[kind]
        return f"Emotipal: {what}. Ábrala: {homework_url} No recibir SMS: {unsubscribe_url}"
    what = {"new_homework": f"new homework for you: \"{_short(title)}\"",
            "feedback": f"your clinician replied to \"{_short(title)}\""}[kind]
    return f"Emotipal: {what}. Open it: {homework_url} Stop texts: {unsubscribe_url}"


def reminder_push(*, title: str, homework_url: str, language: str = "en") -> str:
    """An SNS message structure for every platform (JSON with a per-platform payload)."""
    body = f"\"{title}\" le está esperando." if _language(language) == "es" else f"\"{title}\" is waiting for you."
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
