// The plan on an assignment, as a clinician writes it with the client: why this homework, when and
// where (an implementation intention), the first small step, obstacles with what the client will do,
// and the client's confidence. Used by the assign steps and by the edit page; plus the read-only
// summary, the "needs adjusting" flag and the plan's history in words.

import { h, uid } from "../shared/dom.js";
import { field, fieldGroup } from "./forms.js";

export const MAX_OBSTACLES = 5;
export const DEFAULT_THRESHOLD = 7;
export const WHEN_WHERE_EXAMPLE = "after breakfast, at the kitchen table, on weekdays";

export const PLAN_LABELS = {
  rationale: "Why this homework",
  when_where: "When and where it will happen",
  first_step: "The first small step",
  obstacles: "What might get in the way",
  confidence: "Confidence",
  what_would_help: "What would make it easier",
};

const shortDateTime = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** "3 Dec 14:05" */
export function when(iso) {
  if (!iso) return "";
  const moment = new Date(iso);
  return Number.isNaN(moment.getTime()) ? iso : shortDateTime.format(moment);
}

/** Who made a change, as the clinician reads it (`name`: the one the API recorded, if any). */
export function byWhom(role, id, who, names = new Map(), name = null) {
  if (role === "client" || id === "client") return "the client";
  if (who && id === who.clinician_id) return "you";
  return name || names.get(id) || "a colleague";
}

function text(value) {
  return typeof value === "string" ? value.trim() : "";
}

/** True when nothing of the plan has been written yet. */
export function planIsEmpty(plan) {
  return !plan || (!text(plan.rationale) && !text(plan.when_where) && !text(plan.first_step)
    && !(plan.obstacles || []).length && (plan.confidence === null || plan.confidence === undefined) && !text(plan.what_would_help));
}

/**
 * The plan as a form's fields. `prefix` is the API path before the plan's own fields ("plan." when
 * it is part of a new assignment, "" for the plan's own route). Returns { element, value(), focus() }.
 */
