// Small form-building pieces the template editor's sections share, and the register of
// where each part of the template is edited (so a problem can be shown next to its field).

import { h } from "../../shared/dom.js";

const keys = new WeakMap();
let nextKey = 0;

/** A stable number for an object (a question, an answer, a band), for element ids. */
export function keyOf(object) {
  if (!keys.has(object)) keys.set(object, ++nextKey);
  return keys.get(object);
}

/**
 * Where each part of the template is edited: `path` (the API's field path without the
 * item types, e.g. "items.2.options.0.label") -> { field, title }. `title` names the place
 * in words ("Question 3, answer 1") for the summary of problems.
 */
export class FieldRegister {
  constructor() { this.places = new Map(); }

  add(path, field, title) {
    this.places.set(path, { field, title });
    field.dataset.path = path;
    return field;
  }

  get(path) {
    const place = this.places.get(path);
    return place && place.field.isConnected ? place : null;
  }
}

/** A labelled field: `.field` wrapper with label, optional help and the control. */
export function labelled(control, label, { help = null, optional = false, hideLabel = false } = {}) {
  const helpId = help ? `${control.id}-help` : null;
  if (helpId) control.setAttribute("aria-describedby", helpId);
  return h("div", { class: "field" },
    h("label", { class: hideLabel ? "field-label visually-hidden" : "field-label", for: control.id },
      label, optional ? h("span", { class: "required-tag", text: " (optional)" }) : null),
    help ? h("p", { class: "field-help", id: helpId, text: help }) : null,
    control);
}

export function textInput(id, value, onInput, { maxlength = 200, multiline = false, rows = 3, short = false } = {}) {
  const control = h(multiline ? "textarea" : "input", {
    id, class: short ? "control control-short" : "control", maxlength, rows: multiline ? rows : null,
    type: multiline ? null : "text", autocomplete: "off",
  });
  control.value = value ?? "";
  control.addEventListener("input", () => onInput(control.value));
  return control;
}

/** A number input; `onInput` gets a number, or null when empty or not a number. */
export function numberInput(id, value, onInput, { step = "any", min = null, max = null, className = "control control-number" } = {}) {
  const control = h("input", { id, type: "number", class: className, step, min, max, inputmode: "decimal" });
  control.value = value ?? "";
  control.addEventListener("input", () => {
    const number = control.value.trim() === "" ? null : Number(control.value);
    onInput(Number.isFinite(number) ? number : null);
  });
  return control;
}

export function checkbox(id, checked, label, onChange, { disabled = false, description = null } = {}) {
  const input = h("input", { type: "checkbox", id, checked: Boolean(checked), disabled });
  input.addEventListener("change", () => onChange(input.checked));
  return h("div", { class: "choice" }, input,
    h("label", { for: id }, label, description ? h("span", { class: "visually-hidden", text: description }) : null));
}

export function button(text, onClick, { kind = "button-secondary", label = null, disabled = false, id = null } = {}) {
  return h("button", { type: "button", id, class: `button ${kind}`, text, "aria-label": label, disabled, on: { click: onClick } });
}

/** The first words of some wording, for naming a question in a list or a message. */
export function shortText(text, length = 70) {
  const value = String(text || "").trim();
  return value.length > length ? `${value.slice(0, length - 1).trimEnd()}…` : value;
}

/** Keep focus on the element with the same id across a re-render of `container`. */
export function rerender(container, render) {
  const active = document.activeElement;
  const id = active && container.contains(active) ? active.id : null;
  render();
  if (id) document.getElementById(id)?.focus();
}
