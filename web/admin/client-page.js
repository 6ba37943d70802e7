// One client: details, access link, alerts, progress, assignments with their plans, submissions
// and reviews. Links lead to the session review, editing the client's details, assigning homework
// (web/admin/assign.js) and editing an assignment and its plan (web/admin/edit-assignment.js).

import { h, clear, focusElement, formatDateTime, formatDate, percent, notice, announce } from "../shared/dom.js";
import { describeError } from "../shared/api.js";
import { renderAnswers } from "../shared/form.js";
import { adminApi } from "./auth.js";
import { alertCard, refreshAlertCount } from "./alerts.js";
import { progressChart } from "./chart.js";
import { trendsSection } from "./trends.js";
import { describeSchedule, describeReminders } from "./assign.js";
import { takeFlash } from "./forms.js";
import { adjustmentNotice, planSummary, planIsEmpty } from "./plan.js";
import { dischargeCard } from "./discharge.js";

const templateCache = new Map();

export async function getTemplate(templateId, version) {
  const key = `${templateId}@${version || "latest"}`;
  if (!templateCache.has(key)) {
    templateCache.set(key, adminApi("GET", `/v1/templates/${encodeURIComponent(templateId)}${version ? `?version=${version}` : ""}`)
      .catch((error) => { templateCache.delete(key); throw error; }));
  }
  return templateCache.get(key);
}

function clientPath(clientId, ...rest) {
  return `#/clients/${[clientId, ...rest].map((part) => encodeURIComponent(part)).join("/")}`;
}

export async function showClient(main, clientId, who) {
  clear(main, h("h1", { text: "Client" }), h("p", { class: "loading", text: "Loading" }));
  const flash = takeFlash();
  const [client, assignments, progress, alerts, acknowledged] = await Promise.all([
    adminApi("GET", `/v1/clients/${encodeURIComponent(clientId)}`),
    adminApi("GET", `/v1/clients/${encodeURIComponent(clientId)}/assignments`),
    adminApi("GET", `/v1/clients/${encodeURIComponent(clientId)}/progress`),
    adminApi("GET", "/v1/alerts?status=open&limit=100"),
    // the practice's latest acknowledged alerts: this client's say who acknowledged them and when
    adminApi("GET", "/v1/alerts?status=acknowledged&limit=100").catch(() => ({ items: [] })),
  ]);
  const reload = () => showClient(main, clientId, who).then(() => focusElement(main.querySelector("h1")));
  const discharged = client.status === "discharged";
  // Discharged: when, by whom and "Re-open" at the top; otherwise "Discharge" at the end of the page.
  const ending = await dischargeCard(client, who, (prefix) => exportControls(client, prefix), reload);
  const openAlerts = alerts.items.filter((alert) => alert.client_id === clientId);
  const doneAlerts = acknowledged.items.filter((alert) => alert.client_id === clientId);
  const alertsSection = h("section", { "aria-labelledby": "client-alerts-title" },
    h("h2", { id: "client-alerts-title", text: openAlerts.length ? `Open alerts (${openAlerts.length})` : "Alerts: none open" }));
  for (const alert of openAlerts) {
    alertsSection.append(alertCard(alert, null, () => { refreshAlertCount(); reload(); }));
  }
  if (doneAlerts.length) {
    alertsSection.append(h("details", { class: "acknowledged-alerts" },
      h("summary", { text: `Acknowledged alerts (${doneAlerts.length})` }),
      doneAlerts.map((alert) => alertCard(alert, null, null))));
  }
  const plans = await plansOf(assignments.items);
  const flags = assignments.items.map((assignment, index) => [assignment, plans[index]])
    .filter(([assignment, plan]) => assignment.status !== "cancelled" && plan?.needs_adjustment)
    .map(([assignment, plan]) => adjustmentNotice(plan, { title: assignment.title,
      link: h("a", { href: clientPath(clientId, "assignments", assignment.assignment_id, "plan"), text: `Adjust the plan for ${assignment.title}` }) }));

  clear(main,
    h("p", {}, h("a", { href: "#/clients", text: "← Caseload" })),
    h("div", { class: "page-head" },
      h("h1", { text: client.display_name }),
      discharged ? h("span", { class: "badge", text: "Discharged" }) : h("div", { class: "head-actions" },
        h("a", { class: "button", href: clientPath(clientId, "review"), text: "Prepare for session" }),
        h("a", { class: "button button-secondary", href: clientPath(clientId, "assign"), text: "Assign homework" }))),
    flash,
    discharged ? ending : null,
    flags,
    openAlerts.length || doneAlerts.length ? alertsSection : null,
    h("div", { class: "grid-2" }, detailsCard(client), discharged ? null : accessLinkCard(client)),
    progressSection(progress),
    await assignmentsSection(client, assignments.items, plans, reload),
    exportCard(client),
    discharged ? null : ending);
}

