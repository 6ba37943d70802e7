// One piece of homework: the form, the crisis panel beside a risk answer, and sending it
// once, after one confirmation. Drafts and the sending itself live in drafts.js.

import { h, clear, focusElement, notice } from "../shared/dom.js";
import { t, formatDateTime, describeError } from "./i18n/index.js";
import { ApiError } from "../shared/api.js";
import { createTemplateForm, errorsFromProblem } from "../shared/form.js";
import { clientApi, showFieldErrors, clearFieldErrors } from "./session.js";
import { planSection } from "./plan.js";
import { barrierChoices, missedCard } from "./barriers.js";
import { DraftSaver, readPending, clearPending, sendSubmission, loadHomework } from "./drafts.js";
import { crisisWatcher, receiptCrisisPanel, markRiskItems } from "./crisis.js";
import { pushOffer } from "./push.js";

let activeSaver = null;

/** Save what is on screen before the view changes. */
export async function leaveHomework() {
  if (activeSaver) {
    const saver = activeSaver;
    activeSaver = null;
    saver.detach();
    await saver.flush();
  }
}

/**
 * The template's own instructions (a measure's timeframe stem, such as PHQ-9's "Over the last
 * 2 weeks, ...") and the clinician's words for this client: both are shown, never one instead of
 * the other. A copy kept offline from before the two were apart falls back to the template.
 */
function instructionsOf(detail) {
  const stem = (detail.template_instructions ?? detail.template?.instructions ?? "").trim();
  const own = (detail.instructions || "").trim();
  return { stem, own: own && own !== stem ? own : "" };
}

function fromClinician(own) {
  return own ? h("section", { class: "card instructions from-clinician", "aria-labelledby": "from-clinician-title" },
    h("h2", { id: "from-clinician-title", text: t("hw.fromClinician") }),
    h("p", { text: own })) : null;
}

export async function showHomework(main, assignmentId) {
  clear(main, h("h1", { text: t("app.yourHomework") }), h("p", { class: "loading", text: t("common.loading") }));
  const { detail, plan } = await loadHomework(assignmentId); // offline: the copy kept on this device
  const occurrence = detail.current;
  const missed = detail.ask_barriers_for ? missedCard(detail.assignment_id, detail.ask_barriers_for) : null;
  const planCard = plan ? planSection(detail.assignment_id, plan) : null;
  const { stem, own } = instructionsOf(detail);
  if (!occurrence) {
    clear(main,
      h("p", {}, h("a", { href: "#/", text: t("hw.allHomework") })),
      h("h1", { text: detail.title }),
      notice("info", h("p", { text: detail.next_due_at ? t("hw.nothingNext", { when: formatDateTime(detail.next_due_at) }) : t("hw.nothingNow") })),
      missed,
      fromClinician(own),
      planCard);
    return;
  }
  const template = detail.template;
  const local = readPending(assignmentId, occurrence.occurrence_id);
  const serverDraft = detail.draft && (!detail.draft.occurrence_id || detail.draft.occurrence_id === occurrence.occurrence_id)
    ? detail.draft : null;
  const startingAnswers = local?.answers || serverDraft?.answers || {};

  const saveStatus = h("p", { class: "save-status", role: "status", "aria-live": "polite" });
  const saver = new DraftSaver({ assignmentId, occurrenceId: occurrence.occurrence_id, version: serverDraft?.version ?? null, status: saveStatus });
  const form = createTemplateForm(template, {
    answers: startingAnswers,
    idPrefix: "q",
    onChange: (answers) => { saver.changed(answers); crisis.update(answers); },
    onBlur: () => saver.flush(),
  });
  saver.form = form;
  if (local) saver.changed(local.answers); // unsaved edits from before a reload go up now
  if (serverDraft) saveStatus.textContent = t("hw.draftBack", { when: formatDateTime(serverDraft.saved_at) });

  const closing = closingQuestions();
  const submitButton = h("button", { type: "submit", class: "button", text: t("hw.send") });
  const submitStatus = h("div", { class: "submit-status", role: "status", "aria-live": "polite" });
  // The stem belongs to the questions: right above them, and what the form is described by.
  const formElement = h("form", { class: "homework-form", novalidate: true, "aria-labelledby": "homework-title",
    "aria-describedby": stem ? "template-instructions" : null },
    stem ? h("p", { class: "instructions template-instructions", id: "template-instructions", text: stem }) : null,
    form.element, closing.element,
    h("div", { class: "submit-bar" }, submitButton, saveStatus), submitStatus);
  const crisis = crisisWatcher(template, form.element);
  markRiskItems(form.element, detail.risk_items);
  formElement.addEventListener("submit", (event) => {
    event.preventDefault();
    submitHomework({ main, detail, template, form, closing, saver, submitButton, submitStatus });
  });
  // Enter in a one-line answer moves on; only the button sends (after one confirmation).
  formElement.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target instanceof HTMLInputElement) event.preventDefault();
  });

  clear(main,
    h("p", {}, h("a", { href: "#/", text: t("hw.allHomework") })),
    h("h1", { id: "homework-title", text: detail.title }),
    h("p", { class: "muted", text: t("hw.due", { when: formatDateTime(occurrence.due_at) }) }),
    missed,
    fromClinician(own),
    planCard,
    planCard ? h("h2", { class: "worksheet-title", text: t("hw.theHomework") }) : null,
    formElement,
    skipSection({ main, detail, saver }));
  crisis.update(startingAnswers);
  activeSaver = saver;
  saver.attach();
}

