"""A template in the client's language: the one place that applies a template's `translations`.

Every client view (the homework list and form, the receipt's crisis message, past submissions)
takes its words from here. Each string falls back to English on its own, so a partial
translation still shows; option values, scores and ids never change, so answers and scoring
are the same in every language. Clinicians' views and exports keep the English template.
"""
from __future__ import annotations

import copy
from typing import Any

DEFAULT_LANGUAGE = "en"


def language_of(profile: dict[str, Any] | None) -> str:
    """The client's language (profiles made before languages existed are English)."""
    return (profile or {}).get("language") or DEFAULT_LANGUAGE


def _translation(template: dict[str, Any] | None, language: str) -> dict[str, Any] | None:
    if not template or language == DEFAULT_LANGUAGE:
        return None
    return (template.get("translations") or {}).get(language)


def _item(item: dict[str, Any], words: dict[str, Any], items: dict[str, Any]) -> dict[str, Any]:
    for field in ("label", "help", "unit"):
        if words.get(field):
            item[field] = words[field]
    options = words.get("options") or {}
    for option in item.get("options") or []:
        option["label"] = options.get(option["value"], option["label"])
    anchors = words.get("anchors") or {}
    for anchor in item.get("anchors") or []:
        anchor["label"] = anchors.get(str(anchor["value"]), anchor["label"])
    for child in item.get("items") or []:  # a group's fields
        _item(child, items.get(child["id"]) or {}, items)
    return item


def localize(template: dict[str, Any], language: str) -> dict[str, Any]:
    """The template (as stored: a JSON dict) with its words in `language`, English where a
    string is not translated, without the `translations` themselves; `language` says which
    language it is in ('en' when the template has no translation into the one asked for)."""
    words = _translation(template, language)
    out = copy.deepcopy({k: v for k, v in template.items() if k != "translations"})
    out["language"] = language if words else DEFAULT_LANGUAGE
    if not words:
        return out
    for field in ("title", "description", "instructions"):
        if words.get(field):
            out[field] = words[field]
    items = words.get("items") or {}
    out["items"] = [_item(item, items.get(item["id"]) or {}, items) for item in out.get("items") or []]
    scoring = out.get("scoring")
    if scoring:
        risk = (words.get("scoring") or {}).get("risk") or {}
        for rule in scoring.get("risk") or []:
            rule["message"] = risk.get(rule["item"], rule["message"])
        for band in _bands(scoring):
            band["label"] = band_label(template, band["label"], language)
    return out


def _bands(scoring: dict[str, Any]) -> list[dict[str, Any]]:
    return [*(scoring.get("bands") or []), *(b for s in scoring.get("subscales") or [] for b in s.get("bands") or [])]


def band_label(template: dict[str, Any] | None, label: str | None, language: str) -> str | None:
    """A band's label (e.g. 'Mild') in `language`."""
    words = _translation(template, language)
    if not words or label is None:
        return label
    return ((words.get("scoring") or {}).get("bands") or {}).get(label, label)


def risk_message(template: dict[str, Any] | None, item_id: str, message: str, language: str) -> str:
    """The message shown to the client for a risk answer on `item_id`, in `language`."""
    words = _translation(template, language)
    if not words:
        return message
    return ((words.get("scoring") or {}).get("risk") or {}).get(item_id, message)


def title(template: dict[str, Any] | None, assignment_title: str, language: str) -> str:
    """The homework's title: the template's title in `language` when the clinician kept the
    template's own title; a title the clinician wrote is theirs and stays as written."""
    words = _translation(template, language)
    if not words or not words.get("title") or assignment_title != (template or {}).get("title"):
        return assignment_title
    return str(words["title"])


def stem(template: dict[str, Any] | None, instructions: str, language: str) -> str:
    """The template's own instructions (a measure's timeframe stem) in `language`."""
    words = _translation(template, language)
    if not words or not words.get("instructions") or instructions.strip() != (
            (template or {}).get("instructions") or "").strip():
        return instructions
    return str(words["instructions"])


def library_words(template_id: str | None) -> dict[str, Any] | None:
    """A library template's title, instructions and translations (as JSON), for the places that
    show a homework's title without reading its form: the client's list, reminders, notices."""
    from chalicelib.homework.library import get_library_template

    library = get_library_template(template_id or "")
    return library.model_dump(mode="json", include={"title", "instructions", "translations"}) if library else None


def homework_title(profile: dict[str, Any] | None, template_id: str | None, assignment_title: str) -> str:
    """A homework's title for the client, in their language where it is a library template's own."""
    language = language_of(profile)
    if language == DEFAULT_LANGUAGE:
        return assignment_title
    return title(library_words(template_id), assignment_title, language)
