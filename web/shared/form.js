// Render any homework template as an accessible form, read the answers back, and show
// problems next to the questions they belong to. Answers use the API's shape: an object
// keyed by item id; a group's answer is a list of rows keyed by the group's own item ids.
// Everything that depends on an item's type is its renderer's (web/shared/items/).

import { h, clear, uid, focusElement, announce } from "./dom.js";
import { isEmpty } from "./items/fields.js";
import { rendererFor } from "./items/index.js";
import { tr } from "./i18n.js";

export { isEmpty };

/**
 * Build a form for `template`. Returns
 * { element, getAnswers({ forSubmit }), validate(), showErrors(errors), clearErrors() }.
 * `onChange(answers)` runs on every edit; `onBlur()` when focus leaves a question.
 */
export function createTemplateForm(template, { answers = {}, onChange = () => {}, onBlur = () => {}, idPrefix } = {}) {
  const prefix = idPrefix || uid("form");
  const summary = h("div", { class: "error-summary", tabindex: "-1", hidden: true });
  const itemsList = h("div", { class: "template-items" });
  const element = h("div", { class: "template-form" }, summary, itemsList);
  const context = { prefix, changed: () => { showEnabled(); onChange(getAnswers()); }, buildItem };
  const widgets = template.items.map((item) => {
    const widget = buildItem(item, item.id, answers[item.id], context);
    itemsList.append(widget.element);
    return { item, widget };
  });
  let hidden = new Set();
  showEnabled({ quiet: true });

  // A question whose conditions (enable_when) do not hold is hidden: it is not validated, and
  // its answer is neither sent nor saved while hidden (it comes back if the question does).
  function showEnabled({ quiet = false } = {}) {
    const values = {};
    for (const { item, widget } of widgets) {
      const value = widget.get();
      if (!isEmpty(value)) values[item.id] = value;
    }
    const before = hidden;
    hidden = disabledItems(template, values);
    for (const { item, widget } of widgets) widget.element.hidden = hidden.has(item.id);
    // Said aloud, so someone who cannot see the page knows a question was added below.
    const shown = widgets.filter(({ item }) => before.has(item.id) && !hidden.has(item.id));
    if (!quiet && shown.length) announce(tr("form.furtherQuestion", { label: shown[0].item.label }));
  }
  element.addEventListener("focusout", (event) => {
    if (!element.contains(event.relatedTarget)) onBlur();
    else if (closestField(event.target) !== closestField(event.relatedTarget)) onBlur();
  });

  function getAnswers({ forSubmit = false } = {}) {
    const result = {};
    for (const { item, widget } of widgets) {
      if (hidden.has(item.id)) continue;
      let value = widget.get();
      const renderer = rendererFor(item);
      if (forSubmit && renderer?.beforeSubmit) value = renderer.beforeSubmit(item, value);
      if (!isEmpty(value)) result[item.id] = value;
    }
    return result;
  }

  function validate() {
    return validateAnswers(template, getAnswers({ forSubmit: true }));
  }

  function clearErrors() {
    summary.hidden = true;
    clear(summary);
    for (const field of element.querySelectorAll(".field.has-error")) markField(field, null);
  }

  /** Show [{ path, message }] next to their questions and in a summary that takes focus. */
  function showErrors(errors) {
    clearErrors();
    if (!errors.length) return;
    const links = [];
    for (const error of errors) {
      const field = findField(element, error.path);
      if (field) markField(field, error.message);
      const target = field ? focusTargetOf(field) : null;
      const label = field ? fieldTitle(field) : "";
      const text = label ? `${label}: ${error.message}` : error.message;
      links.push(h("li", {}, target
        ? h("a", { href: `#${target.id}`, on: { click: (event) => { event.preventDefault(); target.focus(); } } }, text)
        : text));
    }
    clear(summary,
      h("h2", { class: "error-summary-title", text: errors.length === 1 ? tr("form.errorsOne") : tr("form.errorsMany", { count: errors.length }) }),
      h("ul", {}, links));
    summary.hidden = false;
    summary.setAttribute("role", "alert");
    focusElement(summary);
  }

  return { element, getAnswers, validate, showErrors, clearErrors };
}

/** [{ path, message }] for required answers that are missing and rows out of bounds. */
export function validateAnswers(template, answers) {
  const errors = [];
  const disabled = disabledItems(template, answers);
  const check = (items, values, pathPrefix) => {
    for (const item of items) {
      if (!pathPrefix && disabled.has(item.id)) continue;
      const path = `${pathPrefix}${item.id}`;
      const value = values[item.id];
      const renderer = rendererFor(item);
      if (isEmpty(value)) {
        if (item.required) errors.push({ path, message: tr("form.needsAnswer") });
        renderer?.checkMissing?.(item, path, errors);
        continue;
      }
      renderer?.check?.(item, value, path, errors, check);
    }
  };
  check(template.items, answers, "");
  return errors;
}

/**
 * The ids of the top-level items whose conditions (`enable_when`, as FHIR enableWhen) do not
 * hold for these answers; the server applies the same rules (chalicelib/homework/enable_when.py).
 * A hidden question counts as unanswered for the conditions after it.
 */
