// The template editor page: the template's title and purpose, its questions, scoring chosen
// from a form, the raw JSON behind "Advanced", and a live preview drawn by the same code as
// the client's page. Saving names the template and version it saved.

import { h, clear, focusElement, notice, debounce } from "../../shared/dom.js";
import { describeError } from "../../shared/api.js";
import { createTemplateForm } from "../../shared/form.js";
import { adminApi } from "../auth.js";
import { KINDS, editorState, freezeAll, serialize } from "./model.js";
import { FieldRegister, button, checkbox, labelled, rerender, textInput } from "./fields.js";
import { itemsSection } from "./items.js";
import { scoringSection } from "./scoring.js";
import { advancedSection } from "./advanced.js";
import { ProblemList } from "./errors.js";
import { checkTemplate } from "./validate.js";

/** `answers`: what the editor asks about each kind of question (answers.js, built from the item renderers). */
export async function openTemplateEditor(main, templateId, answers) {
  clear(main, h("h1", { text: "Template" }), h("p", { class: "loading", text: "Loading" }));
  let page;
  if (templateId) {
    const detail = await adminApi("GET", `/v1/templates/${encodeURIComponent(templateId)}`);
    const copying = detail.source === "library";
    const content = { ...detail.content, title: copying ? `${detail.content.title} (adapted)`.slice(0, 200) : detail.content.title };
    page = {
      ...editorState(content, { frozenIds: true, answers }), // library ids stay too: its scoring uses them
      templateId: copying ? null : detail.template_id,
      version: copying ? null : detail.version,
      basedOn: copying ? detail.template_id : detail.based_on,
      shared: detail.shared ?? true,
      archived: !copying && Boolean(detail.archived),
    };
  } else {
    page = {
      ...editorState({ title: "", kind: "worksheet", items: [answers.newItem("text")], scoring: null }, { frozenIds: false, answers }),
      templateId: null, version: null, basedOn: null, shared: true, archived: false,
    };
  }
  renderEditor(main, page);
}