export function planEditor(plan = {}, { prefix = "", threshold = DEFAULT_THRESHOLD, idPrefix = uid("plan") } = {}) {
  const id = (name) => `${idPrefix}-${name}`;
  const rationale = h("textarea", { id: id("rationale"), class: "control", rows: 3, maxlength: 1000, value: plan.rationale || "" });
  const whenWhere = h("textarea", { id: id("when-where"), class: "control", rows: 2, maxlength: 500, value: plan.when_where || "",
    placeholder: `e.g. ${WHEN_WHERE_EXAMPLE}` });
  const firstStep = h("input", { type: "text", id: id("first-step"), class: "control", maxlength: 500, autocomplete: "off", value: plan.first_step || "",
    placeholder: "e.g. open the worksheet on my phone and read the first question" });

  // Obstacles: rows of "if … then I will …", up to five.
  const rows = h("ol", { class: "obstacle-rows" });
  const addButton = h("button", { type: "button", class: "button button-secondary", text: "Add an obstacle" });
  const limitNote = h("p", { class: "field-help", id: id("obstacles-limit"), text: `Up to ${MAX_OBSTACLES} obstacles.` });
  const renumber = () => {
    [...rows.children].forEach((row, index) => {
      const number = index + 1;
      row.querySelector(".obstacle-legend").textContent = `Obstacle ${number}`;
      const [ifField, thenField] = row.querySelectorAll(".field");
      ifField.dataset.field = `${prefix}obstacles[${index}].obstacle`;
      ifField.dataset.label = `Obstacle ${number}: if`;
      thenField.dataset.field = `${prefix}obstacles[${index}].response`;
      thenField.dataset.label = `Obstacle ${number}: then I will`;
      row.dataset.field = `${prefix}obstacles[${index}]`;
      row.dataset.label = `Obstacle ${number}`;
      row.querySelector(".obstacle-remove").setAttribute("aria-label", `Remove obstacle ${number}`);
    });
    addButton.disabled = rows.children.length >= MAX_OBSTACLES;
    addButton.textContent = rows.children.length ? "Add another obstacle" : "Add an obstacle";
  };
  const addRow = (obstacle = {}, focus = false) => {
    const rowId = uid(`${idPrefix}-obstacle`);
    const ifInput = h("input", { type: "text", id: `${rowId}-if`, class: "control", maxlength: 200, autocomplete: "off", value: obstacle.obstacle || "",
      placeholder: "e.g. I get home late and tired" });
    const thenInput = h("input", { type: "text", id: `${rowId}-then`, class: "control", maxlength: 300, autocomplete: "off", value: obstacle.response || "",
      placeholder: "e.g. do just the first question before bed" });
    const remove = h("button", { type: "button", class: "button button-quiet obstacle-remove", text: "Remove" });
    const row = h("li", { class: "obstacle-row" },
      h("fieldset", { class: "obstacle" },
        h("legend", { class: "obstacle-legend" }),
        h("div", { class: "obstacle-pair" }, field("", "If", ifInput), field("", "then I will", thenInput), remove)));
    remove.addEventListener("click", () => {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber();
      (next?.querySelector("input") || addButton).focus();
    });
    rows.append(row);
    renumber();
    if (focus) ifInput.focus();
  };
  for (const obstacle of (plan.obstacles || []).slice(0, MAX_OBSTACLES)) addRow(obstacle);
  addButton.addEventListener("click", () => { if (rows.children.length < MAX_OBSTACLES) addRow({}, true); });
  addButton.setAttribute("aria-describedby", limitNote.id);
  renumber();

  // Confidence 0–10, which may be left for the client.
  let confidenceSet = plan.confidence !== null && plan.confidence !== undefined;
  const slider = h("input", { type: "range", id: id("confidence"), class: "scale-slider", min: 0, max: 10, step: 1,
    value: confidenceSet ? plan.confidence : 5 });
  const readout = h("output", { class: "confidence-readout", for: slider.id, id: id("confidence-readout") });
  const clearButton = h("button", { type: "button", class: "link-button", text: "Leave it for the client" });
  const whatHelps = h("textarea", { id: id("what-would-help"), class: "control", rows: 2, maxlength: 500, value: plan.what_would_help || "" });
  const whatHelpsField = field(`${prefix}what_would_help`, "What would make it easier?", whatHelps,
    { help: `Asked when confidence is under ${threshold} out of 10. The client can answer this from their link too.` });
  const syncConfidence = () => {
    const value = Number(slider.value);
    readout.textContent = confidenceSet ? `${value} out of 10` : "Not set yet";
    slider.setAttribute("aria-valuetext", confidenceSet ? `${value} out of 10` : "Not set yet");
    slider.classList.toggle("is-unset", !confidenceSet);
    clearButton.hidden = !confidenceSet;
    whatHelpsField.hidden = !(confidenceSet && value < threshold) && !whatHelps.value.trim();
  };
  slider.addEventListener("input", () => { confidenceSet = true; syncConfidence(); });
  slider.addEventListener("change", () => { confidenceSet = true; syncConfidence(); });
  clearButton.addEventListener("click", () => { confidenceSet = false; slider.value = 5; syncConfidence(); slider.focus(); });
  const confidenceField = field(`${prefix}confidence`, "How confident is the client that they will do it?", slider, {
    help: "0 means not at all, 10 means completely sure. Ask the client; under 7, plan for what makes it hard.",
    extra: [
      h("div", { class: "scale-anchors", "aria-hidden": "true" }, h("span", { text: "0 not at all" }), h("span", { class: "at-end", text: "10 completely" })),
      h("p", { class: "confidence-line" }, h("span", { class: "visually-hidden", text: "Confidence: " }), readout, " ", clearButton),
    ],
  });
  confidenceField.dataset.label = PLAN_LABELS.confidence;
  syncConfidence();

  const element = h("div", { class: "plan-editor" },
    field(`${prefix}rationale`, PLAN_LABELS.rationale, rationale,
      { help: "In your words or the client's: what it is for and how it will help." }),
    field(`${prefix}when_where`, PLAN_LABELS.when_where, whenWhere,
      { help: "A plan the client can picture: after what, where, and on which days or how often." }),
    field(`${prefix}first_step`, PLAN_LABELS.first_step, firstStep,
      { help: "Something that takes two minutes, so starting is easy." }),
    fieldGroup(`${prefix}obstacles`, PLAN_LABELS.obstacles, [rows, h("div", { class: "actions" }, addButton), limitNote],
      { help: "For each thing that might get in the way, what the client will do if it happens.", id: id("obstacles") }),
    confidenceField,
    whatHelpsField);

  return {
    element,
    value() {
      const obstacles = [...rows.children].map((row) => {
        const [ifInput, thenInput] = row.querySelectorAll("input");
        return { obstacle: ifInput.value.trim(), response: thenInput.value.trim() || null };
      }).filter((row) => row.obstacle || row.response);
      return {
        rationale: rationale.value.trim() || null,
        when_where: whenWhere.value.trim() || null,
        first_step: firstStep.value.trim() || null,
        obstacles,
        confidence: confidenceSet ? Number(slider.value) : null,
        what_would_help: whatHelps.value.trim() || null,
      };
    },
    focus() { rationale.focus(); },
  };
}

