// What got in the way: a short list the client can tick, asked only at the right moment
// (when skipping, when sending part of it, and once about a missed time).

import { h, clear, notice, announce, focusElement } from "../shared/dom.js";
import { ApiError, describeError } from "../shared/api.js";
import { clientApi, showFieldErrors, clearFieldErrors } from "./session.js";

export const BARRIERS = [
  { code: "forgot", label: "I forgot" },
  { code: "no_time", label: "I didn't have time" },
  { code: "did_not_understand", label: "I didn't understand it" },
  { code: "too_hard", label: "It felt too hard" },
  { code: "did_not_see_point", label: "I didn't see the point" },
  { code: "felt_worse", label: "I felt worse doing it" },
  { code: "other", label: "Something else" },
];

const LABELS = Object.fromEntries(BARRIERS.map((barrier) => [barrier.code, barrier.label]));

/** The ticked barriers as words, for re-reading ("I forgot; something else: …"). */
export function describeBarriers(codes, other) {
  return (codes || []).map((code) => (code === "other" && other ? `Something else: ${other}` : LABELS[code] || code)).join(" · ");
}

/**
 * The checkboxes, with a text box that opens for "something else".
 * Returns { element, values() -> { barriers, other }, reset() }.
 */
export function barrierChoices({ idPrefix, legend, help, optional = true }) {
  const otherText = h("textarea", {
    id: `${idPrefix}-other-text`, class: "control", rows: 2, maxlength: 500,
    "aria-describedby": `${idPrefix}-other-text-error`,
  });
  const otherField = h("div", { class: "field barrier-other", dataset: { path: "other" }, hidden: true },
    h("label", { class: "field-label", for: otherText.id, text: "What else got in the way?" }),
    h("p", { class: "field-error", id: `${idPrefix}-other-text-error`, hidden: true }),
    otherText);
  const inputs = BARRIERS.map((barrier) => h("input", {
    type: "checkbox", id: `${idPrefix}-${barrier.code}`, name: `${idPrefix}-barriers`, value: barrier.code,
  }));
  const other = inputs.find((input) => input.value === "other");
  other.addEventListener("change", () => {
    otherField.hidden = !other.checked;
    if (other.checked) otherText.focus();
  });
  const element = h("fieldset", { class: "field barrier-choices", dataset: { path: "barriers" }, "aria-describedby": help ? `${idPrefix}-help` : null },
    h("legend", { class: "field-label" }, legend, optional ? [" ", h("span", { class: "required-tag", text: "(optional)" })] : null),
    help ? h("p", { class: "field-help", id: `${idPrefix}-help`, text: help }) : null,
    h("p", { class: "field-error", hidden: true }),
    h("div", { class: "choices barrier-list" }, BARRIERS.map((barrier, index) => h("div", { class: "choice" }, inputs[index],
      h("label", { for: inputs[index].id, text: barrier.label })))),
    otherField);
  return {
    element,
    values() {
      const barriers = inputs.filter((input) => input.checked).map((input) => input.value);
      const otherValue = barriers.includes("other") ? otherText.value.trim() || null : null;
      return { barriers, other: otherValue };
    },
    reset() {
      for (const input of inputs) input.checked = false;
      otherText.value = "";
      otherField.hidden = true;
    },
  };
}

/**
 * The one gentle question about a missed time (the API's `ask_barriers_for`), with
 * "Not now", which tells the API not to ask about that time again.
 */
export function missedCard(assignmentId, occurrenceId) {
  const choices = barrierChoices({
    idPrefix: "missed",
    legend: "Tick anything that fits",
    optional: false,
    help: "Knowing why helps your clinician make the next one easier.",
  });
  const status = h("div", { class: "missed-status", role: "status", "aria-live": "polite" });
  const sendButton = h("button", { type: "submit", class: "button", text: "Tell my clinician" });
  const notNow = h("button", { type: "button", class: "button button-quiet", text: "Not now" });
  const form = h("form", { class: "missed-form", novalidate: true }, choices.element,
    h("div", { class: "actions" }, sendButton, notNow), status);
  const card = h("section", { class: "card missed-card", "aria-labelledby": "missed-title" },
    h("h2", { id: "missed-title", text: "Last time didn't happen. What got in the way?" }),
    h("p", { class: "muted", text: "That's OK. It happens to everyone now and then." }),
    form);

  async function send(barriers, other, dismissing) {
    clearFieldErrors(form);
    clear(status);
    sendButton.disabled = true;
    notNow.disabled = true;
    try {
      await clientApi("POST", `/v1/client/assignments/${encodeURIComponent(assignmentId)}/barriers`, {
        body: { occurrence_id: occurrenceId, barriers, other },
      });
      if (dismissing) {
        const next = card.nextElementSibling;
        card.remove();
        announce("OK. We won't ask about that time again.");
        focusElement(next?.querySelector("h2") || document.querySelector("main h1"));
        return;
      }
      clear(card,
        h("h2", { id: "missed-title", text: "Thank you for telling us" }),
        h("p", { text: "Your clinician will see this and can change the homework with you." }));
      focusElement(card.querySelector("h2"));
    } catch (error) {
      sendButton.disabled = false;
      notNow.disabled = false;
      if (error instanceof ApiError && error.status === 409) {
        clear(card, h("h2", { id: "missed-title", text: "Already answered" }),
          h("p", { text: "You have already told us about that time. Thank you." }));
        return;
      }
      const unplaced = error instanceof ApiError ? showFieldErrors(form, error.errors) : [];
      if (!(error instanceof ApiError && error.errors.length) || unplaced.length) {
        clear(status, notice("error", h("p", { text: unplaced.length ? unplaced.join(" ") : describeError(error) })));
      }
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const { barriers, other } = choices.values();
    if (!barriers.length) {
      showFieldErrors(form, [{ field: "barriers", message: "Tick at least one, or choose “Not now”." }]);
      return;
    }
    send(barriers, other, false);
  });
  notNow.addEventListener("click", () => send([], null, true));
  return card;
}
