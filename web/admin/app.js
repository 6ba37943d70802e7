// The clinician's page: caseload, a page per client, alerts, templates and clinicians.

import { h, clear, focusElement, formatDateTime, percent, notice, announce, browserTimeZone } from "../shared/dom.js";
import { ApiError, describeError } from "../shared/api.js";
import { timeZonePicker } from "../shared/tz-picker.js";
import { adminApi, isSignedIn, showLogin, signOut } from "./auth.js";
import { showClient, linkEndDate, renewLink } from "./client-page.js";
import { showAssign } from "./assign.js";
import { showEditAssignment } from "./edit-assignment.js";
import { showEditClient, languageSelect, LANGUAGE_HELP } from "./edit-client.js";
import { showSessionReview } from "./session-review.js";
import { showTemplates, showTemplateEditor } from "./templates.js";
import { field, fieldErrors, showProblems, clearProblems, phoneNumber } from "./forms.js";
import { alertCard, refreshAlertCount } from "./alerts.js";
import { crisisSettings } from "./crisis-settings.js";
import { caseloadTabs, dischargedTable, retentionSettings } from "./discharge.js";
import { OUTCOME_WORDS, shortTitle } from "./chart.js";

const mainElement = document.getElementById("main");
let routeCount = 0;
const nav = document.getElementById("nav");
const account = document.getElementById("account");
let me = null;
let firstRoute = true;

function start() {
  document.getElementById("sign-out").addEventListener("click", () => signOut());
  window.addEventListener("emotipal:signed-out", () => { me = null; showSignIn(); });
  window.addEventListener("hashchange", route);
  if (isSignedIn()) route();
  else showSignIn();
}

function showSignIn() {
  nav.hidden = true;
  account.hidden = true;
  showLogin(mainElement, () => {
    if (!window.location.hash.startsWith("#/")) history.replaceState(null, "", "#/clients");
    route();
  });
}

async function loadMe() {
  me ??= await adminApi("GET", "/v1/me");
  document.getElementById("account-name").textContent = `${me.display_name} · ${me.practice_name}`;
  document.getElementById("nav-clinicians").hidden = !["owner", "admin"].includes(me.role);
  nav.hidden = false;
  account.hidden = false;
  return me;
}

