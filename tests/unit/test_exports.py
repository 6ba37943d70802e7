"""Export renderers: CSV, FHIR R4 and PDF from the same content."""
from __future__ import annotations


import pytest

from chalicelib.exports import pdf
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


# The CSV and FHIR exports have their own tests: test_csv_export.py, test_fhir_export.py.


def test_pdf_is_a_pdf_with_every_submission(content):
    document = pdf.render(content)
    assert document.startswith(b"%PDF-") and document.rstrip().endswith(b"%%EOF")
    assert len(document) > 1500