/** Each assignment's plan (null where it could not be read; the page still shows the rest). */
async function plansOf(assignments) {
  return Promise.all(assignments.map((assignment) => (assignment.status === "cancelled" ? null
    : adminApi("GET", `/v1/assignments/${encodeURIComponent(assignment.assignment_id)}/plan`).catch(() => null))));
}

// Export the client's homework: the API stores the file and answers with a short-lived link.
function exportCard(client) {
  return h("section", { class: "card", "aria-labelledby": "export-title" },
    h("h2", { id: "export-title", text: "Export" }),
    exportControls(client, "export"));
}

// The format and "Prepare export" (ids start with `prefix`, so the discharge confirmation can offer its own).
function exportControls(client, prefix) {
  const status = h("div", { role: "status", "aria-live": "polite" });
  const select = h("select", { id: `${prefix}-format`, class: "control" },
    h("option", { value: "pdf", text: "PDF (to read or file)" }),
    h("option", { value: "csv", text: "CSV (spreadsheet)" }),
    h("option", { value: "fhir", text: "FHIR R4 JSON (health records)" }));
  const button = h("button", { type: "button", class: "button button-secondary", text: "Prepare export" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const made = await adminApi("POST", "/v1/exports", { body: { client_id: client.client_id, format: select.value } });
      clear(status, notice("success",
        h("p", { text: `Ready: ${made.submissions} submission(s). The link works for five minutes. ` },
          h("a", { href: made.download_url, download: "", id: `${prefix}-download`, text: "Download the export" }))));
      focusElement(status.querySelector(`#${prefix}-download`));
    } catch (error) {
      clear(status, notice("error", h("p", { text: describeError(error) })));
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { class: "export-controls" },
    h("label", { class: "field-label", for: select.id, text: "Format" }),
    h("div", { class: "actions" }, select, button),
    status);
}

function detailsCard(client) {
  const rows = [
    ["Email", client.email || "—"],
    ["Mobile", client.phone || "—"],
    ["Time zone", client.timezone],
    ["Language", client.language === "es" ? "Spanish" : "English"],
    ["Reminders", client.reminder_channels.length ? `${client.reminder_channels.join(" and ")} at ${client.reminder_time}` : "Off"],
    ["Quiet hours", client.quiet_hours ? `${client.quiet_hours.start}–${client.quiet_hours.end}` : "None"],
    ["Completion, 7 days", client.completion_7d?.due ? `${percent(client.completion_7d.ratio)} (${client.completion_7d.done}/${client.completion_7d.due})` : "—"],
    ["Completion, 28 days", client.completion_28d?.due ? `${percent(client.completion_28d.ratio)} (${client.completion_28d.done}/${client.completion_28d.due})` : "—"],
    ["Client since", formatDate(client.created_at.slice(0, 10))],
  ];
  return h("section", { class: "card", "aria-labelledby": "details-title" },
    h("div", { class: "card-head" },
      h("h2", { id: "details-title", text: "Details" }),
      h("a", { href: clientPath(client.client_id, "edit"), text: "Edit details" })),
    h("dl", { class: "details-list" }, rows.map(([term, value]) => [h("dt", { text: term }), h("dd", { text: value })])));
}

// -- the client's link ending soon: the caseload and the client page say so and renew it -------

const linkEndFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });

