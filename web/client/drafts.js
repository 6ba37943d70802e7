// Answers on their way to the API: drafts saved as the client types, and the one
// submission per occurrence, sent with one Idempotency-Key however often it is retried.
// On the client's own device, unsent answers and a submission waiting for the network live in
// local storage so they survive a reload or a closed tab (a shared device: this tab only).

import { h, clear, notice, announce, debounce, sleep } from "../shared/dom.js";
import { t, formatDateTime, describeError } from "./i18n/index.js";
import { ApiError, NetworkError } from "../shared/api.js";
import { isEmpty } from "../shared/form.js";
import { clientApi, isPersonalDevice } from "./session.js";
import { loadPlan } from "./plan.js";

const AUTOSAVE_DELAY_MS = 1500;
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 30000];
const pendingKey = (assignmentId) => `emotipal.client.pending.${assignmentId}`;
const homeworkKey = (assignmentId) => `emotipal.client.homework.${assignmentId}`;
const SUBMIT_PREFIX = "emotipal.client.submit.";
const submitKey = (assignmentId, occurrenceId) => `${SUBMIT_PREFIX}${assignmentId}.${occurrenceId || "current"}`;

// The draft savers of homework views on screen (one at most), stopped when a send replaces them.
const savers = new Set();

// Submissions being sent by this page, by storage key: one request loop per submission, the
// status element beside its Send button (null when resumed), and whether it waits for a connection.
const inFlight = new Map();

function store() {
  return isPersonalDevice() ? localStorage : sessionStorage;
}

function readJson(key) {
  try {
    return JSON.parse(store().getItem(key) || "null");
  } catch {
    return null;
  }
}

/**
 * The homework's page data, and a copy kept on this device while it has something to answer,
 * so that the page reopens offline (the service worker keeps only the page itself, no answers).
 */
export async function loadHomework(assignmentId) {
  try {
    const detail = await clientApi("GET", `/v1/client/assignments/${encodeURIComponent(assignmentId)}`);
    const plan = await loadPlan(detail);
    if (detail.current) store().setItem(homeworkKey(assignmentId), JSON.stringify({ detail, plan }));
    else store().removeItem(homeworkKey(assignmentId));
    return { detail, plan };
  } catch (error) {
    const kept = error instanceof NetworkError ? readJson(homeworkKey(assignmentId)) : null;
    if (kept?.detail) return kept;
    throw error;
  }
}

/**
 * Send one submission. Every attempt at this answer set uses the same Idempotency-Key, kept
 * with the body until the API has answered for good (stored, or refused for a reason a retry
 * cannot change), so a retry, a reload or a reopened page can never make a second copy.
 */
export function sendSubmission(assignmentId, body, statusElement) {
  const keyName = submitKey(assignmentId, body.occurrence_id);
  const running = inFlight.get(keyName);
  if (running) return running.promise;
  const kept = readOutgoing(keyName);
  const outgoing = { assignment_id: assignmentId, body, idempotency_key: kept?.idempotency_key || crypto.randomUUID() };
  store().setItem(keyName, JSON.stringify(outgoing));
  return deliver(keyName, outgoing, statusElement);
}

function readOutgoing(keyName) {
  const raw = store().getItem(keyName);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw);
    if (parsed && typeof parsed === "object") return parsed;
  } catch {
    // an older page kept the bare key
  }
  return { idempotency_key: raw };
}

function deliver(keyName, outgoing, statusElement) {
  const sending = { statusElement, waiting: false };
  sending.promise = (async () => {
    try {
      const receipt = await sendWithRetries(outgoing, sending);
      store().removeItem(keyName);
      store().removeItem(homeworkKey(outgoing.assignment_id));
      clearPending(outgoing.assignment_id);
      return receipt;
    } catch (error) {
      // Refused (bad answers, closed occurrence): nothing was stored; changed answers get a new key.
      if (error instanceof ApiError && !error.retryable) store().removeItem(keyName);
      throw error;
    } finally {
      inFlight.delete(keyName);
      showQueue();
    }
  })();
  inFlight.set(keyName, sending);
  return sending.promise;
}