/** The kind questions at the end: how it went and what got in the way. */
function closingQuestions() {
  const completionInputs = [
    { value: "complete", label: t("hw.complete") },
    { value: "partial", label: t("hw.partial") },
  ].map((option, index) => ({ option, input: h("input", { type: "radio", name: "completion", id: `completion-${index}`, value: option.value, checked: index === 0 }) }));
  const ratingLabels = [1, 2, 3, 4, 5].map((number) => t(`hw.rating${number}`));
  const ratingInputs = ratingLabels.map((label, index) => h("input", { type: "radio", name: "rating", id: `rating-${index + 1}`, value: String(index + 1) }));
  const obstacles = h("textarea", { id: "obstacles", name: "obstacles", maxlength: 2000, rows: 3, "aria-describedby": "obstacles-help", class: "control" });
  const note = h("textarea", { id: "note-for-session", name: "note_for_session", maxlength: 2000, rows: 2, "aria-describedby": "note-help", class: "control" });
  // Only when part of it was done: what got in the way, as a short list to tick.
  const partialBarriers = barrierChoices({ idPrefix: "partial", legend: t("hw.restBarriers") });
  const partialSlot = h("div", { class: "partial-barriers", hidden: true }, partialBarriers.element);
  const completionOf = () => completionInputs.find(({ input }) => input.checked)?.option.value || "complete";
  const obstaclesLabel = h("span", { text: t("hw.obstaclesQ") });
  for (const { input } of completionInputs) {
    input.addEventListener("change", () => {
      const partial = completionOf() === "partial";
      partialSlot.hidden = !partial;
      // With the list to tick just above, the free text asks for anything the list missed.
      obstaclesLabel.textContent = partial ? t("hw.obstaclesElse") : t("hw.obstaclesQ");
    });
  }
  const element = h("section", { class: "closing", "aria-labelledby": "closing-title" },
    h("h2", { id: "closing-title", text: t("hw.beforeSend") }),
    h("fieldset", { class: "field", dataset: { path: "completion" } }, h("legend", { class: "field-label", text: t("hw.allOfIt") }),
      h("p", { class: "field-error", hidden: true }),
      h("div", { class: "choices" }, completionInputs.map(({ option, input }) => h("div", { class: "choice" }, input, h("label", { for: input.id, text: option.label }))))),
    partialSlot,
    h("fieldset", { class: "field", dataset: { path: "rating" } }, h("legend", { class: "field-label" }, t("hw.helpfulQ"), h("span", { class: "required-tag", text: t("common.optional") })),
      h("p", { class: "field-error", hidden: true }),
      h("div", { class: "rating-scale" }, ratingInputs.map((input, index) => h("div", { class: "choice" }, input,
        h("label", { for: input.id }, h("span", { class: "scale-number", text: String(index + 1) }), h("span", { class: "scale-anchor", text: ratingLabels[index] })))))),
    h("div", { class: "field", dataset: { path: "obstacles" } }, h("label", { class: "field-label", for: "obstacles" }, obstaclesLabel, h("span", { class: "required-tag", text: t("common.optional") })),
      h("p", { class: "field-help", id: "obstacles-help", text: t("hw.obstaclesHelp") }),
      h("p", { class: "field-error", hidden: true }), obstacles),
    h("div", { class: "field", dataset: { path: "note_for_session" } }, h("label", { class: "field-label", for: "note-for-session" }, t("hw.nextSessionQ"), h("span", { class: "required-tag", text: t("common.optional") })),
      h("p", { class: "field-help", id: "note-help", text: t("hw.onlyClinician") }),
      h("p", { class: "field-error", hidden: true }), note));
  return {
    element,
    values() {
      const rating = ratingInputs.find((input) => input.checked);
      const completion = completionOf();
      const values = {
        completion,
        rating: rating ? Number(rating.value) : null,
        obstacles: obstacles.value.trim() || null,
        note_for_session: note.value.trim() || null,
      };
      if (completion === "partial") {
        const { barriers, other } = partialBarriers.values();
        if (barriers.length) Object.assign(values, { barriers, other });
      }
      return values;
    },
  };
}

