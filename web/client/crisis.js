// Help in a crisis: the panel shown beside a risk answer while the client fills in the
// homework, and again after sending.

import { h, clear, announce } from "../shared/dom.js";
import { riskMessages } from "../shared/form.js";

/** Keeps the crisis panel in step with the answers: shown while a risk rule is met. */
export function crisisWatcher(template, formElement) {
  const panel = h("div", { class: "crisis", role: "alert", hidden: true });
  formElement.after(panel);
  return {
    update(answers) {
      const messages = riskMessages(template, answers);
      const wasHidden = panel.hidden;
      if (!messages.length) {
        panel.hidden = true;
        clear(panel);
        return;
      }
      clear(panel, h("h2", { text: "If you need help now" }), messages.map((message) => h("p", { text: message })));
      panel.hidden = false;
      if (wasHidden) announce("Support information is shown below your answers.");
    },
  };
}

/** The panel on the receipt after sending, or null when no risk rule was met. */
export function receiptCrisisPanel(template, receipt, answers) {
  const fromServer = (receipt.crisis_resources || []).map((resource) => resource.message);
  const shown = fromServer.length ? fromServer : riskMessages(template, answers);
  if (!shown.length) return null;
  return h("section", { class: "crisis", role: "alert", "aria-labelledby": "crisis-title" },
    h("h2", { id: "crisis-title", text: "If you need help now" }), shown.map((message) => h("p", { text: message })));
}
