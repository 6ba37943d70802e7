// Render any homework template as an accessible form, read the answers back, and show
// problems next to the questions they belong to. Answers use the API's shape: an object
// keyed by item id; a group's answer is a list of rows keyed by the group's own item ids.

import { h, clear, uid, focusElement, announce } from "./dom.js";

const RADIO_SCALE_MAX_POINTS = 11;

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
  const context = { prefix, changed: () => onChange(getAnswers()) };
  const widgets = template.items.map((item) => {
    const widget = buildItem(item, item.id, answers[item.id], context);
    itemsList.append(widget.element);
    return { item, widget };
  });
  element.addEventListener("focusout", (event) => {
    if (!element.contains(event.relatedTarget)) onBlur();
    else if (closestField(event.target) !== closestField(event.relatedTarget)) onBlur();
  });

  function getAnswers({ forSubmit = false } = {}) {
    const result = {};
    for (const { item, widget } of widgets) {
      let value = widget.get();
      if (forSubmit && item.type === "group" && Array.isArray(value)) {
        value = value.filter((row) => Object.keys(row).length > 0);
      }
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
      h("h2", { class: "error-summary-title", text: errors.length === 1 ? "One answer needs another look" : `${errors.length} answers need another look` }),
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
  const check = (items, values, pathPrefix) => {
    for (const item of items) {
      const path = `${pathPrefix}${item.id}`;
      const value = values[item.id];
      if (isEmpty(value)) {
        if (item.required) errors.push({ path, message: "This question needs an answer." });
        if (item.type === "group" && (item.min_rows || 0) > 0 && !item.required) {
          errors.push({ path, message: `Add at least ${item.min_rows} ${item.min_rows === 1 ? "entry" : "entries"}.` });
        }
        continue;
      }
      if (item.type === "group") {
        if (value.length < (item.min_rows || 0)) {
          errors.push({ path, message: `Add at least ${item.min_rows} ${item.min_rows === 1 ? "entry" : "entries"}.` });
        }
        value.forEach((row, index) => check(item.items, row, `${path}[${index}].`));
      } else if (item.type === "number" && typeof value === "number") {
        if ((item.min ?? null) !== null && value < item.min) errors.push({ path, message: `Use a number of at least ${item.min}.` });
        if ((item.max ?? null) !== null && value > item.max) errors.push({ path, message: `Use a number of at most ${item.max}.` });
      }
    }
  };
  check(template.items, answers, "");
  return errors;
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
  switch (item.type) {
    case "number":
    case "scale":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? Number(value) : null;
    case "single_choice": {
      const option = item.options.find((candidate) => candidate.value === value);
      return option && option.score !== null && option.score !== undefined ? option.score : null;
    }
    case "multi_choice":
      return item.options.filter((option) => value.includes(option.value)).reduce((sum, option) => sum + (option.score || 0), 0);
    default:
      return null;
  }
}

export function isEmpty(value) {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

// -- read-only answers -------------------------------------------------------------------

/** Answers shown as a description list, with option labels rather than stored values. */
export function renderAnswers(template, answers) {
  const list = h("dl", { class: "answers" });
  for (const item of template.items) {
    const value = answers?.[item.id];
    list.append(h("dt", { text: item.label }));
    if (item.type === "group") {
      const rows = Array.isArray(value) ? value : [];
      list.append(h("dd", {}, rows.length
        ? h("ol", { class: "answer-rows" }, rows.map((row) => h("li", {}, renderAnswers({ items: item.items }, row))))
        : h("span", { class: "muted", text: "Not answered" })));
    } else {
      const text = describeValue(item, value);
      list.append(h("dd", { class: text === null ? "muted" : "answer-text", text: text ?? "Not answered" }));
    }
  }
  return list;
}

function describeValue(item, value) {
  if (isEmpty(value)) return null;
  switch (item.type) {
    case "single_choice":
      return item.options.find((option) => option.value === value)?.label ?? String(value);
    case "multi_choice":
      return value.map((chosen) => item.options.find((option) => option.value === chosen)?.label ?? chosen).join(", ");
    case "boolean":
      return value ? "Yes" : "No";
    case "scale": {
      const anchor = (item.anchors || []).find((candidate) => candidate.value === value);
      return anchor ? `${value} (${anchor.label})` : `${value} on a scale of ${item.min} to ${item.max}`;
    }
    case "number":
      return item.unit ? `${value} ${item.unit}` : String(value);
    default:
      return String(value);
  }
}

// -- building questions --------------------------------------------------------------------

function buildItem(item, path, value, context) {
  const builder = BUILDERS[item.type];
  if (!builder) {
    return { element: h("p", { class: "muted", text: `This question type (${item.type}) cannot be shown.` }), get: () => undefined };
  }
  return builder(item, path, value, context);
}

const BUILDERS = {
  text: (item, path, value, context) => textual(item, path, value, context, "input"),
  long_text: (item, path, value, context) => textual(item, path, value, context, "textarea"),
  number: numberField,
  date: (item, path, value, context) => plainInput(item, path, value, context, "date"),
  time: (item, path, value, context) => plainInput(item, path, value, context, "time"),
  datetime: (item, path, value, context) => plainInput(item, path, value, context, "datetime-local"),
  single_choice: singleChoice,
  multi_choice: multiChoice,
  boolean: booleanField,
  scale: scaleField,
  group: groupField,
};

function idFor(context, path) {
  return `${context.prefix}-${path.replace(/[^A-Za-z0-9_-]+/g, "-")}`;
}

function labelText(item) {
  return [item.label, item.required ? h("span", { class: "required-tag", text: " (required)" }) : null];
}

/** The wrapper every question shares: label or legend, help text, error slot. */
function fieldShell(item, path, context, { grouped }) {
  const baseId = idFor(context, path);
  const helpId = `${baseId}-help`;
  const errorId = `${baseId}-error`;
  const help = item.help ? h("p", { class: "field-help", id: helpId, text: item.help }) : null;
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const describedBy = [help ? helpId : null, errorId].filter(Boolean).join(" ");
  const wrapper = grouped
    ? h("fieldset", { class: "field", dataset: { path }, "aria-describedby": describedBy },
      h("legend", { class: "field-label" }, labelText(item)), help, error)
    : h("div", { class: "field", dataset: { path } },
      h("label", { class: "field-label", for: baseId }, labelText(item)), help, error);
  return { wrapper, baseId, describedBy };
}

function textual(item, path, value, context, tag) {
  const { wrapper, baseId, describedBy } = fieldShell(item, path, context, { grouped: false });
  const maxLength = item.max_length || (tag === "textarea" ? 5000 : 500);
  const control = h(tag, {
    id: baseId, name: path, maxlength: maxLength, "aria-describedby": describedBy,
    "aria-required": item.required ? "true" : null, class: "control",
    rows: tag === "textarea" ? 4 : null, autocomplete: "off",
    on: { input: context.changed },
  });
  control.value = typeof value === "string" ? value : "";
  wrapper.append(control);
  return { element: wrapper, get: () => (control.value.trim() === "" ? undefined : control.value) };
}

function numberField(item, path, value, context) {
  const { wrapper, baseId, describedBy } = fieldShell(item, path, context, { grouped: false });
  const control = h("input", {
    id: baseId, name: path, type: "number", inputmode: "decimal", class: "control control-short",
    min: item.min ?? null, max: item.max ?? null, step: item.step ?? "any",
    "aria-describedby": describedBy, "aria-required": item.required ? "true" : null,
    on: { input: context.changed },
  });
  control.value = typeof value === "number" ? String(value) : "";
  const row = h("div", { class: "inline" }, control, item.unit ? h("span", { class: "unit", text: item.unit }) : null);
  wrapper.append(row);
  return {
    element: wrapper,
    get: () => {
      if (control.value.trim() === "") return undefined;
      const number = Number(control.value);
      return Number.isFinite(number) ? number : undefined;
    },
  };
}

function plainInput(item, path, value, context, type) {
  const { wrapper, baseId, describedBy } = fieldShell(item, path, context, { grouped: false });
  const control = h("input", {
    id: baseId, name: path, type, class: "control control-short", "aria-describedby": describedBy,
    "aria-required": item.required ? "true" : null, on: { input: context.changed, change: context.changed },
  });
  control.value = typeof value === "string" ? value.slice(0, type === "datetime-local" ? 16 : undefined) : "";
  wrapper.append(control);
  return { element: wrapper, get: () => control.value || undefined };
}

function choiceList(item, path, context, type, options, isChecked) {
  const { wrapper, baseId } = fieldShell(item, path, context, { grouped: true });
  const list = h("div", { class: "choices" });
  const inputs = options.map((option, index) => {
    const id = `${baseId}-${index}`;
    const input = h("input", {
      type, id, name: `${baseId}-choice`, value: option.value, checked: isChecked(option.value),
      on: { change: context.changed },
    });
    list.append(h("div", { class: "choice" }, input, h("label", { for: id, text: option.label })));
    return input;
  });
  wrapper.append(list);
  return { wrapper, inputs };
}

function singleChoice(item, path, value, context) {
  const { wrapper, inputs } = choiceList(item, path, context, "radio", item.options, (option) => option === value);
  return { element: wrapper, get: () => inputs.find((input) => input.checked)?.value };
}

function multiChoice(item, path, value, context) {
  const chosen = Array.isArray(value) ? value : [];
  const { wrapper, inputs } = choiceList(item, path, context, "checkbox", item.options, (option) => chosen.includes(option));
  return { element: wrapper, get: () => inputs.filter((input) => input.checked).map((input) => input.value) };
}

function booleanField(item, path, value, context) {
  const options = [{ value: "true", label: "Yes" }, { value: "false", label: "No" }];
  const current = typeof value === "boolean" ? String(value) : null;
  const { wrapper, inputs } = choiceList(item, path, context, "radio", options, (option) => option === current);
  wrapper.querySelector(".choices").classList.add("choices-row");
  return {
    element: wrapper,
    get: () => {
      const checked = inputs.find((input) => input.checked);
      return checked ? checked.value === "true" : undefined;
    },
  };
}

function scaleField(item, path, value, context) {
  const step = item.step || 1;
  const points = Math.floor((item.max - item.min) / step) + 1;
  return points <= RADIO_SCALE_MAX_POINTS
    ? radioScale(item, path, value, context, step)
    : sliderScale(item, path, value, context, step);
}

function anchorFor(item, number) {
  return (item.anchors || []).find((anchor) => anchor.value === number)?.label;
}

function radioScale(item, path, value, context, step) {
  const { wrapper, baseId } = fieldShell(item, path, context, { grouped: true });
  const list = h("div", { class: "scale-radios" });
  const inputs = [];
  for (let number = item.min; number <= item.max; number += step) {
    const id = `${baseId}-${number}`;
    const anchor = anchorFor(item, number);
    const input = h("input", {
      type: "radio", id, name: `${baseId}-scale`, value: String(number), checked: value === number,
      on: { change: context.changed },
    });
    inputs.push(input);
    list.append(h("div", { class: "scale-point" }, input,
      h("label", { for: id }, h("span", { class: "scale-number", text: String(number) }),
        anchor ? h("span", { class: "scale-anchor", text: anchor }) : null)));
  }
  wrapper.append(list);
  return {
    element: wrapper,
    get: () => {
      const checked = inputs.find((input) => input.checked);
      return checked ? Number(checked.value) : undefined;
    },
  };
}

function sliderScale(item, path, value, context, step) {
  const { wrapper, baseId, describedBy } = fieldShell(item, path, context, { grouped: false });
  const answered = typeof value === "number";
  const middle = item.min + Math.round((item.max - item.min) / 2 / step) * step;
  const readout = h("output", { class: "scale-readout", for: baseId, "aria-hidden": "true" });
  const slider = h("input", {
    type: "range", id: baseId, name: path, class: "scale-slider", min: item.min, max: item.max, step,
    "aria-describedby": describedBy,
  });
  slider.value = String(answered ? value : middle);
  let isSet = answered;
  const clearButton = h("button", { type: "button", class: "link-button", text: "Clear this answer" });
  const refresh = () => {
    const number = Number(slider.value);
    const anchor = anchorFor(item, number);
    const spoken = isSet ? (anchor ? `${number}, ${anchor}` : String(number)) : "Not answered yet";
    slider.setAttribute("aria-valuetext", spoken);
    readout.textContent = isSet ? (anchor ? `${number} — ${anchor}` : String(number)) : "Not answered yet: move the slider";
    wrapper.classList.toggle("scale-unset", !isSet);
    clearButton.hidden = !isSet;
  };
  slider.addEventListener("input", () => { isSet = true; refresh(); context.changed(); });
  clearButton.addEventListener("click", () => {
    isSet = false; slider.value = String(middle); refresh(); context.changed(); slider.focus();
  });
  const anchors = h("div", { class: "scale-anchors", "aria-hidden": "true" },
    (item.anchors || []).map((anchor) => {
      const span = h("span", { class: "scale-anchor-mark", text: `${anchor.value}: ${anchor.label}` });
      const position = (anchor.value - item.min) / (item.max - item.min);
      span.classList.add(position <= 0.15 ? "at-start" : position >= 0.85 ? "at-end" : "at-middle");
      return span;
    }));
  wrapper.append(readout, slider, anchors, clearButton);
  refresh();
  return { element: wrapper, get: () => (isSet ? Number(slider.value) : undefined) };
}

function groupField(item, path, value, context) {
  const { wrapper } = fieldShell(item, path, context, { grouped: true });
  wrapper.classList.add("group");
  const rowsList = h("ol", { class: "group-rows" });
  const maxRows = item.max_rows ?? 20;
  const minRows = item.min_rows ?? 0;
  const addButton = h("button", { type: "button", class: "button button-secondary" },
    "Add another entry", h("span", { class: "visually-hidden", text: ` to “${item.label}”` }));
  let rows = [];

  const initial = Array.isArray(value) ? value : [];
  const startRows = initial.length ? initial : Array.from({ length: Math.max(minRows, 1) }, () => ({}));

  function renderRows(rowValues) {
    clear(rowsList);
    rows = rowValues.map((rowValue, index) => {
      const rowPath = `${path}[${index}]`;
      const legend = h("legend", { class: "group-row-title", text: `Entry ${index + 1}` });
      const children = item.items.map((child) => ({
        child, widget: buildItem(child, `${rowPath}.${child.id}`, rowValue?.[child.id], context),
      }));
      const remove = h("button", {
        type: "button", class: "button button-quiet", text: "Remove",
        "aria-label": `Remove entry ${index + 1} from “${item.label}”`,
        disabled: rowValues.length <= minRows,
        on: { click: () => removeRow(index) },
      });
      rowsList.append(h("li", {}, h("fieldset", { class: "group-row", dataset: { path: rowPath } },
        legend, children.map(({ widget }) => widget.element), h("div", { class: "group-row-actions" }, remove))));
      return { legend, children };
    });
    addButton.disabled = rows.length >= maxRows;
  }

  function collect() {
    return rows.map(({ children }) => {
      const row = {};
      for (const { child, widget } of children) {
        const childValue = widget.get();
        if (!isEmpty(childValue)) row[child.id] = childValue;
      }
      return row;
    });
  }

  function removeRow(index) {
    const values = collect();
    values.splice(index, 1);
    renderRows(values);
    context.changed();
    announce(`Entry ${index + 1} removed.`);
    focusElement(rows[Math.min(index, rows.length - 1)]?.legend || addButton);
  }

  addButton.addEventListener("click", () => {
    const values = collect();
    values.push({});
    renderRows(values);
    context.changed();
    announce(`Entry ${rows.length} added.`);
    const first = rowsList.lastElementChild?.querySelector("input, textarea, select");
    if (first) first.focus();
  });

  renderRows(startRows);
  wrapper.append(rowsList, h("div", { class: "group-actions" }, addButton,
    h("span", { class: "muted", text: ` Up to ${maxRows} entries.` })));
  return { element: wrapper, get: () => collect() };
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
  return title ? title.textContent.replace(" (required)", "").trim() : "";
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
