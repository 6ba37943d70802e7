// Assigning homework in the order a clinician talks it through with the client:
// template → personalise (title, instructions, schedule, reminders) → plan → review & assign.
// All four steps live in one form; Back and Next only show another step, so nothing typed is lost.
// The schedule and reminder fields are shared with the edit page (scheduleFields).

import { h, clear, focusElement, announce, formatDate } from "../shared/dom.js";
import { adminApi } from "./auth.js";
import { field, fieldGroup, fieldErrors, showProblems, clearProblems, setFlash } from "./forms.js";
import { planEditor, planSummary, planIsEmpty, DEFAULT_THRESHOLD } from "./plan.js";

const WEEKDAYS = [["mon", "Mon", "Monday"], ["tue", "Tue", "Tuesday"], ["wed", "Wed", "Wednesday"], ["thu", "Thu", "Thursday"],
  ["fri", "Fri", "Friday"], ["sat", "Sat", "Saturday"], ["sun", "Sun", "Sunday"]];
const FREQUENCIES = [["once", "Once"], ["daily", "Every day"], ["weekly", "Weekly"], ["every_n_days", "Every few days"]];
const FOLLOW_UPS = [2, 4, 12, 24];

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone) {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

/** "Every day, due 20:00", "Weekly on Monday and Thursday, due 09:00", ... */
export function describeSchedule(value) {
  const recurrence = value.recurrence || { frequency: "once" };
  let text;
  if (recurrence.frequency === "once") text = value.due_date ? `Once, on ${formatDate(value.due_date)}` : "Once";
  else if (recurrence.frequency === "daily") text = "Every day";
  else if (recurrence.frequency === "weekly") {
    const days = WEEKDAYS.filter(([code]) => (recurrence.weekdays || []).includes(code)).map(([, , name]) => name);
    text = days.length ? `Weekly on ${days.length > 1 ? `${days.slice(0, -1).join(", ")} and ${days[days.length - 1]}` : days[0]}` : "Weekly";
  } else text = `Every ${recurrence.interval || 1} days`;
  const bounds = recurrence.until ? `, until ${formatDate(recurrence.until)}` : recurrence.count ? `, ${recurrence.count} times` : "";
  return `${text}${bounds}, due ${value.due_time || "20:00"}`;
}

/** How a measure puts its recall period: "the last 2 weeks", "the past month" (as the API words it). */
export function periodWords(days) {
  if ([28, 30, 31].includes(days)) return "the past month";
  if (days === 7) return "the past week";
  if (days % 7 === 0) return `the last ${days / 7} weeks`;
  return days === 1 ? "the past day" : `the last ${days} days`;
}

/** "PHQ-9: Patient Health Questionnaire" reads as "PHQ-9" in a sentence. */
function shortName(title) {
  const [head, ...rest] = String(title || "").split(":");
  return rest.length && head.trim() ? head.trim() : title;
}

/**
 * Fewest days between two occurrences of a schedule, or null when it happens at most once.
 * The API measures it on the real series; this mirrors it for the page (an `until` or a
 * count of 1 that leaves a single occurrence has no gap).
 */
export function shortestGap(rule, startDate) {
  if (rule.frequency === "once" || rule.count === 1) return null;
  let gap;
  if (rule.frequency === "daily") gap = 1;
  else if (rule.frequency === "every_n_days") gap = Math.max(1, Number(rule.interval) || 1);
  else {
    const chosen = WEEKDAYS.map(([code], index) => ((rule.weekdays || []).includes(code) ? index : -1)).filter((index) => index >= 0);
    if (!chosen.length) return null;
    gap = chosen.length === 1 ? 7 : Math.min(...chosen.map((day, i) => ((chosen[(i + 1) % chosen.length] - day + 7) % 7) || 7));
  }
  if (rule.until && startDate && rule.frequency !== "weekly") {
    const span = (Date.parse(`${rule.until}T00:00:00Z`) - Date.parse(`${startDate}T00:00:00Z`)) / 86400000;
    if (span < gap) return null;
  }
  return gap;
}

function scheduleWords(rule, gap) {
  if (rule.frequency === "weekly") {
    const days = WEEKDAYS.filter(([code]) => (rule.weekdays || []).includes(code)).map(([, , name]) => `${name}s`);
    if (days.length === 1) return "every week";
    return `on ${days.slice(0, -1).join(", ")} and ${days[days.length - 1]}, as little as ${gap} day${gap === 1 ? "" : "s"} apart`;
  }
  return gap === 1 ? "every day" : `every ${gap} days`;
}

export function describeReminders(reminders, client) {
  if (!reminders?.enabled) return "No reminders";
  const channels = reminders.channels ?? client.reminder_channels;
  const names = channels.map((channel) => ({ email: "email", sms: "text message", push: "notification" }[channel] || channel));
  const how = names.length ? `by ${names.join(" and ")}` : "with no channel chosen";
  const follow = reminders.follow_up_after_hours ? `, follow-up ${reminders.follow_up_after_hours} hours after` : "";
  return `Reminders ${how} at ${reminders.time || client.reminder_time}${follow}`;
}

/**
 * Title, instructions, schedule and reminders for a new or an existing assignment.
 * `initial`: an AssignmentView-like object (or {}), `mode`: "create" | "edit".
 * Returns { personal, schedule, reminders (elements), title, instructions, value(), validate() }.
 */
export function scheduleFields(client, initial = {}, { idPrefix = "assign", mode = "create" } = {}) {
  const id = (name) => `${idPrefix}-${name}`;
  const recurrence = initial.recurrence || { frequency: "once" };
  const reminders = initial.reminders || { enabled: true };
  const today = todayIn(client.timezone);
  const title = h("input", { type: "text", id: id("title"), class: "control", maxlength: 200, autocomplete: "off", value: initial.title || "" });
  const instructions = h("textarea", { id: id("instructions"), class: "control", rows: 4, maxlength: 5000, value: initial.instructions || "" });
  // The template's own instructions (a measure's timeframe stem) always reach the client: shown
  // here so the clinician writes beside them, not instead of them.
  const stemText = h("p", { class: "pre-line template-stem-text" });
  const stem = h("div", { class: "template-stem", hidden: true },
    h("p", { class: "field-label", text: "The client always sees the template's own instructions" }), stemText);
  const startDate = h("input", { type: "date", id: id("start"), class: "control control-short", value: mode === "edit" ? initial.start_date || "" : "" });
  const dueDate = h("input", { type: "date", id: id("due-date"), class: "control control-short",
    value: initial.due_date || (mode === "edit" && recurrence.frequency === "once" ? initial.start_date || "" : "") });
  const dueTime = h("input", { type: "time", id: id("due-time"), class: "control control-short", value: initial.due_time || "20:00" });
  const frequency = h("select", { id: id("frequency"), class: "control control-short" },
    FREQUENCIES.map(([value, text]) => h("option", { value, text, selected: value === recurrence.frequency })));
  const interval = h("input", { type: "number", id: id("interval"), class: "control control-short", min: 1, max: 365, inputmode: "numeric",
    value: recurrence.frequency === "every_n_days" ? recurrence.interval : 2 });
  const until = h("input", { type: "date", id: id("until"), class: "control control-short", value: recurrence.until || "" });
  const count = h("input", { type: "number", id: id("count"), class: "control control-short", min: 1, max: 366, inputmode: "numeric", value: recurrence.count ?? "" });
  const weekdayInputs = WEEKDAYS.map(([value, , name]) => h("input", { type: "checkbox", id: id(`weekday-${value}`), value,
    checked: (recurrence.weekdays || []).includes(value), title: name }));
  const channels = reminders.channels ?? client.reminder_channels;
  const remindersOn = h("input", { type: "checkbox", id: id("reminders"), checked: reminders.enabled !== false });
  const reminderTime = h("input", { type: "time", id: id("reminder-time"), class: "control control-short", value: reminders.time || client.reminder_time });
  const byEmail = h("input", { type: "checkbox", id: id("by-email"), checked: channels.includes("email") && Boolean(client.email), disabled: !client.email });
  const bySms = h("input", { type: "checkbox", id: id("by-sms"), checked: channels.includes("sms") && Boolean(client.phone), disabled: !client.phone });
  const followUp = h("select", { id: id("follow-up"), class: "control control-short" },
    h("option", { value: "", text: "No follow-up" }),
    [...new Set([...FOLLOW_UPS, reminders.follow_up_after_hours].filter(Boolean))].sort((a, b) => a - b)
      .map((hours) => h("option", { value: String(hours), text: `${hours} hours after`, selected: hours === reminders.follow_up_after_hours })));

  const started = mode === "edit" && initial.start_date && initial.start_date <= today;
  const startField = field("start_date", "Start date", startDate, {
    help: mode === "edit" ? "It has not started yet, so the start can still move." : "Leave empty to start today." });
  startField.hidden = started;
  const dueDateField = field("due_date", "Due date", dueDate, {
    help: mode === "edit" ? "The day it is due, in the client's time zone." : "For one-off homework. Leave empty for the start date." });
  const intervalField = field("recurrence.interval", "Every how many days", interval);
  const untilField = field("recurrence.until", "Repeat until", until, { optional: true });
  const countField = field("recurrence.count", "Or stop after this many times", count, { optional: true });
  const weekdaysField = fieldGroup("recurrence.weekdays", "On these days",
    h("div", { class: "weekday-list" }, weekdayInputs.map((input, index) =>
      h("div", { class: "choice" }, input, h("label", { for: input.id, text: WEEKDAYS[index][1] })))),
    { id: id("weekdays") });
  const channelField = fieldGroup("reminders.channels", "Remind by",
    h("div", { class: "choices" },
      h("div", { class: "choice" }, byEmail, h("label", { for: byEmail.id, text: client.email ? "Email" : "Email (no address on file)" })),
      h("div", { class: "choice" }, bySms, h("label", { for: bySms.id, text: client.phone ? "Text message" : "Text message (no number on file)" }))),
    { id: id("channels") });
  const reminderDetails = h("div", { class: "reminder-details" },
    h("div", { class: "form-row" },
      field("reminders.time", "Reminder time", reminderTime, { help: "The client's own time zone." }),
      field("reminders.follow_up_after_hours", "Follow-up reminder", followUp, { help: "If it is still not done. It asks what got in the way." })),
    channelField);

  // A measure asks about a set period (PHQ-9: the last 2 weeks). Sent more often, its answers
  // overlap and its scores stop meaning what their bands say, so the schedule says so, starts
  // from a fitting one, and a shorter one needs an explicit choice with a reason.
  let measure = null; // { name, days }
  let scheduleTouched = mode === "edit";
  const recallNote = h("p", { class: "field-help recall-note", id: id("recall-note"), hidden: true });
  const overrideOn = h("input", { type: "checkbox", id: id("override-recall") });
  const overrideReason = h("textarea", { id: id("override-reason"), class: "control", rows: 2, maxlength: 500 });
  const reasonField = field("override_reason", "Why send it more often?", overrideReason, {
    help: "Kept with the homework's history, for you and your colleagues." });
  const recallExplanation = h("p", { class: "recall-explanation", "aria-live": "polite" });
  const recallWarning = h("div", { class: "notice notice-warning recall-warning", hidden: true },
    recallExplanation,
    fieldGroup("override_recall_period", "More often than its recall period",
      h("div", { class: "choice" }, overrideOn, h("label", { for: overrideOn.id, text: "Send more often anyway" })),
      { id: id("override-recall-group") }),
    reasonField);
  const currentRule = () => {
    const rule = { frequency: frequency.value };
    if (frequency.value === "every_n_days") rule.interval = Number(interval.value) || 1;
    if (frequency.value === "weekly") rule.weekdays = weekdayInputs.filter((input) => input.checked).map((input) => input.value);
    if (frequency.value !== "once" && until.value) rule.until = until.value;
    if (frequency.value !== "once" && count.value) rule.count = Number(count.value);
    return rule;
  };
  let unchangedRule = null; // an edit keeps the schedule it has; only a new one must fit
  const tooOften = () => {
    if (!measure || JSON.stringify(currentRule()) === unchangedRule) return false;
    const gap = shortestGap(currentRule(), startDate.value || initial.start_date || today);
    return gap !== null && gap < measure.days;
  };
  const recallLimit = () => `${measure.name} asks about ${periodWords(measure.days)}, so it can be sent at most every ${measure.days} days.`;
  const syncRecall = () => {
    const warn = tooOften();
    recallNote.hidden = !measure || warn; // the warning says it instead
    if (measure) recallNote.textContent = `${recallLimit()} Answered more often, its answers overlap and its scores are hard to compare.`;
    recallWarning.hidden = !warn;
    if (warn) {
      const rule = currentRule();
      recallExplanation.textContent = `${recallLimit()} This schedule sends it ${scheduleWords(rule, shortestGap(rule, startDate.value || initial.start_date || today))}.`;
    }
    reasonField.hidden = !overrideOn.checked;
  };
  /** The chosen template's content: its instructions and, for a measure, its recall period. */
  const setTemplate = (content) => {
    const text = (content?.instructions || "").trim();
    stemText.textContent = text;
    stem.hidden = !text;
    const days = content?.scoring?.recall_period_days;
    measure = days > 1 ? { name: shortName(content.title), days } : null;
    if (!scheduleTouched) {
      // start from a schedule that fits: once every recall period, or once for anything else
      frequency.value = measure ? "every_n_days" : "once";
      if (measure) interval.value = String(measure.days);
      sync();
    }
    syncRecall();
  };
  for (const control of [frequency, interval, until, count, ...weekdayInputs]) {
    control.addEventListener("change", () => { scheduleTouched = true; syncRecall(); });
  }
  interval.addEventListener("input", () => { scheduleTouched = true; syncRecall(); });
  overrideOn.addEventListener("change", syncRecall);

  const sync = () => {
    const value = frequency.value;
    dueDateField.hidden = value !== "once";
    intervalField.hidden = value !== "every_n_days";
    weekdaysField.hidden = value !== "weekly";
    untilField.hidden = value === "once";
    countField.hidden = value === "once";
    reminderDetails.hidden = !remindersOn.checked;
  };
  frequency.addEventListener("change", sync);
  remindersOn.addEventListener("change", sync);
  sync();
  if (mode === "edit") unchangedRule = JSON.stringify(currentRule());
  syncRecall();

  const personal = [
    h("div", { class: "form-row" }, field("title", "Title the client sees", title)),
    stem,
    field("instructions", "Your instructions for this client", instructions, {
      optional: true,
      help: mode === "edit" ? "Shown as “From your clinician”, beside the template's own instructions. The client sees the new wording from now on."
        : "Shown as “From your clinician”, beside the template's own instructions (never instead of them)." }),
  ];
  const schedule = [
    h("div", { class: "form-row" },
      field("recurrence.frequency", "How often", frequency), startField, field("due_time", "Due by (time)", dueTime)),
    h("div", { class: "form-row" }, dueDateField, intervalField, untilField, countField),
    weekdaysField,
    recallNote,
    recallWarning,
  ];
  const remindersBlock = fieldGroup("reminders.enabled", "Reminders", [
    h("div", { class: "choice" }, remindersOn, h("label", { for: remindersOn.id, text: "Send reminders for this homework" })),
    reminderDetails], { id: id("reminders-group") });

  const kept = mode === "edit"
    ? Object.fromEntries(["only_while_open", "max_follow_ups"].filter((key) => key in reminders).map((key) => [key, reminders[key]])) : {};
  const value = () => {
    const rule = currentRule();
    const chosen = [byEmail.checked && !byEmail.disabled ? "email" : null, bySms.checked && !bySms.disabled ? "sms" : null].filter(Boolean);
    return {
      title: title.value.trim() || null,
      instructions: instructions.value.trim() || (mode === "edit" ? "" : null),
      start_date: startDate.value || null,
      due_date: frequency.value === "once" ? dueDate.value || null : null,
      due_time: dueTime.value || "20:00",
      recurrence: rule,
      reminders: remindersOn.checked
        ? { ...kept, enabled: true, channels: chosen, time: reminderTime.value || null,
          follow_up_after_hours: followUp.value ? Number(followUp.value) : null }
        : { ...kept, enabled: false },
      ...(tooOften() && overrideOn.checked
        ? { override_recall_period: true, override_reason: overrideReason.value.trim() || null } : {}),
    };
  };

  /** Problems the page can name before asking the API: [{ field, message }]. */
  const validate = () => {
    const problems = [];
    if (mode === "edit" && !title.value.trim()) problems.push({ field: "title", message: "Give the homework a title." });
    if (frequency.value === "weekly" && !weekdayInputs.some((input) => input.checked)) {
      problems.push({ field: "recurrence.weekdays", message: "Choose at least one day for weekly homework." });
    }
    if (frequency.value !== "once" && until.value && count.value) {
      problems.push({ field: "recurrence.count", message: "Choose an end date or a number of times, not both." });
    }
    if (tooOften() && !overrideOn.checked) {
      problems.push({ field: "override_recall_period",
        message: `Choose a schedule at least ${measure.days} days apart, or tick “Send more often anyway” and say why.` });
    } else if (tooOften() && !overrideReason.value.trim()) {
      problems.push({ field: "override_reason", message: "Say why it should be sent more often." });
    }
    if (remindersOn.checked && !byEmail.checked && !bySms.checked && (client.email || client.phone)) {
      problems.push({ field: "reminders.channels", message: "Choose how to remind the client, or turn reminders off." });
    }
    return problems;
  };

  return { personal, schedule, reminders: remindersBlock, title, instructions, value, validate, frequency, setTemplate };
}

// -- the assign steps ---------------------------------------------------------------------------

const STEPS = [
  { key: "template", name: "Template", heading: "Choose the homework" },
  { key: "personalise", name: "Personalise", heading: "Make it this client's" },
  { key: "plan", name: "Plan", heading: "Plan it together" },
  { key: "review", name: "Review & assign", heading: "Check and assign" },
];

export async function showAssign(main, clientId) {
  clear(main, h("h1", { text: "Assign homework" }), h("p", { class: "loading", text: "Loading" }));
  const [client, templates, practice] = await Promise.all([
    adminApi("GET", `/v1/clients/${encodeURIComponent(clientId)}`),
    adminApi("GET", "/v1/templates"),
    adminApi("GET", "/v1/practice").catch(() => null),
  ]);
  const threshold = practice?.plan_confidence_threshold ?? DEFAULT_THRESHOLD;
  const clientHref = `#/clients/${encodeURIComponent(client.client_id)}`;
  const status = h("div", { class: "form-status" });

  // Step 1: template
  const summaries = new Map(templates.items.map((item) => [item.template_id, item]));
  const template = h("select", { id: "assign-template", class: "control" },
    h("option", { value: "", text: "Choose a template" }),
    [["practice", "Your practice's templates"], ["library", "Library"]].map(([source, label]) => {
      const items = templates.items.filter((item) => item.source === source).sort((a, b) => a.title.localeCompare(b.title));
      return items.length ? h("optgroup", { label }, items.map((item) => h("option", { value: item.template_id, text: item.title }))) : null;
    }));
  const templateAbout = h("div", { class: "template-about", "aria-live": "polite" });
  const fields = scheduleFields(client, {}, { idPrefix: "assign", mode: "create" });
  let filledFrom = { title: "" };
  let chosenContent = null;
  template.addEventListener("change", async () => {
    const chosen = summaries.get(template.value);
    clear(templateAbout, chosen ? [h("p", { class: "muted", text: chosen.description || "" })] : null);
    chosenContent = null;
    fields.setTemplate(null);
    if (!chosen) return;
    try {
      const detail = await adminApi("GET", `/v1/templates/${encodeURIComponent(template.value)}`);
      // Fill the title unless the clinician has already written their own; the template's
      // instructions are shown beside theirs, not copied into them.
      if (!fields.title.value.trim() || fields.title.value === filledFrom.title) fields.title.value = detail.content.title;
      filledFrom = { title: fields.title.value };
      chosenContent = detail.content;
      fields.setTemplate(detail.content);
    } catch {
      // The title stays editable; the template's own text is used if it stays empty.
    }
  });

  const plan = planEditor({}, { prefix: "plan.", threshold, idPrefix: "assign-plan" });
  const reviewSlot = h("div", { class: "assign-review" });

  const panels = [
    [field("template_id", "Template", template, { help: "From your practice's templates or the library." }), templateAbout],
    [...fields.personal, h("h3", { text: "When" }), ...fields.schedule, fields.reminders],
    [h("p", { class: "muted", text: "Talk it through with the client and write it in their words. Anything left empty, the client can finish from their link." }),
      plan.element],
    [reviewSlot],
  ];
  const sections = STEPS.map((step, index) => h("section", { class: "step", id: `assign-step-${step.key}`, hidden: index !== 0, "aria-labelledby": `assign-step-${step.key}-title` },
    h("h2", { id: `assign-step-${step.key}-title`, class: "step-title" },
      h("span", { class: "step-count", text: `Step ${index + 1} of ${STEPS.length}: ` }), step.heading),
    panels[index]));

  let current = 0;
  let reached = 0;
  const stepButtons = STEPS.map((step, index) => {
    const button = h("button", { type: "button", class: "step-link" },
      h("span", { class: "step-number", text: String(index + 1) }), " ", h("span", { text: step.name }));
    button.addEventListener("click", () => go(index));
    return button;
  });
  const stepList = h("ol", { class: "steps" }, stepButtons.map((button) => h("li", {}, button)));
  const back = h("button", { type: "button", class: "button button-secondary", text: "Back" });
  const next = h("button", { type: "button", class: "button", text: "Next" });
  const submit = h("button", { type: "submit", class: "button", text: "Assign homework" });

  const renderReview = () => {
    const value = fields.value();
    const chosen = summaries.get(template.value);
    const planValue = plan.value();
    const change = (index, label) => {
      const button = h("button", { type: "button", class: "link-button", text: "Change", "aria-label": `Change ${label}` });
      button.addEventListener("click", () => go(index));
      return button;
    };
    clear(reviewSlot,
      h("div", { class: "review-block" },
        h("div", { class: "review-block-head" }, h("h3", { text: "The homework" }), change(1, "the homework")),
        h("dl", { class: "details-list" },
          h("dt", { text: "Template" }), h("dd", { text: chosen ? chosen.title : "—" }),
          h("dt", { text: "Title" }), h("dd", { text: value.title || chosen?.title || "—" }),
          h("dt", { text: "Instructions" }), h("dd", { class: "pre-line", text: chosenContent?.instructions || "—" }),
          h("dt", { text: "From you" }), h("dd", { class: "pre-line", text: value.instructions || "Nothing added." }),
          h("dt", { text: "When" }), h("dd", { text: describeSchedule(value) }),
          value.override_recall_period ? [h("dt", { text: "More often than its recall period" }), h("dd", { class: "pre-line", text: value.override_reason || "—" })] : null,
          h("dt", { text: "Starts" }), h("dd", { text: value.start_date ? formatDate(value.start_date) : "Today" }),
          h("dt", { text: "Reminders" }), h("dd", { text: describeReminders(value.reminders, client) }))),
      h("div", { class: "review-block" },
        h("div", { class: "review-block-head" }, h("h3", { text: "The plan" }), change(2, "the plan")),
        planIsEmpty(planValue)
          ? h("p", { class: "muted", text: "No plan written yet: the client will be asked to fill it in from their link." })
          : planSummary(planValue, { emptyText: "Left for the client." })));
  };

  const go = (index, { focus = true } = {}) => {
    if (index > reached) return;
    current = index;
    sections.forEach((section, i) => { section.hidden = i !== index; });
    stepButtons.forEach((button, i) => {
      if (i === index) button.setAttribute("aria-current", "step");
      else button.removeAttribute("aria-current");
      button.disabled = i > reached;
      button.classList.toggle("is-done", i < reached && i !== index);
    });
    back.hidden = index === 0;
    next.hidden = index === STEPS.length - 1;
    submit.hidden = index !== STEPS.length - 1;
    if (index === STEPS.length - 1) renderReview();
    if (focus) focusElement(sections[index].querySelector(".step-title"));
  };

  const checkStep = (index) => {
    if (index === 0 && !template.value) return [{ field: "template_id", message: "Choose a template." }];
    if (index === 1) return fields.validate();
    return [];
  };

  const form = h("form", { class: "card assign-form", novalidate: true, "aria-labelledby": "assign-heading" },
    h("nav", { "aria-label": "Steps" }, stepList),
    status,
    sections,
    h("div", { class: "actions step-actions" }, back, next, submit));

  const reveal = (found) => {
    const section = found.closest(".step");
    const index = sections.indexOf(section);
    if (index >= 0 && index !== current) {
      reached = Math.max(reached, index);
      go(index, { focus: false });
    }
  };

  next.addEventListener("click", () => {
    const problems = checkStep(current);
    if (problems.length) {
      showProblems(form, status, problems, { reveal });
      return;
    }
    clearProblems(form, status);
    reached = Math.max(reached, current + 1);
    go(current + 1);
    announce(`Step ${current + 1} of ${STEPS.length}: ${STEPS[current].name}`);
  });
  back.addEventListener("click", () => { clearProblems(form, status); go(current - 1); });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (current !== STEPS.length - 1) {
      next.click(); // Enter in a field moves on rather than assigning early
      return;
    }
    for (let index = 0; index < STEPS.length - 1; index += 1) {
      const problems = checkStep(index);
      if (problems.length) {
        showProblems(form, status, problems, { reveal });
        reveal(form.querySelector(`[data-field="${CSS.escape(problems[0].field)}"]`) || sections[index]);
        return;
      }
    }
    const value = fields.value();
    const body = { template_id: template.value, ...value };
    const planValue = plan.value();
    if (!planIsEmpty(planValue)) body.plan = planValue;
    submit.disabled = true;
    try {
      const assignment = await adminApi("POST", `/v1/clients/${encodeURIComponent(client.client_id)}/assignments`, { body });
      setFlash("success", `“${assignment.title}” is assigned. ${client.display_name} sees it from their link${planIsEmpty(planValue) ? " and will be asked to fill in the plan" : ", with the plan you made together"}.`);
      announce(`${assignment.title} assigned.`);
      window.location.hash = clientHref;
    } catch (error) {
      submit.disabled = false;
      const marked = fieldErrors(form, status, error, {
        reveal, aliases: { body: "due_date", recurrence: "recurrence.frequency", reminders: "reminders.enabled", plan: "plan.rationale" } });
      if (marked.length) reveal(marked[0]);
    }
  });

  clear(main,
    h("p", { class: "no-print" }, h("a", { href: clientHref, text: `← ${client.display_name}` })),
    h("h1", { id: "assign-heading", text: `Assign homework to ${client.display_name}` }),
    form);
  go(0, { focus: false });
}
