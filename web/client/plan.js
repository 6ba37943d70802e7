// The plan above the worksheet: why, when and where, the first step, "if … then I will …",
// and how sure the client feels. The client can change their part; a low confidence asks,
// kindly, what would make it easier (their clinician sees the answer).

import { h, clear, notice, announce, focusElement } from "../shared/dom.js";
import { t, formatDateTime, describeError } from "./i18n/index.js";
import { ApiError } from "../shared/api.js";
import { clientApi, showFieldErrors, clearFieldErrors } from "./session.js";

const MAX_OBSTACLES = 5;
const FIELDS = ["rationale", "when_where", "first_step", "obstacles", "confidence", "what_would_help"];

const planPath = (assignmentId) => `/v1/client/assignments/${encodeURIComponent(assignmentId)}/plan`;

/** The plan in the assignment detail, or read on its own; null when there is none to show. */
export async function loadPlan(detail) {
  if (detail.plan) return detail.plan;
  try {
    return await clientApi("GET", planPath(detail.assignment_id));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}

/** The plan section: a view, an editor behind "Edit my plan", and the kind question. */
export function planSection(assignmentId, initialPlan) {
  const section = h("section", { class: "card plan", "aria-labelledby": "plan-title" });
  let plan = initialPlan;

  function render({ message = null, editing = false, kept = null, kindText = null, focus = null } = {}) {
    const view = planView(plan);
    const kind = plan.ask_what_would_help && !plan.what_would_help ? kindQuestion(plan, save) : null;
    const status = h("div", { class: "plan-status" }, message);
    const editButton = h("button", {
      type: "button", class: "button button-secondary", "aria-expanded": "false", "aria-controls": "plan-editor",
      text: isEmptyPlan(plan) ? t("plan.add") : t("plan.edit"),
    });
    const editorSlot = h("div", { id: "plan-editor" });
    const openEditor = (values) => {
      // The editor holds every part of the plan, so the read-only view steps aside meanwhile.
      view.hidden = true;
      if (kind) kind.hidden = true;
      editButton.hidden = true;
      editButton.setAttribute("aria-expanded", "true");
      clear(editorSlot, planEditor(values || plan, plan, {
        onCancel: () => { render(); focusElement(section.querySelector(".plan-actions button")); },
        onSave: save,
      }));
      focusElement(editorSlot.querySelector("textarea, input"));
    };
    editButton.addEventListener("click", () => openEditor());
    clear(section,
      h("h2", { id: "plan-title", text: t("plan.title") }),
      status,
      view,
      kind,
      h("div", { class: "plan-actions" }, editButton),
      editorSlot,
      historyDetails(plan));
    if (kind && kindText) kind.querySelector("textarea").value = kindText;
    if (editing) openEditor(kept);
    if (focus) focusElement(section.querySelector(focus));
  }

  /** PATCH the changed fields; a 409 reloads the plan and puts the client's changes back on top. */
  async function save(changes, { form, button, statusSlot }) {
    if (!Object.keys(changes).length) {
      render({ message: notice("info", h("p", { text: t("plan.nothingChanged") })), focus: ".plan-actions button" });
      return;
    }
    button.disabled = true;
    clearFieldErrors(form);
    clear(statusSlot);
    try {
      const saved = await clientApi("PATCH", planPath(assignmentId), { body: { ...changes, version: plan.version || undefined } });
      plan = saved;
      if (saved.ask_what_would_help && !saved.what_would_help) {
        // Not sure they'll manage it: the kind question comes next, with the cursor in it.
        render({ focus: "#what-would-help" });
        announce(t("plan.oneMore"));
      } else {
        render({ message: notice("success", h("p", { text: t("plan.saved") })), focus: ".plan-status .notice" });
        announce(t("plan.saved"));
      }
    } catch (error) {
      button.disabled = false;
      if (error instanceof ApiError && error.status === 409) {
        try {
          plan = await clientApi("GET", planPath(assignmentId));
        } catch { /* show what we have */ }
        const onlyKind = Object.keys(changes).length === 1 && "what_would_help" in changes
          && plan.ask_what_would_help && !plan.what_would_help;
        render({
          message: notice("warning", h("p", { text: onlyKind
            ? t("plan.conflictKind")
            : t("plan.conflictEdit") })),
          editing: !onlyKind, kept: { ...plan, ...changes }, kindText: onlyKind ? changes.what_would_help : null,
          focus: ".plan-status .notice",
        });
        return;
      }
      const problems = error instanceof ApiError ? error.errors : [];
      const unplaced = problems.length ? showFieldErrors(form, problems, { renumber: form.renumber }) : [];
      if (!problems.length || unplaced.length) {
        clear(statusSlot, notice("error", h("p", { text: unplaced.length ? unplaced.join(" ") : describeError(error) })));
        focusElement(statusSlot.firstElementChild);
      }
    }
  }

  render();
  return section;
}

function isEmptyPlan(plan) {
  return !plan.rationale && !plan.when_where && !plan.first_step && !(plan.obstacles || []).length
    && (plan.confidence === null || plan.confidence === undefined);
}

function planView(plan) {
  if (isEmptyPlan(plan)) {
    return h("p", { class: "muted", text: t("plan.none") });
  }
  const rows = [];
  const add = (term, ...description) => rows.push(h("div", { class: "plan-row" }, h("dt", { text: term }), h("dd", {}, ...description)));
  if (plan.rationale) add(t("plan.why"), plan.rationale);
  if (plan.when_where) add(t("plan.whenWhere"), plan.when_where);
  if (plan.first_step) add(t("plan.firstStep"), plan.first_step);
  if ((plan.obstacles || []).length) {
    add(t("plan.ifSomething"), h("ul", { class: "if-then" }, plan.obstacles.map((row) => h("li", {},
      h("span", { class: "if-then-line" }, h("span", { class: "if-then-word", text: t("plan.ifWord") }), row.obstacle),
      row.response ? h("span", { class: "if-then-line" }, h("span", { class: "if-then-word", text: t("plan.thenWord") }), row.response) : null))));
  }
  if (plan.confidence !== null && plan.confidence !== undefined) {
    add(t("plan.howSure"), h("span", { class: "confidence-value", text: t("plan.outOf10", { number: plan.confidence }) }),
      h("span", { class: "confidence-meter", "aria-hidden": "true" },
        Array.from({ length: 10 }, (_, index) => h("span", { class: index < plan.confidence ? "pip pip-on" : "pip" }))));
  }
  if (plan.what_would_help) {
    add(t("plan.easier"), plan.what_would_help,
      plan.needs_adjustment ? h("span", { class: "plan-note", text: t("plan.canChange") }) : null);
  }
  return h("dl", { class: "plan-view" }, rows);
}

/** "That's OK — what would make it easier?", shown while confidence is under the practice's line. */
function kindQuestion(plan, save) {
  const box = h("textarea", {
    id: "what-would-help", class: "control", rows: 3, maxlength: 500,
    "aria-describedby": "what-would-help-help what-would-help-error",
  });
  box.value = plan.what_would_help || "";
  const button = h("button", { type: "submit", class: "button", text: plan.what_would_help ? t("plan.save") : t("plan.send") });
  const statusSlot = h("div", { role: "status", "aria-live": "polite" });
  const form = h("form", { class: "kind-question", novalidate: true, "aria-labelledby": "what-would-help-title" },
    h("div", { class: "field", dataset: { path: "what_would_help" } },
      h("h3", { class: "kind-title" }, h("label", { id: "what-would-help-title", for: "what-would-help", text: t("plan.kindTitle") })),
      h("p", { class: "field-help", id: "what-would-help-help", text: t("plan.kindHelp") }),
      h("p", { class: "field-error", id: "what-would-help-error", hidden: true }),
      box),
    h("div", { class: "actions" }, button),
    statusSlot);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = box.value.trim();
    if (!value) {
      showFieldErrors(form, [{ field: "what_would_help", message: t("plan.kindEmpty") }]);
      return;
    }
    save(value === (plan.what_would_help || "") ? {} : { what_would_help: value }, { form, button, statusSlot });
  });
  return form;
}

