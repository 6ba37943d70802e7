"""FHIR R4: a collection Bundle with the client as a Patient, a Questionnaire per template
version used, a QuestionnaireResponse per submission, and an Observation per score
(total with its band, each subscale, each derived value, each risk flag).

Item ids are the linkIds; each item type maps itself (Questionnaire.item, answer value[x]),
and published codes (LOINC) come from the template's data (`codes` on the template, its
items, options, total and subscales), never from here. Every fullUrl is `urn:uuid:` with a
UUID derived from a stable id (uuid5), so exporting twice gives the same identities and
every reference inside the Bundle points at one of its entries.
"""
from __future__ import annotations

import json
import re
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.exports.content import ExportContent
from chalicelib.homework.enable_when import fhir_enable_when
from chalicelib.homework.items.base import FhirContext, fhir_response_items
from chalicelib.homework.templates import Coding, Template

# Canonical URLs and identifier systems the product owns.
BASE = "https://emotipal.app/fhir"
CLIENT_ID_SYSTEM = f"{BASE}/client-id"
SUBMISSION_ID_SYSTEM = f"{BASE}/submission-id"
_IDS = uuid.uuid5(uuid.NAMESPACE_URL, BASE)
_SURVEY = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                       "code": "survey", "display": "Survey"}]}


def _uuid(kind: str, stable_id: str) -> str:
    return str(uuid.uuid5(_IDS, f"{kind}/{stable_id}"))


def _ref(resource_uuid: str) -> dict[str, str]:
    return {"reference": f"urn:uuid:{resource_uuid}"}


def _codings(codes: list[Coding]) -> list[dict[str, Any]]:
    return [code.model_dump(exclude_none=True) for code in codes]


def questionnaire_url(template: Template) -> str:
    """The canonical URL; with `|version` it names one version (`Questionnaire.version`)."""
    return f"{BASE}/Questionnaire/{template.id}"


def _zone(content: ExportContent) -> ZoneInfo:
    try:
        return ZoneInfo(str(content.client.get("timezone") or "UTC"))
    except (ValueError, KeyError):  # a zone no longer in the tz database: UTC rather than no export
        return ZoneInfo("UTC")


def _name(template: Template) -> str:
    # Questionnaire.name is for machines: letters and digits, starting with a capital.
    words = re.split(r"[^A-Za-z0-9]+", template.id)
    name = "".join(word[:1].upper() + word[1:] for word in words if word)
    return name if name[:1].isalpha() else f"T{name}"


def questionnaire(template: Template, context: FhirContext) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire", "id": _uuid("Questionnaire", f"{template.id}|{template.version}"),
        "url": questionnaire_url(template), "version": str(template.version), "name": _name(template),
        "title": template.title, "status": "active", "subjectType": ["Patient"]}
    if template.description:
        resource["description"] = template.description
    if template.licence:
        resource["copyright"] = template.licence
    if template.codes:
        resource["code"] = _codings(template.codes)
    index = {item.id: item for item in template.items}
    resource["item"] = [item.fhir_question(context) | fhir_enable_when(item, index, context)
                        for item in template.items]
    return resource


def patient(client: dict[str, Any]) -> dict[str, Any]:
    """The client as FHIR sees them: the name they go by and the product's id, nothing else."""
    return {"resourceType": "Patient", "id": _uuid("Patient", client["client_id"]),
            "identifier": [{"system": CLIENT_ID_SYSTEM, "value": client["client_id"]}],
            "name": [{"text": client["display_name"]}]}


def _quantity(value: float, unit: bool = True) -> dict[str, Any]:
    if not unit:  # a derived value (minutes, a percentage): its unit is in its name, not a score's
        return {"value": value}
    return {"value": value, "unit": "{score}", "system": "http://unitsofmeasure.org", "code": "{score}"}


def _observation(key: str, code: dict[str, Any], submission: dict[str, Any], patient_uuid: str,
                 response_uuid: str) -> dict[str, Any]:
    return {"resourceType": "Observation", "id": _uuid("Observation", f"{submission['submission_id']}/{key}"),
            "status": "final", "category": [_SURVEY], "code": code, "subject": _ref(patient_uuid),
            "effectiveDateTime": submission["submitted_at"], "derivedFrom": [_ref(response_uuid)]}