/** "Can't do it this time?": skip this occurrence, saying what got in the way. */
function skipSection({ main, detail, saver }) {
  const choices = barrierChoices({ idPrefix: "skip", legend: t("hw.skipWhat"), optional: false, help: t("hw.skipHelp") });
  const reason = h("textarea", { id: "skip-reason", class: "control", rows: 2, maxlength: 1000, "aria-describedby": "skip-reason-error" });
  const button = h("button", { type: "submit", class: "button button-secondary", text: t("hw.skip") });
  const status = h("div", { role: "status", "aria-live": "polite" });
  const form = h("form", { class: "skip-form", novalidate: true, "aria-label": t("hw.skip") },
    h("p", { text: t("hw.skipIntro") }),
    choices.element,
    h("div", { class: "field", dataset: { path: "reason" } },
      h("label", { class: "field-label", for: "skip-reason" }, t("hw.skipElse"), h("span", { class: "required-tag", text: t("common.optional") })),
      h("p", { class: "field-error", id: "skip-reason-error", hidden: true }),
      reason),
    h("div", { class: "actions" }, button),
    status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    clear(status);
    const { barriers, other } = choices.values();
    const body = { occurrence_id: detail.current.occurrence_id };
    if (barriers.length) Object.assign(body, { barriers, other });
    if (reason.value.trim()) body.reason = reason.value.trim();
    if (!barriers.length && !body.reason) {
      showFieldErrors(form, [{ field: "barriers", message: t("hw.skipEmpty") }]);
      return;
    }
    button.disabled = true;
    try {
      await clientApi("POST", `/v1/client/assignments/${encodeURIComponent(detail.assignment_id)}/skip`, { body });
      saver.stop();
      clearPending(detail.assignment_id);
      clear(main,
        h("h1", { text: t("hw.skipped") }),
        notice("info", h("p", { text: t("hw.skippedText") })),
        h("div", { class: "actions" }, h("a", { class: "button", href: "#/", text: t("common.backHome") })));
      focusElement(main.querySelector("h1"));
    } catch (error) {
      button.disabled = false;
      const problems = error instanceof ApiError ? error.errors : [];
      const unplaced = problems.length ? showFieldErrors(form, problems) : [];
      if (!problems.length || unplaced.length) {
        clear(status, notice("error", h("p", { text: unplaced.length ? unplaced.join(" ") : describeError(error) })));
      }
    }
  });
  return h("details", { class: "card skip" },
    h("summary", { text: t("hw.cantDo") }),
    form);
}