/** "Thu, 3 Dec" (with the year only when it is not this year's). */
export function linkEndDate(iso) {
  const end = new Date(iso);
  if (Number.isNaN(end.getTime())) return iso || "";
  return end.getFullYear() === new Date().getFullYear() ? linkEndFormat.format(end) : formatDate(iso.slice(0, 10));
}

/**
 * Renew the client's current link (same link, so nothing needs sending). Answers with a
 * sentence for the clinician and the link's new state: {active, expires_at, expires_soon, renewed}.
 */
export async function renewLink(clientId) {
  const result = await adminApi("POST", `/v1/clients/${encodeURIComponent(clientId)}/access-link/renew`);
  const message = result.renewed
    ? `Renewed. The link now ends on ${linkEndDate(result.expires_at)}.`
    : `This link cannot be renewed: it is already as long as your practice allows from when it was sent. It ends on ${
      linkEndDate(result.expires_at)}. Send the client a new link before then.`;
  return { ...result, message };
}

function accessLinkCard(client) {
  const section = h("section", { class: "card", "aria-labelledby": "link-title" });
  const status = h("div", { role: "status", "aria-live": "polite" });
  let active = client.access_link.active;
  let expiresAt = client.access_link.expires_at;
  let endsSoon = client.access_link.expires_soon;
  let atMaximum = false; // a renewal said the link is as long as the practice allows

  const render = (issued = null) => {
    let renewBox = null;
    if (active && endsSoon && !atMaximum) {
      const renewButton = h("button", { type: "button", class: "button", text: "Renew link" });
      renewButton.addEventListener("click", async () => {
        renewButton.disabled = true;
        try {
          const result = await renewLink(client.client_id);
          active = result.active;
          expiresAt = result.expires_at;
          endsSoon = result.expires_soon;
          atMaximum = !result.renewed;
          render();
          clear(status, notice(result.renewed ? "success" : "warning", h("p", { text: result.message })));
          focusElement(status.firstElementChild);
        } catch (error) {
          renewButton.disabled = false;
          clear(status, notice("error", h("p", { text: describeError(error) })));
        }
      });
      renewBox = notice("warning",
        h("p", { class: "link-warning", text: `Link ends on ${linkEndDate(expiresAt)}.` }),
        h("p", { text: "After that the client cannot open their homework. Renewing keeps the same link, so there is nothing new to send." }),
        h("div", { class: "actions" }, renewButton));
    }
    const createButton = h("button", { type: "button", class: "button", text: active ? "Create a new link" : "Create link" });
    const revokeButton = h("button", { type: "button", class: "button button-danger", text: "Revoke link" });
    const emailButton = client.email
      ? h("button", { type: "button", class: "button button-secondary", text: "New link by email" }) : null;
    const smsButton = client.phone
      ? h("button", { type: "button", class: "button button-secondary", text: "New link by text message" }) : null;
    const issue = async (button, sendVia) => {
      if (active && !window.confirm("A new link replaces the current one, which will stop working. Continue?")) return;
      button.disabled = true;
      try {
        const body = sendVia ? { send_via: sendVia } : {};
        const result = await adminApi("POST", `/v1/clients/${encodeURIComponent(client.client_id)}/access-link`, { body });
        active = true;
        expiresAt = result.expires_at;
        endsSoon = false; // a new link runs its full length
        atMaximum = false;
        render(result.url);
        if (!sendVia) {
          announce("A new access link is ready to copy.");
        } else if (result.delivery === "sent") {
          clear(status, notice("success", h("p", { text: sendVia === "email" ? "The new link was emailed to the client." : "The new link was texted to the client." })));
        } else {
          clear(status, notice("error", h("p", { text: `The new link could not be sent (${result.delivery_reason || "delivery failed"}): copy it instead.` })));
        }
        focusElement(section.querySelector("#access-link-url"));
      } catch (error) {
        button.disabled = false;
        clear(status, notice("error", h("p", { text: describeError(error) })));
      }
    };
    createButton.addEventListener("click", () => issue(createButton, null));
    emailButton?.addEventListener("click", () => issue(emailButton, "email"));
    smsButton?.addEventListener("click", () => issue(smsButton, "sms"));
    revokeButton.addEventListener("click", async () => {
      if (!window.confirm("Revoke this link? The client will not be able to open their homework until you send a new one.")) return;
      revokeButton.disabled = true;
      try {
        await adminApi("DELETE", `/v1/clients/${encodeURIComponent(client.client_id)}/access-link`);
        active = false;
        expiresAt = null;
        endsSoon = false;
        render();
        clear(status, notice("success", h("p", { text: "The link is revoked." })));
      } catch (error) {
        revokeButton.disabled = false;
        clear(status, notice("error", h("p", { text: describeError(error) })));
      }
    });
    let linkBox = null;
    if (issued) {
      const input = h("input", { type: "text", id: "access-link-url", class: "control", readOnly: true, value: issued, "aria-describedby": "access-link-help" });
      input.addEventListener("focus", () => input.select());
      const copyButton = h("button", { type: "button", class: "button button-secondary", text: "Copy link" });
      copyButton.addEventListener("click", () => copyLink(input, status));
      linkBox = [
        h("label", { class: "field-label", for: input.id, text: "The client's link" }),
        h("p", { class: "field-help", id: "access-link-help", text: "Send it to the client privately. It is shown only now: create a new one if it is lost." }),
        h("div", { class: "link-box" }, input, copyButton),
      ];
    }
    clear(section,
      h("h2", { id: "link-title", text: "Access link" }),
      status,
      renewBox,
      active ? h("p", { text: `Active until ${formatDateTime(expiresAt)}.` })
        : notice("warning", h("p", { class: "link-warning", text: "No working link: the client cannot open their homework until you send a new link." })),
      linkBox,
      h("div", { class: "actions" }, createButton, emailButton, smsButton, active ? revokeButton : null),
      h("p", { class: "muted", text: "Emailed and texted links carry no clinical details; the link itself is personal to the client." }));
  };
  render();
  return section;
}