function renderEditor(main, page) {
  const register = new FieldRegister();
  const status = h("div", { class: "te-status", role: "status", "aria-live": "polite" });
  const problems = new ProblemList(status, register);
  const heading = h("h1", { id: "editor-title" });
  const preview = h("div", { class: "preview-body" });
  const meta = h("div", { class: "te-meta" });
  const actions = h("div", { class: "actions te-save" });

  let rescore = false;
  const refresh = debounce(() => {
    if (rescore) scoring.render();
    rescore = false;
    advanced.refresh();
    drawPreview();
  }, 150);
  const items = itemsSection(page, { register, changed: () => { rescore = true; refresh(); } });
  const scoring = scoringSection(page, { register, changed: () => refresh() });
  const advanced = advancedSection({
    register,
    current: () => serialize(page).content,
    apply: (content) => {
      const loaded = editorState(content, { frozenIds: page, answers: page.answers });
      Object.assign(page, loaded);
      renderAll();
    },
  });

  function drawPreview() {
    try {
      const { content } = serialize(page);
      const unwritten = (item) => ({ ...item, label: item.label.trim() ? item.label : "(a question not written yet)",
        ...(Array.isArray(item.items) ? { items: item.items.map(unwritten) } : {}),
        ...(Array.isArray(item.options) ? { options: item.options.map((option) => ({ ...option, label: option.label.trim() ? option.label : "(an answer not written yet)" })) } : {}) });
      content.items = content.items.map(unwritten);
      clear(preview, h("h3", { text: content.title || "Untitled" }),
        content.instructions ? h("p", { class: "instructions", text: content.instructions }) : null,
        createTemplateForm(content, { idPrefix: "preview" }).element);
    } catch {
      clear(preview, h("p", { class: "muted", text: "The preview will appear when the questions are complete." }));
    }
  }

  function renderMeta() {
    const content = page.content;
    const kind = h("select", { id: "template-kind", class: "control control-short" },
      KINDS.map(([value, label]) => h("option", { value, text: label, selected: value === content.kind })));
    kind.addEventListener("change", () => { content.kind = kind.value; refresh(); });
    const title = textInput("template-title", content.title, (value) => { content.title = value; refresh(); });
    title.setAttribute("aria-required", "true");
    rerender(meta, () => clear(meta,
      register.add("title", labelled(title, "Title"), "Title"),
      register.add("kind", labelled(kind, "Kind of homework"), "Kind of homework"),
      register.add("description", labelled(textInput("template-description", content.description, (value) => { content.description = value; refresh(); }, { multiline: true, maxlength: 2000 }),
        "Description for clinicians", { optional: true }), "Description"),
      register.add("instructions", labelled(textInput("template-instructions", content.instructions, (value) => { content.instructions = value; refresh(); }, { multiline: true, maxlength: 5000 }),
        "Instructions the client sees", { optional: true }), "Instructions")));
  }

  function renderHeading() {
    heading.textContent = page.templateId ? `Edit “${page.content.title}”` : "New template";
  }

  const save = h("button", { type: "submit", class: "button", id: "te-save" });
  function renderActions() {
    save.textContent = page.templateId ? "Save changes" : "Create template";
    clear(actions, save, page.templateId ? archiveButton(page, status) : null, h("a", { href: "#/templates", text: "Back to templates" }));
  }

  function renderAll() {
    renderMeta();
    items.render();
    scoring.render();
    renderHeading();
    renderActions();
    drawPreview();
  }

  const form = h("form", { class: "editor-form", novalidate: true, "aria-labelledby": "editor-title" },
    status,
    meta,
    register.add("items", h("section", { class: "te-section", "aria-labelledby": "te-questions-title" },
      h("h2", { id: "te-questions-title", text: "Questions" }),
      items.element,
      button("Add a question", () => items.add(), { id: "te-add-question" })), "Questions"),
    register.add("scoring", h("section", { class: "te-section card", "aria-labelledby": "te-scoring-title" },
      h("h2", { id: "te-scoring-title", text: "Scoring" }),
      h("p", { class: "field-help", text: "Leave this alone for homework that is not scored." }),
      scoring.element), "Scoring"),
    advanced.element,
    h("div", { class: "field" }, checkbox("template-shared", page.shared, "Share with everyone in the practice", (on) => { page.shared = on; })),
    actions);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    refresh.cancel();
    if (!advanced.useJson()) return;
    const found = checkTemplate(page);
    if (found.length) {
      problems.show(found, { items: page.content.items });
      return;
    }
    const { content, refs } = serialize(page);
    save.disabled = true;
    try {
      const saved = page.templateId
        ? await adminApi("PUT", `/v1/templates/${encodeURIComponent(page.templateId)}`, { body: { content, shared: page.shared, version: page.version } })
        : await adminApi("POST", "/v1/templates", { body: { content, shared: page.shared, based_on: page.basedOn || null } });
      page.templateId = saved.template_id;
      page.version = saved.version;
      freezeAll(page.content.items, page.frozen); // saved: these ids stay whatever the wording becomes
      history.replaceState(null, "", `#/templates/${encodeURIComponent(saved.template_id)}`);
      renderHeading();
      renderActions();
      problems.clear();
      clear(status, notice("success",
        h("p", { text: `Saved “${saved.content.title}”, version ${saved.version}.` }),
        h("p", { text: "New assignments use this version; assignments already made keep theirs." })));
      focusElement(status.firstElementChild);
    } catch (error) {
      problems.showError(error, { refs, items: page.content.items });
    } finally {
      save.disabled = false;
    }
  });

  clear(main,
    h("p", {}, h("a", { href: "#/templates", text: "← Templates" })),
    heading,
    h("div", { class: "editor" },
      h("section", { "aria-label": "Template editor" }, form),
      h("section", { class: "card preview-pane", "aria-labelledby": "preview-title" },
        h("h2", { id: "preview-title", text: "Preview: what the client sees" }), preview)));
  renderAll();
}

// Archiving hides a practice template from the list and from new assignments; assignments
// already made with it keep working. Restoring brings it back.
function archiveButton(page, status) {
  const control = h("button", { type: "button", class: "button button-secondary" });
  const label = () => { control.textContent = page.archived ? "Restore template" : "Archive template"; };
  label();
  control.addEventListener("click", async () => {
    control.disabled = true;
    try {
      const saved = await adminApi("POST", `/v1/templates/${encodeURIComponent(page.templateId)}/${page.archived ? "unarchive" : "archive"}`);
      page.archived = saved.archived;
      label();
      clear(status, notice("success", h("p", { text: saved.archived
        ? `Archived “${saved.content.title}”. It no longer appears in the list or for new assignments; existing assignments keep working.`
        : `Restored “${saved.content.title}”. It appears in the template list again.` })));
    } catch (error) {
      clear(status, notice("error", h("p", { text: describeError(error) })));
    }
    control.disabled = false;
    focusElement(status.firstElementChild);
  });
  return control;
}