async function route() {
  if (!isSignedIn()) return showSignIn();
  const hash = window.location.hash || "#/clients";
  if (!hash.startsWith("#/")) return;
  const [path, query = ""] = hash.slice(2).split("?");
  const [section = "clients", id, sub, subId, part] = path.split("/");
  for (const link of nav.querySelectorAll("a[data-route]")) {
    if (link.dataset.route === (section || "clients")) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  // Each route renders into a view of its own: a slower, older route that finishes after a newer
  // one started writes into a view no longer on the page, never over the newer one.
  const token = ++routeCount;
  const main = h("div", { class: "view" });
  clear(mainElement, main);
  let focusTarget = null;
  try {
    const who = await loadMe();
    refreshAlertCount();
    const clientId = id ? decodeURIComponent(id) : null;
    if (section === "clients" && id && sub === "review") await showSessionReview(main, clientId, query);
    else if (section === "clients" && id && sub === "edit") await showEditClient(main, clientId, who);
    else if (section === "clients" && id && sub === "assign") await showAssign(main, clientId);
    else if (section === "clients" && id && sub === "assignments" && subId) {
      focusTarget = await showEditAssignment(main, clientId, decodeURIComponent(subId), who, { focus: part || null });
    } else if (section === "clients" && id) await showClient(main, clientId, who);
    else if (section === "alerts") await showAlerts(main, sub === "all" || id === "all");
    else if (section === "templates" && id) await showTemplateEditor(main, id === "new" ? null : decodeURIComponent(id));
    else if (section === "templates") await showTemplates(main);
    else if (section === "clinicians") await showClinicians(main, who);
    else await showCaseload(main, who);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    clear(main, h("h1", { text: "Something went wrong" }), notice("error", h("p", { text: describeError(error) })));
  }
  if (token !== routeCount) return;
  if (focusTarget) focusElement(focusTarget);
  else if (!firstRoute) focusElement(main.querySelector("h1"));
  firstRoute = false;
}

// -- caseload ------------------------------------------------------------------------------

function completionCell(completion) {
  if (!completion || !completion.due) return h("td", { class: "number muted", text: "—" });
  return h("td", { class: "number", text: `${percent(completion.ratio)} (${completion.done}/${completion.due})` });
}

async function showCaseload(main) {
  clear(main, h("h1", { text: "Caseload" }), h("p", { class: "loading", text: "Loading" }));
  const discharged = caseloadParam("status") === "discharged";
  const byOutcome = !discharged && caseloadOrder() === "outcome";
  const clients = [];
  let next = null;
  do {
    const page = await adminApi("GET", `/v1/clients?limit=100${discharged ? "&status=discharged" : ""}${byOutcome ? "&sort=outcome" : ""}${next ? `&next_token=${encodeURIComponent(next)}` : ""}`);
    clients.push(...page.items);
    next = page.next_token;
  } while (next && clients.length < 1000);
  if (discharged) {
    clients.sort((a, b) => (b.discharged_at || "").localeCompare(a.discharged_at || ""));
    clear(main, h("div", { class: "page-head" }, h("h1", { text: "Discharged clients" })), caseloadTabs(true),
      h("p", { class: "muted", text: "Their records stay readable and exportable until your practice's retention period ends; then they are erased. Open a client to re-open them." }),
      dischargedTable(clients));
    return;
  }
  // "Most in need first" keeps the API's order (deterioration, then no reliable change after N, ...).
  if (!byOutcome) clients.sort((a, b) => (b.open_alerts || 0) - (a.open_alerts || 0) || a.display_name.localeCompare(b.display_name));
  const rows = clients.map((client) => h("tr", {},
    h("th", { scope: "row" }, h("a", { href: `#/clients/${encodeURIComponent(client.client_id)}`, text: client.display_name })),
    completionCell(client.completion_7d),
    completionCell(client.completion_28d),
    h("td", { class: "number" }, client.open_alerts
      ? h("span", { class: "badge badge-alert", text: String(client.open_alerts) }) : h("span", { class: "muted", text: "0" })),
    outcomeCell(client),
    planCell(client),
    linkCell(client)));
  clear(main,
    h("div", { class: "page-head" }, h("h1", { text: "Caseload" })),
    caseloadTabs(false),
    clients.length ? orderPicker(byOutcome) : null,
    clients.length
      ? h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": "caseload-caption" },
        h("table", {},
          h("caption", { id: "caseload-caption", text: `${clients.length} ${clients.length === 1 ? "client" : "clients"}` }),
          h("thead", {}, h("tr", {},
            h("th", { scope: "col", text: "Client" }), h("th", { scope: "col", class: "number", text: "Completion, 7 days" }),
            h("th", { scope: "col", class: "number", text: "Completion, 28 days" }), h("th", { scope: "col", class: "number", text: "Open alerts" }),
            h("th", { scope: "col", text: "Outcome" }), h("th", { scope: "col", text: "Plans" }), h("th", { scope: "col", text: "Access link" }))),
          h("tbody", {}, rows)))
      : notice("info", h("p", { text: "No clients yet. Add your first client below." })),
    newClientForm());
}