async function copyLink(input, status) {
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select(); // the clipboard was refused: leave it selected for Ctrl+C
    clear(status, notice("info", h("p", { text: "The link is selected: press Ctrl+C (or ⌘C) to copy it." })));
    return;
  }
  clear(status, notice("success", h("p", { text: "Link copied." })));
}

function progressSection(progress) {
  const charts = progress.measures.filter((measure) => measure.series.length).map((measure, index) => progressChart(measure, index));
  const overall = progress.overall;
  return h("section", { "aria-labelledby": "progress-title" },
    h("h2", { id: "progress-title", text: "Progress" }),
    // "due" counts what fell due and what was sent before falling due (work sent early counts at once)
    h("p", { text: overall.due ? `Overall completion ${percent(overall.completion)}: ${overall.done} done of ${overall.due} so far, counting work sent early.`
      : "Nothing to count yet: nothing has fallen due or been sent early." }),
    charts.length ? charts : h("p", { class: "muted", text: "Scores appear here once the client completes a scored questionnaire." }),
    trendsSection(progress), // subscales and worksheet trends (null when there are none)
    progress.assignments.length ? h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": "completion-caption" },
      h("table", {},
        h("caption", { id: "completion-caption", text: "Completion by assignment" }),
        h("thead", {}, h("tr", {}, ["Homework", "Done so far", "Completion", "Current streak", "Longest streak", "Client rating"].map((label, i) =>
          h("th", { scope: "col", class: i ? "number" : null, text: label })))),
        h("tbody", {}, progress.assignments.map((row) => h("tr", {},
          h("th", { scope: "row", text: row.title }), h("td", { class: "number", text: `${row.done}/${row.due}` }),
          h("td", { class: "number", text: percent(row.completion) }), h("td", { class: "number", text: String(row.current_streak) }),
          h("td", { class: "number", text: String(row.longest_streak) }),
          h("td", { class: "number", text: row.client_rating_average ?? "—" })))))) : null);
}

