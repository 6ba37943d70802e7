// Risk alerts: the open-alert count in the navigation and one card per alert.

import { h, clear, formatDateTime, notice, announce } from "../shared/dom.js";
import { describeError } from "../shared/api.js";
import { adminApi } from "./auth.js";

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
  return h("article", { class: ["card", "alert-item", open ? "" : "acknowledged"], "aria-labelledby": `alert-title-${alert.alert_id}` },
    h("h3", { id: `alert-title-${alert.alert_id}` },
      clientName ? h("a", { href: `#/clients/${encodeURIComponent(alert.client_id)}`, text: clientName }) : null,
      clientName ? " · " : "", alert.template_title),
    h("p", { class: open ? "muted" : "alert-acknowledged-by", text: when }),
    changeLine(alert),
    h("ul", { class: "alert-answers" }, (alert.items || []).map((item) => h("li", {},
      h("span", { class: "alert-question", text: item.label }), " — ",
      item.answer ? ["answered ", h("strong", { class: "alert-answer", text: `“${item.answer}”` })] : "answered",
      h("span", { class: "alert-score", text: ` (score ${item.value})` })))),
    open
      ? [status, h("div", { class: "field" }, h("label", { class: "field-label", for: note.id }, "Note ", h("span", { class: "required-tag", text: "(optional, e.g. what you did)" })), note),
        button]
      : alert.note ? h("p", { text: `Note: ${alert.note}` }) : null);
}


// A measure's total reliably worse than the client's first (alerts of kind "deterioration").
function changeLine(alert) {
  const change = alert.kind === "deterioration" ? alert.change : null;
  if (!change || change.total === undefined || change.baseline === undefined) return null;
  return h("p", { class: "alert-change", text: `Score ${change.total}, against ${change.baseline} at the start${
    change.classification ? ` (${String(change.classification).replaceAll("_", " ")})` : ""}.` });
}