/** POST the submission, retrying with the same key while offline or while the API fails. */
async function sendWithRetries({ assignment_id: assignmentId, body, idempotency_key: idempotencyKey }, sending) {
  const { statusElement } = sending;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await clientApi("POST", `/v1/client/assignments/${encodeURIComponent(assignmentId)}/submissions`, {
        body, headers: { "Idempotency-Key": idempotencyKey },
      });
    } catch (error) {
      const retryable = error instanceof NetworkError || (error instanceof ApiError && error.retryable);
      if (!retryable) throw error;
      if (!navigator.onLine) {
        // Offline: wait for the connection however long it takes (the page may also close;
        // resumeQueuedSubmissions sends it when the page next opens online).
        if (statusElement) clear(statusElement, notice("warning", h("p", { text: t("drafts.offline") })));
        sending.waiting = true;
        showQueue();
        await waitUntilOnline();
        sending.waiting = false;
        attempt = -1; // a fresh round of retries once connected
        continue;
      }
      if (attempt >= RETRY_DELAYS_MS.length) throw error;
      const delay = RETRY_DELAYS_MS[attempt];
      if (statusElement) {
        clear(statusElement, notice("warning", h("p", {
          text: t("drafts.slow", { seconds: Math.round(delay / 1000) }) })));
      }
      await sleep(delay);
    }
  }
}

function waitUntilOnline() {
  return new Promise((resolve) => window.addEventListener("online", () => resolve(), { once: true }));
}

/** Submissions kept on this device that the API has not answered for good yet. */
function outstanding() {
  const found = [];
  const storage = store();
  for (let index = 0; index < storage.length; index += 1) {
    const key = storage.key(index);
    if (!key?.startsWith(SUBMIT_PREFIX)) continue;
    const outgoing = readOutgoing(key);
    if (outgoing?.body && outgoing.assignment_id) found.push({ key, outgoing });
  }
  return found;
}

/**
 * Send what is waiting (a submission made offline, perhaps before a reload), each with the key
 * it was first sent with, so the API stores it once. Called when the page opens and whenever
 * the device comes back online. Each one sent raises `emotipal:submission-sent`.
 */
export function resumeQueuedSubmissions() {
  showQueue();
  if (!navigator.onLine) return Promise.resolve();
  const sends = outstanding().filter(({ key }) => !inFlight.has(key)).map(({ key, outgoing }) => {
    const title = titleOf(outgoing.assignment_id);
    return deliver(key, outgoing, null).then((receipt) => {
      for (const saver of savers) {
        if (saver.assignmentId === outgoing.assignment_id && saver.occurrenceId === outgoing.body.occurrence_id) saver.stop();
      }
      showSent(title, receipt);
      window.dispatchEvent(new CustomEvent("emotipal:submission-sent", {
        detail: { assignmentId: outgoing.assignment_id, occurrenceId: outgoing.body.occurrence_id, receipt },
      }));
    }, (error) => {
      // Refused for good (e.g. the time to send it has passed): say so. Otherwise it stays
      // kept and goes with the next reconnect or visit.
      if (error instanceof ApiError && !error.retryable) showRefused(title, error);
    });
  });
  return Promise.all(sends);
}

function titleOf(assignmentId) {
  const title = readJson(homeworkKey(assignmentId))?.detail?.title;
  return title ? t("drafts.quoted", { title }) : t("drafts.yourHomework");
}