// The client's link: ending within 7 days, a warning and one click to renew it (same link, so
// nothing to send); no working link, the way to the client's page to send a new one.
function linkCell(client) {
  const cell = h("td", { class: "link-cell" });
  const link = client.access_link;
  const clientPage = `#/clients/${encodeURIComponent(client.client_id)}`;
  const forClient = h("span", { class: "visually-hidden", text: ` for ${client.display_name}` });
  if (!link.active) {
    return clear(cell, h("span", { class: "link-warning", text: "No working link" }), " ",
      h("a", { href: clientPage }, "Send a new link", forClient));
  }
  if (!link.expires_soon) return clear(cell, `Active until ${formatDateTime(link.expires_at)}`);
  const status = h("div", { role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "button button-small" }, "Renew link", forClient);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const result = await renewLink(client.client_id);
      clear(cell, result.expires_soon ? h("span", { class: "link-warning", text: `Link ends on ${linkEndDate(result.expires_at)}` })
        : `Active until ${formatDateTime(result.expires_at)}`,
      h("div", { role: "status", "aria-live": "polite" }, h("p", { class: result.renewed ? "link-renewed" : "link-warning", text: result.message })));
      announce(`${client.display_name}: ${result.message}`);
    } catch (error) {
      button.disabled = false;
      clear(status, h("p", { class: "field-error", text: describeError(error) }));
    }
  });
  return clear(cell, h("span", { class: "link-warning", text: `Link ends on ${linkEndDate(link.expires_at)}` }),
    h("div", { class: "link-cell-actions" }, button), status);
}

// The caseload's order, kept in the address ("#/clients?sort=outcome") beside any other choice there.
function caseloadOrder() {
  return caseloadParam("sort");
}

function caseloadParam(name) {
  return new URLSearchParams(window.location.hash.split("?")[1] || "").get(name);
}

function orderPicker(byOutcome) {
  const select = h("select", { id: "caseload-order", class: "control control-short" },
    h("option", { value: "", text: "Open alerts first", selected: !byOutcome }),
    h("option", { value: "outcome", text: "Most in need first", selected: byOutcome }));
  select.addEventListener("change", () => {
    const [path, query = ""] = window.location.hash.slice(1).split("?");
    const params = new URLSearchParams(query);
    if (select.value) params.set("sort", select.value);
    else params.delete("sort");
    const rest = params.toString();
    window.location.hash = `${path || "/clients"}${rest ? `?${rest}` : ""}`;
  });
  return h("div", { class: "caseload-order" }, h("label", { for: select.id, text: "Order" }), select,
    h("span", { class: "muted", text: byOutcome ? "Reliable deterioration first, then no reliable change, then the rest." : "" }));
}

// Each measure's outcome against the client's first score (the caseload summary carries them):
// reliable deterioration as a badge, "no reliable change after N scores" naming the measure.
function outcomeCell(client) {
  const measures = client.measure_outcomes || [];
  const entries = [];
  for (const measure of measures.filter((m) => m.vs_baseline === "reliable_deterioration")) {
    entries.push(h("div", { class: "outcome-entry" },
      h("span", { class: "badge badge-alert", text: "Reliable deterioration" }), ` ${shortTitle(measure.title)} ${measure.baseline} → ${measure.latest}`));
  }
  for (const measure of measures.filter((m) => m.non_response)) {
    entries.push(h("div", { class: "outcome-entry outcome-non-response" },
      h("strong", { text: `No reliable change after ${measure.count}` }), ` scores: ${shortTitle(measure.title)}`));
  }
  for (const measure of measures.filter((m) => m.vs_baseline && m.vs_baseline !== "reliable_deterioration" && !m.non_response)) {
    entries.push(h("div", { class: "outcome-entry muted", text: `${OUTCOME_WORDS[measure.vs_baseline] || measure.vs_baseline}: ${shortTitle(measure.title)}` }));
  }
  return h("td", { class: "outcome-cell" }, entries.length ? entries : h("span", { class: "muted", text: "—" }));
}

// Plans the client marked as hard (confidence under the practice's threshold): the caseload
// summary carries them, so the list needs no request per client.
function planCell(client) {
  const flagged = client.plans_to_adjust || [];
  if (!flagged.length) return h("td", { class: "plan-cell" }, h("span", { class: "muted", text: "None to adjust" }));
  return h("td", { class: "plan-cell" }, flagged.map((flag) => h("div", { class: "plan-flag-entry" },
    h("a", { class: "plan-flag-link",
      href: `#/clients/${encodeURIComponent(client.client_id)}/assignments/${encodeURIComponent(flag.assignment_id)}/plan` },
    `Plan needs adjusting: confidence ${flag.confidence ?? "—"}/10`,
    h("span", { class: "visually-hidden", text: ` (${flag.title || "homework"})` })),
    flag.what_would_help ? h("q", { class: "plan-flag-words", text: flag.what_would_help }) : null)));
}

