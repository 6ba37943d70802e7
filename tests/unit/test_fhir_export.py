"""The FHIR export as another system reads it: every Bundle validates as FHIR R4 (R4B
models of fhir.resources), answers have the value type their item type declares, codes
are the LOINC codes verified for the library, and every reference resolves inside the
Bundle to a real urn:uuid."""
from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from chalicelib.exports import fhir
from chalicelib.homework.library import get_library_template
from tests.unit.export_samples import ARTIFACTS, CLIENT, INJECTION, SCRIPTS, content_for, library_ids

LOINC = "http://loinc.org"
# Each item type's Questionnaire.item.type and the value[x] its answers use.
TYPES = {"text": ("string", "valueString"), "long_text": ("text", "valueString"),
         "number": ("decimal", "valueDecimal"), "scale": ("integer", "valueInteger"),
         "single_choice": ("choice", "valueCoding"), "multi_choice": ("choice", "valueCoding"),
         "boolean": ("boolean", "valueBoolean"), "date": ("date", "valueDate"), "time": ("time", "valueTime"),
         "datetime": ("dateTime", "valueDateTime"), "group": ("group", None)}

# The LOINC codes checked against published FHIR Questionnaires built from LOINC (the German
# Medical Informatics Initiative's PRO module, which uses LOINC's own panels, and the LHC
# forms' LOINC Questionnaires) and HL7's PCO IG for the totals. Nothing else may carry one.
FREQUENCY = {"not_at_all": "LA6568-5", "several_days": "LA6569-3", "more_than_half_the_days": "LA6570-1",
             "nearly_every_day": "LA6571-9"}
DIFFICULTY = {"not_difficult": "LA6572-7", "somewhat_difficult": "LA6573-5", "very_difficult": "LA6575-0",
              "extremely_difficult": "LA6574-3"}
VERIFIED: dict[str, dict[str, Any]] = {
    "phq-9": {"panel": "44249-1", "total": "44261-6",
              "items": {"phq9_1": "44250-9", "phq9_2": "44255-8", "phq9_3": "44259-0", "phq9_4": "44254-1",
                        "phq9_5": "44251-7", "phq9_6": "44258-2", "phq9_7": "44252-5", "phq9_8": "44253-3",
                        "phq9_9": "44260-8", "difficulty": "69722-7"},
              "options": {**{f"phq9_{n}": FREQUENCY for n in range(1, 10)}, "difficulty": DIFFICULTY}},
    "gad-7": {"panel": "69737-5", "total": "70274-6",
              "items": {"gad7_1": "69725-0", "gad7_2": "68509-9", "gad7_3": "69733-4", "gad7_4": "69734-2",
                        "gad7_5": "69735-9", "gad7_6": "69689-8", "gad7_7": "69736-7"},
              "options": {f"gad7_{n}": FREQUENCY for n in range(1, 8)}},
    # PHQ-2: LOINC's own panel and total (its items are PHQ-9 items 1 and 2)
    "phq-2": {"panel": "55757-9", "total": "55758-7", "items": {"phq2_1": "44250-9", "phq2_2": "44255-8"},
              "options": {"phq2_1": FREQUENCY, "phq2_2": FREQUENCY}},
}
_DATETIME_WITH_ZONE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"


def _bundle(template_ids: list[str], scripts: list[str] | None = None) -> dict[str, Any]:
    data = fhir.render(content_for(template_ids, scripts))
    bundle = json.loads(data)
    Bundle.model_validate(bundle)  # raises on anything FHIR R4 does not allow
    return bundle


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for value in node.values() for r in _references(value)]
    if isinstance(node, list):
        return [r for value in node for r in _references(value)]
    return []


def _walk(questions: list[dict[str, Any]], answers: list[dict[str, Any]], items: list[Any]) -> int:
    """Check each answered item against its question and item type; returns answers seen."""
    by_link = {q["linkId"]: q for q in questions}
    by_id = {i.id: i for i in items}
    seen = 0
    for answered in answers:
        question, item = by_link[answered["linkId"]], by_id[answered["linkId"]]
        question_type, value_key = TYPES[item.type]
        assert question["type"] == question_type
        if item.type == "group":
            assert "answer" not in answered and question["repeats"] is True
            seen += _walk(question["item"], answered["item"], item.children())
            continue
        for answer in answered["answer"]:
            assert list(answer) == [value_key], (item.id, answer)
            value = answer[value_key]
            if value_key == "valueCoding":
                assert value in [o["valueCoding"] for o in question["answerOption"]]
            if value_key == "valueDateTime":
                assert re.match(_DATETIME_WITH_ZONE, value), value
            if value_key == "valueInteger":
                assert isinstance(value, int)
            seen += 1
    return seen


