"""Export renderers: CSV, FHIR R4 and PDF from the same content."""
from __future__ import annotations

import csv
import io
import json

import pytest

from chalicelib.exports import csv_export, fhir, pdf
from chalicelib.exports.content import ExportContent
from chalicelib.homework.library import get_library_template

CLIENT = {"client_id": "c1", "display_name": "Zoë Example"}


@pytest.fixture
def content() -> ExportContent:
    phq9 = get_library_template("phq-9")
    thought = get_library_template("thought-record")
    submissions = [
        {"submission_id": "c1-A-S1", "assignment_id": "c1-A", "title": "Mood check", "template_id": "phq-9",
         "template_version": 1, "occurrence_id": "2026-11-01", "submitted_at": "2026-11-01T19:00:00Z",
         "completion": "complete", "rating": 4, "score": {"total": 5, "band": "Mild"},
         "answers": {f"phq9_{n}": "several_days" if n <= 5 else "not_at_all" for n in range(1, 10)},
         "review": {"feedback": "Thanks — well done.", "quality_rating": 5}},
        {"submission_id": "c1-B-S2", "assignment_id": "c1-B", "title": "Thought record", "template_id":
         "thought-record", "template_version": 1, "occurrence_id": "2026-11-02",
         "submitted_at": "2026-11-02T20:00:00Z", "completion": "partial", "score": None,
         "answers": {"situation": "=HYPERLINK(\"http://evil\")", "emotions": [
             {"emotion": "Anxious", "intensity": 70}, {"emotion": "Sad", "intensity": 40}],
             "automatic_thoughts": "I'll fail", "balanced_thought": "I prepared."}},
    ]
    return ExportContent(client=CLIENT, assignments={}, templates={"c1-A": phq9, "c1-B": thought},
                         submissions=submissions)


def test_csv_has_a_row_per_submission_and_defuses_formulas(content):
    rows = list(csv.DictReader(io.StringIO(csv_export.render(content).decode("utf-8-sig"))))
    assert [r["submission_id"] for r in rows] == ["c1-A-S1", "c1-B-S2"]
    assert rows[0]["total"] == "5" and rows[0]["band"] == "Mild" and rows[0]["quality_rating"] == "5"
    assert rows[0]["answer:phq9_1"] == "Several days"  # the words the client chose, not the stored code
    assert rows[1]["answer:situation"].startswith("'=")
    assert rows[1]["answer:emotions"] == "emotion: Anxious; intensity: 70 | emotion: Sad; intensity: 40"


def test_fhir_bundle_links_responses_to_questionnaires(content):
    bundle = json.loads(fhir.render(content))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    resources = [e["resource"] for e in bundle["entry"]]
    questionnaires = {f"{r['url']}|{r['version']}": r for r in resources if r["resourceType"] == "Questionnaire"}
    responses = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    assert len(responses) == 2
    for response in responses:
        assert response["questionnaire"] in questionnaires
        link_ids = {i["linkId"] for i in questionnaires[response["questionnaire"]]["item"]}
        assert {i["linkId"] for i in response["item"]} <= link_ids
    phq = responses[0]
    first = next(i for i in phq["item"] if i["linkId"] == "phq9_1")
    assert first["answer"] == [{"valueCoding": {"code": "several_days", "display": "Several days"}}]
    thought = responses[1]
    assert thought["status"] == "in-progress"
    rows = [i for i in thought["item"] if i["linkId"] == "emotions"]
    assert len(rows) == 2 and rows[0]["item"][1]["answer"] == [{"valueInteger": 70}]


def test_pdf_is_a_pdf_with_every_submission(content):
    document = pdf.render(content)
    assert document.startswith(b"%PDF-") and document.rstrip().endswith(b"%%EOF")
    assert len(document) > 1500
