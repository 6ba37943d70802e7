"""Template translations (#13 item 9): every key names something that exists; the client's
template in their language falls back to English per string; option values, scores and
scoring are the same in every language; PHQ-9 and GAD-7 carry complete Spanish; reminder and
notice wording follows the client's language."""
from __future__ import annotations

import copy
import json

import pytest
from pydantic import ValidationError

from chalicelib.homework import localized
from chalicelib.homework.library import get_library_template, list_library
from chalicelib.homework.scoring import score
from chalicelib.homework.templates import Template

BASE = {
    "id": "t-es", "title": "Check-in", "kind": "questionnaire", "instructions": "Over the last week:",
    "items": [
        {"id": "mood", "type": "single_choice", "label": "Mood", "help": "Pick one",
         "options": [{"value": "low", "label": "Low", "score": 0}, {"value": "ok", "label": "OK", "score": 1}]},
        {"id": "energy", "type": "scale", "label": "Energy", "min": 0, "max": 10,
         "anchors": [{"value": 0, "label": "None"}, {"value": 10, "label": "Lots"}]},
        {"id": "sleep", "type": "number", "label": "Sleep", "unit": "hours", "min": 0, "max": 24},
        {"id": "note", "type": "text", "label": "Anything else?"},
    ],
    "scoring": {"total_items": ["mood"], "bands": [{"min": 0, "max": 0, "label": "Low"},
                                                   {"min": 1, "max": 1, "label": "Fine"}],
                "risk": [{"item": "mood", "threshold": 1, "label": "Flag", "message": "Call someone."}]},
}


def _with(translation: dict, language: str = "es") -> dict:
    return {**copy.deepcopy(BASE), "translations": {language: translation}}


def _problems(body: dict) -> dict[tuple, str]:
    with pytest.raises(ValidationError) as caught:
        Template.model_validate(body)
    return {tuple(e["loc"]): e["type"] for e in caught.value.errors()}


def test_a_translation_naming_only_what_exists_is_accepted():
    template = Template.model_validate(_with({
        "title": "Chequeo", "items": {"mood": {"label": "Ánimo", "options": {"low": "Bajo"}},
                                      "energy": {"anchors": {"0": "Nada", "10": "Mucha"}},
                                      "sleep": {"unit": "horas"}},
        "scoring": {"risk": {"mood": "Llame a alguien."}, "bands": {"Low": "Bajo"}}}))
    assert template.translations["es"].items["mood"].options == {"low": "Bajo"}


@pytest.mark.parametrize("translation,where,kind", [
    ({"items": {"nope": {"label": "x"}}}, ("translations", "es", "items", "nope"), "unknown_item"),
    ({"items": {"mood": {"options": {"high": "Alto"}}}}, ("translations", "es", "items", "mood", "options", "high"),
     "unknown_option"),
    ({"items": {"energy": {"anchors": {"5": "Medio"}}}}, ("translations", "es", "items", "energy", "anchors", "5"),
     "unknown_anchor"),
    ({"items": {"mood": {"unit": "x"}}}, ("translations", "es", "items", "mood", "unit"), "unknown_unit"),
    ({"scoring": {"risk": {"note": "x"}}}, ("translations", "es", "scoring", "risk", "note"), "unknown_risk"),
    ({"scoring": {"bands": {"Severe": "Grave"}}}, ("translations", "es", "scoring", "bands", "Severe"),
     "unknown_band"),
])
def test_every_key_must_name_something_that_exists(translation, where, kind):
    problems = _problems(_with(translation))
    assert problems == {where: kind}, problems


def test_only_known_languages_and_fields():
    assert ("translations", "fr") in {loc[:2] for loc in _problems(_with({"title": "Bilan"}, "fr"))}
    assert _problems(_with({"items": {"mood": {"colour": "rojo"}}}))


def test_localize_falls_back_to_english_per_string_and_keeps_values_and_scores():
    body = _with({"instructions": "Durante la última semana:",
                  "items": {"mood": {"label": "Ánimo", "options": {"low": "Bajo"}},
                            "energy": {"anchors": {"10": "Mucha"}}},
                  "scoring": {"risk": {"mood": "Llame a alguien."}}})
    stored = Template.model_validate(body).model_dump(mode="json")
    es = localized.localize(stored, "es")
    assert es["language"] == "es" and "translations" not in es
    assert es["title"] == "Check-in" and es["instructions"] == "Durante la última semana:"
    mood, energy, sleep = es["items"][:3]
    assert (mood["label"], mood["help"]) == ("Ánimo", "Pick one")  # help not translated: English
    assert [(o["value"], o["label"], o["score"]) for o in mood["options"]] == [("low", "Bajo", 0), ("ok", "OK", 1)]
    assert [a["label"] for a in energy["anchors"]] == ["None", "Mucha"]
    assert sleep["unit"] == "hours"
    assert es["scoring"]["risk"][0]["message"] == "Llame a alguien."
    assert es["scoring"]["bands"][0]["label"] == "Low"  # band not translated
    assert stored["items"][0]["label"] == "Mood"  # the stored template is left as it was

    en = localized.localize(stored, "en")
    assert en["language"] == "en" and en["items"][0]["label"] == "Mood" and "translations" not in en
    # Scoring the same answers on either form gives the same result.
    as_form = {k: v for k, v in es.items() if k != "language"}
    answers = {"mood": "ok"}
    on_es, on_en = score(Template.model_validate(as_form), answers), score(Template.model_validate(stored), answers)
    assert on_es.model_dump(exclude={"risk_flags"}) == on_en.model_dump(exclude={"risk_flags"})
    assert on_es.total == 1 and [(f.item, f.value) for f in on_es.risk_flags] == [
        (f.item, f.value) for f in on_en.risk_flags] == [("mood", 1)]
    assert on_es.risk_flags[0].message == "Llame a alguien."  # only the words differ