@pytest.mark.parametrize("template_id", library_ids())
def test_every_library_template_validates_with_value_types_of_its_items(template_id):
    template = get_library_template(template_id)
    for scripts in (["latin", "greek"], ["cyrillic", "cjk"]):
        bundle = _bundle([template_id], scripts)
        (questionnaire,) = _resources(bundle, "Questionnaire")
        assert questionnaire["url"] == f"https://emotipal.app/fhir/Questionnaire/{template_id}"
        assert questionnaire["version"] == str(template.version)
        assert questionnaire.get("copyright") == template.licence
        responses = _resources(bundle, "QuestionnaireResponse")
        assert len(responses) == 2
        for response in responses:
            assert response["questionnaire"] == f"{questionnaire['url']}|{template.version}"
            assert re.match(_DATETIME_WITH_ZONE, response["authored"])
            seen = _walk(questionnaire["item"], response["item"], template.items)
            assert seen >= len(template.items)
        texts = [i for i, _ in template.iter_items() if i.type in ("text", "long_text")]
        answers = [v for r in responses for v in _values(r["item"], "valueString")]
        if any(i.type in ("text", "long_text") for i in template.items):
            # the first (top-level) text answer tries a formula: kept as typed (JSON runs nothing)
            assert INJECTION in answers
        if len(texts) > 1:  # the others are in the submission's script, as typed
            assert {name for name in scripts if any(SCRIPTS[name] in v for v in answers)} == set(scripts)


def test_a_history_bundle_validates_and_every_reference_resolves_to_a_uuid_entry():
    bundle = _bundle(library_ids())
    full_urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    for entry in bundle["entry"]:
        assert entry["fullUrl"].startswith("urn:uuid:")
        value = entry["fullUrl"].removeprefix("urn:uuid:")
        assert str(uuid.UUID(value)) == value and entry["resource"]["id"] == value
    references = _references([e["resource"] for e in bundle["entry"]])
    assert references and set(references) <= set(full_urls)
    canonical = {f"{q['url']}|{q['version']}" for q in _resources(bundle, "Questionnaire")}
    assert len(canonical) == len(library_ids())
    assert {r["questionnaire"] for r in _resources(bundle, "QuestionnaireResponse")} == canonical
    assert fhir.render(content_for(library_ids())) == fhir.render(content_for(library_ids()))  # same ids each time
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "history.fhir.json").write_text(json.dumps(bundle, indent=2, ensure_ascii=False))


def test_the_patient_is_the_display_name_and_the_client_id_and_nothing_else():
    (patient,) = _resources(_bundle(["mood-diary"]), "Patient")
    assert set(patient) == {"resourceType", "id", "identifier", "name"}
    assert patient["identifier"] == [{"system": fhir.CLIENT_ID_SYSTEM, "value": CLIENT["client_id"]}]
    assert patient["name"] == [{"text": CLIENT["display_name"]}]