/** The editor for the client's part of the plan. */
function planEditor(values, base, { onCancel, onSave }) {
  const fields = [];
  const textField = (name, label, help, { rows = 2, maxlength }) => {
    const id = `plan-${name.replaceAll("_", "-")}`;
    const control = h("textarea", {
      id, class: "control", rows, maxlength, "aria-describedby": [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(" "),
    });
    control.value = values[name] || "";
    fields.push({ name, read: () => control.value.trim() || null });
    return h("div", { class: "field", dataset: { path: name } },
      h("label", { class: "field-label", for: id, text: label }),
      help ? h("p", { class: "field-help", id: `${id}-help`, text: help }) : null,
      h("p", { class: "field-error", id: `${id}-error`, hidden: true }),
      control);
  };

  const obstacles = obstacleRows(values.obstacles || []);
  const confidence = confidenceSlider(values.confidence);
  const button = h("button", { type: "submit", class: "button", text: t("plan.saveMy") });
  const cancel = h("button", { type: "button", class: "button button-quiet", text: t("plan.cancel"), on: { click: onCancel } });
  const statusSlot = h("div", { role: "status", "aria-live": "polite" });
  const form = h("form", { class: "plan-editor", novalidate: true, "aria-labelledby": "plan-editor-title" },
    h("h3", { id: "plan-editor-title", text: t("plan.edit") }),
    h("p", { class: "muted", text: t("plan.editIntro") }),
    textField("rationale", t("plan.whyLabel"), t("plan.whyHelp"), { rows: 2, maxlength: 1000 }),
    textField("when_where", t("plan.whenLabel"), t("plan.whenHelp"), { rows: 2, maxlength: 500 }),
    textField("first_step", t("plan.stepLabel"), t("plan.stepHelp"), { rows: 2, maxlength: 500 }),
    obstacles.element,
    confidence.element,
    base.what_would_help || base.ask_what_would_help
      ? textField("what_would_help", t("plan.easier"), t("plan.willSee"), { rows: 2, maxlength: 500 }) : null,
    h("div", { class: "actions" }, button, cancel),
    statusSlot);
  form.renumber = obstacles.renumber;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const typed = { ...base };
    const changes = {};
    for (const field of fields) {
      typed[field.name] = field.read();
      if ((base[field.name] || null) !== typed[field.name]) changes[field.name] = typed[field.name];
    }
    const rows = obstacles.values();
    typed.obstacles = rows.all;
    const problems = rows.problems;
    if (problems.length) {
      showFieldErrors(form, problems);
      return;
    }
    if (JSON.stringify(rows.sent) !== JSON.stringify((base.obstacles || []).map(({ obstacle, response }) => ({ obstacle, response: response || null })))) changes.obstacles = rows.sent;
    typed.confidence = confidence.value();
    if (typed.confidence !== null && typed.confidence !== (base.confidence ?? null)) changes.confidence = typed.confidence;
    onSave(changes, { form, button, statusSlot });
  });
  return form;
}