def test_titles_stems_bands_and_risk_messages():
    stored = Template.model_validate(_with({"title": "Chequeo", "instructions": "Durante:",
                                            "scoring": {"bands": {"Fine": "Bien"},
                                                        "risk": {"mood": "Llame."}}})).model_dump(mode="json")
    assert localized.title(stored, "Check-in", "es") == "Chequeo"
    assert localized.title(stored, "My own title", "es") == "My own title"
    assert localized.title(stored, "Check-in", "en") == "Check-in"
    assert localized.stem(stored, "Over the last week:", "es") == "Durante:"
    assert localized.stem(stored, "Something else", "es") == "Something else"
    assert localized.band_label(stored, "Fine", "es") == "Bien"
    assert localized.band_label(stored, "Low", "es") == "Low"
    assert localized.risk_message(stored, "mood", "Call someone.", "es") == "Llame."
    assert localized.language_of({}) == "en" and localized.language_of({"language": "es"}) == "es"


@pytest.mark.parametrize("slug", ["phq-9", "gad-7"])
def test_phq9_and_gad7_carry_complete_spanish_with_a_source(slug):
    template = get_library_template(slug)
    assert template is not None
    spanish = template.translations["es"]
    assert spanish.instructions == ("Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a "
                                    "los siguientes problemas?")
    for item in template.items:
        words = spanish.items[item.id]
        assert words.label and set(words.options) == {o.value for o in item.options}, item.id
    assert spanish.source and "phqscreeners.com" in spanish.source and "Spanish for the USA" in spanish.source
    assert "Spanish (es)" in (template.licence or "")
    bands = {b.label for b in template.scoring.bands}
    assert set(spanish.scoring.bands) == bands
    if template.scoring.risk:
        assert set(spanish.scoring.risk) == {r.item for r in template.scoring.risk}
    options = spanish.items[template.items[0].id].options
    assert list(options.values()) == ["Ningún día", "Varios días", "Más de la mitad de los días",
                                      "Casi todos los días"]


def test_every_library_template_still_loads_and_localizes():
    for template in list_library():
        stored = template.model_dump(mode="json")
        es = localized.localize(stored, "es")
        assert [i["id"] for i in es["items"]] == [i.id for i in template.items]
        assert es["language"] == ("es" if template.translations else "en")


def test_reminder_and_notice_wording_follows_the_language():
    from chalicelib.notifications import messages

    links = {"homework_url": "https://app.test/client/", "unsubscribe_url": "https://api.test/u"}
    es = messages.reminder_email(to="c@example.com", title="Diario", follow_up=False, language="es", **links)
    follow = messages.reminder_email(to="c@example.com", title="Diario", follow_up=True, language="es", **links)
    en = messages.reminder_email(to="c@example.com", title="Diario", follow_up=False, **links)
    assert es.subject == "Recordatorio: su tarea le está esperando" and follow.subject == "Pendiente: su tarea"
    assert {es.subject, follow.subject, en.subject} <= set(messages.REMINDER_SUBJECTS)
    assert '<html lang="es">' in es.html and "Su tarea" in es.text and "Hello" not in es.text
    assert "Díganos qué se lo impidió" in follow.text and "Díganos" not in es.text
    assert '<html lang="en">' in en.html and "Your homework" in en.text
    # an unknown language goes in English rather than failing
    assert messages.reminder_email(to="c@example.com", title="D", follow_up=False, language="xx",
                                   **links).subject == en.subject
    assert "le está esperando" in messages.reminder_sms(title="Diario", language="es", **links)
    notice = messages.notice_email("feedback", to="c@example.com", title="Diario", language="es", **links)
    assert notice.subject == "Su terapeuta ha respondido a su tarea" and "Léalo en Emotipal" in notice.text
    assert "tiene una tarea nueva" in messages.notice_sms("new_homework", title="Diario", language="es", **links)
    push = json.loads(messages.reminder_push(title="Diario", homework_url=links["homework_url"], language="es"))
    assert push["default"] == '"Diario" le está esperando.'


def test_the_csv_export_shows_the_language_answered_in_with_english_wording():
    import csv
    import io

    from chalicelib.exports import csv_export
    from tests.unit.export_samples import content_for

    content = content_for(["phq-9"])
    content.submissions[0]["language"] = "es"  # the second was stored before languages: English
    rows = list(csv.reader(io.StringIO(csv_export.render(content).decode("utf-8-sig"))))
    header = rows[0]
    column = header.index("submission:language")
    assert rows[1][column] == "Language answered in"
    assert [row[column] for row in rows[2:4]] == ["es", "en"]
    assert "Little interest or pleasure in doing things" in rows[1]  # the wording stays English
