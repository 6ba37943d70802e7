// Fields of a clinician's form, and problems shown next to them as plain sentences.
//
// Every field wrapper carries data-field="<the API's field path>" (e.g. `recurrence.weekdays`,
// `plan.obstacles[0].response`) and data-label="<what the clinician reads>". A 422 from the API
// names fields by path; the path finds the wrapper, the sentence goes next to the control, and the
// summary at the top of the form lists the LABELS with their sentences (never a path, never the
// API's "request body has invalid fields").

import { h, clear, notice, focusElement } from "../shared/dom.js";
import { ApiError, describeError } from "../shared/api.js";

/** A labelled field: label, optional help, an error slot, then the control. */
export function field(path, label, control, { help = null, optional = false, extra = null } = {}) {
  const helpId = help ? `${control.id}-help` : null;
  if (helpId) describe(control, helpId);
  return h("div", { class: "field", dataset: { field: path, label } },
    h("label", { class: "field-label", for: control.id }, label, optional ? [" ", h("span", { class: "required-tag", text: "(optional)" })] : null),
    help ? h("p", { class: "field-help", id: helpId, text: help }) : null,
    h("p", { class: "field-error", id: `${control.id}-error`, hidden: true }),
    control,
    extra);
}

/** A fieldset of related controls (checkboxes, a row of inputs) with a legend. */
export function fieldGroup(path, legend, children, { help = null, id = null } = {}) {
  const groupId = id || `group-${String(path).replace(/[^a-z0-9]+/gi, "-")}`;
  const helpId = help ? `${groupId}-help` : null;
  return h("fieldset", { class: "field", id: groupId, dataset: { field: path, label: legend }, "aria-describedby": helpId },
    h("legend", { class: "field-label", text: legend }),
    help ? h("p", { class: "field-help", id: helpId, text: help }) : null,
    h("p", { class: "field-error", id: `${groupId}-error`, hidden: true }),
    children);
}

function describe(control, id) {
  const ids = new Set((control.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean));
  ids.add(id);
  control.setAttribute("aria-describedby", [...ids].join(" "));
}

function undescribe(control, id) {
  const ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter((value) => value && value !== id);
  if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
  else control.removeAttribute("aria-describedby");
}

/** One sentence: capital first letter, full stop at the end. */
export function sentence(text) {
  const value = String(text || "").trim();
  if (!value) return "Please check this.";
  const first = value[0].toUpperCase() + value.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** The path as the API writes it, without a `body.` prefix. */
function normalise(path) {
  return String(path || "").replace(/^body\.?/, "");
}

function findField(form, path, aliases) {
  let candidate = aliases[path] ?? path;
  while (candidate) {
    const found = form.querySelector(`[data-field="${CSS.escape(candidate)}"]`);
    if (found) return found;
    if (aliases[candidate] && aliases[candidate] !== candidate) {
      candidate = aliases[candidate];
      continue;
    }
    const shorter = candidate.replace(/(\[\d+\]|\.[^.[\]]+)$/, "");
    if (shorter === candidate) break;
    candidate = aliases[shorter] ?? shorter;
  }
  // Forms written before paths were nested name fields by their last segment.
  const last = path.split(".").pop().replace(/\[\d+\]$/, "");
  return last && last !== path ? form.querySelector(`[data-field="${CSS.escape(last)}"]`) : null;
}

function labelOf(field) {
  if (field.dataset.label) return field.dataset.label;
  const title = field.querySelector(":scope > label, :scope > legend");
  return title ? title.textContent.replace(/\(optional[^)]*\)/, "").trim() : "";
}

function controlsOf(field) {
  return [...field.querySelectorAll("input, textarea, select")].filter((control) => control.type !== "hidden");
}

function errorSlot(field) {
  let slot = field.querySelector(":scope > .field-error");
  if (!slot) {
    slot = h("p", { class: "field-error", id: `${field.id || `f${Math.random().toString(36).slice(2)}`}-error` });
    const title = field.querySelector(":scope > label, :scope > legend");
    if (title) title.after(slot);
    else field.prepend(slot);
  }
  if (!slot.id) slot.id = `f${Math.random().toString(36).slice(2)}-error`;
  return slot;
}

