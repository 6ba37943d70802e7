"""The clinician sets a client's language (#13 item 9): "Client's language" on the new-client
form and on "Edit details"; what is chosen is what the API keeps. Every page state is checked
by the conftest's Checks (axe, console, requests)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.browser.conftest import Checks
from tests.browser.test_admin_session import LAPTOP, midday_time_zone, sign_in, step
from tests.browser.test_client_plan import clinician_api


def test_the_client_s_language_is_chosen_on_create_and_changed_on_edit(stack, new_context, checks: Checks) -> None:
    clinician = clinician_api(stack)
    name = f"Lucía Idioma {uuid.uuid4().hex[:4]}"
    page = checks.watch(new_context(viewport=LAPTOP).new_page(), "admin-language")
    sign_in(page, stack)

    language = page.get_by_label("Client's language")
    expect(language).to_have_value("en")
    page.get_by_role("combobox", name="Client's time zone").fill(midday_time_zone(datetime.now(UTC)))
    page.get_by_label("Name the client goes by").fill(name)
    language.select_option("es")
    step(page, checks, "admin-language-new-client")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    client_id = page.url.rsplit("/", 1)[1]
    assert clinician.call("GET", f"/v1/clients/{client_id}")["language"] == "es"
    details = page.locator("section", has=page.get_by_role("heading", name="Details"))
    expect(details).to_contain_text("LanguageSpanish")

    page.get_by_role("link", name="Edit details").click()
    expect(page.get_by_role("heading", level=1, name=f"Edit details: {name}")).to_be_visible()
    language = page.get_by_label("Client's language")
    expect(language).to_have_value("es")
    step(page, checks, "admin-language-edit")
    language.select_option("en")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text(f"{name}'s details are saved.")).to_be_visible()
    assert clinician.call("GET", f"/v1/clients/{client_id}")["language"] == "en"
    expect(details).to_contain_text("LanguageEnglish")
