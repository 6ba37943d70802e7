// Crisis resources (owners): the practice's country and its own numbers and services, shown to
// clients beside a risk answer and after sending it. While the list is empty, the country's
// defaults apply (shown here). Others in the practice see the same, read-only.

import { h, clear, focusElement, notice } from "../shared/dom.js";
import { describeError } from "../shared/api.js";
import { adminApi } from "./auth.js";
import { field, fieldGroup, fieldErrors, showProblems, clearProblems } from "./forms.js";

const MAX_RESOURCES = 10;
// The countries with defaults (chalicelib/homework/crisis.py); others get "call your local
// emergency number" and the practice's own entries.
const WITH_DEFAULTS = ["GB", "IE", "US", "CA", "AU", "NZ", "DE", "FR", "ES", "IT", "NL", "BE", "SE", "NO", "DK", "FI",
  "CH", "AT", "PT", "PL", "IN", "ZA", "SG", "HK", "JP", "BR", "MX", "AR"];
// Every country code the API accepts (the regions of libphonenumber, as chalicelib checks them).
const ALL_COUNTRIES = ("AC AD AE AF AG AI AL AM AO AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BW "
  + "BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO "
  + "FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GT GU GW GY HK HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE "
  + "KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU "
  + "MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PR PS PT PW PY QA RE RO RS RU RW SA SB "
  + "SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TA TC TD TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG US UY "
  + "UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW").split(" ");
const NUMBER = /^\+?[0-9][0-9 ]*$/;

function countryName(code) {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(code) || code;
  } catch {
    return code;
  }
}

/** The card on the Clinicians page: a form for the owner, a read-only summary for others. */
export async function crisisSettings() {
  let practice;
  try {
    practice = await adminApi("GET", "/v1/practice");
  } catch (error) {
    return h("section", { class: "card", "aria-labelledby": "crisis-settings-title" },
      h("h2", { id: "crisis-settings-title", text: "Crisis resources" }), notice("error", h("p", { text: describeError(error) })));
  }
  return practice.crisis_resources_editable ? ownerForm(practice) : readOnly(practice);
}

function intro() {
  return h("p", { class: "field-help", text: "Clients see these beside an answer that suggests risk, and again after sending it. The emergency number always comes first." });
}

function resourceSummary(resource) {
  const ways = [
    resource.phone ? `Call ${resource.phone}` : null,
    resource.sms ? `Text ${resource.sms.body ? `${resource.sms.body} to ` : ""}${resource.sms.number}` : null,
    resource.url || null,
    resource.hours || null,
  ].filter(Boolean).join(" · ");
  return h("li", {}, h("strong", { text: resource.name }), resource.purpose ? ` — ${resource.purpose}` : "", ways ? h("br") : null, ways);
}

function defaultsPart(practice) {
  const where = practice.country ? countryName(practice.country) : "no country chosen";
  return h("div", { class: "crisis-defaults" },
    h("h3", { text: `Defaults (${where})` }),
    h("p", { class: "field-help", text: practice.crisis_resources.length
      ? "While your own list has entries, clients see the emergency number, then your list, instead of these."
      : "Clients see these while your own list is empty." }),
    h("ul", {}, practice.default_crisis_resources.map(resourceSummary)));
}

function readOnly(practice) {
  const own = practice.crisis_resources;
  return h("section", { class: "card", "aria-labelledby": "crisis-settings-title" },
    h("h2", { id: "crisis-settings-title", text: "Crisis resources" }),
    intro(),
    h("p", { text: `Country: ${practice.country ? countryName(practice.country) : "not chosen"}.` }),
    own.length ? [h("h3", { text: "The practice's own list" }), h("ul", {}, own.map(resourceSummary))] : null,
    defaultsPart(practice),
    h("p", { class: "muted", text: "Only the practice's owner can change these." }));
}

let rowCounter = 0;

function resourceRow(resource, onRemove) {
  rowCounter += 1;
  const n = rowCounter;
  const input = (name, value, attrs = {}) => h("input", { type: "text", id: `crisis-${n}-${name}`, class: "control", value: value || "", ...attrs });
  const controls = {
    name: input("name", resource.name, { maxlength: 80 }),
    phone: input("phone", resource.phone, { maxlength: 20, inputmode: "tel", autocomplete: "off" }),
    smsNumber: input("sms-number", resource.sms?.number, { maxlength: 20, inputmode: "tel", autocomplete: "off" }),
    smsBody: input("sms-body", resource.sms?.body, { maxlength: 20 }),
    url: input("url", resource.url, { type: "url", maxlength: 300, inputmode: "url" }),
    hours: input("hours", resource.hours, { maxlength: 40 }),
    purpose: input("purpose", resource.purpose, { maxlength: 160 }),
  };
  const remove = h("button", { type: "button", class: "button button-quiet", text: "Remove" });
  const legend = h("legend", { class: "field-label" });
  const fieldset = h("fieldset", { class: "field crisis-row", dataset: { field: "" } }, legend,
    h("p", { class: "field-error", hidden: true }),
    field("name", "Service name", controls.name),
    field("phone", "Phone number", controls.phone, { optional: true, help: "As it is dialled, for example 116 123 or +44 20 7946 0000." }),
    field("sms.number", "Number to text", controls.smsNumber, { optional: true }),
    field("sms.body", "Word to text first", controls.smsBody, { optional: true, help: "If the service asks for one, for example SHOUT." }),
    field("url", "Website", controls.url, { optional: true, help: "Starting with https://" }),
    field("hours", "Hours", controls.hours, { optional: true, help: "For example 24/7, or Weekdays 9:00–17:00." }),
    field("purpose", "What it is for", controls.purpose, { optional: true, help: "One line, for example: Talk to someone about anything that is troubling you." }),
    h("div", { class: "actions" }, remove));
  const element = h("div", { class: "card" }, fieldset); // a box per row: rows read apart
  remove.addEventListener("click", () => onRemove(row));
  const row = {
    element, controls, remove,
    number(index) {
      const path = `crisis_resources[${index}]`;
      fieldset.dataset.field = path;
      fieldset.dataset.label = `Resource ${index + 1}`;
      legend.textContent = `Resource ${index + 1}`;
      remove.setAttribute("aria-label", `Remove resource ${index + 1}`);
      for (const inner of fieldset.querySelectorAll(":scope > .field")) {
        const base = inner.dataset.base || inner.dataset.field;
        inner.dataset.base = base;
        inner.dataset.field = `${path}.${base}`;
        inner.dataset.label = `Resource ${index + 1}: ${inner.querySelector("label").firstChild.textContent.trim()}`;
      }
    },
    value() {
      const text = (control) => control.value.trim() || null;
      const sms = text(controls.smsNumber) ? { number: text(controls.smsNumber), body: text(controls.smsBody) } : null;
      return { name: text(controls.name), phone: text(controls.phone), sms, url: text(controls.url),
        hours: text(controls.hours), purpose: text(controls.purpose) };
    },
  };
  return row;
}

