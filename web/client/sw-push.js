// Web push in the service worker: a reminder becomes a notification, and a click on it opens
// the homework. Loaded by sw.js with importScripts.
//
// A push carries JSON {title, url}: the homework's title and a sign-in link to the client page
// (chalicelib/channels/web_push.py), perhaps a `language` ("en" or "es"). Without one, the line
// is in the language the page last told this worker (a "language" message from
// web/client/i18n/index.js, kept in Cache Storage: no client data), else the browser's. Only a link to this origin is ever opened; anything else
// in a payload is ignored and the click opens the client page itself.

/* eslint-env serviceworker */

const REMINDER_ICON = new URL("./icons/icon-192.png", self.location).href;
// Neutral on purpose: the notification may show on a lock screen others can see. The service
// worker cannot load the page's catalogue (web/client/i18n/), so its one line lives here.
const REMINDER_BODY = {
  en: "Open Emotipal when you're ready.",
  es: "Abra Emotipal cuando quiera.",
};
const TITLE_MAX = 120;

const SETTINGS_CACHE = "emotipal-client-settings";
const LANGUAGE_URL = new URL("./settings/language", self.location).href;

self.addEventListener("message", (event) => {
  const language = event.data?.type === "language" ? event.data.language : null;
  if (!Object.hasOwn(REMINDER_BODY, language)) return;
  event.waitUntil(caches.open(SETTINGS_CACHE).then((cache) => cache.put(LANGUAGE_URL, new Response(language))));
});

async function storedLanguage() {
  try {
    const kept = await (await caches.open(SETTINGS_CACHE)).match(LANGUAGE_URL);
    return kept ? await kept.text() : null;
  } catch {
    return null;
  }
}

/** The payload's language when it is one we have, else the page's last, else the browser's. */
async function languageOf(payload) {
  if (Object.hasOwn(REMINDER_BODY, payload.language)) return payload.language;
  const stored = await storedLanguage();
  if (Object.hasOwn(REMINDER_BODY, stored)) return stored;
  return String(self.navigator?.language || "en").toLowerCase().startsWith("es") ? "es" : "en";
}

function homePage() {
  return self.registration.scope;
}

/** `value` as an absolute URL of this origin, or null. */
function ownUrl(value) {
  if (typeof value !== "string" || !value) return null;
  try {
    const url = new URL(value, self.location.origin);
    return url.origin === self.location.origin ? url.href : null;
  } catch {
    return null;
  }
}

function readPayload(event) {
  try {
    const data = event.data ? event.data.json() : null;
    return data && typeof data === "object" ? data : {};
  } catch {
    return {};  // not JSON: still show a reminder (userVisibleOnly promises one per push)
  }
}

self.addEventListener("push", (event) => {
  const payload = readPayload(event);
  const title = typeof payload.title === "string" && payload.title.trim()
    ? payload.title.trim().slice(0, TITLE_MAX) : "Emotipal";
  event.waitUntil(languageOf(payload).then((language) => self.registration.showNotification(title, {
    body: REMINDER_BODY[language],
    icon: REMINDER_ICON,
    lang: language,
    data: { url: ownUrl(payload.url) || homePage() },
  })));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = ownUrl(event.notification.data?.url) || homePage();
  event.waitUntil(openPage(url));
});

/**
 * Show `url` in a tab of the client page that is already open (focused first), or in a new
 * window. A tab showing the same page with another #fragment would only change its fragment,
 * which the page does not act on, so it is sent to the same address with `?from=reminder`:
 * a full load, and the page opens the link as if it were followed from a message.
 */
async function openPage(url) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.filter((client) => client.url.startsWith(homePage()));
  const tab = open.find((client) => client.focused) || open[0];
  if (tab) {
    try {
      const navigated = await tab.navigate(sameDocument(tab.url, url) ? fullLoad(url) : url);
      if (navigated) {
        await navigated.focus().catch(() => {});  // focusing needs the click; the page is shown either way
        return navigated;
      }
    } catch {
      // A tab this worker does not control yet cannot be navigated from here: open a window.
    }
  }
  return self.clients.openWindow(url);
}

function sameDocument(current, target) {
  const strip = (value) => value.split("#")[0];
  return strip(current) === strip(target) && target.includes("#");
}

function fullLoad(url) {
  const next = new URL(url);
  next.searchParams.set("from", "reminder");
  return next.href;
}
