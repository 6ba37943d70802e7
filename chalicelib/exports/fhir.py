"""FHIR R4: a collection Bundle of Questionnaires (one per template version used) and a
QuestionnaireResponse per submission. Item ids are the linkIds."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.exports.content import ExportContent
from chalicelib.homework.templates import Template

_TYPES = {"text": "string", "long_text": "text", "number": "decimal", "scale": "integer",
          "single_choice": "choice", "multi_choice": "choice", "boolean": "boolean", "date": "date",
          "time": "time", "datetime": "dateTime", "group": "group"}


def questionnaire_url(template: Template) -> str:
    return f"urn:emotipal:template:{template.id}"


def _questionnaire_item(item: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"linkId": item.id, "text": item.label, "type": _TYPES[item.type],
                             "required": bool(getattr(item, "required", False))}
    if item.type in ("single_choice", "multi_choice"):
        entry["answerOption"] = [{"valueCoding": {"code": o.value, "display": o.label}} for o in item.options]
        entry["repeats"] = item.type == "multi_choice"
    if item.type == "group":
        entry["repeats"] = True
        entry["item"] = [_questionnaire_item(child) for child in item.items]
    return entry


def questionnaire(template: Template) -> dict[str, Any]:
    return {"resourceType": "Questionnaire", "id": f"{template.id}-v{template.version}".replace("_", "-"),
            "url": questionnaire_url(template), "version": str(template.version), "name": template.id,
            "title": template.title, "status": "active", "item": [_questionnaire_item(i) for i in template.items]}


def _answers(item: Any, value: Any) -> list[dict[str, Any]]:
    values = value if isinstance(value, list) and item.type == "multi_choice" else [value]
    out = []
    for v in values:
        if item.type in ("single_choice", "multi_choice"):
            option = item.option(v)
            out.append({"valueCoding": {"code": v, "display": option.label if option else v}})
        elif item.type == "boolean":
            out.append({"valueBoolean": bool(v)})
        elif item.type == "scale" or (item.type == "number" and isinstance(v, int)):
            out.append({"valueInteger": v} if isinstance(v, int) else {"valueDecimal": v})
        elif item.type == "number":
            out.append({"valueDecimal": v})
        elif item.type == "date":
            out.append({"valueDate": v})
        elif item.type == "time":
            out.append({"valueTime": v if len(v) == 8 else f"{v}:00"})
        elif item.type == "datetime":
            out.append({"valueDateTime": v})
        else:
            out.append({"valueString": str(v)})
    return out


def _response_items(items: list[Any], answers: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        if item.id not in answers or answers[item.id] in (None, "", []):
            continue
        value = answers[item.id]
        if item.type == "group":
            for row in value:
                out.append({"linkId": item.id, "text": item.label, "item": _response_items(item.items, row)})
        else:
            out.append({"linkId": item.id, "text": item.label, "answer": _answers(item, value)})
    return out


def render(content: ExportContent) -> bytes:
    entries: list[dict[str, Any]] = []
    seen: set[tuple[str, int]] = set()
    for template in content.templates.values():
        if (template.id, template.version) not in seen:
            seen.add((template.id, template.version))
            entries.append({"fullUrl": f"urn:uuid:questionnaire-{template.id}-{template.version}",
                            "resource": questionnaire(template)})
    for s in content.submissions:
        template = content.templates.get(s["assignment_id"])
        if template is None:
            continue
        entries.append({"fullUrl": f"urn:emotipal:submission:{s['submission_id']}", "resource": {
            "resourceType": "QuestionnaireResponse",
            "id": s["submission_id"][-26:],
            "questionnaire": f"{questionnaire_url(template)}|{template.version}",
            "status": "completed" if s.get("completion", "complete") == "complete" else "in-progress",
            "authored": s["submitted_at"],
            "subject": {"display": content.client["display_name"]},
            "item": _response_items(template.items, s.get("answers", {})),
        }})
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    return json.dumps(bundle, indent=2, ensure_ascii=False).encode()