function newClientForm() {
  const status = h("div", { class: "form-status" });
  const name = h("input", { type: "text", id: "new-client-name", class: "control", maxlength: 100, autocomplete: "off" });
  const email = h("input", { type: "email", id: "new-client-email", class: "control", autocomplete: "off" });
  const phone = h("input", { type: "tel", id: "new-client-phone", class: "control", autocomplete: "off" });
  const zone = timeZonePicker({ id: "new-client-timezone", value: browserTimeZone(), describedBy: "new-client-timezone-help" });
  const time = h("input", { type: "time", id: "new-client-reminder-time", class: "control control-short", value: "18:00" });
  const language = languageSelect("new-client-language", "en");
  const byEmail = h("input", { type: "checkbox", id: "new-client-by-email", checked: true });
  const bySms = h("input", { type: "checkbox", id: "new-client-by-sms" });
  const button = h("button", { type: "submit", class: "button", text: "Add client" });
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "new-client-title" },
    h("h2", { id: "new-client-title", text: "Add a client" }),
    status,
    h("div", { class: "form-row" },
      field("display_name", "Name the client goes by", name, { help: "Shown to the client. A first name is enough." }),
      h("div", { class: "field", dataset: { field: "timezone", label: "Client's time zone" } },
        h("label", { class: "field-label", for: zone.input.id, text: "Client's time zone" }),
        h("p", { class: "field-help", id: "new-client-timezone-help", text: "Starts from this computer's zone. Type a city to search." }),
        h("p", { class: "field-error", id: "new-client-timezone-error", hidden: true }),
        zone.element)),
    h("div", { class: "form-row" },
      field("email", "Email", email, { optional: true }),
      field("phone", "Mobile number", phone, { optional: true, help: "With country code, e.g. +44 7911 123456." })),
    field("language", "Client's language", language, { help: LANGUAGE_HELP }),
    h("div", { class: "form-row" },
      field("reminder_time", "Usual reminder time", time),
      h("fieldset", { class: "field", dataset: { field: "reminder_channels", label: "Remind by" } }, h("legend", { class: "field-label", text: "Remind by" }),
        h("p", { class: "field-error", id: "new-client-channels-error", hidden: true }),
        h("div", { class: "choices" },
          h("div", { class: "choice" }, byEmail, h("label", { for: byEmail.id, text: "Email" })),
          h("div", { class: "choice" }, bySms, h("label", { for: bySms.id, text: "Text message" }))))),
    h("div", { class: "actions" }, button));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const mobile = phoneNumber(phone.value);
    const problems = [];
    if (!name.value.trim()) problems.push({ field: "display_name", message: "Enter the client's name." });
    if (mobile.problem) problems.push({ field: "phone", message: mobile.problem });
    if (problems.length) {
      showProblems(form, status, problems);
      return;
    }
    const channels = [byEmail.checked && email.value.trim() ? "email" : null, bySms.checked && phone.value.trim() ? "sms" : null].filter(Boolean);
    button.disabled = true;
    try {
      const client = await adminApi("POST", "/v1/clients", { body: {
        display_name: name.value.trim(), email: email.value.trim() || null, phone: mobile.value,
        timezone: zone.value, language: language.value, reminder_time: time.value || "18:00", reminder_channels: channels,
      } });
      announce(`${client.display_name} added.`);
      window.location.hash = `#/clients/${encodeURIComponent(client.client_id)}`;
    } catch (error) {
      button.disabled = false;
      fieldErrors(form, status, error);
    }
  });
  return form;
}

// -- alerts --------------------------------------------------------------------------------

async function clientNames() {
  const names = new Map();
  // A discharged client's alerts stay open until acknowledged: their names are needed too.
  const pages = await Promise.all([adminApi("GET", "/v1/clients?limit=100"),
    adminApi("GET", "/v1/clients?limit=100&status=discharged").catch(() => ({ items: [] }))]);
  for (const client of pages.flatMap((page) => page.items)) names.set(client.client_id, client.display_name);
  return names;
}

