// What the item renderers share: the wrapper every question has (label or legend, help,
// error slot), ids, and the few controls more than one type uses. Not an item type.

import { h } from "../dom.js";
import { tr } from "../i18n.js";

export function idFor(context, path) {
  return `${context.prefix}-${path.replace(/[^A-Za-z0-9_-]+/g, "-")}`;
}

function labelText(item) {
  return [item.label, item.required ? h("span", { class: "required-tag", text: tr("form.required") }) : null];
}

/** The wrapper every question shares: label or legend, help text, error slot. */
export function fieldShell(item, path, context, { grouped }) {
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

/** A one-line input or a textarea. */
export function textual(item, path, value, context, tag) {
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

/** A native date, time or datetime-local input. */
export function plainInput(item, path, value, context, type) {
  const { wrapper, baseId, describedBy } = fieldShell(item, path, context, { grouped: false });
  const control = h("input", {
    id: baseId, name: path, type, class: "control control-short", "aria-describedby": describedBy,
    "aria-required": item.required ? "true" : null, on: { input: context.changed, change: context.changed },
  });
  control.value = typeof value === "string" ? value.slice(0, type === "datetime-local" ? 16 : undefined) : "";
  wrapper.append(control);
  return { element: wrapper, get: () => control.value || undefined };
}

/** Radio buttons or checkboxes, one per option, in a fieldset. */
export function choiceList(item, path, context, type, options, isChecked) {
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

/** The option label of a stored choice (the stored value when the option is gone). */
export function optionLabel(item, value) {
  return item.options.find((option) => option.value === value)?.label ?? value;
}

/** Admin editor: the "value | label | score" lines of a choice item. */
export function optionsSetting(item, { base, text }) {
  return [text(`${base}-options`, "Options", item.options.map((option) => [option.value, option.label, option.score ?? null].filter((part) => part !== null).join(" | ")).join("\n"),
    (value) => { item.options = value.split("\n").map((line) => line.trim()).filter(Boolean).map(parseOption); },
    { multiline: true, help: "One per line: “value | label | score”. Score is optional; a line with only a label works too.", maxlength: 10000 })];
}

/** Admin editor: the longest-answer setting of a text item. */
export function maxLengthSetting(item, { base, numberInput }) {
  return [numberInput(`${base}-max`, "Longest answer (characters)", item.max_length, (value) => { item.max_length = value ?? undefined; })];
}

function parseOption(line) {
  const parts = line.split("|").map((part) => part.trim());
  if (parts.length === 1) return { value: slug(parts[0]), label: parts[0] };
  const option = { value: slug(parts[0]), label: parts[1] || parts[0] };
  if (parts[2] !== undefined && parts[2] !== "" && Number.isFinite(Number(parts[2]))) option.score = Number(parts[2]);
  return option;
}

function slug(text) {
  const value = text.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 64);
  return value || "option";
}

/** Unanswered: absent, null, blank text or an empty list. */
export function isEmpty(value) {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  return false;
}
