"""The clinician sees what a client's scores mean and acts on it (issue 13, the admin page).

Set up through the API, as the clinician and the clients would (the client sends each measure
with their access link): Cy's PHQ-9 goes 20 → 12 → 8 (reliable improvement, then reliable
recovery) while their GAD-7 goes 5 → 14 (reliable deterioration: one alert); Zed's PHQ-9 goes
14 → 13 (no reliable change); Ana has no scores. Each measure is a one-off homework, so every
score is sent on the day the test runs (due 23:59 in a zone where it is around midday).

In the browser (1366 px): the practice settings for "no reliable change after" and the unsent
risk answer's wait, refused out of range and then saved; the caseload's Outcome column (a
deterioration badge, "No reliable change after 2 scores" naming the measure) and its "Most in
need first" order (the API's ?sort=outcome); the client page's progress (each point labelled
against the first score, the clinical cut-off drawn as a labelled line, the sentence saying where
the client is, the sources), completion that counts work sent early, and the alert's change line;
the alerts page's Deterioration tab, and on its Risk tab a risk answer left unsent in a draft
(the sweep opens that alert only after the practice's hours, so the page is given one in the API's
shape for a draft alert: source "draft", no submission); the session review's alert line. Every
page state is checked by the conftest's Checks (axe, console, requests).
"""
from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Checks
from tests.browser.test_admin_session import LAPTOP, midday_time_zone, sign_in, step
from tests.browser.test_client_plan import Api, clinician_api

OPTIONS = ["not_at_all", "several_days", "more_than_half_the_days", "nearly_every_day"]
DEFAULTS = {"non_response_after": 6, "draft_risk_hours": 12}
OPEN_RISK_ALERTS = re.compile(r"/v1/alerts\?status=open&kind=risk&")
GAD7_CHANGE = "GAD-7: 5 → 14 since the first score (a reliable change is 4)"


def phq9(*scores: int) -> dict[str, str]:
    return {**{f"phq9_{n}": OPTIONS[v] for n, v in enumerate(scores, start=1)}, "difficulty": "somewhat_difficult"}


def gad7(*scores: int) -> dict[str, str]:
    return {f"gad7_{n}": OPTIONS[v] for n, v in enumerate(scores, start=1)}


PHQ9 = {20: phq9(3, 3, 3, 3, 3, 3, 1, 1, 0), 12: phq9(2, 2, 2, 2, 2, 2, 0, 0, 0), 8: phq9(1, 1, 1, 1, 1, 1, 1, 1, 0),
        14: phq9(2, 2, 2, 2, 2, 2, 2, 0, 0), 13: phq9(2, 2, 2, 2, 2, 2, 1, 0, 0)}
GAD7 = {5: gad7(1, 1, 1, 1, 1, 0, 0), 14: gad7(2, 2, 2, 2, 2, 2, 2)}


class Client:
    """A client with a link, who sends each measure as a one-off homework through the client API."""

    def __init__(self, stack: dict[str, Any], clinician: Api, name: str) -> None:
        self.clinician = clinician
        self.profile = clinician.call("POST", "/v1/clients", {
            "display_name": name, "timezone": midday_time_zone(datetime.now(UTC))}, expect_status=201)
        self.id = self.profile["client_id"]
        link = clinician.call("POST", f"/v1/clients/{self.id}/access-link", {}, expect_status=201)
        self.api = Api(stack["api"], link["url"].split("#token=")[1])

    def sends(self, template_id: str, title: str, answers: dict[str, str]) -> None:
        assignment = self.clinician.call("POST", f"/v1/clients/{self.id}/assignments", {
            "template_id": template_id, "title": title, "due_time": "23:59"}, expect_status=201)
        self.api.call("POST", f"/v1/client/assignments/{assignment['assignment_id']}/submissions", {"answers": answers},
                      expect_status=201, headers={"Idempotency-Key": str(uuid.uuid4())})


