// Help in a crisis: the panel shown right after the answer that met a risk rule while the client
// fills in the homework, and again first on the receipt after sending.
//
// What it says: the template rule's message, then the practice's crisis resources as big
// tappable call / text links (GET /v1/client/crisis-resources, loaded once per homework view, up
// front and only for templates that have risk rules), then "Open my safety plan" when the client
// has sent one. If the resources cannot be loaded, the template's message still shows.
//
// Accessible names start with the visible words ("Call 116 123 (Samaritans)"), so voice control
// users can say what they see.
//
// Several rules met at once: ONE panel, after the first of their questions in the form, with
// every message. Several copies of the same list of phone numbers down the page would be harder
// to read in a crisis, and the first risk answer is where the client is when it appears.

import { h } from "../shared/dom.js";
import { t } from "./i18n/index.js";
import { riskMessages } from "../shared/form.js";
import { clientApi } from "./session.js";

// The resources of the homework view on screen: { promise, value } (value once settled).
let loaded = null;

function hasRiskRules(template) {
  return Boolean(template?.scoring?.risk?.length);
}

/** Start loading the resources for this view (once). Failure leaves the template's message alone. */
function loadResources() {
  const entry = { value: undefined, promise: null };
  entry.promise = clientApi("GET", "/v1/client/crisis-resources")
    .then((found) => { entry.value = found; return found; })
    .catch(() => { entry.value = null; return null; });
  loaded = entry;
  return entry;
}

/** The rules met by these answers, the first question's first: [{ item, message }]. */
function firedRules(template, answers) {
  const order = new Map(template.items.map((item, index) => [item.id, index]));
  return (template.scoring?.risk || [])
    .filter((rule) => riskMessages({ items: template.items, scoring: { risk: [rule] } }, answers).length)
    .sort((a, b) => (order.get(a.item) ?? order.size) - (order.get(b.item) ?? order.size))
    .map((rule) => ({ item: rule.item, message: rule.message }));
}

/** The field element of a template item in the form (data-path, or the id the form gave it). */
function fieldOf(formElement, itemId) {
  return formElement.querySelector(`[data-path="${CSS.escape(itemId)}"]`)
    || formElement.querySelector(`#q-${CSS.escape(itemId)}`)?.closest(".field")
    || null;
}

/** The tel:/sms: number: digits and a leading +. */
function dialable(number) {
  return String(number || "").replace(/[^0-9+]/g, "");
}

function resourceItem(resource) {
  const actions = [];
  if (resource.phone) {
    actions.push(h("a", { class: "button crisis-call", href: `tel:${dialable(resource.phone)}`, "aria-label": t("crisis.callLabel", { number: resource.phone, name: resource.name }) },
      t("crisis.call"), h("span", { class: "crisis-number", text: resource.phone })));
  }
  if (resource.sms?.number) {
    const body = resource.sms.body ? `?&body=${encodeURIComponent(resource.sms.body)}` : "";
    const words = resource.sms.body ? t("crisis.textBody", { body: resource.sms.body }) : t("crisis.text");
    actions.push(h("a", { class: "button button-secondary crisis-text", href: `sms:${dialable(resource.sms.number)}${body}`,
      "aria-label": t("crisis.textLabel", { words, number: resource.sms.number, name: resource.name }) },
    words, h("span", { class: "crisis-number", text: resource.sms.number })));
  }
  if (resource.url) {
    let site = resource.url;
    try { site = new URL(resource.url).hostname.replace(/^www\./, ""); } catch { /* shown as given */ }
    actions.push(h("a", { class: "crisis-site", href: resource.url, target: "_blank", rel: "noopener noreferrer",
      "aria-label": t("crisis.siteLabel", { site, name: resource.name }) }, site));
  }
  const about = [resource.purpose, resource.hours ? t("crisis.open", { hours: resource.hours === "24/7" ? t("crisis.always") : resource.hours }) : null]
    .filter(Boolean).join(" ");
  return h("li", { class: "crisis-resource" },
    h("p", { class: "crisis-name", text: resource.name }),
    about ? h("p", { class: "crisis-about", text: about }) : null,
    actions.length ? h("div", { class: "crisis-actions" }, actions) : null);
}