/** The strip above the page that says what is waiting to be sent (index.html #queue-status). */
function showQueue() {
  const strip = document.getElementById("queue-status");
  if (!strip) return;
  // Shown while offline, and for what an earlier page left; not while a send is under way.
  const waiting = outstanding().filter(({ key }) => !inFlight.has(key) || inFlight.get(key).waiting);
  if (!waiting.length) {
    if (strip.dataset.state === "waiting") { clear(strip); strip.hidden = true; delete strip.dataset.state; }
    return;
  }
  const titles = waiting.map(({ outgoing }) => titleOf(outgoing.assignment_id)).join(", ");
  strip.dataset.state = "waiting";
  strip.hidden = false;
  clear(strip, notice("warning", h("p", { text: t(waiting.length > 1 ? "drafts.waitingMany" : "drafts.waitingOne", { titles }) })));
}

function showRefused(title, error) {
  const strip = document.getElementById("queue-status");
  if (!strip) return;
  strip.dataset.state = "refused";
  strip.hidden = false;
  clear(strip, notice("error", h("p", { text: t("drafts.refused", { title, reason: describeError(error) }) })));
}

function showSent(title, receipt) {
  const strip = document.getElementById("queue-status");
  const sentence = t("drafts.reached", { title, when: formatDateTime(receipt.submitted_at) });
  announce(sentence);
  if (!strip) return;
  strip.dataset.state = "sent";
  strip.hidden = false;
  clear(strip, notice("success", h("p", { text: t("drafts.sent", { sentence }) })));
}

export function readPending(assignmentId, occurrenceId) {
  try {
    const pending = JSON.parse(store().getItem(pendingKey(assignmentId)) || "null");
    return pending && pending.occurrence_id === occurrenceId ? pending : null;
  } catch {
    return null;
  }
}

export function clearPending(assignmentId) {
  store().removeItem(pendingKey(assignmentId));
}

/**
 * Saves the draft a moment after typing stops, when a question loses focus, and before the
 * page is left. Unsaved answers are kept on this device (see store()) until the API has them.
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
    savers.add(this);
    window.addEventListener("pagehide", this.onPageHide);
    document.addEventListener("visibilitychange", this.onVisibility);
    window.addEventListener("online", this.onOnline);
  }

  detach() {
    savers.delete(this);
    window.removeEventListener("pagehide", this.onPageHide);
    document.removeEventListener("visibilitychange", this.onVisibility);
    window.removeEventListener("online", this.onOnline);
    this.debounced.cancel();
  }

  changed(answers) {
    if (this.stopped) return;
    this.latest = answers;
    this.dirty = true;
    store().setItem(pendingKey(this.assignmentId), JSON.stringify({ occurrence_id: this.occurrenceId, answers }));
    // Offline the status keeps one sentence: text that changes length moves the Send button.
    this.status.textContent = navigator.onLine ? t("drafts.unsaved") : t("drafts.offlineDraft");
    if (!this.paused) this.debounced();
  }

  pause() { this.paused = true; this.debounced.cancel(); }
  resume() { this.paused = false; if (this.dirty) this.debounced(); }
  stop() { this.stopped = true; this.dirty = false; this.detach(); }

  async flush({ keepalive = false } = {}) {
    this.debounced.cancel();
    if (this.stopped || this.paused || !this.dirty) return this.saving;
    // A submission of this occurrence is waiting to go: it replaces the draft, which stays local.
    if (store().getItem(submitKey(this.assignmentId, this.occurrenceId))) return this.saving;
    if (!navigator.onLine) { // kept on this device; the `online` event saves it
      this.status.textContent = t("drafts.offlineDraft");
      return this.saving;
    }
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
    this.status.textContent = t("drafts.saving");
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
        announce(t("drafts.conflict"));
      }
      this.version = saved.version;
      if (!this.dirty) clearPending(this.assignmentId);
      if (!this.stopped) this.status.textContent = t("drafts.savedAt", { when: formatDateTime(saved.saved_at) });
    } catch (error) {
      this.dirty = true; // try again on the next change, blur or reconnect
      if (this.stopped) return;
      if (error instanceof ApiError && (error.status === 400 || error.status === 422)) {
        this.status.textContent = t("drafts.checkAnswers");
        this.dirty = false;
      } else {
        this.status.textContent = t("drafts.offlineDraft");
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
