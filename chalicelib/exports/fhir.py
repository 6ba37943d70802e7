"""FHIR R4: a collection Bundle of Questionnaires (one per template version used) and a
QuestionnaireResponse per submission. Item ids are the linkIds; each item type maps
itself (Questionnaire.item.type, answer value[x])."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.exports.content import ExportContent
from chalicelib.homework.items.base import fhir_response_items
from chalicelib.homework.templates import Template


def questionnaire_url(template: Template) -> str:
    return f"urn:emotipal:template:{template.id}"


def questionnaire(template: Template) -> dict[str, Any]:
    return {"resourceType": "Questionnaire", "id": f"{template.id}-v{template.version}".replace("_", "-"),
            "url": questionnaire_url(template), "version": str(template.version), "name": template.id,
            "title": template.title, "status": "active", "item": [i.fhir_question() for i in template.items]}


def render(content: ExportContent) -> bytes:
    entries: list[dict[str, Any]] = []
    seen: set[tuple[str, int]] = set()
    for template in content.templates.values():
        if (template.id, template.version) not in seen:
            seen.add((template.id, template.version))
            entries.append({"fullUrl": f"urn:uuid:questionnaire-{template.id}-{template.version}",
                            "resource": questionnaire(template)})
    for s in content.submissions:
        answered = content.templates.get(s["assignment_id"])
        if answered is None:
            continue
        entries.append({"fullUrl": f"urn:emotipal:submission:{s['submission_id']}", "resource": {
            "resourceType": "QuestionnaireResponse",
            "id": s["submission_id"][-26:],
            "questionnaire": f"{questionnaire_url(answered)}|{answered.version}",
            "status": "completed" if s.get("completion", "complete") == "complete" else "in-progress",
            "authored": s["submitted_at"],
            "subject": {"display": content.client["display_name"]},
            "item": fhir_response_items(answered.items, s.get("answers", {})),
        }})
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    return json.dumps(bundle, indent=2, ensure_ascii=False).encode()