def _with_draft_alert(client_id: str):
    """Adds an open risk alert left unsent in a draft to the API's own list of open risk alerts."""
    alert = {"alert_id": f"{client_id}.01JDRAFTALERT0000000000000", "client_id": client_id,
             "assignment_id": f"{client_id}.01JDRAFTASSIGNMENT00000000", "submission_id": None, "source": "draft",
             "template_title": "PHQ-9: Patient Health Questionnaire", "status": "open", "kind": "risk",
             "created_at": datetime.now(UTC).isoformat(), "change": None,
             "items": [{"item": "phq9_9", "label": "Thoughts that you would be better off dead, or thoughts of "
                        "hurting yourself in some way", "value": 1, "answer": "Several days"}]}

    def handle(route: Route) -> None:
        response = route.fetch()
        listed = response.json()
        route.fulfill(response=response, json={**listed, "items": [alert, *listed["items"]]})
    return handle


def _with_draft_review_alert(client_id: str):
    """Adds an open alert left unsent in a draft to the session review's own open alerts."""
    alert = {"alert_id": f"{client_id}.01JDRAFTALERT0000000000000", "assignment_id": None, "submission_id": None,
             "template_title": "PHQ-9: Patient Health Questionnaire", "created_at": datetime.now(UTC).isoformat(),
             "source": "draft", "items": [{"item": "phq9_9", "label": "Thoughts of hurting yourself", "value": 1,
                                           "answer": "Several days"}]}

    def handle(route: Route) -> None:
        response = route.fetch()
        review = response.json()
        route.fulfill(response=response, json={**review, "open_alerts": [*review["open_alerts"], alert]})
    return handle


def _caseload_names(page: Page) -> list[str]:
    return page.locator("#main tbody tr th[scope=row] a").all_inner_texts()


def _figure(page: Page, measure: str):
    return page.locator("figure.chart-figure", has=page.get_by_role("heading", level=3, name=re.compile(f"^{measure}")))


