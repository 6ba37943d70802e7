// The client page's words: t(id, values) in the page's language, falling back to English per
// message. The language is the client's profile choice (GET /v1/client/me `language`); before
// that is known (the sign-in pages) it is the browser's, when that is Spanish, else English.
// Dates and times go through Intl in the same language.

import { format, setTranslator } from "../../shared/i18n.js";
import { ApiError, NetworkError } from "../../shared/api.js";
import { useDateLocale } from "../../shared/dom.js";

// The client page's dates, in its language (set by setLanguage through useDateLocale).
export { formatDate, formatDateTime } from "../../shared/dom.js";
import en from "./en.js";
import es from "./es.js";

export const LANGUAGES = { en, es };
// Each language named in itself, and the picker's label in both: someone who cannot read the
// page's current language can still find their own.
export const LANGUAGE_NAMES = { en: "English", es: "Español" };
export const LANGUAGE_LABEL = "Idioma / Language";
const LANGUAGE_KEY = "emotipal.client.language";

let current = "en";

/** A message in the page's language, {placeholders} filled from `values`. */
export function t(id, values) {
  const text = LANGUAGES[current][id] ?? en[id];
  return text === undefined ? id : format(text, values);
}

export function language() {
  return current;
}

/**
 * Dates in the page's language, the way the browser's own variant writes them when it has one
 * (en-GB: 30 Nov 2026, 22:09; es-MX for a Spanish page on a Mexican phone).
 */
function dateLocale() {
  const wanted = navigator.languages?.length ? navigator.languages : [navigator.language || ""];
  return wanted.find((tag) => String(tag).toLowerCase().split("-")[0] === current) || current;
}

/** The browser's language when we have it (Spanish), else English. */
export function browserLanguage() {
  const wanted = navigator.languages?.length ? navigator.languages : [navigator.language || "en"];
  for (const tag of wanted) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (base === "en") return "en";
    if (Object.hasOwn(LANGUAGES, base)) return base;
  }
  return "en";
}

/**
 * Use `code` for every word from now on ("en" when it is not one we have), set <html lang>,
 * and remember it on this device so the page opens in it before the profile has answered.
 */
export function setLanguage(code) {
  current = Object.hasOwn(LANGUAGES, code) ? code : "en";
  document.documentElement.lang = current;
  const tag = dateLocale();
  setTranslator(t, tag);
  useDateLocale(tag);
  tellServiceWorker(current);
  try {
    localStorage.setItem(LANGUAGE_KEY, current);
  } catch {
    // storage may be off; the profile says it again next time
  }
  return current;
}

/** The service worker writes the reminder notification's one line in the page's language. */
function tellServiceWorker(code) {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.ready.then((registration) => registration.active?.postMessage({ type: "language", language: code }))
    .catch(() => {});
}

/** The language to start in: the one last used on this device, else the browser's. */
export function startingLanguage() {
  let kept = null;
  try {
    kept = localStorage.getItem(LANGUAGE_KEY);
  } catch {
    kept = null;
  }
  return kept && Object.hasOwn(LANGUAGES, kept) ? kept : browserLanguage();
}

/**
 * A failed request in the page's words (shared/api.js describeError, in this language): the
 * API's own sentence when it gave one for this request, ours for the common cases.
 */
export function describeError(error) {
  if (error instanceof NetworkError) return t("error.network");
  if (error instanceof ApiError) {
    if (error.status === 401) return t("error.signedOut");
    if (error.status === 403) return t("error.forbidden");
    if (error.status === 404) return t("error.notFound");
    return error.message;
  }
  return t("error.other");
}

/** The static words of index.html (data-i18n="id" sets the text, data-i18n-label the aria-label). */
export function translatePage(root = document) {
  for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll("[data-i18n-label]")) element.setAttribute("aria-label", t(element.dataset.i18nLabel));
  document.title = t("page.title");
}

/** Switch to the client's language (from their profile): every word on the page follows. */
export function useLanguage(code) {
  const before = current;
  setLanguage(code);
  if (current !== before) translatePage();
  return current;
}

setLanguage(startingLanguage());