async function assignmentsSection(client, assignments, plans, reload) {
  const section = h("section", { "aria-labelledby": "assignments-title" },
    h("div", { class: "page-head" }, h("h2", { id: "assignments-title", text: "Homework" }),
      client.status === "discharged" ? null : h("a", { href: clientPath(client.client_id, "assign"), text: "Assign homework" })));
  if (!assignments.length) {
    section.append(h("p", { class: "muted", text: "Nothing assigned yet." }));
    return section;
  }
  const submissionLists = await Promise.all(assignments.map((assignment) =>
    adminApi("GET", `/v1/assignments/${encodeURIComponent(assignment.assignment_id)}/submissions?limit=20`)));
  assignments.forEach((assignment, index) => {
    const submissions = submissionLists[index].items;
    const plan = plans[index];
    const statusButtons = assignmentStatusButtons(assignment, reload);
    const editLink = assignment.status === "cancelled" ? null
      : h("a", { href: clientPath(client.client_id, "assignments", assignment.assignment_id) },
        "Edit homework and plan", h("span", { class: "visually-hidden", text: `: ${assignment.title}` }));
    section.append(h("article", { class: "card", "aria-labelledby": `assignment-${index}` },
      h("div", { class: "card-head" }, h("h3", { id: `assignment-${index}`, text: assignment.title }), editLink),
      h("p", { class: "muted", text: [
        describeSchedule(assignment),
        assignment.reminders.enabled ? "reminders on" : "reminders off",
        assignment.status !== "active" ? { paused: "paused", cancelled: "ended" }[assignment.status] || assignment.status : null,
        assignment.next_due_at ? `next due ${formatDateTime(assignment.next_due_at)}` : null,
      ].filter(Boolean).join(" · "), title: describeReminders(assignment.reminders, client) }),
      plan ? planBlock(plan, index) : null,
      statusButtons,
      submissions.length
        ? submissions.map((submission) => submissionView(submission))
        : h("p", { class: "muted", text: "No submissions yet." })));
  });
  return section;
}

function planBlock(plan, index) {
  if (planIsEmpty(plan)) {
    return h("p", { class: "plan-empty muted", text: "No plan yet: the client is asked to fill it in from their link." });
  }
  const confidence = plan.confidence === null || plan.confidence === undefined ? "confidence not set" : `confidence ${plan.confidence}/10`;
  return h("details", { class: ["plan-block", plan.needs_adjustment ? "needs-adjustment" : ""] },
    h("summary", {}, "The plan", h("span", { class: "plan-badge", text: plan.needs_adjustment ? ` · needs adjusting, ${confidence}` : ` · ${confidence}` })),
    h("div", { id: `plan-${index}` }, planSummary(plan)));
}

function assignmentStatusButtons(assignment, reload) {
  if (assignment.status === "cancelled") return null;
  const change = async (status, button) => {
    if (status === "cancelled" && !window.confirm(`End “${assignment.title}”? Past submissions are kept.`)) return;
    button.disabled = true;
    try {
      await adminApi("PATCH", `/v1/assignments/${encodeURIComponent(assignment.assignment_id)}`, { body: { status, version: assignment.version } });
      reload();
    } catch (error) {
      button.disabled = false;
      button.after(notice("error", h("p", { text: describeError(error) })));
    }
  };
  const toggle = h("button", { type: "button", class: "button button-quiet", text: assignment.status === "active" ? "Pause" : "Resume",
    "aria-label": `${assignment.status === "active" ? "Pause" : "Resume"} ${assignment.title}` });
  toggle.addEventListener("click", () => change(assignment.status === "active" ? "paused" : "active", toggle));
  const end = h("button", { type: "button", class: "button button-quiet", text: "End", "aria-label": `End ${assignment.title}` });
  end.addEventListener("click", () => change("cancelled", end));
  return h("div", { class: "actions" }, toggle, end);
}