export function disabledItems(template, answers) {
  const byId = new Map(template.items.map((item) => [item.id, item]));
  const disabled = new Set();
  for (const item of template.items) {
    const conditions = item.enable_when || [];
    if (!conditions.length) continue;
    const results = conditions.map((condition) => {
      const question = byId.get(condition.question);
      const value = question && !disabled.has(condition.question) ? answers?.[condition.question] : undefined;
      return question ? conditionHolds(condition, question, value) : false;
    });
    const enabled = item.enable_behavior === "any" ? results.some(Boolean) : results.every(Boolean);
    if (!enabled) disabled.add(item.id);
  }
  return disabled;
}

function conditionHolds(condition, question, value) {
  const answered = !isEmpty(value);
  if (condition.operator === "exists") return answered === condition.answer;
  if (!answered) return condition.operator === "!="; // no answer equals it
  const renderer = rendererFor(question);
  const key = (raw) => (renderer?.conditionKey ? renderer.conditionKey(question, raw) : typeof raw === "string" ? raw.trim() : raw);
  const keys = (Array.isArray(value) ? value : [value]).map(key);
  const target = key(condition.answer);
  const compare = {
    "=": (v) => v === target, ">": (v) => v > target, "<": (v) => v < target,
    ">=": (v) => v >= target, "<=": (v) => v <= target,
  };
  if (condition.operator === "!=") return !keys.includes(target);
  const test = compare[condition.operator];
  return Boolean(test) && keys.some((v) => typeof v === typeof target && test(v));
}

/** The problem+json `errors` of a rejected submission as [{ path, message }]. */
export function errorsFromProblem(problemErrors) {
  return problemErrors.map((error) => ({
    path: String(error.field || "").replace(/^answers\.?/, ""),
    message: error.message,
  }));
}

/** The crisis messages the template's risk rules raise for these answers. */
export function riskMessages(template, answers) {
  const rules = template.scoring?.risk || [];
  const messages = [];
  for (const rule of rules) {
    const item = template.items.find((candidate) => candidate.id === rule.item);
    const score = item ? itemScore(item, answers[rule.item]) : null;
    if (score !== null && score >= rule.threshold && !messages.includes(rule.message)) messages.push(rule.message);
  }
  return messages;
}

function itemScore(item, value) {
  if (isEmpty(value)) return null;
  return rendererFor(item)?.score?.(item, value) ?? null;
}

// -- read-only answers -------------------------------------------------------------------

/** Answers shown as a description list, with option labels rather than stored values. */
export function renderAnswers(template, answers) {
  const list = h("dl", { class: "answers" });
  const disabled = disabledItems(template, answers || {});
  for (const item of template.items) {
    if (disabled.has(item.id)) continue; // a question the client was never shown
    const value = answers?.[item.id];
    list.append(h("dt", { text: item.label }));
    const renderer = rendererFor(item);
    if (renderer?.view) {
      list.append(h("dd", {}, renderer.view(item, value, renderAnswers)));
    } else {
      const text = describeValue(item, value);
      list.append(h("dd", { class: text === null ? "muted" : "answer-text", text: text ?? tr("form.notAnswered") }));
    }
  }
  return list;
}

function describeValue(item, value) {
  if (isEmpty(value)) return null;
  const describe = rendererFor(item)?.describe;
  return describe ? describe(item, value) : String(value);
}

// -- building questions --------------------------------------------------------------------

function buildItem(item, path, value, context) {
  const renderer = rendererFor(item);
  if (!renderer) {
    return { element: h("p", { class: "muted", text: tr("form.unknownType", { type: item.type }) }), get: () => undefined };
  }
  return renderer.build(item, path, value, context);
}

// -- errors ----------------------------------------------------------------------------------

function closestField(node) {
  return node instanceof Element ? node.closest(".field") : null;
}

function findField(root, path) {
  if (!path) return null;
  let candidate = path;
  // An error about a row or a group falls back to the nearest wrapper that exists.
  while (candidate) {
    const found = root.querySelector(`[data-path="${CSS.escape(candidate)}"]`);
    if (found) return found.classList.contains("field") ? found : found.closest(".field") || found;
    candidate = candidate.replace(/(\[\d+\]|\.[^.[\]]+)$/, "");
    if (!/[.[]/.test(candidate)) return root.querySelector(`[data-path="${CSS.escape(candidate)}"]`);
  }
  return null;
}

function fieldTitle(field) {
  const title = field.querySelector(":scope > label, :scope > legend");
  return title ? title.textContent.replace(tr("form.required"), "").trim() : "";
}

function focusTargetOf(field) {
  return field.querySelector("input, textarea, select") || null;
}

function markField(field, message) {
  const slot = field.querySelector(":scope > .field-error");
  field.classList.toggle("has-error", Boolean(message));
  if (slot) {
    slot.textContent = message || "";
    slot.hidden = !message;
  }
  for (const control of field.querySelectorAll(":scope > .control, :scope > .inline > .control, :scope > .scale-slider")) {
    if (message) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
  }
}
