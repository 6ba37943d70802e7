// Templates: the library and the practice's own. The editor, in a clinician's words (no
// ids to type, answers as rows, scoring from a form), lives in ./template-editor/.

import { h, clear } from "../shared/dom.js";
import { ITEM_RENDERERS } from "../shared/items/index.js";
import { adminApi } from "./auth.js";
import { answerKit } from "./template-editor/answers.js";
import { openTemplateEditor } from "./template-editor/editor.js";
import { KINDS } from "./template-editor/model.js";

const KIND_NAMES = Object.fromEntries(KINDS);
// The editor asks the item renderers about every kind of question; it never switches on a type.
const answers = answerKit(ITEM_RENDERERS);

/** The editor for a practice template, a copy of a library one (`templateId`), or a new one (null). */
export function showTemplateEditor(main, templateId) {
  return openTemplateEditor(main, templateId, answers);
}

export async function showTemplates(main) {
  clear(main, h("h1", { text: "Templates" }), h("p", { class: "loading", text: "Loading" }));
  const list = await adminApi("GET", "/v1/templates");
  const items = [...list.items].sort((a, b) => a.source.localeCompare(b.source) || a.title.localeCompare(b.title));
  clear(main,
    h("div", { class: "page-head" }, h("h1", { text: "Templates" }), h("a", { class: "button", href: "#/templates/new", text: "New template" })),
    h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": "templates-caption" },
      h("table", {},
        h("caption", { id: "templates-caption", text: "Library and practice templates" }),
        h("thead", {}, h("tr", {}, ["Title", "Kind", "Source", ""].map((label, i) => h("th", { scope: "col", text: label || null }, i === 3 ? h("span", { class: "visually-hidden", text: "Actions" }) : null)))),
        h("tbody", {}, items.map((item) => h("tr", {},
          h("th", { scope: "row" }, item.title, item.description ? h("div", { class: "muted", text: item.description.slice(0, 140) + (item.description.length > 140 ? "…" : "") }) : null),
          h("td", { text: KIND_NAMES[item.kind] || item.kind }),
          h("td", { text: item.source === "library" ? "Library" : "Your practice" }),
          h("td", {}, h("a", {
            href: `#/templates/${encodeURIComponent(item.template_id)}`,
            text: item.source === "library" ? "Copy and adapt" : "Edit",
            "aria-label": `${item.source === "library" ? "Copy and adapt" : "Edit"} ${item.title}`,
          }))))))));
}
