// Answers on their way to the API: drafts saved as the client types, and the one
// submission per occurrence, sent with one Idempotency-Key however often it is retried.

import { h, clear, formatDateTime, notice, announce, debounce, sleep } from "../shared/dom.js";
import { ApiError, NetworkError } from "../shared/api.js";
import { isEmpty } from "../shared/form.js";
import { clientApi } from "./session.js";

const AUTOSAVE_DELAY_MS = 1500;
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 30000];
const pendingKey = (assignmentId) => `emotipal.client.pending.${assignmentId}`;
const submitKey = (assignmentId, occurrenceId) => `emotipal.client.submit.${assignmentId}.${occurrenceId || "current"}`;

/**
 * Send one submission. Every attempt at this answer set uses the same Idempotency-Key, so a
 * retry can never make a second copy; the key is forgotten once the API has answered for good
 * (stored, or refused for a reason a retry cannot change).
 */
export async function sendSubmission(assignmentId, body, statusElement) {
  const keyName = submitKey(assignmentId, body.occurrence_id);
  let idempotencyKey = sessionStorage.getItem(keyName);
  if (!idempotencyKey) {
    idempotencyKey = crypto.randomUUID();
    sessionStorage.setItem(keyName, idempotencyKey);
  }
  try {
    const receipt = await sendWithRetries(assignmentId, body, idempotencyKey, statusElement);
    sessionStorage.removeItem(keyName);
    clearPending(assignmentId);
    return receipt;
  } catch (error) {
    // Refused (bad answers, closed occurrence): nothing was stored; changed answers get a new key.
    if (error instanceof ApiError && !error.retryable) sessionStorage.removeItem(keyName);
    throw error;
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

export function readPending(assignmentId, occurrenceId) {
  try {
    const pending = JSON.parse(sessionStorage.getItem(pendingKey(assignmentId)) || "null");
    return pending && pending.occurrence_id === occurrenceId ? pending : null;
  } catch {
    return null;
  }
}

export function clearPending(assignmentId) {
  sessionStorage.removeItem(pendingKey(assignmentId));
}

/**
 * Saves the draft a moment after typing stops, when a question loses focus, and before the
 * page is left. Unsaved answers are kept in this tab's storage until the API has them.
 * A 409 means another device saved meanwhile: what is on this screen wins, on the stored version.
 */
export class DraftSaver {
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
