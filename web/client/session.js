// The client's access token: read once from the link's #token=..., kept in this tab's
// session storage, and removed from the address bar so it is not shared or bookmarked.

import { apiRequest, ApiError } from "../shared/api.js";

const TOKEN_KEY = "emotipal.client.token";

export function takeTokenFromLink() {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  const token = fragment.get("token");
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, "", `${window.location.pathname}${window.location.search}#/`);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Call the API as the client. A 401 means the link expired or was replaced. */
export async function clientApi(method, path, options = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
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
    const message = error.message || "Please check this.";
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
