// The client's credential. Two ways in:
// - the access link (#token=...): kept in this tab's session storage, as before;
// - a reminder's or notice's sign-in link (#signin=...): exchanged once for a session on
//   this device, kept in local storage (remembered) unless the client says the device is
//   shared (then this tab only, and the server ends it after 12 hours).
// Either way the secret is removed from the address bar so it is not shared or bookmarked.

import { apiRequest, ApiError } from "../shared/api.js";
import { forgetThisDevice } from "./push.js";
import { t } from "./i18n/index.js";

const TOKEN_KEY = "emotipal.client.token";
const PERSONAL_DEVICE_KEY = "emotipal.client.personal-device";

function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY);
}

function dropSecretFromAddress() {
  history.replaceState(null, "", `${window.location.pathname}${window.location.search}#/`);
}

/** What the link in the address bar brings: { token } now, or { signin } to exchange. */
export function readLink() {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  const token = fragment.get("token");
  const signin = fragment.get("signin");
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    dropSecretFromAddress();
  }
  if (signin) dropSecretFromAddress();
  return { token: storedToken(), signin };
}

/** Whether this device was said to be the client's own (then sign-in links open at once). */
export function isPersonalDevice() {
  return localStorage.getItem(PERSONAL_DEVICE_KEY) === "yes";
}

/** Exchange a sign-in token (once) for a session on this device. */
export async function exchangeSignIn(signinToken, { sharedDevice }) {
  const issued = await apiRequest("POST", "/v1/client/session",
    { body: { signin_token: signinToken, shared_device: sharedDevice } });
  forgetToken();
  if (sharedDevice) {
    localStorage.removeItem(PERSONAL_DEVICE_KEY);
    sessionStorage.setItem(TOKEN_KEY, issued.session_token);
  } else {
    localStorage.setItem(PERSONAL_DEVICE_KEY, "yes");
    localStorage.setItem(TOKEN_KEY, issued.session_token);
  }
  return issued;
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(TOKEN_KEY);
}

/** Sign out on this device: end its session on the server (if it is one) and forget it here. */
export async function signOutHere() {
  await forgetThisDevice();  // no reminders in this browser once signed out (needs the session: first)
  const token = storedToken();
  if (token && token.startsWith("s.")) {
    try {
      await apiRequest("DELETE", "/v1/client/session", { token });
    } catch {
      // Forgotten here either way; the session also ends with the link.
    }
  }
  // Everything the page kept here goes: the session, unsent answers, a waiting submission.
  for (const storage of [localStorage, sessionStorage]) {
    const keys = Array.from({ length: storage.length }, (_, index) => storage.key(index));
    for (const key of keys) if (key?.startsWith("emotipal.client.")) storage.removeItem(key);
  }
}

/** "Lost your link?": the same answer whether or not the contact matched. */
export async function askForNewLink(contact) {
  return apiRequest("POST", "/v1/client/lost-link", { body: { contact } });
}

/** Call the API as the client. A 401 means the link or session ended (or was replaced). */
export async function clientApi(method, path, options = {}) {
  const token = storedToken();
  try {
    return await apiRequest(method, path, { ...options, token });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetToken();
      window.dispatchEvent(new CustomEvent("emotipal:signed-out"));
    }
    throw error;
  }
}

/**
 * Show a refused request's per-field sentences next to the fields they belong to.
 * Fields carry `data-path` (the API's field name, e.g. `when_where` or `obstacles[1].response`)
 * and a `.field-error` slot. Returns the messages no field on the page could take, so the
 * caller can show them in plain words; paths are never shown to the person.
 */
export function showFieldErrors(root, problemErrors, { renumber = (path) => path } = {}) {
  clearFieldErrors(root);
  const unplaced = [];
  let first = null;
  for (const error of problemErrors || []) {
    const message = error.message || t("common.checkThis");
    const path = renumber(String(error.field || "").replace(/^body\.?/, ""));
    const field = fieldFor(root, path);
    if (!field) {
      if (!unplaced.includes(message)) unplaced.push(message);
      continue;
    }
    const slot = field.querySelector(".field-error");
    if (slot) {
      slot.textContent = slot.hidden || !slot.textContent ? message : `${slot.textContent} ${message}`;
      slot.hidden = false;
    }
    field.classList.add("has-error");
    for (const control of field.querySelectorAll("input, textarea, select")) control.setAttribute("aria-invalid", "true");
    // Once the person changes the answer, the message has done its job.
    const settle = () => clearFieldErrors(field);
    field.addEventListener("input", settle, { once: true });
    field.addEventListener("change", settle, { once: true });
    first ??= field.querySelector("input:not([type=hidden]), textarea, select");
  }
  if (first) first.focus();
  return unplaced;
}

export function clearFieldErrors(root) {
  root.classList?.remove("has-error");
  for (const field of root.querySelectorAll(".has-error")) field.classList.remove("has-error");
  for (const slot of root.querySelectorAll(".field-error")) { slot.textContent = ""; slot.hidden = true; }
  for (const control of root.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
}

function fieldFor(root, path) {
  let candidate = path;
  while (candidate) {
    const found = root.querySelector(`[data-path="${CSS.escape(candidate)}"]`);
    if (found) return found;
    const shorter = candidate.replace(/(\[\d+\]|\.[^.[\]]+)$/, "");
    if (shorter === candidate) return null;
    candidate = shorter;
  }
  return null;
}