def test_scores_bands_subscales_and_risk_flags_are_observations():
    content = content_for(["phq-9", "gad-7", "pcl-5"])
    bundle = json.loads(fhir.render(content))
    observations = _resources(bundle, "Observation")
    responses = {f"urn:uuid:{r['id']}": r for r in _resources(bundle, "QuestionnaireResponse")}
    by_submission: dict[str, list[dict[str, Any]]] = {}
    for observation in observations:
        (source,) = observation["derivedFrom"]
        by_submission.setdefault(responses[source["reference"]]["identifier"]["value"], []).append(observation)
    for submission in content.submissions:
        mine = by_submission[submission["submission_id"]]
        score = submission["score"]
        total = next(o for o in mine if o["code"]["text"].endswith("total score"))
        assert total["valueQuantity"]["value"] == score["total"]
        assert total["interpretation"] == [{"text": score["band"]}]
        assert total["effectiveDateTime"] == submission["submitted_at"]
        expected = VERIFIED.get(submission["template_id"])
        codes = [c["code"] for c in total["code"].get("coding", []) if c["system"] == LOINC]
        assert codes == ([expected["total"]] if expected else [])
        values = sorted(o["valueQuantity"]["value"] for o in mine if "valueQuantity" in o and o is not total)
        assert values == sorted(v for v in score["subscales"].values() if v is not None)
        assert len([o for o in mine if "valueString" in o]) == len(score["risk_flags"])
    pcl = next(s for s in content.submissions if s["template_id"] == "pcl-5")
    assert len(by_submission[pcl["submission_id"]]) == 1 + len(pcl["score"]["subscales"]) + 1  # + the provisional diagnosis
    phq = next(s for s in content.submissions if s["template_id"] == "phq-9")
    assert phq["score"]["risk_flags"]  # item 9 answered above "Not at all" in the sample
    flag = next(o for o in by_submission[phq["submission_id"]] if "valueString" in o)
    assert flag["valueString"] == phq["score"]["risk_flags"][0]["answer"]


def _loinc_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["code"]] if node.get("system") == LOINC else []
        return own + [c for value in node.values() for c in _loinc_in(value)]
    if isinstance(node, list):
        return [c for value in node for c in _loinc_in(value)]
    return []


def test_only_the_verified_loinc_codes_are_in_the_library_and_they_reach_the_export():
    for template_id in library_ids():
        template = get_library_template(template_id)
        expected = VERIFIED.get(template_id)
        found = _loinc_in(template.model_dump(mode="json"))
        if expected is None:
            assert found == [], f"{template_id} carries LOINC codes nobody verified: {found}"
            continue
        assert [c.code for c in template.codes] == [expected["panel"]]
        assert [c.code for c in template.scoring.total_codes] == [expected["total"]]
        for item in template.items:
            assert [c.code for c in item.codes] == ([expected["items"][item.id]] if item.id in expected["items"] else [])
            options = expected["options"].get(item.id, {})
            for option in getattr(item, "options", []):
                assert [c.code for c in option.codes] == ([options[option.value]] if options else [])
        bundle = _bundle([template_id])
        (questionnaire,) = _resources(bundle, "Questionnaire")
        assert questionnaire["code"][0] == {"system": LOINC, "code": expected["panel"],
                                            "display": template.codes[0].display}
        first = questionnaire["item"][0]
        assert first["code"] == [{"system": LOINC, "code": expected["items"][first["linkId"]]}]
        assert [o["valueCoding"]["code"] for o in first["answerOption"]] == list(FREQUENCY.values())
        assert [o["extension"][0]["valueDecimal"] for o in first["answerOption"]] == [0, 1, 2, 3]


def test_a_wall_clock_date_time_takes_the_clients_zone():
    template_id = next(t for t in library_ids() if _has_datetime(t))
    content = content_for([template_id])
    bundle = json.loads(fhir.render(content))
    values = [v for r in _resources(bundle, "QuestionnaireResponse") for v in _values(r["item"], "valueDateTime")]
    assert values and all(v.endswith(("+02:00", "+03:00")) for v in values)  # Europe/Athens


def _has_datetime(template_id: str) -> bool:
    return any(i.type == "datetime" for i, _ in get_library_template(template_id).iter_items())


def _values(items: list[dict[str, Any]], key: str) -> list[Any]:
    out: list[Any] = []
    for item in items:
        out += [a[key] for a in item.get("answer", []) if key in a]
        out += _values(item.get("item", []), key)
    return out


def test_codes_on_a_template_are_checked_by_the_template_model():
    from pydantic import ValidationError

    from chalicelib.homework.templates import TemplateContent

    good = {"title": "T", "kind": "questionnaire", "codes": [{"system": "http://loinc.org", "code": "44249-1"}],
            "items": [{"id": "a", "type": "text", "label": "A", "codes": [{"system": "http://loinc.org",
                                                                          "code": "44250-9"}]}]}
    assert TemplateContent.model_validate(good).codes[0].code == "44249-1"
    for bad in ({"system": "loinc", "code": "1"}, {"system": "http://loinc.org", "code": " "},
                {"system": "http://loinc.org", "code": "1", "extra": 1}):
        with pytest.raises(ValidationError):
            TemplateContent.model_validate({**good, "codes": [bad]})
