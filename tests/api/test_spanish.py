"""Spanish for clients (#13 item 9): a client's language on the profile, the client's views of
a translated template in that language (option values and scores unchanged), submissions that
record the language answered in, and reminders and notices in the client's language."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.api.conftest import DAILY_MEASURE, phq9_answers, post
from tests.api.reminder_support import SIGNING_SECRET, Recorder, verify_sender

STEM_ES = "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas?"


@pytest.fixture
def sent(world, monkeypatch):
    monkeypatch.setenv("EMOTIPAL_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("EMOTIPAL_API_URL", "https://api.emotipal.test")
    verify_sender()
    recorder = Recorder()
    recorder.attach()
    yield recorder
    recorder.detach()


def _get(api, path: str, headers: dict, expect: int = 200) -> dict:
    response = api.http.get(path, headers=headers)
    assert response.status_code == expect, response.body
    return json.loads(response.body)


def _patch(api, path: str, headers: dict, body: dict, expect: int = 200) -> dict:
    response = api.http.patch(path, headers=headers, body=json.dumps(body))
    assert response.status_code == expect, response.body
    return json.loads(response.body)


def _client(api, world, language: str | None, email: str, **fields) -> tuple[dict, dict]:
    body = {"display_name": "Lucía Cliente", "email": email, "timezone": "America/New_York",
            "reminder_channels": ["email"], **fields}
    if language:
        body["language"] = language
    client = post(api, "/v1/clients", world.headers("a1"), body)
    link = post(api, f"/v1/clients/{client['client_id']}/access-link", world.headers("a1"), {})["url"]
    return client, world.headers(token=link.split("#token=")[1])


def _phq9(api, world, client_id: str, **fields) -> dict:
    return post(api, f"/v1/clients/{client_id}/assignments", world.headers("a1"), {
        "template_id": "phq-9", "recurrence": {"frequency": "daily"}, "due_time": "23:59", **DAILY_MEASURE,
        **fields})


def test_a_spanish_client_sees_phq9_in_spanish_and_answers_score_as_in_english(api, world):
    spanish, as_spanish = _client(api, world, "es", "lucia@example.com")
    english, as_english = _client(api, world, None, "lucy@example.com")
    assert spanish["language"] == "es" and english["language"] == "en"
    assert _get(api, f"/v1/clients/{spanish['client_id']}", world.headers("a1"))["language"] == "es"
    assert _get(api, "/v1/client/me", as_spanish)["language"] == "es"

    es_assignment = _phq9(api, world, spanish["client_id"])
    en_assignment = _phq9(api, world, english["client_id"])
    listed = _get(api, "/v1/client/assignments", as_spanish)["items"]
    assert [(i["title"], i["template_instructions"]) for i in listed] == [
        ("PHQ-9: Cuestionario sobre la salud del paciente", STEM_ES)]

    es_view = _get(api, f"/v1/client/assignments/{es_assignment['assignment_id']}", as_spanish)
    en_view = _get(api, f"/v1/client/assignments/{en_assignment['assignment_id']}", as_english)
    es, en = es_view["template"], en_view["template"]
    assert es["language"] == "es" and en["language"] == "en" and "translations" not in es
    assert es_view["template_instructions"] == STEM_ES
    assert es["items"][0]["label"] == "Poco interés o placer en hacer cosas"
    assert [o["label"] for o in es["items"][0]["options"]] == [
        "Ningún día", "Varios días", "Más de la mitad de los días", "Casi todos los días"]
    assert es["items"][-1]["label"].startswith("Si marcó cualquiera de los problemas")
    # Only words change: ids, option values, scores and conditions are the English template's.
    def shape(template: dict) -> list:
        return [(i["id"], [(o["value"], o.get("score")) for o in i["options"]], i.get("enable_when"))
                for i in template["items"]]
    assert shape(es) == shape(en) and es["scoring"]["total_items"] == en["scoring"]["total_items"]
    assert en["items"][0]["label"] == "Little interest or pleasure in doing things"

    answers = phq9_answers(2, 1, 1, 0, 3, 1, 0, 2, 1)
    receipts = {}
    for name, assignment, headers in (("es", es_assignment, as_spanish), ("en", en_assignment, as_english)):
        receipts[name] = post(api, f"/v1/client/assignments/{assignment['assignment_id']}/submissions",
                              {**headers, "Idempotency-Key": f"spanish-{name}"}, {"answers": answers})
    assert receipts["es"]["crisis_resources"][0]["message"].startswith("Gracias por decírnoslo.")
    assert receipts["en"]["crisis_resources"][0]["message"].startswith("Thank you for telling us.")

    stored = {name: _get(api, f"/v1/submissions/{r['submission_id']}", world.headers("a1"))
              for name, r in receipts.items()}
    assert stored["es"]["language"] == "es" and stored["en"]["language"] == "en"
    assert stored["es"]["answers"] == stored["en"]["answers"]
    assert stored["es"]["score"]["total"] == stored["en"]["score"]["total"] == 11
    assert stored["es"]["score"]["band"] == "Moderate"  # the clinician's words stay English

    past = _get(api, f"/v1/client/submissions/{receipts['es']['submission_id']}", as_spanish)
    assert past["template"]["language"] == "es" and past["score_band"] == "Moderada"
    assert past["title"] == "PHQ-9: Cuestionario sobre la salud del paciente"
    history = _get(api, "/v1/client/submissions", as_spanish)["items"]
    assert [h["title"] for h in history] == ["PHQ-9: Cuestionario sobre la salud del paciente"]
    assert [h["title"] for h in _get(api, "/v1/client/submissions", as_english)["items"]] == [
        "PHQ-9: Patient Health Questionnaire"]


def test_a_title_the_clinician_wrote_is_kept_as_written(api, world):
    client, headers = _client(api, world, "es", "titulo@example.com")
    assignment = _phq9(api, world, client["client_id"], title="Chequeo semanal con Ana")
    view = _get(api, f"/v1/client/assignments/{assignment['assignment_id']}", headers)
    assert view["title"] == "Chequeo semanal con Ana" and view["template"]["title"].startswith("PHQ-9: Cuestionario")


def test_a_template_without_spanish_falls_back_to_english_and_says_so(api, world):
    client, headers = _client(api, world, "es", "sin.traduccion@example.com")
    assignment = post(api, f"/v1/clients/{client['client_id']}/assignments", world.headers("a1"), {
        "template_id": "thought-record", "recurrence": {"frequency": "daily"}, "due_time": "23:59"})
    view = _get(api, f"/v1/client/assignments/{assignment['assignment_id']}", headers)
    from chalicelib.homework.library import get_library_template

    english = get_library_template("thought-record")
    assert english is not None and not english.translations
    assert view["template"]["language"] == "en" and view["template"]["title"] == english.title
    assert [i["label"] for i in view["template"]["items"]] == [i.label for i in english.items]


def test_the_client_changes_their_language_and_a_bad_one_is_a_422(api, world):
    client, headers = _client(api, world, None, "cambia@example.com")
    me = _get(api, "/v1/client/me", headers)
    assert me["language"] == "en"
    assert _patch(api, "/v1/client/me", headers, {"language": "es"})["language"] == "es"
    assert _get(api, f"/v1/clients/{client['client_id']}", world.headers("a1"))["language"] == "es"

    for path, who in (("/v1/client/me", headers), (f"/v1/clients/{client['client_id']}", world.headers("a1"))):
        response = api.http.patch(path, headers=who, body=json.dumps({"language": "fr"}))
        assert response.status_code == 422, response.body
        assert response.headers["Content-Type"].startswith("application/problem+json")
        problem = json.loads(response.body)
        assert [e["field"] for e in problem["errors"]] == ["language"], problem
        response = api.http.patch(path, headers=who, body=json.dumps({"language": None}))
        assert response.status_code == 422, response.body
    assert _get(api, "/v1/client/me", headers)["language"] == "es"  # nothing changed
    bad = api.http.post("/v1/clients", headers=world.headers("a1"), body=json.dumps(
        {"display_name": "X", "timezone": "Europe/London", "language": "ES"}))
    assert bad.status_code == 422, bad.body


def test_reminders_and_notices_go_in_the_client_s_language(api, world, sent):
    from chalicelib.notifications.messages import REMINDER_SUBJECTS
    from chalicelib.reminders import sweep

    client, _ = _client(api, world, "es", "recordar@example.com", timezone="UTC")
    now = datetime.now(UTC)
    _phq9(api, world, client["client_id"],
          reminders={"time": now.strftime("%H:%M"), "only_while_open": False})
    notice = sent.to("recordar@example.com")
    assert [m.subject for m in notice] == ["Tiene una tarea nueva en Emotipal"], notice
    assert "PHQ-9: Cuestionario sobre la salud del paciente" in notice[0].text

    sweep.run(now=now + timedelta(minutes=1))
    reminders = [m for m in sent.to("recordar@example.com") if m.subject in REMINDER_SUBJECTS]
    assert [m.subject for m in reminders] == ["Recordatorio: su tarea le está esperando"], sent.sent
    assert 'Su tarea "PHQ-9: Cuestionario sobre la salud del paciente" le está esperando.' in reminders[0].text
    assert "No recibir más recordatorios por correo" in reminders[0].text and "Stop email" not in reminders[0].text


def test_a_clinician_s_own_template_carries_spanish_checked_key_by_key(api, world):
    content = {"title": "Evening wind-down", "kind": "diary", "instructions": "Note how you wound down.",
               "items": [{"id": "what", "type": "single_choice", "label": "What did you do?",
                          "options": [{"value": "read", "label": "Read"}, {"value": "walk", "label": "Walked"}]}]}
    response = api.http.post("/v1/templates", headers=world.headers("a1"), body=json.dumps({"content": {
        **content, "translations": {"es": {"items": {"what": {"options": {"swim": "Nadé"}}, "when": {"label": "x"}}}}}}))
    assert response.status_code == 422, response.body
    fields = sorted(e["field"] for e in json.loads(response.body)["errors"])
    assert fields == ["content.translations.es.items.what.options.swim", "content.translations.es.items.when"], fields

    created = post(api, "/v1/templates", world.headers("a1"), {"content": {**content, "translations": {"es": {
        "title": "Para relajarse por la noche", "items": {"what": {"label": "¿Qué hizo?", "options": {"read": "Leí"}}}}}}})
    client, headers = _client(api, world, "es", "propia@example.com")
    assignment = post(api, f"/v1/clients/{client['client_id']}/assignments", world.headers("a1"), {
        "template_id": created["template_id"], "recurrence": {"frequency": "daily"}, "due_time": "23:59"})
    view = _get(api, f"/v1/client/assignments/{assignment['assignment_id']}", headers)
    assert view["title"] == "Para relajarse por la noche"
    item = view["template"]["items"][0]
    assert item["label"] == "¿Qué hizo?" and [o["label"] for o in item["options"]] == ["Leí", "Walked"]
    assert view["template_instructions"] == "Note how you wound down."  # not translated: English
