// Templates: the library and the practice's own, and an editor for the practice's own with
// a live preview rendered by the same code the client's page uses.

import { h, clear, focusElement, notice, announce } from "../shared/dom.js";
import { ApiError, describeError } from "../shared/api.js";
import { createTemplateForm } from "../shared/form.js";
import { ITEM_RENDERERS } from "../shared/items/index.js";
import { adminApi } from "./auth.js";

const KINDS = ["worksheet", "questionnaire", "diary", "log", "plan", "exercise"];
// The types on offer, their names and settings all come from the item renderers.
const ITEM_TYPES = Object.values(ITEM_RENDERERS);

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
          h("td", { text: item.kind }),
          h("td", { text: item.source === "library" ? "Library" : "Your practice" }),
          h("td", {}, h("a", {
            href: `#/templates/${encodeURIComponent(item.template_id)}`,
            text: item.source === "library" ? "Copy and adapt" : "Edit",
            "aria-label": `${item.source === "library" ? "Copy and adapt" : "Edit"} ${item.title}`,
          }))))))));
}

function blankItem(type = "text", index = 1) {
  const item = { id: `item_${index}`, type, label: "New question", required: false };
  const defaults = ITEM_RENDERERS[type]?.blank;
  if (defaults) Object.assign(item, defaults({ blankItem }));
  return item;
}

export async function showTemplateEditor(main, templateId) {
  clear(main, h("h1", { text: "Template" }), h("p", { class: "loading", text: "Loading" }));
  let state;
  if (templateId) {
    const detail = await adminApi("GET", `/v1/templates/${encodeURIComponent(templateId)}`);
    const copying = detail.source === "library";
    const { id: _id, version: _version, ...content } = detail.content;
    state = {
      templateId: copying ? null : detail.template_id,
      version: copying ? null : detail.version,
      basedOn: copying ? detail.template_id : detail.based_on,
      shared: detail.shared ?? true,
      archived: !copying && Boolean(detail.archived),
      content: { ...content, title: copying ? `${content.title} (adapted)` : content.title },
    };
  } else {
    state = { templateId: null, version: null, basedOn: null, shared: true,
      content: { title: "", kind: "worksheet", description: "", instructions: "", items: [blankItem("text", 1)], scoring: null } };
  }
  renderEditor(main, state);
}

