// "Advanced": the whole template as JSON, for what the form does not cover (subscales,
// calculated values) or for pasting a template in. Editable; JSON that cannot be read is
// explained in a sentence, next to the box.

import { h, announce } from "../../shared/dom.js";
import { button } from "./fields.js";

/** A sentence about JSON.parse's complaint, with the line and column where it gave up. */
export function explainJson(text, error) {
  const message = String(error?.message || "");
  if (/end of (JSON|data) input|Unterminated/i.test(message)) {
    return "The JSON stops before it is finished: a closing } or ], or a closing quotation mark, is missing.";
  }
  const at = /position (\d+)/.exec(message);
  let where = "";
  if (at) {
    const before = text.slice(0, Number(at[1]));
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n");
    where = ` at line ${line}, column ${column}`;
  }
  return `The JSON cannot be read${where}. Look there for a missing comma or quotation mark, a comma before a closing bracket, or a name not in "double quotes".`;
}

/** What is wrong with parsed JSON as a template, in a sentence, or null. */
function shapeProblem(value) {
  if (!value || typeof value !== "object" || Array.isArray(value)) return "The JSON must be one template: a { … } with a title and its questions under \"items\".";
  if (!Array.isArray(value.items) || !value.items.length) return "The template needs its questions as a list under \"items\", with at least one question.";
  if (value.items.some((item) => !item || typeof item !== "object" || Array.isArray(item))) return "Each entry under \"items\" must be a question: a { … } with a \"type\" and a \"label\".";
  if (value.scoring !== undefined && value.scoring !== null && (typeof value.scoring !== "object" || Array.isArray(value.scoring))) return "\"scoring\" must be a { … } of scoring rules, or null.";
  return null;
}

/**
 * The disclosure. `current()` gives the template JSON as the form has it; `apply(content)`
 * replaces the form with parsed JSON. `refresh()` keeps the box in step with the form while
 * it is open and untouched.
 */
export function advancedSection({ current, apply, register }) {
  const box = h("textarea", { id: "te-json", class: "control te-json", rows: 18, spellcheck: "false", autocomplete: "off", "aria-describedby": "te-json-help" });
  const problem = h("p", { class: "field-error", id: "te-json-error", hidden: true });
  const field = h("div", { class: "field" },
    h("label", { class: "field-label", for: box.id, text: "The template as JSON" }),
    h("p", { class: "field-help", id: "te-json-help", text: "Everything the form above edits, plus subscales and calculated values. Ids you write here are kept; new questions without one get an id from their wording. “Use this JSON” puts it back into the form; saving uses it too." }),
    problem, box);
  register.add("scoring.extra", field, "Advanced");
  let dirty = false;
  box.addEventListener("input", () => { dirty = true; });

  const details = h("details", { class: "te-advanced" },
    h("summary", { text: "Advanced: edit the template as JSON" }),
    field,
    h("div", { class: "actions" }, button("Use this JSON", () => { if (useJson()) box.focus(); }, { id: "te-json-apply" })));
  details.addEventListener("toggle", () => { if (details.open) refresh(); });

  function showProblem(text) {
    problem.textContent = text;
    problem.hidden = !text;
    field.classList.toggle("has-error", Boolean(text));
    if (text) {
      box.setAttribute("aria-invalid", "true");
      box.setAttribute("aria-describedby", "te-json-error te-json-help");
    } else {
      box.removeAttribute("aria-invalid");
      box.setAttribute("aria-describedby", "te-json-help");
    }
  }

  function refresh(force = false) {
    if (!details.open || (dirty && !force)) return;
    box.value = JSON.stringify(current(), null, 2);
    dirty = false;
    showProblem("");
  }

  /** Put edited JSON into the form: true when done (or nothing to do), false after explaining a problem. */
  function useJson() {
    if (!details.open || !dirty) return true;
    let parsed;
    try {
      parsed = JSON.parse(box.value);
    } catch (error) {
      showProblem(explainJson(box.value, error));
      box.focus();
      return false;
    }
    const shape = shapeProblem(parsed);
    if (shape) {
      showProblem(shape);
      box.focus();
      return false;
    }
    apply(parsed);
    dirty = false;
    refresh(true);
    announce("The form now shows the JSON.");
    return true;
  }

  return { element: details, refresh, useJson };
}