/** Remove every problem shown in the form and empty its status area. */
export function clearProblems(form, status = null) {
  for (const field of form.querySelectorAll(".field.has-error")) {
    field.classList.remove("has-error");
    const slot = field.querySelector(":scope > .field-error");
    if (slot) {
      slot.textContent = "";
      slot.hidden = true;
      for (const control of controlsOf(field)) undescribe(control, slot.id);
    }
    for (const control of controlsOf(field)) control.removeAttribute("aria-invalid");
  }
  if (status) clear(status);
}

/**
 * Show problems [{ field: path, message }] next to their fields and as a summary in `status`.
 * `reveal(fieldElement)` is called before a field is focused (a stepper shows its step).
 * `aliases` maps a path the API may use to the data-field that should show it.
 * Returns the field elements that were marked, in order.
 */
export function showProblems(form, status, problems, { reveal = () => {}, aliases = {}, title = null } = {}) {
  clearProblems(form, status);
  const byField = new Map();
  const loose = [];
  for (const problem of problems) {
    const path = normalise(problem.field);
    const message = sentence(problem.message);
    const found = path ? findField(form, path, aliases) : null;
    if (!found) {
      if (!loose.includes(message)) loose.push(message);
      continue;
    }
    if (!byField.has(found)) byField.set(found, []);
    if (!byField.get(found).includes(message)) byField.get(found).push(message);
  }
  const lines = [];
  for (const [found, messages] of byField) {
    const slot = errorSlot(found);
    slot.textContent = messages.join(" ");
    slot.hidden = false;
    found.classList.add("has-error");
    const controls = controlsOf(found);
    for (const control of controls) {
      control.setAttribute("aria-invalid", "true");
      describe(control, slot.id);
    }
    const target = controls.find((control) => !control.disabled) || null;
    const label = labelOf(found);
    const text = label ? `${label}: ${messages.join(" ")}` : messages.join(" ");
    lines.push(h("li", {}, target
      ? h("a", { href: `#${target.id}`, on: { click: (event) => { event.preventDefault(); reveal(found); focusElement(target); } } }, text)
      : text));
  }
  for (const message of loose) lines.push(h("li", { text: message }));
  const count = byField.size + loose.length;
  const heading = title || (count === 1 ? "Please check this" : `Please check these ${count} things`);
  clear(status, h("div", { class: "error-summary", role: "alert", tabindex: "-1" },
    h("h2", { class: "error-summary-title", text: heading }),
    h("ul", {}, lines)));
  focusElement(status.firstElementChild);
  return [...byField.keys()];
}

/**
 * Show an API error: a 422's per-field problems next to the fields (see showProblems), anything
 * else as one sentence in `status`. Returns the fields marked (empty when none).
 */
export function fieldErrors(form, status, error, options = {}) {
  const problems = error instanceof ApiError && error.status === 422 ? error.errors : [];
  if (problems.length) return showProblems(form, status, problems, options);
  clearProblems(form, status);
  clear(status, notice("error", h("p", { text: errorSentence(error) })));
  focusElement(status.firstElementChild);
  return [];
}

/** A sentence for an error that is not about one field (a 409 names the conflict plainly). */
export function errorSentence(error) {
  if (error instanceof ApiError && error.status === 409) {
    return "Someone changed this while you were editing. Reload the page to see their changes, then make yours again.";
  }
  if (error instanceof ApiError && error.status === 422) return "Some of the details need another look.";
  return describeError(error);
}

/** A phone number as the API takes it (+ and digits), or the sentence for what is wrong with it. */
export function phoneNumber(text) {
  const value = String(text || "").replace(/[\s().-]+/g, "");
  if (!value) return { value: null, problem: null };
  if (!/^\+[1-9]\d{6,14}$/.test(value)) {
    return { value, problem: "Enter the number with its country code, starting with +, for example +44 7911 123456." };
  }
  return { value, problem: null };
}

// A message for the next page to show (e.g. "Details saved." after going back to the client).
let flash = null;

export function setFlash(kind, text) {
  flash = { kind, text };
}

export function takeFlash() {
  const taken = flash;
  flash = null;
  return taken ? notice(taken.kind, h("p", { text: taken.text })) : null;
}
