// Clinician sign-in: password, then any challenge (a new password on first sign-in, or a
// code from an authenticator app), and quiet token refresh while the page is open.

import { h, clear, focusElement, notice } from "../shared/dom.js";
import { apiRequest, ApiError, describeError } from "../shared/api.js";

const SESSION_KEY = "emotipal.admin.session";
let refreshing = null;

function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
  } catch {
    return null;
  }
}

function keepTokens(result) {
  const previous = readSession() || {};
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({
    access_token: result.access_token,
    refresh_token: result.refresh_token || previous.refresh_token || null,
  }));
}

export function isSignedIn() {
  return Boolean(readSession()?.access_token);
}

export function signOut() {
  sessionStorage.removeItem(SESSION_KEY);
  window.dispatchEvent(new CustomEvent("emotipal:signed-out"));
}

async function refresh() {
  const session = readSession();
  if (!session?.refresh_token) return false;
  refreshing ??= apiRequest("POST", "/v1/auth/refresh", { body: { refresh_token: session.refresh_token } })
    .then((result) => { if (!result.access_token) return false; keepTokens(result); return true; })
    .catch(() => false)
    .finally(() => { refreshing = null; });
  return refreshing;
}

/** Call the API as the signed-in clinician; one refresh and retry on 401. */
export async function adminApi(method, path, options = {}) {
  for (let attempt = 0; ; attempt += 1) {
    const token = readSession()?.access_token;
    try {
      return await apiRequest(method, path, { ...options, token });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
      if (attempt === 0 && await refresh()) continue;
      signOut();
      throw error;
    }
  }
}

/** The sign-in page; calls onSignedIn() once tokens are kept. */
export function showLogin(main, onSignedIn) {
  const status = h("div", { role: "status", "aria-live": "polite" });
  const email = h("input", { type: "email", id: "login-email", autocomplete: "username", required: true, class: "control" });
  const password = h("input", { type: "password", id: "login-password", autocomplete: "current-password", required: true, class: "control" });
  const button = h("button", { type: "submit", class: "button", text: "Sign in" });
  const form = h("form", { class: "card narrow", novalidate: true, "aria-labelledby": "login-title" },
    h("h1", { id: "login-title", text: "Sign in" }),
    status,
    h("div", { class: "field" }, h("label", { class: "field-label", for: "login-email", text: "Email address" }), email),
    h("div", { class: "field" }, h("label", { class: "field-label", for: "login-password", text: "Password" }), password),
    h("div", { class: "actions" }, button));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!email.value.trim() || !password.value) {
      clear(status, notice("error", h("p", { text: "Enter your email address and password." })));
      focusElement(email.value.trim() ? password : email);
      return;
    }
    await run(button, status, () => apiRequest("POST", "/v1/auth/login", { body: { email: email.value.trim(), password: password.value } }),
      (result) => handleResult(main, result, email.value.trim(), onSignedIn));
  });
  clear(main, form);
  focusElement(email);
}

async function run(button, status, request, next) {
  button.disabled = true;
  clear(status);
  try {
    next(await request());
  } catch (error) {
    button.disabled = false;
    const details = error instanceof ApiError ? error.errors.map((item) => h("li", { text: item.message })) : [];
    clear(status, notice("error", h("p", { text: error instanceof ApiError && error.status === 400 ? error.message : describeError(error) }),
      details.length ? h("ul", {}, details) : null));
    focusElement(status.firstElementChild);
  }
}

function handleResult(main, result, email, onSignedIn) {
  if (result.access_token) {
    keepTokens(result);
    onSignedIn();
  } else if (result.challenge) {
    showChallenge(main, result, email, onSignedIn);
  } else {
    showLogin(main, onSignedIn);
  }
}

function showChallenge(main, result, email, onSignedIn) {
  const status = h("div", { role: "status", "aria-live": "polite" });
  const button = h("button", { type: "submit", class: "button", text: "Continue" });
  let fields;
  let body;
  if (result.challenge === "NEW_PASSWORD_REQUIRED") {
    const first = h("input", { type: "password", id: "new-password", autocomplete: "new-password", minlength: 12, class: "control", "aria-describedby": "new-password-help" });
    const second = h("input", { type: "password", id: "new-password-again", autocomplete: "new-password", class: "control" });
    fields = [
      h("h1", { id: "challenge-title", text: "Choose a new password" }),
      h("p", { text: "This is your first sign-in. Choose a password only you know." }),
      status,
      h("div", { class: "field" }, h("label", { class: "field-label", for: "new-password", text: "New password" }),
        h("p", { class: "field-help", id: "new-password-help", text: "At least 12 characters. A few unrelated words work well." }), first),
      h("div", { class: "field" }, h("label", { class: "field-label", for: "new-password-again", text: "New password again" }), second),
    ];
    body = () => {
      if (first.value.length < 12) return "Use at least 12 characters.";
      if (first.value !== second.value) return "The two passwords are different.";
      return { new_password: first.value };
    };
  } else if (result.challenge === "SOFTWARE_TOKEN_MFA") {
    const code = h("input", { type: "text", id: "mfa-code", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", maxlength: 6, class: "control control-short", "aria-describedby": "mfa-help" });
    fields = [
      h("h1", { id: "challenge-title", text: "Enter your sign-in code" }),
      status,
      h("div", { class: "field" }, h("label", { class: "field-label", for: "mfa-code", text: "6-digit code" }),
        h("p", { class: "field-help", id: "mfa-help", text: "Open your authenticator app and type the code shown for Emotipal." }), code),
    ];
    body = () => (/^\d{6}$/.test(code.value.trim()) ? { code: code.value.trim() } : "Enter the 6 digits from your app.");
  } else {
    clear(main, notice("error", h("p", { text: "This sign-in step is not supported here. Please contact your practice administrator." })));
    return;
  }
  const form = h("form", { class: "card narrow", novalidate: true, "aria-labelledby": "challenge-title" }, fields, h("div", { class: "actions" }, button));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = body();
    if (typeof answer === "string") {
      clear(status, notice("error", h("p", { text: answer })));
      focusElement(status.firstElementChild);
      return;
    }
    await run(button, status,
      () => apiRequest("POST", "/v1/auth/challenge", { body: { challenge: result.challenge, session: result.session, email, ...answer } }),
      (next) => handleResult(main, next, email, onSignedIn));
  });
  clear(main, form);
  focusElement(form.querySelector("input"));
}