function renderEditor(main, state) {
  const content = state.content;
  const status = h("div", { role: "status", "aria-live": "polite" });
  const preview = h("div", { class: "preview-body" });
  const itemsBox = h("div", { class: "items-box" });
  let previewTimer = null;
  const refreshPreview = () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(() => {
      try {
        clear(preview, h("h3", { text: content.title || "Untitled" }),
          content.instructions ? h("p", { class: "instructions", text: content.instructions }) : null,
          createTemplateForm({ ...content, items: content.items }, { idPrefix: "preview" }).element);
      } catch {
        clear(preview, h("p", { class: "muted", text: "The preview will appear when the questions are complete." }));
      }
    }, 150);
  };

  const text = (id, label, value, onInput, { multiline = false, help = null, maxlength = 200 } = {}) => {
    const control = h(multiline ? "textarea" : "input", { id, class: "control", maxlength, rows: multiline ? 3 : null, type: multiline ? null : "text", autocomplete: "off" });
    control.value = value ?? "";
    control.addEventListener("input", () => { onInput(control.value); refreshPreview(); });
    if (help) control.setAttribute("aria-describedby", `${id}-help`);
    return h("div", { class: "field" }, h("label", { class: "field-label", for: id, text: label }), help ? h("p", { class: "field-help", id: `${id}-help`, text: help }) : null, control);
  };
  const numberInput = (id, label, value, onInput) => {
    const control = h("input", { id, type: "number", class: "control control-short", step: "any" });
    control.value = value ?? "";
    control.addEventListener("input", () => { onInput(control.value === "" ? null : Number(control.value)); refreshPreview(); });
    return h("div", { class: "field" }, h("label", { class: "field-label", for: id, text: label }), control);
  };

  function itemEditor(list, index, path, allowGroup) {
    const item = list[index];
    const base = `edit-${path.replace(/[^A-Za-z0-9]+/g, "-")}`;
    const type = h("select", { id: `${base}-type`, class: "control control-short" },
      ITEM_TYPES.filter((renderer) => allowGroup || !renderer.container).map(({ type: value, label }) => h("option", { value, text: label, selected: value === item.type })));
    type.addEventListener("change", () => {
      const replacement = blankItem(type.value, index + 1);
      list[index] = { ...replacement, id: item.id, label: item.label, help: item.help, required: item.required };
      renderItems();
      focusElement(document.getElementById(`${base}-type`));
    });
    const required = h("input", { type: "checkbox", id: `${base}-required`, checked: Boolean(item.required) });
    required.addEventListener("change", () => { item.required = required.checked; refreshPreview(); });
    const move = (delta, label) => {
      const button = h("button", { type: "button", class: "button button-quiet", text: label, "aria-label": `${label}: ${item.label}`,
        disabled: index + delta < 0 || index + delta >= list.length });
      button.addEventListener("click", () => {
        [list[index], list[index + delta]] = [list[index + delta], list[index]];
        renderItems();
        announce(`Moved ${label.toLowerCase()}.`);
      });
      return button;
    };
    const remove = h("button", { type: "button", class: "button button-danger", text: "Remove", "aria-label": `Remove: ${item.label}`, disabled: list.length <= 1 });
    remove.addEventListener("click", () => { list.splice(index, 1); renderItems(); announce("Question removed."); });

    const settings = ITEM_RENDERERS[item.type]?.settings;
    const specific = settings ? settings(item, { base, path, text, numberInput, itemEditor, renderItems, blankItem }) : [];
    return h("fieldset", { class: "item-editor" },
      h("legend", { text: `${allowGroup ? "Question" : "Column"} ${index + 1}` }),
      h("div", { class: "form-row" },
        h("div", { class: "field" }, h("label", { class: "field-label", for: type.id, text: "Type" }), type),
        text(`${base}-id`, "Id (letters, digits, _)", item.id, (value) => { item.id = value.trim(); }, { maxlength: 64 })),
      text(`${base}-label`, "Question", item.label, (value) => { item.label = value; }, { maxlength: 500 }),
      text(`${base}-help`, "Help text (optional)", item.help, (value) => { item.help = value || null; }, { maxlength: 1000 }),
      h("div", { class: "choice" }, required, h("label", { for: required.id, text: "An answer is required" })),
      specific,
      h("div", { class: "actions" }, move(-1, "Move up"), move(1, "Move down"), remove));
  }

  function renderItems() {
    clear(itemsBox, content.items.map((_, index) => itemEditor(content.items, index, String(index), true)));
    refreshPreview();
  }

  const kind = h("select", { id: "template-kind", class: "control control-short" }, KINDS.map((value) => h("option", { value, text: value, selected: value === content.kind })));
  kind.addEventListener("change", () => { content.kind = kind.value; });
  const shared = h("input", { type: "checkbox", id: "template-shared", checked: state.shared });
  shared.addEventListener("change", () => { state.shared = shared.checked; });
  const scoring = h("textarea", { id: "template-scoring", class: "control", rows: 5, "aria-describedby": "template-scoring-help" });
  scoring.value = content.scoring ? JSON.stringify(content.scoring, null, 2) : "";
  const addItem = h("button", { type: "button", class: "button button-secondary", text: "Add a question" });
  addItem.addEventListener("click", () => {
    content.items.push(blankItem("text", content.items.length + 1));
    renderItems();
    focusElement(itemsBox.lastElementChild?.querySelector("select"));
  });
  const save = h("button", { type: "submit", class: "button", text: state.templateId ? "Save changes" : "Create template" });
  const form = h("form", { class: "editor-form", novalidate: true, "aria-labelledby": "editor-title" },
    status,
    text("template-title", "Title", content.title, (value) => { content.title = value; }),
    h("div", { class: "field" }, h("label", { class: "field-label", for: kind.id, text: "Kind" }), kind),
    text("template-description", "Description for clinicians", content.description, (value) => { content.description = value; }, { multiline: true, maxlength: 2000 }),
    text("template-instructions", "Instructions the client sees", content.instructions, (value) => { content.instructions = value; }, { multiline: true, maxlength: 5000 }),
    h("h2", { text: "Questions" }),
    itemsBox,
    addItem,
    h("details", {}, h("summary", { text: "Scoring (advanced)" }),
      h("div", { class: "field" }, h("label", { class: "field-label", for: scoring.id, text: "Scoring rules as JSON" }),
        h("p", { class: "field-help", id: "template-scoring-help", text: "Totals, bands and risk rules, in the same form as the library's questionnaires. Leave empty for none." }), scoring)),
    h("div", { class: "choice" }, shared, h("label", { for: shared.id, text: "Share with everyone in the practice" })),
    h("div", { class: "actions" }, save, state.templateId ? archiveButton(state, status) : null, h("a", { href: "#/templates", text: "Cancel" })));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let parsedScoring = null;
    if (scoring.value.trim()) {
      try {
        parsedScoring = JSON.parse(scoring.value);
      } catch {
        clear(status, notice("error", h("p", { text: "The scoring rules are not valid JSON." })));
        focusElement(status.firstElementChild);
        return;
      }
    }
    const body = { content: { ...content, scoring: parsedScoring }, shared: state.shared };
    save.disabled = true;
    try {
      const saved = state.templateId
        ? await adminApi("PUT", `/v1/templates/${encodeURIComponent(state.templateId)}`, { body: { ...body, version: state.version } })
        : await adminApi("POST", "/v1/templates", { body: { ...body, based_on: state.basedOn || null } });
      state.templateId = saved.template_id;
      state.version = saved.version;
      save.disabled = false;
      save.textContent = "Save changes";
      history.replaceState(null, "", `#/templates/${encodeURIComponent(saved.template_id)}`);
      clear(status, notice("success", h("p", { text: `Saved as version ${saved.version}. New assignments use this version; existing ones keep theirs.` })));
      focusElement(status.firstElementChild);
    } catch (error) {
      save.disabled = false;
      const lines = error instanceof ApiError ? error.errors.map((item) => h("li", { text: `${String(item.field || "").replace(/^content\./, "")}: ${item.message}` })) : [];
      clear(status, notice("error", h("p", { text: describeError(error) }), lines.length ? h("ul", {}, lines) : null));
      focusElement(status.firstElementChild);
    }
  });

  clear(main,
    h("p", {}, h("a", { href: "#/templates", text: "← Templates" })),
    h("h1", { id: "editor-title", text: state.templateId ? `Edit “${content.title}”` : "New template" }),
    h("div", { class: "editor" },
      h("section", { "aria-label": "Template editor" }, form),
      h("section", { class: "card preview-pane", "aria-labelledby": "preview-title" },
        h("h2", { id: "preview-title", text: "Preview: what the client sees" }), preview)));
  renderItems();
}

// Archiving hides a practice template from the list and from new assignments; assignments
// already made with it keep working. Restoring brings it back.
function archiveButton(state, status) {
  const button = h("button", { type: "button", class: "button button-secondary" });
  const label = () => { button.textContent = state.archived ? "Restore template" : "Archive template"; };
  label();
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const saved = await adminApi("POST", `/v1/templates/${encodeURIComponent(state.templateId)}/${state.archived ? "unarchive" : "archive"}`);
      state.archived = saved.archived;
      label();
      clear(status, notice("success", h("p", { text: saved.archived
        ? "Archived. It no longer appears in the list or for new assignments; existing assignments keep working."
        : "Restored. It appears in the template list again." })));
    } catch (error) {
      clear(status, notice("error", h("p", { text: describeError(error) })));
    }
    button.disabled = false;
    focusElement(status.firstElementChild);
  });
  return button;
}
