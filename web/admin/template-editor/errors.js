// Problems with a template shown as sentences next to the field they are about, with a
// summary at the top that links to each one. The API names a field by its path
// ("content.items[2].single_choice.options[0].label"); this finds the row on the page that
// edits it. A path is never shown.

import { h, clear, notice, focusElement } from "../../shared/dom.js";
import { ApiError, describeError } from "../../shared/api.js";
import { ITEM_RENDERERS } from "../../shared/items/index.js";
import { allItems } from "./model.js";
import { shortText } from "./fields.js";

/** "content.items[2].single_choice.options[0].label" -> ["items", "2", "options", "0", "label"]. */
export function pathParts(field) {
  const parts = String(field || "").replace(/^body\./, "").replace(/\[(\d+)\]/g, ".$1").split(".").filter(Boolean);
  if (parts[0] === "content") parts.shift();
  // An item's type appears in the path after its index (the API's tagged union); drop it.
  return parts.filter((part, i) => !(Object.hasOwn(ITEM_RENDERERS, part) && /^\d+$/.test(parts[i - 1] ?? "")));
}

// What the form calls things it makes itself (ids, stored values): the person never typed them.
function reworded({ type: kind }, parts) {
  if (kind === "duplicate_value" && parts.includes("options")) return "Two answers have the same wording; make each one different.";
  if (kind === "duplicate_id" && parts[0] === "items") return "Two questions have the same id; change one of them under “Advanced”.";
  return null;
}

/** The place on the page for a path, trying ever shorter paths. */
function locate(register, parts, refs) {
  let path = [...parts];
  if (path[0] === "scoring" && ["total_items", "reverse_items"].includes(path[1]) && path.length > 2) {
    const item = refs?.[path[1]]?.[Number(path[2])];
    const index = item ? refs.items.indexOf(item) : -1;
    if (index >= 0) path = ["scoring", path[1] === "total_items" ? "count" : "reverse", String(index)];
  }
  if (path[0] === "scoring" && ["subscales", "derived", "missing", "max_missing"].includes(path[1])) path = ["scoring", "extra"];
  if (path.at(-1) === "id" && path[0] === "items") path[path.length - 1] = "label";
  if (path.at(-1) === "value" && path.at(-3) === "options") path[path.length - 1] = "label";
  while (path.length) {
    const place = register.get(path.join("."));
    if (place) return place;
    path = path.slice(0, -1);
  }
  return null;
}

/** Say ids in a message as the questions' wording ("'phq9_9'" -> “Thoughts that you…”), in curly quotes. */
function withWording(message, items) {
  const byId = new Map(allItems(items).map(([item]) => [item.id, item]));
  return message.replace(/(^|[\s(])'([^'\n]+?)'(?=[\s).,;:!?]|$)/g,
    (whole, before, quoted) => `${before}“${byId.has(quoted) ? shortText(byId.get(quoted).label, 60) : quoted}”`);
}

export class ProblemList {
  /** `status`: the element at the top of the form where the summary goes. */
  constructor(status, register) {
    this.status = status;
    this.register = register;
    this.marked = [];
  }

  clear() {
    for (const { field, note, controls } of this.marked) {
      field.classList.remove("has-error");
      note.remove();
      for (const control of controls) {
        control.removeAttribute("aria-invalid");
        const rest = (control.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== note.id);
        if (rest.length) control.setAttribute("aria-describedby", rest.join(" "));
        else control.removeAttribute("aria-describedby");
      }
    }
    this.marked = [];
    clear(this.status);
  }

  /**
   * Show problems [{ field (API path), message, type }] next to their fields and in a
   * summary. `refs` says which question each scoring list entry stands for; `items` the
   * questions (to name them in messages instead of ids). `lead`: the summary's first line.
   */
  show(problems, { refs = null, items = [], lead = null } = {}) {
    this.clear();
    const links = problems.map((problem, n) => {
      const parts = pathParts(problem.field);
      const message = reworded(problem, parts) || withWording(problem.message || "This needs another look.", items);
      const place = locate(this.register, parts, refs);
      if (!place) return h("li", { text: message });
      const note = h("p", { class: "field-error from-form", id: `te-problem-${n}`, text: message });
      const { field } = place;
      const closed = field.closest("details:not([open])");
      if (closed) closed.open = true;
      const heading = field.querySelector(":scope > label, :scope > legend");
      if (field.matches(".choice")) field.before(note);
      else if (heading) heading.after(note);
      else field.prepend(note);
      field.classList.add("has-error");
      const controls = field.matches("input, select, textarea") ? [field] : [...field.querySelectorAll("input, select, textarea")].slice(0, 1);
      for (const control of controls) {
        control.setAttribute("aria-invalid", "true");
        control.setAttribute("aria-describedby", [note.id, control.getAttribute("aria-describedby")].filter(Boolean).join(" "));
      }
      this.marked.push({ field, note, controls });
      const target = controls[0] || field;
      return h("li", {}, h("a", {
        href: `#${target.id || ""}`,
        on: { click: (event) => { event.preventDefault(); focusElement(target); } },
      }, `${place.title}: ${message}`));
    });
    const count = problems.length;
    clear(this.status, notice("error",
      h("p", { class: "error-summary-title", text: lead || (count === 1 ? "One thing needs another look before this can be saved." : `${count} things need another look before this can be saved.`) }),
      h("ul", {}, links)));
    focusElement(this.status.firstElementChild);
  }

  /** An error from saving: field problems next to their fields, or the API's sentence. */
  showError(error, context) {
    const problems = error instanceof ApiError ? error.errors : [];
    if (problems.length) this.show(problems, context);
    else {
      this.clear();
      clear(this.status, notice("error", h("p", { text: describeError(error) })));
      focusElement(this.status.firstElementChild);
    }
  }
}
