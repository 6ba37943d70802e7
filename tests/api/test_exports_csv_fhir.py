"""CSV and FHIR exports of homework sent through the API: what is stored (times, scores,
risk flags, notes for the session) reaches the files, and the Bundle validates."""
from __future__ import annotations

import csv
import io
import json

from fhir.resources.R4B.bundle import Bundle

from tests.api.conftest import post, submit_risk_answer
from tests.api.test_exports import _object

NOTE = "=Θέλω να μιλήσουμε για τον ύπνο μου"


def _export(api, world, fmt: str) -> bytes:
    export = post(api, "/v1/exports", world.headers("a1"), {"client_id": world.clients["a1"]["client_id"],
                                                             "format": fmt})
    return _object(world.settings, export)["Body"].read()


def test_a_history_csv_has_scores_in_words_and_the_clients_notes(api, world):
    post(api, "/v1/client/session-notes", world.headers(token=world.links["a1"]), {"text": NOTE})
    receipt = submit_risk_answer(api, world, "csv-export-submission-0001")
    rows = list(csv.reader(io.StringIO(_export(api, world, "csv").decode("utf-8-sig"), newline="")))
    sections, current = [], []
    for row in rows:
        if row:
            current.append(row)
        else:
            sections.append(current)
            current = []
    sections.append(current)
    notes = sections[-1]
    assert notes[0] == ["note:id", "note:written_at", "note:text"] and notes[-1][2] == "'" + NOTE
    phq = next(s for s in sections if "phq9_9" in s[0])
    header, row = phq[0], next(r for r in phq if r[0] == receipt["submission_id"])
    cells = dict(zip(header, row, strict=True))
    assert cells["phq9_9"] == "Several days" and cells["phq9_9.score"] == "1"
    assert cells["score:total"] == "9" and cells["score:band"]
    assert cells["submission:sent_at"].endswith(("+00:00", "+01:00"))  # the client's zone: Europe/London


def test_a_history_bundle_validates_and_carries_the_loinc_total_and_the_risk_flag(api, world):
    receipt = submit_risk_answer(api, world, "fhir-export-submission-0001")
    bundle = json.loads(_export(api, world, "fhir"))
    Bundle.model_validate(bundle)
    resources = [e["resource"] for e in bundle["entry"]]
    response = next(r for r in resources if r["resourceType"] == "QuestionnaireResponse"
                    and r["identifier"]["value"] == receipt["submission_id"])
    mine = [r for r in resources if r["resourceType"] == "Observation"
            and r["derivedFrom"] == [{"reference": f"urn:uuid:{response['id']}"}]]
    total = next(o for o in mine if "valueQuantity" in o)
    assert total["code"]["coding"][0] == {"system": "http://loinc.org", "code": "44261-6",
                                          "display": "Patient health questionnaire 9 item (PHQ-9) total score"}
    assert total["valueQuantity"]["value"] == 9
    assert any(o.get("valueString") == "Several days" for o in mine)  # item 9's risk flag, in words
