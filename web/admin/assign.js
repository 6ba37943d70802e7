// Assigning homework from the library (or the practice's own templates) to one client.

import { h, clear, focusElement, notice, announce } from "../shared/dom.js";
import { adminApi } from "./auth.js";
import { fieldErrors } from "./forms.js";

const WEEKDAYS = [["mon", "Mon"], ["tue", "Tue"], ["wed", "Wed"], ["thu", "Thu"], ["fri", "Fri"], ["sat", "Sat"], ["sun", "Sun"]];

function field(name, label, control, help = null) {
  const helpId = help ? `${control.id}-help` : null;
  if (helpId) control.setAttribute("aria-describedby", helpId);
  return h("div", { class: "field", dataset: { field: name } },
    h("label", { class: "field-label", for: control.id, text: label }),
    help ? h("p", { class: "field-help", id: helpId, text: help }) : null,
    control);
}

export function assignForm(client, onAssigned) {
  const status = h("div", { role: "status", "aria-live": "polite" });
  const template = h("select", { id: "assign-template", class: "control" }, h("option", { value: "", text: "Loading templates…" }));
  const title = h("input", { type: "text", id: "assign-title", class: "control", maxlength: 200, autocomplete: "off" });
  const instructions = h("textarea", { id: "assign-instructions", class: "control", rows: 4, maxlength: 5000 });
  const startDate = h("input", { type: "date", id: "assign-start", class: "control control-short" });
  const dueDate = h("input", { type: "date", id: "assign-due-date", class: "control control-short" });
  const dueTime = h("input", { type: "time", id: "assign-due-time", class: "control control-short", value: "20:00" });
  const frequency = h("select", { id: "assign-frequency", class: "control control-short" },
    [["once", "Once"], ["daily", "Every day"], ["weekly", "Weekly"], ["every_n_days", "Every few days"]].map(([value, text]) => h("option", { value, text })));
  const interval = h("input", { type: "number", id: "assign-interval", class: "control control-short", min: 1, max: 365, value: 2 });
  const until = h("input", { type: "date", id: "assign-until", class: "control control-short" });
  const weekdayInputs = WEEKDAYS.map(([value]) => h("input", { type: "checkbox", id: `assign-weekday-${value}`, value }));
  const remindersOn = h("input", { type: "checkbox", id: "assign-reminders", checked: true });
  const reminderTime = h("input", { type: "time", id: "assign-reminder-time", class: "control control-short", value: client.reminder_time });
  const byEmail = h("input", { type: "checkbox", id: "assign-by-email", checked: client.reminder_channels.includes("email"), disabled: !client.email });
  const bySms = h("input", { type: "checkbox", id: "assign-by-sms", checked: client.reminder_channels.includes("sms"), disabled: !client.phone });
  const followUp = h("select", { id: "assign-follow-up", class: "control control-short" },
    h("option", { value: "", text: "No follow-up" }), [2, 4, 12, 24].map((hours) => h("option", { value: String(hours), text: `${hours} hours after` })));

  const dueDateField = field("due_date", "Due date", dueDate, "For one-off homework. Leave empty for the start date.");
  const intervalField = field("interval", "Every how many days", interval);
  const untilField = field("until", "Repeat until (optional)", until);
  const weekdaysField = h("fieldset", { class: "field", dataset: { field: "weekdays" } }, h("legend", { class: "field-label", text: "On these days" }),
    h("div", { class: "weekday-list" }, weekdayInputs.map((input, index) => h("div", { class: "choice" }, input, h("label", { for: input.id, text: WEEKDAYS[index][1] })))));
  const reminderDetails = h("div", {},
    h("div", { class: "form-row" },
      field("time", "Reminder time", reminderTime, "The client's own time zone."),
      field("follow_up_after_hours", "Follow-up reminder", followUp)),
    h("fieldset", { class: "field", dataset: { field: "channels" } }, h("legend", { class: "field-label", text: "Remind by" }),
      h("div", { class: "choices" },
        h("div", { class: "choice" }, byEmail, h("label", { for: byEmail.id, text: client.email ? "Email" : "Email (no address on file)" })),
        h("div", { class: "choice" }, bySms, h("label", { for: bySms.id, text: client.phone ? "Text message" : "Text message (no number on file)" })))));

  const syncRecurrence = () => {
    const value = frequency.value;
    dueDateField.hidden = value !== "once";
    intervalField.hidden = value !== "every_n_days";
    weekdaysField.hidden = value !== "weekly";
    untilField.hidden = value === "once";
  };
  frequency.addEventListener("change", syncRecurrence);
  remindersOn.addEventListener("change", () => { reminderDetails.hidden = !remindersOn.checked; });
  template.addEventListener("change", async () => {
    if (!template.value) return;
    try {
      const detail = await adminApi("GET", `/v1/templates/${encodeURIComponent(template.value)}`);
      title.value = detail.content.title;
      instructions.value = detail.content.instructions || "";
    } catch {
      // The titles stay editable; the template's own text is used if these stay empty.
    }
  });

  const button = h("button", { type: "submit", class: "button", text: "Assign" });
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "assign-title-heading" },
    h("h2", { id: "assign-title-heading", text: "Assign homework" }),
    status,
    field("template_id", "Template", template),
    h("div", { class: "form-row" }, field("title", "Title the client sees", title)),
    field("instructions", "Instructions for this client", instructions, "Written for this client; starts from the template's own instructions."),
    h("div", { class: "form-row" }, field("frequency", "How often", frequency), field("start_date", "Start date", startDate, "Leave empty to start today."), field("due_time", "Due by (time)", dueTime)),
    h("div", { class: "form-row" }, dueDateField, intervalField, untilField),
    weekdaysField,
    h("fieldset", { class: "field" }, h("legend", { class: "field-label", text: "Reminders" }),
      h("div", { class: "choice" }, remindersOn, h("label", { for: remindersOn.id, text: "Send reminders for this homework" })),
      reminderDetails),
    h("div", { class: "actions" }, button));
  syncRecurrence();

  adminApi("GET", "/v1/templates").then((list) => {
    const groups = [["practice", "Your practice's templates"], ["library", "Library"]].map(([source, label]) =>
      h("optgroup", { label }, list.items.filter((item) => item.source === source)
        .sort((a, b) => a.title.localeCompare(b.title))
        .map((item) => h("option", { value: item.template_id, text: item.title }))));
    clear(template, h("option", { value: "", text: "Choose a template" }), groups.filter((group) => group.children.length));
  }).catch(() => clear(template, h("option", { value: "", text: "Templates could not be loaded" })));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!template.value) {
      clear(status, notice("error", h("p", { text: "Choose a template." })));
      focusElement(template);
      return;
    }
    const recurrence = { frequency: frequency.value };
    if (frequency.value === "every_n_days") recurrence.interval = Number(interval.value) || 1;
    if (frequency.value === "weekly") recurrence.weekdays = weekdayInputs.filter((input) => input.checked).map((input) => input.value);
    if (frequency.value !== "once" && until.value) recurrence.until = until.value;
    const channels = [byEmail.checked && !byEmail.disabled ? "email" : null, bySms.checked && !bySms.disabled ? "sms" : null].filter(Boolean);
    const body = {
      template_id: template.value,
      title: title.value.trim() || null,
      instructions: instructions.value.trim() || null,
      start_date: startDate.value || null,
      due_date: frequency.value === "once" ? dueDate.value || null : null,
      due_time: dueTime.value || "20:00",
      recurrence,
      reminders: remindersOn.checked
        ? { enabled: true, channels, time: reminderTime.value || null, follow_up_after_hours: followUp.value ? Number(followUp.value) : null }
        : { enabled: false },
    };
    button.disabled = true;
    try {
      const assignment = await adminApi("POST", `/v1/clients/${encodeURIComponent(client.client_id)}/assignments`, { body });
      announce(`${assignment.title} assigned.`);
      onAssigned(assignment);
    } catch (error) {
      button.disabled = false;
      fieldErrors(form, status, error);
    }
  });
  return form;
}
