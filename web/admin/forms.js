// Showing an API's problem+json next to the fields of a clinician's form.

import { h, clear, notice, focusElement } from "../shared/dom.js";
import { ApiError, describeError } from "../shared/api.js";

/** Fields are found by data-field="<name>" (the API's field name, last segment). */
export function fieldErrors(form, status, error) {
  for (const old of form.querySelectorAll(".field-error.from-api")) old.remove();
  for (const field of form.querySelectorAll(".field.has-error")) field.classList.remove("has-error");
  const items = error instanceof ApiError ? error.errors : [];
  const lines = [];
  for (const item of items) {
    const name = String(item.field || "").replace(/^body\./, "");
    const field = form.querySelector(`[data-field="${CSS.escape(name)}"]`) || form.querySelector(`[data-field="${CSS.escape(name.split(".")[0])}"]`);
    if (field) {
      field.classList.add("has-error");
      const label = field.querySelector(":scope > label, :scope > legend");
      (label || field.firstChild).after(h("p", { class: "field-error from-api", text: item.message }));
      lines.push(h("li", { text: `${label ? label.textContent.replace(/\(optional\)/, "").trim() : name}: ${item.message}` }));
    } else {
      lines.push(h("li", { text: name ? `${name}: ${item.message}` : item.message }));
    }
  }
  clear(status, notice("error", h("p", { text: describeError(error) }), lines.length ? h("ul", {}, lines) : null));
  focusElement(status.firstElementChild);
}