/** The resources and the safety plan link, or nothing when they could not be loaded. */
function resourcesPart(found) {
  if (!found) return [];
  const parts = [];
  if (found.resources?.length) {
    parts.push(h("h3", { class: "crisis-subtitle", text: t("crisis.whoNow") }),
      h("ul", { class: "crisis-resources" }, found.resources.map(resourceItem)));
  }
  if (found.safety_plan) {
    parts.push(h("p", { class: "crisis-plan" },
      h("a", { class: "button button-secondary", href: `#/history/${encodeURIComponent(found.safety_plan.submission_id)}`, text: t("crisis.plan") })));
  }
  return parts;
}

/** A panel: the messages now; the resources as soon as they are known. */
function buildPanel(tag, messages, titleId) {
  const slot = h("div", { class: "crisis-help" });
  const panel = h(tag, { class: "crisis", role: "alert", "aria-labelledby": titleId },
    h("h2", { id: titleId, text: t("crisis.title") }),
    messages.map((message) => h("p", { class: "crisis-message", text: message })),
    slot);
  const entry = loaded;
  if (entry && entry.value !== undefined) slot.append(...resourcesPart(entry.value));
  else if (entry) entry.promise.then((found) => slot.append(...resourcesPart(found)));
  return panel;
}

/**
 * Keeps the crisis panel in step with the answers: inserted right after the first question
 * whose answer meets a risk rule, removed when no rule is met. The panel is built once per
 * firing (role="alert" announces it once), not on every keypress.
 */
export function crisisWatcher(template, formElement) {
  loaded = null;
  if (hasRiskRules(template)) loadResources();
  let panel = null;
  let shownFor = "";
  return {
    update(answers) {
      const fired = hasRiskRules(template) ? firedRules(template, answers) : [];
      if (!fired.length) {
        panel?.remove();
        panel = null;
        shownFor = "";
        return;
      }
      const messages = [...new Set(fired.map((rule) => rule.message))];
      const key = `${fired[0].item}\n${messages.join("\n")}`;
      if (panel && key === shownFor) return; // unchanged: no new announcement
      panel?.remove();
      panel = buildPanel("div", messages, "crisis-inline-title");
      shownFor = key;
      const field = fieldOf(formElement, fired[0].item);
      if (field) field.after(panel);
      else formElement.after(panel);
    },
  };
}

/** The panel on the receipt after sending, or null when no risk rule was met. */
export function receiptCrisisPanel(template, receipt, answers) {
  const fromServer = (receipt.crisis_resources || []).map((resource) => resource.message);
  const shown = fromServer.length ? fromServer : riskMessages(template, answers);
  if (!shown.length) return null;
  if (!loaded) loadResources();
  return buildPanel("section", shown, "crisis-title");
}

/**
 * Before the client answers a question with a risk rule, say plainly who will see it
 * (`risk_items` on the client's assignment view): no answer there should come as a surprise.
 */
export function markRiskItems(formElement, riskItems) {
  for (const itemId of riskItems || []) {
    const field = fieldOf(formElement, itemId);
    if (!field || field.querySelector(".risk-notice")) continue;
    const notice = h("p", { class: "field-help risk-notice", id: `risk-notice-${itemId}`,
      text: t("crisis.riskNotice") });
    const heading = field.querySelector(":scope > legend, :scope > label");
    if (heading) heading.after(notice);
    else field.prepend(notice);
    const described = field.getAttribute("aria-describedby");
    if (described !== null) field.setAttribute("aria-describedby", `${notice.id} ${described}`.trim());
  }
}