async function submitHomework({ main, detail, template, form, closing, saver, submitButton, submitStatus }) {
  if (submitButton.disabled) return; // a send is already under way
  const extras = closing.values();
  const answers = form.getAnswers({ forSubmit: true });
  const problems = extras.completion === "partial" ? [] : form.validate();
  if (problems.length) {
    form.showErrors(problems);
    return;
  }
  form.clearErrors();
  clearFieldErrors(closing.element);
  if (!(await confirmSend(submitButton, submitStatus))) return;
  const body = { answers, occurrence_id: detail.current.occurrence_id, ...extras };
  submitButton.disabled = true;
  submitButton.textContent = t("hw.sending");
  // A draft save still under way (e.g. from leaving the last question) must land before the
  // submission clears the draft, or it arrives after and is refused as a conflict (409).
  await saver.flush();
  saver.pause();
  try {
    const receipt = await sendSubmission(detail.assignment_id, body, submitStatus);
    saver.stop();
    showReceipt(main, detail, template, receipt, answers);
  } catch (error) {
    submitButton.disabled = false;
    submitButton.textContent = t("hw.send");
    saver.resume();
    if (error instanceof ApiError && (error.status === 400 || error.status === 422) && error.errors.length) {
      clear(submitStatus);
      // Answers go next to their questions; the closing questions take their own.
      const answerErrors = error.errors.filter((problem) => /^answers(\.|\[|$)/.test(String(problem.field || "")));
      const otherErrors = error.errors.filter((problem) => !answerErrors.includes(problem));
      form.showErrors(errorsFromProblem(answerErrors));
      const unplaced = showFieldErrors(closing.element, otherErrors);
      if (unplaced.length) clear(submitStatus, notice("error", h("p", { text: unplaced.join(" ") })));
    } else if (error instanceof ApiError && !error.retryable) {
      clear(submitStatus, notice("error", h("p", { text: describeError(error) })));
    } else {
      clear(submitStatus, notice("warning",
        h("p", { text: t("hw.notSent") }),
        h("p", { text: t("hw.sendAgain") })));
    }
  }
}

/**
 * The one confirmation before sending: "Yes, send it" or "Not yet", in the page (no browser
 * dialog), so a slip of a finger never sends homework the client meant to keep working on.
 */
function confirmSend(submitButton, submitStatus) {
  return new Promise((resolve) => {
    const yes = h("button", { type: "button", class: "button", text: t("hw.confirmYes") });
    const no = h("button", { type: "button", class: "button button-secondary", text: t("hw.confirmNo") });
    const box = h("div", { class: "card confirm-send", role: "group", "aria-labelledby": "confirm-send-title" },
      h("p", { id: "confirm-send-title", class: "confirm-title", text: t("hw.confirmTitle") }),
      h("p", { class: "muted", text: t("hw.confirmText") }),
      h("div", { class: "actions" }, yes, no));
    const finish = (answer) => {
      submitButton.hidden = false;
      clear(submitStatus);
      if (!answer) submitButton.focus();
      resolve(answer);
    };
    yes.addEventListener("click", () => finish(true));
    no.addEventListener("click", () => finish(false));
    submitButton.hidden = true;
    clear(submitStatus, box);
    yes.focus();
  });
}

function showReceipt(main, detail, template, receipt, answers) {
  const crisisPanel = receiptCrisisPanel(template, receipt, answers);
  clear(main,
    h("h1", { text: t("hw.thanksSent") }),
    crisisPanel,
    notice("success", h("p", { text: t("hw.reached", { title: detail.title, when: formatDateTime(receipt.submitted_at) }) }),
      // Praise next to crisis information reads wrongly; thanks is enough there.
      h("p", { text: crisisPanel ? t("hw.thanksHonest") : t("hw.wellDone") })),
    pushOffer(receipt),
    h("div", { class: "actions" },
      h("a", { class: "button", href: "#/", text: t("common.backHome") }),
      h("a", { class: "button button-secondary", href: "#/history", text: t("hw.seeSent") })));
  focusElement(crisisPanel || main.querySelector("h1"));
}