def test_outcomes_deterioration_and_practice_settings(stack, new_context, checks: Checks) -> None:
    clinician = clinician_api(stack)
    suffix = uuid.uuid4().hex[:4]
    # Named so the usual order (open alerts, then by name) and "most in need first" differ.
    cy = Client(stack, clinician, f"Cy Decline {suffix}")
    zed = Client(stack, clinician, f"Zed Nochange {suffix}")
    ana = Client(stack, clinician, f"Ana Unscored {suffix}")
    cy.sends("phq-9", "PHQ-9 week 1", PHQ9[20])
    cy.sends("gad-7", "GAD-7 week 1", GAD7[5])
    cy.sends("phq-9", "PHQ-9 week 2", PHQ9[12])
    cy.sends("gad-7", "GAD-7 week 2", GAD7[14])
    cy.sends("phq-9", "PHQ-9 week 3", PHQ9[8])
    zed.sends("phq-9", "PHQ-9 week 1", PHQ9[14])
    zed.sends("phq-9", "PHQ-9 week 2", PHQ9[13])
    assert [a["change"]["total"] for a in clinician.call("GET", "/v1/alerts?kind=deterioration")["items"]
            if a["client_id"] == cy.id] == [14]

    page = checks.watch(new_context(viewport=LAPTOP).new_page(), "admin-outcomes")
    sign_in(page, stack)
    try:
        # -- practice settings: no reliable change after N scores; the unsent risk answer's wait --
        page.get_by_role("link", name="Clinicians").click()
        after = page.get_by_label("Flag no reliable change after (scores)")
        hours = page.get_by_label("Alert on an unsent risk answer after (hours)")
        expect(after).to_have_value(str(DEFAULTS["non_response_after"]))
        expect(hours).to_have_value(str(DEFAULTS["draft_risk_hours"]))
        expect(page.get_by_text("you get an alert marked “Not sent by the client” after this many hours")).to_be_visible()
        after.fill("1")
        hours.fill("200")
        page.get_by_role("button", name="Save settings").click()
        summary = page.locator(".error-summary")
        expect(summary).to_contain_text("Choose a whole number of scores from 2 to 52.")
        expect(summary).to_contain_text("Choose a whole number of hours from 1 to 168.")
        step(page, checks, "admin-outcomes-settings-refused")
        after.fill("2")
        hours.fill("24")
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_text("No reliable change is flagged after 2 scores; an unsent risk answer alerts you "
                                "after 24 hours.")).to_be_visible()
        practice = clinician.call("GET", "/v1/practice")
        assert (practice["non_response_after"], practice["draft_risk_hours"]) == (2, 24)
        step(page, checks, "admin-outcomes-settings-saved")

        # -- the caseload: the Outcome column, then most in need first ----------------------------
        page.get_by_role("link", name="Caseload").click()
        cy_row = page.locator("tr", has=page.get_by_role("link", name=cy.profile["display_name"], exact=True))
        zed_row = page.locator("tr", has=page.get_by_role("link", name=zed.profile["display_name"], exact=True))
        ana_row = page.locator("tr", has=page.get_by_role("link", name=ana.profile["display_name"], exact=True))
        expect(cy_row.locator(".outcome-cell .badge-alert")).to_have_text("Reliable deterioration")
        expect(cy_row.locator(".outcome-cell")).to_contain_text("GAD-7 5 → 14")
        expect(cy_row.locator(".outcome-cell")).to_contain_text("Reliable recovery: PHQ-9")
        expect(zed_row.locator(".outcome-cell")).to_have_text("No reliable change after 2 scores: PHQ-9")
        expect(ana_row.locator(".outcome-cell")).to_have_text("—")
        names = _caseload_names(page)
        assert names.index(ana.profile["display_name"]) < names.index(zed.profile["display_name"])  # by name
        step(page, checks, "admin-outcomes-caseload")
        page.get_by_label("Order").select_option(label="Most in need first")
        expect(page).to_have_url(re.compile(r"#/clients\?sort=outcome$"))
        expect(page.get_by_label("Order")).to_have_value("outcome")
        expect(page.get_by_text("Reliable deterioration first, then no reliable change")).to_be_visible()
        names = _caseload_names(page)
        order = [names.index(c.profile["display_name"]) for c in (cy, zed, ana)]
        assert order == sorted(order), names  # deterioration, then no reliable change, then no scores
        assert any("sort=outcome" in url for url in checks.requested)
        step(page, checks, "admin-outcomes-caseload-most-in-need")
    finally:
        clinician.call("PATCH", "/v1/practice", DEFAULTS)  # the stack is shared with other stories

    # -- the client page: progress against the first score, the cut-off, the sources -------------
    page.get_by_role("link", name=cy.profile["display_name"], exact=True).click()
    expect(page.get_by_role("heading", level=1, name=cy.profile["display_name"])).to_be_visible()
    expect(page.get_by_text("Overall completion 100%: 5 done of 5 so far, counting work sent early.")).to_be_visible()
    phq = _figure(page, "PHQ-9")
    expect(phq.locator(".chart-outcome")).to_have_text(
        "Reliable recovery since the first score (20 → 8), now out of the clinical range.")
    expect(phq.locator(".chart-legend")).to_have_text(
        "A reliable change is 6 points; the clinical range is 10 or more. Lower is better.")
    expect(phq.locator("svg text.cutoff-label")).to_have_text("↑ clinical range (10 or more)")
    expect(phq.locator("svg line.cutoff")).to_have_count(1)
    expect(phq.locator("svg text.point-label")).to_have_text(["Reliably better", "Reliably recovered"])
    expect(phq.locator("svg circle.point-better")).to_have_count(2)
    gad = _figure(page, "GAD-7")
    expect(gad.locator(".chart-outcome")).to_have_text(
        "Reliable deterioration since the first score (5 → 14), now in the clinical range.")
    expect(gad.locator("svg text.point-label")).to_have_text(["Reliably worse"])
    expect(gad.locator("svg circle.point-worse")).to_have_count(1)
    expect(gad.locator("svg text.cutoff-label")).to_have_text("↑ clinical range (8 or more)")
    phq.get_by_text("Show the scores as a table").click()
    expect(phq.locator("tbody tr td:last-child")).to_have_text(
        ["First score", "Reliable improvement", "Reliable recovery"])
    phq.get_by_text("Sources", exact=True).click()
    sources = phq.locator(".chart-sources")
    expect(sources).to_contain_text("Reliable change: PHQ-9")
    expect(sources.get_by_role("link", name=re.compile("NHS Talking Therapies")).first).to_have_attribute(
        "href", "https://www.england.nhs.uk/publication/the-nhs-talking-therapies-manual/")
    alert = page.locator("article.alert-item.alert-deterioration")
    expect(alert).to_contain_text(GAD7_CHANGE)
    expect(alert.locator(".alert-kind")).to_have_text("Deterioration")
    phq.scroll_into_view_if_needed()
    step(page, checks, "admin-outcomes-client-progress")

    # -- the alerts page: risk and deterioration apart ---------------------------------------------
    page.get_by_role("link", name=re.compile(r"^Alerts")).click()
    tabs = page.get_by_role("navigation", name="Kinds of alert")
    expect(tabs.get_by_role("link", name=re.compile(r"^Risk \("))).to_have_attribute("aria-current", "page")
    expect(page.locator("article.alert-item", has=page.get_by_role("link", name=cy.profile["display_name"]))
           ).to_have_count(0)  # Cy raised no risk alert
    tabs.get_by_role("link", name=re.compile(r"^Deterioration \(")).click()
    expect(page).to_have_url(re.compile(r"#/alerts\?kind=deterioration$"))
    expect(tabs.get_by_role("link", name=re.compile(r"^Deterioration \("))).to_have_attribute("aria-current", "page")
    card = page.locator("article.alert-item", has=page.get_by_role("link", name=cy.profile["display_name"]))
    expect(card).to_contain_text(GAD7_CHANGE)
    expect(page.get_by_text("reliably worse than the client's first score")).to_be_visible()
    expect(page.locator("article.alert-risk")).to_have_count(0)
    step(page, checks, "admin-outcomes-alerts-deterioration")

    # -- a risk answer left in a draft: said plainly, without claiming crisis resources were shown --
    page.route(OPEN_RISK_ALERTS, _with_draft_alert(zed.id))
    tabs.get_by_role("link", name=re.compile(r"^Risk \(")).click()
    draft = page.locator("article.alert-item", has=page.get_by_role("link", name=zed.profile["display_name"]))
    expect(draft.locator(".alert-draft")).to_have_text(
        "Not sent by the client: left in a draft. They may not know you have seen it.")
    expect(draft).to_contain_text("answered “Several days” (score 1)")
    expect(draft).not_to_contain_text("crisis resources")
    expect(page.get_by_text("One marked “Not sent by the client” was left in a draft")).to_be_visible()
    step(page, checks, "admin-outcomes-alerts-risk-draft")
    page.unroute(OPEN_RISK_ALERTS)

    # -- the session review names the change the same way, and an unsent answer as such -----------
    page.route(re.compile(rf"/v1/clients/{cy.id}/session-review"), _with_draft_review_alert(cy.id))
    page.goto(f"{stack['web_admin']}#/clients/{cy.id}/review")
    alerts = page.locator(".review-alerts")
    expect(alerts.locator(".alert-change")).to_have_text(GAD7_CHANGE)
    expect(alerts.locator(".review-alert").nth(1)).to_contain_text(
        "PHQ-9: Patient Health Questionnaire, raised ")
    expect(alerts.locator(".review-alert").nth(1).locator(".alert-draft")).to_have_text(
        ". Not sent by the client: left in a draft")
    expect(alerts.locator(".review-alert").nth(0).locator(".alert-draft")).to_have_count(0)
    step(page, checks, "admin-outcomes-session-review")