// Risk and deterioration apart, a tab each ("#/alerts?kind=deterioration"); risk first.
const ALERT_KINDS = {
  risk: { label: "Risk", help: "A risk alert is raised when an answer meets a risk rule, such as PHQ-9 item 9. "
    + "A client who sent the answer was shown crisis resources then. One marked “Not sent by the client” was left in a draft "
    + "longer than your practice allows: the client never sent it and may not know anyone has seen it." },
  deterioration: { label: "Deterioration", help: "A deterioration alert is raised when a measure's score is reliably worse than "
    + "the client's first score on it (worse by at least the measure's reliable change). Each homework raises one until you acknowledge it." },
};

async function showAlerts(main, showAcknowledged, done = null) {
  clear(main, h("h1", { text: "Alerts" }), h("p", { class: "loading", text: "Loading" }));
  const asked = new URLSearchParams(window.location.hash.split("?")[1] || "").get("kind");
  const kind = asked in ALERT_KINDS ? asked : "risk";
  const status = showAcknowledged ? "acknowledged" : "open";
  const [risk, deterioration, names] = await Promise.all([
    adminApi("GET", `/v1/alerts?status=${status}&kind=risk&limit=100`),
    adminApi("GET", `/v1/alerts?status=${status}&kind=deterioration&limit=100`), clientNames()]);
  const lists = { risk, deterioration };
  const base = showAcknowledged ? "#/alerts/all" : "#/alerts";
  const tabs = h("nav", { class: "alert-tabs", "aria-label": "Kinds of alert" }, Object.entries(ALERT_KINDS).map(([value, { label }]) =>
    h("a", { href: `${base}?kind=${value}`, "aria-current": value === kind ? "page" : null,
      text: `${label} (${lists[value].items.length}${lists[value].next_token ? "+" : ""})` })));
  const alerts = lists[kind];
  const list = h("div", {});
  const render = (items) => {
    clear(list, items.length ? items.map((alert) => alertCard(alert, names.get(alert.client_id) || "A client",
      (updated) => showAlerts(main, showAcknowledged, updated).then(() => focusElement(main.querySelector(".notice-success")))))
      : notice("success", h("p", { text: `No ${status} ${ALERT_KINDS[kind].label.toLowerCase()} alerts${showAcknowledged ? " yet" : ""}.` })));
  };
  render(alerts.items);
  clear(main,
    h("div", { class: "page-head" }, h("h1", { text: showAcknowledged ? "Acknowledged alerts" : "Open alerts" }),
      h("a", { href: `${showAcknowledged ? "#/alerts" : "#/alerts/all"}?kind=${kind}`, text: showAcknowledged ? "Show open alerts" : "Show acknowledged alerts" })),
    tabs,
    h("p", { class: "muted", text: ALERT_KINDS[kind].help }),
    done ? notice("success", h("p", { text: `Acknowledged: ${names.get(done.client_id) || "the client"}'s ${done.template_title} alert, by ${
      done.acknowledged_by_name || "you"} on ${formatDateTime(done.acknowledged_at)}. It is now with the acknowledged alerts.` })) : null,
    list);
}

// -- clinicians ----------------------------------------------------------------------------