def observations(template: Template, submission: dict[str, Any], patient_uuid: str,
                 response_uuid: str) -> list[dict[str, Any]]:
    """The scores a submission carries, one Observation each; the band reads as the
    total's interpretation."""
    score = submission.get("score") or {}
    scoring = template.scoring
    out: list[dict[str, Any]] = []

    def add(key: str, codes: list[Coding], text: str, value: Any, *, score_unit: bool = True,
            extra: dict[str, Any] | None = None) -> None:
        code: dict[str, Any] = {"coding": _codings(codes)} if codes else {}
        observation = _observation(key, {**code, "text": text}, submission, patient_uuid, response_uuid)
        quantity = {"valueQuantity": _quantity(value, score_unit)} if value is not None else {}
        out.append({**observation, **quantity, **(extra or {})})

    if score.get("total") is not None:
        band = {"interpretation": [{"text": score["band"]}]} if score.get("band") else {}
        add("total", scoring.total_codes if scoring else [], f"{template.title}: total score", score["total"], extra=band)
    subscales = {s.id: s for s in (scoring.subscales if scoring else [])}
    for subscale_id, value in (score.get("subscales") or {}).items():
        if value is None:
            continue
        known = subscales.get(subscale_id)
        add(f"subscale/{subscale_id}", known.codes if known else [],
            f"{template.title}: {known.label if known else subscale_id}", value)
    derived = {d.id: d for d in (scoring.derived if scoring else [])}
    for derived_id, value in (score.get("derived") or {}).items():
        if value is not None:
            rule = derived.get(derived_id)
            add(f"derived/{derived_id}", [], f"{template.title}: {rule.label if rule else derived_id}", value,
                score_unit=False)
    labels = {s.id: s.label for s in subscales.values()}
    for rule_id, rule in (score.get("cluster_rules") or {}).items():
        if rule.get("met") is not None:  # e.g. the PCL-5's provisional diagnosis, with its count per cluster
            add(f"rule/{rule_id}", [], f"{template.title}: {rule.get('label') or rule_id}", None, extra={
                "valueBoolean": bool(rule["met"]),
                "component": [{"code": {"text": labels.get(cluster, cluster)}, "valueInteger": count}
                              for cluster, count in (rule.get("counts") or {}).items()]})
    for k, flag in enumerate(score.get("risk_flags") or []):
        # A risk flag is an observation about one answer: the answer in words, flagged.
        add(f"risk/{k}", [], f"{template.title}: {flag.get('label') or flag.get('item')}", None,
            extra={"valueString": str(flag.get("answer") or flag.get("value")),
                   "interpretation": [{"text": "Flagged for the clinician's attention"}]})
    return out


def response(template: Template, submission: dict[str, Any], context: FhirContext,
             patient_uuid: str) -> dict[str, Any]:
    complete = submission.get("completion", "complete") == "complete"
    return {"resourceType": "QuestionnaireResponse", "id": _uuid("QuestionnaireResponse", submission["submission_id"]),
            "identifier": {"system": SUBMISSION_ID_SYSTEM, "value": submission["submission_id"]},
            "questionnaire": f"{questionnaire_url(template)}|{template.version}",
            "status": "completed" if complete else "in-progress",
            "subject": _ref(patient_uuid), "authored": submission["submitted_at"],
            "item": fhir_response_items(list(template.items), submission.get("answers") or {}, context)}


def bundle(content: ExportContent) -> dict[str, Any]:
    zone = _zone(content)
    client = patient(content.client)
    resources: list[dict[str, Any]] = [client]
    seen: set[tuple[str, int]] = set()
    for template in content.templates.values():
        if (template.id, template.version) not in seen:
            seen.add((template.id, template.version))
            resources.append(questionnaire(template, FhirContext(questionnaire_url(template), zone)))
    for s in content.submissions:
        asked = content.templates.get(s["assignment_id"])
        if asked is None:  # no snapshot of what was asked: nothing to answer against
            continue
        answered = response(asked, s, FhirContext(questionnaire_url(asked), zone), client["id"])
        resources.append(answered)
        resources.extend(observations(asked, s, client["id"], answered["id"]))
    return {"resourceType": "Bundle", "id": _uuid("Bundle", content.client["client_id"]), "type": "collection",
            "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources]}


def render(content: ExportContent) -> bytes:
    return json.dumps(bundle(content), indent=2, ensure_ascii=False).encode()
