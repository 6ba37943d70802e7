"""A Spanish-speaking client answers PHQ-9 in Spanish (#13 item 9).

The client's profile says "es"; the browser itself is English, so everything Spanish on the page
comes from the profile. The page's own words come from its catalogue (web/client/i18n/es.js),
the questions from the API's Spanish PHQ-9; the difficulty question appears only after a
non-zero answer; sending asks once, in Spanish, and the receipt is in Spanish. On Reminders,
"Idioma / Language" switches the page (and the profile) back to English.
Screenshots at 390 px.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.browser.test_client_plan import PHONE, clinician_api, midday_time_zone

# What the service worker keeps of the page's language, for a reminder's notification line
# (web/client/sw-push.js); waits for it to say `wanted`, then gives what it says.
STORED_LANGUAGE = """async (wanted) => {
    const url = new URL("settings/language", location.href).href;
    let said = null;
    for (let attempt = 0; attempt < 50 && said !== wanted; attempt += 1) {
        const kept = await (await caches.open("emotipal-client-settings")).match(url);
        said = kept ? await kept.text() : null;
        if (said !== wanted) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return said;
}"""


def test_a_spanish_speaking_client_answers_phq9_in_spanish(stack, new_context, checks):
    clinician = clinician_api(stack)
    client = clinician.call("POST", "/v1/clients", {"display_name": "Lucía Moreno", "language": "es",
                                                    "timezone": midday_time_zone(datetime.now(UTC))},
                            expect_status=201)
    assert client["language"] == "es"
    assignment = clinician.call("POST", f"/v1/clients/{client['client_id']}/assignments", {
        "template_id": "phq-9", "title": "Cuestionario de ánimo", "due_time": "23:59",
        "recurrence": {"frequency": "once"}}, expect_status=201)
    link = clinician.call("POST", f"/v1/clients/{client['client_id']}/access-link", {}, expect_status=201)["url"]

    page = checks.watch(new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB").new_page(), "client")
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Hola, Lucía")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    nav = page.get_by_role("navigation", name="Principal")
    expect(nav.get_by_role("link", name="Por hacer")).to_be_visible()
    expect(nav.get_by_role("link", name="Recordatorios")).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar sesión en este dispositivo")).to_be_visible()
    expect(page.get_by_text("Lista para hacer")).to_be_visible()
    assert page.title() == "Sus tareas · Emotipal"
    assert page.evaluate(STORED_LANGUAGE, "es") == "es"  # a reminder on this device will speak Spanish
    checks.step(page, "spanish-home-390")

    page.get_by_role("link", name="Empezar: Cuestionario de ánimo").click()
    expect(page.get_by_role("heading", level=1, name="Cuestionario de ánimo")).to_be_visible()
    # The measure's own stem and questions, from the API in Spanish.
    expect(page.locator("#template-instructions")).to_have_text(re.compile(r"^Durante las últimas 2 semanas"))
    expect(page.get_by_role("group", name=re.compile(r"^Poco interés o placer en hacer cosas"))).to_be_visible()
    expect(page.get_by_text("(obligatoria)").first).to_be_visible()  # the form's own word, from the catalogue
    expect(page.get_by_text("Su terapeuta verá esta respuesta, aunque no enseguida.")).to_be_visible()  # item 9
    difficulty = page.locator('[data-path="difficulty"]')
    expect(difficulty).to_be_hidden()
    for number in range(1, 10):
        page.locator(f"#q-phq9_{number}-0").check()
    expect(page.locator("label[for='q-phq9_1-0']")).to_have_text("Ningún día")
    expect(difficulty).to_be_hidden()  # every problem "Ningún día"
    checks.step(page, "spanish-phq9-difficulty-hidden-390")

    page.locator("#q-phq9_2-1").check()  # "Varios días"
    expect(difficulty).to_be_visible()
    expect(page.locator("#announcer")).to_have_text(re.compile(r"^Ahora aparece una pregunta más: Si marcó"))
    difficulty.get_by_role("radio", name="Un poco difícil").check()
    expect(page.get_by_role("heading", level=2, name="Antes de enviar")).to_be_visible()
    expect(page.get_by_text("Sí, la hice entera")).to_be_visible()
    difficulty.scroll_into_view_if_needed()
    page.screenshot(path=str(checks.artifacts / "spanish-difficulty-shown-390.png"))
    checks.step(page, "spanish-phq9-difficulty-shown-390")

    page.get_by_role("button", name="Enviar a mi terapeuta").click()
    expect(page.get_by_text("¿La envía ahora a su terapeuta?")).to_be_visible()
    checks.step(page, "spanish-confirm-send-390")
    page.get_by_role("button", name="Sí, enviarla").click()
    expect(page.get_by_role("heading", level=1, name="Gracias. Ya está enviada.")).to_be_visible()
    receipt = page.locator("main .notice-success")
    expect(receipt).to_contain_text("«Cuestionario de ánimo» llegó a su terapeuta el")
    expect(receipt).not_to_contain_text("reached")
    expect(page.get_by_role("link", name="Volver a sus tareas")).to_be_visible()
    checks.step(page, "spanish-receipt-390")

    sent = clinician.call("GET", f"/v1/assignments/{assignment['assignment_id']}/submissions")["items"]
    assert len(sent) == 1
    assert sent[0]["language"] == "es"
    assert sent[0]["answers"]["phq9_2"] == "several_days"  # values, not Spanish labels
    assert sent[0]["answers"]["difficulty"] == "somewhat_difficult"
    # The date in the receipt is Spanish (Intl in the page's language): the same moment, written
    # as Spanish writes it.
    spanish_date = page.evaluate("(iso) => new Intl.DateTimeFormat('es', { dateStyle: 'medium', timeStyle: 'short' })"
                                 ".format(new Date(iso))", sent[0]["submitted_at"])
    expect(receipt).to_contain_text(spanish_date)

    # Re-reading it: the page's words and the questions' wording, both in Spanish.
    page.get_by_role("link", name="Ver lo que ha enviado").click()
    expect(page.get_by_role("heading", level=1, name="Lo que ha enviado")).to_be_visible()
    expect(page.get_by_text("Su terapeuta todavía no ha respondido a esta.")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Volver a leer: Cuestionario de ánimo, enviada el ")).click()
    expect(page.get_by_role("heading", level=2, name="Sus respuestas")).to_be_visible()
    answers = page.locator("dl.answers")
    expect(answers.locator("dt").first).to_have_text("Poco interés o placer en hacer cosas")
    expect(answers.locator("dd").first).to_have_text("Ningún día")
    expect(answers.get_by_text("Un poco difícil")).to_be_visible()
    checks.step(page, "spanish-past-submission-390")

    # Idioma / Language: back to English, on the page and on the profile.
    page.get_by_role("link", name="Recordatorios").click()
    expect(page.get_by_role("heading", level=1, name="Recordatorios")).to_be_visible()
    picker = page.get_by_role("combobox", name="Idioma / Language")
    expect(picker).to_have_value("es")
    checks.step(page, "spanish-settings-390")
    picker.select_option("en")
    page.get_by_role("button", name="Usar este idioma").click()
    expect(page.get_by_role("heading", level=1, name="Reminders")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Saved. The page and your reminders are now in English.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="To do")).to_be_visible()
    checks.step(page, "spanish-switched-to-english-390")
    assert clinician.call("GET", f"/v1/clients/{client['client_id']}")["language"] == "en"
    assert page.evaluate(STORED_LANGUAGE, "en") == "en"


def test_before_sign_in_the_page_speaks_the_browsers_language(stack, new_context, checks):
    page = checks.watch(new_context(viewport=PHONE, locale="es-MX").new_page(), "visitor")
    page.goto(stack["web_client"])
    expect(page.get_by_role("heading", level=1, name="Vuelva a abrir su enlace")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=2, name="¿Perdió su enlace?")).to_be_visible()
    page.get_by_role("button", name="Enviarme un enlace nuevo").click()
    expect(page.get_by_text("Escriba su correo electrónico o su número de teléfono.")).to_be_visible()
    checks.step(page, "spanish-signed-out-390")