/** "Plan needs adjusting: confidence 4/10", with the client's own words on what would help. */
export function adjustmentNotice(plan, { title = null, link = null } = {}) {
  if (!plan?.needs_adjustment) return null;
  const confidence = plan.confidence ?? "—";
  return h("div", { class: "notice notice-warning plan-flag", role: "status" },
    h("p", {}, h("strong", { text: `Plan needs adjusting: confidence ${confidence}/10` }), title ? ` · ${title}` : ""),
    plan.what_would_help
      ? h("p", {}, "What would make it easier, in the client's words: ", h("q", { text: plan.what_would_help }))
      : h("p", { class: "muted", text: "The client has not said yet what would make it easier." }),
    link ? h("p", {}, link) : null);
}

/** The plan read-only, compact (client page, review step). */
export function planSummary(plan, { emptyText = "Left for the client to fill in." } = {}) {
  const list = h("dl", { class: "details-list plan-summary" });
  const row = (label, value) => list.append(h("dt", { text: label }),
    value ? h("dd", { text: value }) : h("dd", { class: "muted", text: emptyText }));
  row(PLAN_LABELS.rationale, text(plan?.rationale));
  row(PLAN_LABELS.when_where, text(plan?.when_where));
  row(PLAN_LABELS.first_step, text(plan?.first_step));
  const obstacles = plan?.obstacles || [];
  list.append(h("dt", { text: PLAN_LABELS.obstacles }), obstacles.length
    ? h("dd", {}, h("ul", { class: "obstacle-list" }, obstacles.map((row) =>
      h("li", { text: `If ${row.obstacle || "…"}, then I will ${row.response || "…"}` }))))
    : h("dd", { class: "muted", text: emptyText }));
  row(PLAN_LABELS.confidence, plan?.confidence !== null && plan?.confidence !== undefined ? `${plan.confidence} out of 10` : "");
  if (text(plan?.what_would_help)) row(PLAN_LABELS.what_would_help, text(plan.what_would_help));
  return list;
}

function describeValue(field, value) {
  if (field === "confidence") return value === null || value === undefined ? "cleared" : `${value}/10`;
  if (field === "obstacles") return Array.isArray(value) ? `${value.length} ${value.length === 1 ? "obstacle" : "obstacles"}` : "";
  return null;
}

/** One plan history entry in words: "Confidence set to 4/10, When and where changed by the client, 3 Dec 14:05". */
export function planChangeText(entry, who, names) {
  const changes = entry.changes || {};
  const fields = Object.keys(changes).filter((name) => PLAN_LABELS[name]);
  const author = byWhom(entry.by_role, entry.by_id, who, names, entry.by_name);
  if (entry.version === 1) return `Plan written by ${author}, ${when(entry.at)}`;
  const parts = fields.map((name) => {
    const detail = describeValue(name, changes[name]);
    return name === "confidence" ? `Confidence set to ${detail}` : `${PLAN_LABELS[name]} ${detail ? `changed (${detail})` : "changed"}`;
  });
  return `${parts.join(", ") || "Plan saved"} by ${author}, ${when(entry.at)}`;
}

/** The history, newest first, as a list. */
export function planHistory(history, who, names) {
  const entries = [...(history || [])].reverse();
  if (!entries.length) return h("p", { class: "muted", text: "No changes yet." });
  return h("ul", { class: "history-list" }, entries.map((entry) => h("li", { text: planChangeText(entry, who, names) })));
}