/** Sentences for what the API would refuse, so the owner hears it before saving. */
function check(resources) {
  const problems = [];
  resources.forEach((resource, index) => {
    const path = `crisis_resources[${index}]`;
    if (!resource.name) problems.push({ field: `${path}.name`, message: "Give the service a name." });
    if (!resource.phone && !resource.sms && !resource.url) {
      problems.push({ field: `${path}.phone`, message: "Give a phone number, a number to text or a website." });
    }
    if (resource.phone && !NUMBER.test(resource.phone)) {
      problems.push({ field: `${path}.phone`, message: "Use digits and spaces, with an optional + at the start, for example 116 123." });
    }
    if (resource.sms && !NUMBER.test(resource.sms.number)) {
      problems.push({ field: `${path}.sms.number`, message: "Use digits and spaces, with an optional + at the start, for example 85258." });
    }
    if (resource.url && !/^https:\/\/[^\s/]+\.[^\s]+$/.test(resource.url)) {
      problems.push({ field: `${path}.url`, message: "Use a full https:// address, for example https://www.samaritans.org." });
    }
  });
  return problems;
}

function ownerForm(practice) {
  const status = h("div", { class: "form-status" });
  const options = (codes) => codes.map((code) => ({ code, name: countryName(code) }))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(({ code, name }) => h("option", { value: code, text: name, selected: code === practice.country }));
  const country = h("select", { id: "crisis-country", class: "control" },
    h("option", { value: "", text: "Choose a country" }),
    h("optgroup", { label: "With built-in resources" }, options(WITH_DEFAULTS)),
    h("optgroup", { label: "Other countries (clients are told to call their local emergency number)" },
      options(ALL_COUNTRIES.filter((code) => !WITH_DEFAULTS.includes(code)))));
  const rowsList = h("div", { class: "crisis-rows" });
  const rows = [];
  const add = h("button", { type: "button", class: "button button-secondary", text: "Add a resource" });
  const emptyNote = h("p", { class: "muted", text: "No resources of your own yet: clients see the defaults below." });
  const defaultsSlot = h("div", {}, defaultsPart(practice));

  const renumber = () => {
    rows.forEach((row, index) => row.number(index));
    add.disabled = rows.length >= MAX_RESOURCES;
    emptyNote.hidden = rows.length > 0;
  };
  const removeRow = (row) => {
    const index = rows.indexOf(row);
    rows.splice(index, 1);
    row.element.remove();
    renumber();
    focusElement(rows[Math.min(index, rows.length - 1)]?.controls.name || add);
  };
  const addRow = (resource) => {
    const row = resourceRow(resource, removeRow);
    rows.push(row);
    rowsList.append(row.element);
    renumber();
    return row;
  };
  for (const resource of practice.crisis_resources) addRow(resource);
  renumber();
  add.addEventListener("click", () => {
    if (rows.length >= MAX_RESOURCES) return;
    addRow({}).controls.name.focus();
  });

  const button = h("button", { type: "submit", class: "button", text: "Save crisis resources" });
  const form = h("form", { class: "card crisis-settings", novalidate: true, "aria-labelledby": "crisis-settings-title" },
    h("h2", { id: "crisis-settings-title", text: "Crisis resources" }),
    intro(),
    status,
    field("country", "Practice's country", country, { help: "Chooses the emergency number and the default resources." }),
    h("h3", { text: "Your own list" }),
    h("p", { class: "field-help", text: `In the order clients see them, up to ${MAX_RESOURCES}. Each needs a name and a phone number, a number to text or a website.` }),
    emptyNote,
    rowsList,
    h("div", { class: "actions" }, add, button),
    defaultsSlot);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const resources = rows.map((row) => row.value());
    const problems = check(resources);
    if (!country.value) problems.unshift({ field: "country", message: "Choose the practice's country." });
    if (problems.length) {
      showProblems(form, status, problems);
      return;
    }
    button.disabled = true;
    try {
      const saved = await adminApi("PATCH", "/v1/practice", { body: { country: country.value, crisis_resources: resources } });
      clearProblems(form, status);
      clear(defaultsSlot, defaultsPart(saved));
      clear(status, notice("success", h("p", { text: saved.crisis_resources.length
        ? `Saved. Clients see the emergency number, then your ${saved.crisis_resources.length === 1 ? "resource" : `${saved.crisis_resources.length} resources`}.`
        : `Saved. Clients see the defaults for ${countryName(saved.country)}.` })));
      focusElement(status.firstElementChild);
    } catch (error) {
      fieldErrors(form, status, error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
