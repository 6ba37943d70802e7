// Changing an assignment already made (title, instructions, due time, schedule, reminders) and its
// plan, each with its history in words ("Title changed by you, 3 Dec 14:05").

import { h, clear, focusElement, notice, announce } from "../shared/dom.js";
import { ApiError, describeError } from "../shared/api.js";
import { adminApi } from "./auth.js";
import { fieldErrors, showProblems, clearProblems } from "./forms.js";
import { scheduleFields, describeSchedule, describeReminders } from "./assign.js";
import { planEditor, planHistory, adjustmentNotice, byWhom, when, DEFAULT_THRESHOLD } from "./plan.js";

const CHANGE_LABELS = {
  title: "Title", instructions: "Instructions", due_time: "Due time", recurrence: "Schedule", reminders: "Reminders",
  status: "Status", due_date: "Due date", start_date: "Start date",
};
const STATUS_WORDS = { active: "active", paused: "paused", cancelled: "ended" };

/** Names of the practice's clinicians by id, for owners and admins (others see "a colleague"). */
export async function clinicianNames(who) {
  const names = new Map();
  if (who && ["owner", "admin"].includes(who.role)) {
    try {
      const list = await adminApi("GET", "/v1/clinicians?limit=100");
      for (const clinician of list.items) names.set(clinician.clinician_id, clinician.display_name);
    } catch {
      // Names are a nicety: "a colleague" is shown instead.
    }
  }
  return names;
}

