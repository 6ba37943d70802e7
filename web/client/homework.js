// One piece of homework: the form, autosaved drafts, and a submission that is sent
// exactly once however often it has to be retried.

import { h, clear, focusElement, formatDateTime, notice, announce, debounce, sleep } from "../shared/dom.js";
import { ApiError, NetworkError, describeError } from "../shared/api.js";
import { createTemplateForm, riskMessages, errorsFromProblem, isEmpty } from "../shared/form.js";
import { clientApi, showFieldErrors, clearFieldErrors } from "./session.js";
import { loadPlan, planSection } from "./plan.js";
import { barrierChoices, missedCard } from "./barriers.js";

const AUTOSAVE_DELAY_MS = 1500;
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 30000];
const pendingKey = (assignmentId) => `emotipal.client.pending.${assignmentId}`;
const submitKey = (assignmentId, occurrenceId) => `emotipal.client.submit.${assignmentId}.${occurrenceId || "current"}`;

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

export async function showHomework(main, assignmentId) {
  clear(main, h("h1", { text: "Your homework" }), h("p", { class: "loading", text: "Loading" }));
  const detail = await clientApi("GET", `/v1/client/assignments/${encodeURIComponent(assignmentId)}`);
  const plan = await loadPlan(detail);
  const occurrence = detail.current;
  const missed = detail.ask_barriers_for ? missedCard(detail.assignment_id, detail.ask_barriers_for) : null;
  const planCard = plan ? planSection(detail.assignment_id, plan) : null;
  if (!occurrence) {
    clear(main,
      h("p", {}, h("a", { href: "#/", text: "← All homework" })),
      h("h1", { text: detail.title }),
      notice("info", h("p", { text: detail.next_due_at ? `Nothing to do for this one right now. The next one is due ${formatDateTime(detail.next_due_at)}.` : "Nothing to do for this one right now." })),
      missed,
      detail.instructions ? h("div", { class: "card instructions" }, h("p", { text: detail.instructions })) : null,
      planCard);
    return;
  }
  const template = detail.template;
  const local = readPending(assignmentId, occurrence.occurrence_id);
  const serverDraft = detail.draft && (!detail.draft.occurrence_id || detail.draft.occurrence_id === occurrence.occurrence_id)
    ? detail.draft : null;
  const startingAnswers = local?.answers || serverDraft?.answers || {};

  const saveStatus = h("p", { class: "save-status", role: "status", "aria-live": "polite" });
  const crisisPanel = h("div", { class: "crisis", role: "alert", hidden: true });
  const saver = new DraftSaver({ assignmentId, occurrenceId: occurrence.occurrence_id, version: serverDraft?.version ?? null, status: saveStatus });
  const form = createTemplateForm(template, {
    answers: startingAnswers,
    idPrefix: "q",
    onChange: (answers) => { saver.changed(answers); showCrisis(crisisPanel, riskMessages(template, answers)); },
    onBlur: () => saver.flush(),
  });
  saver.form = form;
  if (local) saver.changed(local.answers); // unsaved edits from before a reload go up now
  if (serverDraft) saveStatus.textContent = `Your answers from ${formatDateTime(serverDraft.saved_at)} are back.`;

  const closing = closingQuestions();
  const submitButton = h("button", { type: "submit", class: "button", text: "Send to my clinician" });
  const submitStatus = h("div", { class: "submit-status", role: "status", "aria-live": "polite" });
  const formElement = h("form", { class: "homework-form", novalidate: true, "aria-labelledby": "homework-title" },
    form.element, crisisPanel, closing.element,
    h("div", { class: "submit-bar" }, submitButton, saveStatus), submitStatus);
  formElement.addEventListener("submit", (event) => {
    event.preventDefault();
    submitHomework({ main, detail, template, form, closing, saver, submitButton, submitStatus, crisisPanel });
  });

  clear(main,
    h("p", {}, h("a", { href: "#/", text: "← All homework" })),
    h("h1", { id: "homework-title", text: detail.title }),
    h("p", { class: "muted", text: `Due ${formatDateTime(occurrence.due_at)}` }),
    missed,
    detail.instructions ? h("div", { class: "card instructions" }, h("p", { text: detail.instructions })) : null,
    planCard,
    planCard ? h("h2", { class: "worksheet-title", text: "The homework" }) : null,
    formElement,
    skipSection({ main, detail, saver }));
  showCrisis(crisisPanel, riskMessages(template, startingAnswers));
  activeSaver = saver;
  saver.attach();
}

function showCrisis(panel, messages) {
  const wasHidden = panel.hidden;
  if (!messages.length) {
    panel.hidden = true;
    clear(panel);
    return;
  }
  clear(panel, h("h2", { text: "If you need help now" }), messages.map((message) => h("p", { text: message })));
  panel.hidden = false;
  if (wasHidden) announce("Support information is shown below your answers.");
}