async function showClinicians(main, who) {
  if (!["owner", "admin"].includes(who.role)) {
    clear(main, h("h1", { text: "Clinicians" }), notice("info", h("p", { text: "Only practice owners and admins manage clinicians." })));
    return;
  }
  clear(main, h("h1", { text: "Clinicians" }), h("p", { class: "loading", text: "Loading" }));
  const list = await adminApi("GET", "/v1/clinicians?limit=100");
  const status = h("div", { role: "status", "aria-live": "polite" });
  const email = h("input", { type: "email", id: "invite-email", class: "control", autocomplete: "off" });
  const name = h("input", { type: "text", id: "invite-name", class: "control", maxlength: 100, autocomplete: "off" });
  const role = h("select", { id: "invite-role", class: "control control-short" },
    h("option", { value: "clinician", text: "Clinician" }), h("option", { value: "admin", text: "Admin" }));
  const button = h("button", { type: "submit", class: "button", text: "Send invitation" });
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "invite-title" },
    h("h2", { id: "invite-title", text: "Invite a clinician" }),
    status,
    h("div", { class: "form-row" },
      h("div", { class: "field", dataset: { field: "display_name" } }, h("label", { class: "field-label", for: name.id, text: "Name" }), name),
      h("div", { class: "field", dataset: { field: "email" } }, h("label", { class: "field-label", for: email.id, text: "Email address" }), email),
      h("div", { class: "field", dataset: { field: "role" } }, h("label", { class: "field-label", for: role.id, text: "Role" }), role)),
    h("div", { class: "actions" }, button));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      const invited = await adminApi("POST", "/v1/clinicians", { body: { email: email.value.trim(), display_name: name.value.trim(), role: role.value } });
      await showClinicians(main, who);
      const message = [h("p", { text: `${invited.display_name} is invited. They will get an email with a temporary password.` })];
      if (invited.temporary_password) {
        message.push(h("p", {}, "Temporary password (local test stage only): ", h("code", { text: invited.temporary_password })));
      }
      const done = notice("success", ...message);
      main.querySelector("h1").after(done);
      focusElement(done);
    } catch (error) {
      button.disabled = false;
      fieldErrors(form, status, error);
    }
  });
  clear(main,
    h("h1", { text: "Clinicians" }),
    h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": "clinicians-caption" },
      h("table", {}, h("caption", { id: "clinicians-caption", text: "Clinicians in your practice" }),
        h("thead", {}, h("tr", {}, ["Name", "Email", "Role", "Status", "Actions"].map((label) => h("th", { scope: "col", text: label })))),
        h("tbody", {}, list.items.map((clinician) => h("tr", {},
          h("th", { scope: "row", text: clinician.display_name }), h("td", { text: clinician.email }),
          h("td", { text: clinician.role }), h("td", { text: clinician.status }),
          h("td", {}, clinician.clinician_id === who.clinician_id ? null : offboardButton(main, clinician, who, status))))))),
    form,
    await practiceSettings(),
    await retentionSettings(who),
    await crisisSettings());
}