function joinWords(words) {
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}` : words[0] || "";
}

function beforeText(name, value, client) {
  if (value === null || value === undefined || value === "") return "empty";
  if (name === "recurrence") return describeSchedule({ recurrence: value }).replace(/, due .*$/, "");
  if (name === "reminders") return describeReminders(value, client);
  if (name === "status") return STATUS_WORDS[value] || value;
  if (typeof value === "string") return value.length > 80 ? `“${value.slice(0, 80)}…”` : `“${value}”`;
  return String(value);
}

/** "Title and schedule changed by you, 3 Dec 14:05" with the values before underneath. */
export function changeEntry(entry, who, names, client) {
  const words = (entry.fields || []).map((name, index) => {
    const label = CHANGE_LABELS[name] || name;
    return index ? label.toLowerCase() : label;
  });
  const text = `${words.length ? `${joinWords(words)} changed` : "Changed"} by ${byWhom(null, entry.by, who, names, entry.by_name)}, ${when(entry.at)}`;
  const before = Object.entries(entry.before || {});
  return h("li", {},
    h("span", { text }),
    before.length ? h("span", { class: "muted history-before", text: ` (before: ${before.map(([name, value]) =>
      `${(CHANGE_LABELS[name] || name).toLowerCase()} ${beforeText(name, value, client)}`).join("; ")})` }) : null);
}

/** "Set to be sent more often than its 14-day recall period by you, 3 Dec 14:05: “reason”". */
function recallOverrideEntry(entry, who, names) {
  return h("li", { class: "recall-override" },
    h("span", { text: `Set to be sent more often than its ${entry.recall_period_days}-day recall period (as little as ${entry.shortest_gap_days} day${entry.shortest_gap_days === 1 ? "" : "s"} apart) by ${byWhom(null, entry.by, who, names, entry.by_name)}, ${when(entry.at)}: ` }),
    h("q", { text: entry.reason || "" }));
}

function changeHistory(assignment, who, names, client) {
  const entries = [...(assignment.change_history || []).map((entry) => ({ entry, at: entry.at, recall: false })),
    ...(assignment.recall_overrides || []).map((entry) => ({ entry, at: entry.at, recall: true }))]
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : Number(a.recall) - Number(b.recall)));
  if (!entries.length) return h("p", { class: "muted", text: "No changes since it was assigned." });
  return h("ul", { class: "history-list" }, entries.map(({ entry, recall }) => (recall
    ? recallOverrideEntry(entry, who, names) : changeEntry(entry, who, names, client))));
}

/** Returns the element to focus: the plan's heading when `focus` is "plan". */
export async function showEditAssignment(main, clientId, assignmentId, who, { focus = null } = {}) {
  clear(main, h("h1", { text: "Edit homework" }), h("p", { class: "loading", text: "Loading" }));
  const [client, assignment, plan, practice, names] = await Promise.all([
    adminApi("GET", `/v1/clients/${encodeURIComponent(clientId)}`),
    adminApi("GET", `/v1/assignments/${encodeURIComponent(assignmentId)}`),
    adminApi("GET", `/v1/assignments/${encodeURIComponent(assignmentId)}/plan`).catch((error) => ({ error })),
    adminApi("GET", "/v1/practice").catch(() => null),
    clinicianNames(who),
  ]);
  const threshold = practice?.plan_confidence_threshold ?? DEFAULT_THRESHOLD;
  const clientHref = `#/clients/${encodeURIComponent(client.client_id)}`;
  const detailsSlot = h("div", {});
  const planSlot = h("div", {});

  const renderDetails = (current, message = null) => {
    const status = h("div", { class: "form-status" }, message);
    const fields = scheduleFields(client, current, { idPrefix: "edit", mode: "edit" });
    const baseline = fields.value();
    // The template's own instructions and recall period, shown beside the clinician's choices.
    adminApi("GET", `/v1/templates/${encodeURIComponent(current.template_id)}?version=${current.template_version}`)
      .then((detail) => fields.setTemplate(detail.content)).catch(() => {});
    const button = h("button", { type: "submit", class: "button", text: "Save changes" });
    const ended = current.status === "cancelled";
    const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "edit-details-title" },
      h("h2", { id: "edit-details-title", text: "The homework" }),
      status,
      ended ? notice("info", h("p", { text: "This homework has ended; it can no longer be changed." })) : null,
      fields.personal,
      h("h3", { text: "When" }),
      fields.schedule,
      fields.reminders,
      ended ? null : h("div", { class: "actions" }, button, h("a", { href: clientHref, text: "Cancel" })),
      h("section", { class: "history", "aria-labelledby": "assignment-history-title" },
        h("h3", { id: "assignment-history-title", text: "Changes" }),
        changeHistory(current, who, names, client)));
    if (ended) for (const control of form.querySelectorAll("input, select, textarea, button")) control.disabled = true;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const problems = fields.validate();
      if (problems.length) {
        showProblems(form, status, problems);
        return;
      }
      const value = fields.value();
      const body = {};
      for (const key of ["title", "instructions", "due_time", "recurrence", "reminders"]) {
        if (JSON.stringify(value[key]) !== JSON.stringify(baseline[key])) body[key] = value[key];
      }
      for (const key of ["due_date", "start_date"]) {
        if (value[key] && value[key] !== baseline[key]) body[key] = value[key];
      }
      if (body.recurrence && value.override_recall_period) {
        Object.assign(body, { override_recall_period: true, override_reason: value.override_reason });
      }
      if (!Object.keys(body).length) {
        clearProblems(form, status);
        clear(status, notice("info", h("p", { text: "Nothing has changed yet." })));
        focusElement(status.firstElementChild);
        return;
      }
      body.version = current.version;
      button.disabled = true;
      try {
        const updated = await adminApi("PATCH", `/v1/assignments/${encodeURIComponent(current.assignment_id)}`, { body });
        renderDetails(updated, notice("success", h("p", { text: `Saved. ${client.display_name} sees the new version from now on.` })));
        announce("Changes saved.");
        focusElement(detailsSlot.querySelector(".form-status .notice"));
      } catch (error) {
        button.disabled = false;
        fieldErrors(form, status, error, { aliases: { body: "due_date", recurrence: "recurrence.frequency", reminders: "reminders.enabled" } });
      }
    });
    clear(detailsSlot, form);
  };

  const renderPlan = (current, message = null) => {
    if (current.error) {
      clear(planSlot, h("section", { class: "card", "aria-labelledby": "edit-plan-title" },
        h("h2", { id: "edit-plan-title", text: "The plan" }),
        notice("error", h("p", { text: current.error instanceof ApiError && current.error.status === 404
          ? "The plan for this homework could not be found." : describeError(current.error) }))));
      return;
    }
    const status = h("div", { class: "form-status" }, message);
    const editor = planEditor(current, { prefix: "", threshold, idPrefix: "edit-plan" });
    const button = h("button", { type: "submit", class: "button", text: "Save the plan" });
    const form = h("form", { class: "card", id: "plan", novalidate: true, "aria-labelledby": "edit-plan-title" },
      h("h2", { id: "edit-plan-title", text: "The plan" }),
      status,
      adjustmentNotice(current),
      h("p", { class: "muted", text: current.version
        ? `Version ${current.version}, last changed by ${byWhom(current.updated_by_role, current.history?.at(-1)?.by_id, who, names, current.history?.at(-1)?.by_name)}${current.updated_at ? `, ${when(current.updated_at)}` : ""}. Saving marks it adjusted.`
        : "No plan has been written yet. The client can fill it in from their link, or you can write it here." }),
      editor.element,
      h("div", { class: "actions" }, button),
      h("section", { class: "history", "aria-labelledby": "plan-history-title" },
        h("h3", { id: "plan-history-title", text: "Changes to the plan" }),
        planHistory(current.history, who, names)));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = editor.value();
      body.version = current.version ?? 0; // 0: nobody has written it yet; a stale version is a 409
      button.disabled = true;
      try {
        const saved = await adminApi("PUT", `/v1/assignments/${encodeURIComponent(assignment.assignment_id)}/plan`, { body });
        renderPlan(saved, notice("success", h("p", { text: "The plan is saved. The client sees it with the homework." })));
        announce("Plan saved.");
        focusElement(planSlot.querySelector(".form-status .notice"));
      } catch (error) {
        button.disabled = false;
        fieldErrors(form, status, error);
      }
    });
    clear(planSlot, form);
  };

  renderDetails(assignment);
  renderPlan(plan);
  clear(main,
    h("p", { class: "no-print" }, h("a", { href: clientHref, text: `← ${client.display_name}` })),
    h("h1", { text: `Edit: ${assignment.title}` }),
    h("p", { class: "muted", text: `${assignment.template_title} · for ${client.display_name}` }),
    h("div", { class: "edit-columns" }, detailsSlot, planSlot));
  return focus === "plan" ? planSlot.querySelector("h2") : null;
}
