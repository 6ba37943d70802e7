// Alerts: the open-alert count in the navigation and one card per alert, of either kind: a risk
// answer (sent, or left unsent in a draft) or a measure's reliable deterioration.

import { h, clear, formatDateTime, notice, announce } from "../shared/dom.js";
import { describeError } from "../shared/api.js";
import { adminApi } from "./auth.js";
import { shortTitle } from "./chart.js";

export async function refreshAlertCount() {
  const badge = document.getElementById("alert-count");
  try {
    const alerts = await adminApi("GET", "/v1/alerts?status=open&limit=100");
    const count = alerts.items.length;
    badge.textContent = count ? `${count}${alerts.next_token ? "+" : ""}` : "";
    badge.hidden = count === 0;
    badge.setAttribute("aria-label", `${count} open`);
  } catch {
    badge.hidden = true;
  }
}

export function alertCard(alert, clientName, onAcknowledged) {
  const note = h("textarea", { id: `alert-note-${alert.alert_id}`, class: "control", rows: 2, maxlength: 2000 });
  const button = h("button", { type: "button", class: "button", text: "Acknowledge" });
  const status = h("div", { role: "status", "aria-live": "polite" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const updated = await adminApi("POST", `/v1/alerts/${encodeURIComponent(alert.alert_id)}/acknowledge`, { body: { note: note.value.trim() || null } });
      announce("Alert acknowledged.");
      refreshAlertCount();
      onAcknowledged(updated);
    } catch (error) {
      button.disabled = false;
      clear(status, notice("error", h("p", { text: describeError(error) })));
    }
  });
  const open = alert.status === "open";
  // Who acknowledged it: the name stored at the time (older alerts have none).
  const when = open ? `Raised ${formatDateTime(alert.created_at)}`
    : `Acknowledged by ${alert.acknowledged_by_name || "a clinician"} on ${formatDateTime(alert.acknowledged_at)} · raised ${formatDateTime(alert.created_at)}`;
  const deterioration = alert.kind === "deterioration";
  return h("article", { class: ["card", "alert-item", open ? "" : "acknowledged", deterioration ? "alert-deterioration" : "alert-risk"],
    "aria-labelledby": `alert-title-${alert.alert_id}` },
    h("h3", { id: `alert-title-${alert.alert_id}` },
      h("span", { class: ["badge", "alert-kind", open ? "badge-alert" : ""], text: deterioration ? "Deterioration" : "Risk" }),
      clientName ? h("a", { href: `#/clients/${encodeURIComponent(alert.client_id)}`, text: clientName }) : null,
      clientName ? " · " : "", alert.template_title),
    h("p", { class: open ? "muted" : "alert-acknowledged-by", text: when }),
    deterioration ? changeLine(alert) : sourceLine(alert),
    deterioration && changeLine(alert) ? null : h("ul", { class: "alert-answers" }, (alert.items || []).map((item) => h("li", {},
      h("span", { class: "alert-question", text: item.label }), " — ",
      item.answer ? ["answered ", h("strong", { class: "alert-answer", text: `“${item.answer}”` })] : "answered",
      h("span", { class: "alert-score", text: ` (score ${item.value})` })))),
    open
      ? [status, h("div", { class: "field" }, h("label", { class: "field-label", for: note.id }, "Note ", h("span", { class: "required-tag", text: "(optional, e.g. what you did)" })), note),
        button]
      : alert.note ? h("p", { text: `Note: ${alert.note}` }) : null);
}


// A measure's total reliably worse than the client's first (alerts of kind "deterioration"):
// "PHQ-9: 5 → 14 since the first score (a reliable change is 4)".
export function changeText(title, change) {
  if (!change || change.total === undefined || change.baseline === undefined) return null;
  return `${shortTitle(title)}: ${change.baseline} → ${change.total} since the first score${
    change.reliable_change !== undefined && change.reliable_change !== null ? ` (a reliable change is ${change.reliable_change})` : ""}`;
}

function changeLine(alert) {
  const text = changeText(alert.template_title, alert.kind === "deterioration" ? alert.change : null);
  return text ? h("p", { class: "alert-change", text }) : null;
}

// Where a risk answer came from: sent (the client saw the crisis resources then), or left in a
// draft the client never sent (they may not know anyone has seen it).
export function draftText(alert) {
  if (alert.source !== "draft") return null;
  return `Not sent by the client: left in a draft${alert.draft_saved_at ? ` (last saved ${formatDateTime(alert.draft_saved_at)})` : ""}. `
    + "They may not know you have seen it.";
}

function sourceLine(alert) {
  const draft = draftText(alert);
  return draft ? h("p", { class: "alert-draft", text: draft })
    : h("p", { class: "muted", text: "Sent by the client, who was shown crisis resources when they answered." });
}