/** "If … then I will …" rows, up to five. */
function obstacleRows(initial) {
  const list = h("ol", { class: "obstacle-rows" });
  const addButton = h("button", { type: "button", class: "button button-secondary", text: t("plan.addObstacle") });
  const element = h("fieldset", { class: "field obstacles", dataset: { path: "obstacles" } },
    h("legend", { class: "field-label", text: t("plan.ifSomething") }),
    h("p", { class: "field-help", text: t("plan.thinkOf") }),
    h("p", { class: "field-error", hidden: true }),
    list, addButton);
  let rows = [];
  let counter = 0;
  let sentRows = [];

  function addRow(row = { obstacle: "", response: "" }, focus = false) {
    counter += 1;
    const id = `obstacle-${counter}`;
    const obstacle = h("input", { type: "text", id: `${id}-if`, class: "control", maxlength: 200, value: row.obstacle || "", "aria-describedby": `${id}-if-error` });
    const response = h("input", { type: "text", id: `${id}-then`, class: "control", maxlength: 300, value: row.response || "", "aria-describedby": `${id}-then-error` });
    const remove = h("button", { type: "button", class: "link-button", text: t("plan.remove") });
    const item = h("li", { class: "obstacle-row" },
      h("div", { class: "field obstacle-if" },
        h("label", { class: "field-label", for: obstacle.id }, t("plan.if"), h("span", { class: "visually-hidden obstacle-number" })),
        h("p", { class: "field-error", id: `${id}-if-error`, hidden: true }),
        obstacle),
      h("div", { class: "field obstacle-then" },
        h("label", { class: "field-label", for: response.id }, t("plan.then"), h("span", { class: "visually-hidden obstacle-number" })),
        h("p", { class: "field-error", id: `${id}-then-error`, hidden: true }),
        response),
      remove);
    const entry = { item, obstacle, response };
    remove.setAttribute("aria-label", t("plan.removeLabel", { what: row.obstacle || t("plan.thisOne") }));
    obstacle.addEventListener("input", () => remove.setAttribute("aria-label", t("plan.removeLabel", { what: obstacle.value || t("plan.thisOne") })));
    remove.addEventListener("click", () => {
      const index = rows.indexOf(entry);
      rows.splice(index, 1);
      item.remove();
      refresh();
      focusElement((rows[index] || rows[index - 1])?.obstacle || addButton);
    });
    rows.push(entry);
    list.append(item);
    refresh();
    if (focus) obstacle.focus();
  }

  function refresh() {
    addButton.hidden = rows.length >= MAX_OBSTACLES;
    rows.forEach((entry, index) => {
      entry.item.querySelector(".obstacle-if").dataset.path = `obstacles[${index}].obstacle`;
      entry.item.querySelector(".obstacle-then").dataset.path = `obstacles[${index}].response`;
      for (const span of entry.item.querySelectorAll(".obstacle-number")) span.textContent = t("plan.number", { number: index + 1 });
    });
  }

  addButton.addEventListener("click", () => addRow(undefined, true));
  for (const row of initial) addRow(row);
  if (!initial.length) addRow();

  return {
    element,
    /** Rows with something in them; a half-filled row asks for its other half. */
    values() {
      const problems = [];
      const all = rows.map((entry) => ({ obstacle: entry.obstacle.value.trim(), response: entry.response.value.trim() }));
      sentRows = [];
      // "then I will" may wait; a plan can name an obstacle before the answer to it is found.
      all.forEach((row, index) => {
        if (!row.obstacle && !row.response) return;
        if (!row.obstacle) problems.push({ field: `obstacles[${index}].obstacle`, message: t("plan.sayObstacle") });
        sentRows.push(index);
      });
      const sent = sentRows.map((index) => ({ obstacle: all[index].obstacle, response: all[index].response || null }));
      return { all, sent, problems };
    },
    /** The API numbers the rows it was sent; the page numbers every row on screen. */
    renumber(path) {
      return path.replace(/^obstacles\[(\d+)\]/, (whole, sent) => (sentRows[Number(sent)] === undefined ? whole : `obstacles[${sentRows[Number(sent)]}]`));
    },
  };
}