/** The kind questions at the end: how it went and what got in the way. */
function closingQuestions() {
  const completionInputs = [
    { value: "complete", label: "Yes, I did all of it" },
    { value: "partial", label: "I did part of it, and that's fine too" },
  ].map((option, index) => ({ option, input: h("input", { type: "radio", name: "completion", id: `completion-${index}`, value: option.value, checked: index === 0 }) }));
  const ratingLabels = ["Not helpful", "A little", "Somewhat", "Quite helpful", "Very helpful"];
  const ratingInputs = ratingLabels.map((label, index) => h("input", { type: "radio", name: "rating", id: `rating-${index + 1}`, value: String(index + 1) }));
  const obstacles = h("textarea", { id: "obstacles", name: "obstacles", maxlength: 2000, rows: 3, "aria-describedby": "obstacles-help", class: "control" });
  const note = h("textarea", { id: "note-for-session", name: "note_for_session", maxlength: 2000, rows: 2, "aria-describedby": "note-help", class: "control" });
  // Only when part of it was done: what got in the way, as a short list to tick.
  const partialBarriers = barrierChoices({ idPrefix: "partial", legend: "What got in the way of the rest?" });
  const partialSlot = h("div", { class: "partial-barriers", hidden: true }, partialBarriers.element);
  const completionOf = () => completionInputs.find(({ input }) => input.checked)?.option.value || "complete";
  const obstaclesLabel = h("span", { text: "Did anything get in the way? " });
  for (const { input } of completionInputs) {
    input.addEventListener("change", () => {
      const partial = completionOf() === "partial";
      partialSlot.hidden = !partial;
      // With the list to tick just above, the free text asks for anything the list missed.
      obstaclesLabel.textContent = partial ? "Anything else about it? " : "Did anything get in the way? ";
    });
  }
  const element = h("section", { class: "closing", "aria-labelledby": "closing-title" },
    h("h2", { id: "closing-title", text: "Before you send" }),
    h("fieldset", { class: "field", dataset: { path: "completion" } }, h("legend", { class: "field-label", text: "Did you get through all of it?" }),
      h("p", { class: "field-error", hidden: true }),
      h("div", { class: "choices" }, completionInputs.map(({ option, input }) => h("div", { class: "choice" }, input, h("label", { for: input.id, text: option.label }))))),
    partialSlot,
    h("fieldset", { class: "field", dataset: { path: "rating" } }, h("legend", { class: "field-label" }, "How helpful did this feel? ", h("span", { class: "required-tag", text: "(optional)" })),
      h("p", { class: "field-error", hidden: true }),
      h("div", { class: "rating-scale" }, ratingInputs.map((input, index) => h("div", { class: "choice" }, input,
        h("label", { for: input.id }, h("span", { class: "scale-number", text: String(index + 1) }), h("span", { class: "scale-anchor", text: ratingLabels[index] })))))),
    h("div", { class: "field", dataset: { path: "obstacles" } }, h("label", { class: "field-label", for: "obstacles" }, obstaclesLabel, h("span", { class: "required-tag", text: "(optional)" })),
      h("p", { class: "field-help", id: "obstacles-help", text: "Time, energy, or it just didn't feel right: all of these are normal. Anything you share helps your clinician make the next one fit you better." }),
      h("p", { class: "field-error", hidden: true }), obstacles),
    h("div", { class: "field", dataset: { path: "note_for_session" } }, h("label", { class: "field-label", for: "note-for-session" }, "Anything you'd like to talk about next session? ", h("span", { class: "required-tag", text: "(optional)" })),
      h("p", { class: "field-help", id: "note-help", text: "Only your clinician sees this." }),
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
  const choices = barrierChoices({ idPrefix: "skip", legend: "What got in the way?", optional: false, help: "Tick any that fit, or write a few words below. This is only so your clinician can help." });
  const reason = h("textarea", { id: "skip-reason", class: "control", rows: 2, maxlength: 1000, "aria-describedby": "skip-reason-error" });
  const button = h("button", { type: "submit", class: "button button-secondary", text: "Skip this time" });
  const status = h("div", { role: "status", "aria-live": "polite" });
  const form = h("form", { class: "skip-form", novalidate: true, "aria-label": "Skip this time" },
    h("p", { text: "That's OK. Some days it doesn't happen. You can skip this one and try the next." }),
    choices.element,
    h("div", { class: "field", dataset: { path: "reason" } },
      h("label", { class: "field-label", for: "skip-reason" }, "Anything else you'd like your clinician to know? ", h("span", { class: "required-tag", text: "(optional)" })),
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
      showFieldErrors(form, [{ field: "barriers", message: "Tick what got in the way, or write a few words below." }]);
      return;
    }
    button.disabled = true;
    try {
      await clientApi("POST", `/v1/client/assignments/${encodeURIComponent(detail.assignment_id)}/skip`, { body });
      saver.stop();
      clearPending(detail.assignment_id);
      clear(main,
        h("h1", { text: "Skipped for this time" }),
        notice("info", h("p", { text: "Thank you for letting us know. Your clinician will see what got in the way, so the next one can fit you better." })),
        h("div", { class: "actions" }, h("a", { class: "button", href: "#/", text: "Back to your homework" })));
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
    h("summary", { text: "Can't do it this time?" }),
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
  const occurrenceId = detail.current.occurrence_id;
  const keyName = submitKey(detail.assignment_id, occurrenceId);
  // One key for every attempt at this answer set, so a retry can never make a second copy.
  let idempotencyKey = sessionStorage.getItem(keyName);
  if (!idempotencyKey) {
    idempotencyKey = crypto.randomUUID();
    sessionStorage.setItem(keyName, idempotencyKey);
  }
  const body = { answers, occurrence_id: occurrenceId, ...extras };
  submitButton.disabled = true;
  submitButton.textContent = "Sending…";
  // A draft save still under way (e.g. from leaving the last question) must land before the
  // submission clears the draft, or it arrives after and is refused as a conflict (409).
  await saver.flush();
  saver.pause();
  try {
    const receipt = await sendWithRetries(detail.assignment_id, body, idempotencyKey, submitStatus);
    sessionStorage.removeItem(keyName);
    clearPending(detail.assignment_id);
    saver.stop();
    showReceipt(main, detail, template, receipt, answers);
  } catch (error) {
    submitButton.disabled = false;
    submitButton.textContent = "Send to my clinician";
    saver.resume();
    if (error instanceof ApiError && (error.status === 400 || error.status === 422) && error.errors.length) {
      sessionStorage.removeItem(keyName); // nothing was stored; changed answers get a new key
      clear(submitStatus);
      // Answers go next to their questions; the closing questions take their own.
      const answerErrors = error.errors.filter((problem) => /^answers(\.|\[|$)/.test(String(problem.field || "")));
      const otherErrors = error.errors.filter((problem) => !answerErrors.includes(problem));
      form.showErrors(errorsFromProblem(answerErrors));
      const unplaced = showFieldErrors(closing.element, otherErrors);
      if (unplaced.length) clear(submitStatus, notice("error", h("p", { text: unplaced.join(" ") })));
    } else if (error instanceof ApiError && !error.retryable) {
      sessionStorage.removeItem(keyName);
      clear(submitStatus, notice("error", h("p", { text: describeError(error) })));
    } else {
      clear(submitStatus, notice("warning",
        h("p", { text: "We couldn't send this yet. Your answers are safe on this page and saved as a draft." }),
        h("p", { text: "Press “Send to my clinician” again when you are back online. It will only ever be sent once." })));
    }
  }
}

/** POST the submission, retrying with the same key while offline or while the API fails. */
async function sendWithRetries(assignmentId, body, idempotencyKey, statusElement) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await clientApi("POST", `/v1/client/assignments/${encodeURIComponent(assignmentId)}/submissions`, {
        body, headers: { "Idempotency-Key": idempotencyKey },
      });
    } catch (error) {
      const retryable = error instanceof NetworkError || (error instanceof ApiError && error.retryable);
      if (!retryable || attempt >= RETRY_DELAYS_MS.length) throw error;
      const delay = RETRY_DELAYS_MS[attempt];
      clear(statusElement, notice("warning", h("p", { text: navigator.onLine
        ? `Sending is taking longer than usual. Trying again in ${Math.round(delay / 1000)} seconds…`
        : "You seem to be offline. We will send this as soon as you are connected." })));
      await (navigator.onLine ? sleep(delay) : waitUntilOnline());
    }
  }
}

function waitUntilOnline() {
  return new Promise((resolve) => window.addEventListener("online", () => resolve(), { once: true }));
}

function showReceipt(main, detail, template, receipt, answers) {
  const crisis = (receipt.crisis_resources || []).map((resource) => resource.message);
  const shown = crisis.length ? crisis : riskMessages(template, answers);
  const crisisPanel = shown.length
    ? h("section", { class: "crisis", role: "alert", "aria-labelledby": "crisis-title" },
      h("h2", { id: "crisis-title", text: "If you need help now" }), shown.map((message) => h("p", { text: message })))
    : null;
  clear(main,
    h("h1", { text: "Thank you. It's sent." }),
    crisisPanel,
    notice("success", h("p", { text: `“${detail.title}” reached your clinician on ${formatDateTime(receipt.submitted_at)}.` }),
      // Praise next to crisis information reads wrongly; thanks is enough there.
      h("p", { text: crisisPanel ? "Thank you for answering honestly." : "Doing this takes effort. Well done." })),
    h("div", { class: "actions" },
      h("a", { class: "button", href: "#/", text: "Back to your homework" }),
      h("a", { class: "button button-secondary", href: "#/history", text: "See what you have sent" })));
  focusElement(crisisPanel || main.querySelector("h1"));
}

// -- drafts ----------------------------------------------------------------------------------

function readPending(assignmentId, occurrenceId) {
  try {
    const pending = JSON.parse(sessionStorage.getItem(pendingKey(assignmentId)) || "null");
    return pending && pending.occurrence_id === occurrenceId ? pending : null;
  } catch {
    return null;
  }
}

function clearPending(assignmentId) {
  sessionStorage.removeItem(pendingKey(assignmentId));
}

/**
 * Saves the draft a moment after typing stops, when a question loses focus, and before the
 * page is left. Unsaved answers are kept in this tab's storage until the API has them.
 * A 409 means another device saved meanwhile: what is on this screen wins, on the stored version.
 */
class DraftSaver {
  constructor({ assignmentId, occurrenceId, version, status }) {
    this.assignmentId = assignmentId;
    this.occurrenceId = occurrenceId;
    this.version = version;
    this.status = status;
    this.latest = null;
    this.dirty = false;
    this.saving = null;
    this.paused = false;
    this.stopped = false;
    this.debounced = debounce(() => this.flush(), AUTOSAVE_DELAY_MS);
    this.onPageHide = () => this.flush({ keepalive: true });
    this.onVisibility = () => { if (document.visibilityState === "hidden") this.flush({ keepalive: true }); };
    this.onOnline = () => this.flush();
  }

  attach() {
    window.addEventListener("pagehide", this.onPageHide);
    document.addEventListener("visibilitychange", this.onVisibility);
    window.addEventListener("online", this.onOnline);
  }

  detach() {
    window.removeEventListener("pagehide", this.onPageHide);
    document.removeEventListener("visibilitychange", this.onVisibility);
    window.removeEventListener("online", this.onOnline);
    this.debounced.cancel();
  }

  changed(answers) {
    if (this.stopped) return;
    this.latest = answers;
    this.dirty = true;
    sessionStorage.setItem(pendingKey(this.assignmentId), JSON.stringify({ occurrence_id: this.occurrenceId, answers }));
    this.status.textContent = "Unsaved changes";
    if (!this.paused) this.debounced();
  }

  pause() { this.paused = true; this.debounced.cancel(); }
  resume() { this.paused = false; if (this.dirty) this.debounced(); }
  stop() { this.stopped = true; this.dirty = false; this.detach(); }

  async flush({ keepalive = false } = {}) {
    this.debounced.cancel();
    if (this.stopped || this.paused || !this.dirty) return this.saving;
    if (this.saving) {
      await this.saving;
      return this.dirty ? this.flush({ keepalive }) : undefined;
    }
    this.saving = this.save(keepalive).finally(() => { this.saving = null; });
    return this.saving;
  }

  async save(keepalive) {
    const answers = this.latest;
    this.dirty = false;
    this.status.textContent = "Saving…";
    const path = `/v1/client/assignments/${encodeURIComponent(this.assignmentId)}/draft`;
    const body = () => ({ answers: pruneEmptyRows(answers), occurrence_id: this.occurrenceId, version: this.version ?? undefined });
    try {
      let saved;
      try {
        saved = await clientApi("PUT", path, { body: body(), keepalive });
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 409 && error.problem.current)) throw error;
        this.version = error.problem.current.version;
        saved = await clientApi("PUT", path, { body: body(), keepalive });
        announce("These answers were also changed somewhere else. We kept what is on this screen.");
      }
      this.version = saved.version;
      if (!this.dirty) clearPending(this.assignmentId);
      if (!this.stopped) this.status.textContent = `Saved at ${formatDateTime(saved.saved_at)}`;
    } catch (error) {
      this.dirty = true; // try again on the next change, blur or reconnect
      if (this.stopped) return;
      if (error instanceof ApiError && (error.status === 400 || error.status === 422)) {
        this.status.textContent = "Some answers could not be saved yet; check them before sending.";
        this.dirty = false;
      } else {
        this.status.textContent = "Not saved yet: we will try again when you are connected. Your answers are kept on this page.";
      }
    }
  }
}

/** Drafts keep their rows, but a row with nothing in it yet needs no saving. */
function pruneEmptyRows(answers) {
  const result = {};
  for (const [key, value] of Object.entries(answers || {})) {
    if (Array.isArray(value) && value.length && typeof value[0] === "object") {
      const rows = value.filter((row) => Object.values(row).some((cell) => !isEmpty(cell)));
      if (rows.length) result[key] = rows;
    } else {
      result[key] = value;
    }
  }
  return result;
}
