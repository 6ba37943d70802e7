// What got in the way: a short list the client can tick, asked only at the right moment
// (when skipping, when sending part of it, and once about a missed time).

import { h, clear, notice, announce, focusElement } from "../shared/dom.js";
import { t, describeError } from "./i18n/index.js";
import { ApiError } from "../shared/api.js";
import { clientApi, showFieldErrors, clearFieldErrors } from "./session.js";

export const BARRIER_CODES = ["forgot", "no_time", "did_not_understand", "too_hard", "did_not_see_point", "felt_worse", "other"];

// Read when shown, so they follow the page's language.
const barriers = () => BARRIER_CODES.map((code) => ({ code, label: t(`barrier.${code}`) }));

/** The ticked barriers as words, for re-reading ("I forgot; something else: …"). */
export function describeBarriers(codes, other) {
  return (codes || []).map((code) => (code === "other" && other ? t("barrier.otherText", { other }) : BARRIER_CODES.includes(code) ? t(`barrier.${code}`) : code)).join(" · ");
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
    h("label", { class: "field-label", for: otherText.id, text: t("barrier.whatElse") }),
    h("p", { class: "field-error", id: `${idPrefix}-other-text-error`, hidden: true }),
    otherText);
  const BARRIERS = barriers();
  const inputs = BARRIERS.map((barrier) => h("input", {
    type: "checkbox", id: `${idPrefix}-${barrier.code}`, name: `${idPrefix}-barriers`, value: barrier.code,
  }));
  const other = inputs.find((input) => input.value === "other");
  other.addEventListener("change", () => {
    otherField.hidden = !other.checked;
    if (other.checked) otherText.focus();
  });
  const element = h("fieldset", { class: "field barrier-choices", dataset: { path: "barriers" }, "aria-describedby": help ? `${idPrefix}-help` : null },
    h("legend", { class: "field-label" }, legend, optional ? [" ", h("span", { class: "required-tag", text: t("common.optional") })] : null),
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
    legend: t("barrier.tickAny"),
    optional: false,
    help: t("barrier.knowingWhy"),
  });
  const status = h("div", { class: "missed-status", role: "status", "aria-live": "polite" });
  const sendButton = h("button", { type: "submit", class: "button", text: t("barrier.tell") });
  const notNow = h("button", { type: "button", class: "button button-quiet", text: t("common.notNow") });
  const form = h("form", { class: "missed-form", novalidate: true }, choices.element,
    h("div", { class: "actions" }, sendButton, notNow), status);
  const card = h("section", { class: "card missed-card", "aria-labelledby": "missed-title" },
    h("h2", { id: "missed-title", text: t("barrier.missedTitle") }),
    h("p", { class: "muted", text: t("barrier.happens") }),
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
        announce(t("barrier.wontAsk"));
        focusElement(next?.querySelector("h2") || document.querySelector("main h1"));
        return;
      }
      clear(card,
        h("h2", { id: "missed-title", text: t("barrier.thanks") }),
        h("p", { text: t("barrier.willSee") }));
      focusElement(card.querySelector("h2"));
    } catch (error) {
      sendButton.disabled = false;
      notNow.disabled = false;
      if (error instanceof ApiError && error.status === 409) {
        clear(card, h("h2", { id: "missed-title", text: t("barrier.already") }),
          h("p", { text: t("barrier.alreadyText") }));
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
      showFieldErrors(form, [{ field: "barriers", message: t("barrier.tickOne") }]);
      return;
    }
    send(barriers, other, false);
  });
  notNow.addEventListener("click", () => send([], null, true));
  return card;
}
