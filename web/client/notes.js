// "Things I want to talk about": notes for the next session, added at any time.

import { h, clear, notice, announce, focusElement } from "../shared/dom.js";
import { t, formatDateTime, describeError } from "./i18n/index.js";
import { ApiError } from "../shared/api.js";
import { clientApi, showFieldErrors, clearFieldErrors } from "./session.js";

const NOTES_PATH = "/v1/client/session-notes";

export async function showNotes(main) {
  clear(main, h("h1", { text: t("app.notesTitle") }), h("p", { class: "loading", text: t("common.loading") }));
  const list = await clientApi("GET", NOTES_PATH);
  render(main, itemsOf(list));
}

function itemsOf(list) {
  return Array.isArray(list) ? list : list?.items || [];
}

function render(main, notes, message = null) {
  const box = h("textarea", {
    id: "session-note", class: "control", rows: 4, maxlength: 2000,
    "aria-describedby": "session-note-help session-note-error",
  });
  const button = h("button", { type: "submit", class: "button", text: t("notes.add") });
  const status = h("div", { class: "notes-status", role: "status", "aria-live": "polite" }, message);
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "add-note-title" },
    h("h2", { id: "add-note-title", text: t("notes.addTitle") }),
    h("div", { class: "field", dataset: { path: "text" } },
      h("label", { class: "field-label", for: "session-note", text: t("notes.label") }),
      h("p", { class: "field-help", id: "session-note-help", text: t("notes.help") }),
      h("p", { class: "field-error", id: "session-note-error", hidden: true }),
      box),
    h("div", { class: "actions" }, button),
    status);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    clear(status);
    const text = box.value.trim();
    if (!text) {
      showFieldErrors(form, [{ field: "text", message: t("notes.empty") }]);
      return;
    }
    button.disabled = true;
    try {
      await clientApi("POST", NOTES_PATH, { body: { text } });
      const list = await clientApi("GET", NOTES_PATH);
      render(main, itemsOf(list), notice("success", h("p", { text: t("notes.addedText") })));
      announce(t("notes.announce"));
      focusElement(main.querySelector("#session-note"));
    } catch (error) {
      button.disabled = false;
      const problems = error instanceof ApiError ? error.errors : [];
      const unplaced = problems.length ? showFieldErrors(form, problems) : [];
      if (!problems.length || unplaced.length) {
        const text = error instanceof ApiError && error.status === 409 ? error.message : describeError(error);
        clear(status, notice("error", h("p", { text: unplaced.length ? unplaced.join(" ") : text })));
      }
    }
  });

  const waiting = notes.length
    ? h("ul", { class: "note-list" }, notes.map((note) => h("li", { class: "note" },
      h("p", { class: "note-text", text: note.text }),
      h("p", { class: "muted note-when", text: t("notes.added", { when: formatDateTime(note.created_at) }) }))))
    : h("p", { class: "muted", text: t("notes.nothing") });

  clear(main,
    h("h1", { text: t("app.notesTitle") }),
    h("p", { class: "muted", text: t("notes.intro") }),
    form,
    h("section", { "aria-labelledby": "waiting-title" },
      h("h2", { id: "waiting-title", text: notes.length ? t("notes.waitingCount", { count: notes.length }) : t("notes.waiting") }),
      waiting));
}