/** 0–10, a labelled range with the number shown; it starts unset when no number was given. */
function confidenceSlider(initial) {
  let isSet = initial !== null && initial !== undefined;
  const slider = h("input", {
    type: "range", id: "plan-confidence", class: "confidence-slider", min: 0, max: 10, step: 1,
    "aria-describedby": "plan-confidence-help plan-confidence-error",
  });
  slider.value = String(isSet ? initial : 5);
  const readout = h("output", { class: "confidence-readout", for: "plan-confidence", "aria-hidden": "true" });
  const refresh = () => {
    readout.textContent = isSet ? t("plan.outOf10", { number: slider.value }) : t("plan.notSetMove");
    slider.setAttribute("aria-valuetext", isSet ? t("plan.outOf10", { number: slider.value }) : t("plan.notSet"));
    field.classList.toggle("confidence-unset", !isSet);
  };
  const field = h("div", { class: "field confidence", dataset: { path: "confidence" } },
    h("label", { class: "field-label", for: "plan-confidence", text: t("plan.sureQ") }),
    h("p", { class: "field-help", id: "plan-confidence-help", text: t("plan.sureHelp") }),
    h("p", { class: "field-error", id: "plan-confidence-error", hidden: true }),
    readout,
    slider,
    h("div", { class: "confidence-anchors", "aria-hidden": "true" }, h("span", { text: t("plan.notAtAll") }), h("span", { text: t("plan.completely") })));
  slider.addEventListener("input", () => { isSet = true; refresh(); });
  refresh();
  return { element: field, value: () => (isSet ? Number(slider.value) : null) };
}

/** Who changed the plan, and when, newest first. */
function historyDetails(plan) {
  const history = (plan.history || []).slice().reverse();
  if (!history.length) return null;
  return h("details", { class: "plan-history" },
    h("summary", { text: t("plan.changes", { count: history.length }) }),
    h("ul", { class: "plan-history-list" }, history.map((entry) => {
      const who = entry.by_role === "client" ? t("plan.byYou") : entry.by_name ? t("plan.byClinicianNamed", { name: entry.by_name }) : t("plan.byClinician");
      const changed = Object.keys(entry.changes || {}).map((field) => (field === "confidence" && entry.changes.confidence !== null
        ? t("plan.changedSure", { number: entry.changes.confidence }) : FIELDS.includes(field) ? t(`plan.field.${field}`) : null)).filter(Boolean);
      return h("li", {},
        h("span", { class: "history-who", text: t(entry.version === 1 ? "plan.writtenBy" : "plan.changedBy", { who }) }),
        h("span", { class: "muted", text: ` · ${formatDateTime(entry.at)}` }),
        changed.length && entry.version !== 1 ? h("span", { class: "history-what", text: `: ${changed.join(", ")}` }) : null);
    })));
}