function submissionView(submission) {
  const id = submission.submission_id;
  const score = submission.score?.total !== undefined && submission.score?.total !== null
    ? `Score ${submission.score.total}${submission.score.band ? ` (${submission.score.band})` : ""}` : null;
  const answersSlot = h("div", {}, h("p", { class: "loading", text: "Loading answers" }));
  const details = h("details", {}, h("summary", { text: "Answers" }), answersSlot);
  details.addEventListener("toggle", async () => {
    if (!details.open || answersSlot.dataset.loaded) return;
    answersSlot.dataset.loaded = "1";
    try {
      const template = await getTemplate(submission.template_id, submission.template_version);
      clear(answersSlot, renderAnswers(template.content, submission.answers));
    } catch (error) {
      clear(answersSlot, notice("error", h("p", { text: describeError(error) })));
    }
  }, { once: false });
  const reviewSlot = h("div", {});
  const renderReview = (review) => {
    if (review) {
      clear(reviewSlot, h("div", { class: "review" },
        h("p", { class: "feedback-title" }, h("strong", { text: `Your feedback (${formatDateTime(review.reviewed_at)})` }),
          review.quality_rating ? ` · quality ${review.quality_rating}/5` : ""),
        h("p", { text: review.feedback })));
      return;
    }
    const feedback = h("textarea", { id: `feedback-${id}`, class: "control", rows: 3, maxlength: 5000, "aria-describedby": `feedback-help-${id}` });
    const quality = h("select", { id: `quality-${id}`, class: "control control-short" },
      h("option", { value: "", text: "Not rated" }),
      [1, 2, 3, 4, 5].map((value) => h("option", { value: String(value), text: `${value} of 5` })));
    const status = h("div", { role: "status", "aria-live": "polite" });
    const button = h("button", { type: "submit", class: "button", text: "Send feedback" });
    const form = h("form", { class: "review-form", novalidate: true },
      status,
      h("div", { class: "field" }, h("label", { class: "field-label", for: feedback.id, text: "Feedback for the client" }),
        h("p", { class: "field-help", id: `feedback-help-${id}`, text: "The client sees this in their history." }), feedback),
      h("div", { class: "field" }, h("label", { class: "field-label", for: quality.id, text: "Quality of the work (for you only)" }), quality),
      button);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!feedback.value.trim()) {
        clear(status, notice("error", h("p", { text: "Write some feedback first." })));
        focusElement(feedback);
        return;
      }
      button.disabled = true;
      try {
        const updated = await adminApi("POST", `/v1/submissions/${encodeURIComponent(id)}/review`, {
          body: { feedback: feedback.value.trim(), quality_rating: quality.value ? Number(quality.value) : null } });
        renderReview(updated.review);
        announce("Feedback sent.");
        focusElement(reviewSlot.querySelector(".review"));
      } catch (error) {
        button.disabled = false;
        clear(status, notice("error", h("p", { text: describeError(error) })));
      }
    });
    clear(reviewSlot, h("details", {}, h("summary", { text: "Review and give feedback" }), form));
  };
  renderReview(submission.review);
  const facts = [
    submission.completion === "partial" ? "partly done" : "completed",
    score,
    submission.rating ? `client rated it ${submission.rating}/5` : null,
    submission.alert_id ? "raised an alert" : null,
  ].filter(Boolean);
  return h("div", { class: "submission", dataset: { submission: id } },
    h("div", { class: "submission-head" },
      h("strong", { text: `Submitted ${formatDateTime(submission.submitted_at)}` }),
      h("span", { class: "muted", text: facts.join(" · ") })),
    submission.obstacles ? h("p", {}, h("strong", { text: "What got in the way: " }), submission.obstacles) : null,
    submission.note_for_session ? h("p", {}, h("strong", { text: "For next session: " }), submission.note_for_session) : null,
    details,
    reviewSlot);
}