// Practice settings (owners and admins): when a client's confidence in their plan is low enough
// to ask what would make it easier and flag the plan for adjusting; how long a client's link may
// live at most (renewals and use slide it forward, never past this from when it was sent).
async function practiceSettings() {
  let practice;
  try {
    practice = await adminApi("GET", "/v1/practice");
  } catch (error) {
    return h("section", { class: "card", "aria-labelledby": "practice-title" },
      h("h2", { id: "practice-title", text: "Practice settings" }), notice("error", h("p", { text: describeError(error) })));
  }
  const status = h("div", { class: "form-status" });
  const threshold = h("input", { type: "number", id: "practice-threshold", class: "control control-short", min: 1, max: 10, step: 1,
    inputmode: "numeric", value: practice.plan_confidence_threshold });
  const linkMax = h("input", { type: "number", id: "practice-link-max", class: "control control-short", min: 7, max: 365, step: 1,
    inputmode: "numeric", value: practice.link_max_days ?? 180 });
  const nonResponse = h("input", { type: "number", id: "practice-non-response", class: "control control-short", min: 2, max: 52, step: 1,
    inputmode: "numeric", value: practice.non_response_after ?? 6 });
  const draftHours = h("input", { type: "number", id: "practice-draft-risk-hours", class: "control control-short", min: 1, max: 168, step: 1,
    inputmode: "numeric", value: practice.draft_risk_hours ?? 12 });
  const button = h("button", { type: "submit", class: "button", text: "Save settings" });
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "practice-title" },
    h("h2", { id: "practice-title", text: "Practice settings" }),
    status,
    field("plan_confidence_threshold", "Plan confidence threshold", threshold, {
      help: "When a client rates their confidence below this (out of 10), they are asked kindly what would make it easier, and the plan is flagged for you to adjust. Usually 7." }),
    field("link_max_days", "Longest a client's link lasts (days)", linkMax, {
      help: "A client's link that is in use keeps sliding forward, but never lives longer than this from when it was sent. Then you send a new one. From 7 to 365 days; usually 180." }),
    field("non_response_after", "Flag no reliable change after (scores)", nonResponse, {
      help: "When a client has filled in a measure this many times and their score has still not moved reliably from their first, the caseload says so, so you can review the plan. From 2 to 52; usually 6." }),
    field("draft_risk_hours", "Alert on an unsent risk answer after (hours)", draftHours, {
      help: "If a client gives a risk answer (such as thoughts of self-harm) but leaves it in a draft without sending it, you get an alert marked “Not sent by the client” after this many hours. From 1 to 168 (a week); usually 12." }),
    h("div", { class: "actions" }, button));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = Number(threshold.value);
    const days = Number(linkMax.value);
    const problems = [];
    if (!Number.isInteger(value) || value < 1 || value > 10) {
      problems.push({ field: "plan_confidence_threshold", message: "Choose a whole number from 1 to 10." });
    }
    if (!linkMax.value.trim() || !Number.isInteger(days) || days < 7 || days > 365) {
      problems.push({ field: "link_max_days", message: "Choose a whole number of days from 7 to 365." });
    }
    const after = Number(nonResponse.value);
    const hours = Number(draftHours.value);
    if (!nonResponse.value.trim() || !Number.isInteger(after) || after < 2 || after > 52) {
      problems.push({ field: "non_response_after", message: "Choose a whole number of scores from 2 to 52." });
    }
    if (!draftHours.value.trim() || !Number.isInteger(hours) || hours < 1 || hours > 168) {
      problems.push({ field: "draft_risk_hours", message: "Choose a whole number of hours from 1 to 168." });
    }
    if (problems.length) {
      showProblems(form, status, problems);
      return;
    }
    button.disabled = true;
    try {
      const saved = await adminApi("PATCH", "/v1/practice", { body: { plan_confidence_threshold: value, link_max_days: days,
        non_response_after: after, draft_risk_hours: hours } });
      clearProblems(form, status); // the fields' earlier problems are answered
      clear(status, notice("success", h("p", { text: `Saved. Plans are flagged when confidence is below ${saved.plan_confidence_threshold} out of 10. `
        + `A client's link lasts at most ${saved.link_max_days} days from when it was sent. `
        + `No reliable change is flagged after ${saved.non_response_after} scores; an unsent risk answer alerts you after ${saved.draft_risk_hours} hours.` })));
      focusElement(status.firstElementChild);
    } catch (error) {
      fieldErrors(form, status, error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

// Offboarding: the API refuses (409) while the clinician still has clients and names them,
// so they can be reassigned from each client's page first.
function offboardButton(main, clinician, who, status) {
  const deactivating = clinician.status === "active";
  const verb = deactivating ? "Deactivate" : "Reactivate";
  const button = h("button", { type: "button", class: "button button-secondary", text: verb, "aria-label": `${verb} ${clinician.display_name}` });
  button.addEventListener("click", async () => {
    if (deactivating && !window.confirm(`Deactivate ${clinician.display_name}? They are signed out everywhere and cannot sign in until reactivated.`)) return;
    button.disabled = true;
    try {
      await adminApi("POST", `/v1/clinicians/${encodeURIComponent(clinician.clinician_id)}/${verb.toLowerCase()}`);
      await showClinicians(main, who);
      announce(`${clinician.display_name} ${deactivating ? "deactivated" : "reactivated"}.`);
    } catch (error) {
      button.disabled = false;
      const clients = error instanceof ApiError && Array.isArray(error.problem.clients) ? error.problem.clients : [];
      clear(status, notice("error", h("p", { text: describeError(error) }), clients.length
        ? h("ul", {}, clients.map((client) => h("li", {}, h("a", { href: `#/clients/${encodeURIComponent(client.client_id)}`, text: client.display_name }))))
        : null));
      focusElement(status.firstElementChild);
    }
  });
  return button;
}

start();
